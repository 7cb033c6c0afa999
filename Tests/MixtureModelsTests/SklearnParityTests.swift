import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// `Tests/Fixtures/sklearn-em.json`, written by `scripts/make_sklearn_reference.py`:
/// `sklearn.mixture.GaussianMixture` runs from explicit starts, decoded into plain values.
struct SklearnReference: Sendable {
  /// One scikit-learn fit: `GaussianMixture(n_components: components, covariance_type="full",
  /// tol=0, reg_covar: regularization, max_iter: iterations, n_init=1)` from `start`.
  struct Case: Sendable {
    var name: String
    var data: String
    var column: String
    var components: Int
    var iterations: Int
    var regularization: Double
    var startWeights: [Double]
    var startMeans: [Double]
    var startSDs: [Double]
    /// sklearn's `lower_bounds_`: mean log-likelihood per sample, one per iteration,
    /// each at the parameters *before* that iteration's M-step.
    var lowerBounds: [Double]
    var finalWeights: [Double]
    var finalMeans: [Double]
    /// sklearn's `covariances_`, flattened: the fitted variances.
    var finalVariances: [Double]

    /// The case's data column.
    func sample() throws -> [Double] {
      try Fixtures.csvColumn(data, column: column)
    }

    /// The case's starting mixture.
    func start() throws -> GaussianMixture {
      try GaussianMixture(weights: startWeights, means: startMeans, sds: startSDs)
    }
  }

  var cases: [Case]
  var versions: [String: String]

  /// The fixture, parsed once per test process. `Fixtures.json` re-reads 17-digit numbers
  /// exactly (Linux `JSONSerialization` alone would be several ulps off).
  private static let shared = Result { try SklearnReference(json: Fixtures.json("sklearn-em.json")) }

  /// The parsed fixture.
  /// - Throws: The read or schema error, for every caller, when the fixture is unusable.
  static func load() throws -> SklearnReference { try shared.get() }

  /// The case called `name`.
  static func named(_ name: String) throws -> Case {
    guard let found = try load().cases.first(where: { $0.name == name }) else {
      throw SchemaError(description: "sklearn-em.json has no case \(name)")
    }
    return found
  }

  /// The names of all cases, for parameterized tests (empty when the fixture is unusable,
  /// which `fixtureCoversTwoThreeAndFiveComponentsOnSeveralDatasets` then reports).
  static var caseNames: [String] { (try? load().cases.map(\.name)) ?? [] }

  init(json: Any) throws {
    let root = try FixtureSchema.object(json, "root")
    versions = try FixtureSchema.object(root["versions"], "versions").mapValues { try FixtureSchema.string($0, "version") }
    cases = try FixtureSchema.array(root["em"], "em").map { item in
      let o = try FixtureSchema.object(item, "case")
      let start = try FixtureSchema.object(o["start"], "start")
      let final = try FixtureSchema.object(o["final"], "final")
      return Case(
        name: try FixtureSchema.string(o["name"], "name"), data: try FixtureSchema.string(o["data"], "data"),
        column: try FixtureSchema.string(o["column"], "column"),
        components: Int(try FixtureSchema.number(o["components"], "components")),
        iterations: Int(try FixtureSchema.number(o["iterations"], "iterations")),
        regularization: try FixtureSchema.number(o["regularization"], "regularization"),
        startWeights: try FixtureSchema.numbers(start["weights"], "start.weights"),
        startMeans: try FixtureSchema.numbers(start["means"], "start.means"),
        startSDs: try FixtureSchema.numbers(start["sds"], "start.sds"),
        lowerBounds: try FixtureSchema.numbers(o["lowerBounds"], "lowerBounds"),
        finalWeights: try FixtureSchema.numbers(final["weights"], "final.weights"),
        finalMeans: try FixtureSchema.numbers(final["means"], "final.means"),
        finalVariances: try FixtureSchema.numbers(final["variances"], "final.variances"))
    }
  }

}

/// EM against scikit-learn itself: with the same explicit start, `tol=0`, the same
/// `reg_covar` and the same number of iterations, the trajectory and the fit agree.
@Suite struct SklearnParityTests {
  /// The agreement required with scikit-learn, relative. (The script checks every
  /// fixture value against an extended-precision run to 1e-12, so this is not rounding.)
  static let tolerance = 1e-9

  @Test(arguments: SklearnReference.caseNames)
  func fitMatchesScikitLearnLowerBoundsAndParameters(caseName: String) throws {
    let reference = try SklearnReference.named(caseName)
    let data = try reference.sample()
    let n = Double(data.count)
    let start = try reference.start()
    let options = EMOptions(maxEpochs: reference.iterations, tolerance: 0, regularization: reference.regularization)

    let result = try ExpectationMaximization.fit(data, from: start, options: options)

    // Tolerance 0 runs every epoch, as sklearn's tol=0 runs every iteration.
    try #require(result.epochs.count == reference.iterations)
    try #require(reference.lowerBounds.count == reference.iterations)

    // The log-likelihoods are shifted by one epoch. sklearn's iteration i (1-based) runs
    // its E-step, then its M-step, and appends the mean log-likelihood from that E-step,
    // i.e. at the parameters BEFORE iteration i's M-step. Our epoch i records the total at
    // the parameters AFTER its M-step. So, 0-based, lower_bounds_[0] = initialLogLikelihood / n
    // and lower_bounds_[i] = epochs[i − 1].logLikelihood / n for i ≥ 1; the log-likelihood
    // after sklearn's last M-step (our last epoch's) is not in lower_bounds_ at all.
    let ours = ([result.initialLogLikelihood] + result.epochs.dropLast().map(\.logLikelihood)).map { $0 / n }
    let logLikelihoodError = maxRelativeError(ours, reference.lowerBounds)
    #expect(logLikelihoodError <= Self.tolerance, "log-likelihoods: max relative error \(logLikelihoodError)")
    for (index, (mine, theirs)) in zip(ours, reference.lowerBounds).enumerated() {
      #expect(
        mine.isApproximatelyEqual(to: theirs, relativeTolerance: Self.tolerance),
        "lower_bounds_[\(index)]: ours \(mine), sklearn \(theirs)")
    }

    // The parameters after the last M-step are sklearn's weights_, means_, covariances_.
    let fitted = result.fitted
    #expect(fitted.componentCount == reference.components)
    let weightError = maxRelativeError(fitted.weights, reference.finalWeights)
    let meanError = maxRelativeError(fitted.means, reference.finalMeans)
    let varianceError = maxRelativeError(fitted.sds.map { $0 * $0 }, reference.finalVariances)
    #expect(weightError <= Self.tolerance, "weights: max relative error \(weightError)")
    #expect(meanError <= Self.tolerance, "means: max relative error \(meanError)")
    #expect(varianceError <= Self.tolerance, "variances: max relative error \(varianceError)")
  }

  /// The fixture cannot silently shrink: K = 2, 3 and 5 each on at least two datasets,
  /// with a regularized and an unregularized case, and every case internally consistent.
  @Test func fixtureCoversTwoThreeAndFiveComponentsOnSeveralDatasets() throws {
    let reference = try SklearnReference.load()
    for k in [2, 3, 5] {
      let datasets = Set(reference.cases.filter { $0.components == k }.map(\.data))
      #expect(datasets.count >= 2, "K = \(k) is fitted on \(datasets.sorted())")
    }
    #expect(reference.cases.contains { $0.regularization == 0 })
    #expect(reference.cases.contains { $0.regularization > 0 })
    #expect(reference.cases.contains { Set($0.startWeights).count > 1 && Set($0.startSDs).count > 1 })
    #expect(Set(reference.cases.map(\.name)).count == reference.cases.count, "case names are unique")
    #expect(reference.versions["sklearn"] != nil)
    for c in reference.cases {
      #expect(c.iterations >= 1)
      #expect(c.lowerBounds.count == c.iterations, "\(c.name)")
      for parameters in [c.startWeights, c.startMeans, c.startSDs, c.finalWeights, c.finalMeans, c.finalVariances] {
        #expect(parameters.count == c.components, "\(c.name)")
      }
    }
  }
}
