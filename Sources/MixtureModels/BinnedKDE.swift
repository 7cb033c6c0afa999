/// The binned kernel density estimate (Wand 1994; Silverman 1982): the data are spread
/// onto a fine, evenly spaced grid by linear binning, and the estimate at each grid
/// point is a discrete convolution of the bin weights with the kernel truncated at
/// ``truncation`` bandwidths.
///
/// The fine grid subdivides the output grid by a whole number, so the output points are
/// fine-grid points and need no interpolation; its spacing `δ` is at most
/// `h / ``resolution```. Bin weights are counted in fixed point (units of 2⁻³²), so
/// the binning is exact integer arithmetic and gives the same bits on any number of
/// threads.
///
/// The stated error bound is rigorous, floating-point rounding aside. Linear binning
/// replaces `K(y − x)` by the chord between the two neighbouring grid points, an error
/// of at most `f(1 − f) δ²/2 · max|K''|` over the bin for a point a fraction `f` across
/// it; summing `f(1 − f)` per bin during binning and convolving those sums with the
/// bin-wise maxima of `|K''|` bounds the binning error at every output point. To that
/// are added the kernel's tail beyond the truncation, `φ(τ)/h`, and the fixed-point
/// rounding of the weights.
enum BinnedKDE {
  /// Fine-grid points per bandwidth, at least.
  static let resolution = 128.0
  /// The kernel is cut at this many bandwidths.
  static let truncation = 7.5
  /// The most bins the fine grid may have; beyond, it is coarsened (and the bound says so).
  static let maximumBins = 1 << 22
  /// One bin weight unit: 2³².
  static let unit = 4_294_967_296.0

  /// The estimate on `grid` (at least two points, evenly spaced, increasing) by binning;
  /// exactly (``KernelDensityEstimate/densities(at:)``) when the grid has no spacing or
  /// the grid and data span more than the largest double, where no fine grid exists.
  static func evaluate(_ kde: KernelDensityEstimate, grid: [Double]) -> GridDensity {
    let n = kde.data.count
    let h = kde.bandwidth
    let m = grid.count
    let a = grid[0]
    let spacing = (grid[m - 1] - a) / Double(m - 1)
    // The fine grid: g_j = a + j δ, δ = spacing / s.
    let range = Swift.max(kde.maximum, grid[m - 1]) - Swift.min(kde.minimum, a)
    guard spacing > 0, spacing.isFinite, range.isFinite else { return exact(kde, grid: grid) }
    var subdivision = Swift.max(1, Int(clamping: (resolution * spacing / h).rounded(.up), nan: 1))
    let allowed = Swift.max(1, Int(clamping: Double(maximumBins) * spacing / Swift.max(range, spacing), nan: 1))
    subdivision = Swift.min(subdivision, allowed)
    let delta = spacing / Double(subdivision)
    // Bins cover the data and the output points, however far the grid reaches. By the
    // choice of δ they number at most about `maximumBins` (or the grid's points, if
    // more); only a δ that underflowed gives more, and then no fine grid exists.
    let lowPosition = ((kde.minimum - a) / delta).rounded(.down)
    let highPosition = ((kde.maximum - a) / delta).rounded(.down)
    let binLimit = Double(2 * maximumBins + (m - 1) * subdivision)
    guard abs(lowPosition) <= binLimit, abs(highPosition) <= binLimit else { return exact(kde, grid: grid) }
    let low = Swift.min(Int(lowPosition) - 1, 0)
    let high = Swift.max(Int(highPosition) + 2, (m - 1) * subdivision)
    let binCount = high - low + 1

    // Bin weights and Σ f(1 − f), in units of 2⁻³².
    var weights = [UInt64](repeating: 0, count: binCount)
    var curvature = [UInt64](repeating: 0, count: binCount)
    bin(kde.data, origin: a + Double(low) * delta, delta: delta, weights: &weights, curvature: &curvature)

    // Kernel weights φ(l δ / h) for l = −L…L, and the largest |φ''| over each bin
    // [(l − 1) δ, l δ] of offsets, l = −L…L + 1. A kernel reaching past every bin (a
    // bandwidth huge next to the grid) is cut at the bins' width instead: from any
    // output point it still covers every bin, so nothing is truncated.
    let reach = (truncation * h / delta).rounded(.up)
    let truncated = reach <= Double(Swift.max(maximumBins, binCount))
    let halfWidth = truncated ? Int(reach) : binCount
    let step = delta / h
    let kernel = (-halfWidth...halfWidth).map { l -> Double in
      let t = Double(l) * step
      return _exp(-0.5 * t * t)
    }
    let curvatureKernel = (-halfWidth...(halfWidth + 1)).map { l in
      largestSecondDerivative(from: Double(l - 1) * step, to: Double(l) * step)
    }

    // Padded with L + 1 empty bins each side, so every output point's sums are plain
    // dot products over contiguous memory.
    let padding = halfWidth + 1
    var paddedWeights = [Double](repeating: 0, count: binCount + 2 * padding)
    var paddedCurvature = [Double](repeating: 0, count: binCount + 2 * padding)
    for j in 0..<binCount {
      paddedWeights[j + padding] = Double(weights[j])
      paddedCurvature[j + padding] = Double(curvature[j])
    }
    // Bin j = centre − l is weighted by kernel[l + L]; for the curvature, bin
    // centre − L − 1 + u holds offsets [(l − 1) δ, l δ] with l = L + 1 − u.
    let curvatureWeights = (0...(2 * halfWidth + 1)).map { u in curvatureKernel[2 * halfWidth + 1 - u] }

    // Output point i is fine point i·s, bin index i·s − low.
    let inverseN = 1 / Double(n)
    let densityScale = inverseSqrtTwoPi / h * inverseN / unit
    var boundScale = delta * delta / 2 / (h * h * h) * inverseN / unit
    if !(boundScale.isFinite && boundScale > 0) {
      // δ² or h³ under- or overflowed: the same factor as (δ/h)² / (2h).
      boundScale = step * step / 2 / h * inverseN / unit
    }
    var values = [Double](repeating: 0, count: m)
    var bound = 0.0
    // A bandwidth near the largest double makes the scale subnormal, with few digits:
    // then the weights are scaled down first and the bandwidth divided last.
    let subnormalScale = !densityScale.isNormal
    for i in 0..<m {
      let centre = i * subdivision - low + padding
      let weighted = dot(paddedWeights, from: centre - halfWidth, kernel)
      values[i] = subnormalScale ? weighted * inverseN / unit * inverseSqrtTwoPi / h : weighted * densityScale
      bound = Swift.max(bound, dot(paddedCurvature, from: centre - halfWidth - 1, curvatureWeights) * boundScale)
    }
    // The tail beyond the truncation, and the weights' fixed-point rounding (2⁻³³ per
    // weight, two weights per point).
    if truncated {
      let tail = Double(halfWidth - 1) * step
      bound += _exp(-0.5 * tail * tail) * inverseSqrtTwoPi / h
    }
    bound += 2 / (2 * unit) * inverseSqrtTwoPi / h
    // Both estimates lie in [0, φ(0)/h], so their difference does too: the bound when
    // the one above overflowed (bins far wider than the bandwidth).
    if !bound.isFinite { bound = inverseSqrtTwoPi / h }
    return GridDensity(grid: grid, values: values, method: .binned, errorBound: bound, binCount: binCount)
  }

  /// The exact estimate on `grid`, for grids that cannot be binned.
  static func exact(_ kde: KernelDensityEstimate, grid: [Double]) -> GridDensity {
    GridDensity(grid: grid, values: kde.densities(at: grid), method: .exact, errorBound: 0, binCount: 0)
  }

  /// `Σ a[start + t] · b[t]` over `b`, eight products at a time, in a fixed order.
  static func dot(_ a: [Double], from start: Int, _ b: [Double]) -> Double {
    precondition(start >= 0 && start + b.count <= a.count, "dot product out of bounds")
    return a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        // An empty b (the only way either is nil, given the bounds) sums to 0.
        guard let aBase = a.baseAddress, let bBase = b.baseAddress else { return 0 }
        let pa = UnsafeRawPointer(aBase + start), pb = UnsafeRawPointer(bBase)
        var sum = Vector8()
        var t = 0
        while t + 8 <= b.count {
          sum = sum + pa.loadUnaligned(fromByteOffset: t * 8, as: Vector8.self) * pb.loadUnaligned(fromByteOffset: t * 8, as: Vector8.self)
          t += 8
        }
        var total = Statistics.lanes(sum)
        while t < b.count {
          total += a[start + t] * b[t]
          t += 1
        }
        return total
      }
    }
  }

  /// Linear binning: a point a fraction `f` of the way from node `j` to `j + 1` adds
  /// `1 − f` to node `j` and `f` to node `j + 1`, and `f(1 − f)` to bin `j`'s curvature
  /// sum; all in units of 2⁻³², rounded, so that the sums are exact integers.
  static func bin(_ data: [Double], origin: Double, delta: Double, weights: inout [UInt64], curvature: inout [UInt64]) {
    let inverseDelta = 1 / delta
    let threads = EMKernel.threads(for: data.count, requested: nil)
    if threads == 1 {
      data.withUnsafeBufferPointer { x in
        binRange(x, 0..<x.count, origin: origin, inverseDelta: inverseDelta, &weights, &curvature)
      }
      return
    }
    // Each thread bins its part into its own arrays; integer sums add up the same in any order.
    let count = weights.count
    var parts = [[UInt64]](repeating: [], count: 2 * threads)
    data.withUnsafeBufferPointer { x in
      parts.withUnsafeMutableBufferPointer { parts in
        let shared = UnsafeSendable((x, parts))
        parallelChunks(threads, threads: threads) { range in
          let (x, parts) = shared.value
          for t in range {
            var w = [UInt64](repeating: 0, count: count)
            var c = [UInt64](repeating: 0, count: count)
            binRange(x, (x.count * t / threads)..<(x.count * (t + 1) / threads), origin: origin, inverseDelta: inverseDelta, &w, &c)
            parts[2 * t] = w
            parts[2 * t + 1] = c
          }
        }
      }
    }
    for t in 0..<threads {
      for j in 0..<count {
        weights[j] &+= parts[2 * t][j]
        curvature[j] &+= parts[2 * t + 1][j]
      }
    }
  }

  static func binRange(
    _ x: UnsafeBufferPointer<Double>, _ range: Range<Int>, origin: Double, inverseDelta: Double,
    _ weights: inout [UInt64], _ curvature: inout [UInt64]
  ) {
    // Positions outside [0, count − 1) cannot come from the bins `evaluate` lays out,
    // rounding aside (a grid far narrower than the ulp of its values); they are clamped
    // (NaN to 0) so that both nodes are in bounds, and every other position is left as it is.
    let last = Double(weights.count - 1).nextDown
    weights.withUnsafeMutableBufferPointer { w in
      curvature.withUnsafeMutableBufferPointer { c in
        for i in range {
          let raw = (x[i] - origin) * inverseDelta
          let position = raw >= 0 ? Swift.min(raw, last) : 0
          let j = Int(position)
          let f = position - Double(j)
          // Truncation after adding ½ rounds to nearest; the curvature sum is rounded up
          // (+1) so the bound stays a bound. Neither calls a rounding function.
          let upper = UInt64(f * unit + 0.5)
          w[j] &+= 1 << 32 &- upper
          w[j + 1] &+= upper
          c[j] &+= UInt64(f * (1 - f) * unit) &+ 1
        }
      }
    }
  }

  /// The largest `|φ''(t)| = |t² − 1| φ(t)` for `t` in `[t1, t2]`: at an end, or at an
  /// interior extremum (0, where it is φ(0), or ±√3).
  static func largestSecondDerivative(from t1: Double, to t2: Double) -> Double {
    func value(_ t: Double) -> Double { abs(t * t - 1) * _exp(-0.5 * t * t) * inverseSqrtTwoPi }
    var largest = Swift.max(value(t1), value(t2))
    for t in [0, 3.0.squareRoot(), -(3.0.squareRoot())] where t1 <= t && t <= t2 {
      largest = Swift.max(largest, value(t))
    }
    return largest
  }
}
