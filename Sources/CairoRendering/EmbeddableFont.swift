internal import CCairo
import Plotting
import Synchronization

/// The font cairo draws a ``Plotting/Font`` with (DejaVu Sans, regular or bold, through its
/// toy API and fontconfig), as a PDF embeds it: its TrueType tables (read once through
/// FreeType) and, for a text, the glyphs and positions cairo itself would show.
final class EmbeddableFont: Sendable {
  let font: TrueTypeFont
  /// The PostScript name (`DejaVuSans-Bold`).
  let postScriptName: String
  /// cairo's scaled font at 1000 units to the em, no hinting: glyph positions in the PDF's
  /// glyph-space units. cairo's scaled fonts may be used from any thread.
  private nonisolated(unsafe) let scaled: OpaquePointer

  private init(font: TrueTypeFont, postScriptName: String, scaled: OpaquePointer) {
    self.font = font
    self.postScriptName = postScriptName
    self.scaled = scaled
  }

  deinit { cairo_scaled_font_destroy(scaled) }

  private static let loaded = Mutex<[Bool: EmbeddableFont]>([:])

  /// The regular or bold face, loaded on first use and then shared.
  static func face(bold: Bool) throws(CairoError) -> EmbeddableFont {
    let found = loaded.withLock { $0[bold] }
    if let found { return found }
    let made = try load(bold: bold)
    return loaded.withLock { cache in
      if let earlier = cache[bold] { return earlier }
      cache[bold] = made
      return made
    }
  }

  private static func load(bold: Bool) throws(CairoError) -> EmbeddableFont {
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else {
      throw CairoError(call: "cairo_image_surface_create", reason: "returned NULL", status: -1)
    }
    defer { cairo_surface_destroy(surface) }
    guard let cr = cairo_create(surface) else { throw CairoError(call: "cairo_create", reason: "returned NULL", status: -1) }
    defer { cairo_destroy(cr) }
    CairoCanvas.configureText(cr)
    CairoCanvas.select(Font(size: 1000, bold: bold), on: cr)
    guard let scaled = cairo_get_scaled_font(cr) else {
      throw CairoError(call: "cairo_get_scaled_font", reason: "returned NULL", status: -1)
    }
    try check(cairo_scaled_font_status(scaled), "cairo_get_scaled_font")
    guard cairo_scaled_font_get_type(scaled) == CAIRO_FONT_TYPE_FT else {
      throw CairoError(call: "cairo_scaled_font_get_type", reason: "the font of \(CairoCanvas.fontFamily) is not a FreeType font, so it cannot be embedded in a PDF", status: -1)
    }
    guard let face = cairo_ft_scaled_font_lock_face(scaled) else {
      throw CairoError(call: "cairo_ft_scaled_font_lock_face", reason: "returned NULL", status: -1)
    }
    var tables: [String: [UInt8]] = [:]
    for tag in TrueTypeFont.requiredTables + TrueTypeFont.hintingTables {
      if let bytes = sfntTable(face, tag) { tables[tag] = bytes }
    }
    let name = FT_Get_Postscript_Name(face).map { String(cString: $0) }
    cairo_ft_scaled_font_unlock_face(scaled)
    guard let font = TrueTypeFont(tables: tables) else {
      throw CairoError(call: "FT_Load_Sfnt_Table", reason: "\(CairoCanvas.fontFamily)\(bold ? " Bold" : "") is not a TrueType font with the tables a PDF embeds (glyf, head, hhea, hmtx, loca, maxp)", status: -1)
    }
    // A PDF name holds no spaces or delimiters; DejaVu's names have none.
    let safe = (name ?? "").unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
    return EmbeddableFont(
      font: font, postScriptName: safe.isEmpty ? (bold ? "DejaVuSans-Bold" : "DejaVuSans") : String(String.UnicodeScalarView(safe)),
      scaled: cairo_scaled_font_reference(scaled))
  }

  /// The bytes of table `tag` of `face`, nil when it has none.
  private static func sfntTable(_ face: FT_Face, _ tag: String) -> [UInt8]? {
    let code = tag.utf8.reduce(UInt(0)) { $0 << 8 | UInt($1) }
    var length: FT_ULong = 0
    guard FT_Load_Sfnt_Table(face, code, 0, nil, &length) == 0, length > 0, length < 1 << 26 else { return nil }
    var bytes = [UInt8](repeating: 0, count: Int(length))
    let status = bytes.withUnsafeMutableBufferPointer { FT_Load_Sfnt_Table(face, code, 0, $0.baseAddress, &length) }
    return status == 0 ? bytes : nil
  }

  /// The glyphs cairo shows for `text` in this face: each glyph id, the Unicode scalars it
  /// stands for (when cairo made one glyph per scalar, as its toy API does), and its pen
  /// position along the line in thousandths of the font size.
  /// - Throws: ``CairoError`` for a text cairo refuses (a noncharacter such as U+FFFF is
  ///   not valid UTF-8 to cairo), as cairo's own drawing of it fails.
  func glyphs(_ text: String) throws(CairoError) -> [(id: Int, text: String?, x: Double)] {
    var glyphs: UnsafeMutablePointer<cairo_glyph_t>?
    var count: Int32 = 0
    let status = cairo_scaled_font_text_to_glyphs(scaled, 0, 0, text, -1, &glyphs, &count, nil, nil, nil)
    defer { cairo_glyph_free(glyphs) }
    try check(status, "cairo_scaled_font_text_to_glyphs")
    guard let glyphs, count > 0 else { return [] }
    let scalars = Array(text.unicodeScalars)
    let oneToOne = scalars.count == Int(count)
    return (0..<Int(count)).map { k in
      (Int(truncatingIfNeeded: glyphs[k].index), oneToOne ? String(scalars[k]) : nil, glyphs[k].x)
    }
  }
}
