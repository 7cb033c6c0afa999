/// Dense linear algebra for the small symmetric matrices of d-dimensional mixtures
/// (d up to a few dozen): Cholesky factors, triangular inverses and quadratic forms.
/// Matrices are `d × d`, row-major, in flat arrays. At these sizes a plain loop beats
/// calling into a BLAS, and the fixed operation order keeps results the same on every
/// machine.
public enum LinearAlgebra {
  /// The lower-triangular Cholesky factor `L` of the symmetric matrix `a` (`a = L Lᵀ`),
  /// reading only its lower triangle, or the 0-based index of the first pivot that is not
  /// positive (and finite) when `a` is not positive definite.
  public static func cholesky(_ a: [Double], dimension d: Int) -> Result<[Double], CholeskyFailure> {
    var l = [Double](repeating: 0, count: d * d)
    for j in 0..<d {
      var pivot = a[j * d + j]
      for p in 0..<j { pivot -= l[j * d + p] * l[j * d + p] }
      guard pivot > 0, pivot.isFinite else { return .failure(CholeskyFailure(index: j, pivot: pivot)) }
      let root = pivot.squareRoot()
      l[j * d + j] = root
      for i in (j + 1)..<max(j + 1, d) {
        var s = a[i * d + j]
        for p in 0..<j { s -= l[i * d + p] * l[j * d + p] }
        l[i * d + j] = s / root
      }
    }
    return .success(l)
  }

  /// Why a matrix has no Cholesky factor: the 0-based index of the first pivot that is
  /// not positive, and its value.
  public struct CholeskyFailure: Error, Equatable, Sendable {
    public var index: Int
    public var pivot: Double
  }

  /// The inverse of the lower-triangular `l` (itself lower-triangular), by forward
  /// substitution on the columns of the identity.
  public static func lowerInverse(_ l: [Double], dimension d: Int) -> [Double] {
    var inverse = [Double](repeating: 0, count: d * d)
    for c in 0..<d {
      inverse[c * d + c] = 1 / l[c * d + c]
      for i in (c + 1)..<max(c + 1, d) {
        var s = 0.0
        for p in c..<i { s -= l[i * d + p] * inverse[p * d + c] }
        inverse[i * d + c] = s / l[i * d + i]
      }
    }
    return inverse
  }

  /// `L Lᵀ` for a lower-triangular `l`.
  public static func lowerTimesTranspose(_ l: [Double], dimension d: Int) -> [Double] {
    var a = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0...i {
        var s = 0.0
        for p in 0...j { s += l[i * d + p] * l[j * d + p] }
        a[i * d + j] = s
        a[j * d + i] = s
      }
    }
    return a
  }

  /// `Σ log lᵢᵢ`: half the log-determinant of `L Lᵀ`.
  public static func logDiagonalSum(_ l: [Double], dimension d: Int) -> Double {
    var s = 0.0
    for i in 0..<d { s += _log(l[i * d + i]) }
    return s
  }

  /// The eigenvalues of the symmetric 2 × 2 matrix `[[a, b], [b, c]]`, larger first,
  /// with the unit eigenvector of the larger.
  public static func symmetricEigen2(a: Double, b: Double, c: Double) -> (larger: Double, smaller: Double, vector: (Double, Double)) {
    let mean = (a + c) / 2
    let half = (a - c) / 2
    let radius = (half * half + b * b).squareRoot()
    let larger = mean + radius
    let smaller = mean - radius
    if b == 0 { return a >= c ? (larger, smaller, (1, 0)) : (larger, smaller, (0, 1)) }
    let x = larger - c, y = b
    let norm = (x * x + y * y).squareRoot()
    return (larger, smaller, (x / norm, y / norm))
  }

  /// Whether `a` (`d × d`) is symmetric to rounding: `|aᵢⱼ − aⱼᵢ| ≤ 1e-12 · max(|aᵢⱼ|, |aⱼᵢ|)`
  /// for every pair, or the first pair `(i, j)` that is not.
  public static func asymmetry(_ a: [Double], dimension d: Int) -> (Int, Int)? {
    for i in 0..<d {
      for j in 0..<i {
        let x = a[i * d + j], y = a[j * d + i]
        if abs(x - y) > 1e-12 * max(abs(x), abs(y)) { return (j, i) }
      }
    }
    return nil
  }
}
