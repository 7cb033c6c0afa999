import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// EM on rows with missing coordinates: the observed-data log-likelihood never falls, the
/// pattern-grouped pass equals a plain row-by-row computation, nothing missing is the
/// complete-data fit bit for bit, rows observing nothing are dropped and counted.
@Suite struct MissingDataEMTests {
  /// `n` rows of a K-group mixture in `d` coordinates with correlated groups, each cell
  /// hidden with probability `fraction`.
  static func problem(n: Int, d: Int, groups: Int, fraction: Double, seed: UInt64) -> (full: Sample, hidden: Sample) {
    var random = RandomSource(seed: seed)
    var columns = [[Double]](repeating: [], count: d)
    var hidden = [[Double]](repeating: [], count: d)
    for i in 0..<n {
      let g = i % groups
      var previous = 0.0
      for j in 0..<d {
        let z = random.normal()
        let x = Double(g) * 4 * (j % 2 == 0 ? 1 : -1) + z + 0.6 * previous + Double(j)
        previous = z
        columns[j].append(x)
        hidden[j].append(random.uniform() < fraction ? .nan : x)
      }
    }
    return (try! Sample(columns: columns), try! Sample(columns: hidden))  // test data
  }

  static func start(_ sample: Sample, components k: Int, type: CovarianceType, seed: UInt64) throws -> MultivariateMixture {
    var random = RandomSource(seed: seed, stream: 1)
    return try MultivariateStart.random.start(
      sample, components: k, type: type, random: &random, regularization: 1e-6, variances: sample.variances)
  }

  @Test(arguments: CovarianceType.allCases)
  func withNothingMissingTheFitIsTheCompleteDataOneBitForBit(type: CovarianceType) throws {
    let (full, _) = Self.problem(n: 500, d: 3, groups: 3, fraction: 0, seed: 2)
    let start = try Self.start(full, components: 3, type: type, seed: 4)
    let options = EMOptions(maxEpochs: 15, regularization: 1e-6)
    let incomplete = try IncompleteSample(full)
    #expect(incomplete.isComplete && incomplete.count == 500 && incomplete.missingCells == 0 && incomplete.patternCount == 1)
    #expect(try MissingDataEM.fit(incomplete, from: start, options: options) == MultivariateEM.fit(full, from: start, options: options))
  }

  @Test func theObservedDataLogLikelihoodNeverFallsOverManyProblemsAndPatterns() throws {
    var checked = 0
    for seed in UInt64(1)...24 {
      let d = 2 + Int(seed % 3)
      let k = 1 + Int(seed % 4)
      let type = CovarianceType.allCases[Int(seed) % CovarianceType.allCases.count]
      let fraction = [0.1, 0.25, 0.4][Int(seed) % 3]
      let (full, hidden) = Self.problem(n: 240, d: d, groups: 3, fraction: fraction, seed: seed)
      let sample = try IncompleteSample(hidden)
      #expect(!sample.isComplete)
      let start = try Self.start(full, components: k, type: type, seed: seed)
      let run = try MissingDataEM.fit(sample, from: start, options: EMOptions(maxEpochs: 40, regularization: 1e-6))
      var previous = run.initialLogLikelihood
      for epoch in run.epochs {
        #expect(epoch.logLikelihood >= previous - 1e-9 * abs(previous), "seed \(seed), \(type), K = \(k), d = \(d), epoch \(epoch.epoch)")
        previous = epoch.logLikelihood
      }
      // The recorded value is the observed-data log-likelihood at the parameters after the M-step.
      let direct = Self.plainLogLikelihood(hidden, rows: sample.keptRows, at: run.fitted)
      #expect(run.finalLogLikelihood.isApproximatelyEqual(to: direct, relativeTolerance: 1e-11), "seed \(seed)")
      checked += 1
    }
    #expect(checked == 24)
  }

  @Test(arguments: [CovarianceType.full, .diag, .tied, .spherical])
  func thePatternGroupedFitEqualsAPlainRowByRowOne(type: CovarianceType) throws {
    let (full, hidden) = Self.problem(n: 300, d: 4, groups: 2, fraction: 0.3, seed: 9)
    let sample = try IncompleteSample(hidden)
    #expect(sample.patternCount > 8)
    let start = try Self.start(full, components: 2, type: type, seed: 3)
    let run = try MissingDataEM.fit(sample, from: start, options: EMOptions(maxEpochs: 6, regularization: 1e-6))
    var plain = start
    var logLikelihoods: [Double] = []
    for _ in 0..<6 {
      plain = Self.plainEpoch(hidden, rows: sample.keptRows, from: plain, regularization: 1e-6)
      logLikelihoods.append(Self.plainLogLikelihood(hidden, rows: sample.keptRows, at: plain))
    }
    let fitted = run.fitted
    for (a, b) in zip(fitted.weights + fitted.flatMeans + fitted.flatCovariances, plain.weights + plain.flatMeans + plain.flatCovariances) {
      #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-9, absoluteTolerance: 1e-12), "\(type): \(a) vs \(b)")
    }
    for (a, b) in zip(run.epochs.map(\.logLikelihood), logLikelihoods) {
      #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-11))
    }
  }

  @Test func imputedCellsAreTheMixtureOfTheComponentsConditionals() throws {
    let (full, hidden) = Self.problem(n: 200, d: 3, groups: 2, fraction: 0.3, seed: 21)
    let sample = try IncompleteSample(hidden)
    let model = try MissingDataEM.fit(sample, from: try Self.start(full, components: 2, type: .full, seed: 2), options: EMOptions(maxEpochs: 10)).fitted
    let cells = MissingDataEM.impute(sample, at: model)
    #expect(cells.count == sample.missingCells)
    #expect(cells.map { [$0.row, $0.coordinate] } == cells.map { [$0.row, $0.coordinate] }.sorted { $0.lexicographicallyPrecedes($1) })
    for cell in cells {
      let x = Self.row(hidden, cell.row)
      #expect(x[cell.coordinate].isNaN)
      let t = Self.terms(x, model)
      let top = t.logDensities.max() ?? 0
      let w = t.logDensities.map { Foundation.exp($0 - top) }
      let r = w.map { $0 / w.reduce(0, +) }
      let mean = (0..<2).reduce(0.0) { $0 + r[$1] * t.filled[$1][cell.coordinate] }
      let variance = (0..<2).reduce(0.0) {
        $0 + r[$1] * (t.conditionals[$1][cell.coordinate][cell.coordinate] + pow(t.filled[$1][cell.coordinate] - mean, 2))
      }
      #expect(cell.mean.isApproximatelyEqual(to: mean, relativeTolerance: 1e-10, absoluteTolerance: 1e-12))
      #expect(cell.sd.isApproximatelyEqual(to: variance.squareRoot(), relativeTolerance: 1e-9))
    }
    // Mean imputation is the baseline the report compares with: each column's observed mean.
    let imputed = sample.meanImputed
    #expect(imputed.count == sample.count)
    let first = try #require(cells.first)
    let position = try #require(sample.keptRows.firstIndex(of: first.row))
    #expect(imputed.values[first.coordinate * imputed.count + position] == sample.observedMeans[first.coordinate])
  }

  @Test func rowsObservingNothingAreDroppedAndCounted() throws {
    let nan = Double.nan
    let sample = try IncompleteSample(try Sample(columns: [[1, nan, 3, nan, 5, 2], [2, nan, nan, 4, 1, nan]]))
    #expect(sample.droppedRows == [1])
    #expect(sample.keptRows == [0, 2, 3, 4, 5])
    #expect(sample.count == 5 && sample.missingCells == 3)
    // Complete rows 0 and 4; patterns "second missing" (rows 2, 5) and "first missing" (row 3).
    #expect(sample.patternCount == 3)
    #expect(sample.patterns.map(\.rows) == [[2, 5], [3]])
    #expect(sample.patterns.map(\.observed) == [[0], [1]])
    #expect(sample.patterns[0].values == [3, 2])
  }

  @Test func aColumnWithNoObservedValueIsAClearError() throws {
    let nan = Double.nan
    #expect(throws: MixtureError.invalidData("coordinate 2 has no observed value, so nothing about it can be fitted; leave it out")) {
      try IncompleteSample(try Sample(columns: [[1, 2, 3], [nan, nan, nan]]))
    }
    #expect(throws: MixtureError.invalidData("EM needs at least 2 rows with an observed value, got 1 (2 rows observe nothing)")) {
      try IncompleteSample(try Sample(columns: [[1, nan, nan], [2, nan, nan]]))
    }
    #expect(throws: MixtureError.invalidData("data must be finite or missing, got inf in row 2, coordinate 1")) {
      try IncompleteSample(try Sample(columns: [[1, .infinity, 3], [2, 1, 0]]))
    }
  }

  // MARK: - A plain row-by-row reference (no grouping, no shifted sums, a matrix inverse per row)

  /// Row `i`'s coordinates (NaN where missing).
  static func row(_ s: Sample, _ i: Int) -> [Double] { (0..<s.dimension).map { s.values[$0 * s.count + i] } }

  /// The inverse and log-determinant of a small symmetric positive definite matrix, by
  /// Gauss-Jordan elimination.
  static func inverse(_ a: [[Double]]) -> (inverse: [[Double]], logDet: Double) {
    let n = a.count
    var m = a, inv = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
    var logDet = 0.0
    for c in 0..<n {
      let pivot = m[c][c]
      logDet += Foundation.log(pivot)
      for j in 0..<n { m[c][j] /= pivot; inv[c][j] /= pivot }
      for r in 0..<n where r != c {
        let f = m[r][c]
        for j in 0..<n { m[r][j] -= f * m[c][j]; inv[r][j] -= f * inv[c][j] }
      }
    }
    return (inv, logDet)
  }

  struct RowTerms { var logDensities: [Double]; var filled: [[Double]]; var conditionals: [[[Double]]] }

  static func terms(_ x: [Double], _ model: MultivariateMixture) -> RowTerms {
    let d = model.dimension
    let o = (0..<d).filter { !x[$0].isNaN }, m = (0..<d).filter { x[$0].isNaN }
    var result = RowTerms(logDensities: [], filled: [], conditionals: [])
    for k in 0..<model.componentCount {
      let mu = model.mean(k), sigma = model.covariance(k)
      let soo = o.map { a in o.map { b in sigma[a * d + b] } }
      let (inv, logDet) = inverse(soo)
      let v = o.map { x[$0] - mu[$0] }
      var q = 0.0
      for a in o.indices { for b in o.indices { q += v[a] * inv[a][b] * v[b] } }
      result.logDensities.append(Foundation.log(model.weights[k]) - 0.5 * (q + logDet + Double(o.count) * Foundation.log(2 * Double.pi)))
      var filled = x
      var conditional = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
      for (ai, a) in m.enumerated() {
        var t = mu[a]
        for p in o.indices { for q2 in o.indices { t += sigma[a * d + o[p]] * inv[p][q2] * v[q2] } }
        filled[a] = t
        for b in m[...ai] {
          var c = sigma[a * d + b]
          for p in o.indices { for q2 in o.indices { c -= sigma[a * d + o[p]] * inv[p][q2] * sigma[o[q2] * d + b] } }
          conditional[a][b] = c
          conditional[b][a] = c
        }
      }
      result.filled.append(filled)
      result.conditionals.append(conditional)
    }
    return result
  }

  static func plainLogLikelihood(_ s: Sample, rows: [Int], at model: MultivariateMixture) -> Double {
    rows.reduce(0.0) { total, i in
      let l = terms(row(s, i), model).logDensities
      let top = l.max() ?? 0
      return total + top + Foundation.log(l.reduce(0.0) { $0 + Foundation.exp($1 - top) })
    }
  }

  /// One epoch: responsibilities and expected statistics at `model`, then scikit-learn's
  /// M-step for the type (`N_k + 10 ε`, `reg` on the diagonal).
  static func plainEpoch(_ s: Sample, rows: [Int], from model: MultivariateMixture, regularization: Double) -> MultivariateMixture {
    let d = model.dimension, k = model.componentCount
    let all = rows.map { terms(row(s, $0), model) }
    let r: [[Double]] = all.map { t in
      let top = t.logDensities.max() ?? 0
      let e = t.logDensities.map { Foundation.exp($0 - top) }
      let sum = e.reduce(0, +)
      return e.map { $0 / sum }
    }
    let masses = (0..<k).map { j in r.reduce(0.0) { $0 + $1[j] } + 10 * Double.ulpOfOne }
    let means = (0..<k).map { j in (0..<d).map { a in zip(r, all).reduce(0.0) { $0 + $1.0[j] * $1.1.filled[j][a] } / masses[j] } }
    var scatters = [[Double]](repeating: [Double](repeating: 0, count: d * d), count: k)
    for j in 0..<k {
      for (ri, t) in zip(r, all) {
        for a in 0..<d {
          for b in 0..<d {
            scatters[j][a * d + b] += ri[j] * ((t.filled[j][a] - means[j][a]) * (t.filled[j][b] - means[j][b]) + t.conditionals[j][a][b])
          }
        }
      }
    }
    var covariances: [[[Double]]] = []
    let total = masses.reduce(0, +)
    let pooled = (0..<(d * d)).map { t in scatters.reduce(0.0) { $0 + $1[t] } / total }
    for j in 0..<k {
      var c = [Double](repeating: 0, count: d * d)
      for a in 0..<d {
        for b in 0..<d {
          switch model.covarianceType {
          case .full: c[a * d + b] = scatters[j][a * d + b] / masses[j]
          case .tied: c[a * d + b] = pooled[a * d + b]
          case .diag: c[a * d + b] = a == b ? scatters[j][a * d + a] / masses[j] : 0
          case .spherical: c[a * d + b] = a == b ? (0..<d).reduce(0.0) { $0 + scatters[j][$1 * d + $1] } / masses[j] / Double(d) : 0
          }
        }
        c[a * d + a] += regularization
      }
      covariances.append((0..<d).map { a in Array(c[(a * d)..<((a + 1) * d)]) })
    }
    return try! MultivariateMixture(type: model.covarianceType, weights: masses.map { $0 / total }, means: means, covariances: covariances)  // test reference
  }
}
