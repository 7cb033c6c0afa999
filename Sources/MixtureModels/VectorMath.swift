/// Eight doubles, the width of the vectorised kernels (one AVX-512 register, two AVX2 ones).
public typealias Vector8 = SIMD8<Double>

/// Vectorised elementary functions over ``Vector8``.
///
/// glibc's scalar `exp` and `log` run at about a third of a gigaop per second, and EM
/// spends nearly all its time in them. These are branch-free, work on eight lanes at
/// once, and use only IEEE additions, multiplications and divisions in a fixed order,
/// never a fused multiply-add: without one, code built for any x86-64 or ARM processor
/// computes the same bits, and no build needs processor-specific flags (a fused
/// multiply-add on a processor without one is a slow library call). The tests check them against the C library
/// over the whole range, edges included.
public enum VectorMath {
  /// `exp` of each lane, within 1 ulp of the correctly rounded result for normal
  /// results; results in the subnormal range are rounded once; below −745.2 the result
  /// is 0, above 709.79 it is +∞; NaN gives NaN.
  ///
  /// `x = n ln 2 + r` with `|r| ≤ ln 2 / 2` (``reduce(_:shifter:)``), `exp(r)` by a
  /// degree-11 polynomial (``polynomial(_:)``), then the result is scaled by `2ⁿ` in
  /// two steps, `2^⌊n/2⌋ · 2^(n − ⌊n/2⌋)`, each a normal double, so there is no slow
  /// path and no branch.
  @_transparent
  public static func exp(_ x: Vector8) -> Vector8 {
    // Clamping keeps n within what the two-step scaling represents; NaN compares false
    // and passes through.
    var clamped = x.replacing(with: -746, where: x .< -746)
    clamped.replace(with: 710, where: x .> 710)
    let (t, r) = reduce(clamped, shifter: 6_755_399_441_055_744.0)  // 1.5 · 2⁵²
    let p = polynomial(r)
    let bits = unsafeBitCast(t, to: SIMD8<Int64>.self) &- 0x4338_0000_0000_0000
    let half = bits &>> 1
    let scale1 = unsafeBitCast((half &+ 1023) &<< 52, to: Vector8.self)
    let scale2 = unsafeBitCast((bits &- half &+ 1023) &<< 52, to: Vector8.self)
    return p * scale1 * scale2
  }

  /// `exp` of each lane for `x ≤ 0`, the case of probabilities and kernel weights:
  /// the same bits as ``exp(_:)`` for `x ≥ −708.74` (where `n ≥ −1022`; results below
  /// 2⁻¹⁰²² included), and 0 below, where the true value is under 1.1 · 10⁻³⁰⁸.
  /// NaN gives NaN; positive `x` is not supported.
  ///
  /// Knowing the sign saves the upper clamp, and flushing the deep subnormals lets `2ⁿ`
  /// be made in one step from the bits of the rounding sum: 18 vector operations
  /// instead of 27.
  @_transparent
  public static func expOfNonPositive(_ x: Vector8) -> Vector8 {
    // At −709.1, n = −1023 and 2ⁿ below is built as +0.
    let clamped = x.replacing(with: -709.1, where: x .< -709.1)
    // 1.5 · 2⁵² + 1023: the low bits of t hold n + 1023, the biased exponent of 2ⁿ.
    let (t, r) = reduce(clamped, shifter: 6_755_399_441_056_767.0)
    let scale = unsafeBitCast(unsafeBitCast(t, to: SIMD8<Int64>.self) &<< 52, to: Vector8.self)
    return polynomial(r) * scale
  }

  /// `x = n ln 2 + r`: `t = x / ln 2 + shifter` rounds `n` into the low bits of `t`
  /// (the shifter is `1.5 · 2⁵²`, plus an exponent bias if wanted), and `r` is `x − n ln 2`
  /// with ln 2 in two parts (Cody and Waite), `|r| ≤ ln 2 / 2`.
  @usableFromInline @_transparent
  static func reduce(_ x: Vector8, shifter: Double) -> (t: Vector8, r: Vector8) {
    let shift = Vector8(repeating: shifter)
    let t = shift + x * Vector8(repeating: 1.442_695_040_888_963_4)
    let n = t - shift
    // ln 2 = high + low (fdlibm's split): high has 32 significant bits, so n · high is
    // exact for |n| < 2²¹ and x − n · high is exact (the two are within a factor of two
    // of each other, Sterbenz); only the small n · low term is rounded.
    let high = x - n * Vector8(repeating: 6.931_471_803_691_238_164_90e-01)
    return (t, high - n * Vector8(repeating: 1.908_214_929_270_587_700_02e-10))
  }

  /// `exp(r)` for `|r| ≤ ln 2 / 2`: the degree-11 Chebyshev fit (mpmath's `chebyfit`),
  /// whose error, 4.5 · 10⁻¹⁸ relative, is below 2⁻⁵⁷; Horner form.
  @usableFromInline @_transparent
  static func polynomial(_ r: Vector8) -> Vector8 {
    var p = Vector8(repeating: 2.511_003_760_596_377_7e-08)
    p = Vector8(repeating: 2.763_263_963_904_103e-07) + p * r
    p = Vector8(repeating: 2.755_724_091_857_897e-06) + p * r
    p = Vector8(repeating: 2.480_148_548_232_849_4e-05) + p * r
    p = Vector8(repeating: 1.984_126_989_004_711_3e-04) + p * r
    p = Vector8(repeating: 1.388_888_895_231_477_5e-03) + p * r
    p = Vector8(repeating: 8.333_333_333_319_601e-03) + p * r
    p = Vector8(repeating: 4.166_666_666_648_81e-02) + p * r
    p = Vector8(repeating: 1.666_666_666_666_668e-01) + p * r
    p = Vector8(repeating: 5.000_000_000_000_019e-01) + p * r
    p = Vector8(repeating: 1) + p * r
    return Vector8(repeating: 1) + p * r
  }

  /// ``exp(_:)-swift.type.method`` of one value (the same bits as any lane).
  @inlinable
  public static func exp(_ x: Double) -> Double { exp(Vector8(repeating: x))[0] }

  /// ``log(_:)-swift.type.method`` of one value (the same bits as any lane).
  @inlinable
  public static func log(_ x: Double) -> Double { log(Vector8(repeating: x))[0] }

  /// The base-10 logarithm, `log x / ln 10`, exact for the powers of ten 10⁻²² … 10²² (so
  /// that a `log10` transform of 1000 is 3, not 2.9999999999999996).
  public static func log10(_ x: Double) -> Double {
    let value = log(x) * 0.434_294_481_903_251_827_65
    let k = value.rounded()
    if abs(value - k) < 1e-9, abs(k) <= 22, let e = Int(exactly: k) {
      var power = 1.0
      for _ in 0..<abs(e) { power *= 10 }
      if (e >= 0 ? power : 1 / power) == x { return k }
    }
    return value
  }

  /// `log` of each lane, within 1 ulp for positive finite values (subnormals
  /// included); 0 gives −∞, +∞ gives +∞, negative values and NaN give NaN.
  ///
  /// fdlibm's method: `x = 2ᵏ m` with `√2/2 ≤ m < √2`, `f = m − 1`, `s = f / (2 + f)`,
  /// `log m = f − f²/2 + s (f²/2 + R(s²))` with fdlibm's degree-14 minimax `R`.
  @_transparent
  public static func log(_ x: Vector8) -> Vector8 {
    // Subnormals are scaled into the normal range first.
    let tiny = x .< 2.225_073_858_507_201_4e-308
    let scaled = x.replacing(with: x * 18_014_398_509_481_984.0, where: tiny)  // 2⁵⁴
    let bits = unsafeBitCast(scaled, to: SIMD8<Int64>.self)
    // Subtracting the bits of √2/2 makes the exponent field k for m in [√2/2, √2).
    let k = (bits &- 0x3FE6_A09E_667F_3BCD) &>> 52
    let m = unsafeBitCast(bits &- (k &<< 52), to: Vector8.self)
    // k to a double through the 1.5 · 2⁵² trick (exact for |k| < 2⁵¹), vectorised.
    var exponent = unsafeBitCast(k &+ 0x4338_0000_0000_0000, to: Vector8.self) - 6_755_399_441_055_744.0
    exponent.replace(with: exponent - 54, where: tiny)
    let f = m - 1
    let halfSquare = 0.5 * f * f
    let s = f / (2 + f)
    let z = s * s
    let w = z * z
    let t1 = w * (Vector8(repeating: 3.999_999_999_940_941_908e-01) + w * (Vector8(repeating: 2.222_219_843_214_978_396e-01) + w * Vector8(repeating: 1.531_383_769_920_937_332e-01)))
    let t2 = z * (Vector8(repeating: 6.666_666_666_666_735_130e-01) + w * (Vector8(repeating: 2.857_142_874_366_239_149e-01) + w * (Vector8(repeating: 1.818_357_216_161_805_012e-01) + w * Vector8(repeating: 1.479_819_860_511_658_591e-01))))
    let R = t2 + t1
    var result = s * (halfSquare + R)
    result = result + exponent * Vector8(repeating: 1.908_214_929_270_587_700_02e-10)
    result = result - halfSquare + f
    result = result + exponent * Vector8(repeating: 6.931_471_803_691_238_164_90e-01)
    // Edges: log 0 = −∞, log ∞ = ∞, log of a negative number or NaN is NaN.
    result.replace(with: -.infinity, where: x .== 0)
    result.replace(with: .infinity, where: x .== .infinity)
    result.replace(with: .nan, where: .!(x .>= 0))
    return result
  }
}
