import Testing

@testable import Plotting

/// The dark theme keeps contrast (WCAG 2 ratios against its background), and the light
/// theme draws colours exactly as given.
@Suite struct ThemeTests {
  @Test func contrastRatiosAreWCAGs() {
    #expect(Color.black.contrastRatio(with: .white) == 21)
    #expect(Color.white.contrastRatio(with: .white) == 1)
    // WebAIM's checker: #777777 on white is 4.48:1, #1E1E1E on white 16.67:1.
    #expect(abs(Color(hex: 0x777777).contrastRatio(with: .white) - 4.48) < 0.005)
    #expect(abs(Color(hex: 0x1E1E1E).contrastRatio(with: .white) - 16.67) < 0.005)
    #expect(Color(hex: 0x336699).contrastRatio(with: .white) == Color.white.contrastRatio(with: Color(hex: 0x336699)))
  }

  @Test func darkThemeTextAndFrameKeepContrast() {
    let t = Theme.dark
    #expect(t.background == Color(hex: 0x1E1E1E) && t.background.alpha == 1)
    #expect(t.textColor.contrastRatio(with: t.background) >= 12)
    #expect(t.frameColor.contrastRatio(with: t.background) >= 4.5)
    // The grid is lighter than the background but fainter than the frame.
    let grid = t.gridColor.contrastRatio(with: t.background)
    #expect(grid > 1.2 && grid < 2 && t.gridColor.relativeLuminance > t.background.relativeLuminance)
    // The light theme's text on white, for comparison.
    #expect(Theme.light.textColor.contrastRatio(with: Theme.light.background) >= 12)
  }

  /// Every colour the report's figures give their marks: the palettes, viridis, the
  /// tutorial's green and red, and the greys and accents ReportKit names.
  static let seriesColors: [Color] =
    Color.palette + Color.okabeIto + ColorScale.viridisStops.map(\.color) + [.green, .red, .black]
    + [0x1A1A1A, 0x222222, 0x555555, 0x7F7F7F, 0x888888, 0xB0B0B0, 0xBBBBBB, 0x7B3294, 0xD55E00].map { Color(hex: $0) }

  @Test func everySeriesColourOnDarkHasAtLeastThreeToOne() throws {
    let t = Theme.dark
    for color in Self.seriesColors {
      let mapped = t.ink(color)
      #expect(mapped.contrastRatio(with: t.background) >= 3, "\(color.hexString) → \(mapped.hexString)")
    }
  }

  @Test func darkThemeBrightensTheTutorialsGreenAndRedAndKeepsAlpha() {
    let t = Theme.dark
    #expect(t.ink(.green).hexString == "#4cc24c")
    #expect(t.ink(.red).hexString == "#ff6b6b")
    #expect(t.ink(Color.red.withAlpha(0.4)) == Color(hex: 0xFF6B6B, alpha: 0.4))
    #expect(t.ink(.green).contrastRatio(with: t.background) >= 4.5)
    #expect(t.ink(.red).contrastRatio(with: t.background) >= 4.5)
  }

  @Test func darkThemeTurnsGreysAroundAndKeepsHalosInTheBackground() {
    let t = Theme.dark
    #expect(t.ink(.black).hexString == "#ffffff")
    #expect(t.ink(.white).hexString == t.background.hexString)
    // Near-black ink becomes near-white ink.
    #expect(t.ink(Color(hex: 0x1A1A1A)).hexString == "#e8e8e8")
    let grey = t.ink(Color(hex: 0x7F7F7F))
    #expect(grey.red == grey.green && grey.green == grey.blue)
  }

  @Test func coloursWithContrastEnoughAreKeptAndOthersRaisedJustEnough() {
    let t = Theme.dark
    // tab10's blue already has 3.6:1 on #1E1E1E: unchanged.
    #expect(t.ink(Color.palette[0]) == Color.palette[0])
    // viridis' dark end is blended toward white up to 3:1, not beyond.
    let raised = t.ink(ColorScale.viridisStops[0].color)
    #expect(abs(raised.contrastRatio(with: t.background) - 3) < 1e-6)
    // The same colour always maps to the same colour.
    #expect(t.ink(ColorScale.viridisStops[0].color) == raised)
  }

  /// A scale through a mid grey (responsibilities of two components) and viridis map to
  /// continuous scales: no step between neighbouring colours, so a colour bar shows no band.
  @Test func colourScalesStayContinuousOnDark() {
    let t = Theme.dark
    let throughGrey = ColorScale(
      domain: 0...1, stops: [ColorStop(position: 0, color: Color.palette[0]), ColorStop(position: 0.5, color: Color(hex: 0xB0B0B0)), ColorStop(position: 1, color: Color.palette[1])])
    for scale in [throughGrey, ColorScale.viridis(domain: 0...1)] {
      let mapped = (0...512).map { t.ink(scale.color(atFraction: Double($0) / 512)) }
      for (a, b) in zip(mapped, mapped.dropFirst()) {
        let step = max(abs(a.red - b.red), abs(a.green - b.green), abs(a.blue - b.blue))
        #expect(step < 0.02, "\(a.hexString) → \(b.hexString)")
      }
    }
    // The mid grey itself reads on the background and is kept.
    #expect(t.ink(Color(hex: 0xB0B0B0)) == Color(hex: 0xB0B0B0))
  }

  @Test func lightThemeDrawsColoursAsGiven() {
    #expect(Theme.light.seriesColors == nil)
    for color in Self.seriesColors { #expect(Theme.light.ink(color) == color) }
  }

  @Test func darkFigureIsPaintedWithTheDarkColours() {
    var figure = SampleFigures.density.figure
    figure.theme = .dark
    let canvas = SVGCanvas(size: figure.size, measuring: ApproximateTextMeasurer())
    figure.draw(on: canvas)
    let svg = canvas.document
    let lines = svg.split(separator: "\n")
    #expect(lines[2].hasPrefix("<path d=\"M0 0L460.8 0L460.8 345.6L0 345.6Z\" fill=\"#1e1e1e\""))
    #expect(svg.contains("stroke=\"#4cc24c\""))  // the KDE line
    #expect(svg.contains("fill=\"#ff6b6b\""))  // the data points
    #expect(!svg.contains("#008000") && !svg.contains("#ff0000"))
    let texts = lines.filter { $0.hasPrefix("<text") }
    #expect(!texts.isEmpty && texts.allSatisfy { $0.contains("fill=\"#e6e6e6\"") })
  }

  @Test func lightFigureRecordsTheSameOperationsAsBefore() {
    // A light figure's marks keep the figure's own colours, call for call.
    let canvas = RecordingCanvas()
    SampleFigures.density.figure.draw(on: canvas)
    let strokes = canvas.operations.compactMap { op -> Color? in
      if case .stroke(_, let style) = op { return style.color }
      return nil
    }
    #expect(strokes.contains(.green))
    let size = SampleFigures.density.figure.size
    #expect(canvas.operations.first == .fill(Path(rect: Rect(x: 0, y: 0, width: size.width, height: size.height)), .white))
  }
}
