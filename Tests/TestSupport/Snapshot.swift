import Foundation

/// Golden files: expected text kept in a `Snapshots/` folder beside the test that
/// compares with it, re-recorded only on purpose, by running the tests with
/// `RECORD_SNAPSHOTS=1` in the environment.
public enum Snapshot {
  /// The outcome of comparing a text with its golden file.
  public enum Outcome: Equatable, CustomStringConvertible {
    /// The text equals the golden file.
    case matches
    /// `RECORD_SNAPSHOTS` was set: the golden file was (re)written.
    case recorded(path: String)
    /// No golden file exists (and recording was not asked for).
    case missing(path: String)
    /// The text differs from the golden file, first at `line`.
    case differs(path: String, line: Int, expected: String, actual: String)

    public var description: String {
      switch self {
      case .matches: "matches"
      case .recorded(let path): "recorded \(path)"
      case .missing(let path): "no snapshot at \(path); run with RECORD_SNAPSHOTS=1 to record it"
      case .differs(let path, let line, let expected, let actual):
        "differs from \(path) at line \(line):\n  expected: \(expected.prefix(200))\n  actual:   \(actual.prefix(200))\n(re-record on purpose with RECORD_SNAPSHOTS=1)"
      }
    }
  }

  /// Whether the tests were asked to re-record golden files.
  public static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

  /// Compares `text` with `Snapshots/<name>` beside the file `testFile` (pass `#filePath`),
  /// or records it there when ``isRecording``.
  public static func compare(_ text: String, named name: String, testFile: String = #filePath) -> Outcome {
    var components = testFile.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast()
    let folder = components.joined(separator: "/") + "/Snapshots"
    let path = folder + "/" + name
    if isRecording {
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        return .missing(path: path)
      }
      return .recorded(path: path)
    }
    guard let data = FileManager.default.contents(atPath: path), let expected = String(data: data, encoding: .utf8) else {
      return .missing(path: path)
    }
    if expected == text { return .matches }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(expectedLines.count, actualLines.count) {
      let e = i < expectedLines.count ? String(expectedLines[i]) : "(end of file)"
      let a = i < actualLines.count ? String(actualLines[i]) : "(end of file)"
      if e != a { return .differs(path: path, line: i + 1, expected: e, actual: a) }
    }
    return .differs(path: path, line: 0, expected: "", actual: "")
  }
}
