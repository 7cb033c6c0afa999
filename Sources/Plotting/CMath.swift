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

/// Cosine (radians).
func cosine(_ x: Double) -> Double { cos(x) }

/// Sine (radians).
func sine(_ x: Double) -> Double { sin(x) }

/// The angle of (x, y) from the positive x axis, in −π…π.
func arcTangent(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

/// √(x² + y²) without undue overflow or underflow.
func hypotenuse(_ x: Double, _ y: Double) -> Double { hypot(x, y) }

/// `x` raised to `y`.
func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
