/// Reads one numeric column of a CSV file (RFC 4180: a header row, fields separated by
/// commas, optionally in double quotes with `""` for a quote; LF or CRLF line ends).
///
/// Numbers are read in the C locale (`.` as the decimal point). Errors name the line and
/// column (1-based, as editors count them) of the offending cell.
enum CSVReader {
  /// The values of `column`.
  /// - Parameters:
  ///   - text: The file's contents.
  ///   - column: A header name or 0-based index.
  ///   - file: The path to name in messages.
  /// - Throws: ``InputError`` for a missing column, a cell that is not a number, an empty
  ///   cell, or a malformed quote.
  static func column(_ column: ColumnReference, of text: String, file: String) throws(InputError) -> [Double] {
    var rows = try records(text, file: file)
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
    values.reserveCapacity(rows.count)
    for row in rows {
      // A blank line (trailing or not) holds no record.
      if row.fields.count == 1 && row.fields[0].text.isEmpty && !row.fields[0].quoted { continue }
      guard row.fields.count == header.fields.count else {
        let count = row.fields.count
        throw InputError(
          file: file, position: SourcePosition(line: row.line, column: 1),
          message: "this row has \(count) field\(count == 1 ? "" : "s") but the header has \(header.fields.count); every row needs as many fields as the header (a decimal comma as in 1,5 splits a field: write 1.5)")
      }
      let field = row.fields[index]
      let position = SourcePosition(line: row.line, column: field.column)
      let cell = field.text.trimmingCSVSpaces
      guard !cell.isEmpty else {
        throw InputError(file: file, position: position, message: "empty cell in column \"\(columnName)\"; fill it in or remove the row")
      }
      guard let value = parseNumber(cell), value.isFinite else {
        throw InputError(file: file, position: position, message: "\"\(cell)\" in column \"\(columnName)\" is not a finite number; use digits with \".\" as the decimal point")
      }
      values.append(value)
    }
    return values
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
