import Testing

@testable import Plotting

/// The SVG canvas on its own (no cairo): numbers, escaping, paths, clips and texts.
@Suite struct SVGCanvasTests {
  static let numbers: [(Double, String)] = [
    (0.0, "0"), (-0.0, "0"), (-0.0004, "0"), (1, "1"), (-3, "-3"), (12.5, "12.5"), (0.125, "0.125"),
    (460.8, "460.8"), (345.6, "345.6"), (1.0 / 3, "0.333"), (2.0 / 3, "0.667"), (-2.0 / 3, "-0.667"),
    (0.0005, "0.001"), (-0.0005, "-0.001"), (9.9996, "10"), (100.05, "100.05"), (0.01, "0.01"),
    (Double.nan, "0"), (Double.infinity, "0"), (1e20, "1000000000000"),
  ]

  @Test(arguments: numbers)
  func numbersHaveAtMostThreeDecimalsAndNoNegativeZero(value: Double, text: String) {
    #expect(SVGCanvas.number(value) == text)
  }

  @Test func markupCharactersAreEscapedAndControlsReplaced() {
    #expect(SVGCanvas.escaped(##"<b>&"x"</b>"##) == "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;")
    #expect(SVGCanvas.escaped("it's") == "it&apos;s")
    #expect(SVGCanvas.escaped("a\u{0}b\nc\td\u{1B}e\u{7F}f\u{85}g\u{FFFE}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g\u{FFFD}")
    #expect(SVGCanvas.escaped("μ −1 σ²") == "μ −1 σ²")
  }

  @Test func documentIsSizedInPointsWithAViewBox() {
    let canvas = SVGCanvas(size: Size(width: 460.8, height: 345.6), measuring: ApproximateTextMeasurer())
    let svg = canvas.document
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"460.8pt\" height=\"345.6pt\" viewBox=\"0 0 460.8 345.6\""))
    #expect(svg.hasSuffix("</svg>\n"))
  }

  @Test func fillsStrokesAndCirclesBecomePathsWithTheirPaint() {
    let canvas = SVGCanvas(size: Size(width: 100, height: 50), measuring: ApproximateTextMeasurer())
    canvas.fill(Path(rect: Rect(x: 1, y: 2, width: 3, height: 4)), color: Color(hex: 0x1F77B4, alpha: 0.25))
    canvas.stroke(Path(polyline: [Point(0, 0), Point(10.5, -0.0001)]), style: StrokeStyle(color: .red, width: 1.5, dash: [4, 3]))
    var dot = Path()
    dot.addCircle(center: Point(5, 6), radius: 2)
    canvas.fill(dot, color: .green)
    var dots = Path()
    dots.addCircle(center: Point(5, 6), radius: 2)
    dots.addCircle(center: Point(9, 6), radius: 1)
    canvas.stroke(dots, style: StrokeStyle(color: .black, width: 0.8))
    canvas.fill(Path(), color: .black)
    let lines = canvas.document.split(separator: "\n").map(String.init)
    #expect(
      Array(lines[2...]) == [
        ##"<path d="M1 2L4 2L4 6L1 6Z" fill="#1f77b4" fill-opacity="0.25"/>"##,
        ##"<path d="M0 0L10.5 0" fill="none" stroke="#ff0000" stroke-width="1.5" stroke-dasharray="4 3"/>"##,
        ##"<circle cx="5" cy="6" r="2" fill="#008000"/>"##,
        ##"<path d="M7 6A2 2 0 1 1 3 6A2 2 0 1 1 7 6ZM10 6A1 1 0 1 1 8 6A1 1 0 1 1 10 6Z" fill="none" stroke="#000000" stroke-width="0.8"/>"##,
        "</svg>",
      ])
  }

  @Test func clipsAreNestedGroupsAndAllClosed() {
    let canvas = SVGCanvas(size: Size(width: 100, height: 50), measuring: ApproximateTextMeasurer())
    canvas.pushClip(Rect(x: 10, y: 5, width: 80, height: 40))
    canvas.pushClip(Rect(x: 20, y: 5, width: 10, height: 10))
    canvas.popClip()
    canvas.popClip()
    canvas.popClip()  // one too many: ignored
    canvas.pushClip(Rect(x: 0, y: 0, width: 1, height: 1))  // left open: closed by the document
    let lines = canvas.document.split(separator: "\n").map(String.init)
    #expect(
      Array(lines[2...]) == [
        ##"<clipPath id="clip1"><rect x="10" y="5" width="80" height="40"/></clipPath>"##, ##"<g clip-path="url(#clip1)">"##,
        ##"<clipPath id="clip2"><rect x="20" y="5" width="10" height="10"/></clipPath>"##, ##"<g clip-path="url(#clip2)">"##,
        "</g>", "</g>",
        ##"<clipPath id="clip3"><rect x="0" y="0" width="1" height="1"/></clipPath>"##, ##"<g clip-path="url(#clip3)">"##,
        "</g>", "</svg>",
      ])
  }

  /// The approximate measurer's 10 pt font has ascent 7.6 and descent 2.4: the baseline
  /// moves by ascent − v for each vertical anchor.
  static let anchors: [(TextAnchor, String, String)] = [
    (TextAnchor(.left, .top), "start", "27.6"), (TextAnchor(.center, .center), "middle", "22.6"),
    (TextAnchor(.right, .baseline), "end", "20"), (TextAnchor(.left, .bottom), "start", "17.6"),
  ]

  @Test(arguments: anchors)
  func textsAreAnchoredByTextAnchorAndABaselineOffset(anchor: TextAnchor, textAnchor: String, baseline: String) {
    let canvas = SVGCanvas(size: Size(width: 100, height: 50), measuring: ApproximateTextMeasurer())
    canvas.drawText("Ab", at: Point(10, 20), font: Font(size: 10), color: Color(hex: 0x1A1A1A), anchor: anchor, angle: 0)
    let line = canvas.document.split(separator: "\n")[2]
    #expect(line == ##"<text x="10" y="\##(baseline)" font-family="DejaVu Sans" font-size="10" text-anchor="\##(textAnchor)" fill="#1a1a1a">Ab</text>"##)
  }

  @Test func rotatedBoldTranslucentTextTurnsAboutItsAnchor() {
    let canvas = SVGCanvas(size: Size(width: 100, height: 50), measuring: ApproximateTextMeasurer())
    canvas.drawText(
      "<y & 'z'>", at: Point(8, 25), font: Font(size: 12, bold: true), color: Color(hex: 0x336699, alpha: 0.5),
      anchor: TextAnchor(.center, .top), angle: 90)
    let line = canvas.document.split(separator: "\n")[2]
    #expect(
      line
        == ##"<text x="8" y="34.12" transform="rotate(-90 8 25)" font-family="DejaVu Sans" font-size="12" font-weight="bold" text-anchor="middle" fill="#336699" fill-opacity="0.5">&lt;y &amp; &apos;z&apos;&gt;</text>"##
    )
  }

  @Test func aFigureDrawsTheSameOnTwoCanvases() {
    func svg() -> String {
      let canvas = SVGCanvas(size: SampleFigures.density.figure.size, measuring: ApproximateTextMeasurer())
      SampleFigures.density.figure.draw(on: canvas)
      return canvas.document
    }
    #expect(svg() == svg())
  }
}
