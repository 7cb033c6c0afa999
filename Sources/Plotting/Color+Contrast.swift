extension Color {
  /// The WCAG 2 relative luminance of the colour's sRGB channels (alpha ignored): 0 for
  /// black, 1 for white. Channels outside 0…1 are clamped, NaN counts as 0.
  public var relativeLuminance: Double {
    func linear(_ channel: Double) -> Double {
      let c = channel.isNaN ? 0 : Swift.min(1, Swift.max(0, channel))
      return c <= 0.04045 ? c / 12.92 : power((c + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
  }

  /// The WCAG 2 contrast ratio between this colour and `other` (both taken as opaque),
  /// from 1 (the same luminance) to 21 (black on white).
  public func contrastRatio(with other: Color) -> Double {
    let a = relativeLuminance, b = other.relativeLuminance
    return (Swift.max(a, b) + 0.05) / (Swift.min(a, b) + 0.05)
  }

  /// The colour mixed with `target` by `fraction` (0: itself, 1: `target`), alpha kept.
  func blended(toward target: Color, by fraction: Double) -> Color {
    Color(
      red: red + (target.red - red) * fraction, green: green + (target.green - green) * fraction,
      blue: blue + (target.blue - blue) * fraction, alpha: alpha)
  }
}

/// How a theme adapts the colours of data marks (lines, points, fills, symbols, colour
/// bars) to its background, as data: a few exact substitutions, greys turned around, and
/// a floor on contrast. A dark theme uses it so that marks chosen for white paper stay
/// visible; the light theme has none and draws colours as given.
public struct SeriesColorMapping: Sendable, Equatable {
  /// The background the mapped colours are drawn on.
  public var background: Color
  /// Colours replaced outright, by `0xRRGGBB` (alpha is kept): the tutorial's green and
  /// red, for example, get brighter variants chosen by eye.
  public var substitutions: [UInt32: Color]
  /// Whether greys (channels within 2 % of each other) at either end are turned around
  /// between white and the background: dark ink below ``minimumContrast`` becomes light
  /// ink, near-white (a halo, paper) becomes the background; mid greys are kept.
  public var invertsGreys: Bool
  /// The least contrast ratio a mapped colour keeps against ``background``; a colour
  /// below it is blended toward white until it reaches it (WCAG's 3:1 for graphics).
  public var minimumContrast: Double

  public init(background: Color, substitutions: [UInt32: Color] = [:], invertsGreys: Bool = true, minimumContrast: Double = 3) {
    self.background = background
    self.substitutions = substitutions
    self.invertsGreys = invertsGreys
    self.minimumContrast = minimumContrast
  }

  /// `color` as drawn on ``background``.
  public func callAsFunction(_ color: Color) -> Color {
    if let replacement = substitutions[color.rgb] { return replacement.withAlpha(color.alpha) }
    var c = color
    let channels = [c.red, c.green, c.blue]
    if invertsGreys, let high = channels.max(), let low = channels.min(), high - low <= 0.02 {
      // Only the ends are turned around: mid greys that read on the background stay, so a
      // colour scale through grey stays continuous.
      let paper = low >= 0.9
      if paper || c.contrastRatio(with: background) < minimumContrast {
        // Lightness turned around: white → background, black → white, linearly between.
        let b = background
        c = Color(
          red: b.red + (1 - c.red) * (1 - b.red), green: b.green + (1 - c.green) * (1 - b.green),
          blue: b.blue + (1 - c.blue) * (1 - b.blue), alpha: c.alpha)
        // Near-white (paper, a halo around a symbol) is meant to blend in: no floor.
        if paper { return c }
      }
    }
    return raisingContrast(c)
  }

  /// `color`, or the least blend of it toward white whose contrast with ``background``
  /// reaches ``minimumContrast`` (by bisection, so the same colour always maps the same).
  func raisingContrast(_ color: Color) -> Color {
    guard color.contrastRatio(with: background) < minimumContrast else { return color }
    var low = 0.0, high = 1.0
    for _ in 0..<40 {
      let mid = (low + high) / 2
      if color.blended(toward: .white, by: mid).contrastRatio(with: background) >= minimumContrast { high = mid } else { low = mid }
    }
    return color.blended(toward: .white, by: high)
  }
}

extension Color {
  /// The colour's channels as `0xRRGGBB` (rounded to bytes; alpha dropped).
  var rgb: UInt32 {
    func byte(_ v: Double) -> UInt32 { UInt32(Int(clamping: (v * 255).rounded(), to: 0...255, nan: 0)) }
    return byte(red) << 16 | byte(green) << 8 | byte(blue)
  }
}
