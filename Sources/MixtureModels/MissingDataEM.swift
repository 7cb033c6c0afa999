/// A d-dimensional sample whose rows may miss coordinates (NaN), grouped by which
/// coordinates each row observes (its pattern), for ``MissingDataEM``.
///
/// Rows that observe nothing carry no information and are dropped (``droppedRows``); the
/// rows observing everything stay one column-major ``Sample`` for the fused kernel.
public struct IncompleteSample: Sendable, Equatable {
  /// Which coordinates a group of rows observes, and those rows' observed values.
  struct Pattern: Sendable, Equatable {
    /// The observed coordinates, increasing (at least one, not all).
    var observed: [Int]
    /// The missing coordinates, increasing.
    var missing: [Int]
    /// The rows (0-based, among all the sample's rows), increasing.
    var rows: [Int]
    /// Row after row, the observed values: `values[r · observed.count + a]`.
    var values: [Double]
  }

  /// The number of coordinates.
  public let dimension: Int
  /// Rows with at least one observed coordinate (0-based, among all rows), increasing.
  public let keptRows: [Int]
  /// Rows with no observed coordinate, dropped (0-based), increasing.
  public let droppedRows: [Int]
  /// Missing cells in the kept rows.
  public let missingCells: Int
  /// The rows that observe every coordinate, in order.
  let complete: Sample
  /// The rows that miss some coordinates, by pattern; patterns in the order of their first row.
  let patterns: [Pattern]
  /// Per coordinate, the variance (ddof 0) of its observed values.
  let variances: [Double]
  /// Per coordinate, the mean of its observed values.
  public let observedMeans: [Double]
  /// The kept rows with every missing cell replaced by its coordinate's observed mean: where
  /// starts are made (k-means++, random, groups), and the "mean imputation" baseline.
  public let meanImputed: Sample

  /// The number of rows kept.
  public var count: Int { keptRows.count }
  /// The rows that observe every coordinate, in order (complete-case analysis).
  public var completeRows: Sample { complete }
  /// Those rows' indices (0-based, among all rows).
  public let completeRowIndices: [Int]
  /// The number of distinct patterns of the kept rows, the complete one included.
  public var patternCount: Int { patterns.count + (complete.count > 0 ? 1 : 0) }
  /// Whether no kept row misses a coordinate.
  public var isComplete: Bool { patterns.isEmpty }
  /// The kept rows' patterns (true: observed), the complete one included, with their rows'
  /// count and first row: most common first, ties by first row.
  public var patternCounts: [(observed: [Bool], count: Int)] {
    var all = patterns.map { p in ((0..<dimension).map { !p.missing.contains($0) }, p.rows.count, p.rows.first ?? 0) }
    if let first = completeRowIndices.first { all.append(([Bool](repeating: true, count: dimension), completeRowIndices.count, first)) }
    return all.sorted { ($0.1, -$0.2) > ($1.1, -$1.2) }.map { ($0.0, $0.1) }
  }

  /// Groups `sample`'s rows (NaN marks a missing cell).
  /// - Throws: ``MixtureError/invalidData(_:)`` when a coordinate has no observed value,
  ///   fewer than two rows observe anything, a value is infinite, or a coordinate's observed
  ///   values have no usable spread.
  public init(_ sample: Sample) throws(MixtureError) {
    let n = sample.count, d = sample.dimension
    var kept: [Int] = [], dropped: [Int] = [], completeRows: [Int] = []
    var missingCells = 0
    var byMask: [[Bool]: Int] = [:]
    var patterns: [Pattern] = []
    for i in 0..<n {
      var observed: [Int] = [], missing: [Int] = []
      for j in 0..<d {
        let x = sample.values[j * n + i]
        if x.isNaN {
          missing.append(j)
        } else if !x.isFinite {
          throw .invalidData("data must be finite or missing, got \(x) in row \(i + 1), coordinate \(j + 1)")
        } else {
          observed.append(j)
        }
      }
      if observed.isEmpty {
        dropped.append(i)
        continue
      }
      kept.append(i)
      if missing.isEmpty {
        completeRows.append(i)
        continue
      }
      missingCells += missing.count
      let mask = (0..<d).map { sample.values[$0 * n + i].isNaN }
      let p: Int
      if let existing = byMask[mask] {
        p = existing
      } else {
        p = patterns.count
        byMask[mask] = p
        patterns.append(Pattern(observed: observed, missing: missing, rows: [], values: []))
      }
      patterns[p].rows.append(i)
      for j in observed { patterns[p].values.append(sample.values[j * n + i]) }
    }
    guard kept.count >= 2 else {
      throw .invalidData("EM needs at least 2 rows with an observed value, got \(kept.count) (\(dropped.count == 1 ? "1 row observes" : "\(dropped.count) rows observe") nothing)")
    }
    var variances: [Double] = [], means: [Double] = []
    for j in 0..<d {
      let values = kept.map { sample.values[j * n + $0] }.filter { !$0.isNaN }
      guard !values.isEmpty else {
        throw .invalidData("coordinate \(j + 1) has no observed value, so nothing about it can be fitted; leave it out")
      }
      let variance = Statistics.variance(values, ddof: 0)
      if !(variance > 0 && variance.isFinite) {
        if let problem = Statistics.spreadProblem(values, variance: variance) { throw .invalidData("coordinate \(j + 1): \(problem)") }
        throw .invalidData("coordinate \(j + 1) has the same value in every row that observes it, so no covariance of it can be fitted; leave it out")
      }
      variances.append(variance)
      means.append(Statistics.mean(values))
    }
    var imputed = [Double](repeating: 0, count: kept.count * d)
    for j in 0..<d {
      for (r, i) in kept.enumerated() {
        let x = sample.values[j * n + i]
        imputed[j * kept.count + r] = x.isNaN ? means[j] : x
      }
    }
    self.dimension = d
    self.keptRows = kept
    self.droppedRows = dropped
    self.missingCells = missingCells
    self.complete = sample.rows(completeRows)
    self.completeRowIndices = completeRows
    self.patterns = patterns
    self.variances = variances
    self.observedMeans = means
    self.meanImputed = Sample(count: kept.count, dimension: d, columnMajor: imputed)
  }
}

extension Selection where Model == MultivariateMixture {
  /// ``fit(_:components:types:start:restarts:seed:options:criterion:)`` for rows with
  /// missing coordinates: every start is made on the mean-imputed rows (``IncompleteSample/meanImputed``;
  /// group labels are per kept row) and fitted by ``MissingDataEM``. With no missing cell it
  /// is the complete-data selection.
  public static func fit(
    _ sample: IncompleteSample, components: ClosedRange<Int>, types: [CovarianceType], start: MultivariateStart, restarts: Int,
    seed: UInt64, options: EMOptions, criterion: InformationCriterion = .bic
  ) throws(MixtureError) -> Selection<MultivariateMixture> {
    if sample.isComplete {
      return try fit(
        sample.complete, components: components, types: types, start: start, restarts: restarts, seed: seed, options: options, criterion: criterion)
    }
    guard restarts >= 1 else { throw .invalidParameters("restarts must be ≥ 1, got \(restarts)") }
    return try select(
      components: components, types: types, restarts: restarts, seed: seed, criterion: criterion, options: options, compact: true,
      oneIsClosedForm: false
    ) {
      (k, type, options, random) throws(MixtureError) in
      let initial = try start.start(
        sample.meanImputed, components: k, type: type, random: &random, regularization: options.regularization, variances: sample.variances)
      return try MissingDataEM.fit(sample, from: initial, options: options)
    }.compacted()
  }
}

/// Expectation-Maximization for d-dimensional mixtures fitted to rows with missing
/// coordinates, by the observed-data likelihood (Ghahramani and Jordan 1994; Little and
/// Rubin, ch. 8 and 11).
///
/// For row i with observed coordinates o and missing m, and component k:
/// - the responsibility comes from `w_k N(x_o | μ_k,o, Σ_k,oo)`;
/// - the missing coordinates' conditional mean is `x̂_m = μ_k,m + Σ_k,mo Σ_k,oo⁻¹ (x_o − μ_k,o)`
///   and their conditional covariance `C = Σ_k,mm − Σ_k,mo Σ_k,oo⁻¹ Σ_k,om`;
/// - the M-step is the complete-data one (``MultivariateEM``, every covariance type) on the
///   expected sufficient statistics: `Σ r x̂` and `Σ r (x̂ x̂ᵀ + C)`, C on the missing block.
///   Without C it would be "impute, then refit", which shrinks the covariances.
///
/// The recorded log-likelihood is the observed-data one, `Σᵢ log Σ_k w_k N(x_i,o | μ_k,o, Σ_k,oo)`,
/// which EM never lowers. Rows that observe everything go through the fused kernel; each
/// pattern's factorisations are made once per component per epoch. With no missing cell
/// the fit is ``MultivariateEM``'s, bit for bit.
public enum MissingDataEM {
  /// Fits a mixture to the kept rows of `sample` from `initial`.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` when `initial` does not match the
  ///   sample's dimension, ``MixtureError/degenerate(component:epoch:detail:)`` when a
  ///   covariance stops being positive definite.
  public static func fit(
    _ sample: IncompleteSample, from initial: MultivariateMixture, options: EMOptions = EMOptions()
  ) throws(MixtureError) -> EMRun<MultivariateMixture> {
    guard initial.dimension == sample.dimension else {
      throw .invalidParameters("the start has \(initial.dimension) coordinates but the data has \(sample.dimension)")
    }
    if sample.isComplete {
      return try MultivariateEM.fit(checked: sample.complete, variances: sample.variances, from: initial, options: options)
    }
    let result: Result<EMRun<MultivariateMixture>, MixtureError> = sample.complete.values.withUnsafeBufferPointer { buffer in
      let pass = IncompletePass(
        sample: sample, complete: buffer, threads: options.threads, regularization: options.regularization,
        floors: sample.variances.map { max(options.regularization, Collapse.relativeFloor * $0) })
      do throws(MixtureError) {
        return .success(try EMDriver.run(pass, from: initial, options: options))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The observed-data log-likelihood of the kept rows at `mixture`.
  public static func logLikelihood(_ sample: IncompleteSample, at mixture: MultivariateMixture) -> Double {
    sample.complete.values.withUnsafeBufferPointer { buffer in
      IncompletePass(sample: sample, complete: buffer, threads: nil, regularization: 0, floors: []).sweep(mixture).logLikelihood
    }
  }

  /// A missing cell's conditional distribution given its row's observed cells at a fitted
  /// mixture: a mixture of the components' conditionals, weighted by the row's
  /// responsibilities from its observed cells.
  public struct ImputedCell: Sendable, Equatable {
    /// The row, 0-based among all the sample's rows.
    public var row: Int
    /// The 0-based coordinate.
    public var coordinate: Int
    /// `Σ_k r_k x̂_k`, the conditional mean.
    public var mean: Double
    /// The conditional standard deviation: `√(Σ_k r_k (C_k + (x̂_k − mean)²))`.
    public var sd: Double
  }

  /// Every missing cell of the kept rows, by row, then coordinate.
  /// Each kept row's responsibilities from its observed coordinates alone (the E-step's),
  /// `r[row · K + k]` with rows in ``IncompleteSample/keptRows`` order: what classifies a row
  /// with missing cells, not the density at its conditional mean (which would make it look
  /// surer than its observed cells say).
  public static func responsibilities(_ sample: IncompleteSample, at model: MultivariateMixture) -> [Double] {
    let k = model.componentCount
    var position = [Int: Int](minimumCapacity: sample.count)
    for (r, row) in sample.keptRows.enumerated() { position[row] = r }
    var result = [Double](repeating: 0, count: sample.count * k)
    let complete = sample.completeRows
    for (c, row) in sample.completeRowIndices.enumerated() {
      guard let r = position[row] else { continue }
      for (j, value) in model.responsibilities(at: complete.point(c)).enumerated() { result[r * k + j] = value }
    }
    for pattern in sample.patterns {
      let o = pattern.observed.count
      let conditionals = (0..<k).map { conditional(model, component: $0, observed: pattern.observed, missing: pattern.missing) }
      var logs = [Double](repeating: 0, count: k), z = [Double](repeating: 0, count: k * o)
      var weights = [Double](repeating: 0, count: k)
      for (i, row) in pattern.rows.enumerated() {
        guard let r = position[row] else { continue }
        let total = weigh(pattern, row: i, at: model, conditionals: conditionals, z: &z, logs: &logs, responsibilities: &weights).total
        guard total > 0 else { continue }
        for j in 0..<k { result[r * k + j] = weights[j] / total }
      }
    }
    return result
  }

  public static func impute(_ sample: IncompleteSample, at model: MultivariateMixture) -> [ImputedCell] {
    let k = model.componentCount, d = model.dimension
    var cells: [ImputedCell] = []
    cells.reserveCapacity(sample.missingCells)
    for pattern in sample.patterns {
      let observed = pattern.observed, missing = pattern.missing
      let o = observed.count, m = missing.count
      let conditionals = (0..<k).map { conditional(model, component: $0, observed: observed, missing: missing) }
      var logs = [Double](repeating: 0, count: k), z = [Double](repeating: 0, count: k * o)
      var weights = [Double](repeating: 0, count: k)
      for (r, row) in pattern.rows.enumerated() {
        let total = weigh(pattern, row: r, at: model, conditionals: conditionals, z: &z, logs: &logs, responsibilities: &weights).total
        // Each component's conditional mean of the missing cells: μ_m + Wᵀ z.
        func offset(_ j: Int, _ b: Int) -> Double {
          var t = model.flatMeans[j * d + missing[b]]
          for p in 0..<o { t += (conditionals[j]?.w[p * m + b] ?? 0) * z[j * o + p] }
          return t
        }
        for b in 0..<m {
          var mean = 0.0, variance = 0.0
          for j in 0..<k where weights[j] > 0 { mean += weights[j] / total * offset(j, b) }
          // About the mean, not E[x²] − mean², which cancels for data far from 0.
          for j in 0..<k where weights[j] > 0 {
            let spread = offset(j, b) - mean
            variance += weights[j] / total * ((conditionals[j]?.covariance[b * m + b] ?? 0) + spread * spread)
          }
          cells.append(ImputedCell(row: row, coordinate: missing[b], mean: mean, sd: max(0, variance).squareRoot()))
        }
      }
    }
    cells.sort { ($0.row, $0.coordinate) < ($1.row, $1.coordinate) }
    return cells
  }

  /// The complete rows' sums from the fused kernel plus every pattern's, as the driver's pass.
  struct IncompletePass: EMPass {
    let sample: IncompleteSample
    let complete: UnsafeBufferPointer<Double>
    let threads: Int?
    let regularization: Double
    let floors: [Double]
    var sampleCount: Int { sample.count }

    func sweep(_ model: MultivariateMixture) -> MultivariateSums {
      let k = model.componentCount, d = model.dimension
      let s = MultivariateKernel.secondCount(model.covarianceType, dimension: d)
      var sums =
        sample.complete.count > 0
        ? MultivariateKernel.pass(complete, count: sample.complete.count, model, threads: threads)
        : MultivariateSums(
          logLikelihood: 0, mass: [Double](repeating: 0, count: k), first: [Double](repeating: 0, count: k * d),
          second: [Double](repeating: 0, count: k * s))
      for pattern in sample.patterns { MissingDataEM.add(pattern, at: model, to: &sums) }
      return sums
    }

    func logLikelihood(_ sums: MultivariateSums) -> Double { sums.logLikelihood }

    func mStep(_ sums: MultivariateSums, from model: MultivariateMixture, epoch: Int) throws(MixtureError) -> (MultivariateMixture, [Collapse.Reason?]) {
      try MultivariateEM.mStep(sums, model, regularization: regularization, floors: floors, epoch: epoch)
    }
  }

  /// One component's view of one pattern: the observed block's factor and what the
  /// conditional distribution of the missing coordinates needs.
  struct Conditional {
    /// `L`, the Cholesky factor of `Σ_oo` (`o × o`, row-major).
    var factor: [Double]
    /// `W = L⁻¹ Σ_om` (`o × m`): the conditional mean offset is `Wᵀ L⁻¹ (x_o − μ_o)`.
    var w: [Double]
    /// `C = Σ_mm − Wᵀ W` (`m × m`), the conditional covariance.
    var covariance: [Double]
    /// `log w_k − ½ log det Σ_oo − (o/2) log 2π`.
    var constant: Double
  }

  static func conditional(_ model: MultivariateMixture, component j: Int, observed: [Int], missing: [Int]) -> Conditional? {
    let d = model.dimension, o = observed.count, m = missing.count
    let sigma = model.flatCovariances[(j * d * d)..<((j + 1) * d * d)]
    func entry(_ a: Int, _ b: Int) -> Double { sigma[sigma.startIndex + a * d + b] }
    var block = [Double](repeating: 0, count: o * o)
    for a in 0..<o { for b in 0..<o { block[a * o + b] = entry(observed[a], observed[b]) } }
    guard case .success(let l) = LinearAlgebra.cholesky(block, dimension: o) else { return nil }
    // W = L⁻¹ Σ_om by forward substitution, column by column.
    var w = [Double](repeating: 0, count: o * m)
    for c in 0..<m {
      for a in 0..<o {
        var t = entry(observed[a], missing[c])
        for p in 0..<a { t -= l[a * o + p] * w[p * m + c] }
        w[a * m + c] = t / l[a * o + a]
      }
    }
    var covariance = [Double](repeating: 0, count: m * m)
    for a in 0..<m {
      for b in 0..<m {
        var t = entry(missing[a], missing[b])
        for p in 0..<o { t -= w[p * m + a] * w[p * m + b] }
        covariance[a * m + b] = t
      }
    }
    var halfLogDet = 0.0
    for a in 0..<o { halfLogDet += VectorMath.log(l[a * o + a]) }
    let logTwoPi = 1.837_877_066_409_345_5
    let constant = VectorMath.log(model.weights[j]) - halfLogDet - 0.5 * Double(o) * logTwoPi
    return Conditional(factor: l, w: w, covariance: covariance, constant: constant)
  }

  /// Row `r` of `pattern` at every component: the whitened residuals `z = L⁻¹ (x_o − μ_o)`
  /// (`z[j · o + a]`), each component's log term (`logs`) and unnormalised responsibility
  /// (0 where `Σ_oo` has no factor); returns their sum and the row's observed-data
  /// log-likelihood `log Σ_k w_k N(x_o | μ_k,o, Σ_k,oo)`. The one E-step of the fit and of
  /// the imputation.
  static func weigh(
    _ pattern: IncompleteSample.Pattern, row r: Int, at model: MultivariateMixture, conditionals: [Conditional?],
    z: inout [Double], logs: inout [Double], responsibilities: inout [Double]
  ) -> (total: Double, logLikelihood: Double) {
    let k = model.componentCount, d = model.dimension
    let observed = pattern.observed, o = observed.count
    for j in 0..<k {
      guard let c = conditionals[j] else {
        logs[j] = -.infinity
        continue
      }
      var quadratic = 0.0
      for a in 0..<o {
        var t = pattern.values[r * o + a] - model.flatMeans[j * d + observed[a]]
        for p in 0..<a { t -= c.factor[a * o + p] * z[j * o + p] }
        let value = t / c.factor[a * o + a]
        z[j * o + a] = value
        quadratic += value * value
      }
      logs[j] = c.constant - 0.5 * quadratic
    }
    let largest = logs.max() ?? -.infinity
    var total = 0.0
    for start in stride(from: 0, to: k, by: 8) {
      var lanes = Vector8(repeating: -.infinity)
      for lane in 0..<min(8, k - start) { lanes[lane] = logs[start + lane] - largest }
      let exps = VectorMath.expOfNonPositive(lanes.replacing(with: -1000, where: lanes .< -1000))
      for lane in 0..<min(8, k - start) {
        responsibilities[start + lane] = logs[start + lane] == -.infinity ? 0 : exps[lane]
        total += responsibilities[start + lane]
      }
    }
    return (total, largest + VectorMath.log(total))
  }

  /// Adds one pattern's rows to the shifted sums (about the model's current means, as
  /// ``MultivariateKernel`` makes them): `Σ r`, `Σ r e` and `Σ r (e eᵀ + C)` with `e = x̂ − μ_k`,
  /// and the observed-data log-likelihood.
  static func add(_ pattern: IncompleteSample.Pattern, at model: MultivariateMixture, to sums: inout MultivariateSums) {
    let k = model.componentCount, d = model.dimension, type = model.covarianceType
    let s = MultivariateKernel.secondCount(type, dimension: d)
    let observed = pattern.observed, missing = pattern.missing
    let o = observed.count, m = missing.count
    let conditionals = (0..<k).map { conditional(model, component: $0, observed: observed, missing: missing) }
    var logs = [Double](repeating: 0, count: k)
    var z = [Double](repeating: 0, count: k * o)
    var e = [Double](repeating: 0, count: d)
    var responsibilities = [Double](repeating: 0, count: k)
    for r in pattern.rows.indices {
      let x = pattern.values[(r * o)..<((r + 1) * o)]
      let (total, logLikelihood) = weigh(pattern, row: r, at: model, conditionals: conditionals, z: &z, logs: &logs, responsibilities: &responsibilities)
      sums.logLikelihood += logLikelihood
      for j in 0..<k {
        let weight = responsibilities[j] / total
        guard weight > 0, let c = conditionals[j] else { continue }
        // e: x_o − μ_o on the observed coordinates, Wᵀ z on the missing ones.
        for a in 0..<o { e[observed[a]] = x[x.startIndex + a] - model.flatMeans[j * d + observed[a]] }
        for b in 0..<m {
          var t = 0.0
          for p in 0..<o { t += c.w[p * m + b] * z[j * o + p] }
          e[missing[b]] = t
        }
        sums.mass[j] += weight
        for a in 0..<d { sums.first[j * d + a] += weight * e[a] }
        if type.needsCrossProducts {
          var t = 0
          for a in 0..<d {
            for b in 0...a {
              sums.second[j * s + t] += weight * e[a] * e[b]
              t += 1
            }
          }
          for a in 0..<m {
            for b in 0...a {
              let (u, v) = (missing[a], missing[b])  // u ≥ v
              sums.second[j * s + u * (u + 1) / 2 + v] += weight * c.covariance[a * m + b]
            }
          }
        } else {
          for a in 0..<d { sums.second[j * s + a] += weight * e[a] * e[a] }
          for a in 0..<m { sums.second[j * s + missing[a]] += weight * c.covariance[a * m + a] }
        }
      }
    }
  }
}
