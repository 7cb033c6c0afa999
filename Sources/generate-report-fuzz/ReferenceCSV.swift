import Foundation
import ReportKit

/// A slow, independent reading of one CSV column by the README's rules, for differential
/// fuzzing of ReportKit's one-pass reader (its exact fast number conversion above all).
///
/// It splits the whole file into records of byte fields first, then converts the wanted
/// cells with `Double(String)`; it keeps no positions or messages, only whether the file
/// is accepted. The rules, as the README and `CSVReader`'s documentation state them:
/// - UTF-8 text (no NUL byte), an optional byte-order mark; records end at LF, CRLF or a
///   lone CR outside quotes; blank lines hold no record; the first record is the header.
/// - The delimiter (`data.delimiter`: `auto` by default) is sniffed from the header line:
///   of comma, semicolon and tab, the one occurring most often outside quotes (a quote
///   toggles in and out), the earlier on a tie, a comma when none does. A given delimiter
///   that the header line lacks outside quotes while it has another is an error.
/// - A field is unquoted text, or spaces then a quoted text (`""` for a quote) then spaces
///   (kept); a quote after unquoted text other than spaces is an error, and so is text
///   after a closing quote. A quoted text of only spaces may be followed by spaces and a
///   new quoted text, which replaces it (the reader's rule for `"" "x"`).
/// - Every row has as many fields as the header. The wanted cell, without spaces and tabs
///   around it, is missing when empty or one of ``missingMarkers``; infinite when it is an
///   ``infinityMarkers`` spelling (signed or not) or overflows; otherwise a number made of
///   digits, signs, `.`, `e` and `E` that `Double(String)` reads. With a transform, a kept
///   value ≤ 0 is an error, and the others are their `log` or `log10`.
///
/// The limits of 100 000 columns and 1 MiB per field lie beyond the fuzzer's input sizes
/// (`-max_len=8192`) and are not modelled.
enum ReferenceCSV {
  /// Why the reference rejects a file.
  struct Failure: Error {
    /// A few words on the rule broken.
    var reason: String
  }

  /// The README's missing-value spellings, and `-NaN`, which the reader also takes.
  static let missingMarkers: Set<[UInt8]> = Set(
    ["NA", "N/A", "n/a", "NaN", "nan", "NAN", "-nan", "-NaN", "null", "NULL", "None", "#N/A", "<NA>"].map { Array($0.utf8) })
  /// The spellings of infinity (without sign).
  static let infinityMarkers: Set<[UInt8]> = Set(["inf", "Inf", "INF", "infinity", "Infinity", "INFINITY"].map { Array($0.utf8) })

  private static let quote: UInt8 = 0x22
  private static let space: UInt8 = 0x20
  private static let tab: UInt8 = 0x09
  private static let lf: UInt8 = 0x0A
  private static let cr: UInt8 = 0x0D

  /// One record: the line it starts on and its fields' texts.
  private struct Record {
    var line: Int
    var fields: [[UInt8]]
  }

  /// The delimiter the header line of `bytes` gives: counts of `,`, `;` and tab outside
  /// quotes on the first line that does not start with a line end (after a byte-order mark).
  static func sniff(_ bytes: some Collection<UInt8>) -> (delimiter: UInt8, counts: [UInt8: Int]) {
    var b = bytes[...]
    if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
    b = b.drop { $0 == lf || $0 == cr }
    var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, tab: 0]
    var inQuotes = false
    for byte in b {
      if byte == quote {
        inQuotes.toggle()
      } else if !inQuotes {
        if byte == lf || byte == cr { break }
        if let c = counts[byte] { counts[byte] = c + 1 }
      }
    }
    var best: UInt8 = 0x2C
    for candidate: UInt8 in [0x3B, tab] where counts[candidate, default: 0] > counts[best, default: 0] { best = candidate }
    return (best, counts)
  }

  /// The column `column` of the CSV file `bytes`, or why it is rejected.
  static func read(
    _ bytes: [UInt8], column: ColumnReference, missing: MissingValues, delimiter given: CSVDelimiter = .auto, transform: DataTransform? = nil
  ) -> Result<Reading, Failure> {
    guard String(validating: bytes, as: UTF8.self) != nil, !bytes.contains(0) else { return .failure(Failure(reason: "not UTF-8 text")) }
    let (sniffed, counts) = sniff(bytes)
    let delimiter = given == .auto ? sniffed : given.byte
    let records: [Record]
    switch self.records(bytes, delimiter: delimiter) {
    case .success(let r): records = r
    case .failure(let f): return .failure(f)
    }
    guard let header = records.first?.fields.map({ String(decoding: $0, as: UTF8.self) }) else {
      return .failure(Failure(reason: "no header"))
    }
    if given != .auto && counts[delimiter, default: 0] == 0 && counts.values.contains(where: { $0 > 0 }) {
      return .failure(Failure(reason: "the header has another delimiter"))
    }
    let wanted: Int
    switch column {
    case .index(let i):
      guard i >= 0 && i < header.count else { return .failure(Failure(reason: "index out of range")) }
      wanted = i
    case .name(let name):
      // String equality, as the reader's: canonically equivalent spellings match.
      guard let i = header.firstIndex(of: name) else { return .failure(Failure(reason: "no such column")) }
      wanted = i
    }
    var reading = Reading(name: header[wanted], values: [], droppedLines: [])
    for record in records.dropFirst() {
      guard record.fields.count == header.count else { return .failure(Failure(reason: "line \(record.line): field count")) }
      var cell = record.fields[wanted][...]
      while let f = cell.first, f == space || f == tab { cell.removeFirst() }
      while let l = cell.last, l == space || l == tab { cell.removeLast() }
      if cell.isEmpty || missingMarkers.contains(Array(cell)) {
        guard missing == .drop else { return .failure(Failure(reason: "line \(record.line): missing value")) }
        reading.droppedLines.append(record.line)
        continue
      }
      let unsigned = cell.first == 0x2B || cell.first == 0x2D ? cell.dropFirst() : cell
      if infinityMarkers.contains(Array(unsigned)) { return .failure(Failure(reason: "line \(record.line): infinite")) }
      let plain = cell.allSatisfy { (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }
      guard plain, cell.contains(where: { (0x30...0x39).contains($0) }), let value = Double(String(decoding: cell, as: UTF8.self)) else {
        return .failure(Failure(reason: "line \(record.line): not a number"))
      }
      guard value.isFinite else { return .failure(Failure(reason: "line \(record.line): overflows")) }
      if let transform {
        guard value > 0 else { return .failure(Failure(reason: "line \(record.line): not > 0 for \(transform.rawValue)")) }
        reading.values.append(transform.apply(value))
        continue
      }
      reading.values.append(value)
    }
    return .success(reading)
  }

  /// The file's records, or the first quoting error.
  private static func records(_ b: [UInt8], delimiter: UInt8) -> Result<[Record], Failure> {
    let n = b.count
    var i = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var line = 1
    var records: [Record] = []
    func isEnd(_ byte: UInt8) -> Bool { byte == delimiter || byte == lf || byte == cr }
    while i < n {
      if b[i] == lf || b[i] == cr {
        i += b[i] == cr && i + 1 < n && b[i + 1] == lf ? 2 : 1
        line += 1
        continue
      }
      var record = Record(line: line, fields: [])
      while true {
        var k = i
        while k < n && !isEnd(b[k]) && b[k] != quote { k += 1 }
        if k < n && b[k] == quote {
          guard b[i..<k].allSatisfy({ $0 == space }) else { return .failure(Failure(reason: "quote in unquoted text")) }
          var open = k
          while true {
            var content: [UInt8] = []
            var j = open + 1
            var closed = false
            while j < n {
              if b[j] == quote {
                if j + 1 < n && b[j + 1] == quote {
                  content.append(quote)
                  j += 2
                  continue
                }
                closed = true
                break
              }
              if b[j] == lf { line += 1 }
              content.append(b[j])
              j += 1
            }
            guard closed else { return .failure(Failure(reason: "unterminated quote")) }
            var m = j + 1
            while m < n && b[m] == space { m += 1 }
            if m < n && b[m] == quote {
              guard content.allSatisfy({ $0 == space }) else { return .failure(Failure(reason: "quote after quoted text")) }
              open = m
              continue
            }
            guard m == n || isEnd(b[m]) else { return .failure(Failure(reason: "text after closing quote")) }
            record.fields.append(content + b[(j + 1)..<m])
            i = m
            break
          }
        } else {
          record.fields.append(Array(b[i..<k]))
          i = k
        }
        if i < n && b[i] == delimiter {
          i += 1
          continue
        }
        break
      }
      if i < n {
        i += b[i] == cr && i + 1 < n && b[i + 1] == lf ? 2 : 1
        line += 1
      }
      records.append(record)
    }
    return .success(records)
  }
}
