import Foundation
import Testing

@testable import ReportKit

/// YAML experiment files (`.yaml`, `.yml`): Yams' node tree read into the JSON parser's
/// tree, with every key's and value's line:column, so the decoder says the same things.
@Suite struct YAMLConfigTests {
  /// The config with what only says where a value was written (a CSV path's position, the
  /// folder it resolves from) blanked.
  static func located(_ config: ReportConfig) -> ReportConfig {
    var config = config
    for i in config.experiments.indices {
      if case .csv(let path, _, let columns, let missing, _) = config.experiments[i].data {
        config.experiments[i].data = .csv(path: path, resolvedPath: "", columns: columns, missing: missing, position: SourcePosition(line: 0, column: 0))
      }
    }
    return config
  }

  @Test(arguments: ["article", "article-numpy", "blobs", "galaxies", "iris", "large"])
  func eachExampleHasAYAMLTwinThatDecodesToTheSameConfig(_ name: String) throws {
    let json = try String(contentsOfFile: repositoryPath("examples/\(name).json"), encoding: .utf8)
    let yaml = try String(contentsOfFile: repositoryPath("Tests/Fixtures/yaml/\(name).yaml"), encoding: .utf8)
    let fromJSON = try ReportConfig.decode(json, file: "examples/\(name).json")
    let fromYAML = try ReportConfig.decode(yaml, file: "Tests/Fixtures/yaml/\(name).yaml")
    #expect(Self.located(fromYAML) == Self.located(fromJSON))
  }

  @Test func everyExampleIsAmongTheTwins() throws {
    let examples = try FileManager.default.contentsOfDirectory(atPath: repositoryPath("examples")).filter { $0.hasSuffix(".json") }
    let twins = try FileManager.default.contentsOfDirectory(atPath: repositoryPath("Tests/Fixtures/yaml")).filter { $0.hasSuffix(".yaml") }
    #expect(Set(examples.map { $0.dropLast(5) }) == Set(twins.map { $0.dropLast(5) }))
  }

  @Test func aTwinsCSVPathResolvesFromItsOwnFolder() throws {
    let yaml = try String(contentsOfFile: repositoryPath("Tests/Fixtures/yaml/galaxies.yaml"), encoding: .utf8)
    let config = try ReportConfig.decode(yaml, file: "Tests/Fixtures/yaml/galaxies.yaml")
    guard case .csv(let path, let resolved, _, _, let position) = config.experiments[0].data else { Issue.record("not CSV"); return }
    #expect(path == "data/galaxies.csv")
    #expect(resolved == "Tests/Fixtures/yaml/data/galaxies.csv")
    #expect(position == SourcePosition(line: 13, column: 12))
  }

  static let experiment = """
    experiments:
      - name: a
        fit:
          epochs: 2.5
        data: {generate: [{mean: 0, sd: 1, count: 10}]}

    """

  struct Case: CustomTestStringConvertible, Sendable {
    var yaml: String
    var message: String
    var testDescription: String { message }
  }

  /// Decoder errors: the same messages as for JSON, at the YAML's positions.
  static let decoderCases: [Case] = [
    Case(yaml: experiment, message: "x.yaml:4:15: experiments[0].fit.epochs must be a whole number from 1 to 1000000, got 2.5"),
    Case(
      yaml: experiment.replacingOccurrences(of: "epochs: 2.5", with: "epoch: 20"),
      message: #"x.yaml:4:7: experiments[0].fit.epoch is not a known key; did you mean "epochs"?"#),
    Case(
      yaml: experiment.replacingOccurrences(of: "epochs: 2.5", with: "n_init: 10"),
      message: #"x.yaml:4:7: experiments[0].fit.n_init is not a known key; scikit-learn's n_init is "restarts" here"#),
    Case(
      yaml: experiment.replacingOccurrences(of: "epochs: 2.5", with: "epochs: \"20\""),
      message: #"x.yaml:4:15: experiments[0].fit.epochs must be a whole number from 1 to 1000000, got the string "20""#),
    Case(
      yaml: experiment.replacingOccurrences(of: "    fit:\n      epochs: 2.5\n", with: "    seed: yes\n"),
      message: #"x.yaml:3:11: experiments[0].seed must be a whole number from 0 to 2^53, got the string "yes""#),
    Case(
      yaml: experiment.replacingOccurrences(of: "  - name: a\n", with: "  - description: no name\n"),
      message: #"x.yaml:2:5: experiments[0].name is missing; add "name": "…" (it names the experiment's files)"#),
    Case(
      yaml: experiment.replacingOccurrences(of: "sd: 1", with: "sd: -0.8"),
      message: "x.yaml:5:37: experiments[0].data.generate[0].sd must be > 0, got -0.8"),
    Case(
      yaml: experiment.replacingOccurrences(of: "epochs: 2.5", with: "epochs: 0x10\n      restarts: 1e4"),
      message: "x.yaml:5:17: experiments[0].fit.restarts must be a whole number from 1 to 1000, got 1e4"),
    // libyaml puts an error at the end of a file without a final line break on the line after
    // it; the message names the end of the last line instead.
    Case(yaml: "title: x\nb c", message: "x.yaml:2:4: YAML: could not find expected ':' (while scanning a simple key at 2:1)"),
    Case(yaml: "---", message: #"x.yaml:1:4: the top level must be an object with "experiments", got null"#),
    Case(yaml: "title: x\nb c\n", message: "x.yaml:3:1: YAML: could not find expected ':' (while scanning a simple key at 2:1)"),
    Case(yaml: "experiments: []\n", message: "x.yaml:1:14: experiments must be a non-empty array of experiments, got an empty array"),
    Case(yaml: "- 1\n- 2\n", message: #"x.yaml:1:1: the top level must be an object with "experiments", got an array of 2 values"#),
    Case(yaml: "title: 5\nexperiments: []\n", message: "x.yaml:1:8: title must be a string, got 5"),
    Case(yaml: "\u{FEFF}title: x\r\nexperiments: {}\r\n", message: "x.yaml:2:14: experiments must be a non-empty array of experiments, got an object"),
  ]

  @Test(arguments: decoderCases)
  func decoderErrorsArePositionedAsForJSON(_ c: Case) {
    #expect(throws: (any Error).self) { try ReportConfig.decode(c.yaml, file: "x.yaml") }
    do {
      _ = try ReportConfig.decode(c.yaml, file: "x.yaml")
    } catch {
      #expect(error.description == c.message)
    }
  }

  /// What YAML has and JSON has not: refused where it is written.
  static let refusals: [Case] = [
    Case(
      yaml: "title: &t x\nexperiments: [*t]\n",
      message: "x.yaml:1:8: the anchor &t (with its aliases *t) is not supported in experiment files; write the value out where it is used"),
    Case(
      yaml: "title: x\nexperiments:\n  - &e {name: a}\n",
      message: "x.yaml:3:5: the anchor &e (with its aliases *e) is not supported in experiment files; write the value out where it is used"),
    Case(yaml: "title: !shout x\n", message: "x.yaml:1:8: the tag !shout has no JSON meaning; remove it (YAML's !!str, !!int, !!float, !!bool and !!null are understood)"),
    Case(yaml: "title: !!binary aGk=\n", message: "x.yaml:1:8: the tag !!binary has no JSON meaning; remove it (YAML's !!str, !!int, !!float, !!bool and !!null are understood)"),
    Case(yaml: "experiments: !!set {a: null}\n", message: "x.yaml:1:14: the tag !!set does not fit a mapping; remove it"),
    Case(yaml: "seed: !!int twelve\n", message: #"x.yaml:1:7: "twelve" is not a value of the tag !!int"#),
    Case(yaml: "1: x\n", message: #"x.yaml:1:1: the key 1 is a number, not a string; quote it ("1") if it is meant as a key"#),
    Case(yaml: "title: x\ntrue: 1\n", message: #"x.yaml:2:1: the key true is a boolean, not a string; quote it ("true") if it is meant as a key"#),
    Case(yaml: "? [a, b]\n: 1\n", message: #"x.yaml:1:3: a key must be a string, not a sequence (a complex key "? …")"#),
    Case(yaml: "title: a\nformats: [png]\ntitle: b\n", message: #"x.yaml:1:1: duplicate key "title": it is given again later in this mapping"#),
    Case(yaml: "title: a\n\"title\": b\n", message: #"x.yaml:1:1: duplicate key "title": it is given again later in this mapping"#),
    Case(yaml: "<<: {title: a}\n", message: "x.yaml:1:1: merge keys (<<) are not supported in experiment files; write the keys out"),
    Case(yaml: "figure: {width: .inf}\n", message: "x.yaml:1:17: .inf is not allowed: numbers in an experiment file are finite, as in JSON"),
    Case(yaml: "figure:\n  width: -.Inf\n", message: "x.yaml:2:10: -.Inf is not allowed: numbers in an experiment file are finite, as in JSON"),
    Case(yaml: "figure: {width: .NaN}\n", message: "x.yaml:1:17: .NaN is not allowed: numbers in an experiment file are finite, as in JSON"),
    Case(yaml: "figure: {width: 1e999}\n", message: "x.yaml:1:17: number 1e999 is out of range"),
    Case(yaml: "title: a\n---\ntitle: b\n", message: "x.yaml:2:1: a second YAML document starts here; an experiment file holds one"),
    Case(yaml: "", message: "x.yaml:1:1: the file holds no YAML document (it is empty or only comments)"),
    Case(yaml: "# only a comment\n", message: "x.yaml:1:1: the file holds no YAML document (it is empty or only comments)"),
    Case(yaml: "experiments:\n\t- name: a\n", message: "x.yaml:2:1: YAML: found character that cannot start any token (while scanning for the next token at 2:1) (a tab: YAML indents with spaces)"),
    Case(yaml: "formats: [png, pdf\n", message: "x.yaml:2:1: YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:10)"),
    Case(yaml: "title: \"open\n", message: "x.yaml:2:1: YAML: found unexpected end of stream (while scanning a quoted scalar at 1:8)"),
  ]

  @Test func deepNestingIsAnErrorNotACrash() {
    let deep = "a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
    #expect(throws: InputError(file: "d.yaml", position: SourcePosition(line: 1, column: 5), message: "nesting is deeper than 1000 levels")) {
      try ReportConfig.decode(deep, file: "d.yaml")
    }
  }

  @Test(arguments: refusals)
  func yamlWithoutAJSONMeaningIsRefusedWithItsPosition(_ c: Case) {
    do {
      _ = try ReportConfig.decode(c.yaml, file: "x.yaml")
      Issue.record("accepted")
    } catch {
      #expect(error.description == c.message)
    }
  }

  /// YAML 1.2's core schema for plain scalars; quoted and block scalars are strings.
  static let scalars: [(String, JSONNode.Kind)] = [
    ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("", .null),
    ("true", .bool(true)), ("True", .bool(true)), ("FALSE", .bool(false)),
    ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("Off", .string("Off")), ("y", .string("y")),
    ("12", .number(12, literal: "12")), ("+12", .number(12, literal: "12")), ("-12", .number(-12, literal: "-12")), ("007", .number(7, literal: "007")),
    ("0o17", .number(15, literal: "15")), ("0x1F", .number(31, literal: "31")), ("0x1e", .number(30, literal: "30")),
    ("1.5", .number(1.5, literal: "1.5")), (".5", .number(0.5, literal: ".5")), ("1.", .number(1, literal: "1.")), ("1e3", .number(1000, literal: "1e3")),
    ("-2.5E-3", .number(-0.0025, literal: "-2.5E-3")), ("+1.0e+2", .number(100, literal: "1.0e+2")),
    ("1_000", .string("1_000")), ("0b101", .string("0b101")), ("12:30", .string("12:30")), ("2024-01-01", .string("2024-01-01")),
    (".", .string(".")), ("1e", .string("1e")), ("-x", .string("-x")), ("0o8", .string("0o8")), ("inf", .string("inf")), ("NaN", .string("NaN")),
    ("'12'", .string("12")), ("\"true\"", .string("true")), ("\"\"", .string("")), ("!!str 12", .string("12")), ("!!float 1", .number(1, literal: "1")),
    ("!!null ''", .null), ("!!bool true", .bool(true)), ("! 12", .string("12")), ("|\n  a\n  b", .string("a\nb\n")), (">-\n  a\n  b", .string("a b")),
    ("[1, x]", .array([JSONNode(kind: .number(1, literal: "1"), position: SourcePosition(line: 1, column: 5)), JSONNode(kind: .string("x"), position: SourcePosition(line: 1, column: 8))])),
  ]

  @Test func plainScalarsFollowTheCoreSchema() throws {
    for (text, expected) in Self.scalars {
      let root = try YAMLReader.parse("v: \(text)\n")
      guard case .object(let members) = root.kind, let value = members.first?.value else {
        Issue.record("\(text): not a mapping")
        continue
      }
      #expect(value.kind == expected, "v: \(text)")
    }
  }

  @Test func everyKeyAndValueHasItsLineAndColumn() throws {
    let root = try YAMLReader.parse("a:\n  - b: 1\n    c: [x, {d: é}]\n\"e\": 'f'\n")
    guard case .object(let top) = root.kind, case .array(let items) = top[0].value.kind, case .object(let inner) = items[0].kind,
      case .array(let flow) = inner[1].value.kind, case .object(let d) = flow[1].kind
    else {
      Issue.record("shape")
      return
    }
    #expect(root.position == SourcePosition(line: 1, column: 1))
    #expect(top.map(\.keyPosition) == [SourcePosition(line: 1, column: 1), SourcePosition(line: 4, column: 1)])
    #expect(top[0].value.position == SourcePosition(line: 2, column: 3))
    #expect(inner.map(\.keyPosition) == [SourcePosition(line: 2, column: 5), SourcePosition(line: 3, column: 5)])
    #expect(inner[0].value.position == SourcePosition(line: 2, column: 8))
    #expect(flow.map(\.position) == [SourcePosition(line: 3, column: 9), SourcePosition(line: 3, column: 12)])
    #expect(d[0].keyPosition == SourcePosition(line: 3, column: 13))
    #expect(d[0].value == JSONNode(kind: .string("é"), position: SourcePosition(line: 3, column: 16)))
    #expect(top[1].value == JSONNode(kind: .string("f"), position: SourcePosition(line: 4, column: 6)))
  }

  /// libyaml breaks lines at NEL, LS and PS too (YAML 1.1): positions after one are on its
  /// next line, which the end of the text and the clamping of positions past it count.
  @Test func positionsAfterNELLSAndPSAreLinesOfTheirOwn() throws {
    // LS: y and z were put at the end of the one CR/LF line, 1:15.
    let root = try YAMLReader.parse("x: 1\u{2028}y: 2\u{2029}z: 3")
    guard case .object(let members) = root.kind else {
      Issue.record("shape")
      return
    }
    #expect(members.map(\.keyPosition) == [SourcePosition(line: 1, column: 1), SourcePosition(line: 2, column: 1), SourcePosition(line: 3, column: 1)])
    #expect(members.map(\.value.position) == [SourcePosition(line: 1, column: 4), SourcePosition(line: 2, column: 4), SourcePosition(line: 3, column: 4)])
    // NEL: c's value was left at 3:4, past the end of the text (3:1, after the last LF).
    let nel = try YAMLReader.parse("a: 1\u{85}b: 2\nc: 3\n")
    guard case .object(let m) = nel.kind else {
      Issue.record("shape")
      return
    }
    #expect(m.map(\.value.position) == [SourcePosition(line: 1, column: 4), SourcePosition(line: 2, column: 4), SourcePosition(line: 3, column: 4)])
    // An error at the end of such a file, and its context: the end of its last line (they
    // were 1:10 and 3:1).
    #expect(throws: JSONSyntaxError(position: SourcePosition(line: 2, column: 5), message: "YAML: did not find expected node content (while parsing a flow node at 2:5)")) {
      try YAMLReader.parse("a: 1\u{2028}b: [")
    }
  }

  @Test func aYmlFileIsYAMLTooAndOtherNamesAreJSON() throws {
    #expect(ReportConfig.isYAML("a/b.yml"))
    #expect(ReportConfig.isYAML("B.YAML"))
    #expect(!ReportConfig.isYAML("b.json"))
    #expect(!ReportConfig.isYAML("yaml"))
    let text = "experiments:\n  - {name: a, data: {generate: [{mean: 0, sd: 1, count: 10}]}}\n"
    #expect(try ReportConfig.decode(text, file: "c.yml").experiments.map(\.name) == ["a"])
    #expect(throws: InputError(file: "c.json", position: SourcePosition(line: 1, column: 2), message: "expected a string key in double quotes, found 'e'")) {
      try ReportConfig.decode("{experiments: []}", file: "c.json")
    }
  }

  @Test func theFileIsCheckedForUTF8BeforeYAMLReadsIt() {
    #expect(throws: InputError.self) { try InputDecoding.config(Array("title: \u{0}\n".utf8), file: "n.yaml") }
  }
}
