/// Separate straight segments in data coordinates sharing one stroke: error bars,
/// whiskers. Segment `i` runs from (`x0s[i]`, `y0s[i]`) to (`x1s[i]`, `y1s[i]`); one with
/// a non-finite end is not drawn.
public struct SegmentSeries: Sendable, Equatable {
  public var x0s: [Double]
  public var y0s: [Double]
  public var x1s: [Double]
  public var y1s: [Double]
  public var style: StrokeStyle
  /// The legend entry (none when `nil`).
  public var label: String?

  public init(x0s: [Double], y0s: [Double], x1s: [Double], y1s: [Double], style: StrokeStyle, label: String? = nil) {
    self.x0s = x0s
    self.y0s = y0s
    self.x1s = x1s
    self.y1s = y1s
    self.style = style
    self.label = label
  }

  /// How many segments there are (the shortest of the four coordinate arrays).
  public var count: Int { Swift.min(x0s.count, y0s.count, x1s.count, y1s.count) }

  /// The segments whose four coordinates are finite, as (start, end) pairs through `map`.
  func finiteSegments(_ map: (Double, Double) -> Point) -> [(Point, Point)] {
    (0..<count).compactMap { i in
      guard x0s[i].isFinite, y0s[i].isFinite, x1s[i].isFinite, y1s[i].isFinite else { return nil }
      return (map(x0s[i], y0s[i]), map(x1s[i], y1s[i]))
    }
  }
}
