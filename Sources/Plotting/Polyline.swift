/// A chain of data points joined by straight segments, open or closed: a contour line,
/// or the outline of a polygon such as an ellipse.
public struct Polyline: Sendable, Equatable {
  /// The x coordinates of the vertices, in order.
  public var xs: [Double]
  /// The y coordinates of the vertices, in order (as many as `xs`).
  public var ys: [Double]
  /// Whether the last vertex joins the first. A closed polyline does not repeat its
  /// first vertex at the end.
  public var isClosed: Bool

  /// A polyline through the vertices `(xs[i], ys[i])`.
  public init(xs: [Double], ys: [Double], isClosed: Bool) {
    self.xs = xs
    self.ys = ys
    self.isClosed = isClosed
  }

  /// The number of vertices (pairs of coordinates).
  public var count: Int { Swift.min(xs.count, ys.count) }

  /// The signed area enclosed when the polyline is taken as closed (shoelace formula):
  /// positive when the vertices run counter-clockwise in data coordinates.
  /// - Complexity: O(count).
  public var signedArea: Double {
    let n = count
    guard n >= 3 else { return 0 }
    var twice = 0.0
    for i in 0..<n {
      let j = (i + 1) % n
      twice += xs[i] * ys[j] - xs[j] * ys[i]
    }
    return twice / 2
  }
}
