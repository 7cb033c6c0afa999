import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// Which of several runs for one `K` is kept.
@Suite struct RestartChoiceTests {
  static let mixture = GaussianMixture(unchecked: [1], [0], [1])

  /// A one-epoch run ending at `logLikelihood`, collapsed or not.
  static func run(_ logLikelihood: Double, collapsed: Bool = false) -> EMResult {
    EMResult(
      initial: mixture, initialLogLikelihood: logLikelihood - 1,
      epochs: [EpochRecord(epoch: 1, logLikelihood: logLikelihood, mixture: mixture)],
      converged: false, sampleCount: 10,
      collapses: collapsed ? [Collapse(component: 0, epoch: 1, reason: .varianceAtFloor)] : [])
  }

  @Test(arguments: [
    ([(-3.0, false)], 0),
    ([(-10.0, false), (-5, false), (-7, false)], 1),
    ([(-5.0, false), (-5, false), (-6, false)], 0),
    ([(-6.0, false), (-5, false), (-5, false)], 1),
    // A collapsed run's spike never wins over a sound one, however high its likelihood.
    ([(-1.0, true), (-5, false), (-3, false)], 2),
    ([(-9.0, false), (100, true), (200, true)], 0),
    // When every run collapsed, the best of all; the earliest on a tie.
    ([(-3.0, true), (-1, true), (-2, true)], 1),
    ([(-1.0, true), (-1, true)], 0),
  ] as [([(Double, Bool)], Int)])
  func chooseKeepsTheHighestLikelihoodAmongSoundRunsAndTheEarliestOnATie(runs: [(Double, Bool)], expected: Int) {
    #expect(RestartedFit.choose(runs.map { Self.run($0.0, collapsed: $0.1) }) == expected)
  }

  @Test(arguments: [-2_000.0, -3.5, -0.25, 0, 0.5, 4_321])
  func likelihoodsWithinTheTieToleranceOfTheHighestAreTiesAndTheEarliestIsKept(highest: Double) {
    let margin = RestartedFit.tieTolerance * max(1, abs(highest))
    // The first run is clearly below, the second within the margin, the third highest.
    let runs = [highest - 3 * margin, highest - margin / 2, highest].map { Self.run($0) }
    #expect(RestartedFit.choose(runs) == 1)
    // Beyond the margin, the highest wins.
    #expect(RestartedFit.choose([Self.run(highest - 3 * margin), Self.run(highest)]) == 1)
    // A collapsed run within the margin is still no candidate.
    #expect(RestartedFit.choose([Self.run(highest, collapsed: true), Self.run(highest - margin / 2)]) == 1)
  }

  @Test func aRunWithNoEpochsCountsWithItsInitialLikelihood() {
    let empty = EMResult(
      initial: Self.mixture, initialLogLikelihood: -2, epochs: [], converged: false, sampleCount: 10)
    #expect(empty.finalLogLikelihood == -2)
    #expect(empty.lastChange == nil)
    #expect(RestartedFit.choose([Self.run(-3), empty]) == 1)
    #expect(RestartedFit.choose([Self.run(-1), empty]) == 0)
  }

  /// 300 draws from N(0, 1) and one outlier at 8.
  static func sampleWithOutlier() -> [Double] {
    var random = RandomSource(seed: 31)
    return (0..<300).map { _ in random.normal() } + [8]
  }

  /// 30 epochs: a run whose components share the bulk stays sound that long (left to
  /// run, EM pulls one of them onto the outlier after some 80 epochs).
  static let outlierOptions = EMOptions(maxEpochs: 30, regularization: 1e-6)

  @Test func aComponentOnASingleOutlierIsACollapseAndASoundRunIsPreferred() throws {
    let data = Self.sampleWithOutlier()
    let options = Self.outlierOptions
    // Run 1 puts a narrow component on the outlier: it keeps that point alone, its
    // variance falls to the regularization floor, and the spike lifts the likelihood.
    let onOutlier = try ExpectationMaximization.fit(
      data, from: GaussianMixture(weights: [0.99, 0.01], means: [0, 8], sds: [1, 0.1]), options: options)
    // Run 2 starts from the quantiles: two components sharing the bulk.
    let sound = try ExpectationMaximization.fit(data, from: Initialization.quantiles(data, components: 2), options: options)

    #expect(onOutlier.collapses == [Collapse(component: 1, epoch: 1, reason: .varianceAtFloor)])
    #expect(onOutlier.fitted.means[1].isApproximatelyEqual(to: 8, relativeTolerance: 1e-9))
    #expect(onOutlier.fitted.sds[1].isApproximatelyEqual(to: 1e-3, relativeTolerance: 1e-3))
    #expect(!sound.isCollapsed)
    #expect(sound.collapses.isEmpty)
    #expect(onOutlier.finalLogLikelihood > sound.finalLogLikelihood + 10)

    #expect(RestartedFit.choose([onOutlier, sound]) == 1)
    #expect(RestartedFit.choose([sound, onOutlier]) == 0)
    #expect(RestartedFit.choose([onOutlier, onOutlier]) == 0)
  }
}

/// Fits over a range of `K`, with restarts, and the choice of `K` by BIC or AIC.
@Suite struct ModelSelectionTests {
  static let options = EMOptions(maxEpochs: 100, tolerance: 1e-7, regularization: 1e-6)

  /// The invariants every selection must satisfy.
  static func checkSelection(
    _ selection: ModelSelection, data: [Double], components: ClosedRange<Int>, restarts: Int,
    criterion: InformationCriterion, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let n = Double(data.count)
    #expect(selection.criterion == criterion, sourceLocation: sourceLocation)
    #expect(selection.fits.map(\.components) == Array(components), sourceLocation: sourceLocation)
    #expect(selection.best == selection.fits[selection.chosen], sourceLocation: sourceLocation)
    for fit in selection.fits {
      let k = fit.components
      // K = 1 is its closed form: one start, one epoch.
      #expect(fit.runs.count == (k == 1 ? 1 : restarts), "K = \(k)", sourceLocation: sourceLocation)
      if k == 1 { #expect(fit.runs[0].epochs.count == 1 && fit.runs[0].converged, sourceLocation: sourceLocation) }
      #expect(fit.chosen == RestartedFit.choose(fit.runs), "K = \(k)", sourceLocation: sourceLocation)
      #expect(fit.best == fit.runs[fit.chosen], "K = \(k)", sourceLocation: sourceLocation)
      for run in fit.runs {
        #expect(run.fitted.componentCount == k, sourceLocation: sourceLocation)
        #expect(run.sampleCount == data.count, sourceLocation: sourceLocation)
        let p = Double(3 * k - 1)
        let logLikelihood = run.finalLogLikelihood
        #expect(run.bic.isApproximatelyEqual(to: p * log(n) - 2 * logLikelihood, relativeTolerance: 1e-14), "K = \(k)", sourceLocation: sourceLocation)
        #expect(run.aic.isApproximatelyEqual(to: 2 * p - 2 * logLikelihood, relativeTolerance: 1e-14), "K = \(k)", sourceLocation: sourceLocation)
        #expect(InformationCriterion.bic.value(run) == run.bic, sourceLocation: sourceLocation)
        #expect(InformationCriterion.aic.value(run) == run.aic, sourceLocation: sourceLocation)
      }
    }
    // The chosen K: the lowest criterion among the sound fits (all when none is sound),
    // the smallest K on a tie.
    let sound = selection.fits.indices.filter { !selection.fits[$0].best.isCollapsed }
    let candidates = sound.isEmpty ? Array(selection.fits.indices) : sound
    let values = candidates.map { criterion.value(selection.fits[$0].best) }
    let lowest = values.min()!
    let expected = candidates[values.firstIndex(of: lowest)!]
    #expect(selection.chosen == expected, "criteria \(selection.fits.map { criterion.value($0.best) })", sourceLocation: sourceLocation)
  }

  @Test func bicChoosesThreeComponentsForAWellSeparatedThreeClusterSample() throws {
    let sample = SeparatedSample(counts: [100, 100, 100])
    let selection = try ModelSelection.fit(
      sample.data, components: 1...6, start: .kMeansPlusPlus, restarts: 5, seed: 2024, options: Self.options)
    Self.checkSelection(selection, data: sample.data, components: 1...6, restarts: 5, criterion: .bic)
    #expect(selection.best.components == 3)
    let fitted = selection.best.best.fitted
    #expect(!selection.best.best.isCollapsed)
    for j in 0..<3 {
      #expect(abs(fitted.means[j] - SeparatedSample.centres[j]) < 0.3, "component \(j): \(fitted.means)")
      #expect(abs(fitted.weights[j] - 1.0 / 3) < 0.01, "component \(j): \(fitted.weights)")
      #expect(abs(fitted.sds[j] - 1) < 0.2, "component \(j): \(fitted.sds)")
    }
  }

  @Test(arguments: [(StartMethod.kMeansPlusPlus, 1...6), (.random, 1...4), (.quantiles, 2...5)] as [(StartMethod, ClosedRange<Int>)])
  func theCriterionOnlyChangesWhichKIsChosenAndAICNeverChoosesFewerComponents(
    start: StartMethod, components: ClosedRange<Int>
  ) throws {
    let data = SeparatedSample(counts: [100, 100, 100]).data
    let bic = try ModelSelection.fit(data, components: components, start: start, restarts: 3, seed: 5, options: Self.options)
    let aic = try ModelSelection.fit(
      data, components: components, start: start, restarts: 3, seed: 5, options: Self.options, criterion: .aic)
    #expect(bic.criterion == .bic)
    #expect(aic.criterion == .aic)
    #expect(bic.fits == aic.fits)
    Self.checkSelection(bic, data: data, components: components, restarts: 3, criterion: .bic)
    Self.checkSelection(aic, data: data, components: components, restarts: 3, criterion: .aic)
    // AIC's penalty per parameter, 2, is below BIC's, ln n, so from the same fits AIC
    // never prefers fewer components.
    #expect(aic.best.components >= bic.best.components)
    #expect(!aic.best.best.isCollapsed)
  }

  @Test(arguments: [StartMethod.kMeansPlusPlus, .random, .quantiles])
  func sameSeedGivesIdenticalSelections(start: StartMethod) throws {
    let data = SeparatedSample(seed: 8).data
    let first = try ModelSelection.fit(data, components: 1...4, start: start, restarts: 3, seed: 99, options: Self.options)
    let second = try ModelSelection.fit(data, components: 1...4, start: start, restarts: 3, seed: 99, options: Self.options)
    #expect(first == second)
    Self.checkSelection(first, data: data, components: 1...4, restarts: 3, criterion: .bic)
    if start.isRandom {
      let other = try ModelSelection.fit(data, components: 1...4, start: start, restarts: 3, seed: 100, options: Self.options)
      #expect(other.fits.map(\.runs) != first.fits.map(\.runs))
    } else {
      // A start that does not draw gives every restart the same run; the first is kept.
      for fit in first.fits {
        #expect(fit.runs.allSatisfy { $0 == fit.runs[0] })
        #expect(fit.chosen == 0)
      }
    }
  }

  @Test(arguments: [StartMethod.kMeansPlusPlus, .random])
  func restartRIsReproducedFromTheSeedKAndRAlone(start: StartMethod) throws {
    let data = SeparatedSample(seed: 12).data
    let seed: UInt64 = 4242
    let selection = try ModelSelection.fit(data, components: 2...4, start: start, restarts: 4, seed: seed, options: Self.options)
    for fit in selection.fits {
      for r in 1...4 {
        var random = RandomSource(seed: seed, stream: r)
        let initial = try start.start(data, components: fit.components, random: &random, regularization: Self.options.regularization)
        let run = try ExpectationMaximization.fit(data, from: initial, options: Self.options)
        #expect(fit.runs[r - 1] == run, "K = \(fit.components), start \(r)")
      }
      if start == .random {
        // Different streams, different starts (k-means++ starts on this clustered sample
        // all reach the same partition).
        #expect(Set(fit.runs.map { $0.initial.means }).count == 4, "K = \(fit.components)")
      }
    }
  }

  @Test(arguments: [StartMethod.kMeansPlusPlus, .random, .quantiles])
  func oneComponentReachesTheSampleMeanAndSdInOneEpoch(start: StartMethod) throws {
    var random = RandomSource(seed: 61)
    let data = (0..<250).map { _ in random.normal(mean: 1e3, sd: 7) }
    let selection = try ModelSelection.fit(
      data, components: 1...1, start: start, restarts: 2, seed: 3, options: EMOptions(maxEpochs: 1))
    Self.checkSelection(selection, data: data, components: 1...1, restarts: 2, criterion: .bic)
    let fitted = selection.best.best.fitted
    #expect(fitted.weights == [1])
    #expect(fitted.means[0].isApproximatelyEqual(to: Statistics.mean(data), relativeTolerance: 1e-13))
    #expect(fitted.sds[0].isApproximatelyEqual(to: Statistics.standardDeviation(data), relativeTolerance: 1e-12))
    #expect(!selection.best.best.isCollapsed)
  }

  @Test func aSoundRestartIsKeptOverCollapsedOnesWithHigherLikelihood() throws {
    let data = RestartChoiceTests.sampleWithOutlier()
    let options = RestartChoiceTests.outlierOptions
    // A seed whose K = 2 restarts include both a collapse onto the outlier and a sound run
    // (k-means++ draws the outlier as a centre about once in seven starts).
    var found: ModelSelection?
    for seed: UInt64 in 0..<64 {
      let selection = try ModelSelection.fit(
        data, components: 1...2, start: .kMeansPlusPlus, restarts: 4, seed: seed, options: options)
      let runs = selection.fits[1].runs
      if runs.contains(where: \.isCollapsed) && runs.contains(where: { !$0.isCollapsed }) {
        found = selection
        break
      }
    }
    let selection = try #require(found)
    Self.checkSelection(selection, data: data, components: 1...2, restarts: 4, criterion: .bic)
    let two = selection.fits[1]
    #expect(!two.best.isCollapsed)
    let collapsed = two.runs.filter(\.isCollapsed)
    #expect(collapsed.allSatisfy { $0.finalLogLikelihood > two.best.finalLogLikelihood })
    #expect(collapsed.allSatisfy { $0.collapses.contains { $0.reason == .varianceAtFloor } })
  }

  @Test func aSoundKIsChosenOverACollapsedKWithALowerCriterion() throws {
    let data = RestartChoiceTests.sampleWithOutlier()
    let options = RestartChoiceTests.outlierOptions
    // A seed whose single K = 2 start puts a centre on the outlier.
    var found: ModelSelection?
    for seed: UInt64 in 0..<64 {
      let selection = try ModelSelection.fit(
        data, components: 1...2, start: .kMeansPlusPlus, restarts: 1, seed: seed, options: options)
      if selection.fits[1].best.isCollapsed {
        found = selection
        break
      }
    }
    let selection = try #require(found)
    Self.checkSelection(selection, data: data, components: 1...2, restarts: 1, criterion: .bic)
    #expect(selection.fits[1].best.bic < selection.fits[0].best.bic)
    #expect(selection.chosen == 0)
    #expect(selection.best.components == 1)
  }

  @Test func whenEveryKCollapsedTheLowestCriterionOfAllIsChosen() throws {
    // Four values, each three times: with 3 or 4 components some component sits on a
    // single value.
    let data = [0.0, 10, 20, 30, 0, 10, 20, 30, 0, 10, 20, 30]
    let selection = try ModelSelection.fit(data, components: 3...4, start: .kMeansPlusPlus, restarts: 2, seed: 1, options: Self.options)
    try #require(selection.fits.allSatisfy { $0.best.isCollapsed })
    Self.checkSelection(selection, data: data, components: 3...4, restarts: 2, criterion: .bic)
  }
}

/// A run that cannot be made is reported with its `K` and start number.
@Suite struct ModelSelectionErrorTests {
  static let options = EMOptions(maxEpochs: 10, regularization: 1e-6)

  static func error(
    _ data: [Double], components: ClosedRange<Int>, start: StartMethod, options: EMOptions = options
  ) -> MixtureError? {
    do {
      _ = try ModelSelection.fit(data, components: components, start: start, restarts: 3, seed: 1, options: options)
      return nil
    } catch {
      return error
    }
  }

  @Test(arguments: [StartMethod.kMeansPlusPlus, .random, .quantiles])
  func allValuesEqualIsAClearError(start: StartMethod) {
    let error = Self.error([2.5, 2.5, 2.5, 2.5, 2.5], components: 3...3, start: start)
    #expect(error == .inRun(components: 3, restart: 1, .invalidData("all 5 data values are equal, so there is nothing to fit")))
    #expect(error?.description == "K = 3, start 1: all 5 data values are equal, so there is nothing to fit")
    #expect(
      Self.error([2.5, 2.5], components: 1...2, start: start)?.description
        == "K = 1, start 1: all 2 data values are equal, so there is nothing to fit")
  }

  @Test(arguments: [StartMethod.kMeansPlusPlus, .random])
  func fewerDistinctValuesThanComponentsIsAClearError(start: StartMethod) {
    let error = Self.error([1, 1, 1, 2, 2], components: 1...3, start: start)
    let message = "the data has only 2 distinct values, fewer than the 3 components; use at most 2 components"
    #expect(error == .inRun(components: 3, restart: 1, .invalidData(message)))
    #expect(error?.description == "K = 3, start 1: " + message)
  }

  @Test func quantilesFitsFewerDistinctValuesThanComponents() throws {
    let data = [1.0, 1, 1, 2, 2]
    let selection = try ModelSelection.fit(data, components: 1...3, start: .quantiles, restarts: 1, seed: 1, options: Self.options)
    ModelSelectionTests.checkSelection(selection, data: data, components: 1...3, restarts: 1, criterion: .bic)
    for fit in selection.fits {
      #expect(fit.best.epochs.allSatisfy { $0.logLikelihood.isFinite })
    }
  }

  @Test(arguments: [StartMethod.kMeansPlusPlus, .random, .quantiles])
  func moreComponentsThanPointsIsAClearError(start: StartMethod) {
    let error = Self.error([1, 2], components: 1...3, start: start)
    #expect(error == .inRun(components: 3, restart: 1, .invalidData("3 components need at least 3 data points, got 2")))
    #expect(error?.description == "K = 3, start 1: 3 components need at least 3 data points, got 2")
  }

  @Test func aFixedStartOfAnotherKIsAClearError() {
    let start = GaussianMixture(unchecked: [0.5, 0.5], [0, 1], [1, 1])
    let error = Self.error([0, 1, 2, 3], components: 1...2, start: .fixed(start))
    #expect(error == .inRun(components: 1, restart: 1, .invalidParameters("the given start has 2 components, not 1")))
    #expect(error?.description == "K = 1, start 1: the given start has 2 components, not 1")
  }

  @Test func emBreakingDownIsReportedWithItsRun() {
    // The second component sits a million sds away and nothing regularizes it.
    let start = GaussianMixture(unchecked: [0.5, 0.5], [0, 1e6], [1, 1])
    let error = Self.error([0, 1, 2, 3], components: 2...2, start: .fixed(start), options: EMOptions())
    let inner = MixtureError.degenerate(component: 1, epoch: 1, detail: "no point has any responsibility for it")
    #expect(error == .inRun(components: 2, restart: 1, inner))
    #expect(error?.description == "K = 2, start 1: " + inner.description)
  }
}
