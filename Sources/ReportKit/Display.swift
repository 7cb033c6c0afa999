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
      // 1.1 × 10⁻⁶ rather than 1.1e-06.
      let parts = String(format: "%.\(significant - 1)e", value).split(separator: "e")
      let exponent = Int(parts[1]) ?? 0
      let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
      let digits = String(String(abs(exponent)).map { superscripts[Int(String($0))!] })
      return typographic(String(parts[0])) + " × 10" + (exponent < 0 ? "⁻" : "") + digits
    }
    let digitsBeforePoint = Int(log10(magnitude).rounded(.down)) + 1
    return number(value, decimals: max(0, significant - digitsBeforePoint))
  }

  /// A whole number with thin spaces between groups of three digits: 10 000 000.
  static func count(_ n: Int) -> String {
    let digits = String(n.magnitude)
    guard digits.count > 4 else { return (n < 0 ? "\u{2212}" : "") + digits }
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
      let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
      groups.insert(digits[start..<end], at: 0)
      end = start
    }
    return (n < 0 ? "\u{2212}" : "") + groups.joined(separator: "\u{202F}")
  }

  /// 1st, 2nd, 3rd, 4th, 11th, 2 000th.
  static func ordinal(_ n: Int) -> String {
    let suffix: String
    switch (n % 10, n % 100) {
    case (1, let h) where h != 11: suffix = "st"
    case (2, let h) where h != 12: suffix = "nd"
    case (3, let h) where h != 13: suffix = "rd"
    default: suffix = "th"
    }
    return count(n) + suffix
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
