/// A 1-based line and column in JSON source text, so config errors can name the exact spot.
///
/// The column counts Unicode scalars from the start of the line, and a tab counts as one.
public struct SourcePosition: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, in Unicode scalars from the start of the line.
  public var column: Int

  /// Creates a position.
  /// - Parameters:
  ///   - line: The 1-based line number.
  ///   - column: The 1-based column, in Unicode scalars from the start of the line.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  /// The position as `line:column`, for example `3:14`.
  public var description: String { "\(line):\(column)" }
}

/// A parsed JSON value together with where it starts in the source.
public struct JSONNode: Equatable, Sendable {
  /// What the value is.
  public indirect enum Kind: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, with the exact source text kept for messages that quote it.
    case number(Double, literal: String)
    /// A string with all escapes resolved.
    case string(String)
    /// An array, in source order.
    case array([JSONNode])
    /// An object whose members keep their source order.
    case object([JSONMember])
  }

  /// What the value is.
  public var kind: Kind
  /// The position of the value's first character.
  public var position: SourcePosition

  /// Creates a node.
  /// - Parameters:
  ///   - kind: What the value is.
  ///   - position: The position of the value's first character.
  public init(kind: Kind, position: SourcePosition) {
    self.kind = kind
    self.position = position
  }

  /// A short name of the value's type for messages, such as "a number" or "an object".
  public var typeDescription: String {
    switch kind {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Equatable, Sendable {
  /// The key with all escapes resolved.
  public var key: String
  /// The position of the key's opening quote.
  public var keyPosition: SourcePosition
  /// The member's value.
  public var value: JSONNode

  /// Creates a member.
  /// - Parameters:
  ///   - key: The key with all escapes resolved.
  ///   - keyPosition: The position of the key's opening quote.
  ///   - value: The member's value.
  public init(key: String, keyPosition: SourcePosition, value: JSONNode) {
    self.key = key
    self.keyPosition = keyPosition
    self.value = value
  }
}
