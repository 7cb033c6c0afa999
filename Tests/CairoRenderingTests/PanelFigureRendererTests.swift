import Foundation
import Plotting
import Testing
import TestSupport

@testable import CairoRendering

/// Two-dimensional figures drawn by cairo: a pairs-like 2 × 2 grid and a contour figure
/// with ellipses and a colour bar.
enum TwoDimensionalFigures {
  /// Two components: means, covariances [[a, b], [b, c]], and 25 points each.
  static let components: [(x: Double, y: Double, a: Double, b: Double, c: Double)] = [
    (-1.5, -0.5, 0.6, 0.25, 0.4), (1.8, 1.2, 0.5, -0.2, 0.7),
  ]
  static let samples = components.enumerated().map { j, m in
    SampleClusters.normal(count: 25, meanX: m.x, meanY: m.y, a: m.a, b: m.b, c: m.c, seed: UInt64(j + 1))
  }

  /// Each component's 1σ and 2σ ellipses in variables (`i`, `j`) of (x, y).
  static func ellipses(_ k: Int, swapped: Bool) -> [Layer] {
    let m = components[k]
    let color = Color.categorical(k)
    return [1.0, 2.0].compactMap { r in
      let e =
        swapped
        ? Ellipse(centerX: m.y, centerY: m.x, a: m.c, b: m.b, c: m.a, radius: r)
        : Ellipse(centerX: m.x, centerY: m.y, a: m.a, b: m.b, c: m.c, radius: r)
      return e.map {
        .polygon(PolygonSeries(outline: $0.polygon(), fill: color.withAlpha(r == 1 ? 0.18 : 0.08), stroke: StrokeStyle(color: color, width: 1)))
      }
    }
  }

  /// A pair plot of (x, y): scatter below the diagonal and above it (swapped), and each
  /// variable's two component densities on the diagonal.
  static func pairs() -> PanelFigure {
    func scatter(swapped: Bool) -> [Layer] {
      var layers: [Layer] = []
      for k in components.indices {
        layers += ellipses(k, swapped: swapped)
        let (xs, ys) = samples[k]
        layers.append(
          .points(
            PointSeries(
              xs: swapped ? ys : xs, ys: swapped ? xs : ys, colors: [Color.categorical(k).withAlpha(0.8)], radius: 2.2,
              label: "Component \(k + 1)", radii: (0..<xs.count).map { 1.5 + Double($0 % 4) * 0.5 })))
      }
      let means = MarkerSeries(
        xs: components.map { swapped ? $0.y : $0.x }, ys: components.map { swapped ? $0.x : $0.y }, shape: .cross, size: 5,
        colors: [Color(hex: 0x1A1A1A)], label: "Means")
      layers.append(.markers(means))
      return layers
    }
    func diagonal(_ variable: Int) -> [Layer] {
      let grid = (0...80).map { -4 + 8 * Double($0) / 80 }
      return components.indices.map { k in
        let m = components[k]
        let (mean, variance) = variable == 0 ? (m.x, m.a) : (m.y, m.c)
        let ys = grid.map { Foundation.exp(-($0 - mean) * ($0 - mean) / (2 * variance)) / (2 * Double.pi * variance).squareRoot() }
        return .line(LineSeries(xs: grid, ys: ys, color: Color.categorical(k), width: 1.5))
      }
    }
    return PanelFigure(
      size: Figure.inches(width: 6, height: 5), title: "Pairs of x and y", columns: 2,
      panels: [
        Panel(yLabel: "density", layers: diagonal(0), yStartsAtZero: true, sharesY: false),
        Panel(yLabel: "x", layers: scatter(swapped: true)),
        Panel(xLabel: "x", yLabel: "y", layers: scatter(swapped: false)),
        Panel(xLabel: "y", yLabel: "density", layers: diagonal(1), yStartsAtZero: true, sharesY: false),
      ])
  }

  /// The mixture density's contours coloured by level with a colour bar, each component's
  /// 2σ ellipse and mean, and the data as hollow points.
  static func contours() -> PanelFigure {
    let xs = (0..<61).map { -4 + 7.5 * Double($0) / 60 }
    let ys = (0..<51).map { -3 + 6.5 * Double($0) / 50 }
    var z: [Double] = []
    for y in ys {
      for x in xs {
        z.append(components.reduce(0) { $0 + 0.5 * SampleClusters.density(x: x, y: y, meanX: $1.x, meanY: $1.y, a: $1.a, b: $1.b, c: $1.c) })
      }
    }
    let levels = Contours.levels(z, fractionsOfMaximum: [0.05, 0.2, 0.4, 0.6, 0.8])
    let scale = ColorScale.viridis(domain: 0...(z.max() ?? 1))
    var layers: [Layer] = [
      .points(
        PointSeries(
          xs: samples.flatMap(\.xs), ys: samples.flatMap(\.ys), colors: [Color(hex: 0x555555)], radius: 2, label: "Data",
          fill: .hollow(lineWidth: 0.8))),
      .contour(ContourSeries(xs: xs, ys: ys, z: z, levels: levels, scale: scale, width: 1.2, label: "Density")),
    ]
    for (k, m) in components.enumerated() {
      if let e = Ellipse(centerX: m.x, centerY: m.y, a: m.a, b: m.b, c: m.c, radius: 2) {
        layers.append(
          .polygon(
            PolygonSeries(outline: e.polygon(), stroke: StrokeStyle(color: Color.categorical(k), width: 1.5, dash: [5, 3]), label: "Component \(k + 1), 2σ")))
      }
    }
    layers.append(
      .markers(
        MarkerSeries(xs: components.map(\.x), ys: components.map(\.y), shape: .disk, size: 4, colors: [Color.categorical(0), Color.categorical(1)], label: "Means")))
    return PanelFigure(
      size: Figure.inches(width: 6, height: 4.5), title: "Mixture density", columns: 1,
      panels: [Panel(xLabel: "x", yLabel: "y", layers: layers, colorBar: ColorBar(scale: scale, label: "density"))])
  }
}

@Suite struct PanelFigureRendererTests {
  static func svg(_ figure: PanelFigure) throws -> String {
    String(decoding: try FigureRenderer().render(figure, as: .svg), as: UTF8.self)
  }

  /// The number of times `needle` occurs in `text`.
  static func count(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  @Test func pairsFigureMatchesItsGoldenSVG() throws {
    let outcome = Snapshot.compare(try Self.svg(TwoDimensionalFigures.pairs()), named: "pairs.svg")
    #expect(outcome == .matches || Snapshot.isRecording, "\(outcome)")
  }

  @Test func contourFigureMatchesItsGoldenSVG() throws {
    let outcome = Snapshot.compare(try Self.svg(TwoDimensionalFigures.contours()), named: "contours.svg")
    #expect(outcome == .matches || Snapshot.isRecording, "\(outcome)")
  }

  @Test func pairsFigureClipsEachOfItsFourPanels() throws {
    let svg = try Self.svg(TwoDimensionalFigures.pairs())
    #expect(Self.count("<clipPath", in: svg) == 4)
  }

  @Test func colourBarIsPaintedAsBandsOfViridis() throws {
    let figure = TwoDimensionalFigures.contours()
    let canvas = RecordingCanvas(measuring: try CairoTextMeasurer())
    let layout = figure.draw(on: canvas)
    let bar = try #require(layout.panels.first?.colorBar)
    let bands = canvas.operations.compactMap { op -> Color? in
      if case .fill(let path, let color) = op, let b = path.bounds, b.minX == bar.strip.minX, b.width == bar.strip.width { return color }
      return nil
    }
    #expect(bands.count == 128)
    #expect(bands.first?.hexString == bar.scale.color(atFraction: 0.5 / 128).hexString)
    // viridis runs from dark violet (#440154) at the bottom to yellow (#fde725) at the top.
    #expect(bar.scale.color(atFraction: 0).hexString == "#440154")
    #expect(bar.scale.color(atFraction: 1).hexString == "#fde725")
  }

  @Test(arguments: ImageFormat.allCases)
  func renderingAPanelFigureTwiceGivesTheSameBytes(format: ImageFormat) throws {
    let renderer = FigureRenderer()
    for figure in [TwoDimensionalFigures.pairs(), TwoDimensionalFigures.contours()] {
      #expect(try renderer.render(figure, as: format) == renderer.render(figure, as: format))
    }
  }

  @Test func pngOfAPanelFigureHasThePixelSizeOfItsInches() throws {
    let png = try FigureRenderer(dpi: 100).render(TwoDimensionalFigures.pairs(), as: .png)
    #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    #expect(bigEndian32(png, 16) == 600)
    #expect(bigEndian32(png, 20) == 500)
  }

  /// Writes the sample figures as PNG into `PLOT_SAMPLES_DIR` when it is set (to look at them).
  @Test func samplePNGsAreWrittenWhenAsked() throws {
    guard let folder = ProcessInfo.processInfo.environment["PLOT_SAMPLES_DIR"] else { return }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (name, figure) in [("pairs", TwoDimensionalFigures.pairs()), ("contours", TwoDimensionalFigures.contours())] {
      let png = try FigureRenderer(dpi: 100).render(figure, as: .png)
      #expect(FileManager.default.createFile(atPath: folder + "/" + name + ".png", contents: Data(png)))
    }
  }
}
