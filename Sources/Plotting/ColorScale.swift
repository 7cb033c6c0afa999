/// A colour at a position along a ``ColorScale`` (0 at its low end, 1 at its high end).
public struct ColorStop: Sendable, Equatable {
  /// Where the colour sits, in 0…1.
  public var position: Double
  public var color: Color

  public init(position: Double, color: Color) {
    self.position = position
    self.color = color
  }
}

/// A continuous map from values in `domain` to colours, interpolating linearly (in sRGB)
/// between stops.
public struct ColorScale: Sendable, Equatable {
  /// The values mapped to the first and last stops; values outside take the end colours.
  public var domain: ClosedRange<Double>
  /// The stops, by increasing position (at least one).
  public var stops: [ColorStop]
  /// The colour of a NaN value.
  public var nanColor: Color

  /// A scale over `domain` through `stops` (sorted by position here; none gives black).
  public init(domain: ClosedRange<Double>, stops: [ColorStop], nanColor: Color = Color(hex: 0xBBBBBB)) {
    self.domain = domain
    self.stops = stops.isEmpty ? [ColorStop(position: 0, color: .black)] : stops.sorted { $0.position < $1.position }
    self.nanColor = nanColor
  }

  /// viridis (matplotlib's default colour map, by Nathaniel J. Smith, Stefan van der Walt
  /// and Eric Firing; CC0), dark blue-violet to yellow, over `domain`.
  ///
  /// Perceptually uniform, readable in grey and by readers with the common forms of colour
  /// blindness. The stops are every 16th entry of its 256-entry table (BIDS/colormap,
  /// `colormaps.py`, `_viridis_data`: entries 0, 16, …, 240 and 255); between them linear
  /// interpolation stays within 1/255 of the full table.
  public static func viridis(domain: ClosedRange<Double>) -> ColorScale {
    ColorScale(domain: domain, stops: viridisStops)
  }

  /// The viridis table entries at 0, 16, …, 240, 255 (of 0…255).
  static let viridisStops: [ColorStop] = {
    let rows: [(Int, Double, Double, Double)] = [
      (0, 0.267004, 0.004874, 0.329415), (16, 0.282327, 0.094955, 0.417331),
      (32, 0.278826, 0.175490, 0.483397), (48, 0.258965, 0.251537, 0.524736),
      (64, 0.229739, 0.322361, 0.545706), (80, 0.199430, 0.387607, 0.554642),
      (96, 0.172719, 0.448791, 0.557885), (112, 0.149039, 0.508051, 0.557250),
      (128, 0.127568, 0.566949, 0.550556), (144, 0.120638, 0.625828, 0.533488),
      (160, 0.157851, 0.683765, 0.501686), (176, 0.246070, 0.738910, 0.452024),
      (192, 0.369214, 0.788888, 0.382914), (208, 0.515992, 0.831158, 0.294279),
      (224, 0.678489, 0.863742, 0.189503), (240, 0.845561, 0.887322, 0.099702),
      (255, 0.993248, 0.906157, 0.143936),
    ]
    return rows.map { ColorStop(position: Double($0.0) / 255, color: Color(red: $0.1, green: $0.2, blue: $0.3)) }
  }()

  /// Where `value` falls along the scale, in 0…1 (clamped; 0.5 for an empty or
  /// non-finite domain; NaN for NaN).
  public func fraction(_ value: Double) -> Double {
    guard !value.isNaN else { return .nan }
    let low = domain.lowerBound, high = domain.upperBound
    guard low.isFinite, high.isFinite, low < high else { return 0.5 }
    let span = high - low
    let t = span.isFinite ? (value - low) / span : (value / 2 - low / 2) / (high / 2 - low / 2)
    return Swift.min(1, Swift.max(0, t))
  }

  /// The colour of `value`: interpolated between the two stops around it; values outside
  /// the domain take the end colours, NaN takes ``nanColor``.
  public func callAsFunction(_ value: Double) -> Color {
    color(atFraction: fraction(value))
  }

  /// The colour at fraction `t` (0…1, clamped) along the scale.
  public func color(atFraction t: Double) -> Color {
    guard !t.isNaN else { return nanColor }
    guard let first = stops.first, let last = stops.last else { return nanColor }
    if t <= first.position { return first.color }
    if t >= last.position { return last.color }
    var i = 1
    while i < stops.count - 1 && stops[i].position < t { i += 1 }
    let lower = stops[i - 1], upper = stops[i]
    let w = upper.position > lower.position ? (t - lower.position) / (upper.position - lower.position) : 0
    return Color.mix([lower.color, upper.color], weights: [1 - w, w])
  }
}
