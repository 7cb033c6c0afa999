/// A colour bar with its strip, value scale and ticks positioned.
public struct ColorBarLayout: Sendable, Equatable {
  /// The gradient strip.
  public var strip: Rect
  /// The colours, low at the bottom of the strip.
  public var scale: ColorScale
  /// Maps a value to its height in the strip (the scale's domain, bottom to top).
  public var valueScale: LinearScale
  /// The tick values, inside the domain.
  public var ticks: [Double]
}

/// One panel with every mark positioned.
public struct PanelLayout: Sendable, Equatable {
  /// The panel's index in ``PanelFigure/panels``.
  public var index: Int
  public var row: Int
  public var column: Int
  /// The panel's axes frame.
  public var plotArea: Rect
  public var xScale: LinearScale
  public var yScale: LinearScale
  public var xTicks: [Double]
  public var yTicks: [Double]
  /// Whether the x tick labels are drawn (shared x: only in a column's lowest panel).
  public var showsXTickLabels: Bool
  /// Whether the y tick labels are drawn (shared y: only in a row's first panel).
  public var showsYTickLabels: Bool
  public var colorBar: ColorBarLayout?
}

/// A panel figure with every mark positioned: the result of the pure layout step, which
/// ``PanelFigure/draw(_:on:)`` only has to paint.
public struct PanelFigureLayout: Sendable, Equatable {
  public var size: Size
  /// The non-empty panels, row by row.
  public var panels: [PanelLayout]
  /// Every text: the title, each panel's titles and tick labels, colour bars, legend.
  public var texts: [PlacedText]
  public var legend: LegendLayout?
  /// The index in ``panels`` of the panel holding the legend; `nil` when it is outside
  /// the panels or there is none.
  public var legendPanel: Int?

  /// The texts of one role, in order.
  public func texts(_ role: TextRole) -> [PlacedText] { texts.filter { $0.role == role } }

  /// The panel laid out at (`row`, `column`), if any.
  public func panel(row: Int, column: Int) -> PanelLayout? {
    panels.first { $0.row == row && $0.column == column }
  }
}

extension PanelFigureLayout {
  /// The layout of a one-panel figure as a ``FigureLayout`` (an empty plot area when the
  /// panel is missing).
  var singlePanel: FigureLayout {
    let unit = LinearScale(domain: 0...1, range: (0, 0))
    let panel = panels.first
    return FigureLayout(
      size: size, plotArea: panel?.plotArea ?? Rect(x: 0, y: 0, width: 0, height: 0), xScale: panel?.xScale ?? unit,
      yScale: panel?.yScale ?? unit, xTicks: panel?.xTicks ?? [], yTicks: panel?.yTicks ?? [], texts: texts, legend: legend)
  }
}
