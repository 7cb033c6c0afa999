import Testing
import TestSupport

@testable import MixtureModels

/// A seeded random fitting problem: data drawn from a random mixture, and a start.
struct RandomProblem {
  var data: [Double]
  var start: GaussianMixture
  var options: EMOptions

  /// The problem for `seed`: 1–5 generating components with means in [−10, 10] and sds
  /// in [0.1, 3], 10–500 points, a 1–5 component start from ``Initialization/quantiles``
  /// with jittered means, and regularization 0 or 1e-6.
  init(seed: UInt64) throws {
    var random = RandomSource(seed: seed)
    let trueK = Int.random(in: 1...5, using: &random)
    let means = (0..<trueK).map { _ in -10 + 20 * random.uniform() }
    let sds = (0..<trueK).map { _ in 0.1 + 2.9 * random.uniform() }
    let n = Int.random(in: 10...500, using: &random)
    data = (0..<n).map { _ in
      let k = Int.random(in: 0..<trueK, using: &random)
      return random.normal(mean: means[k], sd: sds[k])
    }
    let k = Int.random(in: 1...5, using: &random)
    var start = try Initialization.quantiles(data, components: k)
    // Jitter the quantile means by up to half an sd so starts are not all alike.
    start.means = start.means.map { $0 + (random.uniform() - 0.5) * start.sds[0] }
    self.start = start
    options = EMOptions(maxEpochs: 40, tolerance: 0, regularization: random.uniform() < 0.5 ? 0 : 1e-6)
  }

  func fit() throws(MixtureError) -> EMResult {
    try ExpectationMaximization.fit(data, from: start, options: options)
  }
}

/// Properties every EM run must have, over many seeded random problems.
@Suite struct EMPropertyTests {
  static let problemCount: UInt64 = 200

  @Test func logLikelihoodNeverDecreasesAndParametersStayValid() throws {
    var degenerate = 0
    for seed in 0..<Self.problemCount {
      let problem = try RandomProblem(seed: seed)
      let result: EMResult
      do {
        result = try problem.fit()
      } catch {
        // A component may collapse onto a point when nothing regularizes it; that must
        // be reported as `.degenerate`, and must be rare.
        guard case .degenerate = error else {
          Issue.record("seed \(seed): unexpected \(error)")
          continue
        }
        degenerate += 1
        continue
      }
      #expect(result.epochs.count == problem.options.maxEpochs, "seed \(seed)")
      #expect(result.initialLogLikelihood.isFinite, "seed \(seed)")
      var previous = result.initialLogLikelihood
      for record in result.epochs {
        let allowedDrop = 1e-9 * abs(previous)
        #expect(record.logLikelihood.isFinite, "seed \(seed), epoch \(record.epoch)")
        #expect(
          record.logLikelihood >= previous - allowedDrop,
          "seed \(seed), epoch \(record.epoch): \(previous) → \(record.logLikelihood)")
        previous = record.logLikelihood

        let mixture = record.mixture
        let weightSum = mixture.weights.reduce(0, +)
        #expect(weightSum.isApproximatelyEqual(to: 1, relativeTolerance: 1e-12), "seed \(seed), epoch \(record.epoch)")
        #expect(mixture.weights.allSatisfy { $0 >= 0 && $0.isFinite }, "seed \(seed), epoch \(record.epoch)")
        #expect(mixture.means.allSatisfy { $0.isFinite }, "seed \(seed), epoch \(record.epoch)")
        #expect(mixture.sds.allSatisfy { $0 > 0 && $0.isFinite }, "seed \(seed), epoch \(record.epoch)")
      }
    }
    #expect(degenerate <= Int(Self.problemCount) / 20, "\(degenerate) of \(Self.problemCount) runs collapsed")
  }

  @Test(arguments: [0, 7, 12_345, UInt64.max])
  func sameSeedGivesIdenticalResult(seed: UInt64) throws {
    let first = try RandomProblem(seed: seed)
    let second = try RandomProblem(seed: seed)
    #expect(first.data == second.data)
    #expect(try first.fit() == second.fit())
  }

  @Test func differentSeedsGiveDifferentProblems() throws {
    #expect(try RandomProblem(seed: 1).data != RandomProblem(seed: 2).data)
  }
}

/// When a run stops: `tolerance` against the change of the mean log-likelihood.
@Suite struct EMStoppingTests {
  /// The tutorial's data and start.
  static func tutorialProblem() throws -> (data: [Double], start: GaussianMixture) {
    let reference = try Reference.emCase("mixture800-k2-tutorial")
    return (try reference.sample(), try reference.start())
  }

  @Test(arguments: [1e-2, 1e-4, 1e-6, 1e-8, 1e-10])
  func positiveToleranceStopsAtFirstSmallChangeOfMeanLogLikelihood(tolerance: Double) throws {
    let (data, start) = try Self.tutorialProblem()
    let maxEpochs = 500
    let full = try ExpectationMaximization.fit(data, from: start, options: EMOptions(maxEpochs: maxEpochs))
    let logLikelihoods = [full.initialLogLikelihood] + full.epochs.map(\.logLikelihood)
    let n = Double(data.count)
    let expectedStop = try #require(
      (1...maxEpochs).first { abs(logLikelihoods[$0] - logLikelihoods[$0 - 1]) / n < tolerance },
      "the full run never reaches tolerance \(tolerance)")

    let stopped = try ExpectationMaximization.fit(
      data, from: start, options: EMOptions(maxEpochs: maxEpochs, tolerance: tolerance))

    #expect(stopped.converged)
    #expect(stopped.epochs.count == expectedStop)
    // Stopping early changes nothing before the stop.
    #expect(stopped.epochs == Array(full.epochs.prefix(expectedStop)))
  }

  @Test func positiveToleranceNotReachedRunsAllEpochsWithoutConverging() throws {
    let (data, start) = try Self.tutorialProblem()
    let result = try ExpectationMaximization.fit(
      data, from: start, options: EMOptions(maxEpochs: 3, tolerance: 1e-12))
    #expect(result.epochs.count == 3)
    #expect(!result.converged)
  }

  @Test func zeroToleranceRunsExactlyMaxEpochsEvenAtAFixedPoint() throws {
    // One component reaches its maximum-likelihood fit in the first epoch, so later
    // epochs change the log-likelihood by (nearly) nothing; tolerance 0 still runs them all.
    let data = [1.0, 2.0, 4.0, 8.0, 16.0]
    let start = try GaussianMixture(weights: [1], means: [0], sds: [1])
    let result = try ExpectationMaximization.fit(data, from: start, options: EMOptions(maxEpochs: 25, tolerance: 0))
    #expect(result.epochs.count == 25)
    #expect(!result.converged)
    #expect(result.fitted.means[0].isApproximatelyEqual(to: 6.2, relativeTolerance: 1e-14))
    // np.std([1, 2, 4, 8, 16]) = 5.455272678794343
    #expect(result.fitted.sds[0].isApproximatelyEqual(to: 5.455272678794343, relativeTolerance: 1e-14))
  }

  @Test func zeroEpochsReturnsTheStart() throws {
    let (data, start) = try Self.tutorialProblem()
    let result = try ExpectationMaximization.fit(data, from: start, options: EMOptions(maxEpochs: 0))
    #expect(result.epochs.isEmpty)
    #expect(!result.converged)
    #expect(result.fitted == start)
    #expect(result.finalLogLikelihood == result.initialLogLikelihood)
  }

  @Test func defaultOptionsAreTheTutorialsTwentyPlainEpochs() {
    #expect(EMOptions() == EMOptions(maxEpochs: 20, tolerance: 0, regularization: 0))
  }
}

/// The E-step works in log space, so no point is too far away to be assigned.
@Suite struct EMLogSpaceTests {
  static let mixture: GaussianMixture = {
    // Valid constant parameters: the unchecked initializer keeps the test free of `try!`.
    GaussianMixture(unchecked: [0.4, 0.6], [0, 5], [1, 2])
  }()

  @Test(arguments: [1e4, -1e4, 2e4 + 5, 3e5])
  func farPointHasFiniteLogDensityAndResponsibilitiesSummingToOne(x: Double) {
    let mixture = Self.mixture
    // The density itself underflows to 0 this far out; its log must not.
    #expect(mixture.density(at: x) == 0)
    let logDensity = mixture.logDensity(at: x)
    #expect(logDensity.isFinite)
    let responsibilities = mixture.responsibilities(at: x)
    #expect(responsibilities.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    #expect(responsibilities.reduce(0, +).isApproximatelyEqual(to: 1, relativeTolerance: 1e-15))
    // The wider component (sd 2) explains a far point better than the narrow one.
    #expect(responsibilities[1] > responsibilities[0])
  }

  @Test func passKeepsEveryPointsResponsibilitiesNormalisedForAPointTenThousandSdsAway() {
    let mixture = Self.mixture
    let data = [-0.3, 0.2, 4.1, 5.5, 6.0, 2e4]
    let sums = data.withUnsafeBufferPointer { EMKernel.pass($0, mixture, threads: 1) }
    #expect(sums.logLikelihood.isFinite)
    #expect(sums.logLikelihood.isApproximatelyEqual(to: mixture.logLikelihood(of: data), relativeTolerance: 1e-14))
    // Each point's responsibilities sum to 1, so the masses sum to n.
    #expect(sums.mass.allSatisfy { $0.isFinite })
    #expect(sums.mass.reduce(0, +).isApproximatelyEqual(to: Double(data.count), relativeTolerance: 1e-15))
  }

  @Test func farOutlierCapturedByAComponentIsACollapseNotANaN() throws {
    var random = RandomSource(seed: 3)
    let data = (0..<200).map { _ in random.normal() } + [1e4]
    let start = try GaussianMixture(weights: [0.5, 0.5], means: [-1, 1], sds: [1, 1])

    // The second component drifts to the outlier and ends up owning it alone. Without
    // regularization its variance is 0 (up to rounding, which the sums about the
    // current mean do not invent): a clear error naming it, never a NaN.
    #expect(throws: MixtureError.degenerate(component: 1, epoch: 4, detail: "its variance fell to 0")) {
      try ExpectationMaximization.fit(data, from: start, options: EMOptions(maxEpochs: 10))
    }

    // With regularization the same run stays finite throughout, its variance at the floor.
    let result = try ExpectationMaximization.fit(
      data, from: start, options: EMOptions(maxEpochs: 10, regularization: 1e-6))
    #expect(result.initialLogLikelihood.isFinite)
    #expect(result.epochs.allSatisfy { $0.logLikelihood.isFinite })
    #expect(result.fitted.sds.allSatisfy { $0.isFinite && $0 > 0 })
    #expect(result.fitted.means[1].isApproximatelyEqual(to: 1e4, relativeTolerance: 1e-14))
    #expect(result.fitted.sds[1].isApproximatelyEqual(to: 1e-3, relativeTolerance: 1e-6))
    #expect(result.collapses.map(\.component) == [1])
    #expect(result.collapses.first?.reason == .varianceAtFloor)
  }

  @Test func logSumExpHandlesHugeAndInfiniteTerms() {
    #expect(logSumExp([-1e4, -1e4]).isApproximatelyEqual(to: -1e4 + 0.693_147_180_559_945_3, relativeTolerance: 1e-15))
    #expect(logSumExp([1000.0, 1000.0]).isApproximatelyEqual(to: 1000.693_147_180_559_9, relativeTolerance: 1e-15))
    #expect(logSumExp([Double]()) == -.infinity)
    #expect(logSumExp([-Double.infinity, -.infinity]) == -.infinity)
  }
}

/// EM's refusals: each error says what is wrong.
@Suite struct EMErrorTests {
  static let start = GaussianMixture(unchecked: [0.5, 0.5], [0, 1], [1, 1])

  @Test(arguments: [
    ([], "EM needs at least 2 data points, got 0"),
    ([1.0], "EM needs at least 2 data points, got 1"),
    ([1.0, .nan, 2.0], "data must be finite, got nan"),
    ([1.0, 2.0, .infinity], "data must be finite, got inf"),
    ([-.infinity, 2.0], "data must be finite, got -inf"),
  ] as [([Double], String)])
  func unusableDataIsRejectedWithAMessage(data: [Double], message: String) {
    #expect(throws: MixtureError.invalidData(message)) {
      try ExpectationMaximization.fit(data, from: Self.start)
    }
    #expect(MixtureError.invalidData(message).description == message)
  }

  @Test func componentWithNoResponsibilityIsReportedAsDegenerate() {
    // The second component sits a million sds away: every responsibility underflows to 0.
    let start = GaussianMixture(unchecked: [0.5, 0.5], [0, 1e6], [1, 1])
    let data = [0.0, 1.0, 2.0, 3.0]
    let expected = MixtureError.degenerate(component: 1, epoch: 1, detail: "no point has any responsibility for it")
    #expect(throws: expected) {
      try ExpectationMaximization.fit(data, from: start)
    }
    #expect(
      expected.description
        == "component 2 collapsed at epoch 1 (no point has any responsibility for it); set fit.regularization > 0 or choose another start"
    )
  }

  @Test func componentOnASinglePointCollapsesWithoutRegularizationOnly() throws {
    // The first component owns the point 0 alone (the others are 100 sds away), so its
    // variance becomes exactly 0.
    let start = GaussianMixture(unchecked: [0.25, 0.75], [0, 101], [1, 1])
    let data = [0.0, 100.0, 101.0, 102.0]
    #expect(throws: MixtureError.degenerate(component: 0, epoch: 1, detail: "its variance fell to 0")) {
      try ExpectationMaximization.fit(data, from: start)
    }
    let regularized = try ExpectationMaximization.fit(
      data, from: start, options: EMOptions(maxEpochs: 3, regularization: 1e-6))
    #expect(regularized.fitted.sds[0] == 1e-6.squareRoot())
    #expect(regularized.collapses == [Collapse(component: 0, epoch: 1, reason: .varianceAtFloor)])
  }
}
