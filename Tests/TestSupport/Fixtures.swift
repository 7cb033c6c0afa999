import Foundation

/// Access to the shared test data in `Tests/Fixtures`.
///
/// The folder is found from this file's own path, so tests read fixtures wherever the
/// package is checked out and whatever the working directory is.
public enum Fixtures {
  /// An error reading or decoding a fixture.
  public enum Failure: Error, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String)
    /// The file is not valid UTF-8.
    case notUTF8(path: String)
    /// A CSV file has no header row or lacks the requested column.
    case missingColumn(file: String, column: String)
    /// A CSV cell is not a number.
    case notANumber(file: String, line: Int, cell: String)

    public var description: String {
      switch self {
      case .unreadable(let path): "cannot read fixture \(path)"
      case .notUTF8(let path): "fixture \(path) is not UTF-8"
      case .missingColumn(let file, let column): "fixture \(file) has no column \"\(column)\""
      case .notANumber(let file, let line, let cell): "fixture \(file), line \(line): \"\(cell)\" is not a number"
      }
    }
  }

  /// The absolute path of `Tests/Fixtures`, derived from this source file's location.
  public static var folder: String {
    // #filePath is …/Tests/TestSupport/Fixtures.swift.
    var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(2)
    return components.joined(separator: "/") + "/Fixtures"
  }

  /// The absolute path of the fixture `name` (relative to `Tests/Fixtures`, e.g. `"data/iris.csv"`).
  public static func path(_ name: String) -> String {
    folder + "/" + name
  }

  /// The bytes of the fixture `name`.
  /// - Throws: ``Failure/unreadable(path:)`` when the file cannot be read.
  public static func data(_ name: String) throws -> [UInt8] {
    let fullPath = path(name)
    guard let contents = FileManager.default.contents(atPath: fullPath) else {
      throw Failure.unreadable(path: fullPath)
    }
    return [UInt8](contents)
  }

  /// The text of the fixture `name`, decoded as UTF-8.
  /// - Throws: ``Failure`` when the file cannot be read or is not UTF-8.
  public static func text(_ name: String) throws -> String {
    let bytes = try data(name)
    guard let string = String(validating: bytes, as: UTF8.self) else {
      throw Failure.notUTF8(path: path(name))
    }
    return string
  }

  /// The fixture `name` parsed by Foundation's `JSONSerialization` (dictionaries, arrays,
  /// `NSNumber`s, strings), independent of the product's own JSON parser.
  ///
  /// Every number is the double nearest to its decimal text. (On Linux, swift-corelibs
  /// `JSONSerialization` returns numbers with 17 significant digits as `NSDecimalNumber`,
  /// whose `doubleValue` can be several ulps off, e.g. `-3.4369144438399415` becomes
  /// `-3.4369144438399433`; those are re-read from their exact decimal string.)
  /// - Throws: ``Failure/unreadable(path:)`` or the serialization error.
  public static func json(_ name: String) throws -> Any {
    exactNumbers(try JSONSerialization.jsonObject(with: Data(data(name)), options: [.fragmentsAllowed]))
  }

  /// `value` with every `NSDecimalNumber` replaced by the nearest double.
  private static func exactNumbers(_ value: Any) -> Any {
    switch value {
    case let decimal as NSDecimalNumber:
      Double(decimal.stringValue).map { NSNumber(value: $0) } ?? decimal
    case let array as [Any]:
      array.map(exactNumbers)
    case let object as [String: Any]:
      object.mapValues(exactNumbers)
    default:
      value
    }
  }

  /// One numeric column of a CSV file in `Tests/Fixtures/data`.
  ///
  /// A deliberately simple reader, independent of the product's CSV reader: the first row
  /// is the header, rows are split on commas, double quotes are stripped, blank lines are
  /// skipped. It is enough for the fixtures, which have no quoted commas.
  /// - Parameters:
  ///   - file: The file name inside `Tests/Fixtures/data`, e.g. `"galaxies.csv"`.
  ///   - column: The header name of the column.
  /// - Returns: The column's values in file order.
  /// - Throws: ``Failure`` when the file is unreadable, lacks the column, or a cell is not a number.
  public static func csvColumn(_ file: String, column: String) throws -> [Double] {
    let lines = try text("data/" + file)
      .split(whereSeparator: \.isNewline)
      .filter { !$0.allSatisfy(\.isWhitespace) }
    func cells(_ line: Substring) -> [String] {
      line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.filter { $0 != "\"" }.trimmingCharacters(in: .whitespaces)
      }
    }
    guard let header = lines.first, let index = cells(header).firstIndex(of: column) else {
      throw Failure.missingColumn(file: file, column: column)
    }
    var values: [Double] = []
    values.reserveCapacity(lines.count - 1)
    for (offset, line) in lines.dropFirst().enumerated() {
      let row = cells(line)
      guard index < row.count, let value = Double(row[index]) else {
        throw Failure.notANumber(file: file, line: offset + 2, cell: index < row.count ? row[index] : "")
      }
      values.append(value)
    }
    return values
  }
}
