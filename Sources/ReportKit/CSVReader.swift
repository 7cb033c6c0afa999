/// One numeric column read from a CSV file.
struct CSVColumn: Equatable {
  /// The header name of the column.
  var name: String
  /// The values, in file order, without the dropped rows.
  var values: [Double]
  /// The 1-based lines of the rows skipped for a missing value (with `missing: .drop`).
  var droppedLines: [Int]
}

/// Reads one numeric column of a CSV file (RFC 4180: a header row, fields separated by
/// commas, optionally in double quotes with `""` for a quote; LF or CRLF line ends; a
/// UTF-8 byte-order mark and blank lines are ignored).
///
/// Numbers are read in the C locale (`.` as the decimal point). Missing values are empty
/// cells and the spellings in ``missingMarkers`` (pandas' common ones); infinite values
/// (`inf`, `Infinity`, or a number too large for a double) are always an error. Errors
/// name the line and column (1-based, as editors count them) of the offending cell.
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
  ///   - file: The path to name in messages.
  /// - Throws: ``InputError`` for a missing column, a cell that is not a finite number,
  ///   a missing value (unless dropped), or a malformed quote.
  static func column(_ column: ColumnReference, of text: String, missing: MissingValues = .error, file: String) throws(InputError) -> CSVColumn {
    var rows = try records(text, file: file)
    // Blank lines (trailing or not) hold no record.
    rows.removeAll { $0.fields.count == 1 && $0.fields[0].text.isEmpty && !$0.fields[0].quoted }
    guard !rows.isEmpty else { throw InputError(file: file, position: nil, message: "the file is empty; it needs a header row and at least 2 rows of numbers") }
    let header = rows.removeFirst()
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
        let names = header.fields.map { "\"\($0.text)\"" }.joined(separator: ", ")
        throw InputError(file: file, position: SourcePosition(line: header.line, column: 1), message: "no column named \"\(name)\"; the header has \(names)")
      }
      index = i
    }
    let columnName = header.fields[index].text
    var values: [Double] = []
    var dropped: [Int] = []
    values.reserveCapacity(rows.count)
    for row in rows {
      guard row.fields.count == header.fields.count else {
        let count = row.fields.count
        throw InputError(
          file: file, position: SourcePosition(line: row.line, column: 1),
          message: "this row has \(count) field\(count == 1 ? "" : "s") but the header has \(header.fields.count); every row needs as many fields as the header (a decimal comma as in 1,5 splits a field: write 1.5)")
      }
      let field = row.fields[index]
      let position = SourcePosition(line: row.line, column: field.column)
      let cell = field.text.trimmingCSVSpaces
      if cell.isEmpty || missingMarkers.contains(cell) {
        if missing == .drop {
          dropped.append(row.line)
          continue
        }
        let what = cell.isEmpty ? "an empty cell" : "\"\(cell)\""
        throw InputError(
          file: file, position: position,
          message: "missing value (\(what)) in column \"\(columnName)\"; fill it in, remove the row, or set \"missing\": \"drop\" in the experiment's data to skip such rows")
      }
      let unsigned = cell.first == "-" || cell.first == "+" ? cell.dropFirst() : cell
      if infinityMarkers.contains(unsigned) {
        throw InputError(
          file: file, position: position,
          message: "\"\(cell)\" in column \"\(columnName)\" is infinite; a mixture cannot fit infinite values: correct or remove the row")
      }
      guard let value = parseNumber(cell) else {
        throw InputError(file: file, position: position, message: "\"\(cell)\" in column \"\(columnName)\" is not a number; use digits with \".\" as the decimal point")
      }
      guard value.isFinite else {
        throw InputError(
          file: file, position: position,
          message: "\"\(cell)\" in column \"\(columnName)\" is too large for a double (it overflows to infinity); rescale the data")
      }
      values.append(value)
    }
    return CSVColumn(name: columnName, values: values, droppedLines: dropped)
  }

  struct Field {
    var text: String
    /// The 1-based column of the field's first character.
    var column: Int
    var quoted: Bool
  }

  struct Record {
    var fields: [Field]
    /// The 1-based line the record starts on.
    var line: Int
  }

  /// Splits `text` into records (a quoted field may span lines).
  static func records(_ text: String, file: String) throws(InputError) -> [Record] {
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
      case ",":
        endField()
        fieldColumn = column + 1
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
            message: "unexpected text after a closing quote; a quoted field must end at a comma or line end")
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
