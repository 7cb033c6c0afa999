/// A Gaussian kernel density estimate in d dimensions, as `scipy.stats.gaussian_kde`
/// defines it: the kernel's covariance is the data's covariance (`ddof` 1) times the
/// squared bandwidth factor, Scott's `n^(−1/(d+4))` or Silverman's `(n(d+2)/4)^(−1/(d+4))`
/// or a given number, times `adjust`.
public struct MultivariateKDE: Sendable {
  /// The sample.
  public let sample: Sample
  /// The bandwidth factor (scipy's `factor`).
  public let factor: Double
  /// The rule the factor came from.
  public let rule: BandwidthRule
  /// The kernel's covariance, `d × d` row-major.
  public let covariance: [Double]
  /// `L⁻¹` with `covariance = L Lᵀ`.
  let inverseCholesky: [Double]
  /// `1 / (n (2π)^(d/2) √det)`, as a logarithm.
  let logNorm: Double

  /// The estimate's factor for `rule` in `d` dimensions (`nil` for a fixed one).
  public static func ruleFactor(_ rule: BandwidthRule, sampleSize n: Int, dimension d: Int) -> Double? {
    let exponent = -1 / Double(d + 4)
    switch rule {
    case .scott: return _pow(Double(n), exponent)
    case .silverman: return _pow(Double(n) * Double(d + 2) / 4, exponent)
    case .fixed: return nil
    }
  }

  /// Builds the estimate.
  /// - Throws: ``MixtureError/invalidData(_:)`` for fewer than `d + 1` points, values that
  ///   are not finite, or a data covariance that is singular (a constant column, or
  ///   columns that are exact combinations of each other); ``MixtureError/invalidParameters(_:)``
  ///   for a factor that is not finite and positive.
  public init(sample: Sample, rule: BandwidthRule, adjust: Double = 1) throws(MixtureError) {
    let n = sample.count, d = sample.dimension
    guard n > d else {
      throw .invalidData("a \(d)-dimensional kernel density estimate needs at least \(d + 1) points, got \(n)")
    }
    if let bad = sample.values.first(where: { !$0.isFinite }) { throw .invalidData("data must be finite, got \(bad)") }
    let base: Double
    if let f = Self.ruleFactor(rule, sampleSize: n, dimension: d) {
      base = f
    } else if case .fixed(let value) = rule {
      base = value
    } else {
      base = .nan
    }
    let f = base * adjust
    guard f > 0, f.isFinite else { throw .invalidParameters("the bandwidth factor must be finite and > 0, got \(f)") }
    let dataCovariance = sample.covariance(ddof: 1)
    guard dataCovariance.allSatisfy(\.isFinite) else {
      throw .invalidData("the data's covariance overflows (values around 1e154 or more); rescale the data")
    }
    guard case .success = LinearAlgebra.cholesky(dataCovariance, dimension: d) else {
      throw .invalidData(
        "the data's covariance is singular (a column is constant, a combination of the others, or its spread is below its values' resolution), so no kernel fits it; leave such columns out or centre them")
    }
    let kernel = dataCovariance.map { $0 * f * f }
    guard kernel.allSatisfy(\.isFinite), case .success(let l) = LinearAlgebra.cholesky(kernel, dimension: d) else {
      throw .invalidParameters(
        "the bandwidth factor \(f) makes the kernel's covariance (the data's × factor²) overflow or vanish; use a factor nearer 1 (Scott's rule gives \(MultivariateKDE.ruleFactor(.scott, sampleSize: n, dimension: d) ?? 1))")
    }
    self.sample = sample
    factor = f
    self.rule = rule
    covariance = kernel
    inverseCholesky = LinearAlgebra.lowerInverse(l, dimension: d)
    logNorm = -_log(Double(n)) - Double(d) * logSqrtTwoPi - LinearAlgebra.logDiagonalSum(l, dimension: d)
  }

  /// The density at `x`: `1/n Σ N(x; xᵢ, H)`.
  public func density(at x: [Double]) -> Double { densities(at: [x])[0] }

  /// The density at each point (exact), eight data points at a time.
  public func densities(at points: [[Double]], threads: Int? = nil) -> [Double] {
    let n = sample.count, d = sample.dimension
    var out = [Double](repeating: 0, count: points.count)
    let norm = _exp(logNorm)
    let blocks = (points.count + 63) / 64
    let threadCount = EMKernel.threads(for: points.count * n / 64, requested: threads)
    sample.values.withUnsafeBufferPointer { values in
      inverseCholesky.withUnsafeBufferPointer { l in
        out.withUnsafeMutableBufferPointer { out in
          let shared = UnsafeSendable((values, l, out))
          parallelForEach(blocks, threads: threadCount) { b in
            let (values, l, out) = shared.value
            guard let first = values.baseAddress else { return }
            var e = [Vector8](repeating: Vector8(), count: d)
            for p in (b * 64)..<Swift.min((b + 1) * 64, points.count) {
              let x = points[p]
              var total = Vector8()
              var i = 0
              while i < n {
                let lanes = Swift.min(8, n - i)
                for a in 0..<d {
                  var v = Vector8(repeating: x[a])
                  if lanes == 8 {
                    v -= UnsafeRawPointer(first + a * n + i).loadUnaligned(as: Vector8.self)
                  } else {
                    for lane in 0..<8 { v[lane] -= values[a * n + i + Swift.min(lane, lanes - 1)] }
                  }
                  e[a] = v
                }
                var q = Vector8()
                for a in 0..<d {
                  var t = Vector8()
                  for c in 0...a { t = t + e[c] * l[a * d + c] }
                  q = q + t * t
                }
                var k = VectorMath.expOfNonPositive(-0.5 * q)
                if lanes < 8 { for lane in lanes..<8 { k[lane] = 0 } }
                total += k
                i += 8
              }
              out[p] = Statistics.lanes(total) * norm
            }
          }
        }
      }
    }
    return out
  }

  /// The estimate on the grid `x × y` (d = 2 only): `values[iy · nx + ix]`, exactly when
  /// `n · nx · ny` ≤ ``exactWorkLimit`` (or asked), otherwise binned (``BinnedKDE2D``) with
  /// its error bound.
  public func densityOnGrid(x: [Double], y: [Double], method: KDEMethod = .automatic) -> GridDensity2D {
    precondition(sample.dimension == 2, "a grid density needs d = 2")
    let exact: Bool
    switch method {
    case .exact: exact = true
    case .binned: exact = x.count < 2 || y.count < 2
    case .automatic: exact = x.count < 2 || y.count < 2 || sample.count * x.count * y.count <= Self.exactWorkLimit
    }
    if exact {
      let points = y.flatMap { yv in x.map { [$0, yv] } }
      return GridDensity2D(x: x, y: y, values: densities(at: points), method: .exact, errorBound: 0)
    }
    return BinnedKDE2D.evaluate(self, x: x, y: y)
  }

  /// Up to this many kernel evaluations the automatic method is exact.
  public static let exactWorkLimit = 20_000_000
}

/// A 2-D estimate on a grid.
public struct GridDensity2D: Sendable, Equatable {
  public var x: [Double]
  public var y: [Double]
  /// `values[iy · x.count + ix]`.
  public var values: [Double]
  /// `exact` or `binned`.
  public var method: KDEMethod
  /// A bound on `|binned − exact|` at every grid point (0 when exact).
  public var errorBound: Double
}

/// The binned 2-D estimate: the points are spread onto a fine grid (subdividing the output
/// grid) by bilinear binning in fixed point, then convolved directly with the full-covariance
/// kernel truncated at Mahalanobis radius ``truncation``.
///
/// The stated error bound is rigorous, rounding aside. Bilinear binning replaces each
/// point's kernel `K(g − ·)` by its bilinear interpolant over the cell holding the point,
/// an error of at most `δₓ²/8 · max|Kₓₓ| + δᵧ²/8 · max|Kᵧᵧ|` over the cell. For a Gaussian
/// with precision `P`, `(P u)ₓ² ≤ Pₓₓ · uᵀPu`, so `|Kₓₓ(u)| ≤ Pₓₓ K(0) g(q)` with
/// `q = uᵀPu` and `g(q) = e^(−q/2) max(1, q)`. Bounding `q` from below over the 2 × 2 cells
/// around each bin (the triangle inequality in the metric `P`) gives an envelope `M` per
/// offset; each point's error is at most the bilinear average of `M` at its cell's corners,
/// so convolving the bin weights with `M` bounds the binning error at every output point.
/// The kernel's tail beyond the truncation, the fixed-point weights and points outside
/// the grid add their own terms.
enum BinnedKDE2D {
  static let truncation = 7.5
  /// Fine cells per kernel standard deviation along each axis, at least (when the fine
  /// grid stays within ``maximumSide``).
  static let resolution = 8.0
  static let maximumSide = 1024
  static let unit = 4_294_967_296.0

  static func evaluate(_ kde: MultivariateKDE, x: [Double], y: [Double]) -> GridDensity2D {
    let h = kde.covariance
    let sx = h[0].squareRoot(), sy = h[3].squareRoot()
    let nx = x.count, ny = y.count
    let dx = (x[nx - 1] - x[0]) / Double(nx - 1), dy = (y[ny - 1] - y[0]) / Double(ny - 1)
    func subdivision(_ spacing: Double, _ sd: Double, _ points: Int) -> Int {
      let wanted = Swift.max(1, Int(clamping: (resolution * spacing / sd).rounded(.up), nan: 1))
      return Swift.max(1, Swift.min(wanted, (maximumSide - 1) / Swift.max(points - 1, 1)))
    }
    let subX = subdivision(dx, sx, nx), subY = subdivision(dy, sy, ny)
    let fx = (nx - 1) * subX + 1, fy = (ny - 1) * subY + 1
    let deltaX = dx / Double(subX), deltaY = dy / Double(subY)
    // Fixed-point bilinear weights; a point outside the grid falls into no bin, and the
    // bound grows by the most it could have added, K(0)/n.
    var dropped = 0
    var weights = [UInt64](repeating: 0, count: fx * fy)
    let n = kde.sample.count
    let values = kde.sample.values
    for i in 0..<n {
      let px = (values[i] - x[0]) / deltaX, py = (values[n + i] - y[0]) / deltaY
      guard px >= 0, py >= 0, px <= Double(fx - 1), py <= Double(fy - 1) else {
        dropped += 1
        continue
      }
      let ix = Swift.min(Int(px), fx - 2 < 0 ? 0 : fx - 2), iy = Swift.min(Int(py), fy - 2 < 0 ? 0 : fy - 2)
      let ux = UInt64((px - Double(ix)) * unit), uy = UInt64((py - Double(iy)) * unit)
      let vx = UInt64(unit) - ux, vy = UInt64(unit) - uy
      // Products in units of 2⁻⁶⁴ rounded to 2⁻³²: exact integers whatever the order.
      func add(_ cx: Int, _ cy: Int, _ wx: UInt64, _ wy: UInt64) {
        guard cx < fx, cy < fy else { return }
        weights[cy * fx + cx] &+= (wx &* wy) >> 32
      }
      add(ix, iy, vx, vy)
      add(ix + 1, iy, ux, vy)
      add(ix, iy + 1, vx, uy)
      add(ix + 1, iy + 1, ux, uy)
    }
    // The kernel on fine-grid offsets within the truncation ellipse's bounding box.
    let l = kde.inverseCholesky
    // Offsets beyond the fine grid meet no bin: the kernel is never wider than the grid,
    // however large the bandwidth (the grid may be narrower than the kernel with cut 0).
    let rx = Int(clamping: (truncation * sx / deltaX).rounded(.up), to: 0...(fx - 1), nan: fx - 1)
    let ry = Int(clamping: (truncation * sy / deltaY).rounded(.up), to: 0...(fy - 1), nan: fy - 1)
    let peak = _exp(kde.logNorm)  // K(0) / n
    func norm(_ ux: Double, _ uy: Double) -> Double {
      let t0 = l[0] * ux, t1 = l[2] * ux + l[3] * uy
      return (t0 * t0 + t1 * t1).squareRoot()
    }
    // P = (L⁻¹)ᵀ L⁻¹: Pxx = l00² + l10², Pyy = l11².
    let pxx = l[0] * l[0] + l[2] * l[2], pyy = l[3] * l[3]
    // The largest P-length from a bin to a point of the 2 × 2 cells around it.
    let reach = Swift.max(norm(deltaX, deltaY), norm(deltaX, -deltaY))
    let curvature = (deltaX * deltaX * pxx + deltaY * deltaY * pyy) / 8
    /// sup of g(q') = e^(−q'/2) max(1, q') over q' ≥ q.
    func envelope(_ q: Double) -> Double {
      let g = _exp(-0.5 * q) * Swift.max(1, q)
      return q <= 2 ? Swift.max(g, 2 * _exp(-1)) : g
    }
    var kernel = [Double](repeating: 0, count: (2 * rx + 1) * (2 * ry + 1))
    var bounds = kernel
    for oy in -ry...ry {
      for ox in -rx...rx {
        let r = norm(Double(ox) * deltaX, Double(oy) * deltaY)
        let slot = (oy + ry) * (2 * rx + 1) + ox + rx
        kernel[slot] = r > truncation ? 0 : _exp(-0.5 * r * r) * peak / unit
        let nearest = Swift.max(0, r - reach)
        bounds[slot] = curvature * envelope(nearest * nearest) * peak / unit
      }
    }
    var out = [Double](repeating: 0, count: nx * ny)
    var binning = 0.0
    let width = 2 * rx + 1
    for gy in 0..<ny {
      for gx in 0..<nx {
        let cx = gx * subX, cy = gy * subY
        var s = 0.0, e = 0.0
        for by in Swift.max(0, cy - ry)...Swift.min(fy - 1, cy + ry) {
          let row = (by - cy + ry) * width
          for bx in Swift.max(0, cx - rx)...Swift.min(fx - 1, cx + rx) {
            let w = weights[by * fx + bx]
            if w != 0 {
              s += Double(w) * kernel[row + bx - cx + rx]
              e += Double(w) * bounds[row + bx - cx + rx]
            }
          }
        }
        out[gy * nx + gx] = s
        binning = Swift.max(binning, e)
      }
    }
    // Beyond the truncation (less the reach, for points whose bins straddle it) each point
    // adds at most K(0) e^(−(τ − reach)²/2) / n; each fixed-point weight is short by under
    // 2⁻³², four per point; a dropped point could add K(0) / n.
    let k0 = peak * Double(n)
    let cut = Swift.max(0, truncation - reach)
    let bound = binning * 1.000_001 + k0 * _exp(-cut * cut / 2) + k0 * 4 / unit + peak * Double(dropped)
    return GridDensity2D(x: x, y: y, values: out, method: .binned, errorBound: bound)
  }
}
