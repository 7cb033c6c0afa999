import Foundation
import Plotting

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
      let parts = String(format: "%.\(max(significant, 1) - 1)e", value).split(separator: "e")
      let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
      return typographic(String(parts.first ?? "")) + " × 10" + Ticks.superscript(exponent)
    }
    let digitsBeforePoint = Int(log10(magnitude).rounded(.down)) + 1
    return number(value, decimals: max(0, significant - digitsBeforePoint))
  }

  /// A whole number with thin spaces between groups of three digits: 10 000 000.
  static func count(_ n: Int) -> String {
    grouped(typographic(String(n)))
  }

  /// `text`, a formatted number, with thin spaces between groups of three digits of its
  /// whole part when that has more than four digits: 3 003 343.8, but 2024.5.
  static func grouped(_ text: String) -> String {
    let sign = text.prefix { !$0.isNumber }
    let rest = text.dropFirst(sign.count)
    let whole = rest.prefix { $0.isNumber }
    guard whole.count > 4 else { return text }
    var groups: [Substring] = []
    var end = whole.endIndex
    while end > whole.startIndex {
      let start = whole.index(end, offsetBy: -3, limitedBy: whole.startIndex) ?? whole.startIndex
      groups.insert(whole[start..<end], at: 0)
      end = start
    }
    return sign + groups.joined(separator: "\u{202F}") + rest.dropFirst(whole.count)
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
