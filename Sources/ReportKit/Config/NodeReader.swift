/// Reads one JSON object of a config, tracking the key path for messages and which
/// keys were used, so that unknown keys can be reported (with a "did you mean").
struct NodeReader {
  let node: JSONNode
  let path: String
  let file: String
  let members: [JSONMember]

  /// Reads `node`, which must be an object.
  init(_ node: JSONNode, path: String, file: String, expected: String = "an object") throws(InputError) {
    guard case .object(let members) = node.kind else {
      throw InputError(file: file, position: node.position, message: "\(path.isEmpty ? "the top level" : path) must be \(expected), got \(Self.describe(node))")
    }
    self.node = node
    self.path = path
    self.file = file
    self.members = members
  }

  /// The key path of a member.
  func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// The member's value, if present.
  func value(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }

  /// The member's value, or an error naming the key and how to add it.
  func required(_ key: String, hint: String) throws(InputError) -> JSONNode {
    guard let v = value(key) else {
      throw InputError(file: file, position: node.position, message: "\(path(key)) is missing; \(hint)")
    }
    return v
  }

  /// An error at `node` about the member `key`.
  func error(_ key: String, _ node: JSONNode, _ message: String) -> InputError {
    InputError(file: file, position: node.position, message: "\(path(key)) \(message)")
  }

  /// Fails on the first member whose key is not one of `schemas`' keys (an object that
  /// may be one of several shapes, as `data`, passes each): with a hint when it is
  /// another tool's name for one of ours, else a "did you mean", else the known keys.
  func rejectUnknownKeys(_ schemas: ConfigSchema.ObjectSchema...) throws(InputError) {
    var known: [String] = []
    for key in schemas.flatMap(\.keys) where !known.contains(key) { known.append(key) }
    let place = schemas.first?.place ?? .inside
    for member in members where !known.contains(member.key) {
      let plain = member.key.count <= Echo.limit && member.key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
      var message = plain ? "\(path(member.key)) is not a known key" : "\(path.isEmpty ? "the top level" : path) has the key \(Echo.quoted(member.key)), which is not a known key"
      if let hint = ConfigSchema.foreignHint(member.key, at: place) {
        message += "; \(hint)"
      } else if let suggestion = Self.closest(to: member.key, in: known) {
        message += "; did you mean \"\(suggestion)\"?"
      } else {
        message += "; known keys here: \(known.joined(separator: ", "))"
      }
      throw InputError(file: file, position: member.keyPosition, message: message)
    }
  }

  // MARK: Typed values

  func string(_ key: String) throws(InputError) -> String? {
    guard let v = value(key) else { return nil }
    guard case .string(let s) = v.kind else { throw error(key, v, "must be a string, got \(Self.describe(v))") }
    return s
  }

  func number(_ key: String) throws(InputError) -> Double? {
    guard let v = value(key) else { return nil }
    return try Self.number(v, path: path(key), file: file)
  }

  /// A whole number in `range`.
  func integer(_ key: String, in range: ClosedRange<Int>, what: String) throws(InputError) -> Int? {
    guard let v = value(key) else { return nil }
    return try Self.integer(v, path: path(key), file: file, in: range, what: what)
  }

  static func number(_ v: JSONNode, path: String, file: String) throws(InputError) -> Double {
    guard case .number(let d, _) = v.kind else {
      throw InputError(file: file, position: v.position, message: "\(path) must be a number, got \(describe(v))")
    }
    return d
  }

  static func integer(_ v: JSONNode, path: String, file: String, in range: ClosedRange<Int>, what: String) throws(InputError) -> Int {
    guard case .number(let d, let literal) = v.kind, isWholeLiteral(literal), d.rounded() == d, let i = Int(exactly: d),
      Int(literal).map({ $0 == i }) ?? true, range.contains(i)
    else {
      throw InputError(file: file, position: v.position, message: "\(path) must be \(what), got \(describe(v))")
    }
    return i
  }

  /// Whether a number's text is a whole number as written: every digit the exponent
  /// leaves after the point is 0 (`20.0000000000000001` and `1e-400` are not, though as
  /// doubles they are 20 and 0; `2.5e1` and `100e-2` are). Plain digits are compared
  /// exactly by the caller.
  static func isWholeLiteral(_ literal: String) -> Bool {
    let text = literal.hasPrefix("-") ? Substring(literal.dropFirst()) : Substring(literal)
    let parts = text.split(whereSeparator: { $0 == "e" || $0 == "E" })
    guard let mantissa = parts.first, parts.count <= 2 else { return false }
    let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
    let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let digits = Array(pieces[0] + (pieces.count > 1 ? pieces[1] : ""))
    // Where the point falls among `digits` once the exponent has moved it.
    let point = pieces[0].count + max(-100_000, min(100_000, exponent))
    return digits.indices.allSatisfy { $0 < point || digits[$0] == "0" }
  }

  /// How a value is shown in a message: numbers and short strings verbatim.
  static func describe(_ v: JSONNode) -> String {
    switch v.kind {
    case .number(_, let literal): literal.count <= Echo.limit ? literal : "a number of \(literal.count) characters"
    case .string(let s): "the string \(Echo.quoted(s))"
    case .bool(let b): "\(b)"
    case .array(let items): items.isEmpty ? "an empty array" : "an array of \(items.count) value\(items.count == 1 ? "" : "s")"
    default: v.typeDescription
    }
  }

  /// `; did you mean "scott"?` when `node` is a string close to one of `names`, else "".
  static func suggestion(_ node: JSONNode, among names: [String]) -> String {
    guard case .string(let s) = node.kind, let near = closest(to: s, in: names) else { return "" }
    return "; did you mean \"\(near)\"?"
  }

  /// The known key nearest to `key` by edit distance, if near enough to be a typo.
  static func closest(to key: String, in known: [String]) -> String? {
    let scored = known.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(1, min(3, best.0.count / 3)) ? best.0 : nil
  }

  /// Levenshtein distance.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
