import Plotting
import Testing

@testable import CairoRendering

/// A reader of the PDFs ``PDFCanvas`` writes, written for the tests alone: the
/// cross-reference table, objects, streams (inflated), the texts a viewer extracts through
/// the fonts' ToUnicode maps, and the embedded font programs.
struct PDFReader {
  let bytes: [UInt8]
  /// Object number → offset, from the cross-reference table.
  var offsets: [Int: Int] = [:]

  init(_ bytes: [UInt8]) throws {
    self.bytes = bytes
    let text = String(decoding: bytes, as: UTF8.self)
    let tail = try #require(text.range(of: "startxref\n", options: .backwards))
    let start = try #require(Int(text[tail.upperBound...].prefix { $0.isNumber }))
    let table = Array(bytes[start...])
    #expect(String(decoding: table.prefix(5), as: UTF8.self) == "xref\n")
    let lines = String(decoding: table, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let header = lines[1].split(separator: " ")
    let count = try #require(Int(header[1]))
    #expect(lines[2] == "0000000000 65535 f ")
    for k in 1..<count {
      let entry = lines[2 + k]
      #expect(entry.count == 19 && entry.hasSuffix(" 00000 n "), "xref entry \(k): \(entry)")
      let offset = Int(entry.prefix(10))
      #expect(offset != nil)
      offsets[k] = offset ?? 0
    }
    let trailer = lines[(2 + count)...].joined(separator: "\n")
    #expect(trailer.contains("/Size \(count) "))
  }

  /// Object `k`'s text from `k 0 obj` to `endobj`, as bytes.
  func object(_ k: Int) throws -> [UInt8] {
    let offset = try #require(offsets[k])
    let head = Array("\(k) 0 obj\n".utf8)
    #expect(Array(bytes[offset..<offset + head.count]) == head, "object \(k) is not at its xref offset")
    let rest = bytes[(offset + head.count)...]
    let end = Array("endobj\n".utf8)
    var i = rest.startIndex
    while i + end.count <= rest.endIndex, Array(rest[i..<i + end.count]) != end { i += 1 }
    return Array(rest[rest.startIndex..<i])
  }

  /// Object `k`'s dictionary (before any stream), as text.
  func dictionary(_ k: Int) throws -> String {
    let o = try object(k)
    let s = String(decoding: o, as: UTF8.self)
    if let r = s.range(of: "\nstream\n") { return String(s[..<r.lowerBound]) }
    return s
  }

  /// Object `k`'s stream data, inflated when its filter says so; checks `/Length`.
  func stream(_ k: Int) throws -> [UInt8] {
    let o = try object(k)
    let dict = try dictionary(k)
    let length = try #require(Int(Self.value(of: "/Length", in: dict) ?? ""))
    let start = dict.utf8.count + "\nstream\n".utf8.count
    let data = Array(o[start..<start + length])
    #expect(String(decoding: o[(start + length)...], as: UTF8.self) == "\nendstream\n", "object \(k)'s /Length")
    return dict.contains("/FlateDecode") ? inflate(data) : data
  }

  /// The token after `key` in `dictionary`.
  static func value(of key: String, in dictionary: String) -> String? {
    guard let r = dictionary.range(of: key + " ") else { return nil }
    return String(dictionary[r.upperBound...].prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" && $0 != "]" })
  }

  /// The object a key refers to (`/Contents 4 0 R`).
  static func reference(_ key: String, in dictionary: String) -> Int? {
    value(of: key, in: dictionary).flatMap { Int($0) }
  }

  /// The page's dictionary (the one object of `/Type /Page`).
  func page() throws -> String {
    for k in offsets.keys.sorted() {
      let d = try dictionary(k)
      if d.contains("/Type /Page ") { return d }
    }
    Issue.record("no page")
    return ""
  }

  /// The page's content stream, as text.
  func content() throws -> String {
    String(decoding: try stream(try #require(Self.reference("/Contents", in: try page()))), as: UTF8.self)
  }

  /// The Type0 font object behind each of the page's font names (`F0`, `F1`).
  func fonts() throws -> [String: Int] {
    let page = try page()
    guard let r = page.range(of: "/Font << ") else { return [:] }
    let list = page[r.upperBound...].prefix { $0 != ">" }.split(separator: " ")
    var fonts: [String: Int] = [:]
    var i = 0
    while i + 1 < list.count {
      fonts[String(list[i].dropFirst())] = Int(list[i + 1])
      i += 4
    }
    return fonts
  }

  /// Each text object's text, in the order drawn, decoded through its font's ToUnicode map
  /// (glyphs without an entry give U+FFFD).
  func texts() throws -> [String] {
    var maps: [String: [Int: String]] = [:]
    for (name, type0) in try fonts() {
      let unicode = try #require(Self.reference("/ToUnicode", in: try dictionary(type0)))
      var map: [Int: String] = [:]
      var inChars = false
      for line in String(decoding: try stream(unicode), as: UTF8.self).split(separator: "\n") {
        if line.hasSuffix("beginbfchar") { inChars = true }
        if line == "endbfchar" { inChars = false }
        guard inChars, line.hasPrefix("<") else { continue }
        let parts = line.split(separator: " ")
        guard parts.count == 2, parts[0].count == 6, let code = Int(parts[0].dropFirst().dropLast(), radix: 16) else { continue }
        let hex = Array(parts[1].dropFirst().dropLast())
        var units: [UInt16] = []
        var j = 0
        while j + 4 <= hex.count {
          units.append(try #require(UInt16(String(hex[j..<j + 4]), radix: 16)))
          j += 4
        }
        map[code] = String(decoding: units, as: UTF16.self)
      }
      maps[name] = map
    }
    var found: [String] = []
    let content = try content()
    var rest = content[...]
    while let bt = rest.range(of: "BT /") {
      let name = String(rest[bt.upperBound...].prefix { $0 != " " })
      let et = try #require(rest.range(of: " ET", range: bt.upperBound..<rest.endIndex))
      var text = ""
      var inside = false
      var digits = ""
      for c in rest[bt.upperBound..<et.lowerBound] {
        if c == "<" {
          inside = true
        } else if c == ">" {
          inside = false
        } else if inside {
          digits.append(c)
          if digits.count == 4 {
            text += maps[name]?[Int(digits, radix: 16) ?? -1] ?? "\u{FFFD}"
            digits = ""
          }
        }
      }
      found.append(text)
      rest = rest[et.upperBound...]
    }
    return found
  }

  /// The embedded TrueType program of font `name`, inflated, and its `/Length1`.
  func fontProgram(_ name: String) throws -> (program: [UInt8], length1: Int) {
    let type0 = try #require(try fonts()[name])
    let descendant = try dictionary(type0).split(separator: "[")[1].prefix { $0 != " " }
    let cid = try dictionary(try #require(Int(descendant)))
    let descriptor = try dictionary(try #require(Self.reference("/FontDescriptor", in: cid)))
    let file = try #require(Self.reference("/FontFile2", in: descriptor))
    let length1 = try #require(Int(Self.value(of: "/Length1", in: try dictionary(file)) ?? ""))
    return (try stream(file), length1)
  }
}

/// An sfnt's tables by tag, read from its table directory by the test itself, with each
/// record's checksum checked.
func sfntTables(_ font: [UInt8]) -> [String: [UInt8]] {
  func u32(_ o: Int) -> UInt32 { font[o..<o + 4].reduce(0) { $0 << 8 | UInt32($1) } }
  func sum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var padded = Array(bytes)
    while padded.count % 4 != 0 { padded.append(0) }
    var s: UInt32 = 0
    for i in stride(from: 0, to: padded.count, by: 4) {
      s = s &+ padded[i..<i + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
    return s
  }
  let count = Int(font[4]) << 8 | Int(font[5])
  var tables: [String: [UInt8]] = [:]
  for k in 0..<count {
    let record = 12 + 16 * k
    let tag = String(decoding: font[record..<record + 4], as: UTF8.self)
    let offset = Int(u32(record + 8)), length = Int(u32(record + 12))
    var table = Array(font[offset..<offset + length])
    if tag == "head" {
      table.replaceSubrange(8..<12, with: [0, 0, 0, 0])
    }
    #expect(sum(table[...]) == u32(record + 4), "checksum of \(tag)")
    tables[tag] = table
  }
  #expect(sum(font[...]) == 0xB1B0_AFBA, "the font's checkSumAdjustment")
  return tables
}

@Suite struct PDFCanvasTests {
  @Test func theCrossReferenceTableAndEveryStreamLengthAreRight() throws {
    let pdf = try FigureRenderer().render(sampleFigure(), as: .pdf)
    let reader = try PDFReader(pdf)
    // Catalog, pages, page, content, info, one font's five objects, and the disks of the
    // points and of the legend's sample.
    #expect(reader.offsets.count == 12)
    #expect(try reader.page().contains("/XObject << /D0 11 0 R /D1 12 0 R >>"))
    for k in reader.offsets.keys {
      if try reader.dictionary(k).contains("/Length ") { _ = try reader.stream(k) }
    }
    let page = try reader.page()
    // 6.4 × 4.8 in is 460.8 × 345.6 pt.
    #expect(page.contains("/MediaBox [0 0 460.8 345.6]"))
    #expect(try reader.content().hasPrefix("1 0 0 -1 0 345.6 cm\n1 j\n"), "y downwards from the top left")
  }

  @Test func everyTextOfTheFigureIsExtractableInDrawingOrder() throws {
    let reader = try PDFReader(try FigureRenderer().render(sampleFigure(), as: .pdf))
    let texts = try reader.texts()
    #expect(
      texts == [
        "−3", "−2", "−1", "0", "1", "2", "3", "0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30", "0.35", "0.40",
        "Density Estimation of X", "X", "Density", "Kernel Density Estimation", "Data",
      ])
    #expect(!texts.contains { $0.contains("\u{FFFD}") })
  }

  @Test func boldAndRegularAreTwoFontsAndAGlyphTheFontLacksIsNotdef() throws {
    let canvas = PDFCanvas(size: Size(width: 200, height: 100), measuring: try CairoTextMeasurer())
    canvas.drawText("Bold ℓ", at: Point(10, 10), font: Font(size: 12, bold: true), color: .black, anchor: TextAnchor(.left, .top), angle: 0)
    canvas.drawText("a\u{E000}b", at: Point(10, 50), font: Font(size: 10), color: .black, anchor: TextAnchor(.left, .top), angle: 90)
    let reader = try PDFReader(try canvas.document(metadata: RenderMetadata()))
    #expect(Set(try reader.fonts().keys) == ["F0", "F1"])
    // The private-use character has no glyph in DejaVu Sans: .notdef (code 0), not mapped.
    let texts = try reader.texts()
    #expect(texts == ["Bold ℓ", "a\u{FFFD}b"])
    #expect(try reader.content().contains("<0001000000"), "a, .notdef, b")
    let bold = try reader.dictionary(try #require(try reader.fonts()["F1"]))
    #expect(bold.contains("+DejaVuSans-Bold "))
    // The descriptors say Symbolic: ℓ is outside the standard Latin set.
    let descriptors = try reader.offsets.keys.map { try reader.dictionary($0) }.filter { $0.contains("/Type /FontDescriptor") }
    #expect(descriptors.count == 2 && descriptors.allSatisfy { $0.contains(" /Flags 4 ") })
  }

  @Test func theEmbeddedFontIsAValidSubsetWithTheOriginalGlyphs() throws {
    let reader = try PDFReader(try FigureRenderer().render(sampleFigure(), as: .pdf))
    let (program, length1) = try reader.fontProgram("F0")
    #expect(program.count == length1)
    let tables = sfntTables(program)
    #expect(Set(tables.keys).isSuperset(of: ["glyf", "head", "hhea", "hmtx", "loca", "maxp"]))
    let subset = try #require(TrueTypeFont(tables: tables))
    let original = try EmbeddableFont.face(bold: false).font
    // .notdef, then each glyph in the order first drawn (the tick labels first).
    var firstUse: [Int] = []
    for text in try reader.texts() {
      for g in try EmbeddableFont.face(bold: false).glyphs(text).map(\.id) where !firstUse.contains(g) { firstUse.append(g) }
    }
    #expect(subset.glyphCount >= firstUse.count + 1 && subset.glyphCount < 80, "\(subset.glyphCount) glyphs")
    for (k, id) in firstUse.enumerated() {
      #expect(subset.glyphData(k + 1).map(Array.init) == original.glyphData(id).map(Array.init), "glyph \(id)")
      #expect(subset.advance(k + 1) == original.advance(id))
    }
    #expect(subset.glyphData(0).map(Array.init) == original.glyphData(0).map(Array.init))
    #expect(subset.unitsPerEm == original.unitsPerEm)
  }

  @Test func aCompositeGlyphKeepsItsComponentsRenumbered() throws {
    let original = try EmbeddableFont.face(bold: false).font
    // In DejaVu Sans "é" is built from "e" and the acute accent.
    let id = try #require(try EmbeddableFont.face(bold: false).glyphs("é").first?.id)
    let data = try #require(original.glyphData(id))
    let parts = try #require(TrueTypeFont.components(data))
    #expect(parts.count >= 2)
    let (program, order) = try #require(original.subset([id]))
    #expect(order.count == 2 + parts.count, "\(order)")
    let subset = try #require(TrueTypeFont(tables: sfntTables(program)))
    let composite = try #require(subset.glyphData(1))
    let renumbered = try #require(TrueTypeFont.components(composite))
    #expect(renumbered.map { order[$0.id] } == parts.map(\.id))
  }

  @Test func scatterPointsAreOneDiskFormPlacedAtEachCentre() throws {
    let xs = (0..<50).map { Double($0) / 10 }
    let figure = Figure(
      size: Figure.inches(width: 4, height: 3), title: "Dots", xLabel: "x", yLabel: "y",
      layers: [.points(PointSeries(xs: xs, ys: xs.map { $0 * $0 }, colors: xs.indices.map { Color.cycle($0 % 3) }, radius: 2))])
    let reader = try PDFReader(try FigureRenderer().render(figure, as: .pdf))
    let content = try reader.content()
    let placed = content.split(separator: "\n").filter { $0.hasPrefix("q 1 0 0 1 ") && $0.hasSuffix(" cm /D0 Do Q") }
    #expect(placed.count == 50, "\(placed.count) points")
    // The form: a circle of radius 2 about the origin, filled, in the page's resources.
    let page = try reader.page()
    let form = try #require(PDFReader.reference("/D0", in: page))
    let dictionary = try reader.dictionary(form)
    #expect(dictionary.contains("/Type /XObject /Subtype /Form /BBox [-2.02 -2.02 2.02 2.02]"))
    #expect(String(decoding: try reader.stream(form), as: UTF8.self) == "2 0 m\n2 1.105 1.105 2 0 2 c\n-1.105 2 -2 1.105 -2 0 c\n-2 -1.105 -1.105 -2 0 -2 c\n1.105 -2 2 -1.105 2 0 c\nh\nf\n")

    // Translucent dots of one path are one filled path (their overlaps painted once), and
    // circles of different radii too.
    for (path, alpha) in [([(10.0, 2.0), (11.0, 2.0)], 0.5), ([(10.0, 2.0), (20.0, 3.0)], 1.0)] {
      let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
      var circles = Path()
      for (x, r) in path { circles.addCircle(center: Point(x, 10), radius: r) }
      canvas.fill(circles, color: Color(red: 1, green: 0, blue: 0, alpha: alpha))
      let text = try PDFReader(try canvas.document(metadata: RenderMetadata())).content()
      let state = alpha < 1 ? "/a0 gs\n1 0 0 rg\n" : "1 0 0 rg\n"
      #expect(text.hasPrefix("1 0 0 -1 0 100 cm\n1 j\n\(state)12 10 m\n12 11.105 11.105 12 10 12 c\n"), "\(text)")
      #expect(text.hasSuffix("h\nf\n") && !text.contains(" Do "))
    }
  }

  @Test func radiiWrittenTheSameShareOneDiskForm() throws {
    // Points sized by a value (the uncertainty figure) have radii that differ far below the
    // written three decimals: 744 forms for 950 points there, 648 of them "1.2".
    let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
    let black = Color(red: 0, green: 0, blue: 0, alpha: 1)
    for (k, r) in [1.2, 1.2 + 1e-9, 1.2000004, 1.1996, 1.201, 1.2].enumerated() {
      var dot = Path()
      dot.addCircle(center: Point(10 + Double(k) * 10, 50), radius: r)
      canvas.fill(dot, color: black)
    }
    let reader = try PDFReader(try canvas.document(metadata: RenderMetadata()))
    let placed = try reader.content().split(separator: "\n").filter { $0.hasPrefix("q 1 0 0 1 ") }.map { $0.split(separator: " ").suffix(3).first.map(String.init) ?? "" }
    #expect(placed == ["/D0", "/D0", "/D0", "/D0", "/D1", "/D0"])
    let page = try reader.page()
    #expect(page.contains("/XObject << /D0 ") && page.contains(" /D1 ") && !page.contains("/D2 "))
    let d0 = try #require(PDFReader.reference("/D0", in: page)), d1 = try #require(PDFReader.reference("/D1", in: page))
    #expect(try reader.dictionary(d0).contains("/BBox [-1.212 -1.212 1.212 1.212]"))
    #expect(String(decoding: try reader.stream(d0), as: UTF8.self).hasPrefix("1.2 0 m\n"))
    #expect(String(decoding: try reader.stream(d1), as: UTF8.self).hasPrefix("1.201 0 m\n"))
  }

  @Test func nonFiniteCoordinatesAndInvisibleStrokesAreLeftOut() throws {
    let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
    var path = Path()
    path.move(to: Point(.nan, 1))
    path.line(to: Point(5, 5))
    path.move(to: Point(1, 1))
    path.line(to: Point(.infinity, 2))
    path.line(to: Point(1e300, -1e300))
    path.close()
    canvas.stroke(path, style: StrokeStyle(color: .black, width: 1, dash: [0, 0]))
    canvas.stroke(path, style: StrokeStyle(color: .red, width: 0))
    canvas.stroke(path, style: StrokeStyle(color: .red, width: .nan))
    var nothing = Path()
    nothing.move(to: Point(.nan, .nan))
    nothing.addCircle(center: Point(1, 1), radius: .infinity)
    canvas.fill(nothing, color: .red)
    canvas.drawText("x", at: Point(.nan, 0), font: Font(size: 10), color: .black, anchor: TextAnchor(.left, .top), angle: 0)
    let content = try PDFReader(try canvas.document(metadata: RenderMetadata())).content()
    #expect(content == "1 0 0 -1 0 100 cm\n1 j\n1 1 m\n1000000000 -1000000000 l\nh\nS\n")
  }

  @Test func widthsDashesAndSizesWrittenAsZeroAreLeftOut() throws {
    let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
    var line = Path()
    line.move(to: Point(0, 0))
    line.line(to: Point(10, 0))
    // "0 w" would be the thinnest line the device can draw, "[0 0] 0 d" an invalid dash,
    // "0 0 0 0 x y Tm" a singular text matrix.
    canvas.stroke(line, style: StrokeStyle(color: .red, width: 0.0004))
    var dot = Path()
    dot.addCircle(center: Point(5, 5), radius: 0.0002)
    canvas.fill(dot, color: .red)
    canvas.drawText("x", at: Point(5, 5), font: Font(size: 0.0004), color: .red, anchor: TextAnchor(.left, .top), angle: 45)
    canvas.stroke(line, style: StrokeStyle(color: .black, width: 2, dash: [0.0004, 0.0001]))
    let content = try PDFReader(try canvas.document(metadata: RenderMetadata())).content()
    #expect(content == "1 0 0 -1 0 100 cm\n1 j\n2 w\n0 0 m\n10 0 l\nS\n")
    #expect(PDFNumber.roundsToZero(0.0004) && PDFNumber.roundsToZero(-0.0004) && PDFNumber.roundsToZero(.nan))
    #expect(!PDFNumber.roundsToZero(0.0005) && !PDFNumber.roundsToZero(1e300))
  }

  @Test(arguments: [
    (0.0, "0"), (-0.0004, "0"), (0.0004, "0"), (0.0005, "0.001"), (1.5, "1.5"), (460.8, "460.8"), (-12.3456, "-12.346"),
    (2.05, "2.05"), (100, "100"), (-7, "-7"), (1e300, "1000000000"), (-.infinity, "0"), (.nan, "0"), (0.1 + 0.2, "0.3"),
  ])
  func numbersHaveAtMostThreeDecimalsAndNoNegativeZero(value: Double, text: String) {
    #expect(PDFNumber.string(value) == text)
  }

  @Test func metadataStringsAreEscapedOrUTF16() throws {
    let metadata = RenderMetadata(title: "Fit (K = 2) \\ μ", creator: "a (b)", date: "2001-02-03T04:05:06Z")
    let reader = try PDFReader(try FigureRenderer(metadata: metadata).render(sampleFigure(), as: .pdf))
    let text = String(decoding: reader.bytes, as: UTF8.self)
    #expect(text.contains("/Creator (a \\(b\\))"))
    // "Fit (K = 2) \ μ" in UTF-16BE after a byte order mark.
    #expect(text.contains("/Title <FEFF00460069007400200028004B0020003D0020003200290020005C002003BC>"))
    #expect(text.contains("/CreationDate (D:20010203040506Z) /ModDate (D:20010203040506Z)"))
    #expect(PDFFile.date("not a date") == "(D:20000101000000Z)")
  }

  @Test func aTextCairoRefusesIsAnErrorAsOnPNG() throws {
    // cairo takes U+FFFF for invalid UTF-8: its own drawing (PNG) fails, so the PDF is not
    // written without the text either.
    let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
    canvas.drawText("ok", at: Point(10, 10), font: Font(size: 10), color: .black, anchor: TextAnchor(.left, .top), angle: 0)
    canvas.drawText("a\u{FFFF}", at: Point(10, 30), font: Font(size: 10), color: .black, anchor: TextAnchor(.left, .top), angle: 0)
    #expect(throws: CairoError(call: "cairo_scaled_font_text_to_glyphs", reason: "input string not valid UTF-8", status: 8)) {
      try canvas.document(metadata: RenderMetadata())
    }
  }

  @Test func aPageWithTranslucentPaintBlendsInRGB() throws {
    func page(alpha: Double) throws -> String {
      let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
      canvas.fill(Path(rect: Rect(x: 0, y: 0, width: 10, height: 10)), color: Color(red: 1, green: 0, blue: 0, alpha: alpha))
      return try PDFReader(try canvas.document(metadata: RenderMetadata())).page()
    }
    #expect(try page(alpha: 0.5).contains(" /Group << /Type /Group /S /Transparency /I true /CS /DeviceRGB >> /Contents "))
    #expect(try !page(alpha: 1).contains("/Group"))
  }

  @Test func clipsNestAndRestoreTheColourState() throws {
    let canvas = PDFCanvas(size: Size(width: 100, height: 100), measuring: try CairoTextMeasurer())
    var line = Path()
    line.move(to: Point(0, 0))
    line.line(to: Point(10, 0))
    canvas.pushClip(Rect(x: 1, y: 2, width: 3, height: 4))
    canvas.stroke(line, style: StrokeStyle(color: .red, width: 2))
    canvas.popClip()
    canvas.stroke(line, style: StrokeStyle(color: .red, width: 2))
    canvas.popClip()
    let content = try PDFReader(try canvas.document(metadata: RenderMetadata())).content()
    // After Q the colour and width are set again; an unmatched popClip writes nothing.
    #expect(content == "1 0 0 -1 0 100 cm\n1 j\nq 1 2 3 4 re W n\n1 0 0 RG\n2 w\n0 0 m\n10 0 l\nS\nQ\n1 0 0 RG\n2 w\n0 0 m\n10 0 l\nS\n")
  }
}
