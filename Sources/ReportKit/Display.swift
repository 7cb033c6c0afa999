import Foundation

/// Number formatting for people (the HTML report, captions, the run line). Machine
/// outputs (JSON, CSV) use ``Display/exact(_:)`` instead.
enum Display {
  /// `value` with a fixed number of decimals and a true minus sign.
  static func number(_ value: Double, decimals: Int) -> String {
    typographic(String(format: "%.\(decimals)f", value))
  }

  /// `value` with about `significant` significant digits, never in exponent form for
  /// ordinary magnitudes.
  static func number(_ value: Double, significant: Int = 4) -> String {
    guard value.isFinite else { return "\(value)" }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e9 || magnitude < 1e-4 {
      return typographic(String(format: "%.\(significant - 1)e", value))
    }
    let digitsBeforePoint = Int(log10(magnitude).rounded(.down)) + 1
    return number(value, decimals: max(0, significant - digitsBeforePoint))
  }

  /// The shortest text that reads back as exactly `value` (for CSV and JSON).
  static func exact(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// A value from the config, as short as it reads back (`2`, `0.8`), with a true minus.
  static func given(_ value: Double) -> String { typographic(exact(value)) }

  static func typographic(_ s: String) -> String {
    s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
  }
}
