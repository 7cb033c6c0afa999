#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's math, imported in this one file so the module needs no Foundation.

/// Base-10 logarithm.
func decimalLog(_ x: Double) -> Double { log10(x) }

/// Cosine (radians): ``sineAndCosine(_:)``'s, not the C library's (see there).
func cosine(_ x: Double) -> Double { sineAndCosine(x).cos }

/// Sine (radians): ``sineAndCosine(_:)``'s.
func sine(_ x: Double) -> Double { sineAndCosine(x).sin }

/// Sine and cosine by fdlibm's method, in plain IEEE operations, so that figures' ellipses
/// have the same coordinates on every machine (glibc's x86-64 `sin` and `cos` choose an FMA
/// or a non-FMA version by the processor, and the two differ in the last bit). `x` is
/// reduced by π/2 in three parts (Cody and Waite; exact products for |x| < 2²⁰ π/2, far
/// beyond a figure's angles), then fdlibm's kernels take the remainder and its tail; within
/// 1 ulp. Not finite: NaN.
func sineAndCosine(_ x: Double) -> (sin: Double, cos: Double) {
  guard x.isFinite, abs(x) < 1e6 else { return x.isFinite ? (sin(x), cos(x)) : (.nan, .nan) }
  // Below 2⁻²⁷, sin x rounds to x (its sign kept: sin −0 = −0) and cos x to 1.
  if abs(x) < 7.450_580_596_923_828e-9 { return (x, 1) }
  let n = (x * 0.636_619_772_367_581_382_43).rounded()
  // fdlibm's __ieee754_rem_pio2, two rounds: pio2_1 and pio2_2 are 33 bits each of π/2
  // (so n times either is exact), pio2_2t the rest; y0 + y1 is the remainder.
  let r1 = x - n * 1.570_796_326_734_125_614_17
  let w2 = n * 6.077_100_506_303_965_976_60e-11
  let r2 = r1 - w2
  let w = n * 2.022_266_248_795_950_631_54e-21 - ((r1 - r2) - w2)
  let y0 = r2 - w
  let y1 = (r2 - y0) - w
  let s = kernelSine(y0, y1), c = kernelCosine(y0, y1)
  switch Int(n.truncatingRemainder(dividingBy: 4) + 4) % 4 {
  case 0: return (s, c)
  case 1: return (c, -s)
  case 2: return (-s, -c)
  default: return (-c, s)
  }
}

/// fdlibm's `__kernel_sin` for |x| ≤ π/4 with tail `y`.
private func kernelSine(_ x: Double, _ y: Double) -> Double {
  let z = x * x, v = z * x
  let r = 8.333_333_333_322_489_461_24e-03 + z * (-1.984_126_982_985_794_931_34e-04 + z * (2.755_731_370_707_006_767_89e-06 + z * (-2.505_076_025_340_686_341_95e-08 + z * 1.589_690_995_211_550_102_21e-10)))
  return x - ((z * (0.5 * y - v * r) - y) - v * -1.666_666_666_666_663_243_48e-01)
}

/// fdlibm's `__kernel_cos` for |x| ≤ π/4 with tail `y`.
private func kernelCosine(_ x: Double, _ y: Double) -> Double {
  let z = x * x, w = z * z
  let r = z * (4.166_666_666_666_660_190_37e-02 + z * (-1.388_888_888_887_410_957_49e-03 + z * 2.480_158_728_947_672_941_78e-05))
    + w * w * (-2.755_731_435_139_066_330_35e-07 + z * (2.087_572_321_298_174_827_90e-09 + z * -1.135_964_755_778_819_482_65e-11))
  let hz = 0.5 * z, one = 1 - hz
  return one + (((1 - one) - hz) + (z * r - x * y))
}

/// The angle of (x, y) from the positive x axis, in −π…π.
func arcTangent(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

/// √(x² + y²) without undue overflow or underflow.
func hypotenuse(_ x: Double, _ y: Double) -> Double { hypot(x, y) }

/// `x` raised to `y`.
func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
