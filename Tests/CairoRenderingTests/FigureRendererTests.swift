import Plotting
import Testing

@testable import CairoRendering

/// A small figure with every kind of mark: lines, points, a legend, all texts.
func sampleFigure() -> Figure {
  let xs = stride(from: -3.0, through: 3.0, by: 0.05).map { $0 }
  return Figure(
    size: Figure.inches(width: 6.4, height: 4.8), title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
    layers: [
      .line(LineSeries(xs: xs, ys: xs.map { 0.4 * (-0.5 * $0 * $0).expApprox }, color: .green, width: 2, label: "Kernel Density Estimation")),
      .points(PointSeries(xs: [-1, 0, 1], ys: [0.05, 0.05, 0.05], colors: [.red], label: "Data")),
    ], yStartsAtZero: true)
}

extension Double {
  /// exp by a truncated series, enough for a test curve without a platform import.
  var expApprox: Double {
    var term = 1.0, sum = 1.0
    for k in 1..<40 {
      term *= self / Double(k)
      sum += term
    }
    return sum
  }
}

/// Reads a big-endian UInt32 at `offset`.
func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> Int {
  bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
}

@Suite struct FigureRendererTests {
  @Test func pngHasSignatureAndPixelSizeFromDPI() throws {
    let png = try FigureRenderer(dpi: 100).render(sampleFigure(), as: .png)
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    // IHDR: length(4) "IHDR"(4) width(4) height(4)
    #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
    #expect(bigEndian32(png, 16) == 640)
    #expect(bigEndian32(png, 20) == 480)
  }

  @Test func pngAt200DPIDoublesThePixels() throws {
    let png = try FigureRenderer(dpi: 200).render(sampleFigure(), as: .png)
    #expect(bigEndian32(png, 16) == 1280)
    #expect(bigEndian32(png, 20) == 960)
  }

  @Test func pdfIsVectorWithRealTextAndFixedDate() throws {
    let pdf = try FigureRenderer(metadata: RenderMetadata(title: "t", creator: "generate-report test", date: "2001-02-03T04:05:06Z"))
      .render(sampleFigure(), as: .pdf)
    let text = String(decoding: pdf, as: UTF8.self)
    #expect(text.hasPrefix("%PDF-1."))
    #expect(text.hasSuffix("%%EOF\n"))
    // 6.4 × 4.8 in is 460.8 × 345.6 pt.
    #expect(text.contains("/MediaBox [0 0 460.8 345.6]"))
    #expect(text.contains("/CreationDate (D:20010203040506Z)"))
    #expect(text.contains("/Title (t) /Creator (generate-report test)"))
    #expect(text.contains("+DejaVuSans /Encoding /Identity-H"))
  }

  @Test(arguments: ImageFormat.allCases)
  func renderingTwiceGivesTheSameBytes(format: ImageFormat) throws {
    let renderer = FigureRenderer()
    let first = try renderer.render(sampleFigure(), as: format)
    let second = try renderer.render(sampleFigure(), as: format)
    #expect(first == second)
  }

  @Test func svgIsSizedInPoints() throws {
    let svg = String(decoding: try FigureRenderer().render(sampleFigure(), as: .svg), as: UTF8.self)
    #expect(svg.contains("<svg"))
    #expect(svg.contains("width=\"460.8pt\""))
    #expect(svg.contains("height=\"345.6pt\""))
  }

  @Test func measuringUsesDejaVuMetrics() throws {
    let m = try CairoTextMeasurer()
    let e = m.measure("Density", font: Font(size: 10))
    // DejaVu Sans at 10 pt: ascent ≈ 9.3, descent ≈ 2.4, "Density" ≈ 41 pt wide.
    #expect(abs(e.ascent - 9.28) < 0.1)
    #expect(abs(e.descent - 2.36) < 0.1)
    #expect(e.width > 38 && e.width < 44)
  }
}
