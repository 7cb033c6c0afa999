import Foundation
import Testing
import TestSupport

@testable import Plotting

/// One ellipse: centre, matrix [[a, b], [b, c]], Mahalanobis radius.
struct EllipseCase: Sendable, CustomTestStringConvertible {
  var x: Double, y: Double, a: Double, b: Double, c: Double, r: Double
  var testDescription: String { "m (\(x), \(y)), M [[\(a), \(b)], [\(b), \(c)]], r \(r)" }
}

@Suite struct EllipseTests {
  static let cases: [EllipseCase] = [
    EllipseCase(x: 0, y: 0, a: 1, b: 0, c: 1, r: 1),  // the unit circle
    EllipseCase(x: 2, y: -3, a: 4, b: 0, c: 0.25, r: 2),  // axis-aligned, wide
    EllipseCase(x: 0, y: 0, a: 0.25, b: 0, c: 9, r: 1.5),  // axis-aligned, tall
    EllipseCase(x: -1, y: 1, a: 2, b: 1.2, c: 1, r: 1),  // rotated
    EllipseCase(x: 5, y: 5, a: 1, b: -0.99, c: 1, r: 3),  // thin, at −45°
    EllipseCase(x: 1e6, y: -1e6, a: 3e4, b: 1e4, c: 2e4, r: 2),  // large values
    EllipseCase(x: 0, y: 0, a: 1e-8, b: 3e-9, c: 4e-8, r: 1),  // small values
  ]

  /// (p − m)ᵀ M⁻¹ (p − m) by the closed-form inverse.
  static func mahalanobisSquared(_ px: Double, _ py: Double, _ e: EllipseCase) -> Double {
    let dx = px - e.x, dy = py - e.y
    return (e.c * dx * dx - 2 * e.b * dx * dy + e.a * dy * dy) / (e.a * e.c - e.b * e.b)
  }

  @Test(arguments: cases)
  func everyVertexLiesOnTheEllipse(_ e: EllipseCase) throws {
    let ellipse = try #require(Ellipse(centerX: e.x, centerY: e.y, a: e.a, b: e.b, c: e.c, radius: e.r))
    let polygon = ellipse.polygon()
    #expect(polygon.isClosed)
    #expect(polygon.count == 96)
    for (px, py) in zip(polygon.xs, polygon.ys) {
      let q = Self.mahalanobisSquared(px, py, e)
      #expect(q.isApproximatelyEqual(to: e.r * e.r, relativeTolerance: 1e-12), "\(q) ≠ \(e.r * e.r) at (\(px), \(py))")
    }
  }

  @Test(arguments: cases)
  func areaIsPiRSquaredRootDeterminantWithinThePolygonsError(_ e: EllipseCase) throws {
    let ellipse = try #require(Ellipse(centerX: e.x, centerY: e.y, a: e.a, b: e.b, c: e.c, radius: e.r))
    let exact = Double.pi * e.r * e.r * (e.a * e.c - e.b * e.b).squareRoot()
    #expect(ellipse.area.isApproximatelyEqual(to: exact, relativeTolerance: 1e-14))
    let n = 96.0
    let inscribed = exact * n / (2 * Double.pi) * Foundation.sin(2 * Double.pi / n)
    // Counter-clockwise, so the signed area is positive; the shoelace sum around a far
    // centre loses digits, hence 1e-9.
    let area = ellipse.polygon().signedArea
    #expect(area.isApproximatelyEqual(to: inscribed, relativeTolerance: 1e-9), "\(area) vs \(inscribed)")
    #expect(abs(area - exact) / exact < 1e-3)
  }

  @Test func axisAlignedEllipseStartsOnItsMajorAxis() throws {
    let ellipse = try #require(Ellipse(centerX: 1, centerY: 2, a: 9, b: 0, c: 1, radius: 2))
    let p = ellipse.polygon(vertexCount: 4)
    // Half-axes r√a = 6 along x and r√c = 2 along y.
    let expected: [(Double, Double)] = [(7, 2), (1, 4), (-5, 2), (1, 0)]
    for (i, (x, y)) in expected.enumerated() {
      #expect(p.xs[i].isApproximatelyEqual(to: x, relativeTolerance: 1e-15, absoluteTolerance: 1e-14))
      #expect(p.ys[i].isApproximatelyEqual(to: y, relativeTolerance: 1e-15, absoluteTolerance: 1e-14))
    }
  }

  @Test func rotatedEllipseHasItsMajorAxisAlongTheLeadingEigenvector() throws {
    // [[2, 1], [1, 2]]: eigenvalues 3 along (1, 1) and 1 along (1, −1).
    let ellipse = try #require(Ellipse(centerX: 0, centerY: 0, a: 2, b: 1, c: 2, radius: 1))
    let axes = ellipse.principalAxes
    #expect(axes.major.isApproximatelyEqual(to: 3, relativeTolerance: 1e-15))
    #expect(axes.minor.isApproximatelyEqual(to: 1, relativeTolerance: 1e-15))
    #expect(axes.angle.isApproximatelyEqual(to: Double.pi / 4, relativeTolerance: 1e-15))
    let p = ellipse.polygon()
    #expect(p.xs[0].isApproximatelyEqual(to: (1.5).squareRoot(), relativeTolerance: 1e-14))
    #expect(p.ys[0].isApproximatelyEqual(to: (1.5).squareRoot(), relativeTolerance: 1e-14))
  }

  @Test(arguments: [
    (1.0, 2.0, 1.0, 1.0),  // det < 0
    (1, 1, 1, 1),  // det = 0
    (-1, 0, 1, 1),  // a < 0
    (1, 0, 1, -1),  // r < 0
    (.nan, 0, 1, 1), (1, .infinity, 1, 1), (1, 0, 1, .nan),
  ] as [(Double, Double, Double, Double)])
  func matricesThatAreNotPositiveDefiniteGiveNoEllipse(a: Double, b: Double, c: Double, r: Double) {
    #expect(Ellipse(centerX: 0, centerY: 0, a: a, b: b, c: c, radius: r) == nil)
  }

  @Test func tooFewVerticesAreRaisedToATriangle() throws {
    let ellipse = try #require(Ellipse(centerX: 0, centerY: 0, a: 1, b: 0, c: 1, radius: 1))
    #expect(ellipse.polygon(vertexCount: 0).count == 3)
    #expect(ellipse.polygon(vertexCount: -5).count == 3)
  }
}
