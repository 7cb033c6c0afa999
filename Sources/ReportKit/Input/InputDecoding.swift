/// The tool's two parsers of user bytes, as one entry point each: what a run does with an
/// experiment file and a data file before any computation. The fuzz harnesses
/// (`Sources/generate-report-fuzz`) drive these, so what they check is what users hit.
package enum InputDecoding {
  /// Decodes an experiment file's bytes: UTF-8 (a bad byte is named by line:column), JSON
  /// with positions, then the config's keys and values.
  /// - Parameters:
  ///   - bytes: The file's contents.
  ///   - file: The path to name in messages; its folder anchors relative data paths.
  /// - Throws: ``InputError`` naming the file, the place and what to do.
  package static func config(_ bytes: [UInt8], file: String) throws(InputError) -> ReportConfig {
    if let problem = bytes.withUnsafeBufferPointer({ TextCheck.firstProblem(in: $0) }) {
      throw InputError(file: file, position: problem.position, message: problem.message)
    }
    return try ReportConfig.decode(String(decoding: bytes, as: UTF8.self), file: file)
  }

  /// Reads one numeric column of a CSV file's bytes, as a run does.
  /// - Parameters:
  ///   - bytes: The file's contents.
  ///   - column: A header name or 0-based index.
  ///   - missing: Whether a missing cell stops the reading or drops its row.
  ///   - delimiter: `data.delimiter`; a run's default sniffs it from the header.
  ///   - transform: `data.transform`, applied to every kept value as it is read.
  ///   - file: The path to name in messages.
  /// - Returns: The column's header name, its values in file order (transformed), and the
  ///   1-based lines of dropped rows.
  /// - Throws: ``InputError`` naming the file, line:column and what to do.
  package static func csvColumn(
    _ bytes: [UInt8], column: ColumnReference, missing: MissingValues, delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil,
    file: String
  ) throws(InputError) -> CSVColumn {
    try bytes.withUnsafeBufferPointer { (buffer) throws(InputError) in
      try CSVReader.column(column, bytes: buffer, missing: missing, delimiter: delimiter, transform: transform, file: file)
    }
  }

  /// Reads several numeric columns of a CSV file's bytes, row-aligned, as a d-dimensional run does.
  package static func csvColumns(
    _ bytes: [UInt8], columns: [ColumnReference], missing: MissingValues, delimiter: CSVDelimiter = .auto, transform: DataTransform? = nil,
    file: String
  ) throws(InputError) -> CSVColumns {
    try bytes.withUnsafeBufferPointer { (buffer) throws(InputError) in
      try CSVReader.columns(columns, bytes: buffer, missing: missing, delimiter: delimiter, transform: transform, file: file)
    }
  }
}
