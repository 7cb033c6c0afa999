internal import CCairo

/// Turns a cairo status into a typed error naming the call: the one choke point for
/// cairo statuses (as swift-system's `valueOrErrno`).
func check(_ status: cairo_status_t, _ call: @autoclosure () -> String) throws(CairoError) {
  guard status != CAIRO_STATUS_SUCCESS else { return }
  throw CairoError(call: call(), reason: String(cString: cairo_status_to_string(status)), status: Int(status.rawValue))
}

/// Owns a `cairo_surface_t`.
final class CairoSurface {
  let pointer: OpaquePointer

  /// Takes ownership of `pointer`, checking the surface's status first (cairo returns
  /// an error surface rather than NULL).
  init(_ pointer: OpaquePointer, call: String) throws(CairoError) {
    do {
      try check(cairo_surface_status(pointer), call)
    } catch {
      cairo_surface_destroy(pointer)
      throw error
    }
    self.pointer = pointer
  }

  deinit { cairo_surface_destroy(pointer) }

  /// Finishes the surface and reports any error.
  func finish() throws(CairoError) {
    cairo_surface_finish(pointer)
    try check(cairo_surface_status(pointer), "cairo_surface_finish")
  }
}
