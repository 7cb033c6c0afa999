import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// `Tests/Fixtures/sklearn-em-multivariate.json`, written by
/// `scripts/make_multivariate_reference.py em`: scikit-learn's EM in d = 2, 3 and 4
/// dimensions for each covariance type, from explicit starts.
struct MultivariateReference: Sendable {
  struct Case: Sendable {
    var name: String
    var file: String
    var columns: [String]
    var type: CovarianceType
    var components: Int
    var iterations: Int
    var regularization: Double
    var start: MultivariateMixture
    var lowerBounds: [Double]
    var finalLogLikelihood: Double
    var weights: [Double]
    var means: [[Double]]
    var covariances: CovarianceParameters

    func sample() throws -> Sample {
      try Sample(columns: columns.map { try Fixtures.csvColumn(file, column: $0) })
    }
  }
  var cases: [Case]

  private static let shared = Result { try MultivariateReference(json: Fixtures.json("sklearn-em-multivariate.json")) }
  static func load() throws -> MultivariateReference { try shared.get() }
  static var caseNames: [String] { (try? load().cases.map(\.name)) ?? [] }
  static func named(_ name: String) throws -> Case {
    guard let found = try load().cases.first(where: { $0.name == name }) else {
      throw SchemaError(description: "no case \(name)")
    }
    return found
  }

  /// Covariances in scikit-learn's shape for `type`.
  static func covariances(_ value: Any?, type: CovarianceType, _ what: String) throws -> CovarianceParameters {
    func matrix(_ v: Any?) throws -> [[Double]] { try FixtureSchema.array(v, what).map { try FixtureSchema.numbers($0, what) } }
    switch type {
    case .full: return .full(try FixtureSchema.array(value, what).map(matrix))
    case .tied: return .tied(try matrix(value))
    case .diag: return .diag(try matrix(value))
    case .spherical: return .spherical(try FixtureSchema.numbers(value, what))
    }
  }

  init(json: Any) throws {
    let root = try FixtureSchema.object(json, "root")
    cases = try FixtureSchema.array(root["cases"], "cases").map { item in
      let o = try FixtureSchema.object(item, "case")
      let name = try FixtureSchema.string(o["name"], "name")
      guard let type = CovarianceType(rawValue: try FixtureSchema.string(o["covariance"], "covariance")) else {
        throw SchemaError(description: "\(name): unknown covariance type")
      }
      let k = Int(try FixtureSchema.number(o["components"], "components"))
      let start = try FixtureSchema.object(o["start"], "start")
      let startMeans = try FixtureSchema.array(start["means"], "start.means").map { try FixtureSchema.numbers($0, "mean") }
      let startCovariances = try Self.covariances(start["covariances"], type: type, "start.covariances")
      let mixture = try MultivariateMixture(
        type: type, weights: try FixtureSchema.numbers(start["weights"], "start.weights"), means: startMeans,
        covariances: try startCovariances.matrices(components: k, dimension: startMeans[0].count))
      return Case(
        name: name, file: try FixtureSchema.string(o["file"], "file"),
        columns: try FixtureSchema.array(o["columns"], "columns").map { try FixtureSchema.string($0, "column") },
        type: type, components: k, iterations: Int(try FixtureSchema.number(o["iterations"], "iterations")),
        regularization: try FixtureSchema.number(o["reg_covar"], "reg_covar"), start: mixture,
        lowerBounds: try FixtureSchema.numbers(o["lower_bounds"], "lower_bounds"),
        finalLogLikelihood: try FixtureSchema.number(o["final_log_likelihood"], "final_log_likelihood"),
        weights: try FixtureSchema.numbers(o["weights"], "weights"),
        means: try FixtureSchema.array(o["means"], "means").map { try FixtureSchema.numbers($0, "mean") },
        covariances: try Self.covariances(o["covariances"], type: type, "covariances"))
    }
  }
}

/// The largest `|a − b| / √(bᵢᵢ bⱼⱼ)` over two lists of `d × d` matrices: an error relative to
/// the scale of each entry's row and column, which stays meaningful for a covariance near 0.
func maxScaledMatrixError(_ a: [[[Double]]], _ b: [[[Double]]]) -> Double {
  guard a.count == b.count else { return .infinity }
  var worst = 0.0
  for (x, y) in zip(a, b) {
    let d = y.count
    guard x.count == d else { return .infinity }
    for i in 0..<d { for j in 0..<d {
      let scale = (y[i][i] * y[j][j]).squareRoot()
      worst = max(worst, abs(x[i][j] - y[i][j]) / scale)
    } }
  }
  return worst
}

@Suite struct MultivariateParityTests {
  static let tolerance = 1e-9

  @Test(arguments: MultivariateReference.caseNames)
  func fitMatchesScikitLearn(caseName: String) throws {
    let reference = try MultivariateReference.named(caseName)
    let sample = try reference.sample()
    let n = Double(sample.count)
    let options = EMOptions(maxEpochs: reference.iterations, tolerance: 0, regularization: reference.regularization)
    let result = try MultivariateEM.fit(sample, from: reference.start, options: options)
    try #require(result.epochs.count == reference.iterations)
    // Shifted by one epoch, as in one dimension (SklearnParityTests).
    let ours = ([result.initialLogLikelihood] + result.epochs.dropLast().map(\.logLikelihood)).map { $0 / n }
    let logLikelihoodError = maxRelativeError(ours, reference.lowerBounds)
    #expect(logLikelihoodError <= Self.tolerance, "log-likelihoods: max relative error \(logLikelihoodError)")
    #expect(result.finalLogLikelihood.isApproximatelyEqual(to: reference.finalLogLikelihood, relativeTolerance: Self.tolerance))
    let fitted = result.fitted
    #expect(fitted.covarianceType == reference.type)
    #expect(maxRelativeError(fitted.weights, reference.weights) <= Self.tolerance, "weights \(fitted.weights) vs \(reference.weights)")
    let meanError = maxRelativeError(fitted.means.flatMap { $0 }, reference.means.flatMap { $0 })
    #expect(meanError <= Self.tolerance, "means: max relative error \(meanError)")
    let k = reference.components, d = sample.dimension
    let theirs = try reference.covariances.matrices(components: k, dimension: d)
    let mine = try fitted.covarianceParameters.matrices(components: k, dimension: d)
    let covarianceError = maxScaledMatrixError(mine, theirs)
    #expect(covarianceError <= Self.tolerance, "covariances: max scaled error \(covarianceError)")
    // The shape written out is scikit-learn's for the type.
    #expect(fitted.covarianceParameters.type == reference.type)
  }

  /// The fixture covers every type × d ∈ {2, 3, 4} × K ∈ {2, 3, 5} somewhere, both
  /// regularizations per type, and two datasets.
  @Test func fixtureCoversTypesDimensionsAndComponents() throws {
    let cases = try MultivariateReference.load().cases
    #expect(cases.count >= 24)
    for type in CovarianceType.allCases {
      let ofType = cases.filter { $0.type == type }
      #expect(Set(ofType.map(\.columns.count)) == [2, 3, 4], "\(type)")
      #expect(Set(ofType.map(\.components)) == [2, 3, 5], "\(type)")
      #expect(Set(ofType.map { $0.regularization > 0 }) == [false, true], "\(type)")
    }
    #expect(Set(cases.map(\.file)).count >= 2)
  }
}
