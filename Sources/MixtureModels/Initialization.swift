/// Ways to choose EM's starting parameters.
public enum Initialization {
  /// The tutorial's start: each known generating group's mean, standard deviation
  /// (`ddof = 0`, numpy's `np.std`) and share of the points.
  /// - Throws: ``MixtureError/invalidData(_:)`` when a group has fewer than one point or
  ///   no spread.
  public static func fromGroups(_ groups: [[Double]]) throws(MixtureError) -> GaussianMixture {
    let total = groups.reduce(0) { $0 + $1.count }
    var weights: [Double] = []
    var means: [Double] = []
    var sds: [Double] = []
    for (index, group) in groups.enumerated() {
      guard !group.isEmpty else { throw .invalidData("group \(index + 1) has no points") }
      let sd = Statistics.standardDeviation(group, ddof: 0)
      guard sd > 0 else {
        throw .invalidData("group \(index + 1) has no spread (all its values are equal), so it cannot start a component")
      }
      weights.append(Double(group.count) / Double(total))
      means.append(Statistics.mean(group))
      sds.append(sd)
    }
    return GaussianMixture(unchecked: weights, means, sds)
  }

  /// Means at `K` equally spaced quantiles, `(k + ½) / K` for `k = 0…K−1` (numpy's linear
  /// interpolation), the overall standard deviation (`ddof = 0`) for each, equal weights.
  /// - Throws: ``MixtureError/invalidData(_:)`` when the data has fewer than `K` points or
  ///   no spread.
  public static func quantiles(_ data: [Double], components k: Int) throws(MixtureError) -> GaussianMixture {
    guard k >= 1 else { throw .invalidParameters("the number of components must be ≥ 1, got \(k)") }
    guard data.count >= k else {
      throw .invalidData("\(k) components need at least \(k) data points, got \(data.count)")
    }
    let sd = Statistics.standardDeviation(data, ddof: 0)
    guard sd > 0 else { throw .invalidData("all \(data.count) data values are equal, so there is nothing to fit") }
    let sorted = data.sorted()
    let means = (0..<k).map { Statistics.quantile(sorted: sorted, (Double($0) + 0.5) / Double(k)) }
    return GaussianMixture(
      unchecked: Array(repeating: 1 / Double(k), count: k), means, Array(repeating: sd, count: k))
  }
}
