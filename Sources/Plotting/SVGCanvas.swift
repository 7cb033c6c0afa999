/// A ``Canvas`` that writes an SVG 1.1 document, with text as `<text>` elements (searchable,
/// selectable, styleable), not as glyph outlines.
///
/// It only paints: the figure is laid out beforehand with the measurer the PNG and PDF
/// use (cairo's), and the canvas places each text where that layout put it. Horizontal
/// anchoring is left to the viewer (`text-anchor` start, middle or end), so a text stays
/// centred or right-aligned even in another font; vertical anchoring moves the baseline
/// by the measured ascent and descent, which depend on the font, not on the text.
///
/// The document is sized in points (`width="432pt"`) with a `viewBox` in points, so one
/// unit is one point, as in the PDF. Every number is printed with at most three
/// decimals, trailing zeros dropped and no negative zero, so the same figure always
/// gives the same bytes.
public final class SVGCanvas: Canvas {
  /// The font family every text names (the one the layout was measured with).
  public static let fontFamily = "DejaVu Sans"

  private let size: Size
  private let measurer: any TextMeasuring
  private var body: [String] = []
  private var clipCount = 0
  private var openClips = 0

  /// A canvas of `size` points whose texts are anchored with `measurer`'s font metrics.
  public init(size: Size, measuring measurer: any TextMeasuring) {
    self.size = size
    self.measurer = measurer
  }

  public func measure(_ text: String, font: Font) -> TextExtent { measurer.measure(text, font: font) }

  public func fill(_ path: Path, color: Color) {
    let paint = "fill=\"\(color.hexString)\"\(Self.opacity("fill-opacity", color.alpha))"
    if path.elements.count == 1, case .circle(let c, let r) = path.elements[0] {
      body.append("<circle cx=\"\(Self.number(c.x))\" cy=\"\(Self.number(c.y))\" r=\"\(Self.number(Swift.max(0, r)))\" \(paint)/>")
      return
    }
    guard let d = Self.pathData(path) else { return }
    body.append("<path d=\"\(d)\" \(paint)/>")
  }

  public func stroke(_ path: Path, style: StrokeStyle) {
    var paint = "fill=\"none\" stroke=\"\(style.color.hexString)\"\(Self.opacity("stroke-opacity", style.color.alpha))"
    paint += " stroke-width=\"\(Self.number(Swift.max(0, style.width)))\""
    if style.dash.contains(where: { $0 > 0 }) { paint += " stroke-dasharray=\"\(style.dash.map { Self.number(Swift.max(0, $0)) }.joined(separator: " "))\"" }
    if path.elements.count == 1, case .circle(let c, let r) = path.elements[0] {
      body.append("<circle cx=\"\(Self.number(c.x))\" cy=\"\(Self.number(c.y))\" r=\"\(Self.number(Swift.max(0, r)))\" \(paint)/>")
      return
    }
    guard let d = Self.pathData(path) else { return }
    body.append("<path d=\"\(d)\" \(paint)/>")
  }

  public func drawText(_ text: String, at position: Point, font: Font, color: Color, anchor: TextAnchor, angle: Double) {
    let extent = measurer.measure(text, font: font)
    let (_, v) = anchor.offsets(for: extent)
    let textAnchor: String
    switch anchor.horizontal {
    case .left: textAnchor = "start"
    case .center: textAnchor = "middle"
    case .right: textAnchor = "end"
    }
    let x = Self.number(position.x), y = Self.number(position.y)
    // The baseline sits `ascent - v` below the anchor point, along the text's own "down".
    var element = "<text x=\"\(x)\" y=\"\(Self.number(position.y + extent.ascent - v))\""
    if angle.isFinite, angle != 0 {
      // Counter-clockwise on the page is a negative rotation in SVG's y-down space.
      element += " transform=\"rotate(\(Self.number(-angle)) \(x) \(y))\""
    }
    element += " font-family=\"\(Self.fontFamily)\" font-size=\"\(Self.number(font.size))\""
    if font.bold { element += " font-weight=\"bold\"" }
    element += " text-anchor=\"\(textAnchor)\" fill=\"\(color.hexString)\"\(Self.opacity("fill-opacity", color.alpha))>"
    element += Self.escaped(text) + "</text>"
    body.append(element)
  }

  public func pushClip(_ rect: Rect) {
    clipCount += 1
    openClips += 1
    let id = "clip\(clipCount)"
    body.append(
      "<clipPath id=\"\(id)\"><rect x=\"\(Self.number(rect.x))\" y=\"\(Self.number(rect.y))\" width=\"\(Self.number(Swift.max(0, rect.width)))\" height=\"\(Self.number(Swift.max(0, rect.height)))\"/></clipPath>"
    )
    body.append("<g clip-path=\"url(#\(id))\">")
  }

  public func popClip() {
    guard openClips > 0 else { return }
    openClips -= 1
    body.append("</g>")
  }

  /// The whole document (any clip still open is closed), ending in a newline.
  public var document: String {
    var lines = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.number(size.width))pt\" height=\"\(Self.number(size.height))pt\" viewBox=\"0 0 \(Self.number(size.width)) \(Self.number(size.height))\" stroke-linejoin=\"round\" stroke-linecap=\"butt\" xml:space=\"preserve\">",
    ]
    lines += body
    lines += Array(repeating: "</g>", count: openClips)
    lines.append("</svg>")
    return lines.joined(separator: "\n") + "\n"
  }

  // MARK: Formatting

  /// `value` with at most three decimals, trailing zeros (and a bare point) dropped, and
  /// no `-0`: `12.5`, `-3`, `0.125`, `0`. Non-finite values, which no layout should give,
  /// print as 0; magnitudes are capped at 10¹², far beyond any figure.
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let thousandths = (Swift.min(1e15, Swift.max(-1e15, value * 1000))).rounded(.toNearestOrAwayFromZero)
    let whole = Int64(thousandths)
    guard whole != 0 else { return "0" }
    let magnitude = whole.magnitude
    var text = whole < 0 ? "-" : ""
    text += String(magnitude / 1000)
    var fraction = magnitude % 1000
    if fraction != 0 {
      var digits = 3
      while fraction % 10 == 0 {
        fraction /= 10
        digits -= 1
      }
      let padded = String(fraction)
      text += "." + String(repeating: "0", count: digits - padded.count) + padded
    }
    return text
  }

  /// ` name="alpha"` for a translucent colour, nothing for an opaque one.
  static func opacity(_ name: String, _ alpha: Double) -> String {
    let a = alpha.isNaN ? 1 : Swift.min(1, Swift.max(0, alpha))
    return a >= 1 ? "" : " \(name)=\"\(number(a))\""
  }

  /// `text` safe inside an XML element or attribute: `&`, `<`, `>`, `"` and `'` as
  /// entities, and every character XML 1.0 forbids or a line would break on (C0 and C1
  /// controls, DEL, U+FFFE, U+FFFF) as U+FFFD.
  public static func escaped(_ text: String) -> String {
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      default:
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
          result.unicodeScalars.append("\u{FFFD}")
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }

  /// The `d` attribute of `path` (circles as two half-circle arcs), or `nil` when it draws nothing.
  static func pathData(_ path: Path) -> String? {
    var parts: [String] = []
    parts.reserveCapacity(path.elements.count)
    for element in path.elements {
      switch element {
      case .move(let p): parts.append("M\(number(p.x)) \(number(p.y))")
      // A line with no point before it starts the path there, as in cairo.
      case .line(let p): parts.append("\(parts.isEmpty ? "M" : "L")\(number(p.x)) \(number(p.y))")
      case .close: if !parts.isEmpty { parts.append("Z") }
      case .circle(let c, let radius):
        let r = number(Swift.max(0, radius))
        let left = number(c.x - Swift.max(0, radius)), right = number(c.x + Swift.max(0, radius)), y = number(c.y)
        parts.append("M\(right) \(y)A\(r) \(r) 0 1 1 \(left) \(y)A\(r) \(r) 0 1 1 \(right) \(y)Z")
      }
    }
    return parts.isEmpty ? nil : parts.joined()
  }
}
