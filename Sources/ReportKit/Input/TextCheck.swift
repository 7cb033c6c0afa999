/// Finds the first byte of a text file that is not text: a byte that breaks UTF-8, or a NUL
/// (which no text file holds; a sparse or binary file starts with them), with its line and
/// column so the message can point at it.
enum TextCheck {
  /// What is wrong at a byte, and where.
  struct Problem: Equatable {
    /// The byte's offset from the start of the file.
    var offset: Int
    /// The 1-based line (lines end at LF) and column (Unicode scalars, as editors count).
    var position: SourcePosition
    /// "a byte that is not UTF-8 (0xFF)" or "a NUL byte".
    var what: String

    /// The sentence for an ``InputError`` of the file.
    var message: String {
      "\(what) at byte \(offset); the file must be UTF-8 text: save it as UTF-8 (or check that it is the right file)"
    }
  }

  /// The first problem in `bytes`, or nil when they are UTF-8 text without NUL bytes.
  /// - Complexity: O(n), eight ASCII bytes at a time.
  /// - Parameters:
  ///   - bytes: The file's contents.
  ///   - release: Called with offsets already checked, so a mapped file's pages can go.
  static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>, release: (Int) -> Void = { _ in }) -> Problem? {
    guard let base = bytes.baseAddress else { return nil }
    let n = bytes.count
    var i = 0
    var nextRelease = releaseStep
    while i < n {
      if i >= nextRelease {
        release(i)
        nextRelease = i + releaseStep
      }
      // Eight plain ASCII bytes, none of them NUL, in one test.
      if i + 8 <= n {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        let high: UInt64 = 0x8080_8080_8080_8080
        let hasZero = (word &- 0x0101_0101_0101_0101) & ~word & high
        if word & high == 0 && hasZero == 0 {
          i += 8
          continue
        }
      }
      let b = base[i]
      if b == 0 { return problem(base, at: i, "a NUL byte", release: release) }
      if b < 0x80 {
        i += 1
        continue
      }
      let length = sequenceLength(base, i, n)
      guard length > 0 else {
        return problem(base, at: i, "a byte that is not UTF-8 (0x\(String(b, radix: 16, uppercase: true)))", release: release)
      }
      i += length
    }
    return nil
  }

  /// How often (in bytes) checked pages are handed back.
  static let releaseStep = 32 << 20

  /// The length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlong forms, no
  /// surrogates, nothing above U+10FFFF), or 0.
  private static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    let b = p[i]
    func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
      i + k < n && p[i + k] >= low && p[i + k] <= high
    }
    switch b {
    case 0xC2...0xDF: return continuation(1) ? 2 : 0
    case 0xE0: return continuation(1, 0xA0) && continuation(2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
    case 0xED: return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
    case 0xF0: return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4: return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default: return 0
    }
  }

  private static func problem(_ p: UnsafePointer<UInt8>, at offset: Int, _ what: String, release: (Int) -> Void) -> Problem {
    var line = 1
    var lineStart = 0
    var nextRelease = releaseStep
    // A second pass from the start, to count lines: its pages go as it passes them.
    for k in 0..<offset {
      if p[k] == 0x0A {
        line += 1
        lineStart = k + 1
      }
      if k == nextRelease {
        release(Swift.min(k, lineStart))
        nextRelease += releaseStep
      }
    }
    var column = 1
    for k in lineStart..<offset where p[k] & 0xC0 != 0x80 { column += 1 }
    // A byte-order mark on line 1 is not a column.
    if line == 1 && offset >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { column -= 1 }
    return Problem(offset: offset, position: SourcePosition(line: line, column: column), what: what)
  }
}
