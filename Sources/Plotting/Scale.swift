/// A linear map from a data interval to a figure-coordinate interval. The y axis maps
/// to a reversed range (bottom to top), which is the one place where y is flipped.
public struct LinearScale: Sendable, Equatable {
  /// The data interval.
  public var domain: ClosedRange<Double>
  /// The figure-coordinate values `domain.lowerBound` and `domain.upperBound` map to.
  public var range: (Double, Double)

  public init(domain: ClosedRange<Double>, range: (Double, Double)) {
    self.domain = domain
    self.range = range
  }

  /// The figure coordinate of `value`.
  public func callAsFunction(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    var t = span > 0 ? (value - domain.lowerBound) / span : 0.5
    if span == .infinity {
      // A domain wider than the largest double: the same fraction from the halves.
      t = (value / 2 - domain.lowerBound / 2) / (domain.upperBound / 2 - domain.lowerBound / 2)
    }
    return range.0 + t * (range.1 - range.0)
  }

  public static func == (a: LinearScale, b: LinearScale) -> Bool {
    a.domain == b.domain && a.range == b.range
  }
}
