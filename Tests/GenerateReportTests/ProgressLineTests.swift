import Foundation
import Synchronization
import Testing

@testable import generate_report

/// The progress line: on a terminal's standard error only, never with --quiet, erased
/// before the run line, and the printed lines otherwise what a non-terminal gets.
@Suite struct ProgressLineTests {
  /// Runs the tool under `script`, which gives it a pseudo-terminal; returns what the
  /// terminal received (standard output and error together).
  func onATerminal(_ arguments: [String], in folder: URL) throws -> (status: Int32, screen: String) {
    let command = ([try executable().path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", command, "/dev/null"]
    process.currentDirectoryURL = folder
    process.environment = ProcessInfo.processInfo.environment.merging(["GENERATE_REPORT_PROGRESS_DELAY": "0", "TERM": "xterm"]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let screen = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: screen, as: UTF8.self))
  }

  @Test func aTerminalSeesTheLineAndItIsErasedBeforeTheRunLine() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = repository.appendingPathComponent("examples/galaxies.json").path
    let (status, screen) = try onATerminal([config, "--output", "r", "--format", "svg"], in: folder)
    #expect(status == 0)
    let erase = "\r\u{1B}[K"
    #expect(screen.contains(erase + "galaxies: start 1 of 51, epoch 1 of 500"))
    #expect(screen.contains(erase + "galaxies: 51 of 51 starts done" + erase + "galaxies: K = 3 (BIC from 1 to 6), 10 starts"))
    // Once the erased lines are taken out, the screen holds the two lines a pipe gets.
    var lines: [String] = []
    for line in screen.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n") {
      lines.append(String(line.split(separator: erase, omittingEmptySubsequences: false).last ?? ""))
    }
    #expect(lines.count == 2 && lines[0].hasPrefix("galaxies: K = 3") && lines[1] == "Report: r/index.html")
  }

  @Test func quietOrNotATerminalShowsNoLine() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = repository.appendingPathComponent("examples/galaxies.json").path
    let quiet = try onATerminal([config, "--output", "q", "--format", "svg", "--quiet"], in: folder)
    #expect(quiet.status == 0 && quiet.screen == "")
    let piped = try run([config, "--output", "p", "--format", "svg"], in: folder, environment: ["GENERATE_REPORT_PROGRESS_DELAY": "0"])
    #expect(piped.status == 0 && piped.stderr == "" && !piped.stdout.contains("\u{1B}") && !piped.stdout.contains("\r"))
  }

  /// A stop (here SIGTERM; Ctrl-C's SIGINT takes the same path) exits at once, and the
  /// line is erased first: the shell's prompt does not follow it on the screen.
  @Test func aStopErasesTheLine() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try String(contentsOf: repository.appendingPathComponent("examples/galaxies.json"), encoding: .utf8)
      .replacingOccurrences(of: #""restarts": 10"#, with: #""restarts": 200"#)
      .replacingOccurrences(of: #""epochs": 500, "tolerance": 1e-6"#, with: #""epochs": 20000, "tolerance": 0"#)
    #expect(config.contains(#""epochs": 20000"#))
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repository.appendingPathComponent("examples/data/galaxies.csv"), to: folder.appendingPathComponent("data/galaxies.csv"))
    try config.write(to: folder.appendingPathComponent("long.json"), atomically: true, encoding: .utf8)
    let pidFile = folder.appendingPathComponent("pid").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", "echo $$ > '\(pidFile)'; exec '\(try executable().path)' long.json --output r --format svg", "/dev/null"]
    process.currentDirectoryURL = folder
    process.environment = ProcessInfo.processInfo.environment.merging(["GENERATE_REPORT_PROGRESS_DELAY": "0", "TERM": "xterm"]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let screen = Mutex(Data())
    let reader = Thread {
      while case let chunk = out.fileHandleForReading.availableData, !chunk.isEmpty { screen.withLock { $0.append(chunk) } }
    }
    reader.start()
    // Wait for the line to be drawn (at most a minute), then stop the tool.
    for _ in 0..<600 where process.isRunning && !String(decoding: screen.withLock { $0 }, as: UTF8.self).contains(", epoch ") {
      Thread.sleep(forTimeInterval: 0.1)
    }
    let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    kill(pid, SIGTERM)
    process.waitUntilExit()
    while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    let text = String(decoding: screen.withLock { $0 }, as: UTF8.self)
    #expect(text.contains(", epoch "))
    #expect(text.hasSuffix("\r\u{1B}[K"), "the screen ends with \(text.suffix(80).debugDescription)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("r").path))
  }

  @Test func theLineHoldsNoControlCharacterAndNeverWraps() {
    #expect(TerminalProgress.fitted("a\u{7}b\u{1B}[2Jc: start 1 of 2, epoch 3 of 4", width: 80) == "a?b?[2Jc: start 1 of 2, epoch 3 of 4")
    #expect(TerminalProgress.fitted(String(repeating: "x", count: 50), width: 21) == String(repeating: "x", count: 19) + "…")
    #expect(TerminalProgress.fitted("short", width: 0) == "short")
    // Wide characters take two columns each: 9 of them and the ellipsis in 20 columns.
    #expect(TerminalProgress.fitted(String(repeating: "銀", count: 50), width: 21) == String(repeating: "銀", count: 9) + "…")
    #expect(TerminalProgress.fitted("銀河: start 1 of 2", width: 80) == "銀河: start 1 of 2")
  }

  @Test func theDelayIsHalfASecondOrTheGivenSecondsWithinAMinute() {
    #expect(TerminalProgress.delay(nil) == .milliseconds(500))
    #expect(TerminalProgress.delay("0") == .zero)
    #expect(TerminalProgress.delay("1.25") == .milliseconds(1250))
    #expect(TerminalProgress.delay("-3") == .zero && TerminalProgress.delay("1e300") == .seconds(60))
    #expect(TerminalProgress.delay("nan") == .milliseconds(500) && TerminalProgress.delay("soon") == .milliseconds(500))
  }
}
