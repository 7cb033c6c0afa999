import Foundation
import ReportKit
import Synchronization

/// The progress line of a long run: on standard error, only when it is a terminal (and
/// not with --quiet). It appears once the run has taken half a second, is redrawn at most
/// ten times a second, fits the terminal's width, and is erased before any other line is
/// printed and when the run ends, so what remains on the screen is what a non-terminal gets.
final class TerminalProgress: Sendable {
  private struct State {
    var lastDraw: ContinuousClock.Instant?
    var shown = false
    /// Set by a stop (SIGINT, SIGTERM, SIGHUP): the line is erased and never drawn again.
    var stopped = false
  }
  private let state = Mutex(State())
  private let started = ContinuousClock.now
  private let delay: Duration
  private let interval: Duration = .milliseconds(100)

  private init(delay: Duration) { self.delay = delay }

  /// A progress line when standard error is a terminal that can erase a line; else `nil`.
  /// `GENERATE_REPORT_PROGRESS_DELAY` (seconds, 0 to 60; README) sets when it appears.
  static func forStandardError(quiet: Bool) -> TerminalProgress? {
    let environment = ProcessInfo.processInfo.environment
    guard !quiet, isatty(STDERR_FILENO) == 1, environment["TERM"] != "dumb" else { return nil }
    let progress = TerminalProgress(delay: delay(environment["GENERATE_REPORT_PROGRESS_DELAY"]))
    // A stop exits at once (Interruption): erase the line first, so the shell's prompt
    // does not follow it, and draw it no more while the other cleanups run.
    _ = Interruption.register { progress.stop() }
    return progress
  }

  /// Half a second, or the given number of seconds within [0, 60].
  static func delay(_ text: String?) -> Duration {
    guard let text, let seconds = Double(text), seconds.isFinite else { return .milliseconds(500) }
    return .milliseconds(Int((Swift.min(Swift.max(seconds, 0), 60) * 1000).rounded()))
  }

  func update(_ progress: FitProgress) {
    let now = ContinuousClock.now
    guard now - started >= delay else { return }
    state.withLock { s in
      if s.stopped { return }
      if let last = s.lastDraw, now - last < interval, progress.startsDone < progress.starts { return }
      s.lastDraw = now
      s.shown = true
      Self.write("\r\u{1B}[K" + Self.fitted(progress.text, width: Self.width()))
    }
  }

  /// Erases the line if it is shown (before another line is printed, and at the end).
  func clear() {
    state.withLock { s in
      guard s.shown else { return }
      s.shown = false
      Self.write("\r\u{1B}[K")
    }
  }

  /// Erases the line if it is shown and keeps it from being drawn again (a stop).
  func stop() {
    state.withLock { s in
      s.stopped = true
      guard s.shown else { return }
      s.shown = false
      Self.write("\r\u{1B}[K")
    }
  }

  /// `text` without control characters (an experiment's name is the user's), cut to one
  /// column less than the terminal so it never wraps (a wrapped line is not erased by
  /// `\r` and ESC [K: every redraw would leave a line behind). A character outside ASCII
  /// counts as two columns, as East Asian wide characters and most emoji take: a
  /// narrower one only makes the line end sooner.
  static func fitted(_ text: String, width: Int) -> String {
    let printable = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    let room = Swift.max(width - 1, 10)
    func columns(_ c: Character) -> Int { c.isASCII ? 1 : 2 }
    if printable.reduce(0, { $0 + columns($1) }) <= room { return printable }
    var kept = "", used = 0
    for c in printable {
      guard used + columns(c) <= room - 1 else { break }
      kept.append(c)
      used += columns(c)
    }
    return kept + "…"
  }

  private static func width() -> Int {
    var size = winsize()
    guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

  private static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
