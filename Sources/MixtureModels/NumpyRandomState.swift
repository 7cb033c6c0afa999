/// numpy's legacy `RandomState`, bit for bit: MT19937 seeded from a 32-bit integer by the
/// `init_genrand` recurrence (what `np.random.seed(s)` does for an integer `s`), doubles from
/// two 32-bit outputs as `((a >> 5) · 2²⁶ + (b >> 6)) / 2⁵³`, and the legacy polar Gaussian,
/// which returns `f·x2` and caches `f·x1` for the next call (the cache persists across
/// calls to `normal`, as numpy's does across `np.random.normal` calls).
///
/// So `np.random.seed(s); np.random.normal(m₁, s₁, n₁); np.random.normal(m₂, s₂, n₂)` and
/// ``normal(mean:sd:)`` called n₁ then n₂ times give the same doubles (numpy's
/// `numpy/random/src/mt19937/mt19937.c` and `src/legacy/legacy-distributions.c`; the
/// logarithm is the C library's, as numpy's is).
public struct NumpyRandomState: Sendable {
  private var key: [UInt32]
  private var position: Int
  private var cachedGauss: Double?

  static let stateLength = 624

  /// The state `np.random.seed(seed)` makes, for `0 ≤ seed < 2³²`.
  public init(seed: UInt32) {
    var key = [UInt32](repeating: 0, count: Self.stateLength)
    var s = seed
    for i in 0..<Self.stateLength {
      key[i] = s
      s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
    }
    self.key = key
    position = Self.stateLength
  }

  /// The next 32-bit output of MT19937.
  public mutating func nextUInt32() -> UInt32 {
    if position >= Self.stateLength { regenerate() }
    var y = key[position]
    position += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  private mutating func regenerate() {
    let n = Self.stateLength, m = 397
    let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7FFF_FFFF, matrix: UInt32 = 0x9908_B0DF
    for i in 0..<n {
      let y = (key[i] & upper) | (key[(i + 1) % n] & lower)
      key[i] = key[(i + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrix)
    }
    position = 0
  }

  /// numpy's `random_sample()`: a double in [0, 1) from two outputs.
  public mutating func uniform() -> Double {
    let a = nextUInt32() >> 5, b = nextUInt32() >> 6
    return (Double(a) * 67_108_864.0 + Double(b)) / 9_007_199_254_740_992.0
  }

  /// numpy's legacy `standard_normal()` (the polar method with its cache).
  public mutating func gauss() -> Double {
    if let cached = cachedGauss {
      cachedGauss = nil
      return cached
    }
    var x1 = 0.0, x2 = 0.0, r2 = 0.0
    repeat {
      x1 = 2 * uniform() - 1
      x2 = 2 * uniform() - 1
      r2 = x1 * x1 + x2 * x2
    } while r2 >= 1 || r2 == 0
    let f = (-2 * _libraryLog(r2) / r2).squareRoot()
    cachedGauss = f * x1
    return f * x2
  }

  /// numpy's legacy `normal(loc, scale)`: `loc + scale · gauss()`.
  public mutating func normal(mean: Double, sd: Double) -> Double {
    mean + sd * gauss()
  }
}
