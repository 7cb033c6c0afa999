/// One set of axes in a ``PanelFigure``: its own layers, limits, title and axis labels,
/// laid out with the figure's theme and tick machinery.
public struct Panel: Sendable, Equatable {
  /// The title above the panel.
  public var title: String?
  /// The x axis title (shown below the bottom panel of a column whose x is shared).
  public var xLabel: String?
  /// The y axis title (shown left of the first panel of a row whose y is shared).
  public var yLabel: String?
  public var layers: [Layer]
  /// Fixed x limits; automatic (data range plus 5 %) when `nil`.
  public var xDomain: ClosedRange<Double>?
  /// Fixed y limits; automatic when `nil`.
  public var yDomain: ClosedRange<Double>?
  /// When the data's lowest y is at least 0, the axis starts exactly at 0.
  public var yStartsAtZero: Bool
  /// Tick values on x are integers only.
  public var xIntegerTicks: Bool
  /// Whether the panel takes part in its column's shared x range (when the figure shares
  /// x); a panel that does not keeps its own range and its own tick labels.
  public var sharesX: Bool
  /// Whether the panel takes part in its row's shared y range (a pair plot's diagonal of
  /// densities does not).
  public var sharesY: Bool
  /// A colour bar to the right of the panel.
  public var colorBar: ColorBar?
  /// Whether the y axis has ticks, labels and grid lines (a strip of points has none).
  public var showsYAxis: Bool
  /// Named y ticks (categories: a matrix's columns, a bar chart's bars) instead of
  /// numeric ones; those outside the y range are left out.
  public var yTickLabels: [TickLabel]?

  public init(
    title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, layers: [Layer] = [],
    xDomain: ClosedRange<Double>? = nil, yDomain: ClosedRange<Double>? = nil, yStartsAtZero: Bool = false,
    xIntegerTicks: Bool = false, sharesX: Bool = true, sharesY: Bool = true, colorBar: ColorBar? = nil, showsYAxis: Bool = true,
    yTickLabels: [TickLabel]? = nil
  ) {
    self.showsYAxis = showsYAxis
    self.yTickLabels = yTickLabels
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.layers = layers
    self.xDomain = xDomain
    self.yDomain = yDomain
    self.yStartsAtZero = yStartsAtZero
    self.xIntegerTicks = xIntegerTicks
    self.sharesX = sharesX
    self.sharesY = sharesY
    self.colorBar = colorBar
  }

  /// The panel as a single figure's axes, to reuse its rules (limits, samples).
  var axes: Figure {
    Figure(
      size: Size(width: 0, height: 0), layers: layers, xDomain: xDomain, yDomain: yDomain, yStartsAtZero: yStartsAtZero,
      xIntegerTicks: xIntegerTicks, legend: .none)
  }
}

/// A tick with its own text, at `value` in data coordinates.
public struct TickLabel: Sendable, Equatable {
  public var value: Double
  public var text: String

  public init(_ value: Double, _ text: String) {
    self.value = value
    self.text = text
  }
}

/// A colour bar: the gradient of a ``ColorScale`` as a strip beside a panel, with ticks
/// on its right and an optional title.
public struct ColorBar: Sendable, Equatable {
  public var scale: ColorScale
  /// The title along the bar (rotated, reading upwards).
  public var label: String?
  /// The strip's width in points.
  public var width: Double

  public init(scale: ColorScale, label: String? = nil, width: Double = 12) {
    self.scale = scale
    self.label = label
    self.width = width
  }
}
