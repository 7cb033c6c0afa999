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

/// How a point's circle is painted.
public enum MarkerFill: Sendable, Equatable, Hashable {
  /// Filled with the point's colour.
  case solid
  /// Only its outline, `lineWidth` points wide, in the point's colour.
  case hollow(lineWidth: Double)
}

/// Data points drawn as small circles (filled, or hollow rings), each with its own
/// colour and, optionally, its own size.
public struct PointSeries: Sendable, Equatable {
  public var xs: [Double]
  public var ys: [Double]
  /// One colour per point, or a single colour for all.
  public var colors: [Color]
  /// The radius of every point without one in ``radii``, in points.
  public var radius: Double
  public var label: String?
  /// The colour of the legend marker.
  public var legendColor: Color
  /// One radius per point, in points (empty: every point has ``radius``); points beyond
  /// the radii given take the last one.
  public var radii: [Double]
  /// Filled circles, or rings.
  public var fill: MarkerFill

  /// - Parameters:
  ///   - colors: One colour per point, or one for all.
  ///   - radius: The radius of points without their own, in points.
  ///   - label: The legend entry (none when `nil`).
  ///   - legendColor: The legend marker's colour (by default the first point's).
  ///   - radii: One radius per point (empty: all `radius`).
  ///   - fill: ``MarkerFill/solid`` circles or ``MarkerFill/hollow(lineWidth:)`` rings.
  public init(
    xs: [Double], ys: [Double], colors: [Color], radius: Double = 2, label: String? = nil, legendColor: Color? = nil,
    radii: [Double] = [], fill: MarkerFill = .solid
  ) {
    self.xs = xs
    self.ys = ys
    self.colors = colors
    self.radius = radius
    self.label = label
    self.legendColor = legendColor ?? colors.first ?? .black
    self.radii = radii
    self.fill = fill
  }

  /// Point `index`'s radius: its own from ``radii``, the last one beyond them, or
  /// ``radius`` when there are none. Not finite or negative radii count as 0.
  func radius(at index: Int) -> Double {
    guard let last = radii.last else { return radius }
    let r = radii.indices.contains(index) ? radii[index] : last
    return r.isFinite && r > 0 ? r : 0
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
  /// A closed polygon, filled and/or outlined (an ellipse, a region).
  case polygon(PolygonSeries)
  /// Contour lines, one colour per level.
  case contour(ContourSeries)
  /// Symbols such as crosses or outlined disks (centres, means).
  case markers(MarkerSeries)
  /// Separate straight segments (error bars).
  case segments(SegmentSeries)

  /// Every x coordinate the layer draws at (for automatic limits).
  var xs: [Double] {
    switch self {
    case .line(let s): s.xs
    case .points(let s): s.xs
    case .polygon(let s): s.outline.xs
    case .contour(let s): s.levels.flatMap { $0.lines.flatMap(\.xs) } + [s.gridBounds?.x.lowerBound, s.gridBounds?.x.upperBound].compactMap { $0 }
    case .markers(let s): s.xs
    case .segments(let s): s.x0s + s.x1s
    }
  }
  /// Every y coordinate the layer draws at.
  var ys: [Double] {
    switch self {
    case .line(let s): s.ys
    case .points(let s): s.ys
    case .polygon(let s): s.outline.ys
    case .contour(let s): s.levels.flatMap { $0.lines.flatMap(\.ys) } + [s.gridBounds?.y.lowerBound, s.gridBounds?.y.upperBound].compactMap { $0 }
    case .markers(let s): s.ys
    case .segments(let s): s.y0s + s.y1s
    }
  }
  var label: String? {
    switch self {
    case .line(let s): s.label
    case .points(let s): s.label
    case .polygon(let s): s.label
    case .contour(let s): s.label
    case .markers(let s): s.label
    case .segments(let s): s.label
    }
  }
}

/// Where the legend goes.
public enum LegendPlacement: Sendable, Equatable {
  /// The corner that covers the fewest data points (matplotlib's "best"); in a
  /// ``PanelFigure``, the first corner covering none, else outside right.
  case best
  case upperRight, upperLeft, lowerLeft, lowerRight
  /// Outside the plot area, to its right (the plot narrows to make room).
  case outsideRight
  /// No legend.
  case none
}

/// Sizes and colours shared by every figure: the light theme by default, ``dark`` for
/// dark pages.
public struct Theme: Sendable, Equatable {
  public var titleFont = Font(size: 12)
  public var labelFont = Font(size: 10)
  public var tickFont = Font(size: 10)
  public var legendFont = Font(size: 9.5)
  public var textColor = Color(hex: 0x1A1A1A)
  public var frameColor = Color(hex: 0x333333)
  public var gridColor = Color(hex: 0xE5E5E5)
  public var background = Color.white
  /// The legend's outline.
  public var legendFrameColor = Color(hex: 0xCCCCCC)
  /// How the colours of data marks are adapted to ``background`` when drawn; `nil` draws
  /// them as the figure gives them (the light theme, whose colours were chosen for white).
  public var seriesColors: SeriesColorMapping?
  /// Padding around the whole figure, in points.
  public var padding = 8.0
  /// Length of tick marks (drawn outwards), in points.
  public var tickLength = 3.5
  /// Gap between tick marks and their labels, and between labels and axis titles.
  public var gap = 3.5
  /// Whether light grid lines are drawn at the ticks.
  public var grid = true

  public init() {}

  /// The default theme: dark ink on white.
  public static let light = Theme()

  /// Light ink on an opaque dark grey (#1E1E1E), for dark pages (DocC's `~dark` images).
  ///
  /// Text, frame and the tutorial's green and red keep a contrast of at least 4.5:1 with
  /// the background, every mark at least 3:1 (WCAG's ratios for text and graphics): the
  /// green and red become #4CC24C and #FF6B6B, greys at either end are turned around
  /// (dark ink is drawn light, a white halo in the background's grey; mid greys stay),
  /// and any other colour below 3:1 is blended toward white until it reaches it. Grid
  /// lines are a lighter grey than the background, faint on purpose.
  public static let dark: Theme = {
    var t = Theme()
    let background = Color(hex: 0x1E1E1E)
    t.background = background
    t.textColor = Color(hex: 0xE6E6E6)
    t.frameColor = Color(hex: 0xB3B3B3)
    t.gridColor = Color(hex: 0x3A3A3A)
    t.legendFrameColor = Color(hex: 0x5A5A5A)
    t.seriesColors = SeriesColorMapping(
      background: background, substitutions: [0x008000: Color(hex: 0x4CC24C), 0xFF0000: Color(hex: 0xFF6B6B)])
    return t
  }()

  /// `color` as this theme draws a data mark of it.
  func ink(_ color: Color) -> Color { seriesColors?(color) ?? color }

  /// `style` with its colour as this theme draws it.
  func ink(_ style: StrokeStyle) -> StrokeStyle {
    guard seriesColors != nil else { return style }
    var s = style
    s.color = ink(style.color)
    return s
  }
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
