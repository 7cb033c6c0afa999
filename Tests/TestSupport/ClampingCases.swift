/// One conversion of a double to an integer that must not trap: the value, the bounds,
/// what NaN maps to, and the expected integer.
public struct ClampingCase: Sendable, CustomStringConvertible {
  public var value: Double
  public var bounds: ClosedRange<Int>
  public var nan: Int
  public var expected: Int

  public var description: String { "\(value) in \(bounds) → \(expected)" }
}

/// The table that each module's total `Int(clamping:to:nan:)` is tested against (MixtureModels
/// and Plotting each have their own, as they share no code).
public enum ClampingCases {
  static let all = Int.min...Int.max

  public static let table: [ClampingCase] = [
    ClampingCase(value: .nan, bounds: all, nan: 7, expected: 7),
    ClampingCase(value: -.nan, bounds: 0...50, nan: 3, expected: 3),
    ClampingCase(value: .infinity, bounds: all, nan: 0, expected: .max),
    ClampingCase(value: -.infinity, bounds: all, nan: 0, expected: .min),
    ClampingCase(value: 1e300, bounds: all, nan: 0, expected: .max),
    ClampingCase(value: -1e300, bounds: all, nan: 0, expected: .min),
    // 2⁶³ is one past Int.max; −2⁶³ is Int.min itself.
    ClampingCase(value: 0x1p63, bounds: all, nan: 0, expected: .max),
    ClampingCase(value: -0x1p63, bounds: all, nan: 0, expected: .min),
    ClampingCase(value: 0x1p62, bounds: all, nan: 0, expected: 1 << 62),
    // Toward zero, as Int(_:).
    ClampingCase(value: 2.9, bounds: all, nan: 0, expected: 2),
    ClampingCase(value: -2.9, bounds: all, nan: 0, expected: -2),
    ClampingCase(value: -0.0, bounds: all, nan: 5, expected: 0),
    ClampingCase(value: 49.9, bounds: 0...50, nan: 0, expected: 49),
    ClampingCase(value: 50.5, bounds: 0...50, nan: 0, expected: 50),
    ClampingCase(value: -0.5, bounds: 0...50, nan: 9, expected: 0),
    ClampingCase(value: 1e-300, bounds: 0...50, nan: 9, expected: 0),
    ClampingCase(value: 255.4, bounds: 0...255, nan: 0, expected: 255),
  ]
}
