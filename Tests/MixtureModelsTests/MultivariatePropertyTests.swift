import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// Invariants of d-dimensional EM: the log-likelihood never falls, the thread count does
/// not change a bit, d = 1 is the one-dimensional model, collapse warns.
@Suite struct MultivariatePropertyTests {
  static func blobs(_ n: Int, seed: UInt64 = 3) -> Sample {
    var random = RandomSource(seed: seed)
    var columns = [[Double]](repeating: [], count: 3)
    for i in 0..<n {
      let g = i % 3
      let z = (random.normal(), random.normal(), random.normal())
      let centre: [Double] = [[0, 0, 0], [6, 2, -3], [-4, 7, 4]][g]
      columns[0].append(centre[0] + 2 * z.0 + (g == 0 ? 1.5 * z.1 : 0))
      columns[1].append(centre[1] + (g == 2 ? 0.3 : 1) * z.1)
      columns[2].append(centre[2] + 0.5 * z.2 + 1e3)
    }
    return try! Sample(columns: columns)  // test data
  }

  @Test(arguments: CovarianceType.allCases)
  func logLikelihoodNeverDecreases(type: CovarianceType) throws {
    let sample = Self.blobs(900)
    var random = RandomSource(seed: 11, stream: 1)
    let start = try MultivariateStart.random.start(
      sample, components: 4, type: type, random: &random, regularization: 0, variances: sample.variances)
    let run = try MultivariateEM.fit(sample, from: start, options: EMOptions(maxEpochs: 80, regularization: 0))
    var previous = run.initialLogLikelihood
    for epoch in run.epochs {
      #expect(epoch.logLikelihood >= previous - 1e-9 * abs(previous), "\(type) epoch \(epoch.epoch)")
      previous = epoch.logLikelihood
    }
    let fitted = run.fitted
    #expect((fitted.weights + fitted.flatMeans + fitted.flatCovariances).allSatisfy { $0.isFinite })
    #expect(abs(fitted.weights.reduce(0, +) - 1) < 1e-12)
    // The recorded log-likelihood is the mixture's at the parameters after each M-step.
    let direct = fitted.logLikelihood(of: sample)
    #expect(run.finalLogLikelihood.isApproximatelyEqual(to: direct, relativeTolerance: 1e-12))
  }

  @Test(arguments: [CovarianceType.full, .diag])
  func threadCountsGiveTheSameBits(type: CovarianceType) throws {
    // Enough points for several chunks and a ragged last one.
    let sample = Self.blobs(70_003)
    var random = RandomSource(seed: 5, stream: 1)
    let start = try MultivariateStart.kMeansPlusPlus.start(
      sample, components: 3, type: type, random: &random, regularization: 1e-6, variances: sample.variances)
    let runs = try [1, 2, 3].map { threads in
      try MultivariateEM.fit(sample, from: start, options: EMOptions(maxEpochs: 5, regularization: 1e-6, threads: threads))
    }
    #expect(runs[0] == runs[1])
    #expect(runs[0] == runs[2])
  }

  /// In one dimension every type but tied is the one-dimensional model, and tied is its
  /// tied one: the d-dimensional kernel agrees with the fused one to rounding.
  @Test(arguments: CovarianceType.allCases)
  func oneDimensionIsTheUnivariateModel(type: CovarianceType) throws {
    let data = try Fixtures.csvColumn("galaxies.csv", column: "velocity")
    let sample = try Sample(columns: [data])
    let start1 = try GaussianMixture(weights: [0.2, 0.5, 0.3], means: [10_000, 20_000, 23_000], sds: [1000, 2000, 1500])
      .withCovarianceType(type)
    let startD = try MultivariateMixture(
      type: type, weights: start1.weights, means: start1.means.map { [$0] },
      covariances: start1.sds.map { [[$0 * $0]] })
    let options = EMOptions(maxEpochs: 60, regularization: 1e-6)
    let one = try ExpectationMaximization.fit(data, from: start1, options: options)
    let many = try MultivariateEM.fit(sample, from: startD, options: options)
    #expect(one.finalLogLikelihood.isApproximatelyEqual(to: many.finalLogLikelihood, relativeTolerance: 1e-12))
    #expect(maxRelativeError(one.fitted.means, many.fitted.flatMeans) < 1e-10)
    #expect(maxRelativeError(one.fitted.sds.map { $0 * $0 }, many.fitted.flatCovariances) < 1e-9)
    #expect(one.fitted.freeParameterCount == many.fitted.freeParameterCount)
    #expect(one.fitted.freeParameterCount == (type == .tied ? 6 : 8))
    if type == .tied { #expect(Set(one.fitted.sds).count == 1) }
  }

  /// A duplicated point, a column constant within a cluster, and a cluster with fewer
  /// points than coordinates: the run ends with collapse warnings and finite numbers, with
  /// the default regularization and with none.
  @Test func collapseWarnsInsteadOfFailing() throws {
    // Three groups in 3-D; the third is 2 copies of one point (d > n_k), the second has
    // a constant third coordinate.
    var columns = [[Double]](repeating: [], count: 3)
    var random = RandomSource(seed: 9)
    for _ in 0..<60 {
      columns[0].append(random.normal()); columns[1].append(random.normal()); columns[2].append(random.normal())
    }
    for _ in 0..<40 {
      columns[0].append(8 + random.normal()); columns[1].append(8 + random.normal()); columns[2].append(3)
    }
    for _ in 0..<2 { columns[0].append(-9); columns[1].append(9); columns[2].append(-9) }
    let sample = try Sample(columns: columns)
    let labels = (0..<60).map { _ in Int32(0) } + (0..<40).map { _ in Int32(1) } + [2, 2]
    let options = EMOptions(maxEpochs: 10, regularization: 1e-6)
    let run = try Selection.fit(
      sample, components: 3...3, types: [.full], start: .groups(labels), restarts: 1, seed: 1, options: options)
    let collapses = run.best.best.collapses
    #expect(collapses.map(\.component) == [1, 2])
    #expect(collapses.allSatisfy { $0.reason == .varianceAtFloor })
    #expect(run.best.best.fitted.flatCovariances.allSatisfy { $0.isFinite })
    // Without regularization the same components collapse and every number stays finite.
    let bare = try Selection.fit(
      sample, components: 3...3, types: [.full], start: .groups(labels), restarts: 1, seed: 1,
      options: EMOptions(maxEpochs: 10, regularization: 0))
    #expect(Set(bare.best.best.collapses.map(\.component)) == [1, 2])
    #expect(bare.best.best.fitted.flatCovariances.allSatisfy { $0.isFinite })
    #expect(bare.best.best.finalLogLikelihood.isFinite)
  }

  @Test func badParametersAreRefusedWithTheirComponent() {
    #expect(throws: MixtureError.invalidParameters("covariance 2 is not symmetric: entry (1, 2) is 0.5 but (2, 1) is 0.4")) {
      try MultivariateMixture(
        type: .full, weights: [0.5, 0.5], means: [[0, 0], [1, 1]], covariances: [[[1, 0], [0, 1]], [[1, 0.5], [0.4, 1]]])
    }
    #expect(throws: MixtureError.invalidParameters("covariance 1 is not positive definite (a variance must be > 0 and every correlation within (−1, 1))")) {
      try MultivariateMixture(type: .full, weights: [1], means: [[0, 0]], covariances: [[[1, 2], [2, 1]]])
    }
    #expect(throws: MixtureError.invalidParameters("diag covariances must be 2 arrays of 2 variances")) {
      try CovarianceParameters.diag([[1, 1]]).matrices(components: 2, dimension: 2)
    }
    #expect(throws: MixtureError.invalidParameters("covariance 1 has off-diagonal terms, which diag covariances do not have")) {
      try MultivariateMixture(type: .diag, weights: [1], means: [[0, 0]], covariances: [[[1, 0.1], [0.1, 1]]])
    }
    #expect(throws: MixtureError.invalidData("coordinate 2 has the same value in every row (to double precision), so no covariance of it can be fitted; leave it out, or centre it if its spread is below its values' resolution")) {
      try MultivariateEM.checkData(try Sample(columns: [[1, 2, 3], [4, 4, 4]]))
    }
  }

  @Test func linearAlgebraMatchesKnownFactors() throws {
    // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
    let l = try LinearAlgebra.cholesky([4, 2, 2, 3], dimension: 2).get()
    #expect(l == [2, 0, 1, 2.0.squareRoot()])
    let inverse = LinearAlgebra.lowerInverse(l, dimension: 2)
    #expect(maxRelativeError(inverse, [0.5, 0, -0.5 / 2.0.squareRoot(), 1 / 2.0.squareRoot()]) < 1e-15)
    #expect(LinearAlgebra.lowerTimesTranspose(l, dimension: 2).enumerated().allSatisfy { abs($0.element - [4, 2, 2, 3][$0.offset]) < 1e-15 })
    #expect(LinearAlgebra.cholesky([1, 2, 2, 1], dimension: 2) == .failure(.init(index: 1, pivot: -3)))
    let eigen = LinearAlgebra.symmetricEigen2(a: 2, b: 1, c: 2)
    #expect(eigen.larger == 3 && eigen.smaller == 1)
    #expect(abs(eigen.vector.0 - 0.5.squareRoot()) < 1e-15 && abs(eigen.vector.1 - 0.5.squareRoot()) < 1e-15)
  }
}

/// The kernels specialised for d ≤ 8 (registers; row by row from d = 5) against the
/// general one and against the scalar log-density, for every type and d from 1 to 9.
@Suite struct MultivariateKernelTests {
  @Test(arguments: Array(1...9))
  func specialisedKernelsAgreeWithTheGeneralOne(d: Int) throws {
    let n = 1_003
    var random = RandomSource(seed: UInt64(d))
    var values = [Double](repeating: 0, count: n * d)
    for i in 0..<n {
      let g = Double(i % 3)
      for a in 0..<d { values[a * n + i] = 4 * g + random.normal() + Double(a) * 0.1 * g }
    }
    let sample = Sample(count: n, dimension: d, columnMajor: values)
    for type in CovarianceType.allCases {
      var rng = RandomSource(seed: 9, stream: 1)
      let mixture = try MultivariateStart.kMeansPlusPlus.start(
        sample, components: 3, type: type, random: &rng, regularization: 1e-6, variances: sample.variances)
      let (fast, general) = values.withUnsafeBufferPointer { buffer in
        (
          MultivariateKernel.pass(buffer, count: n, mixture, threads: 1),
          MultivariateKernel.pass(buffer, count: n, mixture, threads: 1, general: true)
        )
      }
      #expect(fast.logLikelihood.isApproximatelyEqual(to: general.logLikelihood, relativeTolerance: 1e-13), "d = \(d), \(type)")
      #expect(fast.logLikelihood.isApproximatelyEqual(to: mixture.logLikelihood(of: sample), relativeTolerance: 1e-12), "d = \(d), \(type)")
      #expect(maxRelativeError(fast.mass, general.mass) < 1e-12, "d = \(d), \(type)")
      let scale = fast.second.map(abs).max() ?? 1
      #expect(zip(fast.first, general.first).allSatisfy { abs($0 - $1) <= 1e-12 * scale }, "d = \(d), \(type)")
      #expect(zip(fast.second, general.second).allSatisfy { abs($0 - $1) <= 1e-12 * scale }, "d = \(d), \(type)")
      #expect(fast.second.count == 3 * (type == .full || type == .tied ? d * (d + 1) / 2 : d))
    }
  }
}
