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

  /// Summarises `values`.
  /// - Precondition: `values` is not empty.
  public init(_ values: [Double]) {
    precondition(!values.isEmpty, "a summary needs at least one value")
    count = values.count
    mean = Statistics.mean(values)
    sd = values.count > 1 ? Statistics.standardDeviation(values, ddof: 1) : 0
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
  public static func mean(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    return values.withUnsafeBufferPointer { values in
      let n = Double(values.count)
      let m = sum(values).sum / n
      // One correction pass, as numpy's pairwise sum is more accurate than a naive one.
      return m + centredSums(values, about: m).first / n
    }
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
  static func variance(_ values: UnsafeBufferPointer<Double>, sum: Double, ddof: Int) -> Double {
    let n = Double(values.count)
    let (first, second) = centredSums(values, about: sum / n)
    return (second - first * first / n) / Double(values.count - ddof)
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
      check = check.addingProduct(x0, 0).addingProduct(x1, 0).addingProduct(x2, 0).addingProduct(x3, 0)
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
      s0 = s0.addingProduct(d0, d0)
      s1 = s1.addingProduct(d1, d1)
      i += 16
    }
    var first = 0.0
    var second = 0.0
    while i < n {
      let d = base![i] - centre
      first += d
      second = second.addingProduct(d, d)
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
  /// - Precondition: `sorted` is not empty and `0 <= p <= 1`.
  public static func quantile(sorted: [Double], _ p: Double) -> Double {
    precondition(!sorted.isEmpty && p >= 0 && p <= 1)
    let position = p * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = Swift.min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
  }
}
