internal import CCairo
import Plotting

/// The file formats a figure can be rendered to.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
  case png, pdf, svg

  /// The file name extension.
  public var fileExtension: String { rawValue }
}

/// Document metadata written into vector formats.
public struct RenderMetadata: Sendable, Equatable {
  /// The PDF title.
  public var title: String?
  /// The PDF creator (the generating tool and version).
  public var creator: String?
  /// The PDF creation and modification date, ISO 8601 (`2000-01-01T00:00:00Z`). Fixed
  /// rather than the clock so that the same input gives the same bytes.
  public var date: String

  public init(title: String? = nil, creator: String? = nil, date: String = "2000-01-01T00:00:00Z") {
    self.title = title
    self.creator = creator
    self.date = date
  }
}

/// Renders figures to PNG with cairo, to PDF with ``PDFCanvas`` (its own writer, embedding
/// the fonts cairo draws with), and to SVG with Plotting's ``SVGCanvas`` (real `<text>`
/// elements where cairo's SVG surface writes glyph outlines), from the one layout measured
/// with cairo's text metrics.
public struct FigureRenderer: Sendable {
  /// Pixels per inch of PNG output (PDF and SVG are vector, sized in points).
  public var dpi: Double
  public var metadata: RenderMetadata

  public init(dpi: Double = 100, metadata: RenderMetadata = RenderMetadata()) {
    self.dpi = dpi
    self.metadata = metadata
  }

  /// Loads what drawing text needs, so that the first layout does not wait for it:
  /// fontconfig's configuration and the DejaVu faces, regular and bold (cairo and fontconfig
  /// cache them for the process), and with `embedding` their tables for PDFs. A run calls it
  /// on a thread of its own while it computes; errors are left to the layout and drawing,
  /// which report them.
  public static func prepareFonts(embedding: Bool) {
    guard let measurer = try? CairoTextMeasurer() else { return }
    for bold in [false, true] {
      _ = measurer.measure("0", font: Font(size: 10, bold: bold))
      if embedding { _ = try? EmbeddableFont.face(bold: bold) }
    }
  }

  /// Lays out `figure` once (with cairo's own text metrics) and renders it.
  /// - Returns: The file's bytes.
  /// - Throws: ``CairoError`` naming the cairo call that failed.
  public func render(_ figure: Figure, as format: ImageFormat) throws(CairoError) -> [UInt8] {
    let layout = figure.layout(measuring: try CairoTextMeasurer())
    return try render(figure, layout: layout, as: format)
  }

  /// Renders an already computed layout of `figure`.
  public func render(_ figure: Figure, layout: FigureLayout, as format: ImageFormat) throws(CairoError) -> [UInt8] {
    switch format {
    case .svg: return try svg(size: layout.size) { figure.draw(layout, on: $0) }
    case .pdf: return try pdf(size: layout.size) { figure.draw(layout, on: $0) }
    case .png: return try png(size: layout.size) { figure.draw(layout, on: $0) }
    }
  }

  /// Lays out a panel figure once (with cairo's own text metrics) and renders it.
  /// - Returns: The file's bytes.
  /// - Throws: ``CairoError`` naming the cairo call that failed.
  public func render(_ figure: PanelFigure, as format: ImageFormat) throws(CairoError) -> [UInt8] {
    let layout = figure.layout(measuring: try CairoTextMeasurer())
    return try render(figure, layout: layout, as: format)
  }

  /// Renders an already computed layout of a panel figure.
  public func render(_ figure: PanelFigure, layout: PanelFigureLayout, as format: ImageFormat) throws(CairoError) -> [UInt8] {
    switch format {
    case .svg: return try svg(size: layout.size) { figure.draw(layout, on: $0) }
    case .pdf: return try pdf(size: layout.size) { figure.draw(layout, on: $0) }
    case .png: return try png(size: layout.size) { figure.draw(layout, on: $0) }
    }
  }

  /// An SVG document of `size` points painted by `paint`; texts are anchored with
  /// cairo's font metrics, the ones the layout was measured with.
  private func svg(size: Size, paint: (SVGCanvas) -> Void) throws(CairoError) -> [UInt8] {
    let canvas = SVGCanvas(size: size, measuring: try CairoTextMeasurer())
    paint(canvas)
    return Array(canvas.document.utf8)
  }

  /// A one-page PDF of `size` points painted by `paint` (``PDFCanvas``: its own writer,
  /// with the fonts cairo draws the PNGs with, placed by cairo's metrics).
  private func pdf(size: Size, paint: (PDFCanvas) -> Void) throws(CairoError) -> [UInt8] {
    let canvas = PDFCanvas(size: size, measuring: try CairoTextMeasurer())
    paint(canvas)
    return try canvas.document(metadata: metadata)
  }

  /// Makes an image surface of `size` points at ``dpi``, lets `paint` draw on it with cairo,
  /// and encodes its pixels: the one path from a drawing to a PNG.
  private func png(size: Size, paint: (CairoCanvas) -> Void) throws(CairoError) -> [UInt8] {
    let scale = dpi / 72
    // Cairo's image surfaces hold at most 32767 pixels a side; anything else (NaN, ≤ 0,
    // huge) is refused here rather than trapping on the conversion.
    let pixels = (width: (size.width * scale).rounded(), height: (size.height * scale).rounded())
    guard pixels.width >= 1, pixels.width <= 32767, pixels.height >= 1, pixels.height <= 32767 else {
      throw CairoError(call: "cairo_image_surface_create", reason: "a PNG of \(pixels.width) × \(pixels.height) pixels is not possible (1 to 32767 a side)", status: -1)
    }
    guard let s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pixels.width), Int32(pixels.height)) else {
      throw CairoError(call: "cairo_image_surface_create", reason: "returned NULL", status: -1)
    }
    let surface = try CairoSurface(s, call: "cairo_image_surface_create")
    do {
      let canvas = try CairoCanvas(surface: surface, scale: scale, snapsToPixels: true)
      paint(canvas)
      try canvas.checkStatus()
    }
    // Cairo's pixels, encoded by ``PNGEncoder`` (libdeflate's compression).
    cairo_surface_flush(surface.pointer)
    try check(cairo_surface_status(surface.pointer), "cairo_surface_flush")
    let png = try PNGEncoder.encode(surface.pointer)
    try surface.finish()
    return png
  }
}
