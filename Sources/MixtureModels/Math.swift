#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's elementary functions, named once so that the rest of the module
// needs neither Foundation nor a platform import for them.
@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func _log10(_ x: Double) -> Double { log10(x) }

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
