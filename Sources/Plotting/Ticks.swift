/// Nice tick values in 1-2-5 steps (Heckbert 1990; d3-array's `ticks`).
///
/// Steps below 1 are kept as an inverse increment (`1 / 0.1 = 10`) and each tick is
/// computed as `i / inverse`, so decimal ticks come out as the nearest double to the
/// decimal value (`0.3`, never `0.30000000000000004`).
public enum Ticks {
  /// The tick step for about `count` ticks over `[start, stop]`: positive for steps ≥ 1,
  /// or the negated inverse step for steps below 1 (d3's `tickIncrement`).
  public static func increment(_ start: Double, _ stop: Double, count: Int) -> Double {
    let step = (stop - start) / Double(max(1, count))
    let power = decimalLog(step).rounded(.down)
    let error = step / pow10(power)
    let factor: Double =
      error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
    return power >= 0 ? factor * pow10(power) : -pow10(-power) / factor
  }

  /// Tick values inside `[start, stop]`, about `count` of them, in 1-2-5 steps.
  /// Returns `[]` for an empty or non-finite range.
  public static func values(_ start: Double, _ stop: Double, count: Int) -> [Double] {
    guard start.isFinite, stop.isFinite, count > 0 else { return [] }
    guard start < stop else { return start == stop ? [start] : [] }
    let inc = increment(start, stop, count: count)
    guard inc.isFinite, inc != 0 else { return [] }
    if inc > 0 {
      let i0 = (start / inc).rounded(.up)
      let i1 = (stop / inc).rounded(.down)
      guard i1 >= i0 else { return [] }
      return stride(from: i0, through: i1, by: 1).map { $0 * inc }
    }
    let inverse = -inc
    let i0 = (start * inverse).rounded(.up)
    let i1 = (stop * inverse).rounded(.down)
    guard i1 >= i0 else { return [] }
    return stride(from: i0, through: i1, by: 1).map { $0 / inverse }
  }

  /// The step between the ticks ``values(_:_:count:)`` returns.
  public static func step(_ start: Double, _ stop: Double, count: Int) -> Double {
    let inc = increment(start, stop, count: count)
    return inc > 0 ? inc : 1 / -inc
  }

  /// Labels for ticks spaced `step` apart: every label with the same number of decimals,
  /// just enough for the step, and a true minus sign (U+2212), never `−0`.
  public static func labels(_ values: [Double], step: Double) -> [String] {
    let decimals = max(0, Int((-decimalLog(step) - 1e-9).rounded(.up)))
    return values.map { format($0, decimals: decimals) }
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

  static func pow10(_ p: Double) -> Double {
    var result = 1.0
    let n = Int(abs(p))
    for _ in 0..<n { result *= 10 }
    return p >= 0 ? result : 1 / result
  }
}
