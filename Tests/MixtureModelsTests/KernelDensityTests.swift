import Testing
import TestSupport

@testable import MixtureModels

extension Reference.KDECase {
  /// The product's rule for this case: a numeric rule in the fixture is an absolute `h`.
  var bandwidthRule: BandwidthRule {
    get throws {
      switch rule {
      case .named("scott"): return .scott
      case .named("silverman"): return .silverman
      case .named(let other): throw SchemaError(description: "unknown bandwidth rule \(other)")
      case .absolute(let h): return .fixed(h)
      }
    }
  }
}

/// Kernel density estimates against `scipy.stats.gaussian_kde` with seaborn's semantics.
@Suite struct KernelDensityTests {
  static let tolerance = 1e-12

  static func estimate(_ reference: Reference.KDECase) throws -> (data: [Double], kde: KernelDensityEstimate) {
    let data = try Fixtures.csvColumn(reference.data, column: reference.column)
    return (data, try KernelDensityEstimate(data: data, rule: reference.bandwidthRule, adjust: reference.adjust))
  }

  @Test(arguments: try Reference.load().kde.map(\.name))
  func bandwidthMatchesScipy(caseName: String) throws {
    let reference = try Reference.kdeCase(caseName)
    let (data, kde) = try Self.estimate(reference)
    #expect(kde.bandwidth.isApproximatelyEqual(to: reference.bandwidth, relativeTolerance: Self.tolerance))
    #expect(kde.rule == (try reference.bandwidthRule))
    // The sorted sample is the fixture's evaluation points (also a check of the CSV reader).
    #expect(kde.sortedData == reference.points)
    #expect(kde.sortedData.count == data.count)
  }

  @Test(arguments: try Reference.load().kde.map(\.name))
  func gridMatchesSeabornSupport(caseName: String) throws {
    let reference = try Reference.kdeCase(caseName)
    let (_, kde) = try Self.estimate(reference)
    let grid = kde.grid(size: reference.gridSize, cut: reference.cut)
    try #require(grid.count == reference.gridSize)
    #expect(grid.first?.isApproximatelyEqual(to: reference.gridMin, relativeTolerance: Self.tolerance) == true)
    #expect(grid.last?.isApproximatelyEqual(to: reference.gridMax, relativeTolerance: Self.tolerance) == true)
    for (i, (value, expected)) in zip(grid, reference.grid).enumerated() {
      #expect(
        value.isApproximatelyEqual(to: expected, relativeTolerance: Self.tolerance, absoluteTolerance: 1e-12),
        "grid[\(i)] = \(value), expected \(expected)")
    }
  }

  @Test(arguments: try Reference.load().kde.map(\.name))
  func densityOnGridMatchesScipy(caseName: String) throws {
    let reference = try Reference.kdeCase(caseName)
    let (_, kde) = try Self.estimate(reference)
    #expect(maxRelativeError(kde.densities(at: reference.grid), reference.density) <= Self.tolerance)
  }

  @Test(arguments: try Reference.load().kde.map(\.name))
  func densityAtSortedDataMatchesScipy(caseName: String) throws {
    let reference = try Reference.kdeCase(caseName)
    let (_, kde) = try Self.estimate(reference)
    #expect(maxRelativeError(kde.densities(at: reference.points), reference.pointDensity) <= Self.tolerance)
  }

  @Test(arguments: try Reference.load().kde.map(\.name))
  func densityIntegratesToOne(caseName: String) throws {
    let reference = try Reference.kdeCase(caseName)
    let (_, kde) = try Self.estimate(reference)
    let h = kde.bandwidth
    let low = kde.sortedData[0] - 8 * h
    let high = kde.sortedData[kde.sortedData.count - 1] + 8 * h
    let integral = trapezoid(from: low, to: high, count: 4000, kde.density(at:))
    #expect(abs(integral - 1) <= 1e-6, "∫ = \(integral)")
  }

  @Test func bandwidthFactorsMatchScipyForEverySampleSize() throws {
    let cases = try Reference.load().bandwidthRules
    try #require(!cases.isEmpty)
    for c in cases {
      let scott = try #require(BandwidthRule.scott.factor(sampleSize: c.n))
      let silverman = try #require(BandwidthRule.silverman.factor(sampleSize: c.n))
      #expect(scott.isApproximatelyEqual(to: c.scott, relativeTolerance: 1e-14), "n = \(c.n)")
      #expect(silverman.isApproximatelyEqual(to: c.silverman, relativeTolerance: 1e-14), "n = \(c.n)")
    }
    #expect(BandwidthRule.fixed(0.3).factor(sampleSize: 100) == nil)
  }

  @Test(arguments: [(BandwidthRule.scott, "scott"), (.silverman, "silverman"), (.fixed(2), "fixed")])
  func ruleNamesAreWhatTheReportShows(rule: BandwidthRule, name: String) {
    #expect(rule.name == name)
  }

  @Test func fixedBandwidthIsScaledByAdjustAndIgnoresTheSpread() throws {
    let kde = try KernelDensityEstimate(data: [3, 3, 3], rule: .fixed(0.5), adjust: 2)
    #expect(kde.bandwidth == 1)
    // Three kernels at one place: the density there is φ(0)/h.
    #expect(kde.density(at: 3).isApproximatelyEqual(to: 0.398_942_280_401_432_7, relativeTolerance: 1e-15))
  }

  @Test func ruleBandwidthIsFactorTimesAdjustTimesSampleSd() throws {
    let data = [1.0, 2, 4, 8, 16]
    let kde = try KernelDensityEstimate(data: data, rule: .scott, adjust: 0.5)
    // np.std([1, 2, 4, 8, 16], ddof=1) = 6.099180272790763; 5 ** -0.2 = 0.7247796636776955
    #expect(kde.bandwidth.isApproximatelyEqual(to: 0.5 * 0.7247796636776955 * 6.099180272790763, relativeTolerance: 1e-14))
  }

  @Test(arguments: [
    ([], BandwidthRule.scott, 1.0, MixtureError.invalidData("a kernel density estimate needs at least 2 points, got 0")),
    ([1.0], .fixed(1), 1.0, .invalidData("a kernel density estimate needs at least 2 points, got 1")),
    (
      [2.0, 2, 2], .scott, 1.0,
      .invalidData("all 3 data values are equal, so the scott bandwidth is 0; give a fixed bandwidth")
    ),
    (
      [2.0, 2], .silverman, 1.0,
      .invalidData("all 2 data values are equal, so the silverman bandwidth is 0; give a fixed bandwidth")
    ),
    ([1.0, 2], .fixed(0), 1.0, .invalidParameters("the bandwidth must be finite and > 0, got 0.0")),
    ([1.0, 2], .fixed(-1), 1.0, .invalidParameters("the bandwidth must be finite and > 0, got -1.0")),
    ([1.0, 2], .fixed(.nan), 1.0, .invalidParameters("the bandwidth must be finite and > 0, got nan")),
    ([1.0, 2], .scott, 0.0, .invalidParameters("the bandwidth must be finite and > 0, got 0.0")),
    ([1.0, 2], .fixed(1), .infinity, .invalidParameters("the bandwidth must be finite and > 0, got inf")),
  ] as [([Double], BandwidthRule, Double, MixtureError)])
  func unusableInputIsRejectedWithAMessage(data: [Double], rule: BandwidthRule, adjust: Double, error: MixtureError) {
    #expect(throws: error) {
      try KernelDensityEstimate(data: data, rule: rule, adjust: adjust)
    }
  }

  @Test func linspaceEndsExactlyAtStopLikeNumpy() {
    #expect(linspace(0, 1, count: 0) == [])
    #expect(linspace(2, 5, count: 1) == [2])
    #expect(linspace(0, 1, count: 5) == [0, 0.25, 0.5, 0.75, 1])
    // np.linspace(0.1, 0.7, 7), element for element.
    let values = linspace(0.1, 0.7, count: 7)
    #expect(values.last == 0.7)
    #expect(values == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    // np.linspace(0, 1, 11): numpy's own rounding, including its 0.30000000000000004.
    #expect(
      linspace(0, 1, count: 11) == [
        0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0,
      ])
  }
}
