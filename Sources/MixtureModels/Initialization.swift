/// Ways to choose EM's starting parameters.
public enum Initialization {
  /// The tutorial's start: each known generating group's mean, standard deviation
  /// (`ddof = 0`, numpy's `np.std`) and share of the points.
  /// - Throws: ``MixtureError/invalidData(_:)`` when a group has fewer than one point,
  ///   no spread, or values whose variance underflows or overflows.
  public static func fromGroups(_ groups: [[Double]]) throws(MixtureError) -> GaussianMixture {
    let total = groups.reduce(0) { $0 + $1.count }
    var weights: [Double] = []
    var means: [Double] = []
    var sds: [Double] = []
    for (index, group) in groups.enumerated() {
      guard !group.isEmpty else { throw .invalidData("group \(index + 1) has no points") }
      let variance = Statistics.variance(group, ddof: 0)
      if let problem = Statistics.spreadProblem(group, variance: variance) {
        throw .invalidData("group \(index + 1): \(problem)")
      }
      let sd = variance.squareRoot()
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
  /// - Throws: ``MixtureError/invalidData(_:)`` when the data has fewer than `K` points,
  ///   no spread, or values whose variance underflows or overflows.
  public static func quantiles(_ data: [Double], components k: Int) throws(MixtureError) -> GaussianMixture {
    let sd = try checkFittable(data, components: k)
    let sorted = data.sorted()
    let means = (0..<k).map { Statistics.quantile(sorted: sorted, (Double($0) + 0.5) / Double(k)) }
    return GaussianMixture(
      unchecked: Array(repeating: 1 / Double(k), count: k), means, Array(repeating: sd, count: k))
  }

  /// k-means++ seeding followed by Lloyd's k-means, then one component per cluster:
  /// its share of the points, its mean and its standard deviation (`ddof = 0`, plus
  /// `regularization` in the variance, as scikit-learn's `init_params="k-means++"`).
  ///
  /// Seeding (Arthur & Vassilvitskii, 2007): the first centre is a uniformly drawn data
  /// point; each next one is drawn with probability proportional to its squared distance
  /// D² to the nearest centre so far, so centres are always distinct values. Then at
  /// most `lloydIterations` rounds assign every point to its nearest centre (the lower
  /// index on a tie) and move each centre to its cluster's mean; a round that would
  /// empty a cluster is not taken. A cluster with no spread (a variance below
  /// ``Collapse/relativeFloor`` times that of the data, as when it holds one repeated
  /// value) gets the overall standard deviation divided by `K`, so no start begins
  /// collapsed. Components are sorted by mean.
  /// - Throws: ``MixtureError/invalidData(_:)`` when the data has fewer than `K`
  ///   distinct values (in particular when all values are equal).
  public static func kMeansPlusPlus(
    _ data: [Double], components k: Int, random: inout RandomSource, regularization: Double = 0, lloydIterations: Int = 10
  ) throws(MixtureError) -> GaussianMixture {
    let overallSD = try checkFittable(data, components: k)
    let centres = try seedCentres(data, components: k, random: &random)
    var labels = assign(data, to: centres)
    for _ in 0..<lloydIterations {
      let next = assign(data, to: clusterMeans(data, labels: labels, k: k))
      if next == labels || clusterSizes(next, k: k).contains(0) { break }
      labels = next
    }
    return fromClusters(data, labels: labels, k: k, regularization: regularization, overallSD: overallSD)
  }

  /// `K` distinct data values drawn uniformly (by index, without replacement, skipping
  /// repeats of a value already drawn) as means, the overall standard deviation
  /// (`ddof = 0`) for every component, and equal weights: scikit-learn's
  /// `init_params="random_from_data"`, but with a spread that lets EM move. Components
  /// are sorted by mean.
  /// - Throws: ``MixtureError/invalidData(_:)`` when the data has fewer than `K`
  ///   distinct values.
  public static func randomFromData(_ data: [Double], components k: Int, random: inout RandomSource) throws(MixtureError) -> GaussianMixture {
    let sd = try checkFittable(data, components: k)
    var pool = data
    var remaining = pool.count
    var means: [Double] = []
    while means.count < k {
      guard remaining > 0 else { throw tooFewDistinctValues(data, components: k) }
      let pick = random.index(below: remaining)
      let value = pool[pick]
      remaining -= 1
      pool.swapAt(pick, remaining)
      if !means.contains(value) { means.append(value) }
    }
    means.sort()
    return GaussianMixture(unchecked: Array(repeating: 1 / Double(k), count: k), means, Array(repeating: sd, count: k))
  }

  /// Checks `K` against the data and returns the overall standard deviation (`ddof = 0`).
  static func checkFittable(_ data: [Double], components k: Int) throws(MixtureError) -> Double {
    guard k >= 1 else { throw .invalidParameters("the number of components must be ≥ 1, got \(k)") }
    guard data.count >= k else {
      throw .invalidData("\(k) components need at least \(k) data points, got \(data.count)")
    }
    if let bad = data.first(where: { !$0.isFinite }) {
      throw .invalidData("data must be finite, got \(bad)")
    }
    let variance = Statistics.variance(data, ddof: 0)
    if let problem = Statistics.spreadProblem(data, variance: variance) { throw .invalidData(problem) }
    let sd = variance.squareRoot()
    guard sd > 0 else { throw .invalidData("all \(data.count) data values are equal, so there is nothing to fit") }
    return sd
  }

  static func tooFewDistinctValues(_ data: [Double], components k: Int) -> MixtureError {
    let distinct = Set(data).count
    return .invalidData("the data has only \(distinct) distinct values, fewer than the \(k) components; use at most \(distinct) components")
  }

  /// k-means++ seeding (Arthur & Vassilvitskii 2007): each next centre drawn with
  /// probability proportional to the squared distance to the nearest centre so far. In
  /// a function of its own so the n distances are freed before Lloyd's rounds.
  static func seedCentres(_ data: [Double], components k: Int, random: inout RandomSource) throws(MixtureError) -> [Double] {
    let n = data.count
    var centres = [data[random.index(below: n)]]
    var nearest = data.map { ($0 - centres[0]) * ($0 - centres[0]) }
    while centres.count < k {
      let total = nearest.reduce(0, +)
      guard total > 0 else { throw tooFewDistinctValues(data, components: k) }
      let target = random.uniform() * total
      var cumulative = 0.0
      var chosen = -1
      for i in 0..<n where nearest[i] > 0 {
        chosen = i
        cumulative += nearest[i]
        if cumulative > target { break }
      }
      let centre = data[chosen]
      centres.append(centre)
      for i in 0..<n {
        let d = (data[i] - centre) * (data[i] - centre)
        if d < nearest[i] { nearest[i] = d }
      }
    }
    return centres
  }

  /// The index of the nearest centre for each point (the lower index on a tie), as
  /// 32-bit integers to halve the memory of ten million labels.
  static func assign(_ data: [Double], to centres: [Double]) -> [Int32] {
    data.map { x in
      var best: Int32 = 0
      var bestDistance = abs(x - centres[0])
      for j in 1..<centres.count {
        let d = abs(x - centres[j])
        if d < bestDistance { best = Int32(j); bestDistance = d }
      }
      return best
    }
  }

  static func clusterSizes(_ labels: [Int32], k: Int) -> [Int] {
    var sizes = [Int](repeating: 0, count: k)
    for l in labels { sizes[Int(l)] += 1 }
    return sizes
  }

  /// Each cluster's mean, with one correction pass (Σ(x − m)/n added to the first
  /// estimate m), so a cluster of one repeated value has exactly that value as its mean.
  static func clusterMeans(_ data: [Double], labels: [Int32], k: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: k)
    var counts = [Int](repeating: 0, count: k)
    for (x, label) in zip(data, labels) {
      let l = Int(label)
      sums[l] += x
      counts[l] += 1
    }
    let first = (0..<k).map { sums[$0] / Double(counts[$0]) }
    var residuals = [Double](repeating: 0, count: k)
    for (x, l) in zip(data, labels) { residuals[Int(l)] += x - first[Int(l)] }
    return (0..<k).map { first[$0] + residuals[$0] / Double(counts[$0]) }
  }

  /// One component per (non-empty) cluster, sorted by mean.
  static func fromClusters(_ data: [Double], labels: [Int32], k: Int, regularization: Double, overallSD: Double) -> GaussianMixture {
    let fallbackSD = overallSD / Double(k)
    let sizes = clusterSizes(labels, k: k)
    let means = clusterMeans(data, labels: labels, k: k)
    var squares = [Double](repeating: 0, count: k)
    for (x, label) in zip(data, labels) {
      let l = Int(label)
      squares[l] += (x - means[l]) * (x - means[l])
    }
    // A cluster of one repeated value has a spread of rounding noise at most (its mean
    // need not equal the value exactly): it counts as no spread.
    let noSpread = Collapse.relativeFloor * overallSD * overallSD
    var components: [(weight: Double, mean: Double, sd: Double)] = (0..<k).map { j in
      let spread = squares[j] / Double(sizes[j])
      let sd = spread > noSpread ? (spread + regularization).squareRoot() : fallbackSD
      return (Double(sizes[j]) / Double(data.count), means[j], sd)
    }
    components.sort { $0.mean < $1.mean }
    return GaussianMixture(unchecked: components.map(\.weight), components.map(\.mean), components.map(\.sd))
  }
}
