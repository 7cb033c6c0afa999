internal import CCairo

/// Turns a cairo status into a typed error naming the call: the one choke point for
/// cairo statuses (as swift-system's `valueOrErrno`).
func check(_ status: cairo_status_t, _ call: @autoclosure () -> String) throws(CairoError) {
  guard status != CAIRO_STATUS_SUCCESS else { return }
  throw CairoError(call: call(), reason: String(cString: cairo_status_to_string(status)), status: Int(status.rawValue))
}

/// Collects the bytes a cairo stream surface writes. Passed to C as an unmanaged pointer.
final class ByteSink {
  var bytes: [UInt8] = []
}

/// cairo's `cairo_write_func_t`: appends to the ``ByteSink`` behind `closure`.
let appendToSink: cairo_write_func_t = { closure, data, length in
  guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
  let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
  sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
  return CAIRO_STATUS_SUCCESS
}

/// Owns a `cairo_surface_t` and, for stream surfaces, the sink receiving its bytes.
///
/// cairo holds only an unretained pointer to the sink. That is safe because `deinit`
/// destroys the surface (which may flush into the sink) before Swift releases the
/// stored `sink`.
final class CairoSurface {
  let pointer: OpaquePointer
  let sink: ByteSink?

  /// Takes ownership of `pointer`, checking the surface's status first (cairo returns
  /// an error surface rather than NULL).
  init(_ pointer: OpaquePointer, sink: ByteSink? = nil, call: String) throws(CairoError) {
    do {
      try check(cairo_surface_status(pointer), call)
    } catch {
      cairo_surface_destroy(pointer)
      throw error
    }
    self.pointer = pointer
    self.sink = sink
  }

  /// Makes a surface writing into a new sink through cairo's stream API.
  static func streaming(
    call: String, _ create: (cairo_write_func_t, UnsafeMutableRawPointer) -> OpaquePointer?
  ) throws(CairoError) -> CairoSurface {
    let sink = ByteSink()
    guard let pointer = create(appendToSink, Unmanaged.passUnretained(sink).toOpaque()) else {
      throw CairoError(call: call, reason: "returned NULL", status: -1)
    }
    return try CairoSurface(pointer, sink: sink, call: call)
  }

  deinit { cairo_surface_destroy(pointer) }

  /// Finishes the surface (flushing every byte into the sink) and reports any error.
  func finish() throws(CairoError) {
    cairo_surface_finish(pointer)
    try check(cairo_surface_status(pointer), "cairo_surface_finish")
  }
}
