/// A closed polygon in data coordinates, filled, outlined, or both: an ellipse from
/// ``Ellipse/polygon(vertexCount:)``, a region.
public struct PolygonSeries: Sendable, Equatable {
  /// The vertices; the polygon is closed whatever ``Polyline/isClosed`` says.
  public var outline: Polyline
  /// The fill colour (its alpha makes it translucent), or `nil` for no fill.
  public var fill: Color?
  /// The outline's stroke, or `nil` for none.
  public var stroke: StrokeStyle?
  /// The legend entry (none when `nil`).
  public var label: String?

  /// A polygon through `outline`'s vertices, painted with `fill` and then `stroke`.
  public init(outline: Polyline, fill: Color? = nil, stroke: StrokeStyle? = nil, label: String? = nil) {
    self.outline = outline
    self.fill = fill
    self.stroke = stroke
    self.label = label
  }
}
