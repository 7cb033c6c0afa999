import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// `Tests/Fixtures/sklearn-selection.json`, written by `selection_main` in
/// `scripts/make_sklearn_reference.py`: scikit-learn's own model selection, decoded into
/// plain values.
struct SklearnSelectionReference: Sendable {
  /// `GaussianMixture(n_components: components, covariance_type="full", n_init=30,
  /// tol=1e-10, max_iter=2000, reg_covar=1e-6, random_state=0).fit(X)`.
  struct Fit: Sendable {
    var components: Int
    /// `score(X) · n`: the total log-likelihood.
    var logLikelihood: Double
    var bic: Double
    var aic: Double
    /// `n_iter_` of sklearn's best start.
    var iterations: Int
    var converged: Bool
    /// `weights_`, `means_`, `covariances_` (variances), sorted by mean.
    var weights: [Double]
    var means: [Double]
    var variances: [Double]
  }

  /// One dataset's fits for K = 1…6 and the K with the lowest BIC.
  struct Dataset: Sendable {
    var name: String
    var data: String
    var column: String
    var n: Int
    var fits: [Fit]
    var bicChoice: Int

    /// The dataset's column.
    func sample() throws -> [Double] { try Fixtures.csvColumn(data, column: column) }

    /// The fit for `k` components.
    func fit(_ k: Int) throws -> Fit {
      guard let found = fits.first(where: { $0.components == k }) else {
        throw SchemaError(description: "sklearn-selection.json has no K = \(k) for \(name)")
      }
      return found
    }
  }

  var datasets: [Dataset]
  var versions: [String: String]
  var tolerance: Double
  var maxIterations: Int
  var regularization: Double
  var initializations: Int

  /// The fixture, parsed once per test process (with `Fixtures.json`, so every 17-digit
  /// number is the nearest double).
  private static let shared = Result { try SklearnSelectionReference(json: Fixtures.json("sklearn-selection.json")) }

  /// The parsed fixture.
  /// - Throws: The read or schema error, for every caller, when the fixture is unusable.
  static func load() throws -> SklearnSelectionReference { try shared.get() }

  /// The dataset called `name`.
  static func dataset(_ name: String) throws -> Dataset {
    guard let found = try load().datasets.first(where: { $0.name == name }) else {
      throw SchemaError(description: "sklearn-selection.json has no dataset \(name)")
    }
    return found
  }

  init(json: Any) throws {
    let root = try FixtureSchema.object(json, "root")
    versions = try FixtureSchema.object(root["versions"], "versions").mapValues { try FixtureSchema.string($0, "version") }
    let settings = try FixtureSchema.object(root["settings"], "settings")
    tolerance = try FixtureSchema.number(settings["tol"], "tol")
    maxIterations = Int(try FixtureSchema.number(settings["max_iter"], "max_iter"))
    regularization = try FixtureSchema.number(settings["reg_covar"], "reg_covar")
    initializations = Int(try FixtureSchema.number(settings["n_init"], "n_init"))
    datasets = try FixtureSchema.array(root["selection"], "selection").map { item in
      let o = try FixtureSchema.object(item, "dataset")
      return Dataset(
        name: try FixtureSchema.string(o["name"], "name"), data: try FixtureSchema.string(o["data"], "data"),
        column: try FixtureSchema.string(o["column"], "column"), n: Int(try FixtureSchema.number(o["n"], "n")),
        fits: try FixtureSchema.array(o["fits"], "fits").map { item in
          let f = try FixtureSchema.object(item, "fit")
          return Fit(
            components: Int(try FixtureSchema.number(f["components"], "components")),
            logLikelihood: try FixtureSchema.number(f["logLikelihood"], "logLikelihood"),
            bic: try FixtureSchema.number(f["bic"], "bic"), aic: try FixtureSchema.number(f["aic"], "aic"),
            iterations: Int(try FixtureSchema.number(f["iterations"], "iterations")),
            converged: try FixtureSchema.bool(f["converged"], "converged"),
            weights: try FixtureSchema.numbers(f["weights"], "weights"), means: try FixtureSchema.numbers(f["means"], "means"),
            variances: try FixtureSchema.numbers(f["variances"], "variances"))
        },
        bicChoice: Int(try FixtureSchema.number(o["bicChoice"], "bicChoice")))
    }
  }

}

/// Model selection against scikit-learn's: `ModelSelection.fit` with k-means++ restarts
/// and sklearn's `GaussianMixture(n_init=30)` (its own k-means starts) with the same
/// `tol`, `max_iter` and `reg_covar` reach the same optima, so the log-likelihood, BIC
/// and AIC of each K agree and BIC chooses the same K.
///
/// The starts differ (ours are k-means++ from our random streams, sklearn's k-means from
/// `random_state=0`), so the runs agree only where both find the same local optimum.
/// Measured (debug, Linux, sklearn 1.9.1), max relative error of LL / BIC / AIC:
/// galaxies K = 1…6 ≤ 1.0e-11 (K = 1…3 ≤ 1.5e-16); iris K = 1…3 ≤ 1.2e-10 (K = 3 stops
/// after ~1350 slow epochs, so the 1e-10 tolerance leaves the last digits), iris K = 4
/// (sklearn's optimum, reached by stream 1) 7.5e-11, iris K = 5 and 6 (sklearn's spikes,
/// reached by collapsed runs) ≤ 6.7e-11.
@Suite struct SklearnSelectionTests {
  /// The fixture's `tol=1e-10, max_iter=2000, reg_covar=1e-6`.
  static let options = EMOptions(maxEpochs: 2000, tolerance: 1e-10, regularization: 1e-6)
  /// LL, BIC and AIC agreement required, relative. Both stop when the mean log-likelihood
  /// changes by less than 1e-10 per epoch, on slowly converging optima at different
  /// distances from the limit, so agreement is ~1e-10, not rounding.
  static let tolerance = 1e-7
  /// Parameter agreement required, relative (weights, means, variances sorted by mean). The
  /// likelihood is flat at an optimum, so where it agrees to ~1e-11 the parameters agree
  /// far less closely (roughly its square root): measured ≤ 3e-8 for galaxies K ≤ 3 and iris K ≤ 2, but
  /// 2.2e-5 for iris K = 3 and up to 1.1e-4 (a variance) for galaxies K = 4…6.
  static let parameterTolerance = 1e-3

  /// Expects our kept run for `fit.components` to be sklearn's optimum.
  static func expectAgreement(_ fit: RestartedFit, _ reference: SklearnSelectionReference.Fit, _ dataset: String) {
    let best = fit.best
    let k = fit.components
    #expect(k == reference.components)
    #expect(!best.isCollapsed, "\(dataset) K = \(k): the kept run is sound")
    let llError = maxRelativeError([best.finalLogLikelihood], [reference.logLikelihood])
    let bicError = maxRelativeError([best.bic], [reference.bic])
    let aicError = maxRelativeError([best.aic], [reference.aic])
    #expect(
      llError <= tolerance,
      "\(dataset) K = \(k): LL ours \(best.finalLogLikelihood), sklearn \(reference.logLikelihood) (relative \(llError))")
    #expect(bicError <= tolerance, "\(dataset) K = \(k): BIC ours \(best.bic), sklearn \(reference.bic) (relative \(bicError))")
    #expect(aicError <= tolerance, "\(dataset) K = \(k): AIC ours \(best.aic), sklearn \(reference.aic) (relative \(aicError))")

    let fitted = best.fitted
    let order = fitted.means.indices.sorted { fitted.means[$0] < fitted.means[$1] }
    let weightError = maxRelativeError(order.map { fitted.weights[$0] }, reference.weights)
    let meanError = maxRelativeError(order.map { fitted.means[$0] }, reference.means)
    let varianceError = maxRelativeError(order.map { fitted.sds[$0] * fitted.sds[$0] }, reference.variances)
    #expect(weightError <= parameterTolerance, "\(dataset) K = \(k): weights, relative \(weightError)")
    #expect(meanError <= parameterTolerance, "\(dataset) K = \(k): means, relative \(meanError)")
    #expect(varianceError <= parameterTolerance, "\(dataset) K = \(k): variances, relative \(varianceError)")
  }

  /// Whether the run ended at `logLikelihood` within ``tolerance``.
  static func reaches(_ run: EMResult, _ logLikelihood: Double) -> Bool {
    run.finalLogLikelihood.isApproximatelyEqual(to: logLikelihood, relativeTolerance: tolerance)
  }

  /// Galaxies with examples/galaxies.json's 10 restarts and seed 1990: every K's kept run
  /// is sklearn's optimum, and BIC chooses K = 3 as sklearn's does.
  ///
  /// Pinned to these restarts and this seed: with others the runs can find other optima.
  /// K = 5 is reached by only one of the 10 streams. At K = 4 sklearn's best of 30 starts is
  /// not the highest optimum: -765.494 (a component on the two galaxies near 16127 km/s,
  /// sound by our rule, a fixed point of sklearn's EM too, found by sklearn with
  /// random_state=1) beats the recorded -768.597; these 10 streams miss it as sklearn did,
  /// and streams 11–20 find it. Either way K = 4's BIC (1585.7 or 1579.5) loses to K = 3's
  /// 1574.48, so the choice is unaffected.
  @Test func galaxiesMatchesScikitLearnForEveryKWithTheExampleRestartsAndSeed() throws {
    let reference = try SklearnSelectionReference.dataset("galaxies")
    let data = try reference.sample()
    try #require(data.count == reference.n)

    let selection = try ModelSelection.fit(
      data, components: 1...6, start: .kMeansPlusPlus, restarts: 10, seed: 1990, options: Self.options, criterion: .bic)

    try #require(selection.fits.map(\.components) == Array(1...6))
    for fit in selection.fits {
      Self.expectAgreement(fit, try reference.fit(fit.components), "galaxies")
    }
    #expect(reference.bicChoice == 3)
    #expect(selection.best.components == reference.bicChoice)
  }

  /// Iris petal lengths, K = 1…3: every one of the 10 restarts reaches sklearn's optimum,
  /// so the agreement does not hang on the seed; BIC chooses K = 2 among them.
  ///
  /// K = 4…6 are tested separately below, and not through one `ModelSelection.fit` over
  /// 1…6: iris's K ≥ 3 runs take hundreds to 2000 slow epochs, and 10 restarts of all six K
  /// take ~4.5 s in debug.
  @Test func irisMatchesScikitLearnForOneToThreeComponents() throws {
    let reference = try SklearnSelectionReference.dataset("iris")
    let data = try reference.sample()
    try #require(data.count == reference.n)

    let selection = try ModelSelection.fit(
      data, components: 1...3, start: .kMeansPlusPlus, restarts: 10, seed: 1990, options: Self.options, criterion: .bic)

    for fit in selection.fits {
      let sklearn = try reference.fit(fit.components)
      Self.expectAgreement(fit, sklearn, "iris")
      #expect(fit.runs.allSatisfy { Self.reaches($0, sklearn.logLikelihood) }, "iris K = \(fit.components): every start")
    }
    // sklearn's BIC among the K without a spike (1…4, see below) also chooses K = 2.
    let soundReference = reference.fits.filter { $0.components <= 4 }
    #expect(soundReference.min { $0.bic < $1.bic }?.components == 2)
    #expect(selection.best.components == 2)
  }

  /// Iris, K = 4: sklearn's best of 30 starts (-199.4732) is a local optimum that one of our
  /// starts reaches, but not the highest: another start finds -198.4690 (the short petals
  /// split into a narrow and a wide component, no spike; sklearn finds it with n_init=100,
  /// and it is a fixed point of sklearn's EM). So our kept run is *better* than sklearn's
  /// and only the shared optimum is compared. 3 restarts suffice (stream 1 reaches
  /// sklearn's optimum, stream 3 the higher one) and keep the test near 0.5 s in debug.
  @Test func irisFourComponentsReachesScikitLearnsOptimumAndAHigherOne() throws {
    let reference = try SklearnSelectionReference.dataset("iris")
    let sklearn = try reference.fit(4)
    let data = try reference.sample()

    let fit = try ModelSelection.fit(
      data, components: 4...4, start: .kMeansPlusPlus, restarts: 3, seed: 1990, options: Self.options, criterion: .bic
    ).fits[0]

    let shared = try #require(fit.runs.first { Self.reaches($0, sklearn.logLikelihood) }, "no start reaches sklearn's optimum")
    #expect(maxRelativeError([shared.bic], [sklearn.bic]) <= Self.tolerance)
    #expect(maxRelativeError([shared.aic], [sklearn.aic]) <= Self.tolerance)
    #expect(!fit.best.isCollapsed)
    #expect(fit.best.finalLogLikelihood > sklearn.logLikelihood + 0.5, "the higher optimum, -198.469")
    // Still no competitor for K = 2 (BIC 426.2).
    #expect(try fit.best.bic > reference.fit(2).bic)
  }

  /// Iris, K = 5 and 6: sklearn's optimum is a spike. The petal lengths are rounded to
  /// 0.1, and sklearn puts a component on the 8 repeated values 5.1 (and at K = 6 another
  /// on 5.6) with variance exactly `reg_covar` (zero spread), which raises the likelihood by
  /// ~30 without describing the data. Our highest run, over all restarts, is that same
  /// spike; but `RestartedFit.choose` keeps only runs without a collapsed component
  /// (variance ≤ max(reg, 1e-12·Var(data)) or weight < 1/n) and `ModelSelection` skips a K
  /// whose kept run collapsed. sklearn has no such rule, which is why its BIC chooses K = 6
  /// (BIC 381.2, the spikes) and ours K = 2. The difference is by design, so for these K
  /// only the spike's likelihood is compared, not the kept run. 8 restarts are the fewest
  /// that reach both spikes from seed 1990 (K = 5: streams 7, 8; K = 6: stream 8).
  @Test func irisFiveAndSixComponentsScikitLearnsOptimumIsASpikeOurCollapsedRunsReach() throws {
    let reference = try SklearnSelectionReference.dataset("iris")
    let regCovar = try SklearnSelectionReference.load().regularization
    let data = try reference.sample()
    let floor = max(Self.options.regularization, Collapse.relativeFloor * Statistics.variance(data, ddof: 0))

    let selection = try ModelSelection.fit(
      data, components: 5...6, start: .kMeansPlusPlus, restarts: 8, seed: 1990, options: Self.options, criterion: .bic)

    for fit in selection.fits {
      let k = fit.components
      let sklearn = try reference.fit(k)
      // sklearn's fit is a spike: some variance minus reg_covar (the spread) is at our floor.
      let smallestSpread = try #require(sklearn.variances.min()) - regCovar
      #expect(smallestSpread <= floor, "iris K = \(k): sklearn's smallest spread \(smallestSpread)")

      let highest = try #require(fit.runs.max { $0.finalLogLikelihood < $1.finalLogLikelihood })
      #expect(Self.reaches(highest, sklearn.logLikelihood), "iris K = \(k): our highest \(highest.finalLogLikelihood)")
      #expect(maxRelativeError([highest.bic], [sklearn.bic]) <= Self.tolerance)
      #expect(maxRelativeError([highest.aic], [sklearn.aic]) <= Self.tolerance)
      #expect(highest.isCollapsed, "iris K = \(k): the spike counts as collapsed")

      // The kept run is sound and far below the spike, and its BIC loses to K = 2's.
      #expect(!fit.best.isCollapsed)
      #expect(fit.best.finalLogLikelihood < sklearn.logLikelihood - 20)
      #expect(try fit.best.bic > reference.fit(2).bic)
    }
    #expect(reference.bicChoice == 6, "sklearn's BIC chooses the spikes")
  }

  /// The fixture cannot silently shrink or drift from the settings the tests use, and
  /// sklearn counts the free parameters as we do (3K − 1): its BIC and AIC follow from its
  /// log-likelihood by our formulas.
  @Test func fixtureCoversBothDatasetsForOneToSixComponentsWithTheTestsSettings() throws {
    let reference = try SklearnSelectionReference.load()
    #expect(reference.versions["sklearn"] != nil)
    #expect(reference.tolerance == Self.options.tolerance)
    #expect(reference.maxIterations == Self.options.maxEpochs)
    #expect(reference.regularization == Self.options.regularization)
    #expect(reference.initializations == 30)
    #expect(reference.datasets.map(\.name) == ["galaxies", "iris"])
    for dataset in reference.datasets {
      #expect(dataset.fits.map(\.components) == Array(1...6), "\(dataset.name)")
      #expect(dataset.bicChoice == dataset.fits.min { $0.bic < $1.bic }?.components, "\(dataset.name)")
      for fit in dataset.fits {
        let k = fit.components
        let p = Double(3 * k - 1)
        #expect(fit.converged && fit.iterations <= reference.maxIterations, "\(dataset.name) K = \(k)")
        let counts = [fit.weights.count, fit.means.count, fit.variances.count]
        #expect(counts == [Int](repeating: k, count: 3), "\(dataset.name) K = \(k)")
        #expect(fit.means == fit.means.sorted(), "\(dataset.name) K = \(k)")
        #expect(abs(fit.weights.reduce(0, +) - 1) <= 1e-12, "\(dataset.name) K = \(k)")
        #expect(fit.variances.allSatisfy { $0 >= reference.regularization }, "\(dataset.name) K = \(k)")
        let bic = p * log(Double(dataset.n)) - 2 * fit.logLikelihood
        let aic = 2 * p - 2 * fit.logLikelihood
        #expect(fit.bic.isApproximatelyEqual(to: bic, relativeTolerance: 1e-13), "\(dataset.name) K = \(k)")
        #expect(fit.aic.isApproximatelyEqual(to: aic, relativeTolerance: 1e-13), "\(dataset.name) K = \(k)")
      }
    }
  }
}
