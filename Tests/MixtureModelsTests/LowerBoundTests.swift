import Foundation
import MixtureModels
import Testing
import TestSupport

/// EM's lower bound along one mean (``LowerBound``), checked against numbers computed here
/// independently of the library: a log-sum-exp log-likelihood, responsibilities, and the
/// M-step of one epoch of ``ExpectationMaximization``.
@Suite struct LowerBoundTests {
  /// A seeded one-dimensional problem and a start (some far from the optimum, so that the
  /// M-step's move is large).
  struct Problem: CustomTestStringConvertible, Sendable {
    var name: String
    var data: [Double]
    var start: GaussianMixture
    var testDescription: String { name }

    init(_ name: String, seed: UInt64, groups: [(mean: Double, sd: Double, count: Int)], weights: [Double], means: [Double], sds: [Double]) {
      self.name = name
      var random = RandomSource(seed: seed)
      data = groups.flatMap { g in (0..<g.count).map { _ in random.normal(mean: g.mean, sd: g.sd) } }
      start = try! GaussianMixture(weights: weights, means: means, sds: sds)
    }
  }

  static let problems: [Problem] = [
    // K = 1, the start 15 sds of the data away from its mean.
    Problem("K=1 far", seed: 11, groups: [(3, 2, 300)], weights: [1], means: [-27], sds: [1.5]),
    // K = 1, too wide and a little off.
    Problem("K=1 wide", seed: 12, groups: [(-0.5, 0.3, 120)], weights: [1], means: [0.4], sds: [2]),
    // K = 2: the article's groups, from the true groups (small steps) ...
    Problem("K=2 article", seed: 0, groups: [(2, 1, 200), (-1, 0.8, 600)], weights: [0.25, 0.75], means: [2, -1], sds: [1, 0.8]),
    // ... and from swapped, far-off means (large steps).
    Problem("K=2 far", seed: 0, groups: [(2, 1, 200), (-1, 0.8, 600)], weights: [0.3, 0.7], means: [-6, 7], sds: [1, 1.5]),
    // K = 3: three close, wide components for well separated groups.
    Problem(
      "K=3 bunched", seed: 7, groups: [(-4, 1, 150), (0, 0.5, 100), (5, 1.5, 250)], weights: [0.2, 0.3, 0.5], means: [-1, 0.5, 1],
      sds: [2, 2, 2]),
    // K = 3 with data near 1000 (mean-shifted sums must keep their digits).
    Problem(
      "K=3 offset", seed: 8, groups: [(1000, 1, 80), (1004, 0.7, 160), (1009, 2, 60)], weights: [0.4, 0.4, 0.2],
      means: [1006, 995, 1020], sds: [3, 1, 4]),
  ]

  /// Every (problem, component) pair.
  static let cases: [(Problem, Int)] = problems.flatMap { p in (0..<p.start.componentCount).map { (p, $0) } }


  // MARK: Independent computations

  /// `log w_j + log φ(x; μ_j, σ_j)` for every component.
  static func logTerms(_ x: Double, _ w: [Double], _ mu: [Double], _ sd: [Double]) -> [Double] {
    (0..<w.count).map { j in
      let z = (x - mu[j]) / sd[j]
      return Foundation.log(w[j]) - 0.5 * z * z - Foundation.log(sd[j]) - 0.5 * Foundation.log(2 * Double.pi)
    }
  }

  /// Σᵢ log Σ_j w_j φ(xᵢ; μ_j, σ_j), each point by log-sum-exp (with μ_k replaced by `mu`
  /// when `k` is given). Plain loops without allocation per point, to stay fast unoptimised.
  static func logLikelihood(_ data: [Double], _ m: GaussianMixture, mean k: Int? = nil, at mu: Double = 0) -> Double {
    var means = m.means
    if let k { means[k] = mu }
    let count = m.componentCount
    let logNorms = (0..<count).map { Foundation.log(m.weights[$0]) - Foundation.log(m.sds[$0]) - 0.5 * Foundation.log(2 * Double.pi) }
    let inverse = m.sds.map { 1 / $0 }
    var total = 0.0
    for x in data {
      var top = -Double.infinity
      for j in 0..<count {
        let z = (x - means[j]) * inverse[j]
        top = max(top, logNorms[j] - 0.5 * z * z)
      }
      var sum = 0.0
      for j in 0..<count {
        let z = (x - means[j]) * inverse[j]
        sum += Foundation.exp(logNorms[j] - 0.5 * z * z - top)
      }
      total += top + Foundation.log(sum)
    }
    return total
  }

  /// Q = Σᵢ q_ik and S = Σᵢ q_ik xᵢ with q the posterior of `m`.
  static func sums(_ data: [Double], _ m: GaussianMixture, _ k: Int) -> (q: Double, s: Double) {
    var q = 0.0, s = 0.0
    for x in data {
      let t = logTerms(x, m.weights, m.means, m.sds)
      let top = t.max()!
      let total = t.reduce(0) { $0 + Foundation.exp($1 - top) }
      let r = Foundation.exp(t[k] - top) / total
      q += r
      s += r * x
    }
    return (q, s)
  }

  /// L(q_t, μ) from the formula, with q_t's sums computed here.
  static func bound(_ data: [Double], _ m: GaussianMixture, _ k: Int, at mu: Double) -> Double {
    let (q, s) = sums(data, m, k)
    let muT = m.means[k], sigma = m.sds[k]
    // Σᵢ q_ik [(xᵢ − μ)² − (xᵢ − μ_t)²] = Q(μ² − μ_t²) − 2S(μ − μ_t).
    let change = q * (mu * mu - muT * muT) - 2 * s * (mu - muT)
    return logLikelihood(data, m) - change / (2 * sigma * sigma)
  }

  /// A grid from `low` to `high`, with `extra` values inserted, sorted.
  static func grid(_ low: Double, _ high: Double, count: Int = 121, extra: [Double] = []) -> [Double] {
    ((0..<count).map { low + (high - low) * Double($0) / Double(count - 1) } + extra).sorted()
  }

  // MARK: (a) L ≤ ℓ

  /// On the default window and on a grid spanning the data and the start, the bound never
  /// rises above the log-likelihood.
  @Test(arguments: cases)
  func theBoundIsBelowTheLogLikelihoodEverywhere(_ problem: Problem, _ k: Int) throws {
    let lo = min(problem.data.min()!, problem.start.means.min()!), hi = max(problem.data.max()!, problem.start.means.max()!)
    // A quarter of the span beyond: far enough for large steps, near enough that no point is
    // 38 sds from every component (see farPointsKeepAFiniteLogLikelihood).
    let pad = (hi - lo) / 4
    var sliceGaps: [(gap: Double, mu: Double, bound: Double, ell: Double)] = []
    for means in [[], Self.grid(lo - pad, hi + pad)] {
      let s = try LowerBound.slice(data: problem.data, mixture: problem.start, component: k, means: means)
      #expect(s.means.count == (means.isEmpty ? 161 : means.count))
      #expect(s.bound.count == s.means.count && s.logLikelihood.count == s.means.count)
      // Against the log-likelihood computed here: the largest L − ℓ over the grid.
      let ours = s.means.map { Self.logLikelihood(problem.data, problem.start, mean: k, at: $0) }
      let (gap, at) = zip(s.bound, ours).enumerated().map { ($1.0 - $1.1, $0) }.max { $0.0 < $1.0 }!
      #expect(s.bound.allSatisfy { $0.isFinite })
      #expect(gap <= 1e-9 * abs(ours[at]), "μ = \(s.means[at]): L = \(s.bound[at]) > ℓ = \(ours[at])")
      #expect(s.logLikelihood.allSatisfy { $0.isFinite })
      for i in s.means.indices { sliceGaps.append((s.bound[i] - s.logLikelihood[i], s.means[i], s.bound[i], s.logLikelihood[i])) }
    }
    // Against the slice's own ℓ curve, which the figure draws.
    do {
      let worst = sliceGaps.max { $0.gap < $1.gap }!
      #expect(worst.gap <= 1e-9 * abs(worst.ell), "μ = \(worst.mu): L = \(worst.bound) > slice's ℓ = \(worst.ell)")
    }
  }

  // MARK: (b) L touches ℓ at μ_t with ℓ's slope

  @Test(arguments: cases)
  func theBoundTouchesTheLogLikelihoodAtTheCurrentMeanWithItsSlope(_ problem: Problem, _ k: Int) throws {
    let m = problem.start
    let muT = m.means[k], sigma = m.sds[k]
    let h = 1e-5 * sigma
    let s = try LowerBound.slice(data: problem.data, mixture: m, component: k, means: [muT - h, muT, muT + h])
    #expect(s.means == [muT - h, muT, muT + h])
    #expect(s.current == muT)
    // L(μ_t) = ℓ(μ_t), exactly in the slice, and ℓ(μ_t) is the log-likelihood computed here.
    #expect(s.bound[1] == s.currentValue)
    #expect(s.logLikelihood[1] == s.currentValue)
    let ellT = Self.logLikelihood(problem.data, m)
    // (This file's ℓ is the library's, and EM's at its start.)
    #expect(m.logLikelihood(of: problem.data).isApproximatelyEqual(to: ellT, relativeTolerance: 1e-12))
    do {
      #expect(s.currentValue.isApproximatelyEqual(to: ellT, relativeTolerance: 1e-12), "ℓ(μ_t): slice \(s.currentValue), expected \(ellT)")
    }

    // Slopes at μ_t: the analytic (S − Q μ_t)/σ², a central difference of ℓ computed here,
    // and a central difference of the slice's bound.
    let (q, sum) = Self.sums(problem.data, m, k)
    let analytic = (sum - q * muT) / (sigma * sigma)
    let ellSlope = (Self.logLikelihood(problem.data, m, mean: k, at: muT + h) - Self.logLikelihood(problem.data, m, mean: k, at: muT - h)) / (2 * h)
    let boundSlope = (s.bound[2] - s.bound[0]) / (2 * h)
    // The scale of a slope: Q/σ (a move of one σ changes ℓ by about Q).
    let scale = max(abs(analytic), q / sigma)
    #expect(abs(ellSlope - analytic) <= 1e-6 * scale, "ℓ'(μ_t): finite difference \(ellSlope), analytic \(analytic)")
    #expect(abs(boundSlope - analytic) <= 1e-6 * scale, "L'(μ_t): finite difference \(boundSlope), analytic \(analytic)")
    #expect(abs(boundSlope - ellSlope) <= 1e-6 * scale)
    #expect(s.mass.isApproximatelyEqual(to: q, relativeTolerance: 1e-12))
    // The slope is large when the start is far: these checks are not vacuous.
    if problem.name.hasSuffix("far") { #expect(abs(analytic) > q / sigma) }
  }

  // MARK: (c) The bound's maximum is the M-step

  @Test(arguments: cases)
  func theBoundsMaximumIsTheMeanOfOneEMEpoch(_ problem: Problem, _ k: Int) throws {
    let m = problem.start
    let s = try LowerBound.slice(data: problem.data, mixture: m, component: k)
    let run = try ExpectationMaximization.fit(problem.data, from: m, options: EMOptions(maxEpochs: 1, tolerance: 0, regularization: 0))
    #expect(run.epochs.count == 1)
    let emMean = run.epochs[0].mixture.means[k]
    let spread = problem.data.max()! - problem.data.min()!
    #expect(
      s.next.isApproximatelyEqual(to: emMean, relativeTolerance: 1e-10, absoluteTolerance: 1e-12 * spread),
      "bound's maximum \(s.next), EM's mean \(emMean)")
    // S/Q from this file's responsibilities, and L's value there from the formula.
    let (q, sum) = Self.sums(problem.data, m, k)
    #expect(s.next.isApproximatelyEqual(to: sum / q, relativeTolerance: 1e-12, absoluteTolerance: 1e-13 * spread))
    #expect(run.initialLogLikelihood.isApproximatelyEqual(to: Self.logLikelihood(problem.data, m), relativeTolerance: 1e-12))
    let expectedTop = Self.bound(problem.data, m, k, at: s.next)
    do {
      #expect(s.nextValue.isApproximatelyEqual(to: expectedTop, relativeTolerance: 1e-11), "L(μ_{t+1}): slice \(s.nextValue), expected \(expectedTop)")
    }
    // Whatever ℓ(μ_t) is, the maximum's value is ℓ(μ_t) + Q (μ_{t+1} − μ_t)² / (2σ²).
    let rise = q * (s.next - s.current) * (s.next - s.current) / (2 * m.sds[k] * m.sds[k])
    #expect((s.nextValue - s.currentValue).isApproximatelyEqual(to: rise, relativeTolerance: 1e-6, absoluteTolerance: 1e-9 * abs(s.currentValue)))
    // Nothing on the window (nor on a grid through the maximum) exceeds the maximum.
    // (to rounding: a few ulp of the values' size)
    for value in s.bound { #expect(value <= s.nextValue + 1e-14 * abs(s.nextValue), "L = \(value) above its maximum \(s.nextValue)") }
    let through = try LowerBound.slice(
      data: problem.data, mixture: m, component: k, means: Self.grid(s.next - 3 * m.sds[k], s.next + 3 * m.sds[k], count: 101, extra: [s.next]))
    for value in through.bound { #expect(value <= through.nextValue) }
    // The M-step raises the bound, so ℓ (computed here) rises too: ℓ(μ_{t+1}) ≥ L(μ_{t+1}) ≥ ℓ(μ_t).
    #expect(s.nextValue >= s.currentValue)
    let ellNext = Self.logLikelihood(problem.data, m, mean: k, at: s.next)
    #expect(ellNext >= s.nextValue - 1e-9 * abs(s.nextValue))
    // The window holds both μ_t and μ_{t+1}, increasing, and the step is visible in it.
    let w = s.means
    #expect(zip(w, w.dropFirst()).allSatisfy { $0 < $1 })
    #expect(w.first! <= min(s.current, s.next) && w.last! >= max(s.current, s.next))
    #expect(try LowerBound.window(data: problem.data, mixture: m, component: k) == w)
  }

  // MARK: (d) ℓ along the slice

  @Test(arguments: cases)
  func theSlicesLogLikelihoodIsTheLogLikelihoodWithOneMeanMoved(_ problem: Problem, _ k: Int) throws {
    let m = problem.start
    let s = try LowerBound.slice(data: problem.data, mixture: m, component: k)
    #expect(s.component == k)
    let ours = s.means.map { Self.logLikelihood(problem.data, m, mean: k, at: $0) }
    do {
      let error = maxRelativeError(s.logLikelihood, ours)
      #expect(error <= 1e-12, "slice's ℓ(μ) off by up to \(error) relative; at μ = \(s.means[0]): slice \(s.logLikelihood[0]), expected \(ours[0])")
    }
    // The bound along the window is the formula's, from this file's sums and the slice's
    // ℓ(μ_t)...
    let (q, sum) = Self.sums(problem.data, m, k)
    let muT = m.means[k], v = m.sds[k] * m.sds[k]
    func formula(_ top: Double) -> [Double] { s.means.map { mu in top - (q * (mu * mu - muT * muT) - 2 * sum * (mu - muT)) / (2 * v) } }
    #expect(maxRelativeError(s.bound, formula(s.currentValue)) <= 1e-10)
    // ... and with this file's ℓ(μ_t).
    do {
      let error = maxRelativeError(s.bound, formula(Self.logLikelihood(problem.data, m)))
      #expect(error <= 1e-10, "slice's L(μ) off by up to \(error) relative")
    }
  }

  /// A point 40 sds from the only component has density e⁻⁸⁰⁰, below the smallest double;
  /// its log-density is still −800.9…, and EM's own log-likelihood (log space) is finite.
  @Test func farPointsKeepAFiniteLogLikelihood() throws {
    let data = (0..<50).map { Double($0) / 49 }
    let m = try GaussianMixture(weights: [1], means: [40], sds: [1])
    let expected = Self.logLikelihood(data, m)
    #expect(expected.isFinite)
    #expect(m.logLikelihood(of: data).isApproximatelyEqual(to: expected, relativeTolerance: 1e-12))
    let s = try LowerBound.slice(data: data, mixture: m, component: 0, means: [40])
    // ℓ(μ) is evaluated in log space (log-sum-exp), so it stays finite.
    #expect(s.currentValue.isApproximatelyEqual(to: expected, relativeTolerance: 1e-12), "ℓ(μ_t) = \(s.currentValue), expected \(expected)")
    #expect(s.logLikelihood[0].isFinite)
    #expect(s.next.isApproximatelyEqual(to: data.reduce(0, +) / 50, relativeTolerance: 1e-14))
  }

  // MARK: (e) Errors

  @Test(arguments: [-1, 2, 5])
  func aComponentOutOfRangeThrows(_ k: Int) throws {
    let p = Self.problems[2]
    let message = "component \(k + 1) does not exist in a 2-component mixture"
    #expect(throws: MixtureError.invalidParameters(message)) {
      try LowerBound.slice(data: p.data, mixture: p.start, component: k)
    }
    #expect(throws: MixtureError.invalidParameters(message)) {
      try LowerBound.slice(data: p.data, mixture: p.start, component: k, means: [0, 1])
    }
    #expect(throws: MixtureError.invalidParameters(message)) {
      try LowerBound.window(data: p.data, mixture: p.start, component: k)
    }
  }

  /// A component so far from the data that every responsibility underflows to 0 has a
  /// flat bound without a maximum.
  @Test func aComponentWithoutResponsibilityThrows() throws {
    let data = (0..<40).map { Double($0) / 10 }
    let m = try GaussianMixture(weights: [0.5, 0.5], means: [2, 5000], sds: [1, 1])
    let message = "component 2 has no responsibility mass; its bound has no maximum"
    #expect(throws: MixtureError.invalidParameters(message)) { try LowerBound.slice(data: data, mixture: m, component: 1) }
    #expect(throws: MixtureError.invalidParameters(message)) { try LowerBound.window(data: data, mixture: m, component: 1) }
    // Component 1 takes every point: its bound peaks at the data's mean.
    let s = try LowerBound.slice(data: data, mixture: m, component: 0)
    #expect(s.mass.isApproximatelyEqual(to: 40, relativeTolerance: 1e-14))
    #expect(s.next.isApproximatelyEqual(to: 1.95, relativeTolerance: 1e-14))
  }
}
