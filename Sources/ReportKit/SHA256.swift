/// SHA-256 (FIPS 180-4) in pure Swift, so fingerprints need no platform crypto library.
public enum SHA256 {
  /// Hashes a sequence of bytes.
  /// - Parameters:
  ///   - bytes: The message.
  /// - Returns: The 32-byte digest.
  public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
    var state = State()
    // Contiguous input (arrays, UTF-8 views of native strings) skips the per-byte iterator.
    let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
      for byte in buffer { state.append(byte) }
    }
    if handled == nil {
      for byte in bytes { state.append(byte) }
    }
    return state.finish()
  }

  /// Hashes a sequence of bytes and returns the digest as lowercase hex.
  /// - Parameters:
  ///   - bytes: The message.
  /// - Returns: 64 lowercase hex digits.
  public static func hexDigest<Bytes: Sequence>(_ bytes: Bytes) -> String
  where Bytes.Element == UInt8 {
    let digits: [Character] = Array("0123456789abcdef")
    var result = ""
    result.reserveCapacity(64)
    for byte in hash(bytes) {
      result.append(digits[Int(byte >> 4)])
      result.append(digits[Int(byte & 0x0F)])
    }
    return result
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

  /// The running hash: buffers one 64-byte block and compresses it when full.
  private struct State {
    var hash: [UInt32] = [
      0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
      0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    var block = [UInt8](repeating: 0, count: 64)
    var blockCount = 0
    var messageLength: UInt64 = 0
    var schedule = [UInt32](repeating: 0, count: 64)

    mutating func append(_ byte: UInt8) {
      block[blockCount] = byte
      blockCount += 1
      messageLength &+= 1
      if blockCount == 64 {
        compress()
        blockCount = 0
      }
    }

    mutating func finish() -> [UInt8] {
      // The length is captured before padding, which must not count towards it.
      let bitLength = messageLength &* 8
      append(0x80)
      while blockCount != 56 { append(0) }
      for shift in stride(from: 56, through: 0, by: -8) {
        append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
      }
      var digest: [UInt8] = []
      digest.reserveCapacity(32)
      for word in hash {
        for shift in stride(from: 24, through: 0, by: -8) {
          digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
        }
      }
      return digest
    }

    private mutating func compress() {
      for t in 0..<16 {
        schedule[t] =
          UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16
          | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
      }
      for t in 16..<64 {
        let w15 = schedule[t - 15]
        let w2 = schedule[t - 2]
        let sigma0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
        let sigma1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
        schedule[t] = sigma1 &+ schedule[t - 7] &+ sigma0 &+ schedule[t - 16]
      }
      var a = hash[0]
      var b = hash[1]
      var c = hash[2]
      var d = hash[3]
      var e = hash[4]
      var f = hash[5]
      var g = hash[6]
      var h = hash[7]
      for t in 0..<64 {
        let sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let choice = (e & f) ^ (~e & g)
        let temp1 = h &+ sum1 &+ choice &+ SHA256.roundConstants[t] &+ schedule[t]
        let sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let majority = (a & b) ^ (a & c) ^ (b & c)
        let temp2 = sum0 &+ majority
        h = g
        g = f
        f = e
        e = d &+ temp1
        d = c
        c = b
        b = a
        a = temp1 &+ temp2
      }
      hash[0] &+= a
      hash[1] &+= b
      hash[2] &+= c
      hash[3] &+= d
      hash[4] &+= e
      hash[5] &+= f
      hash[6] &+= g
      hash[7] &+= h
    }

    private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
      x >> n | x << (32 - n)
    }
  }
}
