import Foundation
import ReportKit

/// A CSV target's input: a first byte choosing the column, then the file.
///
/// Printable first bytes `0`…`7` mean the same column for both targets (index k, or the
/// k-th name of the header line), so one seed file serves both.
/// - csv-index: a byte below 0x80 is index `byte % 8`; from 0x80 on, `(byte − 0x80) × 1000`
///   up to 100 000 (the config's largest index), mostly out of range.
/// - csv-name: a byte below 0x80 takes the `byte % 8`-th piece of the file's first line,
///   split at every comma, semicolon or tab, whichever ``ReferenceCSV/sniff(_:)`` finds
///   (one pair of quotes removed, `""` read as `"`), a name that is often
///   in the header and sometimes not; from 0x80 on, the next `byte − 0x80` bytes are the
///   name (malformed UTF-8 repaired) and the file follows them.
struct CSVInput {
  /// The column to read.
  var column: ColumnReference
  /// The file's bytes.
  var file: ArraySlice<UInt8>

  /// Splits a fuzz input.
  init(_ bytes: [UInt8], byName: Bool) {
    guard let selector = bytes.first else {
      column = byName ? .name("") : .index(0)
      file = []
      return
    }
    let rest = bytes.dropFirst()
    if !byName {
      column = .index(selector < 0x80 ? Int(selector % 8) : min(100_000, Int(selector - 0x80) * 1000))
      file = rest
    } else if selector < 0x80 {
      column = .name(Self.naiveHeaderName(Int(selector % 8), of: rest))
      file = rest
    } else {
      let length = min(rest.count, Int(selector - 0x80))
      column = .name(String(decoding: rest.prefix(length), as: UTF8.self))
      file = rest.dropFirst(length)
    }
  }

  /// The `k`-th piece of the first line split at every delimiter (quotes not respected).
  static func naiveHeaderName(_ k: Int, of file: ArraySlice<UInt8>) -> String {
    var line = file
    if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
    line = line.prefix { $0 != 0x0A && $0 != 0x0D }
    let pieces = line.split(separator: ReferenceCSV.sniff(file).delimiter, omittingEmptySubsequences: false)
    var piece = pieces[k % pieces.count]
    if piece.count >= 2, piece.first == 0x22, piece.last == 0x22 { piece = piece.dropFirst().dropLast() }
    var name: [UInt8] = []
    for byte in piece where !(byte == 0x22 && name.last == 0x22) { name.append(byte) }
    return String(decoding: name, as: UTF8.self)
  }
}

/// The CSV targets' checks: each reading's own invariants, the two `missing` modes
/// against each other, both against ``ReferenceCSV``, the sniffed delimiter against the
/// same one given, and a `log` transform against the values read without it.
enum CSVChecks {
  /// csv-columns: the first byte picks two different indices (`byte % 8` and
  /// `(byte / 8) % 8`, the second moved on by one when equal); the rest is the file. A
  /// two-column read must succeed exactly when both one-column reads do, give the same
  /// values bit for bit (missing: error), and drop the union of their dropped rows (drop).
  static func checkColumns(_ bytes: [UInt8], into findings: inout Findings) {
    guard let selector = bytes.first else { return }
    let a = Int(selector % 8)
    var b = Int((selector / 8) % 8)
    if b == a { b = (a + 1) % 8 }
    let file = Array(bytes.dropFirst())
    for mode in [MissingValues.error, .drop] {
      func read(_ columns: [ColumnReference]) -> Result<CSVColumns, InputError> {
        Result { () throws(InputError) in try InputDecoding.csvColumns(file, columns: columns, missing: mode, file: FuzzTarget.csvFile) }
      }
      let both = read([.index(a), .index(b)])
      let first = read([.index(a)]), second = read([.index(b)])
      var f = Findings()
      switch (both, first, second) {
      case (.success(let m), .success(let x), .success(let y)):
        f.expect(m.names == x.names + y.names, "names \(m.names) are not \(x.names + y.names)")
        f.expect(m.values[0].count == m.values[1].count, "columns of \(m.values[0].count) and \(m.values[1].count) rows")
        let union = Array(Set(x.droppedLines + y.droppedLines)).sorted()
        f.expect(m.droppedLines == union, "dropped \(m.droppedLines), the single reads dropped \(union)")
        if mode == .error {
          f.expect(m.values[0].map(\.bitPattern) == x.values[0].map(\.bitPattern), "column \(a) differs from its single read")
          f.expect(m.values[1].map(\.bitPattern) == y.values[0].map(\.bitPattern), "column \(b) differs from its single read")
        }
        for value in m.values.joined() { f.expect(value.isFinite, "value \(value) is not finite") }
      case (.failure(let error), _, _):
        Invariants.check(error, file: FuzzTarget.csvFile, input: file, into: &f)
        if case .success = first, case .success = second, mode == .error {
          f.expect(false, "the two-column read failed (\(error)) where both single reads succeeded")
        }
      case (.success, _, _):
        f.expect(false, "the two-column read succeeded where a single read failed")
      }
      findings.append(contentsOf: f, context: "columns \(a), \(b), missing \(mode.rawValue)")
    }
  }

  /// Reads `input` in both modes and records every broken invariant.
  static func check(_ input: CSVInput, into findings: inout Findings) {
    let bytes = Array(input.file)
    let file = FuzzTarget.csvFile
    let strict = read(bytes, column: input.column, missing: .error)
    let lenient = read(bytes, column: input.column, missing: .drop)

    for (mode, result) in [(MissingValues.error, strict), (.drop, lenient)] {
      var f = Findings()
      switch result {
      case .success(let column):
        Invariants.check(column, input: bytes, into: &f)
        if case .name(let name) = input.column {
          f.expect(column.name == name, "asked for column \(quoted(name)), got \(quoted(column.name))")
        }
        if mode == .error { f.expect(column.droppedLines.isEmpty, "dropped lines \(column.droppedLines) with missing: error") }
      case .failure(let error):
        Invariants.check(error, file: file, input: bytes, into: &f)
      }
      compare(result, with: ReferenceCSV.read(bytes, column: input.column, missing: mode), into: &f)

      // The delimiter the header gives, given explicitly, reads the same as sniffing it.
      let sniffed = CSVDelimiter(byte: ReferenceCSV.sniff(bytes).delimiter) ?? .comma
      let given = read(bytes, column: input.column, missing: mode, delimiter: sniffed)
      switch (result, given) {
      case (.success(let a), .success(let b)):
        f.expect(a == b, "sniffing read \(summary(a)) but \(sniffed) read \(summary(b))")
      case (.failure(let a), .failure(let b)):
        f.expect(a == b, "sniffing failed with \(quoted(a.description)) but \(sniffed) with \(quoted(b.description))")
      case (.success(let a), .failure(let b)):
        f.expect(false, "sniffing read \(summary(a)) but \(sniffed) failed with \(quoted(b.description))")
      case (.failure(let a), .success(let b)):
        f.expect(false, "sniffing failed with \(quoted(a.description)) but \(sniffed) read \(summary(b))")
      }

      // A log transform keeps the reading's rows and takes the log of each value, or fails
      // where a kept value is ≤ 0 (or where the plain reading fails).
      let logged = read(bytes, column: input.column, missing: mode, transform: .log)
      switch (result, logged) {
      case (.success(let plain), .success(let l)):
        f.expect(plain.values.allSatisfy { $0 > 0 }, "log read \(summary(l)) though the values \(summary(plain)) are not all > 0")
        f.expect(
          l == Reading(name: plain.name, values: plain.values.map { DataTransform.log.apply($0) }, droppedLines: plain.droppedLines),
          "log read \(summary(l)), not the log of \(summary(plain))")
      case (.success(let plain), .failure(let e)):
        Invariants.check(e, file: file, input: bytes, into: &f)
        f.expect(!plain.values.allSatisfy { $0 > 0 }, "log failed with \(quoted(e.description)) though every value of \(summary(plain)) is > 0")
      case (.failure, .success(let l)):
        f.expect(false, "log read \(summary(l)) where the plain reading fails")
      case (.failure, .failure):
        break
      }
      compare(logged, with: ReferenceCSV.read(bytes, column: input.column, missing: mode, transform: .log), into: &f)
      findings.append(contentsOf: f, context: "column \(input.column), missing \(mode.rawValue)")
    }

    // "drop" only skips what "error" stops at: the first dropped row is the first error.
    var f = Findings()
    switch (strict, lenient) {
    case (.success(let s), .success(let l)):
      f.expect(l.droppedLines.isEmpty && s == l, "error mode read \(summary(s)) but drop mode \(summary(l))")
    case (.success(let s), .failure(let e)):
      f.expect(false, "error mode read \(summary(s)) but drop mode failed: \(quoted(e.description))")
    case (.failure(let e), .success(let l)):
      f.expect(!l.droppedLines.isEmpty, "drop mode read \(summary(l)) without dropping, but error mode failed: \(quoted(e.description))")
      f.expect(
        e.position?.line == l.droppedLines.first,
        "error mode failed at \(e.position.map(\.description) ?? "no position") but drop mode dropped line \(l.droppedLines.first ?? 0) first: \(quoted(e.description))")
    case (.failure, .failure):
      break
    }
    findings.append(contentsOf: f, context: "column \(input.column), missing error against drop")
  }

  /// `InputDecoding.csvColumn` as a ``Reading``.
  private static func read(
    _ bytes: [UInt8], column: ColumnReference, missing: MissingValues, delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil
  ) -> Result<Reading, InputError> {
    Result { () throws(InputError) in
      let c = try InputDecoding.csvColumn(bytes, column: column, missing: missing, delimiter: delimiter, transform: transform, file: FuzzTarget.csvFile)
      return Reading(name: c.name, values: c.values, droppedLines: c.droppedLines)
    }
  }

  /// Records a disagreement between the reader and the reference.
  private static func compare(_ result: Result<Reading, InputError>, with reference: Result<Reading, ReferenceCSV.Failure>, into findings: inout Findings) {
    switch (result, reference) {
    case (.success(let column), .success(let expected)):
      findings.expect(column == expected, "read \(summary(column)) where the reference reads \(summary(expected))\(firstDifference(column, expected))")
    case (.success(let column), .failure(let why)):
      findings.expect(false, "read \(summary(column)) where the reference fails: \(why.reason)")
    case (.failure(let error), .success(let expected)):
      findings.expect(false, "failed with \(quoted(error.description)) where the reference reads \(summary(expected))")
    case (.failure, .failure):
      break
    }
  }


  /// A short description of a reading, for findings.
  static func summary(_ c: Reading) -> String {
    let shown = c.values.prefix(4).map { "\($0)" }.joined(separator: ", ")
    return "column \(quoted(c.name)): \(c.values.count) values [\(shown)\(c.values.count > 4 ? ", …" : "")], dropped lines \(c.droppedLines.prefix(8))"
  }

  /// The first value that differs, for findings.
  private static func firstDifference(_ a: Reading, _ b: Reading) -> String {
    guard let i = a.values.indices.first(where: { $0 < b.values.count && a.values[$0].bitPattern != b.values[$0].bitPattern }) else { return "" }
    return "; value \(i) is \(a.values[i]) (bits \(hex64(a.values[i].bitPattern))), the reference's \(b.values[i]) (bits \(hex64(b.values[i].bitPattern)))"
  }

  private static func hex64(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}

/// What a CSV reading returned, comparable with the reference's: names and dropped lines
/// equal, and values bit for bit (so 0 and −0 differ).
struct Reading: Equatable {
  /// The column's header name.
  var name: String
  /// The values in file order.
  var values: [Double]
  /// The 1-based lines of dropped rows.
  var droppedLines: [Int]

  static func == (a: Reading, b: Reading) -> Bool {
    a.name == b.name && a.droppedLines == b.droppedLines && a.values.map(\.bitPattern) == b.values.map(\.bitPattern)
  }
}
