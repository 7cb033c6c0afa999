import Foundation
import Plotting
import Testing

@testable import CairoRendering

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document read back with Foundation's XML parser: the root's attributes and
/// every `<text>` element with its attributes and content.
final class SVGDocument: NSObject, XMLParserDelegate {
  struct Text {
    var attributes: [String: String]
    var content = ""
    func number(_ name: String) -> Double? { attributes[name].flatMap(Double.init) }
  }
  private(set) var root: [String: String] = [:]
  private(set) var texts: [Text] = []
  private(set) var elementCount = 0
  private var inText = false
  /// The parser's error, when the bytes are not well-formed XML.
  private(set) var error: Error?

  init(_ bytes: [UInt8]) {
    super.init()
    let parser = XMLParser(data: Data(bytes))
    parser.delegate = self
    if !parser.parse() { error = parser.parserError ?? CocoaError(.fileReadCorruptFile) }
  }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    elementCount += 1
    if name == "svg" { root = attributes }
    if name == "text" {
      texts.append(Text(attributes: attributes))
      inText = true
    }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "text" { inText = false }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inText { texts[texts.count - 1].content += string }
  }
}

@Suite struct SVGRenderingTests {
  static func svg(_ figure: Figure) throws -> [UInt8] { try FigureRenderer().render(figure, as: .svg) }

  @Test func svgHasRealTextForTitleTicksAndLegend() throws {
    let document = SVGDocument(try Self.svg(sampleFigure()))
    #expect(document.error == nil)
    #expect(
      document.texts.map(\.content) == [
        "−3", "−2", "−1", "0", "1", "2", "3", "0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30", "0.35", "0.40",
        "Density Estimation of X", "X", "Density", "Kernel Density Estimation", "Data",
      ])
    for text in document.texts {
      #expect(text.attributes["font-family"] == "DejaVu Sans")
      #expect(text.attributes["fill"] == "#1a1a1a")
    }
    let title = try #require(document.texts.first { $0.content == "Density Estimation of X" })
    #expect(title.attributes["font-size"] == "12" && title.attributes["text-anchor"] == "middle")
    let yLabel = try #require(document.texts.first { $0.content == "Density" })
    #expect(yLabel.attributes["transform"]?.hasPrefix("rotate(-90 ") == true)
    // No glyph outlines: cairo's SVG surface wrote <symbol id="glyph…">.
    let text = String(decoding: try Self.svg(sampleFigure()), as: UTF8.self)
    #expect(!text.contains("glyph") && !text.contains("<symbol"))
  }

  @Test func svgTextsSitWhereTheLayoutPutThem() throws {
    let figure = sampleFigure()
    let measurer = try CairoTextMeasurer()
    let layout = figure.layout(measuring: measurer)
    let document = SVGDocument(try FigureRenderer().render(figure, layout: layout, as: .svg))
    // The layout's texts (legend labels among them), in drawing order.
    #expect(document.texts.map(\.content) == layout.texts.map(\.text))
    for (text, placed) in zip(document.texts, layout.texts) {
      let extent = measurer.measure(placed.text, font: placed.font)
      let baseline = placed.position.y + extent.ascent - placed.anchor.offsets(for: extent).v
      #expect(text.attributes["x"] == SVGCanvas.number(placed.position.x), "\(placed.text)")
      #expect(text.attributes["y"] == SVGCanvas.number(baseline), "\(placed.text)")
      #expect(text.attributes["font-size"] == SVGCanvas.number(placed.font.size), "\(placed.text)")
    }
  }

  @Test func userStringsAreEscapedAndReadBackExactly() throws {
    var figure = sampleFigure()
    let label = #"<b>&"x"</b>"#
    figure.title = label
    figure.xLabel = "it's \u{1B}[31mred"
    figure.layers[1] = .points(PointSeries(xs: [0], ys: [0.1], colors: [.red], label: label))
    let bytes = try Self.svg(figure)
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.contains(">&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;</text>"))
    #expect(!text.contains(label))
    #expect(text.contains(">it&apos;s \u{FFFD}[31mred</text>"))
    #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    let document = SVGDocument(bytes)
    #expect(document.error == nil)
    #expect(document.texts.filter { $0.content == label }.count == 2)  // title and legend
  }

  @Test func svgParsesAsXMLForEveryFigure() throws {
    let renderer = FigureRenderer()
    for bytes in [
      try renderer.render(sampleFigure(), as: .svg), try renderer.render(TwoDimensionalFigures.pairs(), as: .svg),
      try renderer.render(TwoDimensionalFigures.contours(), as: .svg),
    ] {
      let document = SVGDocument(bytes)
      #expect(document.error == nil, "\(String(describing: document.error))")
      #expect(document.root["viewBox"] != nil && document.elementCount > 10)
    }
  }

  @Test func svgIsTheSameWhateverWasRenderedBefore() throws {
    let renderer = FigureRenderer()
    let first = try renderer.render(sampleFigure(), as: .svg)
    _ = try renderer.render(TwoDimensionalFigures.contours(), as: .svg)
    _ = try renderer.render(sampleFigure(), as: .png)
    #expect(try renderer.render(sampleFigure(), as: .svg) == first)
  }

  /// Every text's box (cairo's extents about its baseline and anchor, turned by its
  /// rotation) lies inside the viewBox.
  @Test func everyTextLiesInsideTheViewBox() throws {
    let measurer = try CairoTextMeasurer()
    let renderer = FigureRenderer()
    for bytes in [
      try renderer.render(sampleFigure(), as: .svg), try renderer.render(TwoDimensionalFigures.pairs(), as: .svg),
      try renderer.render(TwoDimensionalFigures.contours(), as: .svg),
    ] {
      let document = SVGDocument(bytes)
      let box = try #require(document.root["viewBox"]?.split(separator: " ").compactMap { Double($0) })
      #expect(box.count == 4 && box[0] == 0 && box[1] == 0)
      #expect(document.root["width"] == "\(SVGCanvas.number(box[2]))pt" && document.root["height"] == "\(SVGCanvas.number(box[3]))pt")
      #expect(!document.texts.isEmpty)
      for text in document.texts {
        let x = try #require(text.number("x")), y = try #require(text.number("y"))
        let size = try #require(text.number("font-size"))
        let e = measurer.measure(text.content, font: Font(size: size, bold: text.attributes["font-weight"] == "bold"))
        let start: Double =
          switch text.attributes["text-anchor"] {
          case "middle": x - e.width / 2
          case "end": x - e.width
          default: x
          }
        var corners = [(start, y - e.ascent), (start + e.width, y - e.ascent), (start, y + e.descent), (start + e.width, y + e.descent)]
        if let transform = text.attributes["transform"] {
          // rotate(-90 cx cy): (x, y) ↦ (cx + (y − cy), cy − (x − cx)).
          let parts = transform.dropFirst("rotate(".count).dropLast().split(separator: " ").compactMap { Double($0) }
          #expect(parts.count == 3 && parts[0] == -90, "\(transform)")
          let (cx, cy) = (parts[1], parts[2])
          corners = corners.map { (cx + ($0.1 - cy), cy - ($0.0 - cx)) }
        }
        for (px, py) in corners {
          #expect(px >= -0.01 && px <= box[2] + 0.01 && py >= -0.01 && py <= box[3] + 0.01, "\(text.content) at \(px), \(py)")
        }
      }
    }
  }
}
