/// A one-dimensional mixture of `K` normal components.
public struct GaussianMixture: MixtureModel, Codable {
  /// The mixing weights, summing to 1.
  public var weights: [Double]
  /// The component means.
  public var means: [Double]
  /// The component standard deviations, all positive (all equal for `tied`).
  public var sds: [Double]
  /// `tied`: one variance shared by every component (mclust's "E"); any other type is a
  /// variance per component (mclust's "V"), the same model in one dimension.
  public var covarianceType: CovarianceType = .full

  /// Creates a mixture from per-component parameters.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` when the arrays differ in length,
  ///   are empty, a weight is negative or they do not sum to 1 (within 1e-9), a mean is
  ///   not finite, or an sd is not positive and finite.
  public init(weights: [Double], means: [Double], sds: [Double]) throws(MixtureError) {
    guard !weights.isEmpty, weights.count == means.count, means.count == sds.count else {
      throw .invalidParameters(
        "weights, means and sds must be non-empty and of equal length, got \(weights.count), \(means.count) and \(sds.count)")
    }
    if let w = weights.first(where: { !($0 >= 0 && $0.isFinite) }) {
      throw .invalidParameters("weights must be finite and ≥ 0, got \(w)")
    }
    let total = weights.reduce(0, +)
    guard abs(total - 1) <= 1e-9 else {
      throw .invalidParameters("weights must sum to 1, got \(total)")
    }
    if let m = means.first(where: { !$0.isFinite }) {
      throw .invalidParameters("means must be finite, got \(m)")
    }
    if let s = sds.first(where: { !($0 > 0 && $0.isFinite) }) {
      throw .invalidParameters("sds must be finite and > 0, got \(s)")
    }
    self.weights = weights
    self.means = means
    self.sds = sds
  }

  /// Creates a mixture without validation, for parameters an algorithm has produced.
  init(unchecked weights: [Double], _ means: [Double], _ sds: [Double], type: CovarianceType = .full) {
    self.weights = weights
    self.means = means
    self.sds = sds
    self.covarianceType = type
  }

  /// The same mixture as a model of `type`; for `tied`, unequal sds become the pooled one,
  /// `√(Σ w_k σ_k²)` (the within-cluster variance of a start from clusters).
  public func withCovarianceType(_ type: CovarianceType) -> GaussianMixture {
    guard type == .tied, Set(sds).count > 1 else { return GaussianMixture(unchecked: weights, means, sds, type: type) }
    var pooled = 0.0
    for k in 0..<componentCount { pooled += weights[k] * sds[k] * sds[k] }
    let sd = pooled.squareRoot()
    return GaussianMixture(unchecked: weights, means, Array(repeating: sd, count: componentCount), type: .tied)
  }

  /// The number of components.
  public var componentCount: Int { weights.count }

  /// The number of free parameters: `3K − 1` (scikit-learn's convention), `2K` when tied.
  public var freeParameterCount: Int { covarianceType.parameterCount(components: componentCount, dimension: 1) }

  /// The weighted density of component `k` at `x`: `w_k · φ(x; μ_k, σ_k)`.
  public func componentDensity(_ k: Int, at x: Double) -> Double {
    weights[k] * normalDensity(x, mean: means[k], sd: sds[k])
  }

  /// The mixture density at `x`.
  public func density(at x: Double) -> Double {
    var sum = 0.0
    for k in 0..<componentCount { sum += componentDensity(k, at: x) }
    return sum
  }

  /// The log of the mixture density at `x`, computed by log-sum-exp so that points far
  /// from every component still get a finite value.
  public func logDensity(at x: Double) -> Double {
    logSumExp(logTerms(at: x))
  }

  /// `log w_k + log φ_k(x)` for every component.
  private func logTerms(at x: Double) -> [Double] {
    (0..<componentCount).map { _log(weights[$0]) + normalLogDensity(x, mean: means[$0], sd: sds[$0]) }
  }

  /// The total log-likelihood `Σ log p(x_i)` of `data`.
  public func logLikelihood(of data: [Double]) -> Double {
    var total = 0.0
    for x in data { total += logDensity(at: x) }
    return total
  }

  /// Each point's most probable component (0-based; the lower one on a tie): the
  /// largest `log w_k + log φ_k(x)`, without storing the responsibilities.
  /// - Complexity: O(n · K), one pass.
  public func assignments(of data: [Double]) -> [Int32] {
    let k = componentCount
    let logNorms = (0..<k).map { _log(weights[$0]) - _log(sds[$0]) }
    let inverseSds = sds.map { 1 / $0 }
    return data.map { x in
      var best: Int32 = 0
      var bestTerm = -Double.infinity
      for j in 0..<k {
        let z = (x - means[j]) * inverseSds[j]
        let term = logNorms[j] - 0.5 * z * z
        if term > bestTerm {
          bestTerm = term
          best = Int32(j)
        }
      }
      return best
    }
  }

  /// The posterior probability of each component for `x` (its responsibilities).
  public func responsibilities(at x: Double) -> [Double] {
    let terms = logTerms(at: x)
    let normaliser = logSumExp(terms)
    return terms.map { _exp($0 - normaliser) }
  }
}

/// Errors from building or fitting a mixture.
public indirect enum MixtureError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The parameters do not describe a valid mixture.
  case invalidParameters(String)
  /// The data cannot be fitted (too few points, not finite, …).
  case invalidData(String)
  /// A component lost all its weight or variance during EM.
  case degenerate(component: Int, epoch: Int, detail: String)
  /// An error of one run of a model selection: `K` components, start `restart` (1-based).
  case inRun(components: Int, restart: Int, MixtureError)

  public var description: String {
    switch self {
    case .invalidParameters(let message): message
    case .invalidData(let message): message
    case .degenerate(let component, let epoch, let detail):
      "component \(component + 1) collapsed at epoch \(epoch) (\(detail)); set fit.regularization > 0 or choose another start"
    case .inRun(let k, let restart, let error):
      "K = \(k), start \(restart): \(error.description)"
    }
  }
}
