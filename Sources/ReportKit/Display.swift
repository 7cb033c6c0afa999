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
    if magnitude >= 1e9 || magnitude < 1e-4 { return exponentForm(value, significant) }
    let digitsBeforePoint = Int(log10(magnitude).rounded(.down)) + 1
    return number(value, decimals: max(0, significant - digitsBeforePoint))
  }

  /// A table column's values in one format: as many decimals as the value needing the
  /// most takes for `significant` digits (at most 10), so 0.340000 never sits beside 0;
  /// all in exponent form when one is beyond ``number(_:significant:)``'s fixed range.
  static func column(_ values: [Double], significant: Int = 6) -> [String] {
    let finite = values.filter { $0.isFinite && $0 != 0 }.map(abs)
    if finite.contains(where: { $0 >= 1e9 || $0 < 1e-4 }) {
      return values.map { $0 == 0 || !$0.isFinite ? number($0, significant: significant) : exponentForm($0, significant) }
    }
    let decimals = finite.map { Swift.max(0, significant - (Int(log10($0).rounded(.down)) + 1)) }.max() ?? 0
    return values.map { $0.isFinite ? number($0, decimals: Swift.min(decimals, 10)) : "\($0)" }
  }

  /// Values from the config in one column: each as short as it reads back, padded to
  /// the longest fraction (2.0 beside 0.8).
  static func givenColumn(_ values: [Double]) -> [String] {
    let texts = values.map(exact)
    guard !texts.contains(where: { $0.contains("e") || !$0.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" } }) else { return values.map(given) }
    let decimals = texts.map { t in t.firstIndex(of: ".").map { t.distance(from: $0, to: t.endIndex) - 1 } ?? 0 }.max() ?? 0
    return values.map { number($0, decimals: decimals) }
  }

  /// 1.1 × 10⁻⁶ rather than 1.1e-06.
  static func exponentForm(_ value: Double, _ significant: Int) -> String {
    let parts = String(format: "%.\(max(significant, 1) - 1)e", value).split(separator: "e")
    let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
    return typographic(String(parts.first ?? "")) + " × 10" + Ticks.superscript(exponent)
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
