import Plotting

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A ``Canvas`` that writes a one-page PDF itself: vector paths, exact round dots, and text
/// in the fonts cairo draws the PNGs with, embedded as TrueType subsets (CIDFontType2,
/// Identity-H, with a ToUnicode map, so text is searchable and copyable), as cairo's PDF
/// surface embeds them.
///
/// cairo's PDF surface recorded every operation, replayed the page at the end, formatted each
/// number with `printf` and deflated with zlib: for a figure of 5 600 dots, each its own
/// colour, that was 57 ms of a report's CPU. Here each operation appends a few bytes to the
/// content stream, numbers are formatted by integer arithmetic (at most three decimals, no
/// negative zero), and streams are deflated with libdeflate, so the same figure gives the
/// same bytes on every machine.
///
/// Coordinates are points, origin top left, y downwards: the page's first operator flips
/// PDF's y-up space once.
final class PDFCanvas: Canvas {
  private let size: Size
  private let measurer: any TextMeasuring
  private var content: [UInt8] = []

  /// The graphics state the content stream has set (`q`/`Q` save and restore it).
  private struct State {
    var fill = (0.0, 0.0, 0.0)
    var stroke = (0.0, 0.0, 0.0)
    var alpha = 1.0
    var width = 1.0
    var dash: [Double] = []
  }
  private var state = State()
  private var saved: [State] = []
  /// The disks of scatter points, each a form XObject named `/D0`, `/D1`, … in order of
  /// first use: its content stream (a circle of that radius about the origin, filled).
  private var disks: [(radius: Double, content: [UInt8])] = []
  /// The index in ``disks`` of each radius as written, so that radii written the same share
  /// one form (points sized by a value differ in the 10th digit).
  private var diskIndex: [Double: Int] = [:]
  /// The opacities used, each an `ExtGState` named `/a0`, `/a1`, … in order of first use.
  private var alphas: [Double] = []
  /// The glyphs each face has shown (original ids, in order of first use) and the text
  /// each stands for.
  private var used: [Bool: UsedGlyphs] = [:]

  private struct UsedGlyphs {
    var face: EmbeddableFont
    var ids: [Int] = []
    var index: [Int: Int] = [:]
    var text: [Int: String] = [:]
  }

  /// A canvas of `size` points whose texts are placed with `measurer`'s metrics.
  init(size: Size, measuring measurer: any TextMeasuring) {
    self.size = size
    self.measurer = measurer
    content.reserveCapacity(1 << 16)
    // y downwards from the top left, as the canvas's callers draw; round joins.
    append("1 0 0 -1 0 ")
    number(size.height)
    append(" cm\n1 j\n")
  }

  func measure(_ text: String, font: Font) -> TextExtent { measurer.measure(text, font: font) }

  /// An error met while drawing (a font that cannot be embedded, a text cairo refuses),
  /// reported by ``document(metadata:)``.
  private var failure: CairoError?

  // MARK: Painting

  func fill(_ path: Path, color: Color) {
    let mark = content.count
    if let radius = path.dotRadius(painted: color) {
      // Scatter points: one disk drawn once as a form (XObject) and placed at each centre,
      // as matplotlib's PDF backend places its markers, in about 35 bytes a point where a
      // path of Bézier circles takes 130. (Round-capped zero-length lines are shorter still,
      // but poppler draws them as crosses at screen resolutions.)
      // A disk written with a radius of 0 would be a degenerate path; cairo paints none.
      guard !PDFNumber.roundsToZero(radius) else { return }
      let placement = Array(" cm /D\(diskForm(radius)) Do Q\n".utf8)
      for case .circle(let c, _) in path.elements where c.x.isFinite && c.y.isFinite {
        setColor(color, stroke: false)
        append("q 1 0 0 1 ")
        point(c)
        content.append(contentsOf: placement)
      }
      return
    }
    guard appendPath(path), let subpaths = taken(from: mark) else { return }
    setColor(color, stroke: false)
    content.append(contentsOf: subpaths)
    append("f\n")
  }

  func stroke(_ path: Path, style: StrokeStyle) {
    // cairo draws nothing for a width of 0; PDF would draw its thinnest line (also for a
    // width that is written as 0).
    let mark = content.count
    guard style.width.isFinite, style.width > 0, !PDFNumber.roundsToZero(style.width), appendPath(path), let subpaths = taken(from: mark) else { return }
    setColor(style.color, stroke: true)
    setWidth(style.width)
    setDash(style.dash)
    content.append(contentsOf: subpaths)
    append("S\n")
  }

  /// The index of the disk form of `radius` as written (three decimals), made when first used.
  private func diskForm(_ radius: Double) -> Int {
    let written = PDFNumber.written(radius)
    if let known = diskIndex[written] { return known }
    let mark = content.count
    var circle = Path()
    circle.addCircle(center: Point(0, 0), radius: written)
    _ = appendPath(circle)
    append("f\n")
    disks.append((written, taken(from: mark) ?? []))
    diskIndex[written] = disks.count - 1
    return disks.count - 1
  }

  /// The bytes appended since `mark`, removed again (nil when there are none): a path is
  /// built first and written after the state operators, which PDF does not allow between a
  /// path's construction and its painting (ISO 32000-1, 8.2, figure 9).
  private func taken(from mark: Int) -> [UInt8]? {
    guard content.count > mark else { return nil }
    let bytes = Array(content[mark...])
    content.removeSubrange(mark...)
    return bytes
  }

  func drawText(_ text: String, at position: Point, font: Font, color: Color, anchor: TextAnchor, angle: Double) {
    guard !text.isEmpty, font.size.isFinite, font.size > 0, position.x.isFinite, position.y.isFinite, angle.isFinite else { return }
    let face: EmbeddableFont
    let glyphs: [(id: Int, text: String?, x: Double)]
    do {
      face = try EmbeddableFont.face(bold: font.bold)
      glyphs = try face.glyphs(text)
    } catch {
      failure = failure ?? error
      return
    }
    guard !glyphs.isEmpty else { return }
    var record = used[font.bold] ?? UsedGlyphs(face: face)
    let extent = measure(text, font: font)
    let (u, v) = anchor.offsets(for: extent)
    // The baseline's start, rotated counter-clockwise on the page by `angle` (clockwise in
    // this y-down space).
    let (sine, cosine) = Self.sineAndCosine(degrees: -angle)
    let bx = -u, by = extent.ascent - v
    let origin = Point(position.x + bx * cosine - by * sine, position.y + bx * sine + by * cosine)
    let s = font.size
    // A text matrix written as zeros is singular (no text space): the text is too small to see.
    guard !PDFNumber.roundsToZero(s * cosine) || !PDFNumber.roundsToZero(s * sine) else { return }
    setColor(color, stroke: false)
    append("BT /F\(font.bold ? 1 : 0) 1 Tf ")
    for value in [s * cosine, s * sine, s * sine, -s * cosine, origin.x, origin.y] {
      number(value)
      append(" ")
    }
    append("Tm [<")
    // The pen advances by each glyph's width from the font (the W array); where cairo's
    // position differs (it does not with the toy API, which neither kerns nor shapes),
    // a TJ adjustment moves it there.
    var pen = 0.0
    for glyph in glyphs {
      if abs(glyph.x - pen) > 0.01 {
        append("> ")
        number(pen - glyph.x)
        append(" <")
        pen = glyph.x
      }
      // The subset's glyph k is the k-th glyph shown (``TrueTypeFont/subset(_:)`` keeps
      // that order after .notdef, which stays 0).
      var code = 0
      if glyph.id != 0 {
        if let known = record.index[glyph.id] {
          code = known
        } else {
          record.ids.append(glyph.id)
          code = record.ids.count
          record.index[glyph.id] = code
        }
        if let t = glyph.text, record.text[glyph.id] == nil { record.text[glyph.id] = t }
      }
      hex16(code)
      pen += Double(face.font.advance(glyph.id)) * 1000 / Double(face.font.unitsPerEm)
    }
    append(">] TJ ET\n")
    used[font.bold] = record
  }

  func pushClip(_ rect: Rect) {
    saved.append(state)
    append("q ")
    for value in [rect.x, rect.y, rect.width, rect.height] {
      number(value)
      append(" ")
    }
    append("re W n\n")
  }

  func popClip() {
    guard let previous = saved.popLast() else { return }
    append("Q\n")
    state = previous
  }

  // MARK: State

  /// Sets the fill (`rg`) or stroke (`RG`) colour and the opacity, each only when it would be
  /// written differently from what is set (clamped to 0…1, three decimals).
  private func setColor(_ c: Color, stroke: Bool) {
    func unit(_ v: Double) -> Double { PDFNumber.written(v.isFinite ? Swift.min(1, Swift.max(0, v)) : 0) }
    let alpha = c.alpha.isFinite ? unit(c.alpha) : 1
    if alpha != state.alpha {
      let index = alphas.firstIndex(of: alpha) ?? {
        alphas.append(alpha)
        return alphas.count - 1
      }()
      append("/a\(index) gs\n")
      state.alpha = alpha
    }
    let value = (unit(c.red), unit(c.green), unit(c.blue))
    guard (stroke ? state.stroke : state.fill) != value else { return }
    number(value.0)
    content.append(0x20)
    number(value.1)
    content.append(0x20)
    number(value.2)
    append(stroke ? " RG\n" : " rg\n")
    if stroke { state.stroke = value } else { state.fill = value }
  }

  private func setWidth(_ w: Double) {
    let width = PDFNumber.written(w)
    guard width != state.width else { return }
    number(width)
    append(" w\n")
    state.width = width
  }

  /// Sets the dash (a pattern PDF cannot draw, with a negative, non-finite or all-zero
  /// length, also as written, is drawn solid).
  private func setDash(_ given: [Double]) {
    let dash = given.allSatisfy({ $0.isFinite && $0 >= 0 }) && given.contains(where: { !PDFNumber.roundsToZero($0) }) ? given : []
    guard dash != state.dash else { return }
    append("[")
    for (k, d) in dash.enumerated() {
      if k > 0 { append(" ") }
      number(d)
    }
    append("] 0 d\n")
    state.dash = dash
  }

  // MARK: Paths and numbers

  /// Appends `path`'s subpaths (circles as four Bézier curves, counter-clockwise in y-up
  /// space as cairo's arcs), leaving out elements with a non-finite coordinate; false when
  /// nothing was appended.
  private func appendPath(_ path: Path) -> Bool {
    var any = false
    var open = false
    for element in path.elements {
      switch element {
      case .move(let p):
        guard p.x.isFinite, p.y.isFinite else {
          open = false
          continue
        }
        point(p)
        append(" m\n")
        open = true
        any = true
      case .line(let p):
        guard open, p.x.isFinite, p.y.isFinite else { continue }
        point(p)
        append(" l\n")
      case .close:
        if open { append("h\n") }
      case .circle(let c, let r):
        guard c.x.isFinite, c.y.isFinite, r.isFinite, r > 0 else { continue }
        // Four quarter arcs from angle 0, increasing (clockwise on the page, as cairo_arc).
        let k = 0.552_284_749_830_793_4 * r
        point(Point(c.x + r, c.y))
        append(" m\n")
        let quarters: [(Point, Point, Point)] = [
          (Point(c.x + r, c.y + k), Point(c.x + k, c.y + r), Point(c.x, c.y + r)),
          (Point(c.x - k, c.y + r), Point(c.x - r, c.y + k), Point(c.x - r, c.y)),
          (Point(c.x - r, c.y - k), Point(c.x - k, c.y - r), Point(c.x, c.y - r)),
          (Point(c.x + k, c.y - r), Point(c.x + r, c.y - k), Point(c.x + r, c.y)),
        ]
        for (a, b, d) in quarters {
          point(a)
          append(" ")
          point(b)
          append(" ")
          point(d)
          append(" c\n")
        }
        append("h\n")
        open = false
        any = true
      }
    }
    return any
  }

  private func append(_ text: StaticString) {
    text.withUTF8Buffer { content.append(contentsOf: $0) }
  }

  private func append(_ text: String) {
    content.append(contentsOf: text.utf8)
  }

  private func point(_ p: Point) {
    number(p.x)
    content.append(0x20)
    number(p.y)
  }

  private func hex16(_ value: Int) {
    for shift in [12, 8, 4, 0] { content.append(hexDigits[(value >> shift) & 0xF]) }
  }

  private func number(_ value: Double) { PDFNumber.append(value, to: &content) }

  /// The sine and cosine of `degrees`, exact for multiples of 90° (the axis labels' turn).
  static func sineAndCosine(degrees: Double) -> (Double, Double) {
    switch degrees {
    case 0: return (0, 1)
    case 90: return (1, 0)
    case -90: return (-1, 0)
    case 180, -180: return (0, -1)
    default:
      let r = degrees * Double.pi / 180
      return (sin(r), cos(r))
    }
  }

  // MARK: The document

  /// The finished PDF file.
  /// - Throws: ``CairoError`` when a font could not be embedded.
  func document(metadata: RenderMetadata) throws(CairoError) -> [UInt8] {
    if let failure { throw failure }
    var file = PDFFile()
    let catalog = file.reserve(), pages = file.reserve(), page = file.reserve(), stream = file.reserve(), info = file.reserve()

    // Fonts first, so that their object numbers are known to the page's resources.
    var fontResources: [String] = []
    for bold in [false, true] {
      guard let record = used[bold] else { continue }
      let font = record.face.font
      guard let (program, order) = font.subset(record.ids) else {
        throw CairoError(call: "TrueType subset", reason: "a glyph of \(record.face.postScriptName) is malformed, so the font cannot be embedded", status: -1)
      }
      // The stream's glyph k is the subset's glyph k: the subset keeps the glyphs in the
      // order they were first shown, after .notdef.
      guard Array(order.dropFirst().prefix(record.ids.count)) == record.ids else {
        throw CairoError(call: "TrueType subset", reason: "the subset of \(record.face.postScriptName) lost the order of its glyphs", status: -1)
      }
      let tag = Self.subsetTag(order, bold: bold)
      let name = "\(tag)+\(record.face.postScriptName)"
      let scale = 1000 / Double(font.unitsPerEm)
      func scaled(_ v: Int) -> String { PDFNumber.string(Double(v) * scale) }

      let type0 = file.reserve(), cid = file.reserve(), descriptor = file.reserve(), fontFile = file.reserve(), toUnicode = file.reserve()
      file.write(type0, "<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H /DescendantFonts [\(cid) 0 R] /ToUnicode \(toUnicode) 0 R >>")
      let widths = order.map { scaled(font.advance($0)) }.joined(separator: " ")
      file.write(
        cid,
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(name) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor \(descriptor) 0 R /CIDToGIDMap /Identity /W [0 [\(widths)]] >>"
      )
      let (x0, y0, x1, y1) = font.box
      // Symbolic (4), as cairo wrote its CID subsets: they hold glyphs outside the standard
      // Latin set (−, ℓ, Greek), which Nonsymbolic (32) denies (ISO 32000-1, 9.8.2).
      file.write(
        descriptor,
        "<< /Type /FontDescriptor /FontName /\(name) /Flags 4 /FontBBox [\(scaled(x0)) \(scaled(y0)) \(scaled(x1)) \(scaled(y1))] /ItalicAngle 0 /Ascent \(scaled(font.ascender)) /Descent \(scaled(font.descender)) /CapHeight \(scaled(font.ascender)) /StemV \(bold ? 120 : 80) /FontFile2 \(fontFile) 0 R >>"
      )
      file.writeStream(fontFile, program, extra: "/Length1 \(program.count)")
      var cmap: [(Int, String)] = []
      for (k, id) in order.enumerated() where k > 0 {
        if let t = record.text[id] { cmap.append((k, t)) }
      }
      file.writeStream(toUnicode, Array(Self.toUnicode(cmap).utf8))
      fontResources.append("/F\(bold ? 1 : 0) \(type0) 0 R")
    }

    file.writeStream(stream, content)

    var forms: [String] = []
    for (k, disk) in disks.enumerated() {
      let object = file.reserve()
      let r = PDFNumber.string(disk.radius * 1.01)
      file.writeStream(object, disk.content, extra: "/Type /XObject /Subtype /Form /BBox [-\(r) -\(r) \(r) \(r)] /Resources << >>")
      forms.append("/D\(k) \(object) 0 R")
    }

    var resources = "/ProcSet [/PDF /Text]"
    if !forms.isEmpty { resources += " /XObject << \(forms.joined(separator: " ")) >>" }
    if !fontResources.isEmpty { resources += " /Font << \(fontResources.joined(separator: " ")) >>" }
    if !alphas.isEmpty {
      let states = alphas.enumerated().map { "/a\($0.offset) << /Type /ExtGState /ca \(PDFNumber.string($0.element)) /CA \(PDFNumber.string($0.element)) >>" }
      resources += " /ExtGState << \(states.joined(separator: " ")) >>"
    }
    file.write(catalog, "<< /Type /Catalog /Pages \(pages) 0 R >>")
    file.write(pages, "<< /Type /Pages /Kids [\(page) 0 R] /Count 1 >>")
    // With translucent paint, an RGB page group as cairo wrote: without one, Acrobat blends
    // in its default CMYK space and every colour of the page shifts.
    let group = alphas.contains { $0 < 1 } ? " /Group << /Type /Group /S /Transparency /I true /CS /DeviceRGB >>" : ""
    file.write(
      page,
      "<< /Type /Page /Parent \(pages) 0 R /MediaBox [0 0 \(PDFNumber.string(size.width)) \(PDFNumber.string(size.height))] /Resources << \(resources) >>\(group) /Contents \(stream) 0 R >>"
    )
    var entries: [String] = []
    if let title = metadata.title { entries.append("/Title \(PDFFile.text(title))") }
    if let creator = metadata.creator { entries.append("/Creator \(PDFFile.text(creator))") }
    let date = PDFFile.date(metadata.date)
    entries.append("/CreationDate \(date) /ModDate \(date)")
    file.write(info, "<< \(entries.joined(separator: " ")) >>")
    return file.finish(root: catalog, info: info)
  }

  /// Six capital letters naming the subset (ISO 32000-1, 9.6.4), from its glyphs, so the
  /// same glyphs give the same name.
  static func subsetTag(_ glyphs: [Int], bold: Bool) -> String {
    var hash: UInt64 = bold ? 0x9E37_79B9_7F4A_7C15 : 0xCBF2_9CE4_8422_2325
    for g in glyphs {
      hash ^= UInt64(truncatingIfNeeded: g)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    var letters = ""
    for _ in 0..<6 {
      letters.unicodeScalars.append(Unicode.Scalar(UInt8(65 + hash % 26)))
      hash /= 26
    }
    return letters
  }

  /// A ToUnicode CMap from subset glyph ids to the texts they stand for.
  static func toUnicode(_ entries: [(Int, String)]) -> String {
    var cmap = """
      /CIDInit /ProcSet findresource begin
      12 dict begin
      begincmap
      /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
      /CMapName /Adobe-Identity-UCS def
      /CMapType 2 def
      1 begincodespacerange
      <0000> <FFFF>
      endcodespacerange

      """
    var start = 0
    while start < entries.count {
      let chunk = entries[start..<Swift.min(entries.count, start + 100)]
      cmap += "\(chunk.count) beginbfchar\n"
      for (id, text) in chunk {
        cmap += "<\(hex4(id))> <\(text.utf16.map { hex4(Int($0)) }.joined())>\n"
      }
      cmap += "endbfchar\n"
      start += 100
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    return cmap
  }
}

private let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

/// `value`'s low 16 bits as four uppercase hex digits (a glyph code, a UTF-16 unit).
func hex4(_ value: Int) -> String {
  String(decoding: [12, 8, 4, 0].map { hexDigits[(value >> $0) & 0xF] }, as: UTF8.self)
}

/// PDF numbers: at most three decimals, trailing zeros dropped, no negative zero, and
/// magnitudes capped at 10⁹ (far outside any page; PDF readers reject larger).
enum PDFNumber {
  static func append(_ value: Double, to bytes: inout [UInt8]) {
    let v = value.isFinite ? Swift.min(1e9, Swift.max(-1e9, value)) : 0
    // |v| ≤ 10⁹, so v·1000 is far inside Int64.
    var scaled = Int64((v * 1000).rounded())
    if scaled == 0 {
      bytes.append(0x30)
      return
    }
    if scaled < 0 {
      bytes.append(0x2D)
      scaled = -scaled
    }
    let whole = scaled / 1000
    var fraction = Int(scaled % 1000)
    appendDigits(whole, to: &bytes)
    if fraction > 0 {
      bytes.append(0x2E)
      var digits = 3
      while fraction % 10 == 0 {
        fraction /= 10
        digits -= 1
      }
      var divisor = 1
      for _ in 1..<digits { divisor *= 10 }
      while divisor > 0 {
        bytes.append(UInt8(0x30 + fraction / divisor % 10))
        divisor /= 10
      }
    }
  }

  private static func appendDigits(_ value: Int64, to bytes: inout [UInt8]) {
    if value >= 10 { appendDigits(value / 10, to: &bytes) }
    bytes.append(UInt8(0x30 + value % 10))
  }

  /// `value` as it is written: capped at ±10⁹, to three decimals, 0 when not finite.
  static func written(_ value: Double) -> Double {
    value.isFinite ? (Swift.min(1e9, Swift.max(-1e9, value)) * 1000).rounded() / 1000 : 0
  }

  /// Whether `value` is written as `0`.
  static func roundsToZero(_ value: Double) -> Bool { written(value) == 0 }

  static func string(_ value: Double) -> String {
    var bytes: [UInt8] = []
    append(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// The objects of a PDF file, their offsets and the cross-reference table.
struct PDFFile {
  /// The header, and a comment of four bytes above 127 that marks the file as binary.
  private(set) var bytes: [UInt8] = Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
  private var offsets: [Int] = []

  /// The next object number.
  mutating func reserve() -> Int {
    offsets.append(-1)
    return offsets.count
  }

  mutating func write(_ object: Int, _ dictionary: String) {
    begin(object)
    bytes.append(contentsOf: Array(dictionary.utf8))
    bytes.append(contentsOf: Array("\nendobj\n".utf8))
  }

  /// libdeflate's level for PDF streams: on the steps figure's 520 KB content stream, level 4
  /// took 4.7 ms for 122 308 bytes where level 6 took 10.0 ms for 115 221 (1 and 9: 2.3 ms,
  /// 131 632 bytes; 39 ms, 107 609), and every PDF stays smaller than cairo's were.
  static let deflateLevel: Int32 = 4

  /// A stream object, deflated (FlateDecode) when that makes it smaller.
  mutating func writeStream(_ object: Int, _ data: [UInt8], extra: String = "") {
    begin(object)
    let packed = PNGEncoder.deflate(data, level: Self.deflateLevel)
    let compressed = packed.count < data.count
    let body = compressed ? packed : data
    let filter = compressed ? " /Filter /FlateDecode" : ""
    let more = extra.isEmpty ? "" : " \(extra)"
    bytes.append(contentsOf: Array("<< /Length \(body.count)\(filter)\(more) >>\nstream\n".utf8))
    bytes.append(contentsOf: body)
    bytes.append(contentsOf: Array("\nendstream\nendobj\n".utf8))
  }

  private mutating func begin(_ object: Int) {
    if offsets.indices.contains(object - 1) { offsets[object - 1] = bytes.count }
    bytes.append(contentsOf: Array("\(object) 0 obj\n".utf8))
  }

  /// The file: the objects, the cross-reference table and the trailer.
  mutating func finish(root: Int, info: Int) -> [UInt8] {
    let table = bytes.count
    var xref = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
    for offset in offsets {
      let digits = String(Swift.max(0, offset))
      xref += String(repeating: "0", count: Swift.max(0, 10 - digits.count)) + digits + " 00000 n \n"
    }
    xref += "trailer\n<< /Size \(offsets.count + 1) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(table)\n%%EOF\n"
    bytes.append(contentsOf: Array(xref.utf8))
    return bytes
  }

  /// A text string: printable ASCII as a literal string with `(`, `)` and `\` escaped,
  /// anything else as UTF-16BE with a byte order mark, in hex.
  static func text(_ s: String) -> String {
    if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
      var out = "("
      for c in s.unicodeScalars {
        if c == "(" || c == ")" || c == "\\" { out += "\\" }
        out.unicodeScalars.append(c)
      }
      return out + ")"
    }
    return "<FEFF" + s.utf16.map { hex4(Int($0)) }.joined() + ">"
  }

  /// An ISO 8601 date (`2001-02-03T04:05:06Z`) as a PDF date (`(D:20010203040506Z)`): its
  /// digits, in order; a date of any other shape is written as the year 2000.
  static func date(_ iso: String) -> String {
    let digits = iso.unicodeScalars.filter { ("0"..."9").contains($0) }
    guard digits.count == 14 else { return "(D:20000101000000Z)" }
    return "(D:" + String(String.UnicodeScalarView(digits)) + "Z)"
  }
}
