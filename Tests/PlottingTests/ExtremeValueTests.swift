import Foundation
import Testing
import TestSupport

@testable import Plotting

/// A tick range that a naive `Int(…)` of a logarithm, a step or a count would trap on.
struct ExtremeRange: Sendable, CustomTestStringConvertible {
  var start: Double
  var stop: Double
  /// Whether at least one tick is expected (the step is a normal double).
  var hasTicks: Bool

  var testDescription: String { "[\(start), \(stop)]" }
}

/// Ticks, labels, scales and layouts stay total on non-finite, enormous and tiny values:
/// they give finite, ordered results (or none) and never trap.
@Suite struct ExtremeValueTests {
  static let ranges: [ExtremeRange] = [
    ExtremeRange(start: 1e308, stop: 1.6e308, hasTicks: true),
    ExtremeRange(start: -1.6e308, stop: 1.6e308, hasTicks: true),
    ExtremeRange(start: -.greatestFiniteMagnitude, stop: .greatestFiniteMagnitude, hasTicks: true),
    ExtremeRange(start: -1e308, stop: -1e307, hasTicks: true),
    ExtremeRange(start: 1e-300, stop: 4e-300, hasTicks: true),
    ExtremeRange(start: 0, stop: 1e-300 / 1e10, hasTicks: false),
    ExtremeRange(start: 0, stop: .leastNonzeroMagnitude, hasTicks: false),
    ExtremeRange(start: 1e16, stop: 1e16 + 4, hasTicks: true),
  ]

  @Test(arguments: ranges, [1, 2, 5, 12, 1000, Int.max])
  func ticksOfExtremeRangesAreFiniteOrderedAndInside(_ range: ExtremeRange, count: Int) {
    let values = Ticks.values(range.start, range.stop, count: count)
    let step = Ticks.step(range.start, range.stop, count: count)
    #expect(values.allSatisfy { $0.isFinite && $0 >= range.start && $0 <= range.stop }, "\(values)")
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "\(values)")
    #expect(values.count <= 2 * Ticks.maximumCount)
    if range.hasTicks {
      #expect(!values.isEmpty)
      #expect(step.isFinite && step > 0, "step \(step)")
    }
    let labels = Ticks.labels(values, step: step)
    #expect(labels.count == values.count)
  }

  @Test func hugeRangesGetStepsOfOneTwoOrFiveTimesAPowerOfTen() {
    // Powers of ten above 10²² come from repeated multiplication, a few ulps off, as for
    // any range above 10²³: the ticks are the nice values to 15 digits.
    func expectNear(_ values: [Double], _ expected: [Double]) {
      #expect(values.count == expected.count, "\(values)")
      for (v, e) in zip(values, expected) { #expect(v.isApproximatelyEqual(to: e, relativeTolerance: 1e-14), "\(v) ≉ \(e)") }
    }
    let values = Ticks.values(-1.6e308, 1.6e308, count: 5)
    expectNear(values, [-1.5e308, -1e308, -5e307, 0, 5e307, 1e308, 1.5e308])
    let labels = Ticks.labels(values, step: Ticks.step(-1.6e308, 1.6e308, count: 5))
    expectNear(labels.compactMap(tickLabelValue), [-1.5e308, -1e308, -5e307, 0, 5e307, 1e308, 1.5e308])
    #expect(labels.first == "\u{2212}1.5 × 10³⁰⁸")
    // Steps of 2·10³⁰⁸ do not exist: the step falls back to 10³⁰⁸.
    expectNear(Ticks.values(-.greatestFiniteMagnitude, .greatestFiniteMagnitude, count: 1), [-1e308, 0, 1e308])
  }

  @Test(arguments: [0.0, -1, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
  func labelsForAnyStepAreOnePerValue(step: Double) {
    let labels = Ticks.labels([0, 1.5, -2], step: step)
    #expect(labels.count == 3)
    #expect(labels.allSatisfy { !$0.isEmpty })
  }

  @Test(arguments: [Int.min, -400, 400, 100_000])
  func formatWithAbsurdDecimalsFallsBackToTheShortestForm(decimals: Int) {
    #expect(Ticks.format(1.5, decimals: decimals).hasPrefix(decimals < 0 ? "" : "1.5"))
    #expect(!Ticks.format(-2, decimals: decimals).isEmpty)
  }

  @Test func powersOfTenOfNonFiniteExponentsAreNotTraps() {
    #expect(Ticks.pow10(.nan).isNaN)
    #expect(Ticks.pow10(.infinity) == .infinity)
    #expect(Ticks.pow10(-.infinity) == 0)
    #expect(Ticks.pow10(1e300) == .infinity)
    #expect(Ticks.pow10(3) == 1000)
  }

  @Test func scaleOfADomainWiderThanTheLargestDoubleStillMaps() {
    let scale = LinearScale(domain: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, range: (0, 100))
    #expect(scale(-.greatestFiniteMagnitude) == 0)
    #expect(scale(0) == 50)
    #expect(scale(.greatestFiniteMagnitude) == 100)
  }

  @Test(arguments: [.nan, -1, 0, 0.5, 1, 2, .infinity, -.infinity] as [Double])
  func colourBytesOfAnyChannelAreTwoHexDigits(value: Double) {
    let hex = Color(red: value, green: 0.5, blue: 1).hexString
    #expect(hex.count == 7)
    #expect(hex.hasSuffix("80ff"))
  }

  @Test func paletteCyclesForNegativeIndices() {
    #expect(Color.cycle(-1) == Color.palette[Color.palette.count - 1])
    #expect(Color.cycle(Int.min) == Color.cycle(Int.min % Color.palette.count + Color.palette.count))
    #expect(Color.cycle(12) == Color.palette[2])
  }

  @Test func pointsWithFewerColoursThanPointsDrawWithoutTrapping() {
    let none = PointSeries(xs: [1, 2, 3], ys: [1, 2, 3], colors: [])
    let two = PointSeries(xs: [1, 2, 3], ys: [1, 2, 3], colors: [.red, .green])
    #expect(none.color(at: 2) == .black)
    #expect(two.color(at: 1) == .green)
    #expect(two.color(at: 2) == .green)
    let canvas = RecordingCanvas()
    Figure(size: SampleFigures.tutorialSize, layers: [.points(none), .points(two)]).draw(on: canvas)
    #expect(!canvas.operations.isEmpty)
  }

  // MARK: Layouts

  /// Data that a layout must place: non-finite values are skipped, the rest span up to
  /// the largest doubles. Whether x ticks are expected: labels of ticks near 1e-300 have
  /// 300 decimals, too wide for any axis, and subnormal steps have no ticks.
  static let extremeData: [(String, [Double], ticked: Bool)] = [
    ("NaN and infinities only", [.nan, .infinity, -.infinity], true),
    ("±1e308", [-1e308, 0, 1e308], true),
    ("±1.6e308 with NaN", [-1.6e308, .nan, 1.6e308, .infinity], true),
    ("±greatest", [-.greatestFiniteMagnitude, .greatestFiniteMagnitude], true),
    ("one value at greatest", [.greatestFiniteMagnitude, .greatestFiniteMagnitude], true),
    ("1e308…1.6e308", [1e308, 1.3e308, 1.6e308], true),
    ("1e-300…4e-300", [1e-300, 2e-300, 4e-300], false),
    ("subnormal", [0, .leastNonzeroMagnitude, 2 * .leastNonzeroMagnitude], false),
  ]

  static let extremeSizes: [Size] = [
    Figure.inches(width: 0.001, height: 0.001), Size(width: 0.001, height: 0.001), Size(width: 0, height: 0),
    Size(width: -5, height: .nan), Size(width: 1e308, height: 1e308), Size(width: .infinity, height: .infinity),
    SampleFigures.tutorialSize,
  ]

  /// Every number a layout produces is finite, every tick lies in its domain, in order.
  func expectTotal(_ layout: FigureLayout, _ context: String) {
    let area = layout.plotArea
    let numbers = [
      layout.size.width, layout.size.height, area.x, area.y, area.width, area.height,
      layout.xScale.domain.lowerBound, layout.xScale.domain.upperBound,
      layout.yScale.domain.lowerBound, layout.yScale.domain.upperBound,
    ]
    #expect(numbers.allSatisfy { $0.isFinite }, "\(context): \(numbers)")
    #expect(layout.xScale.domain.lowerBound < layout.xScale.domain.upperBound, "\(context)")
    #expect(layout.yScale.domain.lowerBound < layout.yScale.domain.upperBound, "\(context)")
    for (ticks, scale) in [(layout.xTicks, layout.xScale), (layout.yTicks, layout.yScale)] {
      #expect(ticks.allSatisfy { $0.isFinite && scale.domain.contains($0) && scale($0).isFinite }, "\(context): \(ticks)")
      #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $0 < $1 }, "\(context): \(ticks)")
    }
    for text in layout.texts {
      let box = [text.box.x, text.box.y, text.box.width, text.box.height, text.font.size]
      #expect(box.allSatisfy { $0.isFinite } && text.font.size > 0, "\(context): \(text.role) \"\(text.text)\" \(text.box)")
    }
    if let legend = layout.legend {
      let frame = [legend.frame.x, legend.frame.y, legend.frame.width, legend.frame.height]
      #expect(frame.allSatisfy { $0.isFinite }, "\(context): legend \(legend.frame)")
    }
  }

  static func figure(_ values: [Double], size: Size = SampleFigures.tutorialSize) -> Figure {
    let finite = values.filter(\.isFinite)
    return Figure(
      size: size, title: "Extreme", xLabel: "x", yLabel: "y",
      layers: [
        .line(LineSeries(xs: values, ys: values.reversed(), color: .black, label: "line")),
        .points(PointSeries(xs: values, ys: values, colors: [.red], label: "points")),
        .line(LineSeries(xs: finite, ys: finite, color: .green, label: nil)),
      ], yStartsAtZero: true)
  }

  @Test(arguments: 0..<extremeData.count)
  func layoutOfExtremeDataIsFinite(_ index: Int) {
    let (name, values, ticked) = Self.extremeData[index]
    let canvas = RecordingCanvas()
    let layout = Self.figure(values).draw(on: canvas)
    expectTotal(layout, name)
    if ticked {
      #expect(!layout.xTicks.isEmpty, "\(name): \(layout.xTicks)")
      #expect(!layout.yTicks.isEmpty, "\(name): \(layout.yTicks)")
    }
  }

  @Test(arguments: extremeSizes)
  func layoutOfExtremeSizesIsFinite(_ size: Size) {
    let canvas = RecordingCanvas()
    let layout = Self.figure([1, 2, 3], size: size).draw(on: canvas)
    expectTotal(layout, "\(size)")
    #expect(layout.size.width >= 0 && layout.size.height >= 0)
  }

  @Test func tinyFigureWithAnEmptyTitleKeepsPositiveFontSizes() {
    let figure = Figure(
      size: Size(width: 0.001, height: 0.001), title: "", xLabel: "", yLabel: "",
      layers: [.line(LineSeries(xs: [0, 1], ys: [0, 1], color: .black, label: ""))])
    expectTotal(figure.layout(measuring: RecordingCanvas()), "empty title")
  }

  @Test(arguments: [
    (-Double.infinity)...Double.infinity, 5.0...5.0, 0.0...Double.infinity, 0.0...(1e-300 / 1e20),
    -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
  ])
  func fixedDomainsThatCannotBeDrawnAreReplaced(_ domain: ClosedRange<Double>) {
    let figure = Figure(
      size: SampleFigures.tutorialSize, layers: [.line(LineSeries(xs: [0, 1, 2], ys: [3, 1, 2], color: .black))],
      xDomain: domain, yDomain: domain, xIntegerTicks: true)
    let layout = figure.layout(measuring: RecordingCanvas())
    expectTotal(layout, "\(domain)")
    if domain.lowerBound.isFinite && domain.upperBound.isFinite && domain.lowerBound < domain.upperBound {
      #expect(layout.xScale.domain == domain)
    }
  }

  @Test func ordinaryDomainsAreUnchanged() {
    // The 5% margins of ordinary data, bit for bit.
    let layout = Self.figure([1, 2, 3]).layout(measuring: RecordingCanvas())
    #expect(layout.xScale.domain == (1 - 0.1)...(3 + 0.1))
    #expect(layout.yScale.domain == 0...(3 + 0.1))
  }
}

/// The module's one conversion of a computed double to an integer.
@Suite struct ClampingTests {
  @Test(arguments: ClampingCases.table)
  func conversionIsTotalAndTruncatesTowardZero(_ row: ClampingCase) {
    #expect(Int(clamping: row.value, to: row.bounds, nan: row.nan) == row.expected)
  }

  @Test func defaultBoundsAreAllOfInt() {
    #expect(Int(clamping: -.infinity, nan: 0) == .min)
    #expect(Int(clamping: -12.7, nan: 0) == -12)
  }
}
