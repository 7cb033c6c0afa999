import Glibc
import ReportKit

/// One fuzz target: a parser of user bytes and the invariants its outcome must keep.
///
/// Both builds of `generate-report-fuzz` use these: libFuzzer's driver (with `-DFUZZING`)
/// turns a broken invariant into a crash it saves, and the replay tool prints it.
enum FuzzTarget: String, CaseIterable, Sendable {
  /// `InputDecoding.config`: UTF-8, the JSON parser and the config's keys and values.
  case config
  /// `InputDecoding.config` of a `.yaml` file: UTF-8, Yams and ``YAMLReader`` (YAML 1.2's
  /// core schema, positions), then the same keys and values.
  case yaml
  /// `InputDecoding.csvColumn` with a column picked by header name.
  case csvName = "csv-name"
  /// `InputDecoding.csvColumn` with a column picked by 0-based index.
  case csvIndex = "csv-index"
  /// `InputDecoding.csvColumns` with two columns (by index) against two single reads.
  case csvColumns = "csv-columns"

  /// The file name the parsers are given; every error must name it.
  static let configFile = "fuzz/experiment.json"
  /// The YAML counterpart of ``configFile``.
  static let yamlFile = "fuzz/experiment.yaml"
  /// The CSV counterpart of ``configFile``.
  static let csvFile = "fuzz/data.csv"

  /// Runs one input through the target.
  ///
  /// For the CSV targets the first byte selects the column (see ``CSVInput``) and the
  /// rest is the file; both `missing` modes read it, and a reference reader too.
  /// - Parameter bytes: The input.
  /// - Returns: The broken invariants, each a sentence; empty when all hold.
  func check(_ bytes: [UInt8]) -> [String] {
    var findings = Findings()
    switch self {
    case .config, .yaml:
      let file = self == .yaml ? Self.yamlFile : Self.configFile
      do {
        let config = try InputDecoding.config(bytes, file: file)
        Invariants.check(config, into: &findings)
      } catch {
        Invariants.check(error, file: file, input: bytes, into: &findings)
      }
    case .csvName, .csvIndex:
      let input = CSVInput(bytes, byName: self == .csvName)
      CSVChecks.check(input, into: &findings)
    case .csvColumns:
      CSVChecks.checkColumns(bytes, into: &findings)
    }
    return findings.messages.filter { message in !Self.ignored.contains { message.contains($0) } }
  }

  /// Findings to pass over while a fix is pending: `FUZZ_IGNORE`, texts separated by `|`;
  /// a finding that contains one of them does not count.
  static let ignored: [String] = {
    guard let value = getenv("FUZZ_IGNORE") else { return [] }
    return String(cString: value).split(separator: "|").map(String.init)
  }()
}

/// The invariants an input broke, collected so that the replay tool can list all of them
/// and the fuzz driver can stop at the first.
struct Findings {
  /// One sentence per broken invariant.
  private(set) var messages: [String] = []

  /// Records `message` unless `condition` holds.
  /// - Parameters:
  ///   - condition: The invariant.
  ///   - message: What is wrong, evaluated only when it is.
  mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { messages.append(message()) }
  }

  /// Records the findings of a part of the check, prefixed with what that part was.
  mutating func append(contentsOf other: Findings, context: String) {
    messages += other.messages.map { "\(context): \($0)" }
  }
}

/// A string as Swift source writes it (quotes, with control characters escaped), so
/// that a finding stays one readable line whatever the input held.
func quoted(_ s: String) -> String { String(reflecting: s) }
