/// How a message repeats what a user wrote: on one line, and short.
///
/// A config string or a CSV cell may hold a newline, a carriage return (which would
/// overwrite the terminal's line) or thousands of characters; an error is still one line
/// that fits a terminal. Positions are kept exact by the caller: only the echo is shortened.
enum Echo {
  /// The most characters of a user's text a message repeats.
  static let limit = 40

  /// `"text"`, with control characters escaped and at most ``limit`` characters kept
  /// (`"aaaa…" (5000 characters)`).
  static func quoted(_ text: some StringProtocol, limit: Int = Echo.limit) -> String {
    let scalars = text.unicodeScalars
    let count = scalars.count
    var shown = ""
    for scalar in scalars.prefix(limit) { shown += escaped(scalar) }
    if count > limit { return "\"\(shown)…\" (\(count) characters)" }
    return "\"\(shown)\""
  }

  /// Quoted names, at most `limit` of them: `"a", "b", … (120 in all)`.
  static func list(_ names: [String], limit: Int = 10) -> String {
    let shown = names.prefix(limit).map { quoted($0) }.joined(separator: ", ")
    return names.count > limit ? "\(shown), … (\(names.count) in all)" : shown
  }

  /// `text` with every control character escaped, so it prints as one line.
  static func oneLine(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    return text.unicodeScalars.map(escaped).joined()
  }

  private static func isControl(_ s: Unicode.Scalar) -> Bool {
    s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s == "\u{2028}" || s == "\u{2029}"
  }

  private static func escaped(_ s: Unicode.Scalar) -> String {
    switch s {
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\t": return "\\t"
    default:
      guard isControl(s) else { return String(s) }
      let hex = String(s.value, radix: 16, uppercase: true)
      return "\\u{\(hex)}"
    }
  }
}
