import Foundation

/// A fixture's shape did not match what the tests expect.
struct SchemaError: Error, CustomStringConvertible {
  var description: String
}

/// Typed reads of a decoded JSON fixture (`Fixtures.json`), shared by every fixture
/// loader; each failure names what was expected.
enum FixtureSchema {
  static func object(_ value: Any?, _ what: String) throws -> [String: Any] {
    guard let o = value as? [String: Any] else { throw SchemaError(description: "\(what) is not an object") }
    return o
  }

  static func array(_ value: Any?, _ what: String) throws -> [Any] {
    guard let a = value as? [Any] else { throw SchemaError(description: "\(what) is not an array") }
    return a
  }

  static func string(_ value: Any?, _ what: String) throws -> String {
    guard let s = value as? String else { throw SchemaError(description: "\(what) is not a string") }
    return s
  }

  static func bool(_ value: Any?, _ what: String) throws -> Bool {
    guard let b = value as? Bool else { throw SchemaError(description: "\(what) is not a boolean") }
    return b
  }

  static func number(_ value: Any?, _ what: String) throws -> Double {
    guard let n = value as? NSNumber else { throw SchemaError(description: "\(what) is not a number") }
    return n.doubleValue
  }

  static func numbers(_ value: Any?, _ what: String) throws -> [Double] {
    try array(value, what).map { try number($0, what) }
  }
}
