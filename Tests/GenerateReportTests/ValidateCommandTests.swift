import Foundation
import Testing

/// `generate-report validate CONFIG` and `generate-report schema`.
@Suite struct ValidateCommandTests {
  static let quick = #"{"experiments": [{"name": "q", "data": {"generate": [{"mean": 0, "sd": 1, "count": 50}, {"mean": 4, "sd": 1, "count": 50}]}}]}"#

  func save(_ text: String, _ name: String, in folder: URL) throws {
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  func listing(_ folder: URL) throws -> [String] {
    try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
  }

  @Test func aValidFileIsNamedWithItsExperimentCountAndNothingIsWritten() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try save(Self.quick, "quick.json", in: folder)
    try save("x\n1\n2\n", "data/x.csv", in: folder)
    try save(
      "experiments:\n  - name: one\n    data: {csv: data/x.csv}\n  - name: two\n    data: {csv: data/x.csv, column: x}\n", "two.yaml", in: folder)
    let before = try listing(folder)
    let one = try run(["validate", "quick.json"], in: folder)
    #expect(one.status == 0)
    #expect(one.stdout == "quick.json: valid (1 experiment)\n")
    #expect(one.stderr == "")
    let two = try run(["validate", "two.yaml"], in: folder)
    #expect(two.status == 0)
    #expect(two.stdout == "two.yaml: valid (2 experiments)\n")
    #expect(two.stderr == "")
    #expect(try listing(folder) == before)
  }

  @Test func theExamplesAndTheirYAMLTwinsAreValid() throws {
    for name in ["examples/blobs.json", "examples/galaxies.json", "Tests/Fixtures/yaml/blobs.yaml", "Tests/Fixtures/yaml/iris.yaml"] {
      let result = try run(["validate", name], in: repository)
      #expect(result.status == 0, "\(name): \(result.stderr)")
      #expect(result.stdout == "\(name): valid (\(name.contains("blobs") ? "5 experiments" : "1 experiment"))\n")
    }
  }

  /// Each failure is the run's own line and exit code.
  @Test func anInvalidFileFailsAsARunWould() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try save(#"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 2, "sd": -0.8, "count": 10}]}}]}"#, "bad.json", in: folder)
    try save("experiments:\n  - name: a\n    data: {generate: [{mean: 0, sd: 1, count: 10}]}\n    fit: {max_iter: 10}\n", "bad.yaml", in: folder)
    try save(#"{"experiments": [{"name": "a", "data": {"csv": "missing.csv"}}]}"#, "nocsv.json", in: folder)
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder.csv"), withIntermediateDirectories: false)
    try save(#"{"experiments": [{"name": "a", "data": {"csv": "folder.csv"}}]}"#, "dircsv.json", in: folder)
    let cases: [(String, Int32, String)] = [
      ("bad.json", 65, "error: bad.json:1:72: experiments[0].data.generate[0].sd must be > 0, got -0.8\n"),
      ("bad.yaml", 65, #"error: bad.yaml:4:11: experiments[0].fit.max_iter is not a known key; scikit-learn's max_iter is "epochs" here"# + "\n"),
      ("nocsv.json", 74, "error: nocsv.json:1:48: experiments[0].data.csv \"missing.csv\" cannot be read (no such file); the path is relative to the config file's folder\n"),
      ("dircsv.json", 74, "error: dircsv.json:1:48: experiments[0].data.csv \"folder.csv\" cannot be read (it is a folder); the path is relative to the config file's folder\n"),
      ("none.json", 74, "error: none.json: cannot read the experiment file (no such file); check the path\n"),
    ]
    for (file, code, line) in cases {
      let before = try listing(folder)
      let checked = try run(["validate", file], in: folder)
      #expect(checked.status == code, "\(file)")
      #expect(checked.stdout == "", "\(file)")
      #expect(checked.stderr == line, "\(file)")
      #expect(try listing(folder) == before, "\(file)")
      let ran = try run([file, "-q"], in: folder)
      #expect(ran.status == checked.status, "\(file)")
      #expect(ran.stderr == checked.stderr, "\(file)")
    }
  }

  @Test func validateTakesOneFile() throws {
    let none = try run(["validate"], in: FileManager.default.temporaryDirectory)
    #expect(none.status == 64)
    #expect(none.stderr == "error: Missing expected argument '<config>'; see 'generate-report --help'\n")
    let empty = try run(["validate", ""], in: FileManager.default.temporaryDirectory)
    #expect(empty.status == 64)
    #expect(empty.stderr == "error: Please give the experiment file's path; it cannot be empty; see 'generate-report --help'\n")
  }

  @Test func schemaPrintsTheCommittedSchema() throws {
    let result = try run(["schema"], in: FileManager.default.temporaryDirectory)
    #expect(result.status == 0)
    #expect(result.stdout == (try String(contentsOf: repository.appendingPathComponent("docs/experiment.schema.json"), encoding: .utf8)))
  }

  @Test func theRunIsStillTheDefaultAndHasItsOwnName() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try save(Self.quick, "quick.json", in: folder)
    let plain = try run(["quick.json", "-q", "-o", "a", "--format", "svg"], in: folder)
    #expect(plain.status == 0)
    let named = try run(["run", "quick.json", "-q", "-o", "b", "--format", "svg"], in: folder)
    #expect(named.status == 0)
    #expect(
      try Data(contentsOf: folder.appendingPathComponent("a/results.json")) == Data(contentsOf: folder.appendingPathComponent("b/results.json")))
    let help = try run(["--help"], in: folder)
    for text in ["generate-report validate CONFIG", "generate-report schema", "validate", "Check an experiment file"] {
      #expect(help.stdout.contains(text), "help lacks \(text)")
    }
  }
}
