/// How a kernel density estimate's bandwidth is chosen.
public enum BandwidthRule: Sendable, Equatable {
  /// Scott's rule as `scipy.stats.gaussian_kde` defines it: factor `n^(−1/5)`.
  case scott
  /// Silverman's rule as `scipy.stats.gaussian_kde` defines it: factor `(3n/4)^(−1/5)`.
  case silverman
  /// A fixed, absolute bandwidth `h`.
  case fixed(Double)

  /// The rule's name as the report shows it.
  public var name: String {
    switch self {
    case .scott: "scott"
    case .silverman: "silverman"
    case .fixed: "fixed"
    }
  }

  /// scipy's bandwidth factor for a sample of `n` points (`nil` for a fixed bandwidth).
  public func factor(sampleSize n: Int) -> Double? {
    switch self {
    case .scott: _pow(Double(n), -1.0 / 5)
    case .silverman: _pow(Double(n) * 3 / 4, -1.0 / 5)
    case .fixed: nil
    }
  }
}

/// A Gaussian kernel density estimate of one-dimensional data.
///
/// The bandwidth follows scipy and seaborn: for a rule, `h = factor · adjust · s` where
/// `s` is the sample standard deviation (`ddof = 1`); for a fixed bandwidth, `h = value · adjust`.
public struct KernelDensityEstimate: Sendable {
  /// The sample, sorted.
  public let sortedData: [Double]
  /// The kernel's standard deviation `h`.
  public let bandwidth: Double
  /// The rule the bandwidth came from.
  public let rule: BandwidthRule

  /// Builds the estimate.
  /// - Throws: ``MixtureError/invalidData(_:)`` when fewer than two points are given or
  ///   they have no spread (a rule-based bandwidth would be 0).
  public init(data: [Double], rule: BandwidthRule, adjust: Double = 1) throws(MixtureError) {
    guard data.count >= 2 else {
      throw .invalidData("a kernel density estimate needs at least 2 points, got \(data.count)")
    }
    let h: Double
    if let factor = rule.factor(sampleSize: data.count) {
      let s = Statistics.standardDeviation(data, ddof: 1)
      guard s > 0 else {
        throw .invalidData("all \(data.count) data values are equal, so the \(rule.name) bandwidth is 0; give a fixed bandwidth")
      }
      h = factor * adjust * s
    } else if case .fixed(let value) = rule {
      h = value * adjust
    } else {
      h = .nan
    }
    guard h > 0, h.isFinite else {
      throw .invalidParameters("the bandwidth must be finite and > 0, got \(h)")
    }
    sortedData = data.sorted()
    bandwidth = h
    self.rule = rule
  }

  /// The estimated density at `x`: `1/(n h) Σ φ((x − x_i)/h)`.
  /// - Complexity: O(n).
  public func density(at x: Double) -> Double {
    let inverseH = 1 / bandwidth
    var sum = 0.0
    for xi in sortedData {
      let z = (x - xi) * inverseH
      sum += _exp(-0.5 * z * z)
    }
    return sum * inverseSqrtTwoPi * inverseH / Double(sortedData.count)
  }

  /// The densities at each of `points`.
  /// - Complexity: O(n · m) for `m` points.
  public func densities(at points: [Double]) -> [Double] {
    points.map(density(at:))
  }

  /// seaborn's support grid: `size` evenly spaced points over
  /// `[min − cut·h, max + cut·h]` (numpy's `linspace`).
  public func grid(size: Int, cut: Double) -> [Double] {
    let low = sortedData[0] - cut * bandwidth
    let high = sortedData[sortedData.count - 1] + cut * bandwidth
    return linspace(low, high, count: size)
  }
}

/// `count` evenly spaced values from `start` to `stop` inclusive, computed as numpy's
/// `linspace` does (`start + i · step`, with the last value exactly `stop`).
public func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
  guard count > 1 else { return count == 1 ? [start] : [] }
  let step = (stop - start) / Double(count - 1)
  var values = (0..<count).map { start + Double($0) * step }
  values[count - 1] = stop
  return values
}
