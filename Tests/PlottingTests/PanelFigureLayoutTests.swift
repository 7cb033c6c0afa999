import Foundation
import Testing
import TestSupport

@testable import Plotting

/// The pure layout of panel figures, measured with ``ApproximateTextMeasurer``.
@Suite struct PanelFigureLayoutTests {
  static func layout(_ figure: PanelFigure) -> PanelFigureLayout { figure.layout(measuring: RecordingCanvas()) }

  @Test(arguments: PanelSamples.all)
  func noTwoTextsOverlap(_ sample: PanelSample) {
    let texts = Self.layout(sample.figure).texts
    for (i, a) in texts.enumerated() {
      for b in texts[(i + 1)...] where a.box.intersects(b.box) {
        Issue.record("\(a.role) \"\(a.text)\" \(a.box) overlaps \(b.role) \"\(b.text)\" \(b.box)")
      }
    }
  }

  @Test(arguments: PanelSamples.all)
  func everyTextAndColourBarLiesInsideTheFigureAndOutsideEveryPlotArea(_ sample: PanelSample) {
    let layout = Self.layout(sample.figure)
    let bounds = Rect(x: 0, y: 0, width: layout.size.width, height: layout.size.height)
    for text in layout.texts {
      #expect(bounds.contains(text.box), "\(text.role) \"\(text.text)\" \(text.box) leaves \(bounds)")
      guard text.role != .legend else { continue }
      for panel in layout.panels {
        #expect(!panel.plotArea.intersects(text.box), "\(text.role) \"\(text.text)\" covers the panel at \(panel.row), \(panel.column)")
      }
    }
    for panel in layout.panels {
      #expect(bounds.contains(panel.plotArea))
      if let bar = panel.colorBar {
        #expect(bounds.contains(bar.strip))
        #expect(layout.panels.allSatisfy { !$0.plotArea.intersects(bar.strip) })
      }
    }
  }

  /// Every mark the figure paints inside its clips, as recorded, must keep clear of the
  /// legend: strokes sampled every ¼ pt (widened by half their width), circles by their
  /// radius, filled outlines by containing a corner of the legend.
  @Test(arguments: PanelSamples.all)
  func legendCoversNoDrawnMark(_ sample: PanelSample) throws {
    let canvas = RecordingCanvas()
    let layout = sample.figure.draw(on: canvas)
    let legend = try #require(layout.legend)
    let frame = legend.frame
    let hits = LegendCheck.coveredMarks(canvas.operations, legend: frame)
    #expect(hits == 0, "the legend \(frame) (\(legend.placement)) covers \(hits) sampled marks")
  }

  @Test func namedYTicksAreTheGivenValuesAndTextsInsideTheRange() throws {
    let layout = Self.layout(PanelSamples.matrix.figure)
    let panel = try #require(layout.panels.first)
    #expect(panel.yTicks == [2, 1, 0], "the tick at 3 is outside -0.5...2.5")
    let texts = layout.texts.filter { $0.role == .yTick }
    #expect(texts.map(\.text) == ["first column", "second", "a third, longer name"])
    for (text, value) in zip(texts, [2.0, 1, 0]) { #expect(text.position.y == panel.yScale(value)) }
    // The longest name sets the left gutter: its box ends left of the plot.
    #expect(texts.allSatisfy { $0.box.maxX <= panel.plotArea.minX })
    #expect(layout.legend?.placement == .outsideRight)
  }

  @Test func sharedRangesAreUnionsAndTickLabelsAreOnlyOnOuterPanels() throws {
    let layout = Self.layout(PanelSamples.pairs.figure)
    let topRight = try #require(layout.panel(row: 0, column: 1))
    let bottomLeft = try #require(layout.panel(row: 1, column: 0))
    let bottomRight = try #require(layout.panel(row: 1, column: 1))
    let topLeft = try #require(layout.panel(row: 0, column: 0))
    // Columns share x: one range, one set of ticks per column.
    #expect(topLeft.xScale.domain == bottomLeft.xScale.domain)
    #expect(topRight.xScale.domain == bottomRight.xScale.domain)
    #expect(topLeft.xTicks == bottomLeft.xTicks)
    // Only the lowest panel of a column labels its x ticks; the upper ones keep the marks.
    #expect(!topLeft.showsXTickLabels && !topRight.showsXTickLabels)
    #expect(bottomLeft.showsXTickLabels && bottomRight.showsXTickLabels)
    #expect(!topLeft.xTicks.isEmpty)
    #expect(layout.texts(.xTick).count == bottomLeft.xTicks.count + bottomRight.xTicks.count)
    // The diagonal keeps its own y (a density) and its labels; the scatter panels label theirs.
    #expect(topLeft.showsYTickLabels && bottomRight.showsYTickLabels)
    #expect(topRight.showsYTickLabels && bottomLeft.showsYTickLabels)
    #expect(topLeft.yScale.domain.lowerBound == 0)
    #expect(layout.texts(.xLabel).map(\.text) == ["x", "y"])
  }

  @Test func facetsShareYAlongRowsAndLabelOnlyTheFirstPanelOfEachRow() throws {
    let layout = Self.layout(PanelSamples.facets.figure)
    #expect(layout.panels.count == 5)
    for row in 0..<3 {
      let first = try #require(layout.panel(row: row, column: 0))
      #expect(first.showsYTickLabels)
      if let second = layout.panel(row: row, column: 1) {
        #expect(second.yScale.domain == first.yScale.domain)
        #expect(!second.showsYTickLabels)
      }
    }
    // The empty cell leaves panel 4 (row 1, column 1) the lowest of its column.
    #expect(try #require(layout.panel(row: 1, column: 1)).showsXTickLabels)
    #expect(layout.texts(.panelTitle).map(\.text) == (1...5).map { "Panel \($0)" })
  }

  @Test(arguments: PanelSamples.all)
  func plotAreasLineUpInRowsAndColumnsWithEqualSizes(_ sample: PanelSample) {
    let layout = Self.layout(sample.figure)
    for a in layout.panels {
      for b in layout.panels {
        #expect(a.plotArea.width == b.plotArea.width && a.plotArea.height == b.plotArea.height)
        if a.row == b.row { #expect(a.plotArea.minY == b.plotArea.minY) }
        if a.column == b.column { #expect(a.plotArea.minX == b.plotArea.minX) }
      }
    }
  }

  @Test func theColourBarHasRoomBesideItsPanelAndTicksInsideItsDomain() throws {
    let figure = PanelSamples.contours.figure
    let layout = Self.layout(figure)
    let panel = try #require(layout.panels.first)
    let bar = try #require(panel.colorBar)
    #expect(bar.strip.minX > panel.plotArea.maxX)
    #expect(bar.strip.minY == panel.plotArea.minY && bar.strip.maxY == panel.plotArea.maxY)
    #expect(bar.ticks.count >= 2 && bar.ticks.allSatisfy { (0...1).contains($0) })
    #expect(layout.texts(.colorBarTick).count == bar.ticks.count)
    #expect(layout.texts(.colorBarLabel).map(\.text) == ["density"])
    var without = figure
    without.panels[0]?.colorBar = nil
    #expect(Self.layout(without).panels[0].plotArea.width > panel.plotArea.width)
  }

  @Test func aLegendThatWouldCoverMarksInEveryCornerGoesOutsideAndTheplotNarrows() throws {
    let figure = PanelSamples.crowded.figure
    let layout = Self.layout(figure)
    let legend = try #require(layout.legend)
    #expect(legend.placement == .outsideRight)
    #expect(layout.legendPanel == nil)
    let area = layout.panels[0].plotArea
    #expect(legend.frame.minX > area.maxX)
    #expect(legend.frame.maxX <= layout.size.width)
    var inside = figure
    inside.legend = .upperRight
    let covering = Self.layout(inside)
    #expect(try #require(covering.legend).covered > 0)
    #expect(covering.panels[0].plotArea.width > area.width)
  }

  @Test func aFreeCornerKeepsTheLegendInside() throws {
    let layout = Self.layout(PanelSamples.contours.figure)
    let legend = try #require(layout.legend)
    #expect(legend.covered == 0)
    #expect(legend.placement != .outsideRight)
    let panel = try #require(layout.legendPanel.map { layout.panels[$0] })
    #expect(panel.plotArea.contains(legend.frame))
  }

  @Test func legendRowsAreTheFirstOfEachLabelAcrossPanels() throws {
    let legend = try #require(Self.layout(PanelSamples.pairs.figure).legend)
    #expect(legend.entries.map(\.label.text) == ["Group 1", "Group 2", "Centres"])
    guard case .symbol(_, .cross, _, _, _) = legend.entries[2].sample else {
      Issue.record("the centres should have a cross as their sample")
      return
    }
  }

  @Test func aFigureWithItsLegendOutsideIsLaidOutAsOnePanel() throws {
    var figure = SampleFigures.twoLines.figure
    figure.legend = .outsideRight
    let layout = figure.layout(measuring: RecordingCanvas())
    let legend = try #require(layout.legend)
    #expect(legend.frame.minX > layout.plotArea.maxX)
    #expect(layout.texts(.title).map(\.text) == ["Density Estimation of X"])
    #expect(layout.texts(.yLabel).map(\.text) == ["Density"])
  }

  @Test func layoutIsPureAndRepeatable() {
    for sample in PanelSamples.all {
      #expect(Self.layout(sample.figure) == Self.layout(sample.figure))
    }
  }

  @Test func degenerateFiguresDoNotTrap() {
    let empty = PanelFigure(size: Size(width: .nan, height: -3), columns: 0, panels: [])
    #expect(Self.layout(empty).panels.isEmpty)
    let blank = PanelFigure(size: Figure.inches(width: 2, height: 2), columns: 3, panels: [nil, Panel(), nil])
    #expect(Self.layout(blank).panels.count == 1)
    let tiny = PanelFigure(size: Size(width: 20, height: 20), columns: 2, panels: [Panel(), Panel(), Panel()])
    #expect(Self.layout(tiny).panels.count == 3)
  }
}

@Suite struct ObstacleTests {
  static let box = Rect(x: 0, y: 0, width: 10, height: 10)

  @Test(arguments: [
    (Point(-5, 5), Point(15, 5), true),  // straight through
    (Point(-5, -5), Point(-1, 20), false),  // beside it
    (Point(2, 2), Point(3, 3), true),  // inside
    (Point(-5, 12), Point(12, -5), true),  // across a corner
    (Point(-5, 26), Point(26, -5), false),  // past the corner
    (Point(10, -3), Point(10, 3), true),  // along an edge
  ] as [(Point, Point, Bool)])
  func segmentsMeetARectangleExactlyWhenTheyShareAPoint(from: Point, to: Point, meets: Bool) {
    #expect(Obstacle.segment(from, to).intersects(Self.box) == meets)
  }

  @Test func disksAndRegions() {
    #expect(Obstacle.disk(center: Point(12, 5), radius: 2.5).intersects(Self.box))
    #expect(!Obstacle.disk(center: Point(12, 12), radius: 2.5).intersects(Self.box))
    // A big triangle around the box covers it although no vertex is inside.
    #expect(Obstacle.region([Point(-50, -50), Point(50, -50), Point(0, 60)]).intersects(Self.box))
    #expect(!Obstacle.region([Point(20, 20), Point(30, 20), Point(25, 30)]).intersects(Self.box))
  }
}
