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

/// How a kernel density estimate is evaluated on a grid.
public enum KDEMethod: String, Sendable, Equatable, CaseIterable {
  /// Exact for small samples and grids (`n · m` up to ``KernelDensityEstimate/exactWorkLimit``), binned otherwise.
  case automatic
  /// Linear binning onto a fine grid and a discrete convolution with the truncated kernel.
  case binned
  /// `1/(n h) Σ φ((x − x_i)/h)` at every grid point: O(n · m).
  case exact
}

/// A density estimate on an evenly spaced grid, with how it was computed.
public struct GridDensity: Sendable, Equatable {
  /// The grid, numpy's `linspace`.
  public var grid: [Double]
  /// The estimate at each grid point.
  public var values: [Double]
  /// ``KDEMethod/binned`` or ``KDEMethod/exact`` (never automatic).
  public var method: KDEMethod
  /// A bound on `|value − exact value|` at every grid point, floating-point rounding
  /// aside (0 for the exact method).
  public var errorBound: Double
  /// The number of bins of the fine grid (0 for the exact method).
  public var binCount: Int
  /// The largest value.
  public var peak: Double { values.max() ?? 0 }
}

/// A Gaussian kernel density estimate of one-dimensional data.
///
/// The bandwidth follows scipy and seaborn: for a rule, `h = factor · adjust · s` where
/// `s` is the sample standard deviation (`ddof = 1`); for a fixed bandwidth, `h = value · adjust`.
public struct KernelDensityEstimate: Sendable {
  /// The sample, in the order given (shared with the caller's array, not copied).
  public let data: [Double]
  /// The kernel's standard deviation `h`.
  public let bandwidth: Double
  /// The rule the bandwidth came from.
  public let rule: BandwidthRule
  /// The smallest and largest data values.
  public let minimum: Double
  public let maximum: Double

  /// Up to this many kernel evaluations (`n · m`), ``KDEMethod/automatic`` evaluates
  /// exactly: a millisecond or so, and no approximation to state.
  public static let exactWorkLimit = 1_000_000

  /// Builds the estimate.
  /// - Throws: ``MixtureError/invalidData(_:)`` when fewer than two points are given, a
  ///   value is not finite, or (for a rule-based bandwidth) they have no spread or one
  ///   whose variance underflows or overflows; ``MixtureError/invalidParameters(_:)``
  ///   when the bandwidth is not finite and positive, or so small that the density near
  ///   a data point overflows.
  public init(data: [Double], rule: BandwidthRule, adjust: Double = 1) throws(MixtureError) {
    guard data.count >= 2 else {
      throw .invalidData("a kernel density estimate needs at least 2 points, got \(data.count)")
    }
    let (sum, allFinite) = data.withUnsafeBufferPointer { Statistics.sum($0) }
    guard allFinite else {
      throw .invalidData("data must be finite, got \(data.first(where: { !$0.isFinite }) ?? .nan)")
    }
    let h: Double
    if let factor = rule.factor(sampleSize: data.count) {
      let variance = data.withUnsafeBufferPointer { Statistics.variance($0, sum: sum, ddof: 1) }
      if let problem = Statistics.spreadProblem(data, variance: variance) { throw .invalidData(problem) }
      let s = variance.squareRoot()
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
    guard (inverseSqrtTwoPi / h).isFinite else {
      throw .invalidParameters(
        "the bandwidth \(h) is too small: a density of 1/(h·√(2π)) near a data point overflows; use a bandwidth ≥ 1e-308 or rescale the data")
    }
    self.data = data
    bandwidth = h
    self.rule = rule
    var low = data[0], high = data[0]
    for x in data {
      if x < low { low = x }
      if x > high { high = x }
    }
    minimum = low
    maximum = high
  }

  /// The sample, sorted (computed on each call).
  public var sortedData: [Double] { data.sorted() }

  /// The estimated density at `x`: `1/(n h) Σ φ((x − x_i)/h)`.
  /// - Complexity: O(n).
  public func density(at x: Double) -> Double {
    densities(at: [x])[0]
  }

  /// The exact densities at each of `points`, eight data points at a time; on two
  /// threads when there is enough work (each point's sum is the same either way).
  /// - Complexity: O(n · m) for `m` points.
  public func densities(at points: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: points.count)
    let inverseH = 1 / bandwidth
    let scale = inverseSqrtTwoPi * inverseH / Double(data.count)
    let threads = data.count * points.count >= 1_000_000 ? Swift.min(2, points.count) : 1
    data.withUnsafeBufferPointer { data in
      result.withUnsafeMutableBufferPointer { out in
        let shared = UnsafeSendable((data, out))
        parallelChunks(points.count, threads: threads) { range in
          let (data, out) = shared.value
          for p in range {
            out[p] = Self.kernelSum(data, at: points[p], inverseH: inverseH) * scale
          }
        }
      }
    }
    return result
  }

  /// `Σ exp(−((y − x_i)/h)² / 2)` over the data, in a fixed order.
  static func kernelSum(_ data: UnsafeBufferPointer<Double>, at y: Double, inverseH: Double) -> Double {
    var accumulator = Vector8()
    let n = data.count
    guard let base = data.baseAddress else { return 0 }
    var i = 0
    while i + 8 <= n {
      let z = (UnsafeRawPointer(base + i).loadUnaligned(as: Vector8.self) - y) * inverseH
      accumulator += VectorMath.expOfNonPositive(-0.5 * z * z)
      i += 8
    }
    var sum = Statistics.lanes(accumulator)
    while i < n {
      let z = (base[i] - y) * inverseH
      sum += _exp(-0.5 * z * z)
      i += 1
    }
    return sum
  }

  /// seaborn's support grid: `size` evenly spaced points over
  /// `[min − cut·h, max + cut·h]` (numpy's `linspace`).
  ///
  /// An end beyond the largest double stops there, and a NaN `cut` counts as 0, so the
  /// grid is always finite.
  public func grid(size: Int, cut: Double) -> [Double] {
    let start = minimum - cut * bandwidth, stop = maximum + cut * bandwidth
    guard !start.isFinite || !stop.isFinite else { return linspace(start, stop, count: size) }
    let reach = cut.isNaN ? 0 : cut * bandwidth
    func finite(_ x: Double) -> Double { Swift.min(Swift.max(x, -.greatestFiniteMagnitude), .greatestFiniteMagnitude) }
    return linspace(finite(minimum - reach), finite(maximum + reach), count: size)
  }

  /// The estimate on seaborn's grid of `size` points (``grid(size:cut:)``).
  public func densityOnGrid(size: Int, cut: Double, method: KDEMethod = .automatic) -> GridDensity {
    let points = grid(size: size, cut: cut)
    let useExact: Bool
    switch method {
    case .exact: useExact = true
    case .binned: useExact = size < 2
    case .automatic: useExact = size < 2 || data.count * size <= Self.exactWorkLimit
    }
    if useExact { return BinnedKDE.exact(self, grid: points) }
    return BinnedKDE.evaluate(self, grid: points)
  }
}

/// `count` evenly spaced values from `start` to `stop` inclusive, computed as numpy's
/// `linspace` does (`start + i · step`, with the last value exactly `stop`).
///
/// When finite ends are further apart than the largest double, the values are computed
/// from the halves of the ends (`2 · (start/2 + i · step/2)`), so they stay finite.
public func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
  guard count > 1 else { return count == 1 ? [start] : [] }
  let step = (stop - start) / Double(count - 1)
  var values: [Double]
  if step.isFinite || !start.isFinite || !stop.isFinite {
    values = (0..<count).map { start + Double($0) * step }
  } else {
    let halfStep = (stop / 2 - start / 2) / Double(count - 1)
    values = (0..<count).map { 2 * (start / 2 + Double($0) * halfStep) }
  }
  values[count - 1] = stop
  return values
}
