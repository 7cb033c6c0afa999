import Dispatch
import Synchronization

/// Runs `body` over `0..<count` cut into `threads` contiguous ranges, one per thread.
func parallelChunks(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
  let threads = Swift.max(1, threads)
  parallelForEach(threads, threads: threads) { t in body(count * t / threads..<count * (t + 1) / threads) }
}

/// Runs `body(i)` for every `i` in `0..<count` on `threads` threads that each take the
/// next unclaimed index until none is left. On a shared machine a thread whose core is
/// busy with another program then does fewer items instead of holding up the rest, as
/// with fixed halves. `body` must not depend on which thread runs it.
func parallelForEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
  if threads <= 1 {
    for i in 0..<count { body(i) }
    return
  }
  let next = Atomic<Int>(0)
  withoutActuallyEscaping(body) { body in
    let shared = UnsafeSendable(body)
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
      while true {
        let i = next.add(1, ordering: .relaxed).oldValue
        guard i < count else { return }
        shared.value(i)
      }
    }
  }
}

/// A value handed to worker threads that each touch only their own part of it.
struct UnsafeSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
