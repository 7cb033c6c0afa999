extension Double {
  /// Whether `self` and `other` agree within a relative or an absolute tolerance, with
  /// swift-numerics' semantics: `|a − b| ≤ max(absoluteTolerance, relativeTolerance · max(|a|, |b|))`.
  ///
  /// Equal infinities compare equal; NaN is never approximately equal to anything,
  /// not even to itself. Use an absolute tolerance for values near zero, where a purely
  /// relative comparison demands exact equality.
  /// - Parameters:
  ///   - other: The value to compare with.
  ///   - relativeTolerance: The allowed difference as a fraction of the larger magnitude (≥ 0).
  ///   - absoluteTolerance: The allowed difference in absolute terms (≥ 0); `0` by default.
  /// - Returns: `true` when the values agree within either tolerance.
  public func isApproximatelyEqual(
    to other: Double, relativeTolerance: Double, absoluteTolerance: Double = 0
  ) -> Bool {
    precondition(relativeTolerance >= 0 && absoluteTolerance >= 0, "tolerances must be non-negative")
    if self == other { return true }  // Also equal infinities of the same sign.
    guard isFinite, other.isFinite else { return false }
    let scale = Swift.max(magnitude, other.magnitude)
    return (self - other).magnitude <= Swift.max(absoluteTolerance, relativeTolerance * scale)
  }
}

/// The largest elementwise relative error `|a_i − b_i| / max(|a_i|, |b_i|)` between two arrays.
///
/// Pairs that are exactly equal (both zero, or equal infinities) contribute 0; a NaN in
/// either array, an unequal infinity, or arrays of different lengths give `.infinity`, so
/// the result can be compared with a tolerance directly.
/// - Returns: The maximum relative error, or 0 for two empty arrays.
public func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
  guard a.count == b.count else { return .infinity }
  var largest = 0.0
  for (x, y) in zip(a, b) where x != y {
    guard x.isFinite, y.isFinite else { return .infinity }
    largest = max(largest, (x - y).magnitude / max(x.magnitude, y.magnitude))
  }
  return largest
}
