import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// `Tests/Fixtures/missing-em.json`, written by `scripts/make_missing_reference.py`: an
/// independent plain-loop numpy implementation of EM with missing values (full and diag,
/// K = 2 and 3, d = 2 and 4, 10 % and 30 % of cells missing completely at random,
/// regularization 0 and 10⁻⁶, explicit starts, 25 epochs), and the same with nothing
/// missing, which the script checks against scikit-learn.
struct MissingReference: Sendable {
  struct Case: Sendable {
    var name: String
    var type: CovarianceType
    var regularization: Double
    var epochs: Int
    var fraction: Double
    var missingCells: Int
    var rows: [[Double]]
    var droppedRows: [Int]
    var start: MultivariateMixture
    var initialLogLikelihood: Double
    var logLikelihoods: [Double]
    var final: (weights: [Double], means: [Double], covariances: [Double])
    var comparedWithScikitLearn: Bool

    var sample: Sample {
      get throws { try Sample(columns: (0..<(rows.first?.count ?? 0)).map { j in rows.map { $0[j] } }) }
    }
  }
  var cases: [Case]

  private static let shared = Result { try MissingReference(json: Fixtures.json("missing-em.json")) }
  static func load() throws -> MissingReference { try shared.get() }
  static var caseNames: [String] { (try? load().cases.map(\.name)) ?? [] }
  static func named(_ name: String) throws -> Case {
    guard let found = try load().cases.first(where: { $0.name == name }) else { throw SchemaError(description: "no case \(name)") }
    return found
  }

  init(json: Any) throws {
    let root = try FixtureSchema.object(json, "root")
    cases = try FixtureSchema.array(root["cases"], "cases").map { item in
      let o = try FixtureSchema.object(item, "case")
      let name = try FixtureSchema.string(o["name"], "name")
      guard let type = CovarianceType(rawValue: try FixtureSchema.string(o["covariance"], "covariance")) else {
        throw SchemaError(description: "\(name): unknown covariance type")
      }
      func matrices(_ v: Any?, _ what: String) throws -> [[[Double]]] {
        try FixtureSchema.array(v, what).map { try FixtureSchema.array($0, what).map { try FixtureSchema.numbers($0, what) } }
      }
      let rows: [[Double]] = try FixtureSchema.array(o["data"], "data").map { row in
        try FixtureSchema.array(row, "row").map { $0 is NSNull ? Double.nan : try FixtureSchema.number($0, "cell") }
      }
      let start = try FixtureSchema.object(o["start"], "start")
      let final = try FixtureSchema.object(o["final"], "final")
      return Case(
        name: name, type: type, regularization: try FixtureSchema.number(o["regularization"], "regularization"),
        epochs: Int(try FixtureSchema.number(o["epochs"], "epochs")), fraction: try FixtureSchema.number(o["fraction"], "fraction"),
        missingCells: Int(try FixtureSchema.number(o["missingCells"], "missingCells")), rows: rows,
        droppedRows: try FixtureSchema.numbers(o["droppedRows"], "droppedRows").map { Int($0) },
        start: try MultivariateMixture(
          type: type, weights: try FixtureSchema.numbers(start["weights"], "weights"),
          means: try FixtureSchema.array(start["means"], "means").map { try FixtureSchema.numbers($0, "means") },
          covariances: try matrices(start["covariances"], "covariances")),
        initialLogLikelihood: try FixtureSchema.number(o["initialLogLikelihood"], "initialLogLikelihood"),
        logLikelihoods: try FixtureSchema.numbers(o["logLikelihoods"], "logLikelihoods"),
        final: (
          try FixtureSchema.numbers(final["weights"], "weights"),
          Array(try FixtureSchema.array(final["means"], "means").map { try FixtureSchema.numbers($0, "means") }.joined()),
          Array(try matrices(final["covariances"], "covariances").joined().joined())
        ),
        comparedWithScikitLearn: o["sklearn"] != nil)
    }
  }
}

@Suite struct MissingDataParityTests {
  @Test func theFixtureCoversTheIssuesGrid() throws {
    let cases = try MissingReference.load().cases
    let grid = Set(cases.filter { $0.fraction > 0 && $0.droppedRows.isEmpty }.map { "\($0.type)-\($0.start.componentCount)-\($0.start.dimension)-\($0.fraction)-\($0.regularization)" })
    #expect(grid.count == 2 * 2 * 2 * 2 * 2)
    #expect(cases.filter { $0.fraction == 0 }.allSatisfy(\.comparedWithScikitLearn) && cases.filter { $0.fraction == 0 }.count == 8)
    #expect(cases.filter { !$0.droppedRows.isEmpty }.count == 2)
  }

  /// Every case: the per-epoch observed-data log-likelihoods and the final parameters
  /// within 1e-9 relative, the rows kept and dropped as the script counted them.
  @Test(arguments: MissingReference.caseNames)
  func ourFitMatchesTheIndependentReference(name: String) throws {
    let c = try MissingReference.named(name)
    let sample = try IncompleteSample(try c.sample)
    #expect(sample.droppedRows == c.droppedRows)
    #expect(sample.missingCells == c.missingCells - c.droppedRows.count * c.start.dimension)
    #expect(sample.isComplete == (c.fraction == 0))
    let run = try MissingDataEM.fit(sample, from: c.start, options: EMOptions(maxEpochs: c.epochs, regularization: c.regularization))
    #expect(run.epochs.count == c.epochs)
    #expect(run.initialLogLikelihood.isApproximatelyEqual(to: c.initialLogLikelihood, relativeTolerance: 1e-9))
    var worst = 0.0
    for (ours, theirs) in zip(run.epochs.map(\.logLikelihood), c.logLikelihoods) { worst = max(worst, abs(ours - theirs) / abs(theirs)) }
    #expect(worst <= 1e-9, "log-likelihoods: \(worst)")
    let fitted = run.fitted
    let scale = (c.final.covariances.map(abs).max() ?? 1)
    for (ours, theirs) in zip(fitted.weights, c.final.weights) { #expect(ours.isApproximatelyEqual(to: theirs, relativeTolerance: 1e-9), "weights") }
    for (ours, theirs) in zip(fitted.flatMeans, c.final.means) { #expect(ours.isApproximatelyEqual(to: theirs, relativeTolerance: 1e-9, absoluteTolerance: 1e-12), "means") }
    for (ours, theirs) in zip(fitted.flatCovariances, c.final.covariances) {
      #expect(ours.isApproximatelyEqual(to: theirs, relativeTolerance: 1e-9, absoluteTolerance: 1e-12 * scale), "covariances: \(ours) vs \(theirs)")
    }
  }
}
