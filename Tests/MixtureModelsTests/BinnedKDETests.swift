import Testing
import TestSupport

@testable import MixtureModels

/// The binned KDE against exact evaluation, its stated bound, and its invariants.
@Suite struct BinnedKDETests {
  static func sample(_ n: Int, seed: UInt64 = 9) -> [Double] {
    var random = RandomSource(seed: seed)
    return (0..<n).map { i in
      i % 5 == 0 ? random.normal(mean: 4, sd: 0.3) : (i % 2 == 0 ? random.normal(mean: -1, sd: 1.2) : random.normal(mean: 1.5, sd: 0.6))
    }
  }

  @Test(arguments: [20_000, 200_000])
  func binnedIsWithinItsBoundAndAHundredThousandthOfThePeak(n: Int) throws {
    let kde = try KernelDensityEstimate(data: Self.sample(n), rule: .scott)
    let binned = kde.densityOnGrid(size: 512, cut: 3, method: .binned)
    let exact = kde.densityOnGrid(size: 512, cut: 3, method: .exact)
    #expect(binned.method == .binned && exact.method == .exact)
    #expect(binned.grid == exact.grid)
    let error = zip(binned.values, exact.values).map { abs($0 - $1) }.max()!
    #expect(error <= binned.errorBound, "error \(error) above the stated bound \(binned.errorBound)")
    #expect(error / exact.peak < 1e-5, "error \(error / exact.peak) of the peak")
    #expect(binned.errorBound / exact.peak < 1e-5)
  }

  @Test func boundHoldsForAGridReachingFarBeyondTheData() throws {
    // cut 12: the output points extend twelve bandwidths past the data on each side.
    let kde = try KernelDensityEstimate(data: Self.sample(5_000), rule: .silverman, adjust: 0.5)
    let binned = kde.densityOnGrid(size: 300, cut: 12, method: .binned)
    let exact = kde.densityOnGrid(size: 300, cut: 12, method: .exact)
    let error = zip(binned.values, exact.values).map { abs($0 - $1) }.max()!
    #expect(error <= binned.errorBound)
    #expect(binned.values.first! < 1e-12 && binned.values.last! < 1e-12)
  }

  @Test func binnedDensityIntegratesToOne() throws {
    // cut 8 puts all but φ-tail mass inside; the trapezoid rule on 2 000 points.
    let kde = try KernelDensityEstimate(data: Self.sample(300_000), rule: .scott)
    let d = kde.densityOnGrid(size: 2000, cut: 8, method: .binned)
    let step = d.grid[1] - d.grid[0]
    let integral = step * (d.values.reduce(0, +) - (d.values.first! + d.values.last!) / 2)
    #expect(abs(integral - 1) < 1e-6, "integral \(integral)")
  }

  @Test func automaticIsExactForSmallWorkAndBinnedBeyond() throws {
    let small = try KernelDensityEstimate(data: Self.sample(1000), rule: .scott)
    #expect(small.densityOnGrid(size: 200, cut: 3).method == .exact)
    #expect(small.densityOnGrid(size: 200, cut: 3).errorBound == 0)
    let large = try KernelDensityEstimate(data: Self.sample(20_000), rule: .scott)
    #expect(large.densityOnGrid(size: 200, cut: 3).method == .binned)
    #expect(KernelDensityEstimate.exactWorkLimit == 1_000_000)
  }

  @Test func binningIsExactIntegerArithmeticSoThreadsCannotChangeIt() throws {
    // Large enough for two threads; the weights must sum to exactly n units.
    let data = Self.sample(200_000)
    var weights = [UInt64](repeating: 0, count: 4000)
    var curvature = [UInt64](repeating: 0, count: 4000)
    let low = data.min()! - 0.01
    BinnedKDE.bin(data, origin: low, delta: 0.005, weights: &weights, curvature: &curvature)
    #expect(EMKernel.threads(for: data.count, requested: nil) == Swift.min(2, EMKernel.processorCount))
    #expect(weights.reduce(0, &+) == UInt64(data.count) << 32)
    var single = [UInt64](repeating: 0, count: 4000)
    var singleCurvature = [UInt64](repeating: 0, count: 4000)
    data.withUnsafeBufferPointer { x in
      BinnedKDE.binRange(x, 0..<x.count, origin: low, inverseDelta: 1 / 0.005, &single, &singleCurvature)
    }
    #expect(single == weights)
    #expect(singleCurvature == curvature)
  }

  @Test func exactEvaluationMatchesThePointByPointSum() throws {
    let data = Self.sample(1001)
    let kde = try KernelDensityEstimate(data: data, rule: .fixed(0.3))
    for y in [-3.0, 0.1, 4.2] {
      var sum = 0.0
      for x in data { sum += normalDensity(y, mean: x, sd: 0.3) }
      #expect(kde.density(at: y).isApproximatelyEqual(to: sum / 1001, relativeTolerance: 1e-13))
    }
  }
}
