extension Int {
  /// `value` rounded toward zero, as `Int(_:)` does, but total: a value beyond `bounds`
  /// (an infinity included) gives the nearer bound, and NaN gives `nan`.
  ///
  /// The one conversion of a computed double to an index or a count in this module, so
  /// that no extreme input traps on it.
  init(clamping value: Double, to bounds: ClosedRange<Int> = Int.min...Int.max, nan: Int) {
    if value.isNaN {
      self = nan
    } else if value <= Double(bounds.lowerBound) {
      self = bounds.lowerBound
    } else if value >= Double(bounds.upperBound) {
      self = bounds.upperBound
    } else {
      self = Int(value)
    }
  }
}
