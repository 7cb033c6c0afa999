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
public enum Statistics {
  /// The arithmetic mean of `values` (NaN when empty).
  public static func mean(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    var sum = 0.0
    for x in values { sum += x }
    let m = sum / Double(values.count)
    // One correction pass, as numpy's pairwise sum is more accurate than a naive one.
    var residual = 0.0
    for x in values { residual += x - m }
    return m + residual / Double(values.count)
  }

  /// The variance of `values` with `ddof` delta degrees of freedom (numpy's `var(ddof=)`).
  public static func variance(_ values: [Double], ddof: Int = 0) -> Double {
    guard values.count > ddof else { return .nan }
    let m = mean(values)
    var sum = 0.0
    for x in values {
      let d = x - m
      sum += d * d
    }
    return sum / Double(values.count - ddof)
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
