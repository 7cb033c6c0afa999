/// Nice tick values in 1-2-5 steps (Heckbert 1990; d3-array's `ticks`).
///
/// Steps below 1 are kept as an inverse increment (`1 / 0.1 = 10`) and each tick is
/// computed as `i / inverse`, so decimal ticks come out as the nearest double to the
/// decimal value (`0.3`, never `0.30000000000000004`).
///
/// Every function is total: ranges wider than the largest double get steps of at most
/// 10³⁰⁸, steps too small for a double give no ticks, and no count, step or number of
/// decimals traps on its way to an integer.
public enum Ticks {
  /// The most ticks asked for; a larger `count` is taken as this.
  static let maximumCount = 1000
  /// The most decimals a label gets; beyond 10³⁰⁸ a fixed-point label falls back to the
  /// shortest form anyway.
  static let maximumDecimals = 400

  /// The tick step for about `count` ticks over `[start, stop]`: positive for steps ≥ 1,
  /// or the negated inverse step for steps below 1 (d3's `tickIncrement`).
  public static func increment(_ start: Double, _ stop: Double, count: Int) -> Double {
    let divisor = Double(min(max(1, count), maximumCount))
    var step = (stop - start) / divisor
    if step == .infinity && start.isFinite && stop.isFinite {
      // The range is wider than the largest double: halve it first (exactly).
      step = min(2 * ((stop / 2 - start / 2) / divisor), .greatestFiniteMagnitude)
    }
    let power = decimalLog(step).rounded(.down)
    let error = step / pow10(power)
    let factor: Double =
      error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
    guard power >= 0 else { return -pow10(-power) / factor }
    // 2·10³⁰⁸ and up overflow: then the step is 10³⁰⁸.
    let increment = factor * pow10(power)
    return increment.isFinite ? increment : pow10(power)
  }

  /// Tick values inside `[start, stop]`, about `count` of them (at most 1000), in 1-2-5
  /// steps, strictly increasing. Returns `[]` for an empty or non-finite range, or one
  /// whose step is too small for a double (below about 10⁻³⁰⁸).
  public static func values(_ start: Double, _ stop: Double, count: Int) -> [Double] {
    guard start.isFinite, stop.isFinite, count > 0 else { return [] }
    guard start < stop else { return start == stop ? [start] : [] }
    let inc = increment(start, stop, count: count)
    guard inc.isFinite, inc != 0 else { return [] }
    if inc > 0 {
      let i0 = (start / inc).rounded(.up)
      let i1 = (stop / inc).rounded(.down)
      guard i1 >= i0 else { return [] }
      return increasing(stride(from: i0, through: i1, by: 1).map { $0 * inc })
    }
    let inverse = -inc
    let i0 = (start * inverse).rounded(.up)
    let i1 = (stop * inverse).rounded(.down)
    guard i1 >= i0 else { return [] }
    return increasing(stride(from: i0, through: i1, by: 1).map { $0 / inverse })
  }

  /// `ticks` without non-finite values and repeats. Ordinary ticks have neither; ticks
  /// spaced closer than their doubles (a range of a few units near 10¹⁶) repeat.
  static func increasing(_ ticks: [Double]) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(ticks.count)
    for t in ticks where t.isFinite && t > (result.last ?? -.infinity) { result.append(t) }
    return result
  }

  /// The step between the ticks ``values(_:_:count:)`` returns.
  public static func step(_ start: Double, _ stop: Double, count: Int) -> Double {
    let inc = increment(start, stop, count: count)
    return inc > 0 ? inc : 1 / -inc
  }

  /// Labels for ticks spaced `step` apart: every label with the same number of decimals,
  /// just enough for the step, and a true minus sign (U+2212), never `−0`.
  ///
  /// Where plain digits would run long (steps below 10⁻¹² on values below 10⁻², or values
  /// from 10¹⁵ up) labels are written as `1.5 × 10⁻¹⁵⁰`, all with the exponent of the
  /// largest value, so a density of data around 10¹⁵⁰ keeps short labels.
  public static func labels(_ values: [Double], step: Double) -> [String] {
    let decimals = Int(clamping: (-decimalLog(step) - 1e-9).rounded(.up), to: 0...maximumDecimals, nan: 0)
    let largest = values.reduce(0) { Swift.max($0, abs($1)) }
    let exponent = Int(clamping: decimalLog(largest).rounded(.down), to: -400...400, nan: 0)
    guard (decimals > 12 && exponent < -2) || largest >= 1e15, largest > 0, largest.isFinite else {
      return values.map { format($0, decimals: decimals) }
    }
    let mantissaDecimals = Int(clamping: (Double(exponent) - decimalLog(step) - 1e-9).rounded(.up), to: 0...15, nan: 0)
    let scale = pow10(Double(exponent))
    return values.map { value in
      value == 0 ? "0" : format(value / scale, decimals: mantissaDecimals) + " × 10" + superscript(exponent)
    }
  }

  /// `n` in superscript digits, with a superscript minus: `⁻¹⁵⁰`.
  public static func superscript(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return (n < 0 ? "⁻" : "") + String(String(n.magnitude).map { digits[$0.wholeNumberValue ?? 0] })
  }

  /// `value` with exactly `decimals` digits after the point, without Foundation.
  public static func format(_ value: Double, decimals: Int) -> String {
    let scale = pow10(Double(decimals))
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e15 else {
      // Too large for exact integer formatting: fall back to Swift's shortest form.
      return (value < 0 ? "\u{2212}" : "") + "\(abs(value))"
    }
    var digits = String(UInt64(scaled))
    if decimals > 0 {
      if digits.count <= decimals {
        digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
      }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
    }
    return (value < 0 && scaled != 0 ? "\u{2212}" : "") + digits
  }

  /// `10^p` for a whole `p`, by repeated multiplication (∞ or 0 beyond ±400; NaN for NaN).
  static func pow10(_ p: Double) -> Double {
    guard !p.isNaN else { return .nan }
    var result = 1.0
    let n = Int(clamping: abs(p), to: 0...400, nan: 0)
    for _ in 0..<n { result *= 10 }
    return p >= 0 ? result : 1 / result
  }
}
