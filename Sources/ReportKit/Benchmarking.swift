/// The parts of a run that `generate-report-bench` times on their own.
public enum Benchmarking {
  /// Reads the file at `path` and parses one column of it as the report does, returning
  /// the number of values.
  public static func readCSVColumn(path: String, column: String) throws -> Int {
    let text = try FileAccess().readText(path)
    return try CSVReader.column(.name(column), of: text, file: path).values.count
  }
}
