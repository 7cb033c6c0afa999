/// SHA-256 (FIPS 180-4) in pure Swift, so fingerprints need no platform crypto library.
public enum SHA256 {
  /// Hashes a sequence of bytes.
  /// - Parameters:
  ///   - bytes: The message.
  /// - Returns: The 32-byte digest.
  public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
    // Contiguous input (arrays, mapped files, UTF-8 views of native strings) is hashed
    // block by block straight from its memory; anything else is gathered first.
    if let digest = bytes.withContiguousStorageIfAvailable({ hash(buffer: $0) }) { return digest }
    return Array(bytes).withUnsafeBufferPointer { hash(buffer: $0) }
  }

  /// Hashes contiguous bytes.
  static func hash(buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var hasher = Hasher()
    hasher.update(buffer)
    return hasher.finish()
  }

  /// The round constants where the rounds read them without bounds checks.
  nonisolated(unsafe) static let constants: UnsafeMutablePointer<UInt32> = {
    let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
    for t in 0..<64 { p[t] = roundConstants[t] }
    return p
  }()

  /// A running hash over bytes given in pieces (a mapped file hashed window by window):
  /// whole 64-byte blocks are compressed in place, a partial one waits in `tail`.
  struct Hasher {
    var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
      0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    var tail: [UInt8] = []
    var count: UInt64 = 0

    mutating func update(_ buffer: UnsafeBufferPointer<UInt8>) {
      guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
      count &+= UInt64(buffer.count)
      var start = 0
      if !tail.isEmpty {
        let take = Swift.min(64 - tail.count, buffer.count)
        tail += buffer[0..<take]
        start = take
        if tail.count == 64 {
          let block = tail
          block.withUnsafeBufferPointer { if let p = $0.baseAddress { compress(p) } }
          tail = []
        }
      }
      let whole = (buffer.count - start) / 64
      for i in 0..<whole { compress(base + start + 64 * i) }
      let rest = start + whole * 64
      if rest < buffer.count { tail += buffer[rest...] }
    }

    /// The digest; the hasher is spent.
    mutating func finish() -> [UInt8] {
      // 0x80, zeros to 56 mod 64, and the bit length (big-endian).
      var last = tail
      last.append(0x80)
      while last.count % 64 != 56 { last.append(0) }
      let bitLength = count &* 8
      for shift in stride(from: 56, through: 0, by: -8) { last.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
      last.withUnsafeBufferPointer { t in
        guard let base = t.baseAddress else { return }
        for i in 0..<(t.count / 64) { compress(base + 64 * i) }
      }
      var digest: [UInt8] = []
      digest.reserveCapacity(32)
      for word in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
        for shift in stride(from: 24, through: 0, by: -8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
      }
      return digest
    }

    mutating func compress(_ block: UnsafePointer<UInt8>) {
      // The message schedule on the stack, read without bounds checks.
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
        compress(block, schedule: schedule)
      }
    }

    private mutating func compress(_ block: UnsafePointer<UInt8>, schedule: UnsafeMutableBufferPointer<UInt32>) {
      for t in 0..<16 {
        schedule[t] = UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16 | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
      }
      for t in 16..<64 {
        let w15 = schedule[t - 15], w2 = schedule[t - 2]
        let sigma0 = (w15 >> 7 | w15 << 25) ^ (w15 >> 18 | w15 << 14) ^ (w15 >> 3)
        let sigma1 = (w2 >> 17 | w2 << 15) ^ (w2 >> 19 | w2 << 13) ^ (w2 >> 10)
        schedule[t] = sigma1 &+ schedule[t - 7] &+ sigma0 &+ schedule[t - 16]
      }
      var (a, b, c, d, e, f, g, hh) = h
      for t in 0..<64 {
        let sum1 = (e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)
        let choice = (e & f) ^ (~e & g)
        let temp1 = hh &+ sum1 &+ choice &+ SHA256.constants[t] &+ schedule[t]
        let sum0 = (a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)
        let majority = (a & b) ^ (a & c) ^ (b & c)
        (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ temp1, c, b, a, temp1 &+ sum0 &+ majority)
      }
      h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }
  }

  /// Lowercase hex of a digest.
  static func hex(_ digest: [UInt8]) -> String {
    let digits: [Character] = Array("0123456789abcdef")
    var result = ""
    for byte in digest {
      result.append(digits[Int(byte >> 4)])
      result.append(digits[Int(byte & 0x0F)])
    }
    return result
  }

  /// Hashes a sequence of bytes and returns the digest as lowercase hex.
  /// - Parameters:
  ///   - bytes: The message.
  /// - Returns: 64 lowercase hex digits.
  public static func hexDigest<Bytes: Sequence>(_ bytes: Bytes) -> String
  where Bytes.Element == UInt8 {
    hex(hash(bytes))
  }


  private static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5,
    0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3,
    0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc,
    0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13,
    0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3,
    0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5,
    0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208,
    0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]
}
