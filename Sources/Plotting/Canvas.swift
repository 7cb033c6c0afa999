/// A font request: the family is the theme's (DejaVu Sans), so only size and weight vary.
public struct Font: Sendable, Equatable, Hashable {
  /// The size in points.
  public var size: Double
  /// Whether the bold face is used.
  public var bold: Bool
  public init(size: Double, bold: Bool = false) {
    self.size = size
    self.bold = bold
  }
}

/// The measured extent of a line of text: its advance width and the font's ascent and
/// descent (the font's, not the ink's, so baselines line up whatever the letters).
public struct TextExtent: Sendable, Equatable {
  public var width: Double
  public var ascent: Double
  public var descent: Double
  public init(width: Double, ascent: Double, descent: Double) {
    self.width = width
    self.ascent = ascent
    self.descent = descent
  }
  /// Ascent plus descent.
  public var height: Double { ascent + descent }
}

/// Measures text; the layout step needs nothing else from a back end.
public protocol TextMeasuring {
  /// The extent of `text` set in `font`.
  func measure(_ text: String, font: Font) -> TextExtent
}

/// Where a text's anchor point sits on the text's box.
public struct TextAnchor: Sendable, Equatable, Hashable {
  public enum Horizontal: Sendable, Hashable { case left, center, right }
  public enum Vertical: Sendable, Hashable { case top, center, baseline, bottom }
  public var horizontal: Horizontal
  public var vertical: Vertical
  public init(_ horizontal: Horizontal, _ vertical: Vertical) {
    self.horizontal = horizontal
    self.vertical = vertical
  }

  /// Where the anchor sits in a text box of `extent`: `u` along the text from its start,
  /// `v` across it from the top of the box (downwards).
  public func offsets(for extent: TextExtent) -> (u: Double, v: Double) {
    let u: Double
    switch horizontal {
    case .left: u = 0
    case .center: u = extent.width / 2
    case .right: u = extent.width
    }
    let v: Double
    switch vertical {
    case .top: v = 0
    case .center: v = extent.height / 2
    case .baseline: v = extent.ascent
    case .bottom: v = extent.height
    }
    return (u, v)
  }
}

/// How a path's outline is drawn.
public struct StrokeStyle: Sendable, Equatable {
  public var color: Color
  public var width: Double
  /// Dash lengths in points (empty for a solid line).
  public var dash: [Double]
  public init(color: Color, width: Double, dash: [Double] = []) {
    self.color = color
    self.width = width
    self.dash = dash
  }
}

/// A drawing surface: the few primitives every back end provides (as matplotlib's
/// renderer). Coordinates are points, origin top left, y downwards.
public protocol Canvas: AnyObject, TextMeasuring {
  /// Fills `path` (non-zero winding).
  func fill(_ path: Path, color: Color)
  /// Strokes `path` with round joins and butt caps.
  func stroke(_ path: Path, style: StrokeStyle)
  /// Draws one line of `text` whose `anchor` point is at `position`, rotated
  /// counter-clockwise by `angle` degrees about that point.
  func drawText(_ text: String, at position: Point, font: Font, color: Color, anchor: TextAnchor, angle: Double)
  /// Restricts drawing to `rect` until the matching ``popClip()``.
  func pushClip(_ rect: Rect)
  /// Undoes the last ``pushClip(_:)``.
  func popClip()
}

extension TextMeasuring {
  /// The box `text` occupies when drawn at `position` with `anchor`, unrotated or rotated
  /// by 90° counter-clockwise.
  public func box(of text: String, at position: Point, font: Font, anchor: TextAnchor, angle: Double = 0) -> Rect {
    let e = measure(text, font: font)
    let (u, v) = anchor.offsets(for: e)
    if abs(angle - 90) < 1e-9 {
      // Text runs upwards: its start is at the bottom, its top faces left.
      return Rect(x: position.x - v, y: position.y - (e.width - u), width: e.height, height: e.width)
    }
    return Rect(x: position.x - u, y: position.y - v, width: e.width, height: e.height)
  }
}
