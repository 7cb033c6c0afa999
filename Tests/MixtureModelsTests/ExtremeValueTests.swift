import Testing
import TestSupport

@testable import MixtureModels

/// Finite data whose variance underflows or overflows, extreme bandwidths and grids, and
/// the other inputs at the edge of a double: each gives a clear error or a finite result,
/// never a trap, and never "all data values are equal" for data that are not.
@Suite struct ExtremeValueTests {
  /// 1e-300 … 4e-300: a spread of 1e-300, whose square underflows to 0.
  static let tiny = (0..<100).map { 1e-300 + 3e-300 * Double($0) / 99 }
  /// −1.6e308 … 1.6e308: the squares overflow.
  static let huge = (0..<100).map { 1.6e308 * (2 * Double($0) / 99 - 1) }
  /// Normal draws with mean 1e307 and sd 1e307: the sum and the variance overflow.
  static let generated: [Double] = {
    var random = RandomSource(seed: 7)
    return (0..<800).map { _ in random.normal(mean: 1e307, sd: 1e307) }
  }()

  static let tooSmall =
    "the data's values are too small (around 1e-300): their variance underflows to 0; rescale the data (e.g. multiply by 1e300)"
  static let tooLarge =
    "the data's values are too large (around 1e308): their variance overflows; rescale the data (e.g. multiply by 1e-300)"
  static let tooLargeGenerated =
    "the data's values are too large (around 1e307): their variance overflows; rescale the data (e.g. multiply by 1e-300)"

  static let cases: [(String, [Double], String)] = [
    ("1e-300…4e-300", tiny, tooSmall), ("±1.6e308", huge, tooLarge), ("mean 1e307, sd 1e307", generated, tooLargeGenerated),
  ]

  @Test(arguments: 0..<cases.count)
  func modelSelectionSaysTheVarianceUnderOrOverflows(_ index: Int) {
    let (_, data, message) = Self.cases[index]
    for start in [StartMethod.kMeansPlusPlus, .quantiles, .random] {
      #expect(throws: MixtureError.invalidData(message)) {
        try ModelSelection.fit(data, components: 1...3, start: start, restarts: 2, seed: 1, options: EMOptions())
      }
    }
  }

  @Test(arguments: 0..<cases.count)
  func emAndReferenceEMSayTheVarianceUnderOrOverflows(_ index: Int) {
    let (_, data, message) = Self.cases[index]
    let start = GaussianMixture(unchecked: [0.5, 0.5], [data.min()!, data.max()!], [1, 1])
    #expect(throws: MixtureError.invalidData(message)) { try ExpectationMaximization.fit(data, from: start) }
    #expect(throws: MixtureError.invalidData(message)) { try ReferenceEM.fit(data, from: start) }
  }

  @Test(arguments: 0..<cases.count)
  func startsSayTheVarianceUnderOrOverflows(_ index: Int) {
    let (_, data, message) = Self.cases[index]
    var random = RandomSource(seed: 3)
    #expect(throws: MixtureError.invalidData(message)) { try Initialization.quantiles(data, components: 2) }
    #expect(throws: MixtureError.invalidData(message)) { try Initialization.kMeansPlusPlus(data, components: 2, random: &random) }
    #expect(throws: MixtureError.invalidData(message)) { try Initialization.randomFromData(data, components: 2, random: &random) }
    #expect(throws: MixtureError.invalidData("group 2: " + message)) { try Initialization.fromGroups([[1, 2, 3], data]) }
  }

  @Test(arguments: 0..<cases.count)
  func kdeBandwidthRuleSaysTheVarianceUnderOrOverflows(_ index: Int) {
    let (_, data, message) = Self.cases[index]
    for rule in [BandwidthRule.scott, .silverman] {
      #expect(throws: MixtureError.invalidData(message)) { try KernelDensityEstimate(data: data, rule: rule) }
    }
  }

  @Test func equalDataStillSaysSo() {
    let equal = [Double](repeating: 1e308, count: 40)
    #expect(throws: MixtureError.inRun(components: 1, restart: 1, .invalidData("all 40 data values are equal, so there is nothing to fit"))) {
      try ModelSelection.fit(equal, components: 1...2, start: .quantiles, restarts: 1, seed: 1, options: EMOptions())
    }
    #expect(throws: MixtureError.invalidData("all 40 data values are equal, so the scott bandwidth is 0; give a fixed bandwidth")) {
      try KernelDensityEstimate(data: equal, rule: .scott)
    }
    #expect(throws: MixtureError.invalidData("group 1 has no spread (all its values are equal), so it cannot start a component")) {
      try Initialization.fromGroups([[.leastNonzeroMagnitude, .leastNonzeroMagnitude], [1, 2]])
    }
  }

  // MARK: Statistics

  @Test func meanAndVarianceOfValuesWhoseSumOverflowsAreStillRight() {
    #expect(Statistics.mean([1e308, 1e308, -1e308]).isApproximatelyEqual(to: 1e308 / 3, relativeTolerance: 1e-15))
    #expect(Statistics.mean([Double](repeating: 1.6e308, count: 20)) == 1.6e308)
    #expect(Statistics.variance([Double](repeating: 1e308, count: 40)) == 0)
    // The true variance, 6.7e613, overflows.
    #expect(Statistics.variance([1.5e308, 1.6e308, 1.7e308]) == .infinity)
    #expect(Statistics.mean(Self.generated).isApproximatelyEqual(to: 1e307, relativeTolerance: 0.1))
    // Non-finite values still give NaN.
    #expect(Statistics.mean([1, .nan]).isNaN)
    #expect(Statistics.variance([1, .infinity]).isNaN)
  }

  @Test func summaryOfNoValuesIsNaNNotATrap() {
    let summary = SampleSummary([])
    #expect(summary.count == 0)
    #expect(summary.mean.isNaN && summary.sd.isNaN && summary.min.isNaN && summary.max.isNaN)
  }

  @Test func quantileIsTotal() {
    #expect(Statistics.quantile(sorted: [1, 2, 3], .nan).isNaN)
    #expect(Statistics.quantile(sorted: [], 0.5).isNaN)
    #expect(Statistics.quantile(sorted: [1, 2, 3], -0.5) == 1)
    #expect(Statistics.quantile(sorted: [1, 2, 3], 7) == 3)
    #expect(Statistics.quantile(sorted: [1, 2, 3], .infinity) == 3)
    #expect(Statistics.quantile(sorted: [1, .nan, 3], 0.5).isNaN)
    // The difference of the neighbours overflows: interpolation still lands between them.
    let wide = [-1.6e308, 1.6e308]
    #expect(Statistics.quantile(sorted: wide, 0) == -1.6e308)
    #expect(Statistics.quantile(sorted: wide, 0.25) == -8e307)
    #expect(Statistics.quantile(sorted: wide, 0.5) == 0)
    #expect(Statistics.quantile(sorted: wide, 1) == 1.6e308)
  }

  @Test func modelSelectionWithoutRestartsIsAnError() {
    #expect(throws: MixtureError.invalidParameters("restarts must be ≥ 1, got 0")) {
      try ModelSelection.fit([1, 2, 3, 4], components: 1...1, start: .quantiles, restarts: 0, seed: 1, options: EMOptions())
    }
  }

  @Test func referenceEMWithAnEnormousEpochLimitReservesNoEnormousArray() throws {
    let data = BinnedKDETests.sample(200)
    let start = try Initialization.quantiles(data, components: 2)
    let result = try ReferenceEM.fit(data, from: start, options: EMOptions(maxEpochs: Int.max, tolerance: 1e-3))
    #expect(result.converged)
  }

  // MARK: Kernel density

  @Test func kdeOfNonFiniteDataIsAnError() {
    #expect(throws: MixtureError.invalidData("data must be finite, got nan")) {
      try KernelDensityEstimate(data: [1, .nan, 2], rule: .fixed(1))
    }
    #expect(throws: MixtureError.invalidData("data must be finite, got -inf")) {
      try KernelDensityEstimate(data: [1, 2, -.infinity], rule: .scott)
    }
  }

  @Test func bandwidthWhoseDensityOverflowsIsAnError() {
    #expect(
      throws: MixtureError.invalidParameters(
        "the bandwidth 1e-320 is too small: a density of 1/(h·√(2π)) near a data point overflows; use a bandwidth ≥ 1e-308 or rescale the data")
    ) {
      try KernelDensityEstimate(data: [1, 2], rule: .fixed(1e-300 / 1e20))
    }
  }

  /// The binned estimate against the exact one, both finite, within the stated bound.
  func expectFiniteAndWithinBound(_ kde: KernelDensityEstimate, cut: Double, _ context: String) {
    let binned = kde.densityOnGrid(size: 200, cut: cut, method: .binned)
    let exact = kde.densityOnGrid(size: 200, cut: cut, method: .exact)
    #expect(binned.grid == exact.grid, "\(context)")
    #expect(binned.grid.allSatisfy { $0.isFinite }, "\(context): grid \(binned.grid.prefix(3))")
    #expect(zip(binned.grid, binned.grid.dropFirst()).allSatisfy { $0 <= $1 }, "\(context)")
    #expect(binned.values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(context)")
    #expect(exact.values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(context)")
    #expect(binned.errorBound.isFinite && binned.errorBound >= 0, "\(context): bound \(binned.errorBound)")
    let error = zip(binned.values, exact.values).map { abs($0 - $1) }.max() ?? 0
    #expect(error <= binned.errorBound * (1 + 1e-12), "\(context): error \(error), bound \(binned.errorBound)")
  }

  @Test(arguments: [1e-300, 1e-200, 1e300, 1e308, .greatestFiniteMagnitude])
  func binnedKDEWithAnExtremeBandwidthIsFiniteAndWithinItsBound(h: Double) throws {
    let kde = try KernelDensityEstimate(data: BinnedKDETests.sample(5_000), rule: .fixed(h))
    for cut in [0, 3, 1e308] {
      expectFiniteAndWithinBound(kde, cut: cut, "h \(h), cut \(cut)")
    }
  }

  @Test(arguments: [0.0, 3, 1e300, .infinity, .nan])
  func binnedKDEWithAnExtremeCutIsFinite(cut: Double) throws {
    let kde = try KernelDensityEstimate(data: BinnedKDETests.sample(5_000), rule: .scott)
    expectFiniteAndWithinBound(kde, cut: cut, "cut \(cut)")
  }

  @Test func binnedKDEOfDataSpanningTheDoublesIsFinite() throws {
    let kde = try KernelDensityEstimate(data: Self.huge, rule: .fixed(1e306))
    expectFiniteAndWithinBound(kde, cut: 3, "±1.6e308")
    let tinyKDE = try KernelDensityEstimate(data: Self.tiny, rule: .fixed(1e-301))
    expectFiniteAndWithinBound(tinyKDE, cut: 3, "1e-300…4e-300")
  }

  @Test func binnedKDEOfEqualDataWithoutCutIsTheKernelPeak() throws {
    let kde = try KernelDensityEstimate(data: [2, 2, 2], rule: .fixed(0.5))
    let density = kde.densityOnGrid(size: 50, cut: 0, method: .binned)
    #expect(density.grid.allSatisfy { $0 == 2 })
    #expect(density.values.allSatisfy { $0.isApproximatelyEqual(to: 0.398_942_280_401_432_7 / 0.5, relativeTolerance: 1e-15) })
  }

  @Test func linspaceOverTheWholeRangeOfDoublesIsFinite() {
    let values = linspace(-.greatestFiniteMagnitude, .greatestFiniteMagnitude, count: 201)
    #expect(values.first == -.greatestFiniteMagnitude)
    #expect(values.last == .greatestFiniteMagnitude)
    #expect(values[100] == 0)
    #expect(values.allSatisfy { $0.isFinite })
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
  }
}

/// The module's one conversion of a computed double to an integer.
@Suite struct ClampingTests {
  @Test(arguments: ClampingCases.table)
  func conversionIsTotalAndTruncatesTowardZero(_ row: ClampingCase) {
    #expect(Int(clamping: row.value, to: row.bounds, nan: row.nan) == row.expected)
  }

  @Test func defaultBoundsAreAllOfInt() {
    #expect(Int(clamping: .infinity, nan: 0) == .max)
    #expect(Int(clamping: 12.7, nan: 0) == 12)
  }
}

/// Binning writes through unchecked pointers: a position outside the bins is clamped.
@Suite struct BinningBoundsTests {
  @Test func pointsOutsideTheBinsLandOnTheEndNodes() {
    var weights = [UInt64](repeating: 0, count: 10)
    var curvature = [UInt64](repeating: 0, count: 10)
    BinnedKDE.bin([-5, 0.5, 3.25, 100, .nan, .infinity], origin: 0, delta: 1, weights: &weights, curvature: &curvature)
    // Every point still adds exactly one unit, 2³², split between two neighbouring nodes.
    #expect(weights.reduce(0, &+) == 6 << 32)
    #expect(weights[0] == (2 << 32) + (1 << 31))  // −5 and NaN whole, half of 0.5
    #expect(weights[1] == 1 << 31)
    #expect(weights[3] == 3 << 30 && weights[4] == 1 << 30)
    // 100 and ∞ sit just below the last node.
    #expect(weights[8] + weights[9] == 2 << 32)
  }
}
