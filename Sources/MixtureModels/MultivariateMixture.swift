/// A mixture of `K` normal components in `d` dimensions whose covariances have the shape
/// of a ``CovarianceType``.
///
/// Every covariance is kept as a full `d × d` matrix (the shared one repeated for `tied`,
/// diagonal ones for `diag` and `spherical`) together with the inverse of its Cholesky
/// factor, `L⁻¹` with `Σ = L Lᵀ`, so that a log-density is
/// `log w − ½ d log 2π + Σ log (L⁻¹)ᵢᵢ − ½ ‖L⁻¹ (x − μ)‖²`: scikit-learn's
/// `precisions_cholesky_` (its transpose) and its computation.
public struct MultivariateMixture: MixtureModel {
  /// The number of coordinates.
  public let dimension: Int
  /// The shape of the covariances.
  public let covarianceType: CovarianceType
  /// The mixing weights, summing to 1.
  public let weights: [Double]
  /// `means[k · d + j]`: coordinate `j` of component `k`'s mean.
  public let flatMeans: [Double]
  /// `covariances[k · d² + i · d + j]`: entry `(i, j)` of component `k`'s covariance.
  public let flatCovariances: [Double]
  /// `L⁻¹` per component, lower-triangular, same layout as the covariances.
  let inverseCholesky: [Double]
  /// `Σ log (L⁻¹)ᵢᵢ = −½ log det Σ` per component.
  let halfLogPrecisionDeterminants: [Double]

  /// Creates a mixture from full covariance matrices (`K` matrices of `d × d`), which
  /// must have the shape of `type`.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` for mismatched lengths, weights
  ///   that are negative or do not sum to 1 (within 1e-9), means that are not finite, or
  ///   a covariance that is not symmetric, not positive definite or not of the type's
  ///   shape (off-diagonal terms for `diag`, unequal variances for `spherical`, unequal
  ///   matrices for `tied`). Messages name the 1-based component.
  public init(type: CovarianceType, weights: [Double], means: [[Double]], covariances: [[[Double]]]) throws(MixtureError) {
    let k = weights.count
    guard k >= 1, means.count == k, covariances.count == k else {
      throw .invalidParameters("weights, means and covariances must be non-empty and of equal length, got \(weights.count), \(means.count) and \(covariances.count)")
    }
    let d = means[0].count
    guard d >= 1 else { throw .invalidParameters("means must have at least one coordinate") }
    if let bad = means.firstIndex(where: { $0.count != d }) {
      throw .invalidParameters("mean \(bad + 1) has \(means[bad].count) coordinates, not \(d)")
    }
    if let w = weights.first(where: { !($0 >= 0 && $0.isFinite) }) {
      throw .invalidParameters("weights must be finite and ≥ 0, got \(w)")
    }
    let total = weights.reduce(0, +)
    guard abs(total - 1) <= 1e-9 else { throw .invalidParameters("weights must sum to 1, got \(total)") }
    if let m = means.joined().first(where: { !$0.isFinite }) {
      throw .invalidParameters("means must be finite, got \(m)")
    }
    var flat: [Double] = []
    for (index, matrix) in covariances.enumerated() {
      guard matrix.count == d, matrix.allSatisfy({ $0.count == d }) else {
        throw .invalidParameters("covariance \(index + 1) must be \(d) × \(d)")
      }
      let m = Array(matrix.joined())
      if let problem = Self.problem(of: m, dimension: d) {
        throw .invalidParameters("covariance \(index + 1) \(problem)")
      }
      if type == .diag || type == .spherical {
        for i in 0..<d { for j in 0..<d where i != j && m[i * d + j] != 0 {
          throw .invalidParameters("covariance \(index + 1) has off-diagonal terms, which \(type.rawValue) covariances do not have")
        } }
      }
      if type == .spherical, (0..<d).contains(where: { m[$0 * d + $0] != m[0] }) {
        throw .invalidParameters("covariance \(index + 1) has unequal variances, which spherical covariances do not have")
      }
      flat += m
    }
    if type == .tied, (1..<k).contains(where: { flat[($0 * d * d)..<(($0 + 1) * d * d)] != flat[0..<(d * d)] }) {
      throw .invalidParameters("tied covariances must all be the same matrix")
    }
    self.init(unchecked: type, dimension: d, weights: weights, means: Array(means.joined()), covariances: flat)
  }

  /// Why the `d × d` matrix `m` cannot be a covariance (not finite, not symmetric, not
  /// positive definite), or `nil`.
  public static func problem(of m: [Double], dimension d: Int) -> String? {
    if m.contains(where: { !$0.isFinite }) { return "has a value that is not finite" }
    if let (i, j) = LinearAlgebra.asymmetry(m, dimension: d) {
      return "is not symmetric: entry (\(i + 1), \(j + 1)) is \(m[i * d + j]) but (\(j + 1), \(i + 1)) is \(m[j * d + i])"
    }
    if case .failure = LinearAlgebra.cholesky(m, dimension: d) {
      return "is not positive definite (a variance must be > 0 and every correlation within (−1, 1))"
    }
    return nil
  }

  /// A mixture from parameters an algorithm produced, whose covariances are known to be
  /// positive definite; the factors are computed here.
  init(unchecked type: CovarianceType, dimension d: Int, weights: [Double], means: [Double], covariances: [Double]) {
    self.init(unchecked: type, dimension: d, weights: weights, means: means, covariances: covariances,
              factors: Self.factors(covariances, dimension: d, components: weights.count))
  }

  init(
    unchecked type: CovarianceType, dimension d: Int, weights: [Double], means: [Double], covariances: [Double],
    factors: [[Double]]
  ) {
    dimension = d
    covarianceType = type
    self.weights = weights
    flatMeans = means
    flatCovariances = covariances
    var inverse: [Double] = []
    var logs: [Double] = []
    for l in factors {
      let li = LinearAlgebra.lowerInverse(l, dimension: d)
      inverse += li
      logs.append(LinearAlgebra.logDiagonalSum(li, dimension: d))
    }
    inverseCholesky = inverse
    halfLogPrecisionDeterminants = logs
  }

  /// The Cholesky factor of every component's covariance (an identity where one fails,
  /// which callers have excluded).
  static func factors(_ covariances: [Double], dimension d: Int, components k: Int) -> [[Double]] {
    (0..<k).map { j in
      let m = Array(covariances[(j * d * d)..<((j + 1) * d * d)])
      switch LinearAlgebra.cholesky(m, dimension: d) {
      case .success(let l): return l
      case .failure: return (0..<(d * d)).map { $0 % (d + 1) == 0 ? 1 : 0 }
      }
    }
  }

  /// The number of components.
  public var componentCount: Int { weights.count }

  /// `d·K + K − 1 +` the type's covariance terms (scikit-learn's `_n_parameters`).
  public var freeParameterCount: Int { covarianceType.parameterCount(components: componentCount, dimension: dimension) }

  /// Component `k`'s mean.
  public func mean(_ k: Int) -> [Double] { Array(flatMeans[(k * dimension)..<((k + 1) * dimension)]) }

  /// Component `k`'s covariance, `d × d` row-major.
  public func covariance(_ k: Int) -> [Double] {
    Array(flatCovariances[(k * dimension * dimension)..<((k + 1) * dimension * dimension)])
  }

  /// The means as `K` arrays of `d`.
  public var means: [[Double]] { (0..<componentCount).map(mean) }

  /// The covariances in scikit-learn's `covariances_` shape for the type: full `K × d × d`,
  /// tied `d × d`, diag `K × d`, spherical `K`.
  public var covarianceParameters: CovarianceParameters {
    let d = dimension
    func matrix(_ k: Int) -> [[Double]] { (0..<d).map { i in (0..<d).map { covariance(k)[i * d + $0] } } }
    switch covarianceType {
    case .full: return .full((0..<componentCount).map(matrix))
    case .tied: return .tied(matrix(0))
    case .diag: return .diag((0..<componentCount).map { k in (0..<d).map { covariance(k)[$0 * d + $0] } })
    case .spherical: return .spherical((0..<componentCount).map { covariance($0)[0] })
    }
  }

  /// Component `k`'s standard deviations and correlation matrix (`d × d`), the form a
  /// reader understands better than raw covariances.
  public func standardDeviationsAndCorrelations(_ k: Int) -> (sds: [Double], correlations: [Double]) {
    let d = dimension
    let c = covariance(k)
    let sds = (0..<d).map { c[$0 * d + $0].squareRoot() }
    var r = [Double](repeating: 0, count: d * d)
    for i in 0..<d { for j in 0..<d { r[i * d + j] = i == j ? 1 : c[i * d + j] / (sds[i] * sds[j]) } }
    return (sds, r)
  }

  /// `log w_k + log N(x; μ_k, Σ_k)` for component `k`.
  public func logComponentDensity(_ k: Int, at x: [Double]) -> Double {
    let d = dimension
    var q = 0.0
    for i in 0..<d {
      var y = 0.0
      for p in 0...i { y += inverseCholesky[k * d * d + i * d + p] * (x[p] - flatMeans[k * d + p]) }
      q += y * y
    }
    return _log(weights[k]) - Double(d) * logSqrtTwoPi + halfLogPrecisionDeterminants[k] - 0.5 * q
  }

  /// The log of the mixture density at `x` (log-sum-exp over components).
  public func logDensity(at x: [Double]) -> Double {
    logSumExp((0..<componentCount).map { logComponentDensity($0, at: x) })
  }

  /// The mixture density at `x`.
  public func density(at x: [Double]) -> Double { _exp(logDensity(at: x)) }

  /// The posterior probability of each component at `x`.
  public func responsibilities(at x: [Double]) -> [Double] {
    let terms = (0..<componentCount).map { logComponentDensity($0, at: x) }
    let normaliser = logSumExp(terms)
    return terms.map { _exp($0 - normaliser) }
  }

  /// `Σ log p(xᵢ)` over the sample.
  public func logLikelihood(of sample: Sample) -> Double {
    var total = 0.0
    for i in 0..<sample.count { total += logDensity(at: sample.point(i)) }
    return total
  }

  /// Each point's most probable component (the lower one on a tie), and how many points
  /// have an uncertainty `1 − max r` above `threshold` (mclust's `uncertainty`), without
  /// keeping n uncertainties.
  public func classify(_ sample: Sample, countingUncertaintyAbove threshold: Double = 0.1) -> (assignments: [Int32], uncertain: Int) {
    var labels = [Int32](repeating: 0, count: sample.count)
    var uncertain = 0
    var x = [Double](repeating: 0, count: dimension)
    var terms = [Double](repeating: 0, count: componentCount)
    for i in 0..<sample.count {
      for j in 0..<dimension { x[j] = sample.values[j * sample.count + i] }
      var best = 0
      for k in 0..<componentCount {
        terms[k] = logComponentDensity(k, at: x)
        if terms[k] > terms[best] { best = k }
      }
      labels[i] = Int32(best)
      if 1 - _exp(terms[best] - logSumExp(terms)) > threshold { uncertain += 1 }
    }
    return (labels, uncertain)
  }

  /// `1 − max r` at `x`: how unsure the classification of a point there is.
  public func uncertainty(at x: [Double]) -> Double {
    Swift.max(0, 1 - (responsibilities(at: x).max() ?? 1))
  }

  /// The marginal mixture of coordinates `coordinates` (means and covariance blocks).
  public func marginal(_ coordinates: [Int]) -> MultivariateMixture {
    let d = dimension, m = coordinates.count
    var means: [Double] = [], covs: [Double] = []
    for k in 0..<componentCount {
      for a in coordinates { means.append(flatMeans[k * d + a]) }
      for a in coordinates { for b in coordinates { covs.append(flatCovariances[k * d * d + a * d + b]) } }
    }
    return MultivariateMixture(unchecked: covarianceType, dimension: m, weights: weights, means: means, covariances: covs)
  }
}

/// Covariances in scikit-learn's `covariances_` shape for a type.
public enum CovarianceParameters: Sendable, Equatable {
  /// `K × d × d`.
  case full([[[Double]]])
  /// `d × d`.
  case tied([[Double]])
  /// `K × d`.
  case diag([[Double]])
  /// `K`.
  case spherical([Double])

  /// The type this shape belongs to.
  public var type: CovarianceType {
    switch self {
    case .full: .full
    case .tied: .tied
    case .diag: .diag
    case .spherical: .spherical
    }
  }

  /// `K` full `d × d` matrices.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` when the shape does not fit `K` and `d`.
  public func matrices(components k: Int, dimension d: Int) throws(MixtureError) -> [[[Double]]] {
    func diagonal(_ v: [Double]) -> [[Double]] { (0..<d).map { i in (0..<d).map { i == $0 ? v[i] : 0 } } }
    switch self {
    case .full(let m):
      guard m.count == k, m.allSatisfy({ $0.count == d && $0.allSatisfy { $0.count == d } }) else {
        throw .invalidParameters("full covariances must be \(k) matrices of \(d) × \(d)")
      }
      return m
    case .tied(let m):
      guard m.count == d, m.allSatisfy({ $0.count == d }) else {
        throw .invalidParameters("a tied covariance must be one \(d) × \(d) matrix")
      }
      return Array(repeating: m, count: k)
    case .diag(let v):
      guard v.count == k, v.allSatisfy({ $0.count == d }) else {
        throw .invalidParameters("diag covariances must be \(k) arrays of \(d) variances")
      }
      return v.map(diagonal)
    case .spherical(let v):
      guard v.count == k else { throw .invalidParameters("spherical covariances must be \(k) variances") }
      return v.map { diagonal(Array(repeating: $0, count: d)) }
    }
  }
}
