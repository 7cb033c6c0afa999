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

  /// The fixture's shape did not match what the tests expect.
  struct SchemaError: Error, CustomStringConvertible {
    var description: String
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
    let root = try Self.object(json, "root")
    em = try Self.array(root["em"], "em").map { item in
      let o = try Self.object(item, "em case")
      return EMCase(
        name: try Self.string(o["name"], "name"), data: try Self.string(o["data"], "data"),
        column: try Self.string(o["column"], "column"), components: Int(try Self.number(o["components"], "components")),
        epochs: Int(try Self.number(o["epochs"], "epochs")),
        regularization: try Self.number(o["regularization"], "regularization"),
        initial: try Self.parameters(o["init"]), initialLogLikelihood: try Self.number(o["initialLogLikelihood"], "initialLogLikelihood"),
        logLikelihoods: try Self.numbers(o["logLikelihoods"], "logLikelihoods"), final: try Self.parameters(o["final"]))
    }
    kde = try Self.array(root["kde"], "kde").map { item in
      let o = try Self.object(item, "kde case")
      let rule: Rule
      if let name = o["rule"] as? String {
        rule = .named(name)
      } else {
        rule = .absolute(try Self.number(o["rule"], "rule"))
      }
      return KDECase(
        name: try Self.string(o["name"], "name"), data: try Self.string(o["data"], "data"),
        column: try Self.string(o["column"], "column"), rule: rule, adjust: try Self.number(o["adjust"], "adjust"),
        factor: try Self.number(o["factor"], "factor"), bandwidth: try Self.number(o["bandwidth"], "bandwidth"),
        cut: try Self.number(o["cut"], "cut"), gridSize: Int(try Self.number(o["gridSize"], "gridSize")),
        gridMin: try Self.number(o["gridMin"], "gridMin"), gridMax: try Self.number(o["gridMax"], "gridMax"),
        grid: try Self.numbers(o["grid"], "grid"), density: try Self.numbers(o["density"], "density"),
        points: try Self.numbers(o["points"], "points"), pointDensity: try Self.numbers(o["pointDensity"], "pointDensity"))
    }
    bandwidthRules = try Self.array(root["bandwidthRules"], "bandwidthRules").map { item in
      let o = try Self.object(item, "bandwidth rule")
      return BandwidthRuleCase(
        n: Int(try Self.number(o["n"], "n")), scott: try Self.number(o["scott"], "scott"),
        silverman: try Self.number(o["silverman"], "silverman"))
    }
  }

  private static func object(_ value: Any?, _ what: String) throws -> [String: Any] {
    guard let o = value as? [String: Any] else { throw SchemaError(description: "\(what) is not an object") }
    return o
  }

  private static func array(_ value: Any?, _ what: String) throws -> [Any] {
    guard let a = value as? [Any] else { throw SchemaError(description: "\(what) is not an array") }
    return a
  }

  private static func string(_ value: Any?, _ what: String) throws -> String {
    guard let s = value as? String else { throw SchemaError(description: "\(what) is not a string") }
    return s
  }

  private static func number(_ value: Any?, _ what: String) throws -> Double {
    guard let n = value as? NSNumber else {
      throw SchemaError(description: "\(what) is not a number")
    }
    return n.doubleValue
  }

  private static func numbers(_ value: Any?, _ what: String) throws -> [Double] {
    try array(value, what).map { try number($0, what) }
  }

  private static func parameters(_ value: Any?) throws -> Parameters {
    let o = try object(value, "parameters")
    return Parameters(
      weights: try numbers(o["weights"], "weights"), means: try numbers(o["means"], "means"),
      sds: try numbers(o["sds"], "sds"))
  }
}
