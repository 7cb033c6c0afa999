import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// A seeded random problem for the start methods: a sample and a number of components,
/// over a wide range of shapes, scales and offsets.
struct StartProblem: CustomStringConvertible {
  /// The shape of the sample.
  enum Kind: CaseIterable {
    /// Draws from a mixture.
    case continuous
    /// Draws from a mixture rounded to whole units: many repeated values.
    case integers
    /// `K` to `K + 3` distinct values, each repeated many times (at least once).
    case fewDistinct
    /// `n = K` points.
    case asManyPointsAsComponents
  }

  var seed: UInt64
  var kind: Kind
  var components: Int
  var scale: Double
  var offset: Double
  var data: [Double]

  /// 1e-6 in the units of the data (squared): the regularization that does to this
  /// sample what 1e-6 does to the same sample at scale 1.
  var unitRegularization: Double { 1e-6 * scale * scale }

  var description: String {
    "seed \(seed) (\(kind), n = \(data.count), K = \(components), scale \(scale), offset \(offset))"
  }

  /// The problem for `seed`: the kinds in turn, `K` in 1…6 (2…6 for `n = K`), n up to
  /// 500, a unit `scale` in [1e-3, 1e6], an `offset` 0 or ±[1, 1e6], data `offset +
  /// scale · z` with `z` from a mixture of 1–4 components with means in [−10, 10] and
  /// sds in [0.2, 2] (widened until the sample has at least `max(K, 2)` distinct values).
  init(seed: UInt64) {
    self.seed = seed
    var random = RandomSource(seed: seed)
    kind = Kind.allCases[Int(seed % UInt64(Kind.allCases.count))]
    components = Int.random(in: kind == .asManyPointsAsComponents ? 2...6 : 1...6, using: &random)
    scale = pow(10, -3 + 9 * random.uniform())
    let sign: Double = random.uniform() < 0.5 ? -1 : 1
    offset = random.uniform() < 0.25 ? 0 : sign * pow(10, 6 * random.uniform())
    let trueK = Int.random(in: 1...4, using: &random)
    let means = (0..<trueK).map { _ in -10 + 20 * random.uniform() }
    let sds = (0..<trueK).map { _ in 0.2 + 1.8 * random.uniform() }
    let (k, scale, offset) = (components, scale, offset)
    var data: [Double]
    // Widened when a sample has too few distinct values (a narrow mixture rounded to units).
    var spread = 1.0
    repeat {
      let n = kind == .asManyPointsAsComponents ? k : Int.random(in: max(k, 2)...500, using: &random)
      let z = (0..<n).map { _ in
        let j = Int.random(in: 0..<trueK, using: &random)
        return spread * random.normal(mean: means[j], sd: sds[j])
      }
      spread *= 2
      switch kind {
      case .continuous, .asManyPointsAsComponents:
        data = z.map { offset + scale * $0 }
      case .integers:
        data = z.map { offset + scale * $0.rounded() }
      case .fewDistinct:
        let levelCount = Int.random(in: max(k, 2)...(max(k, 2) + 3), using: &random)
        var levels: Set<Int> = []
        while levels.count < levelCount { levels.insert(Int.random(in: -20...20, using: &random)) }
        let values = levels.sorted().map { offset + scale * Double($0) }
        let count = max(n, levelCount)
        data = values + (values.count..<count).map { _ in values[Int.random(in: 0..<values.count, using: &random)] }
        data.shuffle(using: &random)
      }
    } while Set(data).count < max(k, 2)
    self.data = data
  }
}

/// Every start method on many random problems: the start is a valid mixture, and EM
/// from it keeps a finite, non-decreasing log-likelihood and valid parameters.
@Suite struct StartPropertyTests {
  static let problemCount: UInt64 = 240
  static let methods: [StartMethod] = [.kMeansPlusPlus, .random, .quantiles]

  static func problems() -> [StartProblem] {
    (0..<problemCount).map(StartProblem.init(seed:))
  }

  @Test func problemsCoverEveryKindSizeAndScale() {
    let problems = Self.problems()
    for kind in StartProblem.Kind.allCases {
      #expect(problems.filter { $0.kind == kind }.count >= Int(Self.problemCount) / 5)
    }
    #expect(Set(problems.map(\.components)) == Set(1...6))
    #expect(problems.contains { $0.data.count == $0.components })
    #expect(problems.contains { $0.data.count >= 400 })
    #expect(problems.contains { $0.scale < 1e-2 } && problems.contains { $0.scale > 1e5 })
    #expect(problems.contains { abs($0.offset) > 1e5 } && problems.contains { $0.offset == 0 })
    // Many repeated values: fewer than a tenth of the points distinct.
    #expect(problems.filter { Set($0.data).count * 10 < $0.data.count }.count >= 20)
  }

  /// The start for `problem` from stream 1 of its seed, or `nil` after recording why not.
  static func start(_ method: StartMethod, for problem: StartProblem, regularization: Double) -> GaussianMixture? {
    var random = RandomSource(seed: problem.seed, stream: 1)
    do {
      return try method.start(problem.data, components: problem.components, random: &random, regularization: regularization)
    } catch {
      Issue.record("\(method) on \(problem): the start failed: \(error)")
      return nil
    }
  }

  @Test(arguments: methods)
  func everyStartIsValidAndEMFromItClimbsWithValidParameters(method: StartMethod) {
    for problem in Self.problems() {
      // As in a model selection, the start and EM share the regularization.
      let regularization = problem.unitRegularization
      guard let start = Self.start(method, for: problem, regularization: regularization) else { continue }
      Self.checkStart(start, of: problem, method: method)
      Self.checkEM(from: start, of: problem, regularization: regularization, climbs: true)
    }
  }

  /// With the regularization fixed at 1e-6 whatever the scale, a component whose
  /// variance is not far above 1e-6 is held wider than its maximum-likelihood fit, so
  /// EM is no longer an ascent method for the likelihood (scikit-learn's `reg_covar`
  /// behaves the same): here only finiteness and validity are required.
  @Test(arguments: methods)
  func withAnAbsoluteRegularizationEveryScaleStaysFiniteAndValid(method: StartMethod) {
    for problem in Self.problems() {
      guard let start = Self.start(method, for: problem, regularization: 1e-6) else { continue }
      Self.checkStart(start, of: problem, method: method)
      Self.checkEM(from: start, of: problem, regularization: 1e-6, climbs: problem.scale >= 1)
    }
  }

  @Test(arguments: [0, 1e-6])
  func kMeansPlusPlusNeverStartsWithASpike(regularization: Double) {
    var spikes: [String] = []
    for problem in Self.problems() {
      guard let start = Self.start(.kMeansPlusPlus, for: problem, regularization: regularization) else { continue }
      Self.checkStart(start, of: problem, method: .kMeansPlusPlus)
      // A cluster of one repeated value gets the overall sd / K, one with spread at least
      // the root of the regularization, and no sample here has two distinct values
      // within 1e-6 overall sds of each other: so no component starts narrower than
      // 1e-6 overall sds (unless the regularization alone makes it wider).
      let overall = Statistics.standardDeviation(problem.data)
      let narrowest = regularization > 0 ? min(1e-6 * overall, regularization.squareRoot()) : 1e-6 * overall
      if start.sds.contains(where: { $0 < narrowest }) {
        spikes.append("\(problem): \(start.sds)")
      }
    }
    #expect(spikes.isEmpty, "\(spikes.count) starts: \(spikes.prefix(3))")
  }

  static func checkStart(_ start: GaussianMixture, of problem: StartProblem, method: StartMethod) {
    let k = problem.components
    let context = "\(method) on \(problem)"
    #expect(start.componentCount == k, "\(context)")
    #expect(start.means.count == k && start.sds.count == k, "\(context)")
    #expect(start.weights.allSatisfy { $0 >= 0 && $0.isFinite }, "\(context): \(start.weights)")
    #expect(abs(start.weights.reduce(0, +) - 1) <= 1e-12, "\(context): \(start.weights)")
    #expect(start.sds.allSatisfy { $0 > 0 && $0.isFinite }, "\(context): \(start.sds)")
    // Inside the data's range, up to rounding: k-means++ sums each cluster naively, so
    // the mean of a cluster of one repeated value at an end of the range may land a few
    // ulps outside it (at most n ulps).
    let low = problem.data.min()!, high = problem.data.max()!
    let slack = Double(problem.data.count) * max(abs(low), abs(high)).ulp
    #expect(start.means.allSatisfy { $0.isFinite && $0 >= low - slack && $0 <= high + slack }, "\(context): \(start.means) ∉ [\(low), \(high)]")
    #expect(start.means == start.means.sorted(), "\(context): \(start.means)")
    if method.isRandom {
      #expect(Set(start.means).count == k, "\(context): means not distinct, \(start.means)")
      // The random starts never give a component no point.
      #expect(start.weights.allSatisfy { $0 > 0 }, "\(context): \(start.weights)")
    }
    if method == .random {
      #expect(start.means.allSatisfy { problem.data.contains($0) }, "\(context)")
    }
    // The checked initializer accepts the start.
    #expect(throws: Never.self, "\(context)") {
      try GaussianMixture(weights: start.weights, means: start.means, sds: start.sds)
    }
  }

  /// EM from `start`: finite log-likelihoods and valid parameters in every epoch, and,
  /// when `climbs`, a log-likelihood that never falls by more than rounding.
  static func checkEM(from start: GaussianMixture, of problem: StartProblem, regularization: Double, climbs: Bool) {
    let emOptions = EMOptions(maxEpochs: 10, tolerance: 0, regularization: regularization)
    let result: EMResult
    do {
      result = try ExpectationMaximization.fit(problem.data, from: start, options: emOptions)
    } catch {
      Issue.record("\(problem): EM failed: \(error)")
      return
    }
    #expect(result.epochs.count == emOptions.maxEpochs, "\(problem)")
    #expect(result.initialLogLikelihood.isFinite, "\(problem)")
    var previous = result.initialLogLikelihood
    for record in result.epochs {
      let context = "\(problem), epoch \(record.epoch)"
      #expect(record.logLikelihood.isFinite, "\(context)")
      #expect(
        !climbs || record.logLikelihood >= previous - 1e-9 * abs(previous),
        "\(context): \(previous) → \(record.logLikelihood) (\((record.logLikelihood - previous) / abs(previous)))")
      previous = record.logLikelihood
      let mixture = record.mixture
      #expect(mixture.componentCount == problem.components, "\(context)")
      #expect(abs(mixture.weights.reduce(0, +) - 1) <= 1e-12, "\(context): \(mixture.weights)")
      #expect(mixture.weights.allSatisfy { $0 >= 0 && $0.isFinite }, "\(context): \(mixture.weights)")
      #expect(mixture.means.allSatisfy { $0.isFinite }, "\(context): \(mixture.means)")
      #expect(mixture.sds.allSatisfy { $0 > 0 && $0.isFinite }, "\(context): \(mixture.sds)")
    }
    let logLikelihoods = [result.initialLogLikelihood] + result.epochs.map(\.logLikelihood)
    #expect(
      result.lastChange == (logLikelihoods[logLikelihoods.count - 1] - logLikelihoods[logLikelihoods.count - 2]) / Double(problem.data.count),
      "\(problem)")
    for collapse in result.collapses {
      #expect(collapse.component >= 0 && collapse.component < problem.components, "\(problem)")
      #expect(collapse.epoch >= 1 && collapse.epoch <= emOptions.maxEpochs, "\(problem)")
    }
  }

  @Test(arguments: methods)
  func sameSeedAndStreamGiveTheSameStart(method: StartMethod) throws {
    for seed: UInt64 in [3, 8, 21, 34] {
      let problem = StartProblem(seed: seed)
      var a = RandomSource(seed: seed, stream: 2)
      var b = RandomSource(seed: seed, stream: 2)
      let first = try method.start(problem.data, components: problem.components, random: &a, regularization: problem.unitRegularization)
      let second = try method.start(problem.data, components: problem.components, random: &b, regularization: problem.unitRegularization)
      #expect(first == second, "\(problem)")
      // Both sources are left in the same state.
      #expect(a.next() == b.next(), "\(problem)")
    }
  }

  /// A sample with no clusters: 400 uniform draws on [0, 100].
  static func unclusteredSample() -> [Double] {
    var random = RandomSource(seed: 77)
    return (0..<400).map { _ in 100 * random.uniform() }
  }

  @Test func differentStreamsGiveDifferentRandomStarts() throws {
    let data = Self.unclusteredSample()
    let starts = try (1...8).map { stream in
      var source = RandomSource(seed: 77, stream: stream)
      return try Initialization.randomFromData(data, components: 5, random: &source)
    }
    #expect(Set(starts.map(\.means)).count == starts.count)
  }

  @Test func differentStreamsGiveDifferentKMeansPlusPlusSeedings() throws {
    let data = Self.unclusteredSample()
    func starts(lloydIterations: Int) throws -> [GaussianMixture] {
      try (1...8).map { stream in
        var source = RandomSource(seed: 77, stream: stream)
        return try Initialization.kMeansPlusPlus(data, components: 5, random: &source, lloydIterations: lloydIterations)
      }
    }
    // The seedings (no Lloyd round) all differ.
    #expect(Set(try starts(lloydIterations: 0).map(\.means)).count == 8)
    // Lloyd's rounds may bring two seedings to the same partition, but not all of them.
    #expect(Set(try starts(lloydIterations: 10).map(\.means)).count >= 4)
  }

  @Test func quantilesIgnoresTheRandomSource() throws {
    let problem = StartProblem(seed: 5)
    var random = RandomSource(seed: 1, stream: 1)
    var untouched = random
    let start = try StartMethod.quantiles.start(problem.data, components: problem.components, random: &random, regularization: 0)
    #expect(start == (try Initialization.quantiles(problem.data, components: problem.components)))
    #expect(random.next() == untouched.next())
  }
}
