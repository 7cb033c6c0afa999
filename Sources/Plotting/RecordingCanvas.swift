/// A canvas that records what is drawn instead of painting it: the back end for layout
/// tests, and a measure of how many marks a figure makes.
public final class RecordingCanvas: Canvas {
  /// One recorded call.
  public enum Operation: Sendable, Equatable {
    case fill(Path, Color)
    case stroke(Path, StrokeStyle)
    case text(String, box: Rect, font: Font, angle: Double)
    case pushClip(Rect)
    case popClip
  }

  /// The calls in order.
  public private(set) var operations: [Operation] = []
  private let measurer: any TextMeasuring

  /// A canvas measuring text with `measurer` (by default ``ApproximateTextMeasurer``).
  public init(measuring measurer: any TextMeasuring = ApproximateTextMeasurer()) {
    self.measurer = measurer
  }

  public func measure(_ text: String, font: Font) -> TextExtent { measurer.measure(text, font: font) }
  public func fill(_ path: Path, color: Color) { operations.append(.fill(path, color)) }
  public func stroke(_ path: Path, style: StrokeStyle) { operations.append(.stroke(path, style)) }
  public func drawText(_ text: String, at position: Point, font: Font, color: Color, anchor: TextAnchor, angle: Double) {
    operations.append(.text(text, box: measurer.box(of: text, at: position, font: font, anchor: anchor, angle: angle), font: font, angle: angle))
  }
  public func pushClip(_ rect: Rect) { operations.append(.pushClip(rect)) }
  public func popClip() { operations.append(.popClip) }

  /// The boxes of every drawn text.
  public var textBoxes: [(text: String, box: Rect)] {
    operations.compactMap {
      if case .text(let s, let box, _, _) = $0 { return (s, box) }
      return nil
    }
  }
}

/// A font-free measurer: 0.6 em per character, ascent 0.76 em, descent 0.24 em
/// (close to DejaVu Sans), so layout can be tested without a rendering library.
public struct ApproximateTextMeasurer: TextMeasuring, Sendable {
  public init() {}
  public func measure(_ text: String, font: Font) -> TextExtent {
    TextExtent(width: Double(text.count) * 0.6 * font.size * (font.bold ? 1.1 : 1), ascent: 0.76 * font.size, descent: 0.24 * font.size)
  }
}
