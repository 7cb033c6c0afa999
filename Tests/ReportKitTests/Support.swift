import CairoRendering
import Foundation

@testable import ReportKit

/// The repository's root folder, found from this file's path.
func repositoryPath(_ relative: String = "") -> String {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  return relative.isEmpty ? root.path : root.appendingPathComponent(relative).path
}

/// A new empty folder under the system's temporary folder, removed by the caller.
func temporaryFolder(_ label: String = #function) throws -> URL {
  let name = "generate-report-tests-\(label.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Every regular file below `folder`, as relative paths mapped to their bytes.
func snapshot(_ folder: URL) throws -> [String: Data] {
  var result: [String: Data] = [:]
  let base = folder.standardizedFileURL.path
  guard let walker = FileManager.default.enumerator(atPath: base) else { return [:] }
  for case let relative as String in walker {
    var isDirectory: ObjCBool = false
    let path = base + "/" + relative
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
      result[relative] = FileManager.default.contents(atPath: path)
    }
  }
  return result
}

/// Writes `text` to `name` inside `folder`, returning the path.
@discardableResult
func write(_ text: String, to name: String, in folder: URL) throws -> String {
  let url = folder.appendingPathComponent(name)
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try Data(text.utf8).write(to: url)
  return url.path
}

/// Options for a run of `config` into `output`, with the repository's template.
func options(_ config: String, output: URL, formats: [ImageFormat]? = nil) -> ReportOptions {
  ReportOptions(configPath: config, outputFolder: output.path, formats: formats, templatePath: repositoryPath("templates/report.html"))
}
