import CairoRendering
import Dispatch
import Foundation
import Plotting
import Synchronization

/// One file of a figure to render: where it goes and how to make its bytes.
struct FigureJob: Sendable {
  var path: String
  /// A rough relative cost (see ``FigureJobs/cost(_:format:)``), only to start the slowest
  /// jobs first; it never changes a byte.
  var cost: Int
  /// The bytes the job holds while it runs (a PNG's surface and encoding buffers), so that
  /// huge figures are not rendered many at once (``FigureJobs/threadCount(for:)``).
  var memory = 0
  var render: @Sendable () throws(CairoError) -> [UInt8]
}

/// A rendered file: its bytes and their SHA-256 (hashed on the rendering thread).
struct RenderedFile: Sendable {
  var bytes: [UInt8]
  var sha256: String
}

/// Renders a report's figure files concurrently, each on its own cairo surface.
///
/// Every job only reads its figure and layout and draws on a surface of its own (cairo is
/// safe to use from several threads as long as no surface or context is shared), so its
/// bytes do not depend on which thread ran it, when, or how many threads there were. The
/// results come back in the jobs' order, and the caller writes them in that order: the
/// report is byte for byte the one a single thread writes.
enum FigureJobs {
  /// The threads to use: the processors this process may run on, at most one per job.
  static func threadCount(jobs: Int) -> Int {
    Swift.max(1, Swift.min(jobs, ProcessInfo.processInfo.activeProcessorCount))
  }

  /// The bytes that the jobs running at once may hold together: a figure of 20000 × 20000
  /// pixels (the largest the config allows) holds some 3 GB while it is encoded, so such
  /// figures are rendered one at a time, as before rendering was concurrent.
  static let memoryBudget = 2 << 30

  /// ``threadCount(jobs:)``, fewer when the largest job's ``FigureJob/memory`` times the
  /// threads would exceed ``memoryBudget`` (never fewer than one).
  static func threadCount(for jobs: [FigureJob]) -> Int {
    let largest = jobs.map(\.memory).max() ?? 0
    return Swift.max(1, Swift.min(threadCount(jobs: jobs.count), memoryBudget / Swift.max(largest, 1)))
  }

  /// The ``FigureJob/memory`` of a PNG of `pixels` pixels: its ARGB surface and its
  /// filtered rows, 4 + at most 4 bytes a pixel (clamped, never trapping, for any value).
  static func pngMemory(pixels: Double) -> Int {
    let bytes = 8 * pixels
    return bytes.isNaN ? 0 : Int(Swift.min(Swift.max(bytes, 0), 1e15))
  }

  /// Runs every job; the results are in `jobs`' order. Threads take the next unclaimed
  /// job, most costly first, until none is left (on a shared machine a thread whose core
  /// is busy then does fewer jobs instead of holding up the rest).
  static func run(_ jobs: [FigureJob], threads: Int? = nil) -> [Result<RenderedFile, CairoError>] {
    // Stable: equal costs keep the jobs' order.
    let order = jobs.indices.sorted { (jobs[$0].cost, $1) > (jobs[$1].cost, $0) }
    return Concurrently.map(jobs.count, threads: threads ?? threadCount(for: jobs), order: order) { index in
      Result { () throws(CairoError) -> RenderedFile in
        let bytes = try jobs[index].render()
        return RenderedFile(bytes: bytes, sha256: SHA256.hexDigest(bytes))
      }
    }
  }

  /// A rough cost of drawing `layers` in `format`: a point or marker is a stamp or path of
  /// its own in a PNG (in a PDF about 30 bytes of content to format and deflate), a line
  /// vertex much less.
  static func cost(_ layers: [Layer], format: ImageFormat) -> Int {
    let perMark = format == .pdf ? 2 : 8
    var cost = 0
    for layer in layers {
      switch layer {
      case .points(let s): cost += perMark * s.xs.count
      case .markers(let s): cost += perMark * s.xs.count
      case .line(let s): cost += s.xs.count
      case .polygon(let s): cost += s.outline.xs.count
      case .segments(let s): cost += 2 * s.count
      case .contour(let s): cost += s.levels.reduce(0) { $0 + $1.lines.reduce(0) { $0 + $1.xs.count } }
      }
    }
    // Axes, ticks and text, and a raster's encoding.
    return cost + (format == .png ? 4000 : 1000)
  }
}

/// Work spread over threads with results in a fixed order.
enum Concurrently {
  /// `body(i)` for every `i` in `0..<count`, in that order, computed on `threads` threads
  /// (default: one per processor, at most `count`) that each take the next unclaimed index of
  /// `order` (default: ascending) until none is left. `body` must not depend on which thread
  /// runs it; the result then does not depend on the number of threads.
  static func map<T: Sendable>(_ count: Int, threads: Int? = nil, order: [Int]? = nil, _ body: @Sendable (Int) -> T) -> [T] {
    let threads = threads ?? FigureJobs.threadCount(jobs: count)
    let order = order ?? Array(0..<count)
    precondition(order.count == count, "order must list every index once")
    if threads <= 1 || count <= 1 { return inOrder(count, order, body) }
    let results = ResultSlots<T>(count: count)
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: Swift.min(threads, count)) { _ in
      while true {
        let claimed = next.add(1, ordering: .relaxed).oldValue
        guard claimed < order.count else { return }
        results.store(body(order[claimed]), at: order[claimed])
      }
    }
    // Every index was claimed and stored; an empty slot (none) would be computed here.
    return results.values { body($0) }
  }

  /// On one thread, in `order` (the order a failure or a side effect would show).
  private static func inOrder<T>(_ count: Int, _ order: [Int], _ body: (Int) -> T) -> [T] {
    var results = [T?](repeating: nil, count: count)
    for i in order { results[i] = body(i) }
    return results.indices.map { results[$0] ?? body($0) }
  }
}

/// One slot per index, each written by exactly one thread (the one that claimed it) and
/// read after all threads are done.
private final class ResultSlots<T>: @unchecked Sendable {
  private let slots: UnsafeMutableBufferPointer<T?>

  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
  }

  deinit {
    slots.deinitialize()
    slots.deallocate()
  }

  func store(_ result: T, at index: Int) { slots[index] = result }

  /// Every result, `missing(i)` for a slot never stored; called after the threads have
  /// finished (concurrentPerform returns only then, which orders their writes before these reads).
  func values(_ missing: (Int) -> T) -> [T] { slots.indices.map { slots[$0] ?? missing($0) } }
}

/// A value computed on a thread of its own, started at once; ``value`` waits for it.
final class Background<T: Sendable>: @unchecked Sendable {
  private var result: T?
  private let done = DispatchSemaphore(value: 0)
  private let body: @Sendable () -> T

  init(_ body: @escaping @Sendable () -> T) {
    self.body = body
    let thread = Thread { [self] in
      result = body()
      done.signal()
    }
    thread.start()
  }

  /// The result (the semaphore orders the thread's write before this read; the thread
  /// always stores one, and were it not there the body would run here).
  var value: T {
    done.wait()
    done.signal()
    return result ?? body()
  }
}
