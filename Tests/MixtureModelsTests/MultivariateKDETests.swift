import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// The d-dimensional KDE against `scipy.stats.gaussian_kde`
/// (`Tests/Fixtures/scipy-kde-multivariate.json`, `scripts/make_multivariate_reference.py kde`).
@Suite struct MultivariateKDETests {
  struct Case {
    var name: String
    var file: String
    var columns: [String]
    var rule: BandwidthRule
    var factor: Double
    var covariance: [Double]
    var points: [[Double]]
    var density: [Double]
  }

  static let cases = Result { () throws -> [Case] in
    let root = try FixtureSchema.object(try Fixtures.json("scipy-kde-multivariate.json"), "root")
    return try FixtureSchema.array(root["cases"], "cases").map { item in
      let o = try FixtureSchema.object(item, "case")
      let factor = try FixtureSchema.number(o["factor"], "factor")
      let method = try FixtureSchema.string(o["bw_method"], "bw_method")
      let rule: BandwidthRule = method == "scott" ? .scott : method == "silverman" ? .silverman : .fixed(factor)
      return Case(
        name: try FixtureSchema.string(o["name"], "name"), file: try FixtureSchema.string(o["file"], "file"),
        columns: try FixtureSchema.array(o["columns"], "columns").map { try FixtureSchema.string($0, "column") },
        rule: rule, factor: factor,
        covariance: try FixtureSchema.array(o["covariance"], "covariance").flatMap { try FixtureSchema.numbers($0, "row") },
        points: try FixtureSchema.array(o["points"], "points").map { try FixtureSchema.numbers($0, "point") },
        density: try FixtureSchema.numbers(o["density"], "density"))
    }
  }
  static var names: [String] { (try? cases.get().map(\.name)) ?? [] }

  @Test(arguments: names)
  func exactMatchesScipy(name: String) throws {
    let c = try #require(try Self.cases.get().first { $0.name == name })
    let sample = try Sample(columns: c.columns.map { try Fixtures.csvColumn(c.file, column: $0) })
    let kde = try MultivariateKDE(sample: sample, rule: c.rule)
    #expect(kde.factor.isApproximatelyEqual(to: c.factor, relativeTolerance: 1e-14))
    #expect(maxRelativeError(kde.covariance, c.covariance) <= 1e-13)
    let ours = kde.densities(at: c.points)
    let error = maxRelativeError(ours, c.density)
    #expect(error <= 1e-12, "max relative error \(error)")
  }

  @Test func fixtureCoversTwoAndThreeDimensionsAndEveryRule() throws {
    let cases = try Self.cases.get()
    #expect(Set(cases.map(\.columns.count)) == [2, 3])
    #expect(cases.contains { $0.rule == .scott } && cases.contains { $0.rule == .silverman })
    #expect(cases.contains { if case .fixed = $0.rule { true } else { false } })
  }

  /// The binned grid is within its stated bound of the exact one, the bound is small
  /// next to the peak, and the density integrates to 1 over a grid that covers it.
  @Test(arguments: [200, 5000])
  func binnedIsWithinItsBound(n: Int) throws {
    var random = RandomSource(seed: UInt64(n))
    var a: [Double] = [], b: [Double] = []
    for i in 0..<n {
      let z1 = random.normal(), z2 = random.normal()
      if i % 2 == 0 { a.append(z1); b.append(0.8 * z1 + 0.6 * z2) } else { a.append(5 + 2 * z1); b.append(3 + 0.5 * z2) }
    }
    let kde = try MultivariateKDE(sample: try Sample(columns: [a, b]), rule: .scott)
    let x = (0..<61).map { -6 + 19 * Double($0) / 60 }
    let y = (0..<51).map { -6 + 13 * Double($0) / 50 }
    let exact = kde.densityOnGrid(x: x, y: y, method: .exact)
    let binned = kde.densityOnGrid(x: x, y: y, method: .binned)
    #expect(exact.method == .exact && binned.method == .binned)
    #expect(binned.errorBound > 0)
    let peak = exact.values.max() ?? 0
    #expect(binned.errorBound < 0.03 * peak, "bound \(binned.errorBound) vs peak \(peak)")
    let worst = zip(exact.values, binned.values).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= binned.errorBound, "error \(worst), bound \(binned.errorBound)")
    // ∫∫ f ≈ 1 (trapezoid sums on the grid).
    let cell = (19.0 / 60) * (13.0 / 50)
    let mass = exact.values.reduce(0, +) * cell
    #expect(abs(mass - 1) < 2e-3, "mass \(mass)")
  }

  /// A huge bandwidth with cut 0 makes a kernel wider than the grid: bounded, no trap;
  /// a factor whose square overflows is named as the factor's fault.
  @Test func extremeFactorsAreBoundedOrRefused() throws {
    var random = RandomSource(seed: 4)
    let a = (0..<300).map { _ in random.normal() }, b = (0..<300).map { _ in random.normal() }
    let sample = try Sample(columns: [a, b])
    let wide = try MultivariateKDE(sample: sample, rule: .fixed(1000))
    let x = (0..<20).map { -3 + 6 * Double($0) / 19 }
    let grid = wide.densityOnGrid(x: x, y: x, method: .binned)
    #expect(grid.values.allSatisfy { $0.isFinite && $0 >= 0 })
    #expect(throws: MixtureError.self) { try MultivariateKDE(sample: sample, rule: .fixed(1e300)) }
    do {
      _ = try MultivariateKDE(sample: sample, rule: .fixed(1e-300))
    } catch {
      guard case .invalidParameters(let message) = error else { Issue.record("expected invalidParameters"); return }
      #expect(message.hasPrefix("the bandwidth factor 1e-300 makes the kernel's covariance (the data's × factor²) overflow or vanish"))
    }
  }

  @Test func singularDataIsRefused() {
    #expect(throws: MixtureError.invalidData(
      "the data's covariance is singular (a column is constant, a combination of the others, or its spread is below its values' resolution), so no kernel fits it; leave such columns out or centre them")) {
      try MultivariateKDE(sample: try Sample(columns: [[1, 2, 3, 4], [2, 4, 6, 8]]), rule: .scott)
    }
  }
}
