/// The tables of a TrueType font that a PDF embeds (ISO 32000-1, 9.9: `glyf`, `head`,
/// `hhea`, `hmtx`, `loca`, `maxp`, and `cvt `, `fpgm`, `prep` when present), read with
/// every offset checked, and subsets of it holding only the glyphs a figure uses.
///
/// Pure: the tables come from FreeType (``EmbeddableFont``), the subset goes into the PDF.
struct TrueTypeFont: Sendable {
  /// The tables by tag, as the font holds them.
  let tables: [String: [UInt8]]
  let unitsPerEm: Int
  let glyphCount: Int
  /// `head`'s font box (xMin, yMin, xMax, yMax), in font units.
  let box: (Int, Int, Int, Int)
  /// `hhea`'s ascender and descender, in font units.
  let ascender: Int
  let descender: Int
  private let longLoca: Bool
  private let horizontalMetrics: Int

  /// The tags copied into a subset, beside the rebuilt `glyf`, `loca`, `hmtx`, `hhea`,
  /// `maxp` and `head`.
  static let hintingTables = ["cvt ", "fpgm", "prep"]
  /// Every table the reader needs.
  static let requiredTables = ["head", "hhea", "hmtx", "loca", "maxp", "glyf"]

  /// Reads `tables`; nil when one is missing, short or inconsistent.
  init?(tables: [String: [UInt8]]) {
    guard let head = tables["head"], let hhea = tables["hhea"], let maxp = tables["maxp"], tables["glyf"] != nil,
      let loca = tables["loca"], let hmtx = tables["hmtx"],
      let units = head.u16(18), units >= 16, let format = head.i16(50), format == 0 || format == 1,
      let glyphs = maxp.u16(4), glyphs >= 1, let metrics = hhea.u16(34), metrics >= 1, metrics <= glyphs,
      let xMin = head.i16(36), let yMin = head.i16(38), let xMax = head.i16(40), let yMax = head.i16(42),
      let ascender = hhea.i16(4), let descender = hhea.i16(6)
    else { return nil }
    guard loca.count >= (glyphs + 1) * (format == 1 ? 4 : 2), hmtx.count >= metrics * 4 + (glyphs - metrics) * 2 else { return nil }
    self.tables = tables
    unitsPerEm = units
    glyphCount = glyphs
    longLoca = format == 1
    horizontalMetrics = metrics
    box = (xMin, yMin, xMax, yMax)
    self.ascender = ascender
    self.descender = descender
  }

  /// Glyph `id`'s advance width in font units (0 for an id the font lacks).
  func advance(_ id: Int) -> Int {
    guard id >= 0, id < glyphCount, let hmtx = tables["hmtx"] else { return 0 }
    return hmtx.u16(Swift.min(id, horizontalMetrics - 1) * 4) ?? 0
  }

  /// Glyph `id`'s left side bearing in font units.
  private func leftBearing(_ id: Int) -> Int {
    guard let hmtx = tables["hmtx"] else { return 0 }
    if id < horizontalMetrics { return hmtx.i16(id * 4 + 2) ?? 0 }
    return hmtx.i16(horizontalMetrics * 4 + (id - horizontalMetrics) * 2) ?? 0
  }

  /// Glyph `id`'s outline bytes in `glyf` (empty for a glyph without contours), or nil
  /// when its `loca` entries point outside the table.
  func glyphData(_ id: Int) -> ArraySlice<UInt8>? {
    guard id >= 0, id < glyphCount, let loca = tables["loca"], let glyf = tables["glyf"] else { return nil }
    let start: Int?, end: Int?
    if longLoca {
      start = loca.u32(id * 4)
      end = loca.u32(id * 4 + 4)
    } else {
      start = loca.u16(id * 2).map { $0 * 2 }
      end = loca.u16(id * 2 + 2).map { $0 * 2 }
    }
    guard let start, let end, start <= end, end <= glyf.count else { return nil }
    return glyf[start..<end]
  }

  /// The glyph ids a composite glyph's components name, with the offsets where each id
  /// is stored in `data` (none for a simple glyph); nil when the data is cut short.
  static func components(_ data: ArraySlice<UInt8>) -> [(offset: Int, id: Int)]? {
    guard let contours = data.i16(0), contours < 0 else { return [] }
    var found: [(offset: Int, id: Int)] = []
    var at = 10
    while true {
      guard let flags = data.u16(at), let id = data.u16(at + 2) else { return nil }
      found.append((at + 2, id))
      at += 4 + (flags & 0x0001 != 0 ? 4 : 2)
      if flags & 0x0008 != 0 {
        at += 2
      } else if flags & 0x0040 != 0 {
        at += 4
      } else if flags & 0x0080 != 0 {
        at += 8
      }
      guard flags & 0x0020 != 0 else { return found }
      guard found.count < 4096 else { return nil }
    }
  }

  /// A font of the glyphs `used` (original ids, in the order given, after `.notdef`) and of
  /// the components they are built from: the subset's glyph `k` is original glyph
  /// `order[k]`. Nil when a glyph's data is malformed.
  func subset(_ used: [Int]) -> (font: [UInt8], order: [Int])? {
    var order = [0]
    var newID: [Int: Int] = [0: 0]
    var queue = used
    var next = 0
    while next < queue.count {
      let id = queue[next]
      next += 1
      guard newID[id] == nil else { continue }
      guard let data = glyphData(id), let parts = Self.components(data) else { return nil }
      newID[id] = order.count
      order.append(id)
      for part in parts where newID[part.id] == nil { queue.append(part.id) }
      guard order.count <= 0xFFFF else { return nil }
    }
    // Components of .notdef itself (none in practice) are also kept.
    guard let notdef = glyphData(0), let notdefParts = Self.components(notdef), notdefParts.isEmpty else { return nil }

    var glyf: [UInt8] = []
    var loca: [UInt8] = []
    var hmtx: [UInt8] = []
    for id in order {
      guard let data = glyphData(id), let parts = Self.components(data) else { return nil }
      loca.appendU32(glyf.count)
      var bytes = Array(data)
      for part in parts {
        guard let mapped = newID[part.id] else { return nil }
        bytes[part.offset] = UInt8(mapped >> 8)
        bytes[part.offset + 1] = UInt8(mapped & 0xFF)
      }
      glyf.append(contentsOf: bytes)
      while glyf.count % 4 != 0 { glyf.append(0) }
      hmtx.appendU16(advance(id))
      hmtx.appendU16(leftBearing(id) & 0xFFFF)
    }
    loca.appendU32(glyf.count)

    guard var head = tables["head"], var hhea = tables["hhea"], var maxp = tables["maxp"] else { return nil }
    head.setU32(8, 0)
    head.setU16(50, 1)
    hhea.setU16(34, order.count)
    maxp.setU16(4, order.count)
    var chosen: [(String, [UInt8])] = [("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca), ("maxp", maxp)]
    for tag in Self.hintingTables { if let t = tables[tag] { chosen.append((tag, t)) } }
    chosen.sort { $0.0 < $1.0 }

    // The offset table and table records (OpenType's "Table directory"), then the tables,
    // each padded to four bytes, then head's checkSumAdjustment.
    var font: [UInt8] = []
    let count = chosen.count
    var power = 1, log = 0
    while power * 2 <= count {
      power *= 2
      log += 1
    }
    font.appendU32(0x0001_0000)
    font.appendU16(count)
    font.appendU16(power * 16)
    font.appendU16(log)
    font.appendU16(count * 16 - power * 16)
    var offset = 12 + count * 16
    var headOffset = 0
    for (tag, table) in chosen {
      font.append(contentsOf: Array(tag.utf8))
      font.appendU32(Int(Self.checksum(table[...])))
      font.appendU32(offset)
      font.appendU32(table.count)
      if tag == "head" { headOffset = offset }
      offset += (table.count + 3) / 4 * 4
    }
    for (_, table) in chosen {
      font.append(contentsOf: table)
      while font.count % 4 != 0 { font.append(0) }
    }
    font.setU32(headOffset + 8, Int(0xB1B0_AFBA &- Self.checksum(font[...])))
    return (font, order)
  }

  /// The sum of the big-endian 32-bit words of `bytes` (zero-padded), as OpenType's table
  /// checksums.
  static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var sum: UInt32 = 0
    var word: UInt32 = 0
    var k = 0
    for b in bytes {
      word = word << 8 | UInt32(b)
      k += 1
      if k == 4 {
        sum = sum &+ word
        word = 0
        k = 0
      }
    }
    if k > 0 { sum = sum &+ (word << (8 * UInt32(4 - k))) }
    return sum
  }
}

extension Collection<UInt8> where Index == Int {
  /// The big-endian unsigned 16-bit value at `offset` from the start, nil past the end.
  func u16(_ offset: Int) -> Int? {
    guard offset >= 0, offset + 2 <= count else { return nil }
    let i = startIndex + offset
    return Int(self[i]) << 8 | Int(self[i + 1])
  }

  /// The big-endian signed 16-bit value at `offset`.
  func i16(_ offset: Int) -> Int? {
    u16(offset).map { Int(Int16(bitPattern: UInt16($0))) }
  }

  /// The big-endian unsigned 32-bit value at `offset`.
  func u32(_ offset: Int) -> Int? {
    guard let high = u16(offset), let low = u16(offset + 2) else { return nil }
    return high << 16 | low
  }
}

extension [UInt8] {
  mutating func appendU16(_ value: Int) {
    append(UInt8(truncatingIfNeeded: value >> 8))
    append(UInt8(truncatingIfNeeded: value))
  }

  mutating func appendU32(_ value: Int) {
    appendU16(value >> 16)
    appendU16(value)
  }

  /// Overwrites the big-endian 16-bit value at `offset` (when it is within the array).
  mutating func setU16(_ offset: Int, _ value: Int) {
    guard offset >= 0, offset + 2 <= count else { return }
    self[offset] = UInt8(truncatingIfNeeded: value >> 8)
    self[offset + 1] = UInt8(truncatingIfNeeded: value)
  }

  mutating func setU32(_ offset: Int, _ value: Int) {
    setU16(offset, value >> 16)
    setU16(offset + 2, value)
  }
}
