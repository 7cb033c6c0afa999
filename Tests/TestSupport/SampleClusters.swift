import Foundation

/// Deterministic two-dimensional normal samples for figure tests (the figures need
/// data that looks like a mixture's, the same on every run and machine).
public enum SampleClusters {
  /// `count` points from the normal distribution of mean (`meanX`, `meanY`) and covariance
  /// [[a, b], [b, c]] (positive definite), drawn with Box–Muller from a 64-bit LCG
  /// seeded with `seed`.
  public static func normal(
    count: Int, meanX: Double, meanY: Double, a: Double, b: Double, c: Double, seed: UInt64
  ) -> (xs: [Double], ys: [Double]) {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(state >> 11) + 0.5) / 9_007_199_254_740_992
    }
    // The Cholesky factor of the covariance.
    let l11 = a.squareRoot(), l21 = b / l11, l22 = (c - l21 * l21).squareRoot()
    var xs: [Double] = [], ys: [Double] = []
    for _ in 0..<count {
      let r = (-2 * Foundation.log(uniform())).squareRoot(), theta = 2 * Double.pi * uniform()
      let z1 = r * Foundation.cos(theta), z2 = r * Foundation.sin(theta)
      xs.append(meanX + l11 * z1)
      ys.append(meanY + l21 * z1 + l22 * z2)
    }
    return (xs, ys)
  }

  /// The density at (x, y) of the normal distribution of mean (`meanX`, `meanY`) and
  /// covariance [[a, b], [b, c]].
  public static func density(x: Double, y: Double, meanX: Double, meanY: Double, a: Double, b: Double, c: Double) -> Double {
    let det = a * c - b * b
    let dx = x - meanX, dy = y - meanY
    let q = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
    return Foundation.exp(-q / 2) / (2 * Double.pi * det.squareRoot())
  }
}
