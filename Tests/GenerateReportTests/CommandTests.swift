import Foundation
import Testing

/// The built `generate-report` executable, next to the test bundle.
func executable() throws -> URL {
  let testBinary = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
  let candidate = testBinary.deletingLastPathComponent().appendingPathComponent("generate-report")
  try #require(FileManager.default.isExecutableFile(atPath: candidate.path), "build the tool first: \(candidate.path)")
  return candidate
}

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs the tool with `arguments` in `folder` and returns its exit code and output.
func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = try executable()
  process.arguments = arguments
  process.currentDirectoryURL = folder
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

func scratchFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("generate-report-cli-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

@Suite struct CommandTests {
  @Test func theArticleRunPrintsOneLinePerExperimentAndTheReportPath() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = repository.appendingPathComponent("examples/article.json").path
    let template = repository.appendingPathComponent("templates/report.html").path
    let result = try run([config, "--output", "report", "--format", "png", "--template", template], in: folder)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.first?.hasPrefix("article: K = 2, 20 epochs, log-likelihood −1359.5898, ") == true)
    #expect(lines.first?.hasSuffix(" s") == true)
    #expect(lines.last == "Report: report/index.html")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/figures/article-fit.png").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/figures/article-fit.pdf").path))
  }

  @Test func theDefaultOutputIsOutputSlashConfigNameAndTheTemplateIsFoundFromTheWorkingDirectory() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repository.appendingPathComponent("templates/report.html"), to: folder.appendingPathComponent("templates/report.html"))
    try FileManager.default.copyItem(at: repository.appendingPathComponent("examples/article.json"), to: folder.appendingPathComponent("my run.json"))
    let result = try run(["my run.json", "--quiet", "--format", "svg"], in: folder)
    #expect(result.status == 0)
    #expect(result.stdout == "")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("output/my-run/index.html").path))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("output/my-run/figures/article-density.svg").path))
  }

  @Test func theGalaxiesExampleChoosesThreeComponentsByBIC() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = repository.appendingPathComponent("examples/galaxies.json").path
    let template = repository.appendingPathComponent("templates/report.html").path
    let result = try run([config, "--output", "report", "--format", "png", "--template", template], in: folder)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first?.hasPrefix("galaxies: K = 3 (BIC from 1 to 6), 10 starts, 4 epochs (converged), log-likelihood −769.6152, ") == true)
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/figures/galaxies-selection.png").path))
  }

  @Test func warningsReachStandardErrorEvenWhenQuietAndTheExitCodeStaysZero() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repository.appendingPathComponent("templates/report.html"), to: folder.appendingPathComponent("templates/report.html"))
    let config = #"{"experiments": [{"name": "slow", "data": {"generate": [{"mean": 0, "sd": 1, "count": 300}, {"mean": 1, "sd": 1, "count": 300}]}, "fit": {"init": "quantiles", "epochs": 3, "tolerance": 1e-9}}]}"#
    try Data(config.utf8).write(to: folder.appendingPathComponent("slow.json"))
    let result = try run(["slow.json", "--quiet", "--format", "png"], in: folder)
    #expect(result.status == 0)
    #expect(result.stdout == "")
    #expect(result.stderr.hasPrefix("warning: slow: EM did not converge: it stopped at the epoch limit (3) while the mean log-likelihood still changed by "))
    #expect(result.stderr.hasSuffix("Try more epochs (fit.epochs), another init (fit.init) or more restarts (fit.restarts).\n"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func anInvalidConfigExitsWith65AndOneMessage() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = #"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 2, "sd": -0.8, "count": 10}]}}]}"#
    try Data(bad.utf8).write(to: folder.appendingPathComponent("bad.json"))
    let result = try run(["bad.json"], in: folder)
    #expect(result.status == 65)
    #expect(result.stdout == "")
    #expect(result.stderr == "error: bad.json:1:72: experiments[0].data.generate[0].sd must be > 0, got -0.8\n")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("output").path))
  }

  @Test func aMissingConfigExitsWith74() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try run(["nope.json"], in: folder)
    #expect(result.status == 74)
    #expect(result.stderr == "error: nope.json: cannot read the experiment file (no such file); check the path\n")
  }

  @Test func anOutputFolderWithOtherFilesExitsWith74() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("docs"), withIntermediateDirectories: true)
    try Data("keep".utf8).write(to: folder.appendingPathComponent("docs/keep.txt"))
    let config = repository.appendingPathComponent("examples/article.json").path
    let result = try run([config, "-o", "docs", "--template", repository.appendingPathComponent("templates/report.html").path], in: folder)
    #expect(result.status == 74)
    #expect(
      result.stderr
        == "error: the output folder docs already holds files (first: keep.txt) but no results.json, so it is not a generate-report report; choose an empty or new folder with --output\n"
    )
    #expect(try String(contentsOf: folder.appendingPathComponent("docs/keep.txt"), encoding: .utf8) == "keep")
  }

  @Test func anUnknownFormatIsAUsageError() throws {
    let result = try run(["x.json", "--format", "png,gif"], in: FileManager.default.temporaryDirectory)
    #expect(result.status == 64)
    #expect(result.stderr.contains(#"Unknown format "gif"; please use png, pdf or svg, separated by commas; see 'generate-report --help'"#))
  }

  @Test func versionAndHelpDocumentTheTool() throws {
    let version = try run(["--version"], in: FileManager.default.temporaryDirectory)
    #expect(version.status == 0)
    #expect(version.stdout == "0.3.0\n")
    let help = try run(["--help"], in: FileManager.default.temporaryDirectory)
    #expect(help.status == 0)
    for text in ["--output", "--format", "--template", "--quiet", "65  the experiment file or a data file is invalid", "74  a file could not be read or written"] {
      #expect(help.stdout.contains(text), "help lacks \(text)")
    }
  }
}
