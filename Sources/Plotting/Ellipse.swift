/// The ellipse of points p with (p − m)ᵀ M⁻¹ (p − m) = r², for a centre m, a symmetric
/// positive-definite 2 × 2 matrix M = [[a, b], [b, c]] and a radius r (a Mahalanobis
/// radius: with M a covariance, r = 2 is the "2σ" ellipse).
///
/// Plotting knows nothing of what M stands for; the ellipse is only geometry, turned into
/// a closed ``Polyline`` for a ``PolygonSeries``.
public struct Ellipse: Sendable, Equatable {
  /// The centre's x coordinate.
  public var centerX: Double
  /// The centre's y coordinate.
  public var centerY: Double
  /// M's upper-left entry (a variance along x).
  public var a: Double
  /// M's off-diagonal entry.
  public var b: Double
  /// M's lower-right entry (a variance along y).
  public var c: Double
  /// The Mahalanobis radius r.
  public var radius: Double

  /// The ellipse of centre (`centerX`, `centerY`), matrix [[a, b], [b, c]] and
  /// Mahalanobis `radius`, or `nil` when a value is not finite, the radius is negative,
  /// or the matrix is not positive definite (a ≤ 0 or ac − b² ≤ 0).
  public init?(centerX: Double, centerY: Double, a: Double, b: Double, c: Double, radius: Double) {
    guard [centerX, centerY, a, b, c, radius].allSatisfy(\.isFinite), radius >= 0, a > 0, c > 0,
      a * c - b * b > 0
    else { return nil }
    self.centerX = centerX
    self.centerY = centerY
    self.a = a
    self.b = b
    self.c = c
    self.radius = radius
  }

  /// M's eigenvalues (largest first) and the angle of the first one's eigenvector from
  /// the x axis, in radians.
  ///
  /// The smaller eigenvalue is taken as det M / λ₁ rather than by subtraction, so a thin
  /// ellipse keeps its minor axis to full relative precision.
  public var principalAxes: (major: Double, minor: Double, angle: Double) {
    let mean = (a + c) / 2
    let major = mean + hypotenuse((a - c) / 2, b)
    let determinant = a * c - b * b
    return (major, determinant / major, arcTangent(2 * b, a - c) / 2)
  }

  /// The enclosed area, π r² √(det M).
  public var area: Double { Double.pi * radius * radius * (a * c - b * b).squareRoot() }

  /// The ellipse as a closed polygon of `vertexCount` vertices, evenly spaced in the
  /// angle of the parametrisation m + r (√λ₁ cos t · e₁ + √λ₂ sin t · e₂), so the first
  /// vertex lies on the major axis and the polygon is symmetric about both axes.
  ///
  /// Every vertex lies on the ellipse (to rounding); the polygon's area is
  /// `area · (n / 2π) · sin(2π / n)`, within 0.07 % of the ellipse's for n = 96.
  /// - Parameter vertexCount: The number of vertices; at least 3 are used.
  /// - Returns: A closed polyline, counter-clockwise in data coordinates.
  /// - Complexity: O(vertexCount).
  public func polygon(vertexCount: Int = 96) -> Polyline {
    let n = Swift.max(3, vertexCount)
    let (major, minor, _) = principalAxes
    let u = radius * major.squareRoot(), v = radius * minor.squareRoot()
    // The major axis's direction from cos 2θ and sin 2θ by the half-angle formulas, without
    // atan2 (glibc's differs in the last bit between processors).
    let h = hypotenuse(a - c, 2 * b)
    var cosA = 1.0, sinA = 0.0
    if h > 0 {
      let cos2 = (a - c) / h, sin2 = 2 * b / h
      if cos2 >= 0 {
        cosA = ((1 + cos2) / 2).squareRoot()
        sinA = sin2 / (2 * cosA)
      } else {
        sinA = ((1 - cos2) / 2).squareRoot() * (sin2 < 0 ? -1 : 1)
        cosA = sin2 / (2 * sinA)
      }
    }
    var xs: [Double] = [], ys: [Double] = []
    xs.reserveCapacity(n)
    ys.reserveCapacity(n)
    for k in 0..<n {
      let t = 2 * Double.pi * Double(k) / Double(n)
      let p = u * cosine(t), q = v * sine(t)
      xs.append(centerX + p * cosA - q * sinA)
      ys.append(centerY + p * sinA + q * cosA)
    }
    return Polyline(xs: xs, ys: ys, isClosed: true)
  }
}
