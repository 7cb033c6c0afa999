import Foundation
import TestSupport
import Testing

@testable import ReportKit

@Suite struct CSVReaderTests {
  @Test func readsQuotedHeaderByNameLikeTheGalaxyFile() throws {
    let values = try CSVReader.column(.name("velocity"), of: "\"velocity\"\n9172\n9350\n", file: "g.csv")
    #expect(values == CSVColumn(name: "velocity", values: [9172, 9350], droppedLines: []))
  }

  @Test func readsByIndexWithQuotedFieldsCRLFBOMAndTrailingBlankLines() throws {
    let text = "\u{FEFF}\"a, b\",\"say \"\"hi\"\"\",c\r\n\"x,y\",1.5,2\r\n\"z\",\"-3e2\",4\r\n\r\n\r\n"
    #expect(try CSVReader.column(.index(1), of: text, file: "f.csv").values == [1.5, -300])
    #expect(try CSVReader.column(.name("say \"hi\""), of: text, file: "f.csv").values == [1.5, -300])
  }

  @Test func aQuotedFieldMaySpanLines() throws {
    let text = "note,x\n\"two\nlines\",1\nplain,2\n"
    #expect(try CSVReader.column(.name("x"), of: text, file: "f.csv").values == [1, 2])
  }

  @Test func theIrisFileReadsItsPetalLengths() throws {
    let text = try String(decoding: FileAccess().readBytes(repositoryPath("Tests/Fixtures/data/iris.csv")), as: UTF8.self)
    let values = try CSVReader.column(.name("Petal.Length"), of: text, file: "iris.csv").values
    #expect(values.count == 150)
    #expect(values.prefix(3) == [1.4, 1.4, 1.3])
  }

  @Test(arguments: [
    ("x\n1\nabc\n", ColumnReference.index(0), #"f.csv:3:1: "abc" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("a,x\n1,2\n3, 1,5\n", .name("x"), "f.csv:3:1: this row has 3 fields but the header has 2; every row needs as many fields as the header (a decimal comma as in 1,5 splits a field: write 1.5)"),
    ("a,x\n1,2\n\n3,\n", .name("x"), #"f.csv:4:3: missing value (an empty cell) in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("a,x\n1,2\n3,NA\n", .name("x"), #"f.csv:3:3: missing value ("NA") in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("x\n1\n NaN \n", .index(0), #"f.csv:3:1: missing value ("NaN") in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("x\n1\n\"\"\n", .index(0), #"f.csv:3:1: missing value (an empty cell) in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("x\n-Infinity\n", .index(0), #"f.csv:2:1: "-Infinity" in column "x" is infinite; a mixture cannot fit infinite values: correct or remove the row"#),
    ("a,x\n1,2\n3\n", .name("x"), "f.csv:3:1: this row has 1 field but the header has 2; every row needs as many fields as the header (a decimal comma as in 1,5 splits a field: write 1.5)"),
    ("x\ninf\n", .index(0), #"f.csv:2:1: "inf" in column "x" is infinite; a mixture cannot fit infinite values: correct or remove the row"#),
    ("x\n1e999\n", .index(0), #"f.csv:2:1: "1e999" in column "x" is too large for a double (it overflows to infinity); rescale the data"#),
    ("x\n0x10\n", .index(0), #"f.csv:2:1: "0x10" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("a,b\n1,2\n", .name("c"), #"f.csv:1:1: no column named "c"; the header has "a", "b""#),
    ("a,b\n1,2\n", .index(2), "f.csv:1:1: column index 2 is out of range: the header has 2 columns (0 to 1)"),
    ("x\n\"1\n", .index(0), "f.csv:2:1: unterminated quoted field; add the closing double quote"),
    ("x\n\"1\"2\n", .index(0), "f.csv:2:4: unexpected text after a closing quote; a quoted field must end at a comma or line end"),
    ("x\n1\"2\"\n", .index(0), #"f.csv:2:2: a quote inside an unquoted field; put the whole field in double quotes and write a quote as """#),
    ("", .index(0), "f.csv: the file is empty; it needs a header row and at least 2 rows of numbers"),
  ])
  func badCellsNameLineAndColumn(text: String, column: ColumnReference, message: String) {
    do {
      let values = try CSVReader.column(column, of: text, file: "f.csv")
      Issue.record("expected an error, got \(values)")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func dropSkipsMissingValuesAndRecordsTheirLines() throws {
    // Every missing spelling, quoted and unquoted, with CRLF ends, a BOM and trailing blank lines.
    let text = "\u{FEFF}\"id\",\"x\"\r\na,1\r\nb,NA\r\nc,\r\nd,\"\"\r\ne, NaN\r\nf,2.5\r\ng,null\r\nh,N/A\r\ni,-3\r\n\r\n\r\n"
    let column = try CSVReader.column(.name("x"), of: text, missing: .drop, file: "f.csv")
    #expect(column == CSVColumn(name: "x", values: [1, 2.5, -3], droppedLines: [3, 4, 5, 6, 8, 9]))
    // Infinite values are an error even when missing values are dropped.
    #expect(throws: InputError.self) { try CSVReader.column(.name("x"), of: "x\n1\nNA\n+inf\n", missing: .drop, file: "f.csv") }
  }

  @Test(arguments: ["1,5", "1.5.5", "--1", "e5", ".", "nan", "NaN", " "])
  func parseNumberRejectsNonCLocaleForms(_ text: String) {
    #expect(CSVReader.parseNumber(Substring(text)) == nil)
  }

  @Test(arguments: [("1", 1.0), ("-0.5", -0.5), ("+2", 2), (".5", 0.5), ("1e3", 1000), ("2.5E-1", 0.25)])
  func parseNumberReadsDecimals(_ text: String, _ value: Double) {
    #expect(CSVReader.parseNumber(Substring(text)) == value)
  }
}

/// The single-pass reader: its exact number fast path, and agreement with the
/// record-by-record reading it replaced (``ReferenceCSVReader``).
@Suite struct CSVReaderFastPathTests {
  /// `CSVReader.fastNumber` on the whole of `text`: the value when the fast path takes
  /// the text, `nil` when it leaves it to `Double(String)`.
  static func fast(_ text: String) -> Double? {
    let bytes = Array(text.utf8)
    return CSVReader.powersOfFive.withUnsafeBufferPointer { powers in
      bytes.withUnsafeBufferPointer { b -> Double? in
        guard let base = b.baseAddress, let read = CSVReader.fastNumber(base, b.count, powers.baseAddress!), read.length == b.count else { return nil }
        return read.value
      }
    }
  }

  static let boundaryNumbers = [
    // Signs, zeros, leading zeros, a bare point on either side.
    "0", "-0", "+0", "-0.0", "0.000", "0e400", "-0e-400", "1", "+1", "-1", ".5", "5.", "-.5", "+.5e1", "-5.e-1", "0005", "-000.000123", "00012.5000",
    // 15 to 20 and more significant digits.
    "123456789012345", "1234567890123456", "12345678901234567", "123456789012345678", "1234567890123456789", "12345678901234567890",
    "123456789012345678901234567890", "0.000000000000000000001234", "12345678901234567890e-10", "1.00000000000000000000",
    "-0.123456789012345", "-0.1234567890123456", "-0.12345678901234567", "-0.123456789012345678", "-0.1234567890123456789",
    "0.1", "0.3", "0.30000000000000004", "2.220446049250313e-16", "3.0517578125e-05", "7.038531e-26", "123.456e-5", "1E+10", "1e+0", "1e-0", "1e000010",
    // Around 2^53 and 2^64, where w stops being a double and stops fitting a word; exact ties.
    "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995", "18014398509481985", "9007199254740993000",
    "9007199254740993e3", "9007199254740993e-3", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
    "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203126",
    // The ends of Clinger's range, and beyond.
    "1e22", "1e23", "1e-22", "1e-23", "4.35e22", "8.5e-22", "9007199254740991e22", "9007199254740993e22", "9007199254740993e-22", "123456789e-30",
    // The ends of the doubles: largest, smallest normal, subnormals, underflow.
    "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "-1.7976931348623157e308", "2.2250738585072014e-308", "2.2250738585072011e-308",
    "2.2250738585072009e-308", "4.9406564584124654e-324", "5e-324", "1e-320", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
  ]

  @Test(arguments: boundaryNumbers)
  func numbersReadAsDoubleStringDoesBitForBit(_ text: String) throws {
    let expected = try #require(Double(text)).bitPattern
    if let fast = Self.fast(text) {
      #expect(fast.bitPattern == expected)
    }
    // Unquoted, quoted, padded with spaces and tabs, and in a middle column.
    let csv = "x,y\n\(text),1\n\"\(text)\",2\n \t\(text)\t ,3\r\n\" \(text) \" ,4"
    let read = try CSVReader.column(.index(0), of: csv, file: "f.csv")
    #expect(read.values.map(\.bitPattern) == Array(repeating: expected, count: 4))
    let middle = try CSVReader.column(.name("x"), of: "a,x,b\nq,\(text),r\n", file: "f.csv")
    #expect(middle.values.map(\.bitPattern) == [expected])
  }

  @Test func theFastPathTakesPlainDecimalsAndLeavesTheRestToStrtod() {
    for text in ["-0.123456789012345", "-0.1234567890123456", "-0.12345678901234567", "1234567890123456789", "1e24", "1e-23", "1.7976931348623157e308", "2.2250738585072014e-308", "000.1234567890123456789"] {
      #expect(Self.fast(text) != nil, "\(text)")
    }
    // More than 19 significant digits, exact ties (1e23 = 5^23 × 2^23 and 5^23 has 54
    // bits), a subnormal, an overflow, a long exponent.
    for text in ["12345678901234567890", "9007199254740993", "1e23", "5e-324", "2.2250738585072011e-308", "1.7976931348623159e308", "1e0000001"] {
      #expect(Self.fast(text) == nil, "\(text)")
    }
    // Not a plain decimal.
    for text in ["", " ", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1,5", "inf", "nan", "1e5x", "--1", "+-1", "1-", "١"] {
      #expect(Self.fast(text) == nil, "\(text)")
    }
  }

  /// Every power of ten the table covers (and one past each end), with mantissas of 1 to
  /// 19 digits, agrees with `Double(String)`.
  @Test func theFastPathAgreesWithDoubleStringAtEveryPowerOfTen() {
    var random = SplitMix(seed: 7)
    var taken = 0
    for q in (CSVReader.PowerOfFive.smallest - 20)...(CSVReader.PowerOfFive.largest + 20) {
      var mantissas: [UInt64] = [1, 7, 9_007_199_254_740_993, 1_234_567_890_123_456_789, 9_999_999_999_999_999_999]
      mantissas.append(random.next() % 10_000_000_000_000_000_000)
      mantissas.append(random.next() >> 11)
      for w in mantissas {
        for text in ["\(w)e\(q)", "-\(w)e\(q)"] {
          guard let fast = Self.fast(text) else { continue }
          taken += 1
          if fast.bitPattern != Double(text)?.bitPattern {
            Issue.record("\(text): fast path \(fast), Double(String) \(String(describing: Double(text)))")
          }
        }
      }
    }
    #expect(taken > 7000)
  }

  /// The decimal digits of `n × 2^k`, exactly, and the power of ten they are scaled by.
  static func exactDecimal(_ n: UInt64, timesTwoToThe k: Int) -> (digits: String, exponent: Int) {
    // Base-10^9 limbs, least significant first.
    var limbs: [UInt64] = [n % 1_000_000_000, n / 1_000_000_000 % 1_000_000_000, n / 1_000_000_000_000_000_000]
    func multiply(by m: UInt64) {
      var carry: UInt64 = 0
      for i in limbs.indices {
        let product = limbs[i] * m + carry
        limbs[i] = product % 1_000_000_000
        carry = product / 1_000_000_000
      }
      while carry > 0 {
        limbs.append(carry % 1_000_000_000)
        carry /= 1_000_000_000
      }
    }
    // n × 2^k = n × 2^k (k ≥ 0), or n × 5^-k × 10^k.
    var left = abs(k)
    while left > 0 {
      let step = min(left, 13)
      multiply(by: k >= 0 ? 1 << UInt64(step) : (0..<step).reduce(1) { r, _ in r * 5 })
      left -= step
    }
    while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() }
    var digits = String(limbs.last!)
    for limb in limbs.dropLast().reversed() {
      let text = String(limb)
      digits += String(repeating: "0", count: 9 - text.count) + text
    }
    return (digits, min(k, 0))
  }

  /// Texts of 16 to 19 digits just below and just above the midpoints between random
  /// doubles and the next ones up (and the midpoints themselves when that short), where
  /// rounding is hardest to get right.
  @Test func theFastPathAgreesWithDoubleStringNextToMidpoints() {
    var random = SplitMix(seed: 11)
    var taken = 0
    for _ in 0..<1000 {
      let biased = random.next() % 4 == 0 ? [1, 2, 1023, 1075, 2045, 2046][Int(random.next() % 6)] : Int(1 + random.next() % 2046)
      let significand = 1 << 52 | random.next() >> 12
      // The midpoint above significand × 2^(biased - 1075) is (2 significand + 1) × 2^(biased - 1076).
      let (digits, exponent) = Self.exactDecimal(2 * significand + 1, timesTwoToThe: biased - 1076)
      var texts: [String] = []
      for count in 16...19 where count < digits.count {
        let prefix = UInt64(digits.prefix(count))!
        let scale = exponent + digits.count - count
        texts += ["\(prefix)e\(scale)", "\(prefix + 1)e\(scale)"]
      }
      let trimmed = digits.reversed().drop { $0 == "0" }
      if trimmed.count <= 19 {
        texts.append("\(String(trimmed.reversed()))e\(exponent + digits.count - trimmed.count)")
      }
      for text in texts {
        guard let fast = Self.fast(text) else { continue }
        taken += 1
        if fast.bitPattern != Double(text)?.bitPattern {
          Issue.record("\(text): fast path \(fast), Double(String) \(String(describing: Double(text)))")
        }
      }
    }
    #expect(taken > 7000)
  }

  /// The table's `⌊T⌋` with `5^q = T × 2^e`, checked with 128-bit arithmetic where 5^|q| fits.
  @Test func powersOfFiveAreTheTruncatedPowers() {
    func entry(_ q: Int) -> CSVReader.PowerOfFive { CSVReader.powersOfFive[q - CSVReader.PowerOfFive.smallest] }
    var power: UInt128 = 1
    for q in 0...54 {
      // 5^q < 2^128: shifted up to [2^127, 2^128), exactly.
      let shift = power.leadingZeroBitCount
      let t = power << shift
      #expect(entry(q) == CSVReader.PowerOfFive(high: UInt64(t >> 64), low: UInt64(truncatingIfNeeded: t), exponent: Int32(-shift)))
      if q > 0 {
        // 5^-q = T × 2^e: T = ⌊2^-e / 5^q⌋, by long division.
        let e = Int(entry(-q).exponent)
        var remainder: UInt128 = 0
        var quotient: UInt128 = 0
        for bit in stride(from: -e, through: 0, by: -1) {
          remainder = remainder << 1 | (bit == -e ? 1 : 0)
          quotient <<= 1
          if remainder >= power {
            remainder -= power
            quotient |= 1
          }
        }
        #expect(quotient >> 127 == 1)
        #expect(entry(-q).high == UInt64(quotient >> 64) && entry(-q).low == UInt64(truncatingIfNeeded: quotient), "q = \(-q)")
      }
      power *= 5
    }
    #expect(CSVReader.powersOfFive.count == CSVReader.PowerOfFive.largest - CSVReader.PowerOfFive.smallest + 1)
  }

  @Test(arguments: [
    ("1.2.3", #"f.csv:3:3: "1.2.3" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("1e", #"f.csv:3:3: "1e" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("1e+", #"f.csv:3:3: "1e+" in column "x" is not a number; use digits with "." as the decimal point"#),
    (" 0x10 ", #"f.csv:3:3: "0x10" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("1e5 x", #"f.csv:3:3: "1e5 x" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("-", #"f.csv:3:3: "-" in column "x" is not a number; use digits with "." as the decimal point"#),
    (".", #"f.csv:3:3: "." in column "x" is not a number; use digits with "." as the decimal point"#),
    ("\"1.5\"x", "f.csv:3:8: unexpected text after a closing quote; a quoted field must end at a comma or line end"),
    ("1.5\"", #"f.csv:3:6: a quote inside an unquoted field; put the whole field in double quotes and write a quote as """#),
    ("\"1.5 2\"", #"f.csv:3:3: "1.5 2" in column "x" is not a number; use digits with "." as the decimal point"#),
    (" \u{301}5", "f.csv:3:3: \" \u{301}5\" in column \"x\" is not a number; use digits with \".\" as the decimal point"),
    ("1.7976931348623159e308", #"f.csv:3:3: "1.7976931348623159e308" in column "x" is too large for a double (it overflows to infinity); rescale the data"#),
    ("\"-1e400\"", #"f.csv:3:3: "-1e400" in column "x" is too large for a double (it overflows to infinity); rescale the data"#),
    ("+Infinity", #"f.csv:3:3: "+Infinity" in column "x" is infinite; a mixture cannot fit infinite values: correct or remove the row"#),
    ("\t-nan ", #"f.csv:3:3: missing value ("-nan") in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
  ])
  func badNumbersKeepTheirMessages(cell: String, message: String) {
    do {
      let values = try CSVReader.column(.name("x"), of: "a,x\n1,2\n3,\(cell)\n4,5\n", file: "f.csv")
      Issue.record("expected an error, got \(values)")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test(arguments: [
    // Columns count from the line a cell is on, rows from the line their record starts on.
    ("note,x\n\"two\nlines\",abc\n", "f.csv:2:8: \"abc\" in column \"x\" is not a number; use digits with \".\" as the decimal point"),
    // Columns count Unicode scalars, not bytes, and not the byte-order mark.
    ("\u{FEFF}é,x\r\nü,abc\r\n", "f.csv:2:3: \"abc\" in column \"x\" is not a number; use digits with \".\" as the decimal point"),
    // A lone CR ends a line.
    ("x\r1\rabc\r", "f.csv:3:1: \"abc\" in column \"x\" is not a number; use digits with \".\" as the decimal point"),
    // A quoting error anywhere comes before a bad row earlier in the file.
    ("x\n1\nabc\n\"unterminated\n", "f.csv:4:1: unterminated quoted field; add the closing double quote"),
    ("x\n1\n,\n\"1\"2\n", "f.csv:4:4: unexpected text after a closing quote; a quoted field must end at a comma or line end"),
    // Spaces after a closing quote belong to the field, and a header name is not trimmed.
    (" x ,y\n1,2\n", "f.csv:1:1: no column named \"x\"; the header has \" x \", \"y\""),
  ])
  func positionsAndTheOrderOfErrors(text: String, message: String) {
    do {
      let values = try CSVReader.column(.name("x"), of: text, file: "f.csv")
      Issue.record("expected an error, got \(values)")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func oddButValidQuotingReadsAsBefore() throws {
    // Only spaces before a second opening quote: the field starts afresh.
    let text = "x\n\"\" \"4\"\n\" \" \"5\"\n  \"6\"  \n\" 7 \"\nNA\n"
    let read = try CSVReader.column(.name("x"), of: text, missing: .drop, file: "f.csv")
    #expect(read == CSVColumn(name: "x", values: [4, 5, 6, 7], droppedLines: [6]))
    #expect(try CSVReader.column(.index(0), of: "x\n1\n", file: "f.csv") == CSVColumn(name: "x", values: [1], droppedLines: []))
    #expect(try CSVReader.column(.index(0), of: "x", file: "f.csv") == CSVColumn(name: "x", values: [], droppedLines: []))
  }

  @Test func manyRowsReadAsDoubleStringDoes() throws {
    var random = SplitMix(seed: 3)
    var text = "id,x,group\n"
    var expected: [UInt64] = []
    for row in 0..<5000 {
      let bits = random.next()
      let value = row % 2 == 0 ? Double(bitPattern: bits) : (Double(bits >> 11) / 0x1p53 - 0.5) * 1000
      guard value.isFinite else { continue }
      let written = row % 3 == 0 ? "\(value)" : String(format: "%.\(random.next() % 19)g", value)
      text += "\(row),\(written),\(row % 4)\n"
      expected.append(Double(written)!.bitPattern)
    }
    #expect(try CSVReader.column(.name("x"), of: text, file: "f.csv").values.map(\.bitPattern) == expected)
  }

  /// Random texts made of the pieces that matter to CSV reading read exactly as the
  /// record-by-record reader reads them: the same values, dropped lines or message, for
  /// every delimiter (sniffed or given) and with and without a transform.
  @Test func readsRandomTextsAsTheRecordByRecordReaderDoes() {
    let pieces = [
      "x", "1", "2.5", "-3e2", "17.000000000000004", ",", ",", "\n", "\n", "\r\n", "\r", "\"", "\"\"", " ", "\t", "NA", " NaN ", "inf", "-Infinity",
      "1e999", "é", "\u{301}", "\u{FEFF}", "0x10", "1.2.3", "5.", ".5", "null", "1e", "\"1\"", "\"a\nb\"", "😀", "9007199254740993", "5e-324",
      "\" \"", "\"\" ", "\"a\"\"b\"", "\" 7 \"", ";", "\t", "1,5", "0", "-2",
    ]
    let headers = ["x", "a,x", "x,a", "\"x\",a", " x", "a, x,b", "", "a;x", "x\ta", "\"a,b\";x", "\"a;b\",x\tc", "x;a\tb", "a\tx;b"]
    let columns: [ColumnReference] = [.name("x"), .index(0), .index(1), .name(" x"), .index(2)]
    var random = SplitMix(seed: 5)
    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    var seen: [String: Int] = [:]
    // Cells for rows built field by field, so that many files read to their end.
    let cells = [
      "1", "2.5", "-3e2", "0", "-2", " 7 ", "\"4\"", "\" 0.5\"", "1,5", "\"1,5\"", "NA", "", "x", "5e-324", "1e999", "\t8", "9 ", "3", "0.25", "12", "6e1",
      "17.000000000000004", "1e-3", "\"2\"", "8", "9007199254740993",
    ]
    for round in 0..<4000 {
      var text = random.next() % 4 == 0 ? "\u{FEFF}" : ""
      if round % 2 == 0 {
        text += pick(headers) + pick(["\n", "\r\n"])
        for _ in 0..<(random.next() % 16) { text += pick(pieces) }
      } else {
        let separator = pick([",", ";", "\t"])
        let width = 1 + Int(random.next() % 3)
        text += (0..<width).map { pick(["x", "a", " x", "\"x\"", "b\(pick([",", ";", "\t"]))c", "\"b\(pick([",", ";", "\t"]))c\""]) + ($0 == 0 ? "" : "\($0)") }
          .joined(separator: separator) + "\n"
        for _ in 0..<(random.next() % 8) {
          let count = random.next() % 8 == 0 ? width + 1 : width
          text += (0..<count).map { _ in pick(cells) }.joined(separator: random.next() % 16 == 0 ? pick([",", ";", "\t"]) : separator) + pick(["\n", "\r\n", "\r"])
        }
      }
      let column = pick(columns)
      let missing = pick([MissingValues.error, .drop])
      let delimiter = pick([CSVDelimiter.auto, .auto, .comma, .semicolon, .tab])
      let transform = pick([nil, nil, DataTransform.log, .log10])
      let expected = Result { () throws(InputError) in
        try ReferenceCSVReader.column(column, of: text, missing: missing, delimiter: delimiter, transform: transform, file: "f.csv")
      }
      let read = Result { () throws(InputError) in
        try CSVReader.column(column, of: text, missing: missing, delimiter: delimiter, transform: transform, file: "f.csv")
      }
      switch (expected, read) {
      case (.success(let a), .success(let b)) where a.name == b.name && a.values.map(\.bitPattern) == b.values.map(\.bitPattern) && a.droppedLines == b.droppedLines:
        if !a.values.isEmpty && transform != nil { seen["transformed values", default: 0] += 1 }
        if !a.values.isEmpty && (text.contains(";") || text.contains("\t")) { seen["values beside ; or tab", default: 0] += 1 }
      case (.failure(let a), .failure(let b)) where a == b:
        for (what, text) in [
          ("mismatch", "\" (or \"auto\")"), ("names hint", "in its names"), ("transform", "cannot take"), ("decimal comma", "a decimal comma?"),
          ("after quote, not comma", "must end at a \";\"|must end at a tab"),
        ] where text.split(separator: "|").contains(where: { a.message.contains($0) }) {
          seen[what, default: 0] += 1
        }
      default: Issue.record("\(text.debugDescription) \(column) \(missing) \(delimiter) \(String(describing: transform)): expected \(expected), read \(read)")
      }
    }
    // Every new rule was exercised.
    for what in ["transformed values", "values beside ; or tab", "mismatch", "names hint", "transform", "decimal comma", "after quote, not comma"] {
      #expect(seen[what, default: 0] >= 20, "\(what): \(seen[what, default: 0])")
    }
  }
}

/// The reader `CSVReader` replaced, kept as the definition of its behaviour: the whole file
/// split into records of unescaped fields (Unicode scalar by scalar), blank records
/// removed, then the column read row by row. The delimiter is sniffed from the header
/// line's text first (a quote toggles between inside and outside quotes).
private enum ReferenceCSVReader {
  /// The header line (the first line not starting with a line end, after a byte-order
  /// mark) up to its first line end outside quotes, and how often a comma, a semicolon
  /// and a tab occur in it outside quotes.
  static func headerLine(_ text: String) -> (text: String, counts: [Unicode.Scalar: Int]) {
    var scalars = Substring(text).unicodeScalars
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    while let first = scalars.first, first == "\n" || first == "\r" { scalars.removeFirst() }
    var line = String.UnicodeScalarView()
    var counts: [Unicode.Scalar: Int] = [",": 0, ";": 0, "\t": 0]
    var inQuotes = false
    for c in scalars {
      if c == "\"" {
        inQuotes.toggle()
      } else if !inQuotes {
        if c == "\n" || c == "\r" { break }
        if counts[c] != nil { counts[c, default: 0] += 1 }
      }
      line.append(c)
    }
    return (String(line), counts)
  }

  static func column(
    _ column: ColumnReference, of text: String, missing: MissingValues = .error, delimiter given: CSVDelimiter = .auto,
    transform: DataTransform? = nil, file: String
  ) throws(InputError) -> CSVColumn {
    func spelled(_ delimiter: CSVDelimiter) -> Unicode.Scalar { delimiter == .semicolon ? ";" : delimiter == .tab ? "\t" : "," }
    let (line, counts) = headerLine(text)
    // The most frequent, the first of comma, semicolon, tab on a tie, else a comma.
    var sniffed = CSVDelimiter.comma
    for candidate in [CSVDelimiter.semicolon, .tab] where counts[spelled(candidate), default: 0] > counts[spelled(sniffed), default: 0] { sniffed = candidate }
    let delimiter = given == .auto ? sniffed : given
    let d = spelled(delimiter)
    var rows = try records(text, delimiter: d, file: file)
    rows.removeAll { $0.fields.count == 1 && $0.fields[0].text.isEmpty && !$0.fields[0].quoted }
    guard !rows.isEmpty else { throw InputError(file: file, position: nil, message: "the file is empty; it needs a header row and at least 2 rows of numbers") }
    let header = rows.removeFirst()
    if given != .auto, counts[d] == 0, counts.values.contains(where: { $0 > 0 }) {
      throw InputError(
        file: file, position: SourcePosition(line: header.line, column: 1),
        message: "the header \(Echo.quoted(line)) has no \(given) but \(counts[spelled(sniffed), default: 0]) \(sniffed): set \"delimiter\": \(sniffed) (or \"auto\")")
    }
    let index: Int
    switch column {
    case .index(let i):
      guard i < header.fields.count else {
        throw InputError(
          file: file, position: SourcePosition(line: header.line, column: 1),
          message: "column index \(i) is out of range: the header has \(header.fields.count) column\(header.fields.count == 1 ? "" : "s") (0 to \(header.fields.count - 1))")
      }
      index = i
    case .name(let name):
      guard let i = header.fields.firstIndex(where: { $0.text == name }) else {
        let names = Echo.list(header.fields.map(\.text))
        var hint = ""
        var most = 0
        for (candidate, scalar) in [(CSVDelimiter.semicolon, Unicode.Scalar(";")), (.tab, "\t")] where scalar != d {
          let count = header.fields.reduce(0) { $0 + $1.text.unicodeScalars.filter { $0 == scalar }.count }
          if count > most {
            most = count
            hint = ", with \(count) \(candidate) in its names: set \"delimiter\": \(candidate)"
          }
        }
        throw InputError(file: file, position: SourcePosition(line: header.line, column: 1), message: "no column named \(Echo.quoted(name)); the header has \(names)\(hint)")
      }
      index = i
    }
    let columnName = header.fields[index].text
    var values: [Double] = []
    var dropped: [Int] = []
    for row in rows {
      guard row.fields.count == header.fields.count else {
        let count = row.fields.count
        throw InputError(
          file: file, position: SourcePosition(line: row.line, column: 1),
          message: "this row has \(count) field\(count == 1 ? "" : "s") but the header has \(header.fields.count); every row needs as many fields as the header\(d == "," ? " (a decimal comma as in 1,5 splits a field: write 1.5)" : "")")
      }
      let field = row.fields[index]
      let position = SourcePosition(line: row.line, column: field.column)
      let cell = field.text.trimmingCSVSpaces
      if cell.isEmpty || CSVReader.missingMarkers.contains(cell) {
        if missing == .drop {
          dropped.append(row.line)
          continue
        }
        let what = cell.isEmpty ? "an empty cell" : Echo.quoted(cell)
        throw InputError(
          file: file, position: position,
          message: "missing value (\(what)) in column \(Echo.quoted(columnName)); fill it in, remove the row, or set \"missing\": \"drop\" in the experiment's data to skip such rows")
      }
      let unsigned = cell.first == "-" || cell.first == "+" ? cell.dropFirst() : cell
      if CSVReader.infinityMarkers.contains(unsigned) {
        throw InputError(
          file: file, position: position,
          message: "\(Echo.quoted(cell)) in column \(Echo.quoted(columnName)) is infinite; a mixture cannot fit infinite values: correct or remove the row")
      }
      guard let value = CSVReader.parseNumber(cell) else {
        let digits = cell.drop { $0 == "-" || $0 == "+" }.split(separator: ",", omittingEmptySubsequences: false)
        let decimalComma = cell.prefix { $0 == "-" || $0 == "+" }.count <= 1 && digits.count == 2 && digits.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
        throw InputError(
          file: file, position: position,
          message: "\(Echo.quoted(cell)) in column \(Echo.quoted(columnName)) is not a number; use digits with \".\" as the decimal point\(decimalComma ? " (a decimal comma? numbers must use \".\")" : "")")
      }
      guard value.isFinite else {
        throw InputError(
          file: file, position: position,
          message: "\(Echo.quoted(cell)) in column \(Echo.quoted(columnName)) is too large for a double (it overflows to infinity); rescale the data")
      }
      if let transform {
        guard value > 0 else {
          throw InputError(
            file: file, position: position,
            message: "column \(Echo.quoted(columnName)) has \(Display.exact(value)), which \(transform.rawValue) cannot take: transform: \"\(transform.rawValue)\" needs values > 0")
        }
        values.append(transform.apply(value))
        continue
      }
      values.append(value)
    }
    return CSVColumn(name: columnName, values: values, droppedLines: dropped)
  }

  struct Field {
    var text: String
    var column: Int
    var quoted: Bool
  }

  struct Record {
    var fields: [Field]
    var line: Int
  }

  static func records(_ text: String, delimiter: Unicode.Scalar, file: String) throws(InputError) -> [Record] {
    let delimiterName = delimiter == "," ? "a comma" : delimiter == ";" ? "a \";\"" : "a tab"
    var records: [Record] = []
    var fields: [Field] = []
    var field = ""
    var fieldColumn = 1
    var quoted = false
    var inQuotes = false
    var quoteStart = SourcePosition(line: 1, column: 1)
    var line = 1
    var column = 1
    var recordLine = 1
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    var i = 0
    func endField() {
      fields.append(Field(text: field, column: fieldColumn, quoted: quoted))
      field = ""
      quoted = false
    }
    while i < scalars.count {
      let c = scalars[i]
      if inQuotes {
        if c == "\"" {
          if i + 1 < scalars.count && scalars[i + 1] == "\"" {
            field.unicodeScalars.append("\"")
            i += 2
            column += 2
            continue
          }
          inQuotes = false
        } else {
          field.unicodeScalars.append(c)
          if c == "\n" {
            line += 1
            column = 0
          }
        }
        i += 1
        column += 1
        continue
      }
      if c == delimiter {
        endField()
        fieldColumn = column + 1
        i += 1
        column += 1
        continue
      }
      switch c {
      case "\"":
        guard field.allSatisfy({ $0 == " " }) else {
          throw InputError(
            file: file, position: SourcePosition(line: line, column: column),
            message: "a quote inside an unquoted field; put the whole field in double quotes and write a quote as \"\"")
        }
        field = ""
        quoted = true
        inQuotes = true
        quoteStart = SourcePosition(line: line, column: column)
      case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
        break
      case "\n", "\r":
        endField()
        records.append(Record(fields: fields, line: recordLine))
        fields = []
        line += 1
        column = 0
        recordLine = line
        fieldColumn = 1
      default:
        if quoted && c != " " {
          throw InputError(
            file: file, position: SourcePosition(line: line, column: column),
            message: "unexpected text after a closing quote; a quoted field must end at \(delimiterName) or line end")
        }
        field.unicodeScalars.append(c)
      }
      i += 1
      column += 1
    }
    if inQuotes {
      throw InputError(file: file, position: quoteStart, message: "unterminated quoted field; add the closing double quote")
    }
    if !field.isEmpty || quoted || !fields.isEmpty {
      endField()
      records.append(Record(fields: fields, line: recordLine))
    }
    return records
  }
}
