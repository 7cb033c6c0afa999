/// A failure of a report run, split by whose fault it is so the command can choose an
/// exit code: bad input the user can fix, or a failure of the machine or the tool.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A config or data file is wrong: the message names the file, the place and the fix.
  case invalidInput(InputError)
  /// Reading or writing a file failed.
  case io(String)
  /// A failure inside the tool (a rendering or template error).
  case `internal`(String)

  /// The message on one line: control characters that a file name, a config string or a
  /// cell brought in are escaped.
  public var description: String {
    switch self {
    case .invalidInput(let e): e.description
    case .io(let message): Echo.oneLine(message)
    case .internal(let message): "internal error: \(Echo.oneLine(message))"
    }
  }
}

/// A problem in an input file, with where it is and what to do about it.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file as the user named it (relative paths stay relative).
  public var file: String
  /// The line and column, when known.
  public var position: SourcePosition?
  /// The message, starting with the key path when there is one.
  public var message: String

  public init(file: String, position: SourcePosition?, message: String) {
    self.file = file
    self.position = position
    self.message = message
  }

  /// `file:line:column: message`, on one line (control characters escaped).
  public var description: String {
    let text = position.map { "\(file):\($0.line):\($0.column): \(message)" } ?? "\(file): \(message)"
    return Echo.oneLine(text)
  }
}
