/// Contour lines from ``Contours/lines(xs:ys:z:levels:)``, each level in its colour.
public struct ContourSeries: Sendable, Equatable {
  /// The lines by level.
  public var levels: [ContourLevel]
  /// One colour per level, or a single colour for all (levels beyond take the last).
  public var colors: [Color]
  /// The line width in points.
  public var width: Double
  /// Dash lengths in points (empty for solid lines).
  public var dash: [Double]
  /// The legend entry (none when `nil`); its sample is a line in the middle level's colour.
  public var label: String?
  /// The x and y extent of the grid the lines were traced on, counted in automatic axis
  /// limits (so the axes show the whole field, not just its outermost line); `nil` when
  /// only the lines count.
  public var gridBounds: (x: ClosedRange<Double>, y: ClosedRange<Double>)?

  /// Contours with one colour per level (or one for all).
  public init(levels: [ContourLevel], colors: [Color], width: Double = 1, dash: [Double] = [], label: String? = nil) {
    self.levels = levels
    self.colors = colors
    self.width = width
    self.dash = dash
    self.label = label
  }

  /// Contours coloured by their level through `scale` (a ``ColorScale`` whose colour bar
  /// can stand beside the panel).
  public init(levels: [ContourLevel], scale: ColorScale, width: Double = 1, dash: [Double] = [], label: String? = nil) {
    self.init(levels: levels, colors: levels.map { scale($0.level) }, width: width, dash: dash, label: label)
  }

  /// The contours of a grid (see ``Contours/lines(xs:ys:z:levels:)``) at `levels`,
  /// coloured through `scale`, with the grid's extent as ``gridBounds``.
  public init(
    xs: [Double], ys: [Double], z: [Double], levels: [Double], scale: ColorScale, width: Double = 1, dash: [Double] = [],
    label: String? = nil
  ) {
    self.init(levels: Contours.lines(xs: xs, ys: ys, z: z, levels: levels), scale: scale, width: width, dash: dash, label: label)
    let finiteX = xs.filter(\.isFinite), finiteY = ys.filter(\.isFinite)
    if let x0 = finiteX.min(), let x1 = finiteX.max(), let y0 = finiteY.min(), let y1 = finiteY.max() {
      gridBounds = (x0...x1, y0...y1)
    }
  }

  public static func == (l: ContourSeries, r: ContourSeries) -> Bool {
    l.levels == r.levels && l.colors == r.colors && l.width == r.width && l.dash == r.dash && l.label == r.label
      && l.gridBounds?.x == r.gridBounds?.x && l.gridBounds?.y == r.gridBounds?.y
  }

  /// The stroke of level `index`.
  func style(at index: Int) -> StrokeStyle {
    let color = colors.indices.contains(index) ? colors[index] : colors.last ?? .black
    return StrokeStyle(color: color, width: width, dash: dash)
  }
}
