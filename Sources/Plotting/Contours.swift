/// The contour lines of one level.
public struct ContourLevel: Sendable, Equatable {
  /// The value the lines follow.
  public var level: Double
  /// The lines, open ones (ending on the grid's border or beside a missing value) first,
  /// then closed ones.
  public var lines: [Polyline]

  public init(level: Double, lines: [Polyline]) {
    self.level = level
    self.lines = lines
  }
}

/// Contour lines of a function sampled on a rectangular grid, by marching squares, and
/// choices of levels for them.
public enum Contours {
  /// The contour lines of `z` at each of `levels`.
  ///
  /// Each grid cell whose four corners are finite is classified by which corners lie
  /// above the level (strictly greater); a crossing on a cell edge is placed by linear
  /// interpolation between the edge's two values. A saddle cell (two opposite corners
  /// above, the other two not) is resolved by the mean of its four corners: when the
  /// mean is on the same side as the lower-left and upper-right corners, those two are
  /// joined through the cell's centre; otherwise the other pair is. Cells touching a
  /// NaN or infinite value are skipped, so lines stop at their edges.
  ///
  /// Segments sharing a crossing are joined into polylines; a line that returns to where
  /// it started is closed (``Polyline/isClosed``) without repeating its first point. A
  /// level equal to a grid value makes crossings on that grid point; it appears once.
  /// - Parameters:
  ///   - xs: The grid's x coordinates (`nx` of them), increasing or decreasing.
  ///   - ys: The grid's y coordinates (`ny` of them).
  ///   - z: The values, row-major: `z[iy * nx + ix]` is the value at `(xs[ix], ys[iy])`.
  ///   - levels: The levels to trace.
  /// - Returns: One ``ContourLevel`` per level, in the order given. Levels that are not
  ///   finite, or a grid that is smaller than 2 × 2 or whose `z` is not `nx · ny` long,
  ///   give no lines.
  /// - Complexity: O(nx · ny) per level.
  public static func lines(xs: [Double], ys: [Double], z: [Double], levels: [Double]) -> [ContourLevel] {
    let nx = xs.count, ny = ys.count
    guard nx >= 2, ny >= 2, z.count == nx * ny else {
      return levels.map { ContourLevel(level: $0, lines: []) }
    }
    return levels.map { level in
      ContourLevel(level: level, lines: level.isFinite ? trace(xs: xs, ys: ys, z: z, level: level) : [])
    }
  }

  /// The lines of one level (see ``lines(xs:ys:z:levels:)``).
  static func trace(xs: [Double], ys: [Double], z: [Double], level: Double) -> [Polyline] {
    let nx = xs.count, ny = ys.count
    // Edges are numbered: horizontal ones (ix, iy)–(ix + 1, iy) first, then vertical
    // ones (ix, iy)–(ix, iy + 1).
    let horizontalCount = (nx - 1) * ny
    func horizontal(_ ix: Int, _ iy: Int) -> Int { iy * (nx - 1) + ix }
    func vertical(_ ix: Int, _ iy: Int) -> Int { horizontalCount + iy * nx + ix }
    func crossing(_ edge: Int) -> (Double, Double) {
      let ix0: Int, iy0: Int, ix1: Int, iy1: Int
      if edge < horizontalCount {
        (iy0, ix0) = (edge / (nx - 1), edge % (nx - 1))
        (ix1, iy1) = (ix0 + 1, iy0)
      } else {
        let e = edge - horizontalCount
        (iy0, ix0) = (e / nx, e % nx)
        (ix1, iy1) = (ix0, iy0 + 1)
      }
      let z0 = z[iy0 * nx + ix0], z1 = z[iy1 * nx + ix1]
      let t = (level - z0) / (z1 - z0)
      return (xs[ix0] + t * (xs[ix1] - xs[ix0]), ys[iy0] + t * (ys[iy1] - ys[iy0]))
    }

    var segments: [(Int, Int)] = []
    for iy in 0..<(ny - 1) {
      for ix in 0..<(nx - 1) {
        let z00 = z[iy * nx + ix], z10 = z[iy * nx + ix + 1]
        let z01 = z[(iy + 1) * nx + ix], z11 = z[(iy + 1) * nx + ix + 1]
        guard z00.isFinite, z10.isFinite, z01.isFinite, z11.isFinite else { continue }
        let above = (z00 > level, z10 > level, z11 > level, z01 > level)
        // Edges in order around the cell: bottom, right, top, left.
        let edges = [horizontal(ix, iy), vertical(ix + 1, iy), horizontal(ix, iy + 1), vertical(ix, iy)]
        let crossed = [above.0 != above.1, above.1 != above.2, above.2 != above.3, above.3 != above.0]
        let cut = (0..<4).filter { crossed[$0] }.map { edges[$0] }
        if cut.count == 2 {
          segments.append((cut[0], cut[1]))
        } else if cut.count == 4 {
          let centre = (z00 + z10 + z01 + z11) / 4 > level
          if centre == above.0 {
            // Lower-left and upper-right joined: cut off the other two corners.
            segments.append((edges[0], edges[1]))
            segments.append((edges[2], edges[3]))
          } else {
            segments.append((edges[3], edges[0]))
            segments.append((edges[1], edges[2]))
          }
        }
      }
    }
    return join(segments, point: crossing)
  }

  /// Joins segments between numbered crossings into polylines: open chains (starting
  /// at a crossing used once) first, then closed loops, each in order of their first
  /// segment.
  static func join(_ segments: [(Int, Int)], point: (Int) -> (Double, Double)) -> [Polyline] {
    var incident: [Int: [Int]] = [:]
    for (index, s) in segments.enumerated() {
      incident[s.0, default: []].append(index)
      incident[s.1, default: []].append(index)
    }
    var used = [Bool](repeating: false, count: segments.count)
    var result: [Polyline] = []

    func walk(from start: Int) -> (keys: [Int], closed: Bool) {
      var keys = [start]
      var key = start
      while let next = incident[key]?.first(where: { !used[$0] }) {
        used[next] = true
        let s = segments[next]
        key = s.0 == key ? s.1 : s.0
        if key == start { return (keys, true) }
        keys.append(key)
      }
      return (keys, false)
    }
    // A level equal to a grid value puts crossings of neighbouring edges on that grid
    // point: each point is kept once.
    func polyline(_ keys: [Int], closed: Bool) -> Polyline {
      var xs: [Double] = [], ys: [Double] = []
      for (x, y) in keys.map(point) where xs.last != x || ys.last != y {
        xs.append(x)
        ys.append(y)
      }
      if closed, xs.count > 1, xs.first == xs.last, ys.first == ys.last {
        xs.removeLast()
        ys.removeLast()
      }
      return Polyline(xs: xs, ys: ys, isClosed: closed)
    }

    for (index, s) in segments.enumerated() where !used[index] {
      for end in [s.0, s.1] where incident[end]?.count == 1 && !used[index] {
        let (keys, _) = walk(from: end)
        result.append(polyline(keys, closed: false))
      }
    }
    for (index, s) in segments.enumerated() where !used[index] {
      let (keys, closed) = walk(from: s.0)
      result.append(polyline(keys, closed: closed))
    }
    return result
  }

  /// About `count` round levels (1-2-5 steps, as ticks) strictly between the smallest
  /// and largest finite values of `z`.
  /// - Returns: Increasing levels; none when `z` has fewer than two distinct finite values.
  public static func levels(_ z: [Double], count: Int) -> [Double] {
    guard let (low, high) = finiteExtent(z), low < high else { return [] }
    return Ticks.values(low, high, count: count).filter { $0 > low && $0 < high }
  }

  /// The levels `f · max z` for each fraction f in 0 < f < 1 (as for a density, whose
  /// contours at 10 %, 50 % and 90 % of its peak are drawn).
  /// - Returns: Increasing levels; none when the largest finite value is not positive.
  public static func levels(_ z: [Double], fractionsOfMaximum fractions: [Double]) -> [Double] {
    guard let (_, high) = finiteExtent(z), high > 0 else { return [] }
    return Ticks.increasing(fractions.filter { $0 > 0 && $0 < 1 }.sorted().map { $0 * high })
  }

  /// The smallest and largest finite values, or `nil` when there are none.
  static func finiteExtent(_ values: [Double]) -> (Double, Double)? {
    var low = Double.infinity, high = -Double.infinity
    for v in values where v.isFinite {
      low = Swift.min(low, v)
      high = Swift.max(high, v)
    }
    return low <= high ? (low, high) : nil
  }
}
