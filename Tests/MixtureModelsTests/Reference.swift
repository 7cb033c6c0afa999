import Foundation
import TestSupport

/// `Tests/Fixtures/reference.json`, written by `scripts/make_reference.py` from numpy,
/// scipy and scikit-learn, decoded into plain values.
struct Reference: Sendable {
  /// Parameters of a mixture as the fixture spells them.
  struct Parameters: Sendable {
    var weights: [Double]
    var means: [Double]
    var sds: [Double]
  }

  /// One EM run from a fixed start, with every epoch's log-likelihood.
  struct EMCase: Sendable {
    var name: String
    var data: String
    var column: String
    var components: Int
    var epochs: Int
    var regularization: Double
    var initial: Parameters
    var initialLogLikelihood: Double
    var logLikelihoods: [Double]
    var final: Parameters
  }

  /// How a KDE case chose its bandwidth: a scipy rule, or an absolute `h`.
  enum Rule: Sendable {
    case named(String)
    case absolute(Double)
  }

  /// One `scipy.stats.gaussian_kde` evaluation with seaborn's `adjust` and `cut`.
  struct KDECase: Sendable {
    var name: String
    var data: String
    var column: String
    var rule: Rule
    var adjust: Double
    var factor: Double
    var bandwidth: Double
    var cut: Double
    var gridSize: Int
    var gridMin: Double
    var gridMax: Double
    var grid: [Double]
    var density: [Double]
    var points: [Double]
    var pointDensity: [Double]
  }

  /// scipy's Scott and Silverman factors for a sample of `n` points.
  struct BandwidthRuleCase: Sendable {
    var n: Int
    var scott: Double
    var silverman: Double
  }

  var em: [EMCase]
  var kde: [KDECase]
  var bandwidthRules: [BandwidthRuleCase]

  /// The fixture, parsed once per test process.
  private static let shared = Result { try Reference(json: Fixtures.json("reference.json")) }

  /// The parsed fixture.
  /// - Throws: The read or schema error, for every caller, when the fixture is unusable.
  static func load() throws -> Reference { try shared.get() }

  /// The EM case called `name`.
  static func emCase(_ name: String) throws -> EMCase {
    guard let found = try load().em.first(where: { $0.name == name }) else {
      throw SchemaError(description: "reference.json has no EM case \(name)")
    }
    return found
  }

  /// The KDE case called `name`.
  static func kdeCase(_ name: String) throws -> KDECase {
    guard let found = try load().kde.first(where: { $0.name == name }) else {
      throw SchemaError(description: "reference.json has no KDE case \(name)")
    }
    return found
  }

  init(json: Any) throws {
    let root = try FixtureSchema.object(json, "root")
    em = try FixtureSchema.array(root["em"], "em").map { item in
      let o = try FixtureSchema.object(item, "em case")
      return EMCase(
        name: try FixtureSchema.string(o["name"], "name"), data: try FixtureSchema.string(o["data"], "data"),
        column: try FixtureSchema.string(o["column"], "column"), components: Int(try FixtureSchema.number(o["components"], "components")),
        epochs: Int(try FixtureSchema.number(o["epochs"], "epochs")),
        regularization: try FixtureSchema.number(o["regularization"], "regularization"),
        initial: try Self.parameters(o["init"]), initialLogLikelihood: try FixtureSchema.number(o["initialLogLikelihood"], "initialLogLikelihood"),
        logLikelihoods: try FixtureSchema.numbers(o["logLikelihoods"], "logLikelihoods"), final: try Self.parameters(o["final"]))
    }
    kde = try FixtureSchema.array(root["kde"], "kde").map { item in
      let o = try FixtureSchema.object(item, "kde case")
      let rule: Rule
      if let name = o["rule"] as? String {
        rule = .named(name)
      } else {
        rule = .absolute(try FixtureSchema.number(o["rule"], "rule"))
      }
      return KDECase(
        name: try FixtureSchema.string(o["name"], "name"), data: try FixtureSchema.string(o["data"], "data"),
        column: try FixtureSchema.string(o["column"], "column"), rule: rule, adjust: try FixtureSchema.number(o["adjust"], "adjust"),
        factor: try FixtureSchema.number(o["factor"], "factor"), bandwidth: try FixtureSchema.number(o["bandwidth"], "bandwidth"),
        cut: try FixtureSchema.number(o["cut"], "cut"), gridSize: Int(try FixtureSchema.number(o["gridSize"], "gridSize")),
        gridMin: try FixtureSchema.number(o["gridMin"], "gridMin"), gridMax: try FixtureSchema.number(o["gridMax"], "gridMax"),
        grid: try FixtureSchema.numbers(o["grid"], "grid"), density: try FixtureSchema.numbers(o["density"], "density"),
        points: try FixtureSchema.numbers(o["points"], "points"), pointDensity: try FixtureSchema.numbers(o["pointDensity"], "pointDensity"))
    }
    bandwidthRules = try FixtureSchema.array(root["bandwidthRules"], "bandwidthRules").map { item in
      let o = try FixtureSchema.object(item, "bandwidth rule")
      return BandwidthRuleCase(
        n: Int(try FixtureSchema.number(o["n"], "n")), scott: try FixtureSchema.number(o["scott"], "scott"),
        silverman: try FixtureSchema.number(o["silverman"], "silverman"))
    }
  }

  private static func parameters(_ value: Any?) throws -> Parameters {
    let o = try FixtureSchema.object(value, "parameters")
    return Parameters(
      weights: try FixtureSchema.numbers(o["weights"], "weights"), means: try FixtureSchema.numbers(o["means"], "means"),
      sds: try FixtureSchema.numbers(o["sds"], "sds"))
  }
}
