#if !FUZZING
import Foundation
import ReportKit

/// The plain build's command: runs saved inputs (a seed corpus, a crash libFuzzer saved)
/// through a target's checks without libFuzzer.
///
/// `generate-report-fuzz [-v] TARGET PATH...`, where a PATH is a file or a folder of
/// files. It prints every input that breaks an invariant with the findings, then
/// `TARGET: N inputs, invariants hold` (exit 0) or `… M broke invariants` (exit 1);
/// `-v` also prints what the parser returned for every input.
enum Replay {
  /// Parses the command line and replays; never returns.
  static func run() -> Never {
    var arguments = Array(CommandLine.arguments.dropFirst())
    let verbose = arguments.first == "-v"
    if verbose { arguments.removeFirst() }
    guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
      FileHandle.standardError.write(Data("usage: generate-report-fuzz [-v] TARGET FILE-OR-FOLDER...; TARGET is one of \(names)\n".utf8))
      exit(64)
    }
    var files: [String] = []
    for path in arguments.dropFirst() {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        FileHandle.standardError.write(Data("error: \(path): no such file or folder\n".utf8))
        exit(74)
      }
      if isFolder.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        files += names.filter { !$0.hasPrefix(".") }.sorted().map { "\(path)/\($0)" }
      } else {
        files.append(path)
      }
    }
    var failed = 0
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else {
        FileHandle.standardError.write(Data("error: \(file): cannot be read\n".utf8))
        exit(74)
      }
      let bytes = [UInt8](data)
      if verbose { print("\(file): \(target.outcome(bytes))") }
      let findings = target.check(bytes)
      if !findings.isEmpty {
        failed += 1
        print("FAIL \(file)")
        for finding in findings { print("  - \(finding)") }
      }
    }
    let inputs = "\(files.count) input\(files.count == 1 ? "" : "s")"
    print(failed == 0 ? "\(name): \(inputs), invariants hold" : "\(name): \(inputs), \(failed) broke invariants")
    exit(failed == 0 ? 0 : 1)
  }
}

extension FuzzTarget {
  /// What the parser returned for `bytes`, in one line.
  func outcome(_ bytes: [UInt8]) -> String {
    switch self {
    case .config, .yaml:
      do {
        let config = try InputDecoding.config(bytes, file: self == .yaml ? Self.yamlFile : Self.configFile)
        return "decoded, \(config.experiments.count) experiment(s): \(config.experiments.map { quoted($0.name) }.joined(separator: ", "))"
      } catch {
        return quoted(error.description)
      }
    case .csvName, .csvIndex:
      let input = CSVInput(bytes, byName: self == .csvName)
      let results = MissingValues.allCases.map { missing -> String in
        do throws(InputError) {
          let c = try InputDecoding.csvColumn(Array(input.file), column: input.column, missing: missing, file: Self.csvFile)
          return "\(missing.rawValue): " + CSVChecks.summary(Reading(name: c.name, values: c.values, droppedLines: c.droppedLines))
        } catch {
          return "\(missing.rawValue): \(quoted(error.description))"
        }
      }
      return "column \(input.column); " + results.joined(separator: "; ")
    case .csvColumns:
      guard let selector = bytes.first else { return "empty input" }
      let a = Int(selector % 8)
      var b = Int((selector / 8) % 8)
      if b == a { b = (a + 1) % 8 }
      let results = MissingValues.allCases.map { missing -> String in
        do throws(InputError) {
          let c = try InputDecoding.csvColumns(Array(bytes.dropFirst()), columns: [.index(a), .index(b)], missing: missing, file: Self.csvFile)
          return "\(missing.rawValue): \(c.names.map(quoted)) with \(c.values.first?.count ?? 0) rows, \(c.droppedLines.count) dropped"
        } catch {
          return "\(missing.rawValue): \(quoted(error.description))"
        }
      }
      return "columns \(a), \(b); " + results.joined(separator: "; ")
    }
  }
}
#endif
