import Testing
import TestSupport

@testable import Plotting

/// What ``Figure/draw(on:)`` hands to a canvas, recorded.
@Suite struct FigureDrawingTests {
  /// Draws `figure` on a fresh recording canvas.
  static func record(_ figure: Figure) -> (operations: [RecordingCanvas.Operation], layout: FigureLayout) {
    let canvas = RecordingCanvas()
    let layout = figure.draw(on: canvas)
    return (canvas.operations, layout)
  }

  /// The operations between the (single) clip push and its pop.
  static func clipped(_ operations: [RecordingCanvas.Operation]) -> ArraySlice<RecordingCanvas.Operation>? {
    guard let push = operations.firstIndex(where: { if case .pushClip = $0 { true } else { false } }),
      let pop = operations.firstIndex(of: .popClip), push < pop
    else { return nil }
    return operations[(push + 1)..<pop]
  }

  /// The number of points a path visits (moves and lines).
  static func pointCount(_ path: Path) -> Int {
    path.elements.filter {
      switch $0 {
      case .move, .line: true
      case .close, .circle: false
      }
    }.count
  }

  @Test(arguments: SampleFigures.all)
  func backgroundIsFilledFirstOverTheWholeFigure(_ sample: SampleFigure) throws {
    let (operations, layout) = Self.record(sample.figure)
    let first = try #require(operations.first)
    let whole = Rect(x: 0, y: 0, width: layout.size.width, height: layout.size.height)
    #expect(first == .fill(Path(rect: whole), sample.figure.theme.background))
  }

  @Test(arguments: SampleFigures.all)
  func layersAreDrawnInsideOneClipToThePlotArea(_ sample: SampleFigure) throws {
    let (operations, layout) = Self.record(sample.figure)
    let pushes = operations.filter { if case .pushClip = $0 { true } else { false } }
    #expect(pushes == [.pushClip(layout.plotArea)])
    #expect(operations.filter { $0 == .popClip }.count == 1)
    let inside = try #require(Self.clipped(operations))
    // Nothing but marks inside the clip: no text, no nested clip.
    #expect(inside.allSatisfy {
      switch $0 {
      case .fill, .stroke: true
      case .text, .pushClip, .popClip: false
      }
    })
  }

  @Test(arguments: SampleFigures.all)
  func everyLaidOutTextIsDrawnOnceInOrder(_ sample: SampleFigure) {
    let (operations, layout) = Self.record(sample.figure)
    let drawn = operations.compactMap { operation -> (String, Rect)? in
      if case .text(let text, let box, _, _) = operation { return (text, box) }
      return nil
    }
    #expect(drawn.count == layout.texts.count)
    #expect(drawn.map(\.0) == layout.texts.map(\.text))
    #expect(drawn.map(\.1) == layout.texts.map(\.box))
  }

  @Test func tutorialDensityFigureDrawsTheExpectedTextCount() {
    let (operations, layout) = Self.record(SampleFigures.density.figure)
    let textCount = operations.filter { if case .text = $0 { true } else { false } }.count
    // Title, two axis titles, tick labels on both axes, and two legend rows.
    #expect(textCount == 3 + layout.xTicks.count + layout.yTicks.count + 2)
  }

  @Test func lineLayerPathVisitsEveryDataPoint() throws {
    let figure = SampleFigures.logLikelihood.figure
    let (operations, layout) = Self.record(figure)
    let inside = try #require(Self.clipped(operations))
    guard case .line(let series) = figure.layers[0] else {
      Issue.record("the log-likelihood figure should have a line layer")
      return
    }
    let strokes = inside.compactMap { operation -> Path? in
      if case .stroke(let path, let style) = operation, style == series.style { return path }
      return nil
    }
    let path = try #require(strokes.first)
    #expect(strokes.count == 1)
    #expect(Self.pointCount(path) == series.xs.count)
    #expect(path.elements.first == .move(Point(layout.xScale(1), layout.yScale(series.ys[0]))))
    // Markers: one filled circle per point, in the line's colour.
    let markers = inside.compactMap { operation -> Path? in
      if case .fill(let path, let color) = operation, color == series.style.color { return path }
      return nil
    }
    #expect(markers.count == 1)
    #expect(markers.first?.elements.count == series.xs.count)
  }

  @Test func nonFiniteValuesAreLeftOutOfTheLine() throws {
    let figure = Figure(
      size: SampleFigures.tutorialSize,
      layers: [.line(LineSeries(xs: [0, 1, 2, 3, 4], ys: [1, .nan, 2, .infinity, 3], color: .black))])
    let (operations, _) = Self.record(figure)
    let inside = try #require(Self.clipped(operations))
    guard case .stroke(let path, _) = try #require(inside.first) else {
      Issue.record("the line should be the first mark inside the clip")
      return
    }
    #expect(Self.pointCount(path) == 3)
  }

  @Test func pointsOfOneColourShareAFillAndColourChangesStartANewOne() throws {
    let colors: [Color] = [.red, .red, .green, .green, .green, .red]
    let figure = Figure(
      size: SampleFigures.tutorialSize,
      layers: [.points(PointSeries(xs: [0, 1, 2, 3, 4, 5], ys: [0, 1, 2, 3, 4, 5], colors: colors, radius: 3))],
      legend: .none)
    let (operations, _) = Self.record(figure)
    let fills = try #require(Self.clipped(operations)).compactMap { operation -> (Path, Color)? in
      if case .fill(let path, let color) = operation { return (path, color) }
      return nil
    }
    #expect(fills.map(\.1) == [.red, .green, .red])
    #expect(fills.map { $0.0.elements.count } == [2, 3, 1])
    #expect(fills.allSatisfy { $0.0.elements.allSatisfy { if case .circle(_, 3) = $0 { true } else { false } } })
  }

  @Test func gridLinesAreDrawnOnlyWhenTheThemeAsksForThem() throws {
    var figure = SampleFigures.density.figure
    let (withGrid, layout) = Self.record(figure)
    guard case .stroke(let grid, let style) = withGrid[1] else {
      Issue.record("the grid should follow the background")
      return
    }
    #expect(style.color == figure.theme.gridColor)
    // One segment (move + line) per tick on each axis.
    #expect(Self.pointCount(grid) == 2 * (layout.xTicks.count + layout.yTicks.count))

    figure.theme.grid = false
    let (withoutGrid, _) = Self.record(figure)
    #expect(withoutGrid.count == withGrid.count - 1)
    guard case .pushClip = withoutGrid[1] else {
      Issue.record("without a grid the clip should follow the background")
      return
    }
  }

  @Test func legendFrameIsPaintedAfterTheLayers() throws {
    let (operations, layout) = Self.record(SampleFigures.twoLines.figure)
    let legend = try #require(layout.legend)
    let pop = try #require(operations.firstIndex(of: .popClip))
    let frameFill = operations.firstIndex {
      if case .fill(let path, _) = $0 { path == Path(rect: legend.frame) } else { false }
    }
    #expect(frameFill.map { $0 > pop } == true)
  }

  @Test func drawReturnsTheLayoutItPainted() {
    let canvas = RecordingCanvas()
    let figure = SampleFigures.twoLines.figure
    #expect(figure.draw(on: canvas) == figure.layout(measuring: canvas))
  }
}
