/// One `"key": value` member of a `JSONOutput` object.
public struct JSONOutputMember: Equatable, Sendable {
  /// The member's key.
  public var key: String
  /// The member's value.
  public var value: JSONOutput

  /// Creates a member.
  /// - Parameters:
  ///   - key: The member's key.
  ///   - value: The member's value.
  public init(_ key: String, _ value: JSONOutput) {
    self.key = key
    self.value = value
  }
}

/// A JSON value to be written; objects keep their members in the given order.
public indirect enum JSONOutput: Equatable, Sendable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// An integer, written exactly.
  case int(Int)
  /// A floating-point number; it must be finite to be written.
  case number(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONOutput])
  /// An object whose members are written in this order.
  case object([JSONOutputMember])

  /// An object built from a literal such as `["name": .string("x"), "k": .int(2)]`.
  /// - Parameters:
  ///   - pairs: The members in the order they are written.
  /// - Returns: The object.
  public static func object(_ pairs: KeyValuePairs<String, JSONOutput>) -> JSONOutput {
    .object(pairs.map { JSONOutputMember($0.key, $0.value) })
  }

  // Disfavoured so that `.object([])` still means the enum case instead of being ambiguous.
  /// An object built from computed `(key, value)` pairs, such as the result of a `map`.
  /// - Parameters:
  ///   - pairs: The members in the order they are written.
  /// - Returns: The object.
  @_disfavoredOverload
  public static func object(_ pairs: [(String, JSONOutput)]) -> JSONOutput {
    .object(pairs.map { JSONOutputMember($0.0, $0.1) })
  }
}

/// The reason `JSONWriter` could not write a value: JSON has no NaN or infinity.
public struct JSONWriteError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Where the number is, such as `experiments[0].fit.means[1]`; empty for the top-level value.
  public var path: String
  /// The offending number as Swift prints it: `nan`, `inf` or `-inf`.
  ///
  /// Kept as text because NaN never compares equal, which would make errors unequal to themselves.
  public var number: String

  /// Creates an error.
  /// - Parameters:
  ///   - path: Where the number is; empty for the top-level value.
  ///   - number: The offending number as Swift prints it.
  public init(path: String, number: String) {
    self.path = path
    self.number = number
  }

  /// A message naming the number and where it is.
  public var description: String {
    let location = path.isEmpty ? "the top-level value" : path
    return
      "cannot write the non-finite number \(number) at \(location); JSON has no NaN or infinity"
  }
}

/// Writes `JSONOutput` as deterministic, pretty-printed JSON.
public enum JSONWriter {
  /// Writes `value` with 2-space indentation and a trailing newline.
  ///
  /// Arrays holding only numbers go on one line to keep long traces compact. Integral doubles
  /// below 1e15 in magnitude are written without a fraction; other doubles use Swift's shortest
  /// round-trip form. `<`, `>` and `&` are escaped so the output can be embedded in HTML.
  /// - Parameters:
  ///   - value: The value to write.
  /// - Returns: The JSON text.
  /// - Throws: `JSONWriteError` for the first NaN or infinite number, naming its path.
  public static func write(_ value: JSONOutput) throws(JSONWriteError) -> String {
    var writer = Writer()
    try writer.write(value, indent: 0)
    writer.output += "\n"
    return writer.output
  }

  /// Formats a finite double the way `write` does.
  /// - Parameters:
  ///   - number: A finite number.
  /// - Returns: The JSON text of the number.
  static func format(_ number: Double) -> String {
    // The magnitude check comes first so the Int64 conversion cannot trap; comparing through
    // Int64 avoids `rounded()`, which needs libm. This also writes -0.0 as plain 0, which
    // compares equal anyway and reads better in results.
    if abs(number) < 1e15, Double(Int64(number)) == number {
      return String(Int64(number))
    }
    return number.description
  }

  /// Appends `text` as a JSON string literal to `output`.
  /// - Parameters:
  ///   - text: The string to quote.
  ///   - output: The text to append to.
  static func appendQuoted(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "\u{8}": output += "\\b"
      case "\u{C}": output += "\\f"
      // `<`, `>` and `&` could end a <script> element or start an entity when the JSON is
      // embedded in HTML; U+2028/U+2029 are line terminators to older JavaScript engines.
      case "\u{0}"..."\u{1F}", "<", ">", "&", "\u{2028}", "\u{2029}":
        let digits = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
      default:
        output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}

/// A path step, kept unrendered until an error needs it.
private enum PathComponent {
  case key(String)
  case index(Int)
}

private struct Writer {
  var output = ""
  private var path: [PathComponent] = []

  mutating func write(_ value: JSONOutput, indent: Int) throws(JSONWriteError) {
    switch value {
    case .null:
      output += "null"
    case .bool(let flag):
      output += flag ? "true" : "false"
    case .int(let integer):
      output += String(integer)
    case .number(let number):
      try writeNumber(number)
    case .string(let text):
      JSONWriter.appendQuoted(text, to: &output)
    case .array(let elements):
      try writeArray(elements, indent: indent)
    case .object(let members):
      guard !members.isEmpty else {
        output += "{}"
        return
      }
      output += "{\n"
      let inner = String(repeating: " ", count: indent + 2)
      for (offset, member) in members.enumerated() {
        output += inner
        JSONWriter.appendQuoted(member.key, to: &output)
        output += ": "
        path.append(.key(member.key))
        try write(member.value, indent: indent + 2)
        path.removeLast()
        output += offset == members.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: " ", count: indent) + "}"
    }
  }

  private mutating func writeArray(_ elements: [JSONOutput], indent: Int) throws(JSONWriteError) {
    guard !elements.isEmpty else {
      output += "[]"
      return
    }
    let numbersOnly = elements.allSatisfy {
      switch $0 {
      case .int, .number: true
      default: false
      }
    }
    if numbersOnly {
      output += "["
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output += ", " }
        path.append(.index(offset))
        try write(element, indent: indent)
        path.removeLast()
      }
      output += "]"
      return
    }
    output += "[\n"
    let inner = String(repeating: " ", count: indent + 2)
    for (offset, element) in elements.enumerated() {
      output += inner
      path.append(.index(offset))
      try write(element, indent: indent + 2)
      path.removeLast()
      output += offset == elements.count - 1 ? "\n" : ",\n"
    }
    output += String(repeating: " ", count: indent) + "]"
  }

  private mutating func writeNumber(_ number: Double) throws(JSONWriteError) {
    guard number.isFinite else {
      throw JSONWriteError(path: renderedPath(), number: number.description)
    }
    output += JSONWriter.format(number)
  }

  /// The path as `a.b[0].c`, falling back to `["key"]` for keys that would be ambiguous
  /// after a dot.
  private func renderedPath() -> String {
    var rendered = ""
    for component in path {
      switch component {
      case .index(let index):
        rendered += "[\(index)]"
      case .key(let key):
        let plain =
          !key.isEmpty
          && key.unicodeScalars.allSatisfy {
            switch $0 {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
          }
        if plain {
          rendered += rendered.isEmpty ? key : "." + key
        } else {
          var quoted = ""
          JSONWriter.appendQuoted(key, to: &quoted)
          rendered += "[" + quoted + "]"
        }
      }
    }
    return rendered
  }
}
