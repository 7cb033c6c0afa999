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
