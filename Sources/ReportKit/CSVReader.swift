/// Numeric columns read from a CSV file, row-aligned.
package struct CSVColumns: Equatable {
  /// The header names of the columns, in the order asked for.
  package var names: [String]
  /// Per column, the values in file order, without the dropped rows.
  package var values: [[Double]]
  /// The 1-based lines of the rows skipped for a missing value (with `missing: .drop`).
  package var droppedLines: [Int]
}

/// One numeric column read from a CSV file.
package struct CSVColumn: Equatable {
  /// The header name of the column.
  package var name: String
  /// The values, in file order, without the dropped rows.
  package var values: [Double]
  /// The 1-based lines of the rows skipped for a missing value (with `missing: .drop`).
  package var droppedLines: [Int]
}

/// Reads one numeric column of a CSV file (RFC 4180: a header row, fields separated by
/// commas, semicolons or tabs (``CSVDelimiter``, sniffed from the header unless given),
/// optionally in double quotes with `""` for a quote; LF or CRLF line ends; a UTF-8
/// byte-order mark and blank lines are ignored).
///
/// Numbers are read in the C locale (`.` as the decimal point, whatever the delimiter).
/// Missing values are empty cells and the spellings in ``missingMarkers`` (pandas' common
/// ones); infinite values (`inf`, `Infinity`, or a number too large for a double) are
/// always an error. A ``DataTransform`` is applied to each value as it is read, so the
/// column is one array; a kept value it cannot take (≤ 0) is an error. Errors name the
/// line and column (1-based, as editors count them) of the offending cell.
///
/// The file is scanned once, as UTF-8 bytes: only the wanted column's cells are read, and
/// a plain decimal number is converted by an exact fast path (see ``fastNumber(_:_:_:tabsAreSpaces:)``);
/// everything else goes through the cell rules of ``readCell(_:columnName:)``.
enum CSVReader {
  /// Cell texts that mean "no value".
  static let missingMarkers: Set<Substring> = ["NA", "N/A", "n/a", "NaN", "nan", "NAN", "-nan", "-NaN", "null", "NULL", "None", "#N/A", "<NA>"]
  /// Cell texts that spell an infinity.
  static let infinityMarkers: Set<Substring> = ["inf", "Inf", "INF", "infinity", "Infinity", "INFINITY"]

  /// The values of `column`.
  /// - Parameters:
  ///   - text: The file's contents.
  ///   - column: A header name or 0-based index.
  ///   - missing: Whether a missing value stops the run or drops its row.
  ///   - delimiter: How fields are separated; `.auto` sniffs it from the header.
  ///   - transform: Applied to every kept value (which must then be > 0).
  ///   - file: The path to name in messages.
  /// - Throws: ``InputError`` for a missing column, a cell that is not a finite number,
  ///   a missing value (unless dropped), a value the transform cannot take, a malformed
  ///   quote, or a given delimiter the header does not have while it has another.
  static func column(
    _ column: ColumnReference, of text: String, missing: MissingValues = .error, delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil,
    file: String
  ) throws(InputError) -> CSVColumn {
    try single(columns([column], of: text, missing: missing, delimiter: delimiter, transform: transform, file: file))
  }

  /// The values of `columns`, row-aligned: a row with a missing value in any of them is
  /// an error or (with `.drop`) dropped whole.
  static func columns(
    _ columns: [ColumnReference], of text: String, missing: MissingValues = .error, delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil,
    file: String
  ) throws(InputError) -> CSVColumns {
    var text = text
    let result = text.withUTF8 { bytes in
      Result { () throws(InputError) in
        try read(columns, bytes: bytes, release: { _ in }, missing: missing, delimiter: delimiter, transform: transform, file: file)
      }
    }
    return try result.get()
  }

  static func single(_ read: CSVColumns) -> CSVColumn {
    CSVColumn(name: read.names.first ?? "", values: read.values.first ?? [], droppedLines: read.droppedLines)
  }

  /// The values of `column` in a file's bytes, which must be UTF-8 text (the first bad or
  /// NUL byte is named by line and column).
  /// - Parameters:
  ///   - bytes: The file's contents.
  ///   - release: Called with offsets the reader is done with (a mapped file's pages go).
  ///   - column: A header name or 0-based index.
  ///   - missing: Whether a missing value stops the run or drops its row.
  ///   - delimiter: How fields are separated; `.auto` sniffs it from the header.
  ///   - transform: Applied to every kept value (which must then be > 0).
  ///   - file: The path to name in messages.
  static func column(
    _ column: ColumnReference, bytes: UnsafeBufferPointer<UInt8>, release: (Int) -> Void = { _ in }, missing: MissingValues = .error,
    delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil, file: String
  ) throws(InputError) -> CSVColumn {
    single(try columns([column], bytes: bytes, release: release, missing: missing, delimiter: delimiter, transform: transform, file: file))
  }

  /// ``columns(_:of:missing:delimiter:transform:file:)`` on a file's bytes, which must be UTF-8 text.
  static func columns(
    _ columns: [ColumnReference], bytes: UnsafeBufferPointer<UInt8>, release: (Int) -> Void = { _ in }, missing: MissingValues = .error,
    delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil, file: String
  ) throws(InputError) -> CSVColumns {
    if let problem = TextCheck.firstProblem(in: bytes, release: release) {
      throw InputError(file: file, position: problem.position, message: problem.message)
    }
    return try read(columns, bytes: bytes, release: release, missing: missing, delimiter: delimiter, transform: transform, file: file)
  }

  /// The longest field the reader turns into text (a header name, a cell that is not a
  /// plain number): anything longer is not a CSV a person wrote.
  static let fieldLimit = 1 << 20
  /// The longest record (row) the reader takes.
  static let recordLimit = 64 << 20
  /// The most columns a header may have.
  static let columnLimit = 100_000

  /// ``column(_:of:missing:delimiter:transform:file:)`` on the file's UTF-8 bytes.
  ///
  /// Errors come in the order a record-by-record reading gives them: a malformed quote
  /// anywhere in the file first, then an empty file, then a header without the given
  /// delimiter (but with another), then a missing column, then the first bad row. So a bad
  /// row only stops the reading of values; the rest of the file is still checked for
  /// quoting errors before the row's error is thrown. Within a row, a cell that is not a
  /// number (or is missing) comes before a value the transform cannot take.
  private static func read(
    _ columns: [ColumnReference], bytes: UnsafeBufferPointer<UInt8>, release: (Int) -> Void, missing: MissingValues,
    delimiter requested: CSVDelimiter, transform: DataTransform?, file: String
  ) throws(InputError) -> CSVColumns {
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      throw InputError(file: file, position: nil, message: "the file is empty; it needs a header row and at least 2 rows of numbers")
    }
    var s = Scanner(base: base, end: bytes.count, file: file)
    if s.end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
      s.i = 3
      s.lineStart = 3
      s.recordStart = 3
    }
    let powers = powersOfFive
    let end = s.end

    var header: [String]? = nil
    // slotOf[field index]: the position in `columns` of the field, or -1.
    var slotOf: [Int] = []
    let slots = columns.count
    var columnNames = [String](repeating: "", count: slots)
    var values = [[Double]](repeating: [], count: slots)
    // Per slot, in the current row: the field, its line's start and its fast-path value.
    var cells = [Field](repeating: Field(start: 0, end: 0, open: -1, close: -1), count: slots)
    var cellLineStarts = [Int](repeating: 0, count: slots)
    var cellValues = [Double?](repeating: nil, count: slots)
    var rowValues = [Double](repeating: 0, count: slots)
    // The slots in the order their fields come in a row, for messages left to right.
    var fieldOrder: [Int] = []
    var dropped: [Int] = []
    // The first error of the header or a row, thrown once the rest of the file has been
    // checked for quoting errors (which take precedence, as they stop the reading of records).
    var pending: InputError? = nil
    var scratch: [UInt8] = []
    var nextRelease = TextCheck.releaseStep
    // The byte fields end at: the requested delimiter, or the sniffed one once the header is read.
    var delimiter = requested.byte

    return try powers.withUnsafeBufferPointer { (powers) throws(InputError) -> CSVColumns in
      guard let powers = powers.baseAddress else {
        // The table is a constant of 600-odd entries: only a broken build gets here.
        throw InputError(file: file, position: nil, message: "cannot read numbers: this build's table of powers of five is empty; reinstall generate-report")
      }
      while s.i < end {
        if s.i >= nextRelease {
          release(s.lineStart)
          nextRelease = s.i + TextCheck.releaseStep
        }
        let first = base[s.i]
        // A blank line holds no record.
        if first == 0x0A || first == 0x0D {
          s.endRecord()
          continue
        }
        let recordLine = s.line

        guard let header else {
          let counts = s.delimiterCounts()
          var mismatch: CSVDelimiter? = nil
          if requested == .auto {
            delimiter = sniffed(counts).byte
          } else if let index = CSVDelimiter.candidates.firstIndex(of: requested), counts[index] == 0, counts.contains(where: { $0 > 0 }) {
            // The given delimiter is not in the header, and another one is.
            mismatch = sniffed(counts)
          }
          s.delimiter = delimiter
          var fields: [String] = []
          while true {
            let field = try s.scanField()
            guard fields.count < columnLimit else {
              throw InputError(
                file: file, position: s.position(of: field.start),
                message: "the header has more than \(columnLimit) columns; is this a CSV file with a header row?")
            }
            fields.append(String(decoding: s.text(of: field, into: &scratch), as: UTF8.self))
            if s.i < end && base[s.i] == delimiter {
              s.i += 1
              continue
            }
            break
          }
          if let likely = mismatch, let index = CSVDelimiter.candidates.firstIndex(of: likely) {
            let line = String(decoding: UnsafeBufferPointer(start: base + s.recordStart, count: s.i - s.recordStart), as: UTF8.self)
            pending = InputError(
              file: file, position: SourcePosition(line: recordLine, column: 1),
              message: "the header \(Echo.quoted(line)) has no \(requested) but \(counts[index]) \(likely): set \"delimiter\": \(likely) (or \"auto\")")
          }
          s.endRecord()
          header = fields
          slotOf = [Int](repeating: -1, count: fields.count)
          for (slot, column) in columns.enumerated() where pending == nil {
            var index = -1
            switch column {
            case .index(let i):
              if i < fields.count {
                index = i
              } else {
                pending = InputError(
                  file: file, position: SourcePosition(line: recordLine, column: 1),
                  message: "column index \(i) is out of range: the header has \(fields.count) column\(fields.count == 1 ? "" : "s") (0 to \(fields.count - 1))")
              }
            case .name(let name):
              if let i = fields.firstIndex(where: { $0 == name }) {
                index = i
              } else {
                pending = InputError(
                  file: file, position: SourcePosition(line: recordLine, column: 1),
                  message: "no column named \(Echo.quoted(name)); the header has \(Echo.list(fields))\(delimiterHint(fields, besides: delimiter))")
              }
            }
            guard index >= 0 else { continue }
            if slotOf[index] >= 0 {
              pending = InputError(
                file: file, position: SourcePosition(line: recordLine, column: 1),
                message: "column \(Echo.quoted(fields[index])) is asked for twice (as \(columns[slotOf[index]]) and \(column)); name each column once")
              continue
            }
            slotOf[index] = slot
            columnNames[slot] = fields[index]
          }
          fieldOrder = slotOf.filter { $0 >= 0 }
          continue
        }

        if pending != nil {
          // Only the quoting of the rest of the file matters now.
          while true {
            _ = try s.scanField()
            if s.i < end && base[s.i] == delimiter {
              s.i += 1
              continue
            }
            break
          }
          s.endRecord()
          continue
        }

        var count = 0
        for slot in 0..<slots { cellValues[slot] = nil }
        // In a tab-separated file a tab ends a field: it is not a space around a number.
        let tabsAreSpaces = delimiter != 0x09
        while true {
          let slot = count < slotOf.count ? slotOf[count] : -1
          if slot >= 0 {
            cellLineStarts[slot] = s.lineStart
            // A plain number ending at a delimiter or line end is the whole (unquoted) field.
            if let (value, length) = fastNumber(base + s.i, end - s.i, powers, tabsAreSpaces: tabsAreSpaces) {
              let next = s.i + length
              if next == end || base[next] == delimiter || base[next] == 0x0A || base[next] == 0x0D {
                cells[slot] = Field(start: s.i, end: next, open: -1, close: -1)
                cellValues[slot] = value
                s.i = next
              }
            }
            if cellValues[slot] == nil {
              cells[slot] = try s.scanField()
            }
          } else {
            _ = try s.scanField()
          }
          count += 1
          if s.i < end && base[s.i] == delimiter {
            s.i += 1
            continue
          }
          break
        }
        s.endRecord()
        guard count == header.count else {
          pending = InputError(
            file: file, position: SourcePosition(line: recordLine, column: 1),
            message: "this row has \(count) field\(count == 1 ? "" : "s") but the header has \(header.count); every row needs as many fields as the header\(delimiter == 0x2C ? " (a decimal comma as in 1,5 splits a field: write 1.5)" : "")")
          continue
        }
        var dropRow = false
        // The first kept value of the row the transform cannot take: an error once the row
        // is known to be kept and to have no worse problem.
        var untransformable: InputError? = nil
        for slot in fieldOrder where pending == nil {
          let cell = cells[slot]
          var value: Double
          if let fast = cellValues[slot] {
            value = fast
          } else {
            let bytes = s.text(of: cell, into: &scratch)
            if cell.open >= 0, !bytes.isEmpty, let (quoted, length) = bytes.withUnsafeBufferPointer({ b in b.baseAddress.flatMap { fastNumber($0, b.count, powers) } }),
              length == bytes.count
            {
              value = quoted
            } else {
              switch readCell(String(decoding: bytes, as: UTF8.self), columnName: columnNames[slot]) {
              case .value(let read):
                value = read
              case .missing(let what):
                if missing == .model {
                  // Kept as NaN: EM with missing values fits the row's observed cells.
                  rowValues[slot] = .nan
                } else if missing == .drop {
                  dropRow = true
                } else {
                  pending = InputError(
                    file: file, position: SourcePosition(line: recordLine, column: s.column(from: cellLineStarts[slot], to: cell.start)),
                    message: "missing value (\(what)) in column \(Echo.quoted(columnNames[slot])); fill it in, remove the row, or set \"missing\": \"drop\" in the experiment's data to skip such rows\(columnNames.count > 1 ? " (or \"model\" to fit the rows' observed cells)" : "")")
                }
                continue
              case .invalid(let message):
                pending = InputError(
                  file: file, position: SourcePosition(line: recordLine, column: s.column(from: cellLineStarts[slot], to: cell.start)), message: message)
                continue
              }
            }
          }
          if let transform {
            guard value > 0 else {
              if untransformable == nil {
                untransformable = InputError(
                  file: file, position: SourcePosition(line: recordLine, column: s.column(from: cellLineStarts[slot], to: cell.start)),
                  message: "column \(Echo.quoted(columnNames[slot])) has \(Display.exact(value)), \(transform.refusal)")
              }
              continue
            }
            value = transform.apply(value)
          }
          rowValues[slot] = value
        }
        if pending == nil && !dropRow, let untransformable { pending = untransformable }
        if pending != nil { continue }
        if dropRow {
          dropped.append(recordLine)
        } else {
          for slot in 0..<slots { values[slot].append(rowValues[slot]) }
        }
      }
      if let pending { throw pending }
      guard header != nil else {
        throw InputError(file: file, position: nil, message: "the file is empty; it needs a header row and at least 2 rows of numbers")
      }
      return CSVColumns(names: columnNames, values: values, droppedLines: dropped)
    }
  }

  /// The delimiter of a header whose counts of ``CSVDelimiter/candidates`` outside quotes
  /// are `counts`: the most frequent (it splits the header into the most fields), the
  /// earlier candidate on a tie, and a comma when there is none.
  static func sniffed(_ counts: [Int]) -> CSVDelimiter {
    var best = CSVDelimiter.comma
    var most = 0
    for (candidate, count) in zip(CSVDelimiter.candidates, counts) where count > most {
      best = candidate
      most = count
    }
    return best
  }

  /// For a column not found in the header `names`: when the names hold semicolons or tabs
  /// (other than the delimiter), the likelier of them, as a hint to set it; else "".
  static func delimiterHint(_ names: [String], besides delimiter: UInt8) -> String {
    var best: CSVDelimiter? = nil
    var most = 0
    for candidate in [CSVDelimiter.semicolon, .tab] where candidate.byte != delimiter {
      let count = names.reduce(0) { total, name in total + name.utf8.reduce(0) { $0 + ($1 == candidate.byte ? 1 : 0) } }
      if count > most {
        best = candidate
        most = count
      }
    }
    guard let best else { return "" }
    return ", with \(most) \(best) in its names: set \"delimiter\": \(best)"
  }

  /// Whether a cell reads as a number with a decimal comma: `[+-]digits,digits`.
  static func isDecimalComma(_ cell: Substring) -> Bool {
    let unsigned = cell.first == "-" || cell.first == "+" ? cell.dropFirst() : cell
    let parts = unsigned.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
    return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }
  }

  /// Where a field lies in the file's bytes.
  private struct Field {
    /// The offset of the field's first byte (after the delimiter or line end before it).
    var start: Int
    /// The offset of the delimiter, line end or end of file after the field.
    var end: Int
    /// For a quoted field, the offsets of its (last) opening quote and of its closing
    /// quote; the field's text is between them (with `""` for a quote) followed by the
    /// spaces between the closing quote and `end`. -1 for an unquoted field, whose text
    /// is `start..<end`.
    var open: Int
    var close: Int
  }

  /// Walks the fields and records of a file's bytes, keeping the line count.
  ///
  /// A record ends at LF, CRLF or a lone CR outside quotes; inside quotes only an LF
  /// starts a new line. Columns count Unicode scalars from the start of the line (after
  /// a byte-order mark on line 1) and are only worked out for messages.
  private struct Scanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    let file: String
    /// The offset of the next byte to read.
    var i = 0
    /// The 1-based line of byte `i`.
    var line = 1
    /// The offset of the first byte of that line.
    var lineStart = 0
    /// The offset of the current record's first byte.
    var recordStart = 0
    /// The byte that separates fields.
    var delimiter: UInt8 = 0x2C

    init(base: UnsafePointer<UInt8>, end: Int, file: String) {
      self.base = base
      self.end = end
      self.file = file
    }

    /// The 1-based column of the byte at `offset`, on the line that starts at `lineStart`.
    func column(from lineStart: Int, to offset: Int) -> Int {
      var column = 1
      var k = lineStart
      while k < offset {
        // One per Unicode scalar: every byte but UTF-8 continuation bytes.
        if base[k] & 0xC0 != 0x80 { column += 1 }
        k += 1
      }
      return column
    }

    func position(of offset: Int) -> SourcePosition {
      SourcePosition(line: line, column: column(from: lineStart, to: offset))
    }

    func allSpaces(_ from: Int, _ to: Int) -> Bool {
      var k = from
      while k < to {
        if base[k] != 0x20 { return false }
        k += 1
      }
      return true
    }

    /// How often each of ``CSVDelimiter/candidates`` occurs outside quotes in the record
    /// at `i` (every quote opens or closes a quoted text), up to its line end; within
    /// ``CSVReader/recordLimit`` bytes, as a longer record is an error anyway.
    func delimiterCounts() -> [Int] {
      var counts = [0, 0, 0]
      var quoted = false
      var k = i
      let stop = Swift.min(end, i + CSVReader.recordLimit)
      while k < stop {
        let b = base[k]
        if b == 0x22 {
          quoted.toggle()
        } else if !quoted {
          if b == 0x0A || b == 0x0D { break }
          if b == 0x2C {
            counts[0] += 1
          } else if b == 0x3B {
            counts[1] += 1
          } else if b == 0x09 {
            counts[2] += 1
          }
        }
        k += 1
      }
      return counts
    }

    /// "a comma", "a \";\"" or "a tab", for messages.
    var delimiterName: String {
      switch delimiter {
      case 0x3B: "a \";\""
      case 0x09: "a tab"
      default: "a comma"
      }
    }

    func fieldTooLong(_ start: Int) -> InputError {
      InputError(file: file, position: position(of: start), message: "a field longer than \(CSVReader.fieldLimit >> 20) MiB; is this a CSV file?")
    }

    /// Reads the field at `i`, leaving `i` at the delimiter, CR, LF or end of file after it.
    mutating func scanField() throws(InputError) -> Field {
      let start = i
      // Bounds on a field and a record keep the pages a record holds (and the header's
      // names) to a few MiB: past them, the file is not a CSV a person wrote.
      guard start - recordStart <= CSVReader.recordLimit else {
        throw InputError(
          file: file, position: SourcePosition(line: line, column: 1),
          message: "this row is longer than \(CSVReader.recordLimit >> 20) MiB; is this a CSV file with one record per line?")
      }
      let stop = Swift.min(end, start + CSVReader.fieldLimit + 1)
      var k = i
      let delimiter = delimiter
      // Unquoted text; every byte that matters here is at most the delimiter or a quote.
      let top = Swift.max(delimiter, 0x22)
      while k < stop {
        let b = base[k]
        if b > top || (b != delimiter && b != 0x0A && b != 0x0D && b != 0x22) {
          k += 1
          continue
        }
        break
      }
      if k == stop && stop < end { throw fieldTooLong(start) }
      guard k < end && base[k] == 0x22 else {
        i = k
        return Field(start: start, end: k, open: -1, close: -1)
      }
      // A quote may only follow spaces.
      guard allSpaces(start, k) else {
        throw InputError(file: file, position: position(of: k), message: "a quote inside an unquoted field; put the whole field in double quotes and write a quote as \"\"")
      }
      var open = k
      while true {
        let openPosition = (line: line, lineStart: lineStart)
        var close = -1
        k = open + 1
        let quotedStop = Swift.min(end, start + CSVReader.fieldLimit + 1)
        while k < quotedStop {
          let b = base[k]
          if b == 0x22 {
            if k + 1 < end && base[k + 1] == 0x22 {
              k += 2
              continue
            }
            close = k
            break
          }
          if b == 0x0A {
            line += 1
            lineStart = k + 1
          }
          k += 1
        }
        if close < 0 && quotedStop < end { throw fieldTooLong(start) }
        guard close >= 0 else {
          throw InputError(
            file: file, position: SourcePosition(line: openPosition.line, column: column(from: openPosition.lineStart, to: open)),
            message: "unterminated quoted field; add the closing double quote")
        }
        // After the closing quote: spaces (kept in the text), then a delimiter or line end.
        k = close + 1
        var reopened = false
        while k < end {
          let b = base[k]
          if b == 0x20 {
            k += 1
            continue
          }
          if b == delimiter || b == 0x0A || b == 0x0D { break }
          if b == 0x22 {
            // As at the start of a field: a quote may follow a text of only spaces, and
            // starts the field's text afresh.
            guard allSpaces(open + 1, close) else {
              throw InputError(file: file, position: position(of: k), message: "a quote inside an unquoted field; put the whole field in double quotes and write a quote as \"\"")
            }
            open = k
            reopened = true
            break
          }
          throw InputError(file: file, position: position(of: k), message: "unexpected text after a closing quote; a quoted field must end at \(delimiterName) or line end")
        }
        if reopened { continue }
        i = k
        return Field(start: start, end: k, open: open, close: close)
      }
    }

    /// Moves past the CR, LF, CRLF (or end of file) at `i` that ends a record.
    @inline(__always)
    mutating func endRecord() {
      guard i < end else { return }
      if base[i] == 0x0D && i + 1 < end && base[i + 1] == 0x0A {
        i += 2
      } else {
        i += 1
      }
      line += 1
      lineStart = i
      recordStart = i
    }

    /// The text of `field` in UTF-8 (quotes removed and `""` read as a quote).
    func text(of field: Field, into scratch: inout [UInt8]) -> [UInt8] {
      scratch.removeAll(keepingCapacity: true)
      if field.open < 0 {
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + field.start, count: field.end - field.start))
        return scratch
      }
      var k = field.open + 1
      while k < field.close {
        scratch.append(base[k])
        // Inside quotes a quote only occurs doubled.
        k += base[k] == 0x22 ? 2 : 1
      }
      scratch.append(contentsOf: UnsafeBufferPointer(start: base + field.close + 1, count: field.end - field.close - 1))
      return scratch
    }
  }

  private enum Cell {
    case value(Double)
    /// A missing value, described for the message.
    case missing(String)
    /// Not a finite number: the message.
    case invalid(String)
  }

  /// The value of one cell, by the rules for any text: spaces and tabs around it are
  /// ignored; empty and ``missingMarkers`` are missing; ``infinityMarkers`` (signed or not)
  /// and numbers that overflow are infinite; otherwise ``parseNumber(_:)`` decides.
  private static func readCell(_ text: String, columnName: String) -> Cell {
    let cell = text.trimmingCSVSpaces
    if cell.isEmpty || missingMarkers.contains(cell) {
      return .missing(cell.isEmpty ? "an empty cell" : Echo.quoted(cell))
    }
    let unsigned = cell.first == "-" || cell.first == "+" ? cell.dropFirst() : cell
    if infinityMarkers.contains(unsigned) {
      return .invalid("\(Echo.quoted(cell)) in column \(Echo.quoted(columnName)) is infinite; a mixture cannot fit infinite values: correct or remove the row")
    }
    guard let value = parseNumber(cell) else {
      let hint = isDecimalComma(cell) ? " (a decimal comma? numbers must use \".\")" : ""
      return .invalid("\(Echo.quoted(cell)) in column \(Echo.quoted(columnName)) is not a number; use digits with \".\" as the decimal point\(hint)")
    }
    guard value.isFinite else {
      return .invalid("\(Echo.quoted(cell)) in column \(Echo.quoted(columnName)) is too large for a double (it overflows to infinity); rescale the data")
    }
    return .value(value)
  }

  /// A decimal number in the C locale: optional sign, digits with an optional `.`, an
  /// optional exponent. Rejects hex, `inf`, `nan` and locale forms like `1,5`.
  static func parseNumber(_ s: Substring) -> Double? {
    var sawDigit = false
    for (offset, c) in s.unicodeScalars.enumerated() {
      switch c {
      case "0"..."9": sawDigit = true
      case "+", "-", ".", "e", "E": continue
      default: _ = offset; return nil
      }
    }
    return sawDigit ? Double(String(s)) : nil
  }

  // MARK: - Exact fast conversion of plain decimals

  /// The number at the start of `p[0..<count]`: spaces and tabs, a plain decimal
  /// `[+-]digits[.digits][(e|E)[+-]digits]` (or `[+-].digits…`), spaces and tabs; with the
  /// number of bytes these take. With `tabsAreSpaces` false (a tab-separated file) only
  /// spaces are skipped around the number. `nil` if the bytes do not start that way, or for a number
  /// this function cannot prove its answer for (more than 19 significant digits, an
  /// exponent of more than 6 digits, a subnormal or infinite result, a value too close to
  /// a rounding midpoint). A value it returns is bit for bit `Double(String)` of the
  /// number's text (the correctly rounded double), and is finite.
  ///
  /// The caller decides whether the bytes after the number end the cell.
  ///
  /// - The significant digits make an integer `w < 10^19`, and the value is `w × 10^q`.
  /// - With `w ≤ 2^53` and `|q| ≤ 22` both `w` and `10^|q|` are doubles, so one multiply
  ///   or divide, rounded once by IEEE arithmetic, is exact (Clinger's fast path).
  /// - Otherwise `10^q = 5^q × 2^q`, and `5^q = T × 2^e` with `T` in `[2^127, 2^128)`;
  ///   ``powersOfFive`` holds `⌊T⌋` (exact for `0 ≤ q ≤ 55`). With `w` shifted to have
  ///   its top bit set, the exact 192-bit product `P = w × ⌊T⌋` satisfies
  ///   `P ≤ w × T < P + w < P + 2^64`. Rounding to 53 bits only changes at the midpoints
  ///   between doubles, so when no midpoint lies in `[P, P + 2^64)` the rounding of `P`
  ///   is the rounding of the true value (the idea of the Eisel–Lemire algorithm, with
  ///   every doubtful case left to `Double(String)`, as are subnormal and infinite results).
  @inline(__always)
  static func fastNumber(
    _ p: UnsafePointer<UInt8>, _ count: Int, _ powers: UnsafePointer<PowerOfFive>, tabsAreSpaces: Bool = true
  ) -> (value: Double, length: Int)? {
    var k = 0
    while k < count && (p[k] == 0x20 || (tabsAreSpaces && p[k] == 0x09)) { k += 1 }
    guard k < count else { return nil }
    var negative = false
    if p[k] == 0x2D {
      negative = true
      k += 1
    } else if p[k] == 0x2B {
      k += 1
    }
    // All digits go into w (mod 2^64); their count says whether w is exact.
    let digitsStart = k
    var w: UInt64 = 0
    readDigits(p, &k, count, &w)
    var digitCount = k - digitsStart
    var q = 0
    if k < count && p[k] == 0x2E {
      k += 1
      let fractionStart = k
      readDigits(p, &k, count, &w)
      q = fractionStart - k
      digitCount += k - fractionStart
    }
    guard digitCount > 0 else { return nil }
    if digitCount > 19 {
      // Leading zeros add nothing to w.
      var zeros = 0
      var z = digitsStart
      while z < k && (p[z] == 0x30 || p[z] == 0x2E) {
        if p[z] == 0x30 { zeros += 1 }
        z += 1
      }
      guard digitCount - zeros <= 19 else { return nil }
    }
    if k < count && (p[k] | 0x20) == 0x65 {
      k += 1
      var negativeExponent = false
      if k < count && (p[k] == 0x2D || p[k] == 0x2B) {
        negativeExponent = p[k] == 0x2D
        k += 1
      }
      var e = 0
      var exponentDigits = 0
      while k < count {
        let d = p[k] &- 0x30
        if d > 9 { break }
        guard exponentDigits < 6 else { return nil }
        e = e * 10 + Int(d)
        exponentDigits += 1
        k += 1
      }
      guard exponentDigits > 0 else { return nil }
      q += negativeExponent ? -e : e
    }
    while k < count && (p[k] == 0x20 || (tabsAreSpaces && p[k] == 0x09)) { k += 1 }
    guard let value = exactValue(w, q, powers) else { return nil }
    return (negative ? -value : value, k)
  }

  /// Reads decimal digits at `p[k]` on into `w` (mod 2^64), eight at a time while it can.
  @inline(__always)
  static func readDigits(_ p: UnsafePointer<UInt8>, _ k: inout Int, _ count: Int, _ w: inout UInt64) {
    while k + 8 <= count {
      let chunk = UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self).littleEndian
      // Every byte in "0"..."9": no byte reaches 0x80 after adding 0x46 or subtracting 0x30.
      guard ((chunk &+ 0x4646_4646_4646_4646) | (chunk &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { break }
      var x = chunk &- 0x3030_3030_3030_3030
      x = x &* 10 &+ (x >> 8)
      x = (((x & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064) &+ (((x >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
      w = w &* 100_000_000 &+ (x & 0xFFFF_FFFF)
      k += 8
    }
    while k < count {
      let d = p[k] &- 0x30
      if d > 9 { break }
      w = w &* 10 &+ UInt64(d)
      k += 1
    }
  }

  /// `w × 10^q` when it can be shown to be the correctly rounded double (see
  /// ``fastNumber(_:_:_:tabsAreSpaces:)``), finite and not subnormal; `nil` otherwise.
  @inline(__always)
  static func exactValue(_ w: UInt64, _ q: Int, _ powers: UnsafePointer<PowerOfFive>) -> Double? {
    if w == 0 { return 0 }

    if w <= 1 << 53 && q >= -22 && q <= 22 {
      let value = Double(w)
      return q < 0 ? value / exactPowersOfTen[-q] : value * exactPowersOfTen[q]
    }

    guard q >= PowerOfFive.smallest && q <= PowerOfFive.largest else { return nil }
    let power = powers[q - PowerOfFive.smallest]
    let shift = w.leadingZeroBitCount
    let wn = w << shift
    let upper = wn.multipliedFullWidth(by: power.high)
    let lower = wn.multipliedFullWidth(by: power.low)
    // P = hi·2^128 + mid·2^64 + lo, below 2^192.
    let (mid, carry) = upper.low.addingReportingOverflow(lower.high)
    let hi = upper.high &+ (carry ? 1 : 0)
    let lo = lower.low
    // P ≥ 2^190; its top 53 bits are the significand, the bits below them decide the rounding.
    let top = Int(hi >> 63)
    let below = 10 + top
    let half: UInt64 = 1 << (below - 1)
    let rest = hi & ((1 << below) - 1)
    // A midpoint at P, or less than 2^64 above it: leave it to Double(String).
    if rest == half && mid == 0 && lo == 0 { return nil }
    if rest == half - 1 && mid == .max { return nil }
    var significand = hi >> below
    var exponent = 52 + 128 + below + Int(power.exponent) + q - shift + 1023
    guard exponent >= 1 else { return nil }
    if rest >= half {
      significand += 1
      if significand == 1 << 53 {
        significand = 1 << 52
        exponent += 1
      }
    }
    guard exponent <= 2046 else { return nil }
    return Double(bitPattern: (UInt64(exponent) << 52) | (significand & ((1 << 52) - 1)))
  }

  /// 10^0 … 10^22, all exact doubles.
  static let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// `5^q = T × 2^exponent` with `T` in `[2^127, 2^128)`: `⌊T⌋` in two words and the exponent.
  struct PowerOfFive: Equatable {
    var high: UInt64
    var low: UInt64
    var exponent: Int32

    /// The range of `q` in ``powersOfFive``; beyond it every nonzero 19-digit decimal
    /// is subnormal, zero or infinite.
    static let smallest = -342
    static let largest = 308
  }

  /// ``PowerOfFive`` for `q` in `PowerOfFive.smallest…PowerOfFive.largest`, worked out in
  /// exact integer arithmetic once: `5^q` for `q ≥ 0`, and `⌊2^N / 5^-q⌋` for `q < 0`
  /// (with `N` large enough that it has more than 128 bits), each cut to its top 128 bits.
  static let powersOfFive: [PowerOfFive] = {
    /// Bits `offset ..< offset + 128` of the little-endian number `x` (`offset` may be
    /// negative: bits below 0 are zeros).
    func top128(_ x: [UInt64], offset: Int) -> (high: UInt64, low: UInt64) {
      func bit(_ n: Int) -> UInt64 { n < 0 || n >= x.count * 64 ? 0 : (x[n >> 6] >> UInt64(n & 63)) & 1 }
      var high: UInt64 = 0
      var low: UInt64 = 0
      for b in 0..<64 {
        low |= bit(offset + b) << UInt64(b)
        high |= bit(offset + 64 + b) << UInt64(b)
      }
      return (high, low)
    }
    func bitLength(_ x: [UInt64]) -> Int {
      for k in stride(from: x.count - 1, through: 0, by: -1) where x[k] != 0 {
        return k * 64 + 64 - x[k].leadingZeroBitCount
      }
      return 0
    }
    var table: [PowerOfFive] = []
    table.reserveCapacity(PowerOfFive.largest - PowerOfFive.smallest + 1)

    // q < 0: x = ⌊2^N / 5^m⌋ by repeated division by 5 (⌊⌊a/5⌋/5⌋ = ⌊a/25⌋).
    let n = 1088
    var x = [UInt64](repeating: 0, count: n / 64 + 1)
    x[n / 64] = 1
    var negatives: [PowerOfFive] = []
    for _ in 1...(-PowerOfFive.smallest) {
      var remainder: UInt64 = 0
      for k in stride(from: x.count - 1, through: 0, by: -1) {
        (x[k], remainder) = UInt64(5).dividingFullWidth((high: remainder, low: x[k]))
      }
      let cut = bitLength(x) - 128
      let (high, low) = top128(x, offset: cut)
      negatives.append(PowerOfFive(high: high, low: low, exponent: Int32(cut - n)))
    }
    table.append(contentsOf: negatives.reversed())

    // q ≥ 0: x = 5^q exactly.
    x = [1]
    for _ in 0...PowerOfFive.largest {
      let cut = bitLength(x) - 128
      let (high, low) = top128(x, offset: cut)
      table.append(PowerOfFive(high: high, low: low, exponent: Int32(cut)))
      var carry: UInt64 = 0
      for k in x.indices {
        let product = x[k].multipliedFullWidth(by: 5)
        let (sum, overflow) = product.low.addingReportingOverflow(carry)
        x[k] = sum
        carry = product.high &+ (overflow ? 1 : 0)
      }
      if carry != 0 { x.append(carry) }
    }
    return table
  }()
}

extension String {
  /// The text without leading and trailing spaces and tabs.
  var trimmingCSVSpaces: Substring {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return s
  }
}
