/// A seeded, portable pseudo-random source: xoshiro256** (Blackman & Vigna, 2018)
/// whose 256-bit state is filled from the seed by SplitMix64.
///
/// The algorithm is fixed and uses only integer arithmetic, so a seed yields the same
/// stream on every machine and every run. `uniform()` maps the top 53 bits to the open
/// interval (0, 1); `normal()` uses Marsaglia's polar method (rejection from the unit
/// disc, then `sqrt(-2 log s / s)`), which needs only `log` and `sqrt`.
public struct RandomSource: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)
  /// The second normal variate of the last polar-method draw, returned by the next call.
  private var spareNormal: Double?

  /// Creates a source whose stream is determined by `seed` alone.
  public init(seed: UInt64) {
    // SplitMix64's first four outputs from state `seed`.
    let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    state = (Self.mix(seed), Self.mix(seed &+ gamma), Self.mix(seed &+ 2 &* gamma), Self.mix(seed &+ 3 &* gamma))
  }

  /// A source for stream `stream` of `seed`: EM's start number `stream` (1-based) draws
  /// from it, so every restart has its own, reproducible stream, independent of the
  /// data-generation stream `RandomSource(seed: seed)`.
  ///
  /// The stream's seed is `mix(seed ^ mix(stream))`, where `mix` is SplitMix64's output
  /// function applied to its argument plus the golden-ratio increment `0x9E3779B97F4A7C15`.
  public init(seed: UInt64, stream: Int) {
    self.init(seed: Self.mix(seed ^ Self.mix(UInt64(truncatingIfNeeded: stream))))
  }

  /// SplitMix64's output for `x` (one step from state `x`).
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next 64 random bits (xoshiro256**).
  public mutating func next() -> UInt64 {
    let result = rotateLeft(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotateLeft(state.3, 45)
    return result
  }

  /// A uniform draw from the open interval (0, 1): `(k + 0.5) / 2^53` for a 53-bit `k`.
  public mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// A uniform index in `0..<count` (the high word of a 64 × 64-bit product, Lemire's
  /// method without the rejection step: the bias is below `count / 2^64`).
  public mutating func index(below count: Int) -> Int {
    precondition(count > 0, "index(below:) needs a positive count")
    return Int(next().multipliedFullWidth(by: UInt64(count)).high)
  }

  /// A standard normal draw (Marsaglia's polar method).
  public mutating func normal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    while true {
      let u = 2 * uniform() - 1
      let v = 2 * uniform() - 1
      let s = u * u + v * v
      if s > 0 && s < 1 {
        let factor = (-2 * _log(s) / s).squareRoot()
        spareNormal = v * factor
        return u * factor
      }
    }
  }

  /// A normal draw with the given mean and standard deviation.
  public mutating func normal(mean: Double, sd: Double) -> Double {
    mean + sd * normal()
  }

  private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}
