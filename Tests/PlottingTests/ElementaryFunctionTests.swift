import Foundation
import Testing

@testable import Plotting

/// Plotting's own sine and cosine (fdlibm's method in plain IEEE operations): within 1 ulp
/// of the C library's everywhere a figure takes them, and exact where the answer is.
@Suite struct ElementaryFunctionTests {
  func ulps(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return abs(a - b) / max(a.ulp, b.ulp, Double.leastNormalMagnitude)
  }

  @Test func sineAndCosineAreWithinAnUlpOfTheCLibrarys() {
    var worst = 0.0
    var x = -50.0
    while x <= 50 {
      let (s, c) = sineAndCosine(x)
      worst = max(worst, ulps(s, Foundation.sin(x)), ulps(c, Foundation.cos(x)))
      x += 0.000_731
    }
    // The angles of the ellipses' vertices and of the principal axes.
    for n in [3, 8, 96, 360] {
      for k in 0..<n {
        let t = 2 * Double.pi * Double(k) / Double(n)
        worst = max(worst, ulps(sine(t), Foundation.sin(t)), ulps(cosine(t), Foundation.cos(t)))
      }
    }
    #expect(worst <= 1, "worst \(worst) ulp")
  }

  @Test func edgesAreExact() {
    #expect(sine(0) == 0 && cosine(0) == 1)
    #expect(sine(-0.0).sign == .minus)
    #expect(sine(.nan).isNaN && cosine(.infinity).isNaN)
    #expect(abs(sine(Double.pi / 2) - 1) <= 1e-16 && abs(cosine(Double.pi)) - 1 <= 1e-16)
  }

  @Test func anEllipsesAxesComeWithoutAnArcTangent() {
    // The polygon's first vertex lies on the major axis, whatever the matrix's signs.
    for (a, b, c) in [(4.0, 2.4, 2.0), (1.0, 0.0, 3.0), (2.0, -0.7, 1.0), (1.0, 0.0, 1.0), (0.5, 0.4999, 0.5)] {
      guard let e = Ellipse(centerX: 0, centerY: 0, a: a, b: b, c: c, radius: 1) else {
        Issue.record("no ellipse for \(a), \(b), \(c)")
        continue
      }
      let p = e.polygon(vertexCount: 8)
      let (major, _, angle) = e.principalAxes
      let expected = (major.squareRoot() * Foundation.cos(angle), major.squareRoot() * Foundation.sin(angle))
      // The same axis, in either direction.
      let same = abs(p.xs[0] - expected.0) + abs(p.ys[0] - expected.1), opposite = abs(p.xs[0] + expected.0) + abs(p.ys[0] + expected.1)
      #expect(min(same, opposite) < 1e-12, "\(a), \(b), \(c)")
    }
  }
}
