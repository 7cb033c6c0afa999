import Foundation
import Testing

/// `--check` and the up-to-date reuse: what a docs build needs to skip or flag work.
@Suite struct FreshnessTests {
  static let config = #"""
    {"formats": ["png"], "experiments": [{"name": "g", "seed": 1990,
      "data": {"csv": "galaxies.csv", "column": "velocity"},
      "fit": {"components": {"from": 1, "to": 4}, "init": "kmeans++", "restarts": 5, "epochs": 300, "tolerance": 1e-6}}]}
    """#

  func setUp() throws -> URL {
    let folder = try scratchFolder()
    try Data(Self.config.utf8).write(to: folder.appendingPathComponent("g.json"))
    try FileManager.default.copyItem(
      at: repository.appendingPathComponent("examples/data/galaxies.csv"), to: folder.appendingPathComponent("galaxies.csv"))
    return folder
  }

  func modificationDates(_ folder: URL) -> [String: Date] {
    var result: [String: Date] = [:]
    for case let relative as String in FileManager.default.enumerator(atPath: folder.path) ?? FileManager.DirectoryEnumerator() {
      let attributes = try? FileManager.default.attributesOfItem(atPath: folder.path + "/" + relative)
      result[relative] = attributes?[.modificationDate] as? Date
    }
    return result
  }

  @Test func checkSaysStaleUntilARunThenNamesWhatChanged() throws {
    let folder = try setUp()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = try run(["g.json", "-o", "report", "--check"], in: folder)
    #expect(missing.status == 1)
    #expect(missing.stderr == "stale: report: there is no report at report\n")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path), "--check writes nothing")

    #expect(try run(["g.json", "-o", "report", "--quiet"], in: folder).status == 0)
    let fresh = try run(["g.json", "-o", "report", "--check"], in: folder)
    #expect(fresh.status == 0)
    #expect(fresh.stdout == "report: up to date\n")

    // The data file's contents change (its size does not).
    let csv = folder.appendingPathComponent("galaxies.csv")
    var text = try String(contentsOf: csv, encoding: .utf8)
    text = text.replacingOccurrences(of: "9172", with: "9173")
    try text.write(to: csv, atomically: true, encoding: .utf8)
    let dataChanged = try run(["g.json", "-o", "report", "--check"], in: folder)
    #expect(dataChanged.status == 1)
    #expect(dataChanged.stderr == "stale: report: experiments[0].data.csv \"galaxies.csv\" changed\n")

    // The config changes too; a figure is edited by hand.
    try Data(Self.config.replacingOccurrences(of: "\"restarts\": 5", with: "\"restarts\": 6").utf8).write(to: folder.appendingPathComponent("g.json"))
    try Data("x".utf8).write(to: folder.appendingPathComponent("report/figures/g-fit.png"))
    let both = try run(["g.json", "-o", "report", "--check"], in: folder)
    #expect(both.status == 1)
    #expect(
      both.stderr
        == "stale: report: the experiment file g.json changed; experiments[0].data.csv \"galaxies.csv\" changed; figures/g-fit.png was modified\n")
  }

  /// The article's report (every figure in PNG and PDF), as a docs build makes it.
  @Test func anUnchangedSecondRunRewritesNothingInATenthOfTheTime() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(at: repository.appendingPathComponent("examples/article.json"), to: folder.appendingPathComponent("g.json"))
    let clock = ContinuousClock()
    let start = clock.now
    #expect(try run(["g.json", "-o", "report", "--quiet"], in: folder).status == 0)
    let first = clock.now - start
    let before = modificationDates(folder.appendingPathComponent("report"))
    let bytesBefore = try Data(contentsOf: folder.appendingPathComponent("report/results.json"))
    Thread.sleep(forTimeInterval: 0.05)

    // The fastest of three reuses (the machine is shared: one slow start says nothing).
    var secondTime = Duration.seconds(1000)
    var second = (status: Int32(-1), stdout: "", stderr: "")
    for _ in 0..<3 {
      let again = clock.now
      second = try run(["g.json", "-o", "report"], in: folder)
      secondTime = Swift.min(secondTime, clock.now - again)
    }
    #expect(second.status == 0)
    #expect(second.stdout == "report: up to date (inputs unchanged since the last run; nothing rewritten; --force recomputes)\n")
    #expect(modificationDates(folder.appendingPathComponent("report")) == before)
    #expect(try Data(contentsOf: folder.appendingPathComponent("report/results.json")) == bytesBefore)
    // A ratio, not a time: both runs are timed here, on the same machine and load.
    let ratio = secondTime / first
    #expect(ratio < 0.1, "second run \(secondTime), first \(first)")

    // --force recomputes: the same bytes, rewritten.
    let forced = try run(["g.json", "-o", "report", "--force"], in: folder)
    #expect(forced.status == 0 && forced.stdout.hasPrefix("article: K = "))
    #expect(try Data(contentsOf: folder.appendingPathComponent("report/results.json")) == bytesBefore)
  }
}
