/// EM's lower bound along one component's mean, in one dimension (Bishop's figure 9.14,
/// the first tutorial's "L, pictured in purple").
///
/// With responsibilities q fixed at the posterior of θ_t, the bound
/// L(q, θ) = Σᵢ Σ_k q_ik log(w_k φ(xᵢ; μ_k, σ_k) / q_ik) equals ℓ(θ_t) at θ_t and is below
/// ℓ everywhere (ℓ − L is a Kullback–Leibler divergence). Varying only μ_k changes it by
/// Σᵢ q_ik [log φ(xᵢ; μ, σ_k) − log φ(xᵢ; μ_t, σ_k)], so
///
///     L(q_t, μ) = ℓ(μ_t) − Σᵢ q_ik [(xᵢ − μ)² − (xᵢ − μ_t)²] / (2σ_k²)
///               = ℓ(μ_t) − (μ − μ_t) [Q (μ + μ_t) − 2S] / (2σ_k²),
///
/// with Q = Σᵢ q_ik and S = Σᵢ q_ik xᵢ: a parabola with slope (S − Q μ_t)/σ_k² at μ_t (ℓ's
/// slope there) and its maximum at S/Q, the M-step's new mean.
public struct LowerBoundSlice: Sendable, Equatable {
  /// The component whose mean varies (0-based).
  public var component: Int
  /// The means at which both curves are evaluated, increasing.
  public var means: [Double]
  /// ℓ(μ): the log-likelihood with μ_k = μ and every other parameter at θ_t.
  public var logLikelihood: [Double]
  /// L(q_t, μ) at the same means.
  public var bound: [Double]
  /// μ_t, where the bound touches ℓ.
  public var current: Double
  /// ℓ(θ_t) = L(q_t, μ_t).
  public var currentValue: Double
  /// The bound's maximum, S/Q: the M-step's mean μ_{t+1}.
  public var next: Double
  /// L(q_t, μ_{t+1}).
  public var nextValue: Double
  /// Q = Σᵢ q_ik, the component's responsibility mass.
  public var mass: Double
}

public enum LowerBound {
  /// The slice through `mixture` along component `k`'s mean over `means` (or, when
  /// empty, ``window(data:mixture:component:points:)``).
  /// - Throws: ``MixtureError/invalidParameters(_:)`` when `k` is not a component or its
  ///   responsibility mass is zero (the bound is then flat and has no maximum).
  public static func slice(data: [Double], mixture m: GaussianMixture, component k: Int, means: [Double] = []) throws(MixtureError) -> LowerBoundSlice {
    guard m.componentCount > k, k >= 0 else { throw .invalidParameters("component \(k + 1) does not exist in a \(m.componentCount)-component mixture") }
    var q = 0.0, s = 0.0
    // Each point's log density without component k, log Σ_{j≠k} w_j φ_j (log-sum-exp, so
    // points far from every component stay finite), computed once: ℓ(μ) varies only in
    // k's term.
    var others = [Double](repeating: -.infinity, count: data.count)
    let logWeights = m.weights.map { _log($0) }
    for (i, x) in data.enumerated() {
      let r = m.responsibilities(at: x)
      q += r[k]
      s += r[k] * x
      var terms: [Double] = []
      for j in 0..<m.componentCount where j != k { terms.append(logWeights[j] + normalLogDensity(x, mean: m.means[j], sd: m.sds[j])) }
      others[i] = logSumExp(terms)
    }
    guard q > 0, q.isFinite, s.isFinite else {
      throw .invalidParameters("component \(k + 1) has no responsibility mass; its bound has no maximum")
    }
    let muT = m.means[k], sigma = m.sds[k], logW = logWeights[k]
    let logSigma = _log(sigma)
    // ℓ(μ) = Σᵢ logSumExp(othersᵢ, log w_k + log φ(xᵢ; μ, σ)), the two-term log-sum-exp and
    // the normal log density written out in `logSumExp`'s and `normalLogDensity`'s exact
    // operations (same bits) without an array per term: 161 means × n points. Eight points
    // at a time through VectorMath's vector exp and log (each lane the scalar call's bits),
    // added to the total one by one in the points' order, so the sum is the scalar loop's.
    func term(_ x: Double, _ other: Double, _ mu: Double) -> Double {
      let z = (x - mu) / sigma
      let own = logW + (-0.5 * z * z - logSigma - logSqrtTwoPi)
      let largest = Swift.max(other, own)
      guard largest.isFinite else { return largest }
      return largest + _log(_exp(other - largest) + _exp(own - largest))
    }
    func ell(_ mu: Double) -> Double {
      var total = 0.0
      let n = data.count
      var i = 0
      while i + 8 <= n {
        var x = Vector8(), other = Vector8()
        for lane in 0..<8 {
          x[lane] = data[i + lane]
          other[lane] = others[i + lane]
        }
        let z = (x - mu) / sigma
        let own = logW + (-0.5 * z * z - logSigma - logSqrtTwoPi)
        // Swift.max(other, own) lane by lane: own when own ≥ other.
        let largest = other.replacing(with: own, where: own .>= other)
        let logSum = VectorMath.log(VectorMath.exp(other - largest) + VectorMath.exp(own - largest))
        for lane in 0..<8 {
          let top = largest[lane]
          total += top.isFinite ? top + logSum[lane] : top
        }
        i += 8
      }
      while i < n {
        total += term(data[i], others[i], mu)
        i += 1
      }
      return total
    }
    let lT = ell(muT)
    func bound(_ mu: Double) -> Double { lT - (mu - muT) * (q * (mu + muT) - 2 * s) / (2 * sigma * sigma) }
    let next = s / q
    let grid = means.isEmpty ? window(data: data, mixture: m, component: k, mass: q, next: next) : means
    return LowerBoundSlice(
      component: k, means: grid, logLikelihood: grid.map(ell), bound: grid.map(bound), current: muT, currentValue: lT,
      next: next, nextValue: bound(next), mass: q)
  }

  /// ``window(data:mixture:component:mass:next:points:)`` for the responsibilities of `mixture`.
  public static func window(data: [Double], mixture m: GaussianMixture, component k: Int, points: Int = 161) throws(MixtureError) -> [Double] {
    guard m.componentCount > k, k >= 0 else { throw .invalidParameters("component \(k + 1) does not exist in a \(m.componentCount)-component mixture") }
    var q = 0.0, s = 0.0
    for x in data {
      let r = m.responsibilities(at: x)[k]
      q += r
      s += r * x
    }
    guard q > 0, q.isFinite, s.isFinite else {
      throw .invalidParameters("component \(k + 1) has no responsibility mass; its bound has no maximum")
    }
    return window(data: data, mixture: m, component: k, mass: q, next: s / q, points: points)
  }

  /// `points` means around μ_t and the bound's maximum: wide enough that the parabola
  /// falls about 8 log-likelihood units at the ends, and three times the step beyond it.
  public static func window(data: [Double], mixture m: GaussianMixture, component k: Int, mass q: Double, next: Double, points: Int = 161) -> [Double] {
    let muT = m.means[k], sigma = m.sds[k]
    let step = abs(next - muT)
    // ½ · Q/σ² · h² = 8 at half-width h.
    let curvatureWidth = 4 * sigma / Swift.max(q, 1e-300).squareRoot()
    let low0 = data.min() ?? muT, high0 = data.max() ?? muT
    let span = Swift.max(high0 - low0, sigma)
    let half = Swift.min(Swift.max(curvatureWidth, 1.5 * step, 1e-9 * Swift.max(1, abs(muT))), span)
    let centre = (muT + next) / 2
    let low = centre - half - step / 2, high = centre + half + step / 2
    let n = Swift.max(points, 3)
    return (0..<n).map { low + (high - low) * Double($0) / Double(n - 1) }
  }
}

