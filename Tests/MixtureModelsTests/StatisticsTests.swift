import Testing
import TestSupport

@testable import MixtureModels

/// Descriptive statistics against numpy (values printed by numpy 2.4 and pasted here).
@Suite struct StatisticsTests {
  static let sample = [2.5, -1.0, 4.0, 0.1, 7.25, 3.0, -2.2]

  @Test func meanVarianceAndSdMatchNumpy() {
    let x = Self.sample
    // np.mean(x), np.var(x), np.var(x, ddof=1), np.std(x), np.std(x, ddof=1)
    #expect(Statistics.mean(x).isApproximatelyEqual(to: 1.9499999999999997, relativeTolerance: 1e-15))
    #expect(Statistics.variance(x).isApproximatelyEqual(to: 9.006428571428573, relativeTolerance: 1e-15))
    #expect(Statistics.variance(x, ddof: 1).isApproximatelyEqual(to: 10.507500000000002, relativeTolerance: 1e-15))
    #expect(Statistics.standardDeviation(x).isApproximatelyEqual(to: 3.001071237313199, relativeTolerance: 1e-15))
    #expect(
      Statistics.standardDeviation(x, ddof: 1).isApproximatelyEqual(to: 3.2415274177461466, relativeTolerance: 1e-15))
  }

  @Test func varianceIsAccurateForALargeOffset() {
    // Two passes keep the spread of values near 1e9: np.var gives 1.25 and 1.6666666666666667.
    let x = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4]
    #expect(Statistics.mean(x) == 1_000_000_002.5)
    #expect(Statistics.variance(x) == 1.25)
    #expect(Statistics.variance(x, ddof: 1).isApproximatelyEqual(to: 1.6666666666666667, relativeTolerance: 1e-15))
  }

  @Test(arguments: [1, 2, 31, 32, 33, 1001, 4099])
  func exactlyRepresentableSumsGiveExactMoments(count n: Int) {
    // Halves 0.5, 1.5, …: every partial sum is exact whatever the lanes, so the
    // vectorised passes must give the exact mean n/2 and variance (n² − 1)/12, also for
    // counts that leave a tail after the 32-lane loop.
    let x = (0..<n).map { Double($0) + 0.5 }
    #expect(Statistics.mean(x) == Double(n) / 2)
    #expect(Statistics.variance(x) == (Double(n) * Double(n) - 1) / 12)
  }

  @Test(arguments: [0, 5, 31, 32, 40, 63, 99])
  func aNonFiniteValueAnywhereIsFound(position: Int) {
    for bad in [Double.nan, .infinity, -.infinity] {
      var x = [Double](repeating: 1.5, count: 100)
      x[position] = bad
      #expect(x.withUnsafeBufferPointer { Statistics.sum($0).allFinite } == false, "\(bad) at \(position)")
    }
    let fine = [Double](repeating: -1e307, count: 100)
    // A sum that overflows is still a sum of finite values.
    #expect(fine.withUnsafeBufferPointer { Statistics.sum($0) } == (-.infinity, true))
  }

  @Test func constantSampleHasMeanItselfAndNoSpread() {
    let x = [Double](repeating: 0.1, count: 10)
    // np.mean gives exactly 0.1 and np.var exactly 0.
    #expect(Statistics.mean(x) == 0.1)
    #expect(Statistics.variance(x) == 0)
  }

  @Test func mixtureDataMatchesNumpy() throws {
    let x = try Fixtures.csvColumn("mixture-800.csv", column: "x")
    try #require(x.count == 800)
    // np.mean(x), np.var(x), np.std(x, ddof=1)
    #expect(Statistics.mean(x).isApproximatelyEqual(to: -0.3052796843667808, relativeTolerance: 1e-14))
    #expect(Statistics.variance(x).isApproximatelyEqual(to: 2.6069937385315867, relativeTolerance: 1e-14))
    #expect(Statistics.standardDeviation(x, ddof: 1).isApproximatelyEqual(to: 1.6156288432776338, relativeTolerance: 1e-14))
    let sorted = x.sorted()
    // np.quantile(x, 0.25), np.median(x), np.quantile(x, 0.3)
    #expect(Statistics.quantile(sorted: sorted, 0.25).isApproximatelyEqual(to: -1.3999733229250175, relativeTolerance: 1e-15))
    #expect(Statistics.quantile(sorted: sorted, 0.5).isApproximatelyEqual(to: -0.7526315564088699, relativeTolerance: 1e-15))
    #expect(Statistics.quantile(sorted: sorted, 0.3).isApproximatelyEqual(to: -1.2918416368304457, relativeTolerance: 1e-14))
  }

  @Test(arguments: [
    (0.0, -2.2), (0.1, -1.48), (0.25, -0.45000000000000007), (0.5, 2.5), (0.75, 3.5), (0.9, 5.300000000000001),
    (1.0, 7.25),
  ])
  func quantileInterpolatesLinearlyLikeNumpy(p: Double, expected: Double) {
    // np.quantile(x, p) with the default method="linear".
    let value = Statistics.quantile(sorted: Self.sample.sorted(), p)
    #expect(value.isApproximatelyEqual(to: expected, relativeTolerance: 1e-15))
  }

  @Test func quantileOfOneValueIsThatValue() {
    #expect(Statistics.quantile(sorted: [4.2], 0) == 4.2)
    #expect(Statistics.quantile(sorted: [4.2], 0.37) == 4.2)
    #expect(Statistics.quantile(sorted: [4.2], 1) == 4.2)
  }

  @Test func emptyAndTooShortSamplesGiveNaN() {
    #expect(Statistics.mean([]).isNaN)
    #expect(Statistics.variance([]).isNaN)
    #expect(Statistics.variance([1], ddof: 1).isNaN)
    #expect(Statistics.variance([1]) == 0)
  }

  @Test func summaryUsesSampleSdAndExtremes() {
    let summary = SampleSummary(Self.sample)
    #expect(summary.count == 7)
    #expect(summary.mean.isApproximatelyEqual(to: 1.9499999999999997, relativeTolerance: 1e-15))
    #expect(summary.sd.isApproximatelyEqual(to: 3.2415274177461466, relativeTolerance: 1e-15))
    #expect(summary.min == -2.2)
    #expect(summary.max == 7.25)
    #expect(SampleSummary([5]).sd == 0)
  }
}
