import Dispatch

/// Runs `body` over `0..<count` cut into `threads` contiguous ranges, one per thread.
func parallelChunks(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
  if threads <= 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let shared = UnsafeSendable(body)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      shared.value(count * t / threads..<count * (t + 1) / threads)
    }
  }
}

/// A value handed to worker threads that each touch only their own part of it.
struct UnsafeSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
