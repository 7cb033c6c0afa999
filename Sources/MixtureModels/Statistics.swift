/// Summary statistics of a sample.
public struct SampleSummary: Sendable, Equatable {
  /// The number of values.
  public var count: Int
  /// The arithmetic mean.
  public var mean: Double
  /// The standard deviation with `ddof = 1` (the sample standard deviation).
  public var sd: Double
  /// The smallest value.
  public var min: Double
  /// The largest value.
  public var max: Double

  /// Summarises `values`; every statistic of no values is NaN.
  public init(_ values: [Double]) {
    count = values.count
    mean = Statistics.mean(values)
    sd = values.count > 1 ? Statistics.standardDeviation(values, ddof: 1) : values.isEmpty ? .nan : 0
    min = values.min() ?? .nan
    max = values.max() ?? .nan
  }
}

/// Plain descriptive statistics, computed in two passes for accuracy.
///
/// The passes are vectorised: 32 partial sums (four vectors of eight lanes) that are
/// added in a fixed order at the end, so the result is the same on every machine and
/// a pass over 10⁷ values runs at the speed of memory rather than of one addition's
/// latency.
public enum Statistics {
  /// The arithmetic mean of `values` (NaN when empty).
  ///
  /// When the sum of finite values overflows (values near 10³⁰⁸), the mean is that of
  /// the values scaled by a power of two (``scaled(_:by:)``), scaled back.
  public static func mean(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let m = values.withUnsafeBufferPointer { unscaledMean($0) }
    guard !m.isFinite, let e = scalingExponent(values) else { return m }
    return scaled(values, by: -e).withUnsafeBufferPointer { unscaledMean($0) } * powerOfTwo(e)
  }

  static func unscaledMean(_ values: UnsafeBufferPointer<Double>) -> Double {
    let n = Double(values.count)
    let m = sum(values).sum / n
    // One correction pass, as numpy's pairwise sum is more accurate than a naive one.
    return m + centredSums(values, about: m).first / n
  }

  /// The variance of `values` with `ddof` delta degrees of freedom (numpy's `var(ddof=)`).
  ///
  /// The corrected two-pass algorithm: with `m` the first pass's mean and `d = x − m`,
  /// `(Σ d² − (Σ d)² / n) / (n − ddof)`; the correction removes the first order of
  /// `m`'s rounding error.
  public static func variance(_ values: [Double], ddof: Int = 0) -> Double {
    guard values.count > ddof else { return .nan }
    return values.withUnsafeBufferPointer { variance($0, sum: sum($0).sum, ddof: ddof) }
  }

  /// ``variance(_:ddof:)`` given the values' sum.
  ///
  /// When finite values give a variance that is not finite (their sum or their squares
  /// overflow), it is computed on the values scaled by a power of two and scaled back:
  /// `+∞` when the true variance overflows, the right value otherwise (0 for equal values).
  static func variance(_ values: UnsafeBufferPointer<Double>, sum: Double, ddof: Int) -> Double {
    let v = unscaledVariance(values, sum: sum, ddof: ddof)
    guard !v.isFinite, let e = scalingExponent(values) else { return v }
    let s = scaled(values, by: -e).withUnsafeBufferPointer {
      unscaledVariance($0, sum: Statistics.sum($0).sum, ddof: ddof)
    }
    return s * powerOfTwo(e) * powerOfTwo(e)
  }

  static func unscaledVariance(_ values: UnsafeBufferPointer<Double>, sum: Double, ddof: Int) -> Double {
    let n = Double(values.count)
    let (first, second) = centredSums(values, about: sum / n)
    return (second - first * first / n) / (n - Double(ddof))
  }

  /// The exponent `e ≥ 0` of the largest magnitude in `values` (`2ᵉ ≤ |x| < 2ᵉ⁺¹`), so
  /// that the values scaled by `2⁻ᵉ` lie within ±2; nil when a value is not finite or
  /// every value is 0.
  static func scalingExponent<C: Collection<Double>>(_ values: C) -> Int? {
    var largest = 0.0
    for x in values {
      guard x.isFinite else { return nil }
      largest = Swift.max(largest, abs(x))
    }
    return largest > 0 ? Swift.max(0, Int(largest.exponent)) : nil
  }

  /// `values` times `2ᵖ` for `p ≤ 0`: exact, but for values some 2¹⁰²² times smaller
  /// than the largest, which become subnormal and lose bits far below the rounding of
  /// any sum with the largest.
  static func scaled<C: Collection<Double>>(_ values: C, by p: Int) -> [Double] {
    let factor = powerOfTwo(p)
    return values.map { $0 * factor }
  }

  /// `2ᵖ`, for `p` from −1074 to 1023.
  static func powerOfTwo(_ p: Int) -> Double {
    Double(sign: .plus, exponent: p, significand: 1)
  }

  /// What is wrong when finite `values` that are not all equal have a variance that is
  /// 0 (it underflowed: the values are too small) or not finite (it overflowed: too
  /// large), as a sentence that says how to rescale them; nil when `variance` is
  /// positive and finite, or the values are all equal (for which each caller has its
  /// own message).
  static func spreadProblem(_ values: [Double], variance: Double) -> String? {
    guard !(variance > 0 && variance.isFinite) else { return nil }
    var low = Double.infinity, high = -Double.infinity, largest = 0.0
    for x in values {
      low = Swift.min(low, x)
      high = Swift.max(high, x)
      largest = Swift.max(largest, abs(x))
    }
    guard low < high else { return nil }
    let power = Int(clamping: _log10(largest).rounded(.down), to: -400...400, nan: 0)
    let (size, what) = variance.isFinite ? ("small", "underflows to 0") : ("large", "overflows")
    // A factor a double can hold (1e320 is not one): brings the values near 1 or at least
    // into range.
    let factor = Swift.max(-300, Swift.min(300, -power))
    return "the data's values are too \(size) (around 1e\(power)): their variance \(what); rescale the data (e.g. multiply by 1e\(factor))"
  }

  /// `Σ x` over `values`, and whether every value is finite.
  static func sum(_ values: UnsafeBufferPointer<Double>) -> (sum: Double, allFinite: Bool) {
    let base = values.baseAddress
    let n = values.count
    var a0 = Vector8(), a1 = Vector8(), a2 = Vector8(), a3 = Vector8()
    // x · 0 is 0 for a finite x and NaN otherwise, and NaN sticks.
    var check = Vector8()
    var i = 0
    while i + 32 <= n {
      let x0 = load(base!, i), x1 = load(base!, i + 8), x2 = load(base!, i + 16), x3 = load(base!, i + 24)
      a0 += x0
      a1 += x1
      a2 += x2
      a3 += x3
      check = (((check + x0 * 0) + x1 * 0) + x2 * 0) + x3 * 0
      i += 32
    }
    var tail = 0.0
    var tailCheck = 0.0
    while i < n {
      tail += base![i]
      tailCheck += base![i] * 0
      i += 1
    }
    let total = lanes((a0 + a1) + (a2 + a3)) + tail
    return (total, !(lanes(check) + tailCheck).isNaN)
  }

  /// `Σ (x − centre)` and `Σ (x − centre)²` over `values`.
  static func centredSums(_ values: UnsafeBufferPointer<Double>, about centre: Double) -> (first: Double, second: Double) {
    let base = values.baseAddress
    let n = values.count
    let c = Vector8(repeating: centre)
    var f0 = Vector8(), f1 = Vector8(), s0 = Vector8(), s1 = Vector8()
    var i = 0
    while i + 16 <= n {
      let d0 = load(base!, i) - c, d1 = load(base!, i + 8) - c
      f0 += d0
      f1 += d1
      s0 = s0 + d0 * d0
      s1 = s1 + d1 * d1
      i += 16
    }
    var first = 0.0
    var second = 0.0
    while i < n {
      let d = base![i] - centre
      first += d
      second = second + d * d
      i += 1
    }
    return (lanes(f0 + f1) + first, lanes(s0 + s1) + second)
  }

  @inline(__always)
  private static func load(_ base: UnsafePointer<Double>, _ i: Int) -> Vector8 {
    UnsafeRawPointer(base + i).loadUnaligned(as: Vector8.self)
  }

  /// The lanes of `v` added left to right.
  @inline(__always)
  static func lanes(_ v: Vector8) -> Double {
    var s = v[0]
    for lane in 1..<8 { s += v[lane] }
    return s
  }

  /// The standard deviation of `values` with `ddof` delta degrees of freedom.
  public static func standardDeviation(_ values: [Double], ddof: Int = 0) -> Double {
    variance(values, ddof: ddof).squareRoot()
  }

  /// The `p`-quantile of already sorted values, by linear interpolation between order
  /// statistics (numpy's default `method="linear"`, Hyndman & Fan type 7).
  ///
  /// `p` outside `0…1` is taken as the nearer end; NaN when `sorted` is empty or `p` is NaN.
  public static func quantile(sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty, !p.isNaN else { return .nan }
    let last = sorted.count - 1
    let position = Swift.min(Swift.max(p, 0), 1) * Double(last)
    let lower = Int(clamping: position.rounded(.down), to: 0...last, nan: 0)
    let upper = Swift.min(lower + 1, last)
    let fraction = position - Double(lower)
    let a = sorted[lower], b = sorted[upper]
    let value = a + (b - a) * fraction
    guard !value.isFinite, a.isFinite, b.isFinite else { return value }
    // b − a overflowed: the same interpolation between the halves (exact halving).
    return 2 * (a / 2 + (b / 2 - a / 2) * fraction)
  }
}
