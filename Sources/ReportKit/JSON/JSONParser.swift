/// A JSON syntax error with the position of the offending character.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Where the problem is; one past the last character when the file ends too early.
  public var position: SourcePosition
  /// A short explanation meant for someone editing the file by hand.
  public var message: String

  /// Creates an error.
  /// - Parameters:
  ///   - position: Where the problem is.
  ///   - message: A short explanation of the problem.
  public init(position: SourcePosition, message: String) {
    self.position = position
    self.message = message
  }

  /// The error as `line:column: message`.
  public var description: String { "\(position): \(message)" }
}

/// A strict RFC 8259 JSON parser that records source positions.
public enum JSONParser {
  /// The deepest nesting of arrays and objects accepted.
  public static let maximumDepth = 512

  /// Parses a complete JSON document.
  ///
  /// A leading UTF-8 byte order mark is skipped. Anything RFC 8259 does not allow is rejected,
  /// including comments, trailing commas, duplicate keys and numbers that overflow a `Double`.
  /// - Parameters:
  ///   - text: The whole document.
  /// - Returns: The top-level value.
  /// - Throws: `JSONSyntaxError` at the first problem found.
  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
    var scanner = JSONScanner(text)
    return try scanner.parseDocument()
  }
}

/// An array or object still being parsed.
///
/// Open containers live on an explicit stack rather than the call stack, so hostile nesting
/// costs heap memory and a clean error instead of a crash.
private struct OpenContainer {
  var isObject: Bool
  var start: SourcePosition
  var elements: [JSONNode] = []
  var members: [JSONMember] = []
  var keys: Set<String> = []
  var pendingKey = ""
  var pendingKeyPosition = SourcePosition(line: 0, column: 0)
}

/// The parse state: a cursor over the document's Unicode scalars.
private struct JSONScanner {
  private let scalars: [Unicode.Scalar]
  private var index = 0
  private var line = 1
  /// The index of the current line's first scalar; columns are measured from it.
  private var lineStart = 0

  init(_ text: String) {
    scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" {
      index = 1
      // The byte order mark is invisible in editors, so the first real character is column 1.
      lineStart = 1
    }
  }

  // Newlines only occur in whitespace (they are errors inside strings), so line tracking lives
  // in `skipWhitespace` and positions within a token are simple offsets from `lineStart`.
  private var position: SourcePosition {
    SourcePosition(line: line, column: index - lineStart + 1)
  }

  private var current: Unicode.Scalar? {
    index < scalars.count ? scalars[index] : nil
  }

  private func error(_ message: String, at position: SourcePosition? = nil) -> JSONSyntaxError {
    JSONSyntaxError(position: position ?? self.position, message: message)
  }

  private mutating func skipWhitespace() {
    while index < scalars.count {
      switch scalars[index] {
      case " ", "\t":
        index += 1
      case "\n":
        index += 1
        line += 1
        lineStart = index
      case "\r":
        index += 1
        // In CRLF the LF starts the new line; a lone CR (classic Mac) starts one itself.
        if index < scalars.count, scalars[index] == "\n" { continue }
        line += 1
        lineStart = index
      default:
        return
      }
    }
  }

  /// An error for an unexpected character at the cursor, with dedicated advice for the
  /// usual JSON-with-comments mistake.
  private func unexpected(expected: String) -> JSONSyntaxError {
    if current == "/" { return error("comments are not allowed in JSON") }
    return error("expected \(expected), found \(Self.describe(current))")
  }

  private func unclosed(_ container: OpenContainer) -> JSONSyntaxError {
    let kind = container.isObject ? "object" : "array"
    return error("unexpected end of file, the \(kind) starting at \(container.start) is not closed")
  }

  mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
    var stack: [OpenContainer] = []
    parsing: while true {
      skipWhitespace()
      let start = position
      guard let first = current else { throw error("unexpected end of file, expected a value") }
      var value: JSONNode
      switch first {
      case "{", "[":
        guard stack.count < JSONParser.maximumDepth else {
          throw error("nesting is deeper than \(JSONParser.maximumDepth) levels")
        }
        index += 1
        skipWhitespace()
        if first == "{" {
          if current == "}" {
            index += 1
            value = JSONNode(kind: .object([]), position: start)
          } else {
            var container = OpenContainer(isObject: true, start: start)
            try parseKey(into: &container, comma: nil)
            stack.append(container)
            continue parsing
          }
        } else {
          if current == "]" {
            index += 1
            value = JSONNode(kind: .array([]), position: start)
          } else {
            stack.append(OpenContainer(isObject: false, start: start))
            continue parsing
          }
        }
      default:
        value = try parseScalarValue(first)
      }

      // Hand the finished value to its container, closing every container that ends with it.
      while let top = stack.indices.last {
        skipWhitespace()
        if stack[top].isObject {
          stack[top].members.append(
            JSONMember(
              key: stack[top].pendingKey, keyPosition: stack[top].pendingKeyPosition, value: value))
          switch current {
          case ","?:
            let comma = position
            index += 1
            try parseKey(into: &stack[top], comma: comma)
            continue parsing
          case "}"?:
            index += 1
            let container = stack.removeLast()
            value = JSONNode(kind: .object(container.members), position: container.start)
          case nil:
            throw unclosed(stack[top])
          default:
            throw unexpected(expected: "',' or '}' after an object member")
          }
        } else {
          stack[top].elements.append(value)
          switch current {
          case ","?:
            let comma = position
            index += 1
            skipWhitespace()
            if current == "]" {
              throw error("trailing comma before ']' is not allowed in JSON", at: comma)
            }
            continue parsing
          case "]"?:
            index += 1
            let container = stack.removeLast()
            value = JSONNode(kind: .array(container.elements), position: container.start)
          case nil:
            throw unclosed(stack[top])
          default:
            throw unexpected(expected: "',' or ']' after an array element")
          }
        }
      }

      skipWhitespace()
      guard current == nil else {
        throw unexpected(expected: "end of file after the top-level value")
      }
      return value
    }
  }

  /// Parses `"key":` into `container`, leaving the cursor at the member's value.
  /// - Parameters:
  ///   - container: The object the key belongs to.
  ///   - comma: The position of the comma before the key, if any.
  private mutating func parseKey(
    into container: inout OpenContainer, comma: SourcePosition?
  ) throws(JSONSyntaxError) {
    skipWhitespace()
    switch current {
    case "\""?:
      let keyPosition = position
      let key = try parseString()
      // Swift compares strings by canonical equivalence, so keys that differ only in Unicode
      // normalization count as duplicates; later lookups by `String` could not tell them apart.
      guard container.keys.insert(key).inserted else {
        throw error("duplicate key \(Self.quoted(key))", at: keyPosition)
      }
      skipWhitespace()
      guard current == ":" else {
        throw unexpected(expected: "':' after the key \(Self.quoted(key))")
      }
      index += 1
      container.pendingKey = key
      container.pendingKeyPosition = keyPosition
    case "}"? where comma != nil:
      throw error("trailing comma before '}' is not allowed in JSON", at: comma)
    case "'"?:
      throw error("single quotes are not allowed in JSON; use double quotes")
    case nil:
      throw unclosed(container)
    default:
      throw unexpected(expected: "a string key in double quotes")
    }
  }

  /// Parses a string, number or literal starting with `first` at the cursor.
  private mutating func parseScalarValue(_ first: Unicode.Scalar) throws(JSONSyntaxError)
    -> JSONNode
  {
    let start = position
    switch first {
    case "\"":
      return JSONNode(kind: .string(try parseString()), position: start)
    case "-", "+", ".", "0"..."9":
      return try parseNumber()
    case "'":
      throw error("single quotes are not allowed in JSON; use double quotes")
    case "a"..."z", "A"..."Z":
      let word = takeWord()
      switch word {
      case "true": return JSONNode(kind: .bool(true), position: start)
      case "false": return JSONNode(kind: .bool(false), position: start)
      case "null": return JSONNode(kind: .null, position: start)
      case "NaN", "Infinity":
        throw error("NaN and Infinity are not allowed in JSON", at: start)
      default:
        let lowercased = word.lowercased()
        if lowercased == "true" || lowercased == "false" || lowercased == "null" {
          throw error(
            "expected a value, found '\(word)'; write '\(lowercased)' in lowercase", at: start)
        }
        throw error("expected a value, found '\(Self.truncated(word))'", at: start)
      }
    default:
      throw unexpected(expected: "a value")
    }
  }

  /// Consumes a run of ASCII letters, digits and underscores, so a misspelt literal is reported
  /// as one word rather than as its first letter.
  private mutating func takeWord() -> String {
    var word = String.UnicodeScalarView()
    while let scalar = current {
      switch scalar {
      case "a"..."z", "A"..."Z", "0"..."9", "_":
        word.append(scalar)
        index += 1
      default:
        return String(word)
      }
    }
    return String(word)
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> JSONNode {
    let start = index
    let startPosition = position
    var cursor = index
    func isDigit(_ offset: Int) -> Bool {
      offset < scalars.count && ("0"..."9").contains(scalars[offset])
    }
    func invalid(_ reason: String?) -> JSONSyntaxError {
      // Quote the whole number-like run so the user sees the token they wrote.
      var end = start + 1
      while end < scalars.count, Self.isNumberCharacter(scalars[end]) { end += 1 }
      let token = Self.truncated(String(String.UnicodeScalarView(scalars[start..<end])))
      let suffix = reason.map { ": \($0)" } ?? ""
      return JSONSyntaxError(position: startPosition, message: "invalid number '\(token)'\(suffix)")
    }

    switch scalars[cursor] {
    case "+": throw invalid("a leading '+' is not allowed")
    case ".": throw invalid("expected a digit before '.'")
    case "-": cursor += 1
    default: break
    }
    guard isDigit(cursor) else {
      if cursor < scalars.count, scalars[cursor] == "I" {
        throw JSONSyntaxError(
          position: startPosition, message: "NaN and Infinity are not allowed in JSON")
      }
      throw invalid("expected a digit after '-'")
    }
    if scalars[cursor] == "0" {
      cursor += 1
      if isDigit(cursor) { throw invalid("leading zeros are not allowed") }
    } else {
      while isDigit(cursor) { cursor += 1 }
    }
    if cursor < scalars.count, scalars[cursor] == "." {
      cursor += 1
      guard isDigit(cursor) else { throw invalid("expected a digit after '.'") }
      while isDigit(cursor) { cursor += 1 }
    }
    if cursor < scalars.count, scalars[cursor] == "e" || scalars[cursor] == "E" {
      cursor += 1
      if cursor < scalars.count, scalars[cursor] == "+" || scalars[cursor] == "-" { cursor += 1 }
      guard isDigit(cursor) else { throw invalid("expected a digit in the exponent") }
      while isDigit(cursor) { cursor += 1 }
    }
    // Something like `1.2.3` or `1-2` is one malformed number to a human, not a number
    // followed by a stray character.
    if cursor < scalars.count, Self.isNumberCharacter(scalars[cursor]) {
      throw invalid(nil)
    }

    let literal = String(String.UnicodeScalarView(scalars[start..<cursor]))
    guard let number = Double(literal) else { throw invalid(nil) }
    guard number.isFinite else {
      throw JSONSyntaxError(
        position: startPosition, message: "number \(Self.truncated(literal)) is out of range")
    }
    index = cursor
    return JSONNode(kind: .number(number, literal: literal), position: startPosition)
  }

  /// Parses a string at the opening quote under the cursor and returns its unescaped contents.
  private mutating func parseString() throws(JSONSyntaxError) -> String {
    let opening = position
    index += 1
    var contents = String.UnicodeScalarView()
    while true {
      guard let scalar = current else { throw error("unterminated string", at: opening) }
      switch scalar {
      case "\"":
        index += 1
        return String(contents)
      case "\\":
        contents.append(try parseEscape(opening: opening))
      case "\n", "\r":
        // A line break almost always means the closing quote was forgotten.
        throw error("unterminated string; write a line break inside a string as \\n", at: opening)
      case "\u{0}"..."\u{1F}":
        throw error("control character \(Self.hex(scalar)) in a string must be escaped")
      default:
        contents.append(scalar)
        index += 1
      }
    }
  }

  private static func isNumberCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "0"..."9", ".", "e", "E", "+", "-": true
    default: false
    }
  }

  /// Parses the escape sequence at the backslash under the cursor.
  private mutating func parseEscape(opening: SourcePosition) throws(JSONSyntaxError)
    -> Unicode.Scalar
  {
    let escape = position
    let escapeIndex = index
    index += 1
    guard let letter = current else { throw error("unterminated string", at: opening) }
    let simple: Unicode.Scalar? =
      switch letter {
      case "\"": "\""
      case "\\": "\\"
      case "/": "/"
      case "b": "\u{8}"
      case "f": "\u{C}"
      case "n": "\n"
      case "r": "\r"
      case "t": "\t"
      default: nil
      }
    if let simple {
      index += 1
      return simple
    }
    guard letter == "u" else {
      if Self.isVisible(letter) {
        throw error("invalid escape '\\\(letter)' in string", at: escape)
      }
      throw error("invalid escape: '\\' followed by \(Self.describe(letter)) in string", at: escape)
    }

    let unit = try parseHex4(escape: escape)
    switch unit {
    case 0xD800..<0xDC00:
      // A high surrogate is only meaningful together with an immediately following low one.
      if index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" {
        let lowEscape = position
        index += 1
        let low = try parseHex4(escape: lowEscape)
        if (0xDC00..<0xE000).contains(low),
          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        {
          return scalar
        }
      }
      throw error(
        "unpaired surrogate '\\u\(hexDigits(escapeIndex: escapeIndex))' in string", at: escape)
    case 0xDC00..<0xE000:
      throw error(
        "unpaired surrogate '\\u\(hexDigits(escapeIndex: escapeIndex))' in string", at: escape)
    default:
      // Every non-surrogate value below 0x10000 is a valid scalar.
      guard let scalar = Unicode.Scalar(unit) else {
        throw error(
          "invalid escape '\\u\(hexDigits(escapeIndex: escapeIndex))' in string", at: escape)
      }
      return scalar
    }
  }

  /// The four hex digits of the already validated `\u` escape at `escapeIndex`, as written.
  private func hexDigits(escapeIndex: Int) -> String {
    let first = escapeIndex + 2
    return String(String.UnicodeScalarView(scalars[first..<min(first + 4, scalars.count)]))
  }

  /// Parses the four hex digits after the `u` under the cursor.
  private mutating func parseHex4(escape: SourcePosition) throws(JSONSyntaxError) -> UInt32 {
    var unit: UInt32 = 0
    for offset in 1...4 {
      let digitIndex = index + offset
      guard digitIndex < scalars.count, let digit = Self.hexValue(scalars[digitIndex]) else {
        // Show what was written, stopping where the string or the visible text ends.
        var shown = "\\u"
        var shownIndex = index + 1
        while shownIndex < scalars.count, shownIndex <= index + 4,
          scalars[shownIndex] != "\"", scalars[shownIndex] != "\\",
          Self.isVisible(scalars[shownIndex])
        {
          shown.unicodeScalars.append(scalars[shownIndex])
          shownIndex += 1
        }
        throw error(
          "invalid escape '\(shown)' in string; expected 4 hex digits after \\u", at: escape)
      }
      unit = unit << 4 | digit
    }
    index += 5
    return unit
  }

  private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
    switch scalar.value {
    case 0x30...0x39: scalar.value - 0x30
    case 0x41...0x46: scalar.value - 0x41 + 10
    case 0x61...0x66: scalar.value - 0x61 + 10
    default: nil
    }
  }

  /// Whether quoting `scalar` in a message shows the reader something recognizable.
  private static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber,
      .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation,
      .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      true
    default:
      false
    }
  }

  /// `U+XXXX`, the usual way to name an invisible character.
  private static func hex(_ scalar: Unicode.Scalar) -> String {
    let digits = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// Describes a found character: quoted when visible, by code point (and name) otherwise,
  /// since a pasted no-break space looks exactly like a space.
  static func describe(_ scalar: Unicode.Scalar?) -> String {
    guard let scalar else { return "end of file" }
    if scalar == "'" { return "\"'\"" }
    if isVisible(scalar) { return "'\(scalar)'" }
    if let name = scalar.properties.name {
      return "\(hex(scalar)) (\(name.lowercased()))"
    }
    return hex(scalar)
  }

  /// A key in double quotes with quotes, backslashes and control characters escaped, so the
  /// message shows it the way it is written in the file.
  static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in truncated(text).unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      // Every control character (C0, DEL, C1) and the Unicode line separators: a message
      // stays one line.
      case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}": result += "\\u" + hex(scalar).dropFirst(2)
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  /// Shortens very long text so one bad token cannot flood a message.
  static func truncated(_ text: String) -> String {
    let limit = 40
    let scalars = text.unicodeScalars
    guard scalars.count > limit else { return text }
    return String(String.UnicodeScalarView(scalars.prefix(limit))) + "…"
  }
}
