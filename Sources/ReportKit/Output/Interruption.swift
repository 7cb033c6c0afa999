import Dispatch
import Foundation
import Synchronization

/// Undoes a run's half-written state when the process is told to stop (SIGINT, SIGTERM,
/// SIGHUP), then exits with 128 + the signal's number, as shells report it.
///
/// A handler in C signal context may not touch the file system safely, so the signals are
/// received by Dispatch on a thread of their own. Every change to a staging folder runs
/// under the same lock as the cleanup (``critical(_:)``): the cleanup waits for a write or a
/// swap in progress to finish, and no write can start after it, since the process exits
/// with the lock held.
package enum Interruption {
  private struct State: ~Copyable {
    var installed = false
    var nextToken = 0
    var cleanups: [Int: @Sendable () -> Void] = [:]
  }
  private static let state = Mutex(State())
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
  private static let queue = DispatchQueue(label: "generate-report.signals")

  /// Starts receiving SIGINT, SIGTERM and SIGHUP. Called once by the command; a library
  /// user that does not call it keeps its own signal handling.
  package static func install() {
    let first = state.withLock { state in
      defer { state.installed = true }
      return !state.installed
    }
    guard first else { return }
    // A closed pipe on standard output (`generate-report … | head -1`) must not kill the
    // run mid-way: writes then fail quietly and the report is still written.
    signal(SIGPIPE, SIG_IGN)
    // Dispatch registers a source with the kernel on its own thread, after resume(); until
    // then the ignored signal would be lost (a loaded machine showed it: a SIGHUP right
    // after start was dropped and the run went on). So wait for every registration.
    let registered = DispatchGroup()
    for number in [SIGINT, SIGTERM, SIGHUP] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { stop(signal: number) }
      registered.enter()
      source.setRegistrationHandler { registered.leave() }
      source.resume()
      sources.append(source)
    }
    _ = registered.wait(timeout: .now() + 10)
  }

  /// Runs every registered cleanup and exits; never returns.
  private static func stop(signal number: Int32) {
    state.withLock { state in
      for key in state.cleanups.keys.sorted() { state.cleanups[key]?() }
      _exit(128 + number)
    }
  }

  /// Registers what to undo on a stop; returns the token for ``unregister(_:)``.
  package static func register(_ cleanup: @escaping @Sendable () -> Void) -> Int {
    state.withLock { state in
      state.nextToken += 1
      state.cleanups[state.nextToken] = cleanup
      return state.nextToken
    }
  }

  /// Forgets a cleanup.
  static func unregister(_ token: Int) {
    _ = state.withLock { state in state.cleanups.removeValue(forKey: token) }
  }

  /// Runs `body` so that a stop cannot cut it in half (the cleanup waits for it).
  static func critical<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    let result: Result<T, E> = state.withLock { _ in
      do throws(E) { return .success(try body()) } catch { return .failure(error) }
    }
    return try result.get()
  }
}
