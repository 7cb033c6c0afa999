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

  /// The stroke of level `index`.
  func style(at index: Int) -> StrokeStyle {
    let color = colors.indices.contains(index) ? colors[index] : colors.last ?? .black
    return StrokeStyle(color: color, width: width, dash: dash)
  }
}
