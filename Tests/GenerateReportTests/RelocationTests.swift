import Foundation
import Testing

/// The tool carries its template: copied anywhere and run from anywhere, it writes the
/// article's report, byte for byte the one the built tool writes.
@Suite struct RelocationTests {
  @Test func aCopiedBinaryRunFromTheRootWritesTheArticlesReport() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let lonely = folder.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: lonely, withIntermediateDirectories: true)
    let copy = lonely.appendingPathComponent("generate-report")
    try FileManager.default.copyItem(at: try executable(), to: copy)
    let config = repository.appendingPathComponent("examples/article.json").path

    let process = Process()
    process.executableURL = copy
    process.arguments = [config, "--output", folder.appendingPathComponent("moved").path, "--format", "svg", "--quiet"]
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    let err = Pipe()
    process.standardError = err
    try process.run()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(stderr)")
    #expect(stderr == "")

    // The same page as the built tool's, run from the repository.
    let built = try run([config, "--output", folder.appendingPathComponent("here").path, "--format", "svg", "--quiet"], in: repository)
    #expect(built.status == 0)
    let moved = try String(contentsOf: folder.appendingPathComponent("moved/index.html"), encoding: .utf8)
    let here = try String(contentsOf: folder.appendingPathComponent("here/index.html"), encoding: .utf8)
    #expect(moved == here)
    #expect(moved.contains("<h2 id=\"article\"") || moved.contains("article"))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("moved/figures/article-steps.svg").path))
  }

  /// The compiled-in template is templates/report.html (scripts/embed-template.sh writes it).
  @Test func theBuiltInTemplateIsTheRepositorysTemplate() throws {
    let file = try String(contentsOf: repository.appendingPathComponent("templates/report.html"), encoding: .utf8)
    let swift = try String(contentsOf: repository.appendingPathComponent("Sources/ReportKit/DefaultTemplate.swift"), encoding: .utf8)
    let start = try #require(swift.range(of: "#####\"\"\"\n"))
    let end = try #require(swift.range(of: "\"\"\"#####", options: .backwards))
    // The literal's last line break is the one before the closing delimiter.
    #expect(String(swift[start.upperBound..<end.lowerBound]) == file + "\n", "run scripts/embed-template.sh")
  }
}
