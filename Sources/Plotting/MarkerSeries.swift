/// The symbol a ``MarkerSeries`` draws.
public enum MarkerShape: Sendable, Equatable, Hashable {
  /// An × of two strokes.
  case cross
  /// A + of two strokes.
  case plus
  /// A filled disk.
  case disk
  /// A filled square standing on a corner.
  case diamond
}

/// Symbols at data points, larger and more visible than ``PointSeries`` dots: for
/// centres such as a component's mean.
///
/// Strokes (``MarkerShape/cross``, ``MarkerShape/plus``) are drawn over a wider
/// ``outline`` stroke, a halo that keeps them visible on any background; filled shapes
/// get the outline drawn around them.
public struct MarkerSeries: Sendable, Equatable {
  public var xs: [Double]
  public var ys: [Double]
  public var shape: MarkerShape
  /// Half the symbol's width in points (a disk's radius).
  public var size: Double
  /// One colour per marker, or one for all (markers beyond take the last).
  public var colors: [Color]
  /// The halo (strokes) or edge (filled shapes), or `nil` for none.
  public var outline: StrokeStyle?
  /// The legend entry (none when `nil`); its sample is the first marker's symbol.
  public var label: String?

  /// - Parameters:
  ///   - shape: The symbol.
  ///   - size: Half its width, in points.
  ///   - colors: One colour per marker, or one for all.
  ///   - outline: A halo for strokes, an edge for filled shapes (by default 1 pt of
  ///     white for strokes, 1 pt of near-black for filled shapes).
  public init(
    xs: [Double], ys: [Double], shape: MarkerShape = .cross, size: Double = 5, colors: [Color],
    outline: StrokeStyle? = nil, label: String? = nil
  ) {
    self.xs = xs
    self.ys = ys
    self.shape = shape
    self.size = size
    self.colors = colors
    self.outline = outline ?? MarkerSeries.defaultOutline(for: shape)
    self.label = label
  }

  static func defaultOutline(for shape: MarkerShape) -> StrokeStyle {
    switch shape {
    case .cross, .plus: StrokeStyle(color: .white, width: 1)
    case .disk, .diamond: StrokeStyle(color: Color(hex: 0x1A1A1A), width: 1)
    }
  }

  /// Marker `index`'s colour.
  func color(at index: Int) -> Color {
    colors.indices.contains(index) ? colors[index] : colors.last ?? .black
  }

  /// Paints marker `index`'s symbol centred on `center`, in `theme`'s ink.
  func draw(at center: Point, index: Int, theme: Theme, on canvas: some Canvas) {
    Self.draw(shape, size: size, color: theme.ink(color(at: index)), outline: outline.map(theme.ink), at: center, on: canvas)
  }

  /// The width of the strokes of a cross or plus of half-width `size`.
  static func strokeWidth(size: Double) -> Double { Swift.max(1.5, size / 2.5) }

  /// The symbol's path centred on `center`: two segments for strokes, a closed outline
  /// for filled shapes.
  static func path(_ shape: MarkerShape, at center: Point, size s: Double) -> Path {
    var path = Path()
    switch shape {
    case .cross:
      let d = s / 2.0.squareRoot()
      path.move(to: Point(center.x - d, center.y - d))
      path.line(to: Point(center.x + d, center.y + d))
      path.move(to: Point(center.x - d, center.y + d))
      path.line(to: Point(center.x + d, center.y - d))
    case .plus:
      path.move(to: Point(center.x - s, center.y))
      path.line(to: Point(center.x + s, center.y))
      path.move(to: Point(center.x, center.y - s))
      path.line(to: Point(center.x, center.y + s))
    case .disk:
      path.addCircle(center: center, radius: s)
    case .diamond:
      path.move(to: Point(center.x, center.y - s))
      path.line(to: Point(center.x + s, center.y))
      path.line(to: Point(center.x, center.y + s))
      path.line(to: Point(center.x - s, center.y))
      path.close()
    }
    return path
  }

  /// Paints one symbol: halo then strokes, or fill then edge (for marks and legend samples).
  static func draw(
    _ shape: MarkerShape, size: Double, color: Color, outline: StrokeStyle?, at center: Point, on canvas: some Canvas
  ) {
    let path = path(shape, at: center, size: size)
    switch shape {
    case .cross, .plus:
      let width = strokeWidth(size: size)
      if let outline {
        canvas.stroke(path, style: StrokeStyle(color: outline.color, width: width + 2 * outline.width))
      }
      canvas.stroke(path, style: StrokeStyle(color: color, width: width))
    case .disk, .diamond:
      canvas.fill(path, color: color)
      if let outline { canvas.stroke(path, style: outline) }
    }
  }
}
