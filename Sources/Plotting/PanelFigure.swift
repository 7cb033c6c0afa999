/// A figure made of a grid of panels (seaborn's pair grid, ggplot2's facets): each panel
/// is a set of axes with its own layers and limits; panels in a column may share their
/// x range and panels in a row their y range, with tick labels then only on the outer
/// panels. One legend serves the whole figure.
///
/// Like ``Figure`` it is pure data: ``layout(measuring:)`` positions every mark, and
/// ``draw(on:)`` paints on a ``Canvas``. A ``Figure`` stays the one-panel figure of the
/// one-dimensional report; a panel figure of one panel is its two-dimensional
/// counterpart, with colour bars and a legend that may move outside the plot.
public struct PanelFigure: Sendable, Equatable {
  /// The figure's size in points.
  public var size: Size
  /// The title above all panels.
  public var title: String?
  /// The number of columns of the grid (at least 1).
  public var columns: Int
  /// The panels, row by row; `nil` leaves a cell empty. The grid has as many rows as
  /// the panels fill.
  public var panels: [Panel?]
  /// Whether the panels of each column share one x range.
  public var sharesX: Bool
  /// Whether the panels of each row share one y range.
  public var sharesY: Bool
  /// Where the legend goes: ``LegendPlacement/best`` tries the corners of each panel
  /// (the top-right panel first) for one that covers no mark, and otherwise puts the
  /// legend outside, right of the panels. A fixed corner is taken in the top-right panel.
  public var legend: LegendPlacement
  public var theme: Theme
  /// The rows' relative heights (a density over a short strip of points: `[4, 1]`);
  /// rows without a positive weight, and every row when empty, weigh 1.
  public var rowHeights: [Double]

  /// A grid of `columns` columns filled row by row with `panels`.
  public init(
    size: Size, title: String? = nil, columns: Int, panels: [Panel?], sharesX: Bool = true, sharesY: Bool = true,
    legend: LegendPlacement = .best, theme: Theme = Theme(), rowHeights: [Double] = []
  ) {
    self.rowHeights = rowHeights
    self.size = size
    self.title = title
    self.columns = columns
    self.panels = panels
    self.sharesX = sharesX
    self.sharesY = sharesY
    self.legend = legend
    self.theme = theme
  }

  /// The number of columns actually used (at least 1).
  var columnCount: Int { Swift.max(1, columns) }

  /// The number of rows the panels fill (at least 1).
  public var rows: Int { Swift.max(1, (panels.count + columnCount - 1) / columnCount) }

  /// The panel at (`row`, `column`), or `nil` for an empty or missing cell.
  public func panel(row: Int, column: Int) -> Panel? {
    guard row >= 0, column >= 0, column < columnCount else { return nil }
    let index = row * columnCount + column
    return panels.indices.contains(index) ? panels[index] : nil
  }
}
