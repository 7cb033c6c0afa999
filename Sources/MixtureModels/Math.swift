#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The elementary functions every result goes through: ours (VectorMath, one lane), not
// the C library's, whose x86-64 builds choose between FMA and non-FMA versions by the
// processor at run time and disagree in the last bit (glibc's exp, log and pow), so that
// results would depend on the machine.
@inline(__always) func _exp(_ x: Double) -> Double { VectorMath.exp(x) }
@inline(__always) func _log(_ x: Double) -> Double { VectorMath.log(x) }
/// `x^y` for `x > 0` as `exp(y log x)` (relative error about |y log x| ulp: a few ulp for
/// the bandwidth rules' `n^(−1/(d+4))`).
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { VectorMath.exp(y * VectorMath.log(x)) }
@inline(__always) func _log10(_ x: Double) -> Double { VectorMath.log10(x) }
/// The C library's `log`, for ``NumpyRandomState`` only: numpy's legacy normal draws call it,
/// so numpy's own bits (on the same machine) need it too.
@inline(__always) func _libraryLog(_ x: Double) -> Double { log(x) }

/// `log(sqrt(2π))`, the normalising constant of the standard normal log-density.
let logSqrtTwoPi = 0.918_938_533_204_672_741_78

/// `1 / sqrt(2π)`.
let inverseSqrtTwoPi = 0.398_942_280_401_432_677_94

/// The log-density of a normal distribution at `x`.
public func normalLogDensity(_ x: Double, mean: Double, sd: Double) -> Double {
  let z = (x - mean) / sd
  return -0.5 * z * z - _log(sd) - logSqrtTwoPi
}

/// The density of a normal distribution at `x`.
public func normalDensity(_ x: Double, mean: Double, sd: Double) -> Double {
  let z = (x - mean) / sd
  return _exp(-0.5 * z * z) * inverseSqrtTwoPi / sd
}

/// `log(Σ exp(values))`, computed without overflow or underflow to `-inf` when the
/// largest term is finite.
public func logSumExp(_ values: some Collection<Double>) -> Double {
  guard let largest = values.max(), largest.isFinite else {
    return values.max() ?? -.infinity
  }
  var sum = 0.0
  for v in values { sum += _exp(v - largest) }
  return largest + _log(sum)
}
