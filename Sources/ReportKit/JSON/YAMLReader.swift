import Foundation
import Yams

/// Reads a YAML experiment file into the same tree the JSON parser makes, with the
/// line:column of every key and value, so that the decoder's messages are the same for both.
///
/// Only what JSON can say is accepted, with YAML 1.2's core schema for plain scalars:
/// `null`, `~` and an empty value are null; `true`/`false` (also `True`, `TRUE`, …) are
/// booleans; `12`, `+12`, `0o14`, `0xC` are integers and `1.5`, `.5`, `1e3` numbers; every
/// other plain scalar, and every quoted or block scalar, is a string (so `yes`, `on` and
/// `2024-01-01` are strings, as YAML 1.2 says, not YAML 1.1's booleans and dates). Refused
/// with their position: `.inf` and `.nan` (JSON has neither), keys that are not strings,
/// a key given twice in one mapping, anchors and aliases (`&a`, `*a`: write the value out),
/// merge keys (`<<`), tags other than YAML's standard `!!str`, `!!int`, `!!float`, `!!bool`,
/// `!!null`, `!!seq` and `!!map`, and more than one document.
enum YAMLReader {
  /// Parses a whole YAML document.
  /// - Parameter text: The file's contents (a leading byte order mark is skipped).
  /// - Returns: The top-level value.
  /// - Throws: ``JSONSyntaxError`` at the first problem, as the JSON parser does.
  static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
    // libyaml reads a byte order mark only when it detects the encoding itself; it is
    // invisible in editors, so the first real character stays at column 1.
    let text = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
    let parser: Parser
    let root: Node?
    do {
      parser = try Parser(yaml: text, resolver: coreSchema, constructor: .default, encoding: .utf8)
      root = try parser.singleRoot()
    } catch let error as YamlError {
      var problem = syntaxError(error, text: text)
      problem.position = within(problem.position, text)
      throw problem
    } catch {
      throw JSONSyntaxError(position: SourcePosition(line: 1, column: 1), message: "YAML: \(error)")
    }
    guard let root else {
      throw JSONSyntaxError(position: SourcePosition(line: 1, column: 1), message: "the file holds no YAML document (it is empty or only comments)")
    }
    // Anchors are weak references that the parser keeps alive.
    do {
      return within(try withExtendedLifetime(parser) { () throws(JSONSyntaxError) in try convert(root) }, end(of: text))
    } catch {
      var problem = error
      problem.position = within(problem.position, text)
      throw problem
    }
  }

  /// `node` with every position past the end of the text (a value libyaml ends the file
  /// with, such as the null of a lone `---`, is put on the line after it) moved to the end.
  private static func within(_ node: JSONNode, _ end: SourcePosition) -> JSONNode {
    var node = node
    if node.position.line > end.line { node.position = end }
    switch node.kind {
    case .array(let items): node.kind = .array(items.map { within($0, end) })
    case .object(let members):
      node.kind = .object(
        members.map { m in
          JSONMember(key: m.key, keyPosition: m.keyPosition.line > end.line ? end : m.keyPosition, value: within(m.value, end))
        })
    default: break
    }
    return node
  }

  /// YAML 1.2's core schema (Yams' default is YAML 1.1's, with `yes`, `0b1`, `1_000`, dates
  /// and merge keys). Yams resolves mapping keys with it to find duplicates; ``resolve(_:)``
  /// says the same for values.
  static let coreSchema: Resolver = {
    var resolver = Resolver.basic
    for (tag, pattern) in [
      (Tag.Name.null, "^(?:~|null|Null|NULL|)$"),
      (.bool, "^(?:true|True|TRUE|false|False|FALSE)$"),
      (.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
      (.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?(?:\\.inf|\\.Inf|\\.INF)|\\.nan|\\.NaN|\\.NAN)$"),
    ] {
      // The patterns are constant and valid (the YAML tests resolve every kind).
      if let rule = try? Resolver.Rule(tag, pattern) { resolver = resolver.appending(rule) }
    }
    return resolver
  }()

  private static let yamlTagPrefix = "tag:yaml.org,2002:"

  /// A tag as written: `!!int` for YAML's own, `!name` or the full tag otherwise.
  private static func shown(_ tag: Tag) -> String {
    let name = tag.description
    return name.hasPrefix(yamlTagPrefix) ? "!!" + name.dropFirst(yamlTagPrefix.count) : name
  }

  private static func position(_ mark: Mark?) -> SourcePosition {
    SourcePosition(line: max(1, mark?.line ?? 1), column: max(1, mark?.column ?? 1))
  }

  private static func refuseAnchor(_ anchor: Anchor?, at mark: Mark?) throws(JSONSyntaxError) {
    guard let anchor else { return }
    throw JSONSyntaxError(
      position: position(mark),
      message: "the anchor &\(JSONScannerQuote.truncated(anchor.rawValue)) (with its aliases *\(JSONScannerQuote.truncated(anchor.rawValue))) is not supported in experiment files; write the value out where it is used")
  }

  /// A node and everything below it. Nesting is bounded by libyaml's own depth limit.
  private static func convert(_ node: Node) throws(JSONSyntaxError) -> JSONNode {
    switch node {
    case .scalar(let scalar):
      try refuseAnchor(scalar.anchor, at: scalar.mark)
      return try resolve(scalar)
    case .sequence(let sequence):
      try refuseAnchor(sequence.anchor, at: sequence.mark)
      let tag = sequence.tag.description
      guard tag.isEmpty || tag == "!" || tag == Tag.Name.seq.rawValue else {
        throw JSONSyntaxError(position: position(sequence.mark), message: "the tag \(shown(sequence.tag)) does not fit a sequence; remove it")
      }
      var items: [JSONNode] = []
      for item in sequence { items.append(try convert(item)) }
      return JSONNode(kind: .array(items), position: position(sequence.mark))
    case .mapping(let mapping):
      try refuseAnchor(mapping.anchor, at: mapping.mark)
      let tag = mapping.tag.description
      guard tag.isEmpty || tag == "!" || tag == Tag.Name.map.rawValue else {
        throw JSONSyntaxError(position: position(mapping.mark), message: "the tag \(shown(mapping.tag)) does not fit a mapping; remove it")
      }
      var members: [JSONMember] = []
      for (keyNode, valueNode) in mapping {
        let key = try self.key(keyNode)
        members.append(JSONMember(key: key, keyPosition: position(keyNode.mark), value: try convert(valueNode)))
      }
      return JSONNode(kind: .object(members), position: position(mapping.mark))
    case .alias(let alias):
      // The composer resolves aliases; this is for a tree built otherwise.
      try refuseAnchor(alias.anchor, at: alias.mark)
      throw JSONSyntaxError(position: position(alias.mark), message: "aliases are not supported in experiment files")
    }
  }

  /// A mapping key, which must be a string.
  private static func key(_ node: Node) throws(JSONSyntaxError) -> String {
    guard case .scalar(let scalar) = node else {
      let what = if case .sequence = node { "a sequence" } else { "a mapping" }
      throw JSONSyntaxError(position: position(node.mark), message: "a key must be a string, not \(what) (a complex key \"? …\")")
    }
    try refuseAnchor(scalar.anchor, at: scalar.mark)
    if scalar.style == .plain, scalar.string == "<<", scalar.tag.description.isEmpty || scalar.tag.description == Tag.Name.str.rawValue {
      throw JSONSyntaxError(position: position(scalar.mark), message: "merge keys (<<) are not supported in experiment files; write the keys out")
    }
    let value = try resolve(scalar)
    guard case .string(let key) = value.kind else {
      throw JSONSyntaxError(
        position: value.position,
        message: "the key \(JSONScannerQuote.truncated(scalar.string)) is \(value.typeDescription), not a string; quote it (\(Echo.quoted(scalar.string))) if it is meant as a key")
    }
    return key
  }

  /// A scalar by its tag, or for an untagged plain scalar by the core schema.
  private static func resolve(_ scalar: Node.Scalar) throws(JSONSyntaxError) -> JSONNode {
    let at = position(scalar.mark)
    let text = scalar.string
    var tag = scalar.tag.description
    if tag.isEmpty {
      // Quoted and block scalars carry `!!str` already; this is a plain one.
      tag = coreTag(text)
    }
    switch tag {
    case Tag.Name.str.rawValue, "!":
      return JSONNode(kind: .string(text), position: at)
    case Tag.Name.null.rawValue:
      guard coreTag(text) == Tag.Name.null.rawValue else { throw mismatch(scalar, at) }
      return JSONNode(kind: .null, position: at)
    case Tag.Name.bool.rawValue:
      guard coreTag(text) == Tag.Name.bool.rawValue else { throw mismatch(scalar, at) }
      return JSONNode(kind: .bool(text.lowercased() == "true"), position: at)
    case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
      let core = coreTag(text)
      guard core == Tag.Name.int.rawValue || core == Tag.Name.float.rawValue else { throw mismatch(scalar, at) }
      return try number(text, at)
    default:
      throw JSONSyntaxError(
        position: at, message: "the tag \(shown(scalar.tag)) has no JSON meaning; remove it (YAML's !!str, !!int, !!float, !!bool and !!null are understood)")
    }
  }

  private static func mismatch(_ scalar: Node.Scalar, _ at: SourcePosition) -> JSONSyntaxError {
    JSONSyntaxError(position: at, message: "\(Echo.quoted(scalar.string)) is not a value of the tag \(shown(scalar.tag))")
  }

  /// The core schema's tag of a plain scalar's text.
  static func coreTag(_ text: String) -> String {
    let s = Array(text.unicodeScalars)
    func digits(_ from: Int, _ ok: (Unicode.Scalar) -> Bool) -> Bool { from < s.count && s[from...].allSatisfy(ok) }
    let decimal: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
    switch text {
    case "", "~", "null", "Null", "NULL": return Tag.Name.null.rawValue
    case "true", "True", "TRUE", "false", "False", "FALSE": return Tag.Name.bool.rawValue
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN": return Tag.Name.float.rawValue
    default: break
    }
    if text.hasPrefix("0o"), digits(2, { ("0"..."7").contains($0) }) { return Tag.Name.int.rawValue }
    if text.hasPrefix("0x"), digits(2, { $0.properties.isASCIIHexDigit }) { return Tag.Name.int.rawValue }
    let sign = s.first == "+" || s.first == "-" ? 1 : 0
    if digits(sign, decimal) { return Tag.Name.int.rawValue }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    var i = sign
    var mantissaDigits = 0
    while i < s.count, decimal(s[i]) { i += 1; mantissaDigits += 1 }
    if i < s.count, s[i] == "." {
      i += 1
      var fraction = 0
      while i < s.count, decimal(s[i]) { i += 1; fraction += 1 }
      // ".": no digit on either side; "1." is a number, "." is not.
      if mantissaDigits == 0 && fraction == 0 { return Tag.Name.str.rawValue }
      mantissaDigits += fraction
    }
    guard mantissaDigits > 0 else { return Tag.Name.str.rawValue }
    if i < s.count, s[i] == "e" || s[i] == "E" {
      i += 1
      if i < s.count, s[i] == "+" || s[i] == "-" { i += 1 }
      guard digits(i, decimal) else { return Tag.Name.str.rawValue }
      i = s.count
    }
    return i == s.count ? Tag.Name.float.rawValue : Tag.Name.str.rawValue
  }

  /// A core-schema number as the JSON parser would give it: finite, with its text kept for
  /// messages (a leading `+` dropped; octal and hexadecimal written in decimal).
  private static func number(_ text: String, _ at: SourcePosition) throws(JSONSyntaxError) -> JSONNode {
    let unsigned = text.hasPrefix("+") || text.hasPrefix("-") ? String(text.dropFirst()) : text
    if unsigned.hasPrefix(".") && (unsigned.lowercased() == ".inf" || unsigned.lowercased() == ".nan") {
      throw JSONSyntaxError(position: at, message: "\(text) is not allowed: numbers in an experiment file are finite, as in JSON")
    }
    if text.hasPrefix("0o") || text.hasPrefix("0x") {
      let radix = text.hasPrefix("0o") ? 8 : 16
      var value = 0.0
      for scalar in text.unicodeScalars.dropFirst(2) { value = value * Double(radix) + Double(Int(String(scalar), radix: radix) ?? 0) }
      guard value.isFinite else { throw JSONSyntaxError(position: at, message: "number \(JSONScannerQuote.truncated(text)) is out of range") }
      // Exact below 2^53, where an integer's digits are its value's.
      let literal = value < 9_007_199_254_740_992 ? String(Int(value)) : "\(value)"
      return JSONNode(kind: .number(value, literal: literal), position: at)
    }
    let literal = text.hasPrefix("+") ? String(text.dropFirst()) : text
    guard let value = Double(literal) else {
      throw JSONSyntaxError(position: at, message: "invalid number \(JSONScannerQuote.truncated(text))")
    }
    guard value.isFinite else {
      throw JSONSyntaxError(position: at, message: "number \(JSONScannerQuote.truncated(literal)) is out of range")
    }
    return JSONNode(kind: .number(value, literal: literal), position: at)
  }

  /// A YAML syntax error as one positioned line.
  private static func syntaxError(_ error: YamlError, text: String) -> JSONSyntaxError {
    func tabHint(_ mark: Mark) -> String {
      let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || isOtherBreak($0.unicodeScalars.first) })
      guard mark.line >= 1, mark.line <= lines.count else { return "" }
      let scalars = Array(lines[mark.line - 1].unicodeScalars)
      return mark.column >= 1 && mark.column <= scalars.count && scalars[mark.column - 1] == "\t" ? " (a tab: YAML indents with spaces)" : ""
    }
    func context(_ c: YamlError.Context?) -> String {
      guard let c else { return "" }
      // A context libyaml puts past the end of the file (a flow node open at its end) is at
      // the end, as the error is.
      let at = within(position(c.mark), text)
      return " (\(c.text) at \(at.line):\(at.column))"
    }
    switch error {
    case .scanner(let c, let problem, let mark, _), .parser(let c, let problem, let mark, _):
      // libyaml's own bound on nesting (a hostile file costs an error, not the stack).
      if problem.hasPrefix("Maximum nesting level") {
        return JSONSyntaxError(position: position(mark), message: "nesting is deeper than 1000 levels")
      }
      return JSONSyntaxError(position: position(mark), message: "YAML: \(problem)\(context(c))\(tabHint(mark))")
    case .composer(let c, let problem, let mark, _):
      if problem.hasPrefix("but found another document") {
        return JSONSyntaxError(position: position(mark), message: "a second YAML document starts here; an experiment file holds one")
      }
      return JSONSyntaxError(position: position(mark), message: "YAML: \(problem)\(context(c))")
    case .duplicatedKeysInMapping(let duplicates, let c):
      let key = duplicates.first ?? ""
      return JSONSyntaxError(position: position(c.mark), message: "duplicate key \(Echo.quoted(key)): it is given again later in this mapping")
    case .reader(let problem, let offset, _, _):
      return JSONSyntaxError(position: offset.map { position(ofByte: $0, in: text) } ?? SourcePosition(line: 1, column: 1), message: "YAML: \(problem)")
    default:
      return JSONSyntaxError(position: SourcePosition(line: 1, column: 1), message: "YAML: \(error)")
    }
  }

  /// `position`, or one past the last character when it lies past the last line: libyaml
  /// puts an error at the end of a file without a final line break on the line after it.
  private static func within(_ position: SourcePosition, _ text: String) -> SourcePosition {
    let end = end(of: text)
    return position.line > end.line ? end : position
  }

  /// One past the last character of `text`.
  private static func end(of text: String) -> SourcePosition { position(ofByte: Int.max, in: text) }

  /// NEL, LS and PS: line breaks to libyaml (YAML 1.1's), which numbers its lines by them
  /// too, so a file's end and a tab's line are found with them.
  private static func isOtherBreak(_ scalar: Unicode.Scalar?) -> Bool {
    scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
  }

  /// The line:column of a byte offset into `text`'s UTF-8, lines counted as libyaml counts
  /// them (CR, LF, CR LF, NEL, LS, PS).
  private static func position(ofByte offset: Int, in text: String) -> SourcePosition {
    var line = 1, column = 1, bytes = 0
    var previous: Unicode.Scalar? = nil
    for scalar in text.unicodeScalars {
      guard bytes < offset else { break }
      bytes += String(scalar).utf8.count
      if scalar == "\n" && previous == "\r" {
      } else if scalar == "\n" || scalar == "\r" || isOtherBreak(scalar) {
        line += 1
        column = 1
      } else {
        column += 1
      }
      previous = scalar
    }
    return SourcePosition(line: line, column: column)
  }
}

/// The JSON parser's quoting helpers, for messages about YAML text.
private enum JSONScannerQuote {
  static func truncated(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard scalars.count > 40 else { return Echo.oneLine(text) }
    return Echo.oneLine(String(String.UnicodeScalarView(scalars.prefix(40)))) + "…"
  }
}
