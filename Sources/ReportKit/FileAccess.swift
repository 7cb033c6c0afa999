import Foundation

/// The file system operations a report run needs, in one place.
struct FileAccess {
  let manager = FileManager.default

  /// The file's bytes.
  func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = manager.contents(atPath: path) else {
      var isDirectory: ObjCBool = false
      if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
        throw FileProblem(isDirectory.boolValue ? "it is a folder" : "permission denied")
      }
      throw FileProblem("no such file")
    }
    return [UInt8](data)
  }

  /// The file as UTF-8 text.
  func readText(_ path: String) throws -> String {
    let bytes = try readBytes(path)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw FileProblem("it is not UTF-8 text")
    }
    return text
  }
}

/// A short reason a file could not be used.
struct FileProblem: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A report folder written aside and moved into place only when complete.
///
/// Files go into a hidden staging folder next to the destination; ``commit()`` swaps it
/// in with two renames (the old report moved aside, then removed), so a failed run never
/// leaves a half-written or missing report. Every path is checked to stay inside the folder.
final class StagedFolder {
  let destination: URL
  let staging: URL
  private let manager = FileManager.default
  private var committed = false

  /// Prepares a staging folder for `destination`.
  /// - Throws: ``ReportError/io(_:)`` when the destination is an existing folder that is
  ///   not a previous report (so replacing it could destroy someone's files), or the
  ///   staging folder cannot be made.
  init(destination path: String) throws(ReportError) {
    destination = URL(fileURLWithPath: path).standardizedFileURL
    let parent = destination.deletingLastPathComponent()
    staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw .io("the output path \(path) is a file, not a folder; choose another --output")
      }
      let contents = (try? manager.contentsOfDirectory(atPath: destination.path)) ?? []
      if !contents.isEmpty && !contents.contains("results.json") {
        throw .io(
          "the output folder \(path) already holds files that are not a generate-report report; choose an empty or new folder with --output")
      }
    }
    do {
      try? manager.removeItem(at: staging)
      try manager.createDirectory(at: staging, withIntermediateDirectories: true)
    } catch {
      throw .io("cannot create the folder \(staging.path): \(error.localizedDescription)")
    }
  }

  deinit {
    if !committed { try? manager.removeItem(at: staging) }
  }

  /// Writes `bytes` to `relativePath` inside the report.
  func write(_ bytes: [UInt8], to relativePath: String) throws(ReportError) {
    let components = relativePath.split(separator: "/")
    guard !relativePath.hasPrefix("/"), !components.isEmpty, !components.contains(where: { $0 == ".." || $0 == "." }) else {
      throw .internal("refusing to write \(relativePath) outside the output folder")
    }
    let url = staging.appendingPathComponent(relativePath)
    do {
      try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: url)
    } catch {
      throw .io("cannot write \(relativePath): \(error.localizedDescription)")
    }
  }

  /// Writes UTF-8 `text` to `relativePath` inside the report.
  func write(_ text: String, to relativePath: String) throws(ReportError) {
    try write(Array(text.utf8), to: relativePath)
  }

  /// Moves the finished report into place, replacing a previous one.
  func commit() throws(ReportError) {
    let previous = staging.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).previous-\(getpid())")
    let hadPrevious = manager.fileExists(atPath: destination.path)
    do {
      if hadPrevious {
        try? manager.removeItem(at: previous)
        try manager.moveItem(at: destination, to: previous)
      }
      do {
        try manager.moveItem(at: staging, to: destination)
      } catch {
        if hadPrevious { try? manager.moveItem(at: previous, to: destination) }
        throw error
      }
    } catch {
      throw .io("cannot move the report into \(destination.path): \(error.localizedDescription)")
    }
    committed = true
    if hadPrevious { try? manager.removeItem(at: previous) }
  }
}
