import Testing
import TestSupport

@testable import MixtureModels

/// The fused one-pass EM against the two-pass ``ReferenceEM`` it replaced, its
/// determinism across thread counts, and its accuracy when the data sit far from 0.
@Suite struct FusedEMTests {
  /// A sample of three well-separated groups.
  static func groups(_ n: Int, offset: Double = 0, scale: Double = 1, seed: UInt64 = 5) -> [Double] {
    var random = RandomSource(seed: seed)
    let centres = [-2.0, 1.0, 4.0], sds = [0.7, 1.0, 0.5]
    return (0..<n).map { i in offset + scale * random.normal(mean: centres[i % 3], sd: sds[i % 3]) }
  }

  /// The largest relative difference between two runs' per-epoch log-likelihoods and
  /// final parameters.
  static func difference(_ a: EMResult, _ b: EMResult) -> (logLikelihood: Double, parameters: Double) {
    let ll = maxRelativeError(
      [a.initialLogLikelihood] + a.epochs.map(\.logLikelihood), [b.initialLogLikelihood] + b.epochs.map(\.logLikelihood))
    let fa = a.fitted, fb = b.fitted
    return (ll, maxRelativeError(fa.weights + fa.means + fa.sds, fb.weights + fb.means + fb.sds))
  }

  @Test(arguments: [("galaxies.csv", "velocity"), ("mixture-800.csv", "x")], [2, 3, 5])
  func fusedRunFollowsTheTwoPassReference(file: (String, String), k: Int) throws {
    let data = try Fixtures.csvColumn(file.0, column: file.1)
    let start = try Initialization.quantiles(data, components: k)
    let options = EMOptions(maxEpochs: 60, tolerance: 0, regularization: 1e-6)
    let fused = try ExpectationMaximization.fit(data, from: start, options: options)
    let reference = try ReferenceEM.fit(data, from: start, options: options)
    #expect(fused.epochs.count == 60 && reference.epochs.count == 60)
    let d = Self.difference(fused, reference)
    #expect(d.logLikelihood <= 1e-12, "log-likelihoods differ by \(d.logLikelihood)")
    #expect(d.parameters <= 1e-9, "parameters differ by \(d.parameters)")
    #expect(fused.collapses == reference.collapses)
  }

  @Test(arguments: [1, 7, 8, 9, 8191, 8193])
  func everyTailLengthGivesTheReferenceLikelihood(n: Int) throws {
    // Chunks of 8192 and vectors of 8: the last partial vector and chunk are masked.
    let data = Self.groups(n + 2)
    let mixture = try GaussianMixture(weights: [0.2, 0.5, 0.3], means: [-2, 1, 4], sds: [0.7, 1, 0.5])
    let sums = data.withUnsafeBufferPointer { EMKernel.pass($0, mixture, threads: 1) }
    #expect(sums.logLikelihood.isApproximatelyEqual(to: mixture.logLikelihood(of: data), relativeTolerance: 1e-13))
    #expect(sums.mass.reduce(0, +).isApproximatelyEqual(to: Double(data.count), relativeTolerance: 1e-13))
    // Σ r x per component, computed point by point.
    for j in 0..<3 {
      let expected = data.reduce(0.0) { $0 + mixture.responsibilities(at: $1)[j] * ($1 - mixture.means[j]) }
      #expect(sums.first[j].isApproximatelyEqual(to: expected, relativeTolerance: 1e-12, absoluteTolerance: 1e-12 * Double(data.count)))
    }
  }

  @Test func oneTwoAndThreeThreadsGiveIdenticalBits() throws {
    let data = Self.groups(100_003)
    // The sample is large enough that the requested threads are really used.
    #expect(EMKernel.threads(for: data.count, requested: 2) == 2)
    #expect(EMKernel.threads(for: data.count, requested: 3) == 3)
    let start = try Initialization.quantiles(data, components: 3)
    let runs = try [1, 2, 3].map { threads in
      try ExpectationMaximization.fit(
        data, from: start, options: EMOptions(maxEpochs: 25, tolerance: 0, regularization: 1e-6, threads: threads))
    }
    #expect(runs[0] == runs[1])
    #expect(runs[0] == runs[2])
    #expect(runs[0].finalLogLikelihood.bitPattern == runs[1].finalLogLikelihood.bitPattern)
  }

  @Test func smallSamplesStaySingleThreaded() {
    #expect(EMKernel.threads(for: 1000, requested: nil) == 1)
    #expect(EMKernel.threads(for: 65_535, requested: 2) == 1)
    #expect(EMKernel.threads(for: 10_000_000, requested: 1) == 1)
  }

  @Test func variancesStayAccurateForDataAroundAMillion() throws {
    // 10⁶ ± 1: Σ r x² − (Σ r x)² / N would lose 12 of 16 digits here. The same
    // groups centred at 0 are the reference; the fits must agree to 1e-9.
    let centred = Self.groups(30_000, scale: 0.25)
    let shifted = centred.map { $0 + 1e6 }
    let start = try Initialization.quantiles(centred, components: 3)
    let shiftedStart = try GaussianMixture(weights: start.weights, means: start.means.map { $0 + 1e6 }, sds: start.sds)
    let options = EMOptions(maxEpochs: 40, tolerance: 0, regularization: 0)
    let a = try ExpectationMaximization.fit(centred, from: start, options: options).fitted
    let b = try ExpectationMaximization.fit(shifted, from: shiftedStart, options: options).fitted
    // Adding 1e6 rounds each value to within 1.2e-10, which moves an sd of ~0.2 by
    // about that much; nothing else may be lost.
    #expect(maxRelativeError(a.sds, b.sds) <= 1e-8, "sds \(a.sds) vs \(b.sds)")
    #expect(maxRelativeError(a.weights, b.weights) <= 1e-8)
    for j in 0..<3 { #expect(abs((b.means[j] - 1e6) - a.means[j]) <= 1e-9) }
    // And one component on the shifted data has the two-pass variance.
    let one = try ExpectationMaximization.fit(
      shifted, from: GaussianMixture(weights: [1], means: [1e6 + 0.3], sds: [2]), options: EMOptions(maxEpochs: 1))
    #expect(one.fitted.sds[0].isApproximatelyEqual(to: Statistics.standardDeviation(shifted), relativeTolerance: 1e-13))
    #expect(one.fitted.means[0].isApproximatelyEqual(to: Statistics.mean(shifted), relativeTolerance: 1e-15))
  }
}
