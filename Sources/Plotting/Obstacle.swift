/// The footprint of a drawn mark in figure coordinates, for placing a legend clear of it.
enum Obstacle: Sendable, Equatable {
  /// A dot or symbol: everything within `radius` of `center`.
  case disk(center: Point, radius: Double)
  /// A straight piece of a line or an outline.
  case segment(Point, Point)
  /// The inside of a filled polygon (its edges are separate segments).
  case region([Point])

  /// Whether the obstacle and `rect` share a point (edges included).
  func intersects(_ rect: Rect) -> Bool {
    switch self {
    case .disk(let c, let r):
      let dx = Swift.max(rect.minX - c.x, 0, c.x - rect.maxX)
      let dy = Swift.max(rect.minY - c.y, 0, c.y - rect.maxY)
      return dx * dx + dy * dy <= r * r
    case .segment(let p, let q):
      return Obstacle.segment(p, q, meets: rect)
    case .region(let polygon):
      // The rectangle lies inside the polygon when one of its corners does (its edges,
      // being segments of their own, catch every partial overlap).
      return Obstacle.polygon(polygon, contains: Point(rect.minX, rect.minY))
        || polygon.contains { rect.contains($0) }
    }
  }

  /// Liang–Barsky: whether the segment p–q has a point inside `rect`.
  static func segment(_ p: Point, _ q: Point, meets rect: Rect) -> Bool {
    var t0 = 0.0, t1 = 1.0
    let dx = q.x - p.x, dy = q.y - p.y
    for (denominator, numerator) in [
      (-dx, p.x - rect.minX), (dx, rect.maxX - p.x), (-dy, p.y - rect.minY), (dy, rect.maxY - p.y),
    ] {
      if denominator == 0 {
        if numerator < 0 { return false }
      } else {
        let t = numerator / denominator
        if denominator < 0 {
          if t > t1 { return false }
          t0 = Swift.max(t0, t)
        } else {
          if t < t0 { return false }
          t1 = Swift.min(t1, t)
        }
      }
    }
    return t0 <= t1
  }

  /// Even–odd ray casting.
  static func polygon(_ polygon: [Point], contains point: Point) -> Bool {
    var inside = false
    var j = polygon.count - 1
    for i in polygon.indices {
      let a = polygon[i], b = polygon[j]
      if (a.y > point.y) != (b.y > point.y),
        point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x
      {
        inside.toggle()
      }
      j = i
    }
    return inside
  }
}

extension Layer {
  /// What the layer paints, as obstacles in figure coordinates through the scales:
  /// segments along lines, outlines and contours, disks for dots and symbols, and the
  /// inside of filled polygons. Non-finite points are left out, as they are not drawn.
  /// - Complexity: O(points of the layer).
  func obstacles(xScale: LinearScale, yScale: LinearScale) -> [Obstacle] {
    func points(_ xs: [Double], _ ys: [Double]) -> [Point] {
      zip(xs, ys).compactMap { x, y in x.isFinite && y.isFinite ? Point(xScale(x), yScale(y)) : nil }
    }
    func chain(_ p: [Point], closed: Bool) -> [Obstacle] {
      var result = zip(p, p.dropFirst()).map { Obstacle.segment($0, $1) }
      if closed, p.count >= 3, let first = p.first, let last = p.last { result.append(.segment(last, first)) }
      if p.count == 1, let only = p.first { result.append(.segment(only, only)) }
      return result
    }
    switch self {
    case .line(let s):
      let p = points(s.xs, s.ys)
      return chain(p, closed: false) + (s.markers ? p.map { .disk(center: $0, radius: s.style.width * 1.6) } : [])
    case .points(let s):
      return (0..<Swift.min(s.xs.count, s.ys.count)).compactMap { i in
        guard s.xs[i].isFinite, s.ys[i].isFinite else { return nil }
        return .disk(center: Point(xScale(s.xs[i]), yScale(s.ys[i])), radius: s.radius(at: i))
      }
    case .polygon(let s):
      let p = points(s.outline.xs, s.outline.ys)
      return chain(p, closed: true) + (s.fill != nil && p.count >= 3 ? [.region(p)] : [])
    case .contour(let s):
      return s.levels.flatMap { $0.lines.flatMap { chain(points($0.xs, $0.ys), closed: $0.isClosed) } }
    case .markers(let s):
      let reach = s.size + (s.outline?.width ?? 0) + MarkerSeries.strokeWidth(size: s.size) / 2
      return points(s.xs, s.ys).map { .disk(center: $0, radius: reach) }
    case .segments(let s):
      return s.finiteSegments { Point(xScale($0), yScale($1)) }.map { .segment($0, $1) }
    }
  }

  /// Whether the layer is one of the marks figures drew before obstacles were measured
  /// exactly (lines and dots, which ``Figure`` still counts by samples).
  var isSampled: Bool {
    switch self {
    case .line, .points: true
    case .polygon, .contour, .markers, .segments: false
    }
  }
}
