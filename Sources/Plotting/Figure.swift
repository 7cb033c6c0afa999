/// A line through data points.
public struct LineSeries: Sendable, Equatable {
  public var xs: [Double]
  public var ys: [Double]
  public var style: StrokeStyle
  /// The legend entry (none when `nil`).
  public var label: String?
  /// Whether a small circle marks each point.
  public var markers: Bool

  public init(xs: [Double], ys: [Double], color: Color, width: Double = 1.5, dash: [Double] = [], label: String? = nil, markers: Bool = false) {
    self.xs = xs
    self.ys = ys
    self.style = StrokeStyle(color: color, width: width, dash: dash)
    self.label = label
    self.markers = markers
  }
}

/// Data points drawn as small filled circles, each with its own colour.
public struct PointSeries: Sendable, Equatable {
  public var xs: [Double]
  public var ys: [Double]
  /// One colour per point, or a single colour for all.
  public var colors: [Color]
  public var radius: Double
  public var label: String?
  /// The colour of the legend marker.
  public var legendColor: Color

  public init(xs: [Double], ys: [Double], colors: [Color], radius: Double = 2, label: String? = nil, legendColor: Color? = nil) {
    self.xs = xs
    self.ys = ys
    self.colors = colors
    self.radius = radius
    self.label = label
    self.legendColor = legendColor ?? colors.first ?? .black
  }

  /// Point `index`'s colour; points beyond the colours given take the last one (the
  /// legend's when none is given).
  func color(at index: Int) -> Color {
    if colors.count == 1 { return colors[0] }
    return colors.indices.contains(index) ? colors[index] : colors.last ?? legendColor
  }
}

/// One layer of a figure's plot area.
public enum Layer: Sendable, Equatable {
  case line(LineSeries)
  case points(PointSeries)

  var xs: [Double] {
    switch self {
    case .line(let s): s.xs
    case .points(let s): s.xs
    }
  }
  var ys: [Double] {
    switch self {
    case .line(let s): s.ys
    case .points(let s): s.ys
    }
  }
  var label: String? {
    switch self {
    case .line(let s): s.label
    case .points(let s): s.label
    }
  }
}

/// Where the legend goes.
public enum LegendPlacement: Sendable, Equatable {
  /// The corner that covers the fewest data points (matplotlib's "best").
  case best
  case upperRight, upperLeft, lowerLeft, lowerRight
  /// No legend.
  case none
}

/// Sizes and colours shared by every figure.
public struct Theme: Sendable, Equatable {
  public var titleFont = Font(size: 12)
  public var labelFont = Font(size: 10)
  public var tickFont = Font(size: 10)
  public var legendFont = Font(size: 9.5)
  public var textColor = Color(hex: 0x1A1A1A)
  public var frameColor = Color(hex: 0x333333)
  public var gridColor = Color(hex: 0xE5E5E5)
  public var background = Color.white
  /// Padding around the whole figure, in points.
  public var padding = 8.0
  /// Length of tick marks (drawn outwards), in points.
  public var tickLength = 3.5
  /// Gap between tick marks and their labels, and between labels and axis titles.
  public var gap = 3.5
  /// Whether light grid lines are drawn at the ticks.
  public var grid = true

  public init() {}
}

/// A two-dimensional figure: title, axis labels, layers, legend. It is pure data; the
/// layout step (``layout(measuring:)``) turns it into positioned marks, and
/// ``draw(on:)`` hands those to a ``Canvas``.
public struct Figure: Sendable, Equatable {
  /// The figure's size in points (6.4 × 4.8 in is 460.8 × 345.6 pt).
  public var size: Size
  public var title: String?
  public var xLabel: String?
  public var yLabel: String?
  public var layers: [Layer]
  /// Fixed x limits; automatic (data range plus a 5% margin) when `nil`.
  public var xDomain: ClosedRange<Double>?
  /// Fixed y limits; automatic when `nil`.
  public var yDomain: ClosedRange<Double>?
  /// When the data's lowest y is at least 0, the axis starts exactly at 0 (seaborn's
  /// density plots do this).
  public var yStartsAtZero: Bool
  /// Tick values on x are integers only (for epochs).
  public var xIntegerTicks: Bool
  public var legend: LegendPlacement
  public var theme: Theme

  public init(
    size: Size, title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, layers: [Layer] = [],
    xDomain: ClosedRange<Double>? = nil, yDomain: ClosedRange<Double>? = nil, yStartsAtZero: Bool = false,
    xIntegerTicks: Bool = false, legend: LegendPlacement = .best, theme: Theme = Theme()
  ) {
    self.size = size
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.layers = layers
    self.xDomain = xDomain
    self.yDomain = yDomain
    self.yStartsAtZero = yStartsAtZero
    self.xIntegerTicks = xIntegerTicks
    self.legend = legend
    self.theme = theme
  }

  /// A figure of `width` × `height` inches.
  public static func inches(width: Double, height: Double) -> Size {
    Size(width: width * 72, height: height * 72)
  }
}
