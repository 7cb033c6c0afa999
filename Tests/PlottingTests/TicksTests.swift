import Foundation
import Testing
import TestSupport

@testable import Plotting

/// One row of the tick table: a range, a requested count, and the exact ticks and labels.
struct TickCase: Sendable, CustomTestStringConvertible {
  var start: Double
  var stop: Double
  var count: Int
  var values: [Double]
  var labels: [String]

  var testDescription: String { "(\(start), \(stop), \(count))" }
}

/// Tick values in 1-2-5 steps and their labels, over awkward ranges.
@Suite struct TicksTests {
  static let table: [TickCase] = [
    TickCase(
      start: 0, stop: 1, count: 5, values: [0, 0.2, 0.4, 0.6, 0.8, 1],
      labels: ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    TickCase(start: 0, stop: 0.3, count: 3, values: [0, 0.1, 0.2, 0.3], labels: ["0.0", "0.1", "0.2", "0.3"]),
    // The tutorial's log-likelihood axis.
    TickCase(
      start: -1387.05, stop: -1386.86, count: 5, values: [-1387.05, -1387, -1386.95, -1386.9],
      labels: ["−1387.05", "−1387.00", "−1386.95", "−1386.90"]),
    TickCase(
      start: -1387.04, stop: -1386.86, count: 5, values: [-1387, -1386.95, -1386.9],
      labels: ["−1387.00", "−1386.95", "−1386.90"]),
    TickCase(
      start: 0, stop: 1e-9, count: 5, values: [0, 2e-10, 4e-10, 6e-10, 8e-10, 1e-9],
      labels: ["0.0000000000", "0.0000000002", "0.0000000004", "0.0000000006", "0.0000000008", "0.0000000010"]),
    TickCase(
      start: 1, stop: 1 + 1e-9, count: 5,
      values: [1, 1.000_000_000_2, 1.000_000_000_4, 1.000_000_000_6, 1.000_000_000_8, 1.000_000_001],
      labels: ["1.0000000000", "1.0000000002", "1.0000000004", "1.0000000006", "1.0000000008", "1.0000000010"]),
    TickCase(start: -5.2, stop: 5.8, count: 6, values: [-4, -2, 0, 2, 4], labels: ["−4", "−2", "0", "2", "4"]),
    TickCase(
      start: 9000, stop: 35000, count: 5, values: [10000, 15000, 20000, 25000, 30000, 35000],
      labels: ["10000", "15000", "20000", "25000", "30000", "35000"]),
    // An epoch axis 1…20 with matplotlib's 5% margins.
    TickCase(start: 0.95, stop: 21.05, count: 5, values: [5, 10, 15, 20], labels: ["5", "10", "15", "20"]),
    TickCase(
      start: 0.95, stop: 21.05, count: 20, values: (1...21).map(Double.init), labels: (1...21).map(String.init)),
    TickCase(
      start: -0.8, stop: -0.1, count: 4, values: [-0.8, -0.6, -0.4, -0.2], labels: ["−0.8", "−0.6", "−0.4", "−0.2"]),
    TickCase(
      start: -3e-6, stop: -1e-6, count: 4, values: [-3e-6, -2.5e-6, -2e-6, -1.5e-6, -1e-6],
      labels: ["−0.0000030", "−0.0000025", "−0.0000020", "−0.0000015", "−0.0000010"]),
    TickCase(
      start: 1e7, stop: 3e7, count: 4, values: [1e7, 1.5e7, 2e7, 2.5e7, 3e7],
      labels: ["10000000", "15000000", "20000000", "25000000", "30000000"]),
  ]

  @Test(arguments: table)
  func awkwardRangesGiveExactDecimalTicksAndLabels(_ row: TickCase) {
    let values = Ticks.values(row.start, row.stop, count: row.count)
    // Exact equality on purpose: each tick must be the double nearest its decimal value.
    #expect(values == row.values)
    #expect(Ticks.labels(values, step: Ticks.step(row.start, row.stop, count: row.count)) == row.labels)
  }

  @Test func pointThreeIsTheNearestDoubleNotAnAccumulatedSum() throws {
    let last = try #require(Ticks.values(0, 0.3, count: 3).last)
    #expect(last == 0.3)
    #expect(last != 0.1 * 3)
    #expect("\(last)" == "0.3")
  }

  @Test(arguments: [
    (1.0, 0.0, 5), (0.0, .nan, 5), (.nan, 1.0, 5), (0.0, .infinity, 5), (-.infinity, 0.0, 5), (0.0, 1.0, 0),
    (0.0, 1.0, -3),
  ] as [(Double, Double, Int)])
  func reversedNonFiniteAndCountlessRangesHaveNoTicks(start: Double, stop: Double, count: Int) {
    #expect(Ticks.values(start, stop, count: count) == [])
  }

  @Test func emptyRangeHasItsOnlyValueAsTheTick() {
    // As d3's ticks(): a zero-width range yields its single value.
    #expect(Ticks.values(2.5, 2.5, count: 5) == [2.5])
  }

  @Test(arguments: [
    (0.0, 1.0, 5, 0.2), (0.0, 0.3, 3, 0.1), (-1387.05, -1386.86, 5, 0.05), (9000.0, 35000.0, 5, 5000.0),
    (-5.2, 5.8, 6, 2.0), (0.0, 100.0, 10, 10.0), (0.0, 1e-9, 5, 2e-10),
  ] as [(Double, Double, Int, Double)])
  func stepIsThePositiveSpacingOfTheTicks(start: Double, stop: Double, count: Int, step: Double) {
    #expect(Ticks.step(start, stop, count: count).isApproximatelyEqual(to: step, relativeTolerance: 1e-15))
  }

  @Test func ticksOfManyRandomRangesAreInsideEvenlySpacedAndNice() {
    // A fixed linear congruential stream keeps this independent of any other module.
    var state: UInt64 = 0x1234_5678
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) * 0x1.0p-53
    }
    for trial in 0..<2000 {
      let scale = pow(10, (uniform() * 20 - 10).rounded())
      let start = (uniform() * 2 - 1) * scale * 10
      let stop = start + max(uniform(), 1e-3) * scale
      let count = 1 + Int(uniform() * 12)
      let values = Ticks.values(start, stop, count: count)
      let step = Ticks.step(start, stop, count: count)
      let context = "trial \(trial): (\(start), \(stop), \(count)) → \(values)"

      #expect(values.allSatisfy { $0 >= start && $0 <= stop }, "\(context)")
      let mantissa = step / pow(10, log10(step).rounded(.down))
      #expect(
        [1.0, 2, 5, 10].contains { mantissa.isApproximatelyEqual(to: $0, relativeTolerance: 1e-9) },
        "\(context): step \(step)")
      let ulp = (values.map(\.magnitude).max() ?? 0).ulp
      for (a, b) in zip(values, values.dropFirst()) {
        #expect(abs((b - a) - step) <= 1e-9 * step + 4 * ulp, "\(context)")
      }

      let labels = Ticks.labels(values, step: step)
      #expect(Set(labels).count == labels.count, "\(context): \(labels)")
      for (value, label) in zip(values, labels) {
        #expect(!label.contains("-"), "\(context): hyphen in \(label)")
        #expect(!(label.hasPrefix("\u{2212}") && label.dropFirst().allSatisfy { $0 == "0" || $0 == "." }), "\(label)")
        let parsed = tickLabelValue(label)
        #expect(parsed.map { abs($0 - value) <= step * 1e-6 + 4 * ulp } == true, "\(context): \(value) → \(label)")
      }
    }
  }

  @Test func labelsUseTheMinusSignAndNeverMinusZero() {
    #expect(Ticks.labels([-2, -1, 0, 1], step: 1) == ["\u{2212}2", "\u{2212}1", "0", "1"])
    #expect(Ticks.labels([-0.0, 0.0], step: 1) == ["0", "0"])
    #expect(Ticks.labels([-0.0], step: 0.1) == ["0.0"])
    // A tick computed as −0 (ceil(−0.25) is −0) still prints as 0.
    let ticks = Ticks.values(-0.5, 10, count: 5)
    #expect(ticks.first == 0)
    #expect(Ticks.labels(ticks, step: Ticks.step(-0.5, 10, count: 5)).first == "0")
  }

  @Test(arguments: [
    (0.0, 0, "0"), (5.0, 0, "5"), (0.05, 2, "0.05"), (3.0, 2, "3.00"), (-1387.05, 2, "\u{2212}1387.05"),
    (1e-6, 7, "0.0000010"), (-0.004, 2, "0.00"), (-0.0, 3, "0.000"), (123_456_789.0, 0, "123456789"),
    (2.5, 0, "3"), (-2.5, 0, "\u{2212}3"), (0.125, 2, "0.13"), (1e20, 0, "1e+20"), (-1e20, 0, "\u{2212}1e+20"),
  ] as [(Double, Int, String)])
  func formatWritesFixedDecimalsWithoutFoundation(value: Double, decimals: Int, text: String) {
    #expect(Ticks.format(value, decimals: decimals) == text)
  }
}

@Suite struct ScientificTickLabelTests {
  @Test func tinyStepsAndHugeValuesGetAPowerOfTenNotAHundredDigits() {
    #expect(Ticks.labels([0, 1e-150, 2e-150, 3e-150], step: 1e-150) == ["0", "1 × 10⁻¹⁵⁰", "2 × 10⁻¹⁵⁰", "3 × 10⁻¹⁵⁰"])
    #expect(Ticks.labels([-5e-17, 0, 5e-17, 1e-16], step: 5e-17) == ["−0.5 × 10⁻¹⁶", "0", "0.5 × 10⁻¹⁶", "1.0 × 10⁻¹⁶"])
    #expect(Ticks.labels([1e150, 1.5e150, 2e150], step: 5e149) == ["1.0 × 10¹⁵⁰", "1.5 × 10¹⁵⁰", "2.0 × 10¹⁵⁰"])
    // Ordinary axes keep their plain labels.
    #expect(Ticks.labels([0, 0.5, 1], step: 0.5) == ["0.0", "0.5", "1.0"])
    #expect(Ticks.labels([-2e7, -1e7], step: 1e7) == ["−20000000", "−10000000"])
  }
}
