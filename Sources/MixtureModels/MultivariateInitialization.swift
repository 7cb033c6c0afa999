/// How a d-dimensional EM run starts.
public enum MultivariateStart: Sendable, Equatable {
  /// k-means++ seeding, every point assigned to its nearest seed, then each cluster's
  /// share, mean and covariance in the type's shape.
  ///
  /// Unlike the one-dimensional start, no Lloyd's rounds follow: measured on iris's
  /// selection (K 1–6 × 4 types, 30 starts), rounds make the starts converge to the same
  /// few clusterings, and 4 of the 20 sound pairs then miss scikit-learn's best; from the
  /// seeds' own clusters every pair reaches it.
  case kMeansPlusPlus
  /// `K` distinct rows as means, the data's covariance in the type's shape, equal weights.
  case random
  /// Given labels (the generating groups): each group's share, mean and covariance.
  case groups([Int32])
  /// Given parameters, for their own `K` and type only.
  case fixed(MultivariateMixture)

  /// Whether the start depends on the random stream, so that restarts differ.
  public var isRandom: Bool {
    switch self {
    case .kMeansPlusPlus, .random: true
    case .groups, .fixed: false
    }
  }

  func start(
    _ sample: Sample, components k: Int, type: CovarianceType, random: inout RandomSource, regularization: Double,
    variances: [Double]
  ) throws(MixtureError) -> MultivariateMixture {
    switch self {
    case .kMeansPlusPlus:
      let labels = try MultivariateInitialization.kMeansLabels(sample, components: k, random: &random)
      return MultivariateInitialization.fromLabels(
        sample, labels: labels, components: k, type: type, regularization: regularization, variances: variances)
    case .random:
      return try MultivariateInitialization.randomFromData(sample, components: k, type: type, random: &random)
    case .groups(let labels):
      let groups = Int(labels.max() ?? 0) + 1
      guard groups == k else { throw .invalidParameters("the groups give \(groups) components, not \(k)") }
      return MultivariateInitialization.fromLabels(
        sample, labels: labels, components: k, type: type, regularization: regularization, variances: variances,
        sortByMean: false)
    case .fixed(let mixture):
      guard mixture.componentCount == k else {
        throw .invalidParameters("the given start has \(mixture.componentCount) components, not \(k)")
      }
      guard mixture.covarianceType == type else {
        throw .invalidParameters("the given start has \(mixture.covarianceType.rawValue) covariances, not \(type.rawValue)")
      }
      return mixture
    }
  }
}

/// Starts for d-dimensional EM.
public enum MultivariateInitialization {
  /// k-means++ seeding (squared Euclidean distances) and at most `lloydIterations` (none
  /// by default) of
  /// Lloyd's rounds (nearest centre, the lower index on a tie; a round that would empty a
  /// cluster is not taken): the cluster of every point.
  /// - Throws: ``MixtureError/invalidData(_:)`` when the sample has fewer than `K` distinct points.
  static func kMeansLabels(_ sample: Sample, components k: Int, random: inout RandomSource, lloydIterations: Int = 0) throws(MixtureError) -> [Int32] {
    let n = sample.count, d = sample.dimension
    guard k >= 1 else { throw .invalidParameters("the number of components must be ≥ 1, got \(k)") }
    guard n >= k else { throw .invalidData("\(k) components need at least \(k) data points, got \(n)") }
    let x = sample.values
    func distance(_ i: Int, _ centre: [Double]) -> Double {
      var s = 0.0
      for a in 0..<d {
        let e = x[a * n + i] - centre[a]
        s += e * e
      }
      return s
    }
    var centres = [sample.point(random.index(below: n))]
    var nearest = (0..<n).map { distance($0, centres[0]) }
    while centres.count < k {
      let total = nearest.reduce(0, +)
      guard total > 0 else {
        throw .invalidData("the data has fewer distinct points than the \(k) components; use fewer components")
      }
      let target = random.uniform() * total
      var cumulative = 0.0
      var chosen = -1
      for i in 0..<n where nearest[i] > 0 {
        chosen = i
        cumulative += nearest[i]
        if cumulative > target { break }
      }
      let centre = sample.point(chosen)
      centres.append(centre)
      for i in 0..<n { nearest[i] = Swift.min(nearest[i], distance(i, centre)) }
    }
    func assign(_ centres: [[Double]]) -> [Int32] {
      (0..<n).map { i in
        var best: Int32 = 0
        var bestDistance = distance(i, centres[0])
        for j in 1..<centres.count {
          let e = distance(i, centres[j])
          if e < bestDistance { best = Int32(j); bestDistance = e }
        }
        return best
      }
    }
    var labels = assign(centres)
    for _ in 0..<lloydIterations {
      let means = clusterMeans(sample, labels: labels, components: k)
      let next = assign((0..<k).map { j in Array(means[(j * d)..<((j + 1) * d)]) })
      if next == labels || Initialization.clusterSizes(next, k: k).contains(0) { break }
      labels = next
    }
    return labels
  }

  /// Each cluster's mean (`K × d`, flat), with one correction pass (Σ(x − m)/n added to the
  /// first estimate m).
  static func clusterMeans(_ sample: Sample, labels: [Int32], components k: Int) -> [Double] {
    let n = sample.count, d = sample.dimension
    let sizes = Initialization.clusterSizes(labels, k: k)
    var means = [Double](repeating: 0, count: k * d)
    for a in 0..<d {
      var sums = [Double](repeating: 0, count: k)
      for i in 0..<n { sums[Int(labels[i])] += sample.values[a * n + i] }
      let first = (0..<k).map { sums[$0] / Double(Swift.max(sizes[$0], 1)) }
      var residuals = [Double](repeating: 0, count: k)
      for i in 0..<n { residuals[Int(labels[i])] += sample.values[a * n + i] - first[Int(labels[i])] }
      for j in 0..<k { means[j * d + a] = first[j] + residuals[j] / Double(Swift.max(sizes[j], 1)) }
    }
    return means
  }

  /// One component per cluster (scikit-learn's start from hard labels): its share of the
  /// points, its mean and its covariance in the type's shape (`ddof` 0) plus the
  /// regularization on the diagonal. A cluster without spread in some direction (a pivot
  /// at or below ``Collapse/relativeFloor`` times that coordinate's variance, as when it
  /// holds one repeated point or fewer points than coordinates) gets the data's variances
  /// divided by `K²` instead, so no start begins collapsed. Components are sorted by their
  /// mean's first coordinate unless `sortByMean` is false.
  static func fromLabels(
    _ sample: Sample, labels: [Int32], components k: Int, type: CovarianceType, regularization: Double,
    variances: [Double], sortByMean: Bool = true
  ) -> MultivariateMixture {
    let n = sample.count, d = sample.dimension
    let sizes = Initialization.clusterSizes(labels, k: k)
    let means = clusterMeans(sample, labels: labels, components: k)
    var scatters = [Double](repeating: 0, count: k * d * d)
    for a in 0..<d {
      for b in 0...a {
        var sums = [Double](repeating: 0, count: k)
        for i in 0..<n {
          let j = Int(labels[i])
          sums[j] += (sample.values[a * n + i] - means[j * d + a]) * (sample.values[b * n + i] - means[j * d + b])
        }
        for j in 0..<k {
          scatters[j * d * d + a * d + b] = sums[j]
          scatters[j * d * d + b * d + a] = sums[j]
        }
      }
    }
    let shaped = shape(scatters, sizes: sizes.map(Double.init), type: type, dimension: d)
    let floors = variances.map { Collapse.relativeFloor * $0 }
    let fallbackScale = 1 / Double(k * k)
    var covariances: [Double] = []
    for j in 0..<k {
      var c = Array(shaped[(j * d * d)..<((j + 1) * d * d)])
      if sizes[j] == 0 || !hasSpread(c, floors: floors, dimension: d) {
        let meanVariance = variances.reduce(0, +) / Double(d)
        c = (0..<(d * d)).map { t in
          t % (d + 1) != 0 ? 0 : (type == .spherical ? meanVariance : variances[t / (d + 1)]) * fallbackScale
        }
      }
      for a in 0..<d { c[a * d + a] += regularization }
      covariances += c
    }
    if type == .tied {
      // A fallback replaces the shared matrix for every component alike.
      covariances = Array(repeating: Array(covariances[0..<(d * d)]), count: k).flatMap { $0 }
    }
    var order = Array(0..<k)
    if sortByMean { order.sort { (means[$0 * d], $0) < (means[$1 * d], $1) } }
    return MultivariateMixture(
      unchecked: type, dimension: d, weights: order.map { Double(sizes[$0]) / Double(n) },
      means: order.flatMap { means[($0 * d)..<(($0 + 1) * d)] },
      covariances: order.flatMap { covariances[($0 * d * d)..<(($0 + 1) * d * d)] })
  }

  /// Scatters (`K` matrices, unnormalised) as covariances of the type: divided by each
  /// cluster's mass (full, diag: the diagonal only, spherical: the mean of it), or pooled
  /// over all clusters (tied).
  static func shape(_ scatters: [Double], sizes: [Double], type: CovarianceType, dimension d: Int) -> [Double] {
    let k = sizes.count
    var out = [Double](repeating: 0, count: k * d * d)
    switch type {
    case .full:
      for j in 0..<k { for t in 0..<(d * d) { out[j * d * d + t] = scatters[j * d * d + t] / Swift.max(sizes[j], 1) } }
    case .tied:
      let total = sizes.reduce(0, +)
      for t in 0..<(d * d) {
        var s = 0.0
        for j in 0..<k { s += scatters[j * d * d + t] }
        for j in 0..<k { out[j * d * d + t] = s / total }
      }
    case .diag:
      for j in 0..<k { for a in 0..<d { out[j * d * d + a * d + a] = scatters[j * d * d + a * d + a] / Swift.max(sizes[j], 1) } }
    case .spherical:
      for j in 0..<k {
        var s = 0.0
        for a in 0..<d { s += scatters[j * d * d + a * d + a] / Swift.max(sizes[j], 1) }
        for a in 0..<d { out[j * d * d + a * d + a] = s / Double(d) }
      }
    }
    return out
  }

  /// Whether every Cholesky pivot of `c` is above its coordinate's floor.
  static func hasSpread(_ c: [Double], floors: [Double], dimension d: Int) -> Bool {
    guard case .success(let l) = LinearAlgebra.cholesky(c, dimension: d) else { return false }
    return (0..<d).allSatisfy { l[$0 * d + $0] * l[$0 * d + $0] > floors[$0] }
  }

  /// `K` distinct rows drawn uniformly (by index, without replacement, skipping repeats)
  /// as means, the data's covariance (`ddof` 0) in the type's shape for every component,
  /// equal weights; components sorted by their means (lexicographically).
  static func randomFromData(_ sample: Sample, components k: Int, type: CovarianceType, random: inout RandomSource) throws(MixtureError) -> MultivariateMixture {
    let n = sample.count, d = sample.dimension
    guard n >= k else { throw .invalidData("\(k) components need at least \(k) data points, got \(n)") }
    var pool = Array(0..<n)
    var remaining = n
    var means: [[Double]] = []
    while means.count < k {
      guard remaining > 0 else {
        throw .invalidData("the data has fewer distinct points than the \(k) components; use fewer components")
      }
      let pick = random.index(below: remaining)
      let point = sample.point(pool[pick])
      remaining -= 1
      pool.swapAt(pick, remaining)
      if !means.contains(point) { means.append(point) }
    }
    means.sort { $0.lexicographicallyPrecedes($1) }
    let covariance = sample.covariance(ddof: 0)
    let one = shape(covariance.map { $0 * Double(n) }, sizes: [Double(n)], type: type == .tied ? .full : type, dimension: d)
    return MultivariateMixture(
      unchecked: type, dimension: d, weights: Array(repeating: 1 / Double(k), count: k), means: means.flatMap { $0 },
      covariances: Array(repeating: one, count: k).flatMap { $0 })
  }
}

extension Selection where Model == MultivariateMixture {
  /// Fits every type in `types` and `K` in `components` to a d-dimensional sample, each
  /// from `restarts` starts, and chooses the pair (see
  /// ``Selection/select(components:types:restarts:seed:criterion:run:)``). Only the chosen
  /// fit's kept run keeps its parameters at every epoch (``Selection/compacted()``); the
  /// other runs keep their log-likelihoods and final parameters.
  public static func fit(
    _ sample: Sample, components: ClosedRange<Int>, types: [CovarianceType], start: MultivariateStart, restarts: Int,
    seed: UInt64, options: EMOptions, criterion: InformationCriterion = .bic
  ) throws(MixtureError) -> Selection<MultivariateMixture> {
    guard restarts >= 1 else { throw .invalidParameters("restarts must be ≥ 1, got \(restarts)") }
    let variances = try MultivariateEM.checkData(sample)
    return try select(
      components: components, types: types, restarts: restarts, seed: seed, criterion: criterion, options: options, compact: true
    ) {
      (k, type, options, random) throws(MixtureError) in
      let initial = try start.start(
        sample, components: k, type: type, random: &random, regularization: options.regularization, variances: variances)
      return try MultivariateEM.fit(checked: sample, variances: variances, from: initial, options: options)
    }.compacted()
  }
}
