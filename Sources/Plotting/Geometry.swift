/// A point in figure coordinates: points (1/72 in), origin at the top left, y downwards.
public struct Point: Sendable, Equatable, Hashable {
  public var x: Double
  public var y: Double
  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }
}

/// A width and height in points.
public struct Size: Sendable, Equatable, Hashable {
  public var width: Double
  public var height: Double
  public init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }
}

/// An axis-aligned rectangle in figure coordinates.
public struct Rect: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var x: Double
  public var y: Double
  public var width: Double
  public var height: Double

  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  public var minX: Double { x }
  public var minY: Double { y }
  public var maxX: Double { x + width }
  public var maxY: Double { y + height }
  public var midX: Double { x + width / 2 }
  public var midY: Double { y + height / 2 }

  /// Whether the two rectangles share interior area (touching edges do not count).
  public func intersects(_ other: Rect) -> Bool {
    minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
  }

  /// Whether `point` lies inside or on the edge.
  public func contains(_ point: Point) -> Bool {
    point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
  }

  /// Whether `other` lies entirely inside this rectangle (edges included).
  public func contains(_ other: Rect) -> Bool {
    other.minX >= minX - 1e-9 && other.maxX <= maxX + 1e-9 && other.minY >= minY - 1e-9
      && other.maxY <= maxY + 1e-9
  }

  /// The rectangle grown by `amount` on every side.
  public func insetBy(_ amount: Double) -> Rect {
    Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
  }

  public var description: String { "Rect(x: \(x), y: \(y), w: \(width), h: \(height))" }
}

/// An sRGB colour with alpha, each channel in 0…1.
public struct Color: Sendable, Equatable, Hashable {
  public var red: Double
  public var green: Double
  public var blue: Double
  public var alpha: Double

  public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
    self.red = red
    self.green = green
    self.blue = blue
    self.alpha = alpha
  }

  /// A colour from a 24-bit `0xRRGGBB` value.
  public init(hex: UInt32, alpha: Double = 1) {
    self.init(
      red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
      blue: Double(hex & 0xFF) / 255, alpha: alpha)
  }

  /// The same colour with another alpha.
  public func withAlpha(_ alpha: Double) -> Color {
    Color(red: red, green: green, blue: blue, alpha: alpha)
  }

  /// The weighted average of colours (weights need not sum to 1).
  public static func mix(_ colors: [Color], weights: [Double]) -> Color {
    let total = weights.reduce(0, +)
    guard total > 0 else { return colors.first ?? .black }
    var r = 0.0, g = 0.0, b = 0.0, a = 0.0
    for (c, w) in zip(colors, weights) {
      r += c.red * w
      g += c.green * w
      b += c.blue * w
      a += c.alpha * w
    }
    return Color(red: r / total, green: g / total, blue: b / total, alpha: a / total)
  }

  /// The colour as `#rrggbb`.
  public var hexString: String {
    func byte(_ v: Double) -> String {
      // A NaN channel counts as 1, as `min(1, v)` has always taken it.
      let b = Int(clamping: (v * 255).rounded(), to: 0...255, nan: 255)
      let digits = Array("0123456789abcdef")
      return String([digits[b / 16], digits[b % 16]])
    }
    return "#" + byte(red) + byte(green) + byte(blue)
  }

  public static let black = Color(red: 0, green: 0, blue: 0)
  public static let white = Color(red: 1, green: 1, blue: 1)
  /// matplotlib's "green" (`#008000`), the tutorial's KDE colour.
  public static let green = Color(hex: 0x008000)
  /// matplotlib's "red" (`#ff0000`), the tutorial's mixture colour.
  public static let red = Color(hex: 0xFF0000)

  /// matplotlib's default colour cycle ("tab10").
  public static let palette: [Color] = [
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
  ].map { Color(hex: $0) }

  /// The `index`-th colour of ``palette``, cycling (backwards for a negative index).
  public static func cycle(_ index: Int) -> Color {
    palette[(index % palette.count + palette.count) % palette.count]
  }
}

/// A path made of straight segments and circles, in figure coordinates.
public struct Path: Sendable, Equatable {
  /// One drawing instruction.
  public enum Element: Sendable, Equatable {
    case move(Point)
    case line(Point)
    case close
    /// A full circle (a separate sub-path).
    case circle(center: Point, radius: Double)
  }

  public private(set) var elements: [Element] = []

  public init() {}

  /// A polyline through `points` (empty when there are none).
  public init(polyline points: [Point]) {
    guard let first = points.first else { return }
    elements.reserveCapacity(points.count)
    elements.append(.move(first))
    for p in points.dropFirst() { elements.append(.line(p)) }
  }

  /// A closed rectangle.
  public init(rect: Rect) {
    elements = [
      .move(Point(rect.minX, rect.minY)), .line(Point(rect.maxX, rect.minY)),
      .line(Point(rect.maxX, rect.maxY)), .line(Point(rect.minX, rect.maxY)), .close,
    ]
  }

  public mutating func move(to p: Point) { elements.append(.move(p)) }
  public mutating func line(to p: Point) { elements.append(.line(p)) }
  public mutating func close() { elements.append(.close) }
  public mutating func addCircle(center: Point, radius: Double) {
    elements.append(.circle(center: center, radius: radius))
  }

  /// The smallest rectangle holding every point of the path (circles included).
  public var bounds: Rect? {
    var minX = Double.infinity, minY = Double.infinity
    var maxX = -Double.infinity, maxY = -Double.infinity
    func add(_ p: Point, _ r: Double = 0) {
      minX = Swift.min(minX, p.x - r)
      maxX = Swift.max(maxX, p.x + r)
      minY = Swift.min(minY, p.y - r)
      maxY = Swift.max(maxY, p.y + r)
    }
    for e in elements {
      switch e {
      case .move(let p), .line(let p): add(p)
      case .circle(let c, let r): add(c, r)
      case .close: break
      }
    }
    return minX <= maxX ? Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY) : nil
  }
}
