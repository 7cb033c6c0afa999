import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// Trapezoid-rule integral of `f` over `count` evenly spaced points from `low` to `high`.
func trapezoid(from low: Double, to high: Double, count: Int, _ f: (Double) -> Double) -> Double {
  let xs = linspace(low, high, count: count)
  var sum = 0.0
  for (a, b) in zip(xs, xs.dropFirst()) { sum += (b - a) * (f(a) + f(b)) / 2 }
  return sum
}

/// Building a mixture and evaluating its density, log-density and responsibilities.
@Suite struct GaussianMixtureTests {
  @Test(arguments: [
    ([], [], [], "weights, means and sds must be non-empty and of equal length, got 0, 0 and 0"),
    ([0.5, 0.5], [0], [1, 1], "weights, means and sds must be non-empty and of equal length, got 2, 1 and 2"),
    ([1], [0], [1, 2], "weights, means and sds must be non-empty and of equal length, got 1, 1 and 2"),
    ([1.1, -0.1], [0, 1], [1, 1], "weights must be finite and ≥ 0, got -0.1"),
    ([.nan, 1], [0, 1], [1, 1], "weights must be finite and ≥ 0, got nan"),
    ([.infinity], [0], [1], "weights must be finite and ≥ 0, got inf"),
    ([0.5, 0.6], [0, 1], [1, 1], "weights must sum to 1, got 1.1"),
    ([0.25, 0.25], [0, 1], [1, 1], "weights must sum to 1, got 0.5"),
    ([0.5, 0.5], [0, .infinity], [1, 1], "means must be finite, got inf"),
    ([0.5, 0.5], [.nan, 0], [1, 1], "means must be finite, got nan"),
    ([0.5, 0.5], [0, 1], [1, 0], "sds must be finite and > 0, got 0.0"),
    ([0.5, 0.5], [0, 1], [-1, 1], "sds must be finite and > 0, got -1.0"),
    ([1], [0], [.infinity], "sds must be finite and > 0, got inf"),
  ] as [([Double], [Double], [Double], String)])
  func invalidParametersAreRejectedWithAMessage(weights: [Double], means: [Double], sds: [Double], message: String) {
    #expect(throws: MixtureError.invalidParameters(message)) {
      try GaussianMixture(weights: weights, means: means, sds: sds)
    }
    #expect(MixtureError.invalidParameters(message).description == message)
  }

  @Test func weightsSummingToOneWithinRoundingAreAccepted() throws {
    // 0.1 + 0.2 + 0.7 is 0.9999999999999999 in floating point.
    let mixture = try GaussianMixture(weights: [0.1, 0.2, 0.7], means: [0, 1, 2], sds: [1, 1, 1])
    #expect(mixture.componentCount == 3)
    #expect(mixture.freeParameterCount == 8)
    // A zero weight is allowed: the component simply explains nothing.
    #expect(throws: Never.self) { try GaussianMixture(weights: [1, 0], means: [0, 1], sds: [1, 1]) }
  }

  @Test func densityMatchesScipyNormPdf() throws {
    let mixture = try GaussianMixture(weights: [0.3, 0.7], means: [-1, 2], sds: [0.5, 1.5])
    // 0.3*norm.pdf(x, -1, 0.5) + 0.7*norm.pdf(x, 2, 1.5) from scipy.
    let expected: [(Double, Double)] = [
      (-1.0, 0.2645611526136807), (0.0, 0.10893261475670987), (2.0, 0.18617306783286497),
      (10.0, 1.239607557310226e-07),
    ]
    for (x, density) in expected {
      #expect(mixture.density(at: x).isApproximatelyEqual(to: density, relativeTolerance: 1e-13), "x = \(x)")
      #expect(
        mixture.logDensity(at: x).isApproximatelyEqual(to: log(density), relativeTolerance: 1e-13), "x = \(x)")
    }
    #expect(
      (mixture.componentDensity(0, at: 0) + mixture.componentDensity(1, at: 0))
        .isApproximatelyEqual(to: mixture.density(at: 0), relativeTolerance: 1e-15))
  }

  @Test(arguments: try Reference.load().em.map(\.name))
  func fittedDensityIntegratesToOne(caseName: String) throws {
    let reference = try Reference.emCase(caseName)
    let mixture = try GaussianMixture(
      weights: reference.final.weights, means: reference.final.means, sds: reference.final.sds)
    let widest = try #require(mixture.sds.max())
    let low = try #require(mixture.means.min()) - 10 * widest
    let high = try #require(mixture.means.max()) + 10 * widest
    let integral = trapezoid(from: low, to: high, count: 4000, mixture.density(at:))
    #expect(abs(integral - 1) <= 1e-6, "∫ = \(integral)")
  }

  @Test func responsibilitiesAreThePosteriorShares() throws {
    let mixture = try GaussianMixture(weights: [0.3, 0.7], means: [-1, 2], sds: [0.5, 1.5])
    for x in [-3.0, -1, 0, 0.5, 2, 7] {
      let r = mixture.responsibilities(at: x)
      let total = mixture.density(at: x)
      #expect(r[0].isApproximatelyEqual(to: mixture.componentDensity(0, at: x) / total, relativeTolerance: 1e-12))
      #expect(r[1].isApproximatelyEqual(to: mixture.componentDensity(1, at: x) / total, relativeTolerance: 1e-12))
    }
  }

  @Test func mixtureRoundTripsThroughCodable() throws {
    let mixture = try GaussianMixture(weights: [0.3, 0.7], means: [-1, 2], sds: [0.5, 1.5])
    let decoded = try JSONDecoder().decode(GaussianMixture.self, from: JSONEncoder().encode(mixture))
    #expect(decoded == mixture)
  }
}
