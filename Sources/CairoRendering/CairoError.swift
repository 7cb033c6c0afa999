/// A failure reported by cairo, with the call that reported it.
public struct CairoError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The cairo call that failed, e.g. `cairo_pdf_surface_create_for_stream`.
  public var call: String
  /// cairo's own description of the status (`cairo_status_to_string`).
  public var reason: String
  /// The raw `cairo_status_t` value.
  public var status: Int

  public var description: String { "\(call) failed: \(reason)" }
}
