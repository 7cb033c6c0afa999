import Testing

@testable import ReportKit

/// Numbers as people read them in the report.
@Suite struct DisplayTests {
  static let thin = "\u{202F}"

  @Test(arguments: [
    (0, "0"), (7, "7"), (2024, "2024"), (10_000, "10\u{202F}000"), (-12_345, "\u{2212}12\u{202F}345"),
    (3_000_000, "3\u{202F}000\u{202F}000"), (10_000_000, "10\u{202F}000\u{202F}000"),
  ])
  func countsGroupDigitsInThreesAboveFourDigits(_ n: Int, _ expected: String) {
    #expect(Display.count(n) == expected)
  }

  @Test(arguments: [
    ("3003343.8", "3\u{202F}003\u{202F}343.8"), ("2024.5", "2024.5"), ("\u{2212}20788608.9931", "\u{2212}20\u{202F}788\u{202F}608.9931"),
    ("0.700285", "0.700285"), ("12345", "12\u{202F}345"),
  ])
  func groupingTouchesOnlyTheWholePart(_ text: String, _ expected: String) {
    #expect(Display.grouped(text) == expected)
  }

  @Test(arguments: [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"), (2000, "2000th"), (20_000, "20\u{202F}000th")])
  func ordinals(_ n: Int, _ expected: String) {
    #expect(Display.ordinal(n) == expected)
  }

  @Test func smallAndHugeNumbersUseTimesTenToThe() {
    #expect(Display.number(1.1e-6, significant: 2) == "1.1 × 10⁻⁶")
    #expect(Display.number(-2.5e12, significant: 2) == "\u{2212}2.5 × 10¹²")
    #expect(Display.number(0.0899644, significant: 6) == "0.0899644")
  }
}
