import Mustache

/// A Mustache template, the built-in one parsed as a short outline and pieces: runs of whole
/// lines whose sections open and close within them, each moved into a partial that its line in
/// the outline names (`{{>generate-report.piece.3}}` alone on a line, without indentation,
/// which renders as the piece itself), so the page is exactly what the whole template gives.
///
/// swift-mustache's parser measures the rest of the text (`String.distance`, in characters)
/// at every tag, so parsing takes time quadratic in the template's length: the built-in
/// template of 14 KB took 5–8 ms of a report's 40 (a tenth of its CPU time, in `perf`).
/// Pieces of about 2 KB parse in a fraction of that.
///
/// A partial renders in a fresh state: a section's `first()`, `last()`, `index()`, `even()`
/// and `odd()` and a `{{%CONTENT_TYPE}}` pragma do not reach into it. So only a template that
/// uses none of them (no `()` in a tag, no `{{%`), names no partials of its own (`{{>`,
/// `{{<`), and has no brace joined by a combining mark into one character (which the parser,
/// reading characters, would not see as a brace) is split, and only when asked (the
/// built-in template; a `--template` file is parsed whole). Any other text, or pieces that do
/// not parse on their own, is parsed whole, so an error names what the whole template gets
/// wrong.
struct ReportTemplate {
  let outline: MustacheTemplate
  let library: MustacheLibrary
  /// How many pieces became partials (0: parsed whole).
  let pieceCount: Int

  /// About this many UTF-8 bytes a piece.
  static let pieceBytes = 2048
  static func pieceName(_ index: Int) -> String { "generate-report.piece.\(index)" }

  init(string text: String, splitting: Bool = false) throws {
    let split = splitting && Self.canSplit(text) ? Self.split(text) : (outline: text, pieces: [String]())
    if !split.pieces.isEmpty,
      let outline = try? MustacheTemplate(string: split.outline),
      let pieces = try? split.pieces.map({ try MustacheTemplate(string: $0) })
    {
      self.outline = outline
      var library = MustacheLibrary()
      for (i, piece) in pieces.enumerated() { library.register(piece, named: Self.pieceName(i)) }
      self.library = library
      pieceCount = pieces.count
    } else {
      outline = try MustacheTemplate(string: text)
      library = MustacheLibrary()
      pieceCount = 0
    }
  }

  /// Whether pieces of `text` render as it does (see the type's notes): no transform, pragma
  /// or partial tag, and every brace a character of its own.
  static func canSplit(_ text: String) -> Bool {
    // Bytes, not Foundation's `contains` (UTF-16 offsets: a third of the parse's cost).
    let bytes = Array(text.utf8)
    let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
    var inTag = false
    var nonASCIIByBrace = false
    for i in bytes.indices.dropFirst() {
      let previous = bytes[i - 1], b = bytes[i]
      if previous == open, b == open {
        // "{{%", "{{>" or "{{<" (a "{{{" is a triple mustache's second and third brace).
        if i + 1 < bytes.count, [UInt8(ascii: "%"), UInt8(ascii: ">"), UInt8(ascii: "<")].contains(bytes[i + 1]) { return false }
        inTag = true
      }
      if previous == close, b == close { inTag = false }
      // A "()" between "{{" and "}}": a transform such as index() or first().
      if inTag, previous == UInt8(ascii: "("), b == UInt8(ascii: ")") { return false }
      if b >= 0x80, previous == open || previous == close { nonASCIIByBrace = true }
    }
    guard nonASCIIByBrace else { return true }
    // A non-ASCII character after a brace: it must not join the brace into one character.
    return !text.contains { c in c.unicodeScalars.count > 1 && c.unicodeScalars.contains { $0 == "{" || $0 == "}" } }
  }

  /// One line's sections, from `depth` before it: the lowest depth after any of its tags, and
  /// the depth after it (`{{#`, `{{^`, `{{$` and `{{<` open a section, `{{/` closes one;
  /// comments are skipped); nil when it sets delimiters or a tag does not end on the line.
  static func depths(of line: ArraySlice<UInt8>, from depth: Int) -> (lowest: Int, after: Int)? {
    var depth = depth, lowest = depth
    var i = line.startIndex
    func isBrace(_ k: Int) -> Bool { k < line.endIndex && line[k] == UInt8(ascii: "{") }
    func isClose(_ k: Int) -> Bool { k + 1 < line.endIndex && line[k] == UInt8(ascii: "}") && line[k + 1] == UInt8(ascii: "}") }
    while i < line.endIndex {
      guard isBrace(i), isBrace(i + 1) else {
        i += 1
        continue
      }
      var j = i + 2
      while j < line.endIndex, line[j] == 0x20 { j += 1 }
      switch j < line.endIndex ? line[j] : 0 {
      case UInt8(ascii: "="): return nil
      case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"): depth += 1
      case UInt8(ascii: "/"): depth -= 1
      default: break
      }
      lowest = Swift.min(lowest, depth)
      var end = j
      while end < line.endIndex, !isClose(end) { end += 1 }
      guard end < line.endIndex else { return nil }
      i = end + 2
    }
    return (lowest, depth)
  }

  /// `text` as an outline and pieces: each piece a run of whole lines that starts and ends at
  /// the same section depth and never closes a section opened before it, of about
  /// ``pieceBytes``, replaced in the outline by a line naming it. No pieces when the text sets
  /// delimiters, a tag spans lines, or its sections never balance; the outline is then the text.
  static func split(_ text: String) -> (outline: String, pieces: [String]) {
    let bytes = Array(text.utf8)
    var lines: [Range<Int>] = []
    var lineStart = 0
    for (i, b) in bytes.enumerated() where b == 0x0A {
      lines.append(lineStart..<(i + 1))
      lineStart = i + 1
    }
    if lineStart < bytes.count { lines.append(lineStart..<bytes.count) }
    var outline: [UInt8] = []
    var pieces: [String] = []
    // Lines first…last become a piece (or stay in the outline when the last has no line end,
    // so that its partial line could not stand alone).
    func emit(_ first: Int, _ last: Int) {
      let range = lines[first].lowerBound..<lines[last].upperBound
      guard bytes[range.upperBound - 1] == 0x0A else {
        outline += bytes[range]
        return
      }
      outline += Array("{{>\(pieceName(pieces.count))}}\n".utf8)
      pieces.append(String(decoding: bytes[range], as: UTF8.self))
    }
    func keep(_ first: Int, _ last: Int) {
      guard first <= last else { return }
      outline += bytes[lines[first].lowerBound..<lines[last].upperBound]
    }
    // Each line's depths, and for a line that opens sections, the line that closes one of
    // them again (where the section region it starts ends).
    var depthsOf: [(lowest: Int, after: Int)] = []
    depthsOf.reserveCapacity(lines.count)
    var regionEnd = [Int?](repeating: nil, count: lines.count)
    var open: [(line: Int, depth: Int)] = []
    var running = 0
    for index in lines.indices {
      let line = bytes[lines[index]]
      guard let (lowest, after) = depths(of: line, from: running) else { return (text, []) }
      while let top = open.last, top.depth > lowest {
        regionEnd[top.line] = index
        open.removeLast()
      }
      if after > lowest { open.append((index, after)) }
      depthsOf.append((lowest, after))
      running = after
    }
    guard running == 0 else { return (text, []) }
    var depth = 0
    // The piece being gathered: its first line, the depth before it, and its last line so far
    // that ends at that depth.
    var first = 0, base = 0
    var lastCut: Int?
    for index in lines.indices {
      let (lowest, after) = depthsOf[index]
      // The line closes a section opened before the piece (the piece ends before it), or a
      // long section opens on it (its body is cut into pieces of its own): the piece so far
      // is emitted up to its last cut, and the lines after that cut and this one stay in the
      // outline; the next piece starts after it, at its depth.
      let opensLongSection =
        depth == base && after > base
        && regionEnd[index].map { lines[$0].upperBound - lines[index].lowerBound >= pieceBytes } == true
      if lowest < base || opensLongSection {
        if let cut = lastCut { emit(first, cut) }
        keep(lastCut.map { $0 + 1 } ?? first, index)
        depth = after
        first = index + 1
        base = depth
        lastCut = nil
        continue
      }
      depth = after
      guard depth == base else { continue }
      lastCut = index
      if lines[index].upperBound - lines[first].lowerBound >= pieceBytes {
        emit(first, index)
        first = index + 1
        lastCut = nil
      }
    }
    guard depth == 0 else { return (text, []) }
    if let cut = lastCut { emit(first, cut) }
    keep(lastCut.map { $0 + 1 } ?? first, lines.count - 1)
    return (String(decoding: outline, as: UTF8.self), pieces)
  }

  /// The page for `context`.
  func render(_ context: Any) -> String {
    outline.render(context, library: library)
  }
}
