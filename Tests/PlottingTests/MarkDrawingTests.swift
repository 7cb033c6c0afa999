import Testing
import TestSupport

@testable import Plotting

/// What the new marks hand to a canvas, recorded.
@Suite struct MarkDrawingTests {
  static func inside(_ layers: [Layer]) -> [RecordingCanvas.Operation] {
    let canvas = RecordingCanvas()
    Figure(size: SampleFigures.tutorialSize, layers: layers, xDomain: 0...10, yDomain: 0...10, legend: .none).draw(on: canvas)
    guard let push = canvas.operations.firstIndex(where: { if case .pushClip = $0 { true } else { false } }),
      let pop = canvas.operations.firstIndex(of: .popClip)
    else { return [] }
    return Array(canvas.operations[(push + 1)..<pop])
  }

  @Test func pointsTakeTheirOwnRadiiAndHollowOnesAreStroked() {
    let ops = Self.inside([
      .points(PointSeries(xs: [1, 2, 3], ys: [1, 2, 3], colors: [.red], radii: [1, 4], fill: .hollow(lineWidth: 0.75)))
    ])
    #expect(ops.count == 1)
    guard case .stroke(let path, let style) = ops.first else {
      Issue.record("hollow points should be one stroke")
      return
    }
    #expect(style == StrokeStyle(color: .red, width: 0.75))
    #expect(path.elements.map { if case .circle(_, let r) = $0 { r } else { -1 } } == [1, 4, 4])
  }

  @Test func segmentsAreOneStrokeOfSeparateLinesAndNonFiniteOnesAreLeftOut() {
    let style = StrokeStyle(color: .red, width: 0.7)
    let ops = Self.inside([
      .segments(SegmentSeries(x0s: [1, 2, .nan, 4], y0s: [1, 2, 3, 4], x1s: [1, 3, 3, 5], y1s: [3, 2, 3, .infinity], style: style))
    ])
    #expect(ops.count == 1)
    guard case .stroke(let path, let drawn) = ops.first else {
      Issue.record("segments should be one stroke")
      return
    }
    #expect(drawn == style)
    let kinds = path.elements.map { element -> String in
      switch element {
      case .move: "M"
      case .line: "L"
      case .close: "Z"
      case .circle: "C"
      }
    }
    #expect(kinds == ["M", "L", "M", "L"], "two finite segments, each its own subpath")
    let layer = Layer.segments(SegmentSeries(x0s: [1, 2], y0s: [5, 6], x1s: [3, 4], y1s: [7, 8], style: style))
    #expect(layer.xs == [1, 2, 3, 4] && layer.ys == [5, 6, 7, 8], "both ends set the axes")
  }

  @Test func polygonsAreFilledThenStrokedAsOneClosedPath() throws {
    let outline = try #require(Ellipse(centerX: 5, centerY: 5, a: 1, b: 0.3, c: 2, radius: 2)).polygon(vertexCount: 12)
    let stroke = StrokeStyle(color: .black, width: 1)
    let ops = Self.inside([.polygon(PolygonSeries(outline: outline, fill: Color.red.withAlpha(0.2), stroke: stroke))])
    #expect(ops.count == 2)
    guard case .fill(let path, let color) = ops[0], case .stroke(let stroked, let style) = ops[1] else {
      Issue.record("expected a fill then a stroke")
      return
    }
    #expect(color.alpha == 0.2 && style == stroke && path == stroked)
    #expect(path.elements.count == 13)
    #expect(path.elements.last == .close)
  }

  @Test func contoursAreOneStrokePerLevelInItsColour() {
    let levels = [
      ContourLevel(level: 1, lines: [Polyline(xs: [1, 2, 3], ys: [1, 2, 1], isClosed: true)]),
      ContourLevel(level: 2, lines: [Polyline(xs: [4, 5], ys: [4, 5], isClosed: false), Polyline(xs: [6, 7], ys: [6, 7], isClosed: false)]),
      ContourLevel(level: 3, lines: []),
    ]
    let ops = Self.inside([.contour(ContourSeries(levels: levels, colors: [.red, .green]))])
    let colors = ops.compactMap { if case .stroke(_, let s) = $0 { s.color } else { nil } }
    #expect(colors == [.red, .green])
  }

  @Test(arguments: [MarkerShape.cross, .plus, .disk, .diamond])
  func markersDrawAHaloOrAnEdge(shape: MarkerShape) {
    let ops = Self.inside([.markers(MarkerSeries(xs: [5], ys: [5], shape: shape, size: 5, colors: [.red]))])
    #expect(ops.count == 2)
    switch shape {
    case .cross, .plus:
      guard case .stroke(_, let halo) = ops[0], case .stroke(_, let mark) = ops[1] else {
        Issue.record("a halo then the strokes")
        return
      }
      #expect(halo.color == .white && mark.color == .red && halo.width > mark.width)
    case .disk, .diamond:
      guard case .fill(_, let fill) = ops[0], case .stroke = ops[1] else {
        Issue.record("a fill then its edge")
        return
      }
      #expect(fill == .red)
    }
  }
}
