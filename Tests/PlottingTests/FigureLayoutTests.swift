import Foundation
import Testing
import TestSupport

@testable import Plotting

/// The pure layout step, measured with ``ApproximateTextMeasurer`` through a ``RecordingCanvas``.
@Suite struct FigureLayoutTests {
  static func layout(_ figure: Figure) -> FigureLayout {
    figure.layout(measuring: RecordingCanvas())
  }

  @Test(arguments: SampleFigures.all)
  func noTwoTextsOverlap(_ sample: SampleFigure) {
    let texts = Self.layout(sample.figure).texts
    for (i, a) in texts.enumerated() {
      for b in texts[(i + 1)...] where a.box.intersects(b.box) {
        Issue.record("\(a.role) \"\(a.text)\" \(a.box) overlaps \(b.role) \"\(b.text)\" \(b.box)")
      }
    }
  }

  @Test(arguments: SampleFigures.all)
  func everyTextLiesInsideTheFigure(_ sample: SampleFigure) {
    let layout = Self.layout(sample.figure)
    let bounds = Rect(x: 0, y: 0, width: layout.size.width, height: layout.size.height)
    for text in layout.texts {
      #expect(bounds.contains(text.box), "\(text.role) \"\(text.text)\" \(text.box) leaves \(bounds)")
    }
  }

  @Test(arguments: SampleFigures.all)
  func tickLabelsSitOutsideThePlotAreaOnTheirSide(_ sample: SampleFigure) {
    let layout = Self.layout(sample.figure)
    let area = layout.plotArea
    for text in layout.texts(.xTick) {
      #expect(text.box.minY >= area.maxY, "x tick \"\(text.text)\" \(text.box) is not below \(area)")
    }
    for text in layout.texts(.yTick) {
      #expect(text.box.maxX <= area.minX, "y tick \"\(text.text)\" \(text.box) is not left of \(area)")
    }
    // Each label is centred on its tick.
    for (value, text) in zip(layout.xTicks, layout.texts(.xTick)) {
      #expect(text.box.midX.isApproximatelyEqual(to: layout.xScale(value), relativeTolerance: 1e-12))
    }
    for (value, text) in zip(layout.yTicks, layout.texts(.yTick)) {
      #expect(text.box.midY.isApproximatelyEqual(to: layout.yScale(value), relativeTolerance: 1e-12))
    }
  }

  @Test(arguments: SampleFigures.all)
  func ticksLieInsideTheAxisDomainsWithOneLabelEach(_ sample: SampleFigure) {
    let layout = Self.layout(sample.figure)
    #expect(layout.xTicks.allSatisfy { layout.xScale.domain.contains($0) })
    #expect(layout.yTicks.allSatisfy { layout.yScale.domain.contains($0) })
    #expect(layout.texts(.xTick).count == layout.xTicks.count)
    #expect(layout.texts(.yTick).count == layout.yTicks.count)
    #expect(layout.xTicks.count >= 2, "x ticks \(layout.xTicks)")
    #expect(layout.yTicks.count >= 2, "y ticks \(layout.yTicks)")
  }

  @Test(arguments: SampleFigures.all)
  func legendFrameStaysInThePlotAreaClearOfTickLabelsAndTitle(_ sample: SampleFigure) {
    let layout = Self.layout(sample.figure)
    guard let legend = layout.legend else { return }
    #expect(layout.plotArea.contains(legend.frame), "legend \(legend.frame) leaves \(layout.plotArea)")
    for text in layout.texts where [.xTick, .yTick, .title, .xLabel, .yLabel].contains(text.role) {
      #expect(!legend.frame.intersects(text.box), "legend \(legend.frame) covers \(text.role) \"\(text.text)\"")
    }
    for entry in legend.entries {
      #expect(legend.frame.contains(entry.label.box), "legend label \"\(entry.label.text)\" leaves its frame")
    }
  }

  @Test func topYTickLabelClearsATitleThatReachesOverIt() {
    let layout = Self.layout(SampleFigures.wideTitleOverTopTick.figure)
    for title in layout.texts(.title) {
      for tick in layout.texts(.yTick) {
        #expect(!title.box.intersects(tick.box), "title \(title.box) overlaps y tick \"\(tick.text)\" \(tick.box)")
      }
    }
  }

  @Test func legendWiderThanThePlotAreaStillStaysInside() throws {
    let layout = Self.layout(SampleFigures.smallWithTutorialLegend.figure)
    let legend = try #require(layout.legend)
    #expect(layout.plotArea.contains(legend.frame), "legend \(legend.frame) leaves \(layout.plotArea)")
    for tick in layout.texts(.yTick) {
      #expect(!legend.frame.intersects(tick.box), "legend \(legend.frame) covers y tick \"\(tick.text)\"")
    }
  }

  @Test func tutorialFiguresHaveTheirTextsAndLegends() {
    let density = Self.layout(SampleFigures.density.figure)
    #expect(density.texts(.title).map(\.text) == ["Density Estimation of X"])
    #expect(density.texts(.xLabel).map(\.text) == ["X"])
    #expect(density.texts(.yLabel).map(\.text) == ["Density"])
    #expect(density.texts(.yLabel).first?.angle == 90)
    #expect(density.texts(.legend).map(\.text) == ["Kernel Density Estimation", "Data"])

    let logLikelihood = Self.layout(SampleFigures.logLikelihood.figure)
    #expect(logLikelihood.legend == nil)
    #expect(logLikelihood.texts(.legend).isEmpty)
    // The y labels keep two decimals, as the 0.05 step needs, and use a true minus sign.
    #expect(logLikelihood.texts(.yTick).allSatisfy { $0.text.hasPrefix("\u{2212}1386.") || $0.text.hasPrefix("\u{2212}1387.") })
    #expect(logLikelihood.texts(.yTick).allSatisfy { $0.text.split(separator: ".").last?.count == 2 })
  }

  @Test(arguments: [20, 3, 2, 1, 200])
  func epochAxisHasOnlyIntegerTicks(epochCount: Int) {
    let epochs = (1...epochCount).map(Double.init)
    let figure = Figure(
      size: SampleFigures.tutorialSize, xLabel: "Epoch",
      layers: [.line(LineSeries(xs: epochs, ys: epochs.map { -1000 + $0.squareRoot() }, color: .black))],
      xIntegerTicks: true)
    let layout = Self.layout(figure)
    #expect(!layout.xTicks.isEmpty)
    #expect(layout.xTicks.allSatisfy { $0 == $0.rounded() }, "\(layout.xTicks)")
    #expect(layout.texts(.xTick).allSatisfy { !$0.text.contains(".") })
  }

  @Test func integerTicksOnADomainWithoutIntegersDoNotCrash() {
    let figure = Figure(
      size: SampleFigures.tutorialSize, layers: [.line(LineSeries(xs: [0.2, 0.8], ys: [1, 2], color: .black))],
      xIntegerTicks: true)
    let layout = Self.layout(figure)
    #expect(layout.xTicks.allSatisfy { $0 == $0.rounded() })
  }

  @Test func densityAxisStartsExactlyAtZero() {
    let layout = Self.layout(SampleFigures.density.figure)
    #expect(layout.yScale.domain.lowerBound == 0)
    #expect(layout.yTicks.first == 0)
    // The top keeps the usual 5% margin above the peak.
    let peak = SampleFigures.densityXs.map(SampleFigures.mixtureDensity).max() ?? 0
    #expect(layout.yScale.domain.upperBound.isApproximatelyEqual(to: peak * 1.05, relativeTolerance: 1e-12))
  }

  @Test func startAtZeroIsIgnoredWhenDataGoBelowZero() {
    let figure = Figure(
      size: SampleFigures.tutorialSize, layers: [.line(LineSeries(xs: [0, 1, 2], ys: [-1, 3, 1], color: .black))],
      yStartsAtZero: true)
    let domain = Self.layout(figure).yScale.domain
    #expect(domain.lowerBound.isApproximatelyEqual(to: -1.2, relativeTolerance: 1e-12))
    #expect(domain.upperBound.isApproximatelyEqual(to: 3.2, relativeTolerance: 1e-12))
  }

  @Test func fixedDomainsAreKeptAsGiven() {
    let figure = Figure(
      size: SampleFigures.tutorialSize, layers: [.line(LineSeries(xs: [0, 1], ys: [0, 1], color: .black))],
      xDomain: -2...7, yDomain: 0.5...0.75)
    let layout = Self.layout(figure)
    #expect(layout.xScale.domain == -2...7)
    #expect(layout.yScale.domain == 0.5...0.75)
  }

  @Test func singlePointGetsAPaddedDomainAroundIt() {
    let layout = Self.layout(SampleFigures.singlePoint.figure)
    #expect(layout.xScale.domain.contains(3))
    #expect(layout.yScale.domain.contains(5))
    #expect(layout.xScale.domain.upperBound > layout.xScale.domain.lowerBound)
    #expect(layout.yScale.domain.upperBound > layout.yScale.domain.lowerBound)
  }

  @Test func yScaleIsFlippedOnceSoLargerValuesAreHigherUp() {
    let layout = Self.layout(SampleFigures.density.figure)
    let area = layout.plotArea
    #expect(layout.yScale(layout.yScale.domain.lowerBound) == area.maxY)
    #expect(layout.yScale(layout.yScale.domain.upperBound) == area.minY)
    #expect(layout.xScale(layout.xScale.domain.lowerBound) == area.minX)
    #expect(layout.xScale(layout.xScale.domain.upperBound) == area.maxX)
  }

  @Test func longTitleShrinksToTheFigureWidth() throws {
    let sample = SampleFigures.longTitle
    let layout = Self.layout(sample.figure)
    let title = try #require(layout.texts(.title).first)
    #expect(title.font.size < sample.figure.theme.titleFont.size)
    #expect(title.box.width <= layout.size.width - 2 * sample.figure.theme.padding + 1e-9)
  }

  @Test(arguments: [
    // A curve falling from the upper left: the free corner is the upper right.
    ([0.0, 1, 2, 3, 4, 5, 6], [6.0, 3, 1.5, 0.8, 0.4, 0.2, 0.1], LegendPlacement.upperRight),
    // Rising to the upper right: the upper left is free.
    ([0.0, 1, 2, 3, 4, 5, 6], [0.1, 0.2, 0.4, 0.8, 1.5, 3, 6], .upperLeft),
    // A peak in the middle leaves both upper corners free; the tie goes to the upper right.
    ([0.0, 1, 2, 3, 4, 5, 6], [0.1, 1, 4, 6, 4, 1, 0.1], .upperRight),
  ] as [([Double], [Double], LegendPlacement)])
  func bestLegendPlacementAvoidsTheData(xs: [Double], ys: [Double], expected: LegendPlacement) throws {
    let figure = Figure(
      size: SampleFigures.tutorialSize, title: "Placement", xLabel: "x", yLabel: "y",
      layers: [.line(LineSeries(xs: xs, ys: ys, color: .black, label: "a curve with a label"))], yStartsAtZero: true)
    let layout = Self.layout(figure)
    let legend = try #require(layout.legend)
    #expect(legend.placement == expected)
    let hidden = figure.markSamples(xScale: layout.xScale, yScale: layout.yScale).filter { legend.frame.contains($0) }
    #expect(hidden.isEmpty, "the legend hides \(hidden.count) points of the curve")
  }

  /// Three peaks, the outer two high enough that a wide legend covers one in every
  /// corner (the components figure at n = 10⁷).
  static func threePeaks(legend: LegendPlacement = .best, yDomain: ClosedRange<Double>? = nil) -> Figure {
    let xs = (0...600).map { -6 + Double($0) / 50 }
    let ys = xs.map { x in [(-2.0, 0.7, 0.3), (1, 1, 0.5), (4, 0.5, 0.2)].reduce(0.0) { sum, c in
      sum + c.2 * Foundation.exp(-0.5 * (x - c.0) * (x - c.0) / (c.1 * c.1)) / (c.1 * (2 * Double.pi).squareRoot())
    } }
    var figure = Figure(
      size: SampleFigures.tutorialSize, title: "Three peaks", xLabel: "x", yLabel: "density",
      layers: [
        .line(LineSeries(xs: xs, ys: ys, color: .black, label: "Mixture")),
        .line(LineSeries(xs: xs, ys: ys.map { $0 / 2 }, color: .black, label: "Half of it")),
        .line(LineSeries(xs: [-6, 6], ys: [0, 0], color: .black, label: "Data (5000 of 10 000 000), coloured by responsibility")),
      ],
      yDomain: yDomain, yStartsAtZero: true)
    figure.legend = legend
    return figure
  }

  @Test func aLegendThatCoversMarksInEveryCornerGetsHeadroom() throws {
    let figure = Self.threePeaks()
    var fixed = figure
    fixed.legend = .upperLeft
    let cramped = Self.layout(fixed)
    let crampedLegend = try #require(cramped.legend)
    try #require(crampedLegend.covered > 0, "the sample must be crowded to test anything")

    let layout = Self.layout(figure)
    let legend = try #require(layout.legend)
    #expect(legend.covered == 0)
    let hidden = figure.markSamples(xScale: layout.xScale, yScale: layout.yScale).filter { legend.frame.insetBy(-2).contains($0) }
    #expect(hidden.isEmpty, "the legend hides \(hidden.count) points")
    // Only the top moved, and by no more than the legend needs (under half the plot).
    #expect(layout.yScale.domain.lowerBound == cramped.yScale.domain.lowerBound)
    #expect(layout.yScale.domain.upperBound > cramped.yScale.domain.upperBound)
    #expect(layout.yScale.domain.upperBound < 2 * cramped.yScale.domain.upperBound)
  }

  @Test func fixedLimitsOrAFixedCornerGetNoHeadroom() throws {
    let fixedCorner = Self.layout(Self.threePeaks(legend: .upperLeft))
    let best = Self.layout(Self.threePeaks())
    #expect(fixedCorner.yScale.domain.upperBound < best.yScale.domain.upperBound)
    let limited = Self.layout(Self.threePeaks(yDomain: 0...0.2))
    #expect(limited.yScale.domain == 0...0.2)
  }

  @Test func peakAtTheUpperLeftSendsTheLegendRight() throws {
    let xs = (0..<100).map { Double($0) / 10 }
    let figure = Figure(
      size: SampleFigures.tutorialSize,
      layers: [.line(LineSeries(xs: xs, ys: xs.map { 1 / (1 + ($0 - 1) * ($0 - 1)) }, color: .black, label: "peak at 1"))],
      yStartsAtZero: true)
    let legend = try #require(Self.layout(figure).legend)
    #expect(legend.placement == .upperRight)
    #expect(legend.frame.minX > Self.layout(figure).plotArea.midX)
  }

  @Test(arguments: [LegendPlacement.upperRight, .upperLeft, .lowerLeft, .lowerRight])
  func explicitLegendPlacementIsHonoured(placement: LegendPlacement) throws {
    var figure = SampleFigures.twoLines.figure
    figure.legend = placement
    let layout = Self.layout(figure)
    let legend = try #require(layout.legend)
    #expect(legend.placement == placement)
    let area = layout.plotArea
    switch placement {
    case .upperRight, .lowerRight: #expect(legend.frame.midX > area.midX)
    default: #expect(legend.frame.midX < area.midX)
    }
    switch placement {
    case .upperRight, .upperLeft: #expect(legend.frame.midY < area.midY)
    default: #expect(legend.frame.midY > area.midY)
    }
  }

  @Test func legendIsOmittedWithoutLabelsOrWhenTurnedOff() {
    let unlabelled = Figure(size: SampleFigures.tutorialSize, layers: [.line(LineSeries(xs: [0, 1], ys: [0, 1], color: .black))])
    #expect(Self.layout(unlabelled).legend == nil)
    var off = SampleFigures.twoLines.figure
    off.legend = .none
    #expect(Self.layout(off).legend == nil)
  }

  @Test func legendHasOneRowPerLabelledLayerInOrder() throws {
    let legend = try #require(Self.layout(SampleFigures.twoLines.figure).legend)
    #expect(legend.entries.map(\.label.text) == ["Kernel Density Estimation", "Gaussian Mixture Model"])
    let first = legend.entries[0].label.box, second = legend.entries[1].label.box
    #expect(first.maxY <= second.minY)
    guard case .line(_, _, let style) = legend.entries[1].sample else {
      Issue.record("a line layer should have a line sample")
      return
    }
    #expect(style.dash == [6, 3])
  }

  @Test func layoutIsPureAndRepeatable() {
    let figure = SampleFigures.twoLines.figure
    #expect(Self.layout(figure) == Self.layout(figure))
    #expect(figure.layout(measuring: ApproximateTextMeasurer()) == Self.layout(figure))
  }
}
