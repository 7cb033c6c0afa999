import Foundation
import Testing

@testable import ReportKit

/// A small, quick experiment file (two generated groups, 20 epochs).
private let quickConfig = #"""
  {"formats": ["svg"], "experiments": [{"name": "q", "seed": 3,
    "data": {"generate": [{"mean": 0, "sd": 1, "count": 200}, {"mean": 5, "sd": 1, "count": 200}]},
    "fit": {"epochs": 20, "tolerance": 0}}]}
  """#

/// What a report folder may lose: only files an earlier run wrote (issue: "Nothing lost, ever").
@Suite struct OutputFolderTests {
  @Test func resultsJSONListsEveryFileOfTheReportItself() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    let data = try Data(contentsOf: output.appendingPathComponent("results.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let files = try #require(json["files"] as? [String])
    #expect(files == (try snapshot(output)).keys.sorted())
    #expect(files.contains("results.json") && files.contains("index.html") && files.contains("figures/q-fit.svg"))
  }

  @Test func theExperimentFileAndNotesInsideAReportFolderSurvive() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(try write(quickConfig, to: "q.json", in: folder), output: output))
    // The user keeps the experiment file and notes in the report folder and runs from there.
    let config = try write(quickConfig, to: "report/q.json", in: folder)
    try write("my notes", to: "report/notes.txt", in: folder)
    let before = try snapshot(output)
    // .io: exit 74.
    #expect(throws: ReportError.io("the output folder \(output.path) holds notes.txt, which generate-report did not write; a run replaces the whole folder, so move it out or choose another --output")) {
      _ = try ReportGenerator.run(options(config, output: output))
    }
    #expect(try snapshot(output) == before)
    #expect(try leftovers(in: folder) == [])
  }

  @Test func anExperimentFileInsideTheOutputFolderIsRefusedEvenAlone() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("report")
    let config = try write(quickConfig, to: "report/q.json", in: folder)
    do {
      _ = try ReportGenerator.run(options(config, output: output))
      Issue.record("expected the run to refuse")
    } catch {
      #expect(error.description.contains("(first: q.json) but no results.json"))
    }
    #expect(try snapshot(output).keys.sorted() == ["q.json"])
  }

  @Test func aDataFileInsideTheOutputFolderIsRefusedBeforeAnyWork() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(try write(quickConfig, to: "q.json", in: folder), output: output))
    // The previous report's own samples CSV, fed back in: a file the tool wrote, so not
    // foreign, but the run would replace it while reading it.
    let config = try write(
      #"{"experiments": [{"name": "q", "data": {"csv": "report/data/q-samples.csv", "column": "x"}}]}"#, to: "again.json", in: folder)
    let before = try snapshot(output)
    // .io: exit 74.
    #expect(throws: ReportError.io("experiments[0].data.csv \"report/data/q-samples.csv\" is inside the output folder \(output.path), which a run replaces; move it out of the folder or choose another --output")) {
      _ = try ReportGenerator.run(options(config, output: output))
    }
    #expect(try snapshot(output) == before)
  }

  @Test func anEmptyFolderOfTheUsersInsideAReportIsForeign() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    try FileManager.default.createDirectory(at: output.appendingPathComponent("drafts"), withIntermediateDirectories: false)
    #expect(throws: ReportError.io("the output folder \(output.path) holds drafts/, which generate-report did not write; a run replaces the whole folder, so move it out or choose another --output")) {
      _ = try ReportGenerator.run(options(config, output: output))
    }
    #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("drafts").path))
  }

  @Test func aReportFromBeforeTheManifestIsStillReplaced() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(#"{"title": "old", "generator": {"name": "generate-report", "version": "0.1.0"}, "experiments": []}"#, to: "report/results.json", in: folder)
    try write("<html>", to: "report/index.html", in: folder)
    try write("png", to: "report/figures/old-fit.png", in: folder)
    try write("x\n1\n", to: "report/data/old-trace.csv", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(try write(quickConfig, to: "q.json", in: folder), output: output))
    let files = try snapshot(output)
    #expect(files["figures/old-fit.png"] == nil && files["figures/q-fit.svg"] != nil)
  }

  @Test func aFailedRunRemovesTheFoldersItMadeAboveTheOutput() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("x\n1\nabc\n", to: "d.csv", in: folder)
    let config = try write(#"{"experiments": [{"name": "a", "data": {"csv": "d.csv"}}]}"#, to: "c.json", in: folder)
    #expect(throws: ReportError.self) {
      _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("fresh/nested/report")))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["c.json", "d.csv"])
  }

  @Test(arguments: [#"{"my": "data"}"#, "not json", #"{"generator": {"name": "other-tool"}, "files": ["notes.txt"]}"#])
  func aResultsJSONThatIsNotOursMakesTheFolderNotAReport(results: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(results, to: "mine/results.json", in: folder)
    try write("<html>mine", to: "mine/index.html", in: folder)
    try write("x", to: "mine/figures/holiday.png", in: folder)
    let output = folder.appendingPathComponent("mine")
    let before = try snapshot(output)
    #expect(
      throws: ReportError.io(
        "the output folder \(output.path) holds results.json, which generate-report did not write; a run replaces the whole folder, so move it out or choose another --output")
    ) {
      _ = try ReportGenerator.run(options(try write(quickConfig, to: "q.json", in: folder), output: output))
    }
    #expect(try snapshot(output) == before)
  }

  @Test func aFolderThatCannotBeListedIsNotJudgedEmpty() throws {
    // As root every folder can be listed; the check needs an ordinary user.
    guard getuid() != 0 else { return }
    let folder = try temporaryFolder()
    defer {
      chmod(folder.appendingPathComponent("report/data").path, 0o755)
      try? FileManager.default.removeItem(at: folder)
    }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    #expect(chmod(output.appendingPathComponent("data").path, 0o000) == 0)
    #expect(throws: ReportError.self) { _ = try ReportGenerator.run(options(config, output: output)) }
  }

  @Test func controlCharactersInATitleDoNotReachThePage() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig.replacingOccurrences(of: #"{"formats""#, with: #"{"title": "a\u0000b\u001b[2J", "formats""#), to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    let html = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("a\u{FFFD}b\u{FFFD}[2J"))
    #expect(!html.unicodeScalars.contains { HTMLReport.isForbiddenControl($0) })
  }

  @Test func anEmptyTemplateIsRefused() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let template = try write(" \n", to: "t.html", in: folder)
    var run = options(try write(quickConfig, to: "q.json", in: folder), output: folder.appendingPathComponent("report"))
    run.templatePath = template
    #expect(throws: ReportError.invalidInput(InputError(file: template, position: nil, message: "the template is empty; pass a Mustache template of the report with --template"))) {
      _ = try ReportGenerator.run(run)
    }
  }

  @Test func aLinkToAFolderIsWrittenThroughAndStaysALink() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let target = folder.appendingPathComponent("real")
    _ = try ReportGenerator.run(options(config, output: target))
    let link = folder.appendingPathComponent("link")
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real")
    try write("stale", to: "real/figures/q-density.svg", in: folder)
    _ = try ReportGenerator.run(options(config, output: link))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real")
    let written = try snapshot(target)
    #expect(written["figures/q-density.svg"] != Data("stale".utf8))
    #expect(written["index.html"] != nil)
    #expect(try leftovers(in: folder) == [])
  }

  @Test func aDanglingLinkIsRefusedBeforeAnyWork() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let link = folder.appendingPathComponent("link")
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "missing")
    #expect(
      throws: ReportError.io(
        "the output path \(link.path) is a symbolic link to missing, which does not exist; create that folder, remove the link, or choose another --output")
    ) {
      _ = try ReportGenerator.run(options(config, output: link))
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "missing")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("missing").path))
    #expect(try leftovers(in: folder) == [])
  }

  @Test func stagingFoldersOfKilledRunsAreRemovedByTheNextRun() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A pid far above Linux's pid_max: no such process.
    try write("half", to: ".report.partial-99999999/index.html", in: folder)
    try write("other", to: ".other.partial-99999999/index.html", in: folder)
    _ = try ReportGenerator.run(options(try write(quickConfig, to: "q.json", in: folder), output: folder.appendingPathComponent("report")))
    // Only this folder's staging is this run's business.
    #expect(try leftovers(in: folder) == [".other.partial-99999999"])
  }

  @Test func aFileWhoseNameIsNotUTF8IsForeignAndKept() throws {
    // Such a name cannot be made a string and looked at again; it had been skipped, so the
    // swap deleted it with the previous report.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    for (name, shown) in [("notes-\u{FF}\u{FE}.txt", "notes-\u{FFFD}\u{FFFD}.txt"), ("figures/old-\u{C3}", "figures/old-\u{FFFD}")] {
      let file = RawPath(in: output, bytes: name)
      try #require(file.create())
      #expect(throws: ReportError.io("the output folder \(output.path) holds \(shown), which generate-report did not write; a run replaces the whole folder, so move it out or choose another --output")) {
        _ = try ReportGenerator.run(options(config, output: output))
      }
      // Still there, under its bytes.
      #expect(file.exists)
      file.remove()
    }
  }

  @Test func aNameThatIsNotUTF8IsForeignInAReportWithoutAManifestToo() throws {
    // A report written before results.json listed its files is judged by the names the tool
    // wrote (figures/*.png, data/*.csv); a name that cannot be looked at is not one of them,
    // whatever it looks like once its bytes are replaced with U+FFFD.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    let resultsURL = output.appendingPathComponent("results.json")
    var results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: resultsURL)) as? [String: Any])
    results["files"] = nil
    try JSONSerialization.data(withJSONObject: results).write(to: resultsURL)
    // Forced: such a report is otherwise up to date, and the folder is not touched.
    var forced = options(config, output: output)
    forced.force = true
    for (name, shown) in [("figures/caf\u{E9}.png", "figures/caf\u{FFFD}.png"), ("data/\u{FF}.csv", "data/\u{FFFD}.csv")] {
      let file = RawPath(in: output, bytes: name)
      try #require(file.create())
      #expect(throws: ReportError.io("the output folder \(output.path) holds \(shown), which generate-report did not write; a run replaces the whole folder, so move it out or choose another --output")) {
        _ = try ReportGenerator.run(forced)
      }
      // Still there, under its bytes.
      #expect(file.exists)
      file.remove()
    }
  }

  @Test func onlyNamesWithTheGivenPrefixesAreListed() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in [".r.partial-1", ".r.previous-2", ".rr.partial-3", "r", "notes.txt"] { try write("x", to: name, in: folder) }
    #expect(ReportFolder.names(in: folder.path, startingWith: [".r.previous-", ".r.partial-"])?.sorted() == [".r.partial-1", ".r.previous-2"])
    #expect(ReportFolder.names(in: folder.path)?.sorted() == [".r.partial-1", ".r.previous-2", ".rr.partial-3", "notes.txt", "r"])
    #expect(ReportFolder.names(in: folder.appendingPathComponent("none").path) == nil)
  }

  @Test func aReportAKilledRunHadMovedAsideIsPutBack() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    // Killed between the two renames of a swap: the report aside, nothing in place.
    try FileManager.default.moveItem(at: output, to: folder.appendingPathComponent(".report.previous-99999999"))
    try write("my notes", to: ".report.previous-99999999/notes.txt", in: folder)
    // The put-back report holds a foreign file, so the run refuses, and nothing is lost.
    #expect(throws: ReportError.self) { _ = try ReportGenerator.run(options(config, output: output)) }
    #expect(try snapshot(output)["notes.txt"] == Data("my notes".utf8))
    #expect(try leftovers(in: folder) == [])
  }

  @Test func aSecondRunWaitsForTheLockAndThenWrites() async throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(quickConfig, to: "q.json", in: folder)
    let output = folder.appendingPathComponent("report")
    let held = try FolderLock(path: folder.appendingPathComponent(".report.lock").path) {}
    let notices = Notices()
    let run = Task.detached {
      try ReportGenerator.run(options(config, output: output), waiting: { notices.add($0) }).indexPath
    }
    for _ in 0..<200 where notices.all.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
    #expect(notices.all == ["another generate-report run is writing \(output.path); waiting for it to finish"])
    #expect(!FileManager.default.fileExists(atPath: output.path))
    held.release()
    #expect(try await run.value == "\(output.path)/index.html")
    #expect(try leftovers(in: folder) == [])
  }
}

/// The hidden files a run left beside its output: staging folders, lock files.
func leftovers(in folder: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.sorted()
}

/// The command's exit code for an error (the mapping the README documents).
func exitCode(of error: ReportError) -> Int32 {
  switch error {
  case .invalidInput: 65
  case .io: 74
  case .internal: 70
  }
}

/// Sentences a run passed to its `waiting` callback.
final class Notices: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ s: String) { lock.withLock { items.append(s) } }
  var all: [String] { lock.withLock { items } }
}

/// A file at `folder/name` whose name is the bytes of `name`'s scalars (each at most U+00FF),
/// so it can be a name that is not UTF-8, which no Swift string path reaches.
private struct RawPath {
  let bytes: [CChar]

  init(in folder: URL, bytes name: String) {
    bytes = (Array(folder.path.utf8) + Array("/".utf8) + name.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } + [0]).map { CChar(bitPattern: $0) }
  }

  /// Creates the file (empty); whether it could.
  func create() -> Bool {
    let fd = open(bytes, O_WRONLY | O_CREAT, 0o644)
    guard fd >= 0 else { return false }
    close(fd)
    return true
  }

  var exists: Bool { access(bytes, F_OK) == 0 }

  func remove() { unlink(bytes) }
}
