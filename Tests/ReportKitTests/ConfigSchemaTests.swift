import Foundation
import Testing

@testable import ReportKit

/// `docs/experiment.schema.json` is generated from ``ConfigSchema``, whose tables give the
/// decoder its keys; these tests keep the committed file equal to the generated one and walk
/// every key of the schema through the decoder: each valid value of its type, enum and
/// bounds decodes, and each value of another type, outside an enum or past a bound fails with
/// a message at that key's path.
@Suite struct ConfigSchemaTests {
  @Test func theCommittedSchemaIsTheGeneratedOne() throws {
    let committed = try String(contentsOfFile: repositoryPath("docs/experiment.schema.json"), encoding: .utf8)
    // Regenerate with: swift run generate-report schema > docs/experiment.schema.json
    #expect(committed == ConfigSchema.text, "docs/experiment.schema.json is stale: swift run generate-report schema > docs/experiment.schema.json")
  }

  @Test func theSchemaIsDraft07WithAnIdAndClosedObjects() throws {
    let root = try JSONParser.parse(ConfigSchema.text)
    guard case .object(let members) = root.kind else { Issue.record("not an object"); return }
    #expect(members.prefix(2).map(\.key) == ["$schema", "$id"])
    #expect(members[0].value.kind == .string("http://json-schema.org/draft-07/schema#"))
    #expect(members[1].value.kind == .string("urn:generate-report:experiment-file:v1"))
    var objects = 0
    var open: [String] = []
    func visit(_ node: JSONNode, _ path: String) {
      switch node.kind {
      case .object(let members):
        if members.contains(where: { $0.key == "type" && $0.value.kind == .string("object") }) {
          objects += 1
          if !members.contains(where: { $0.key == "additionalProperties" && $0.value.kind == .bool(false) }) { open.append(path) }
        }
        for m in members { visit(m.value, "\(path)/\(m.key)") }
      case .array(let items):
        for (i, item) in items.enumerated() { visit(item, "\(path)/\(i)") }
      default: break
      }
    }
    visit(root, "")
    #expect(objects == ConfigSchema.objects.count)
    #expect(open == [])
  }

  @Test func everyObjectOfTheFileIsInTheSchemaOnce() {
    #expect(
      ConfigSchema.objects.map(\.id) == [
        "top", "figure", "experiment", "generatedData", "group", "groupVector", "hide", "csvData", "fit", "componentRange", "explicitStart",
        "explicitStartVector", "kde", "titles", "boundParameter",
      ])
  }

  // MARK: The walk

  /// Where each object sits, by id: its key path (index 0 in arrays).
  static func spots() -> [(object: ConfigSchema.ObjectSchema, path: String, siblings: [ConfigSchema.ObjectSchema])] {
    var out: [(ConfigSchema.ObjectSchema, String, [ConfigSchema.ObjectSchema])] = []
    var seen: Set<String> = []
    func visit(_ value: ConfigSchema.Value, _ path: String) {
      switch value.kind {
      case .object(let o): visit(o, path, [o])
      case .anyOf(let values):
        let objects = values.flatMap(\.objects)
        for o in objects { visit(o, path, objects) }
        for v in values { if case .array = v.kind { visit(v, path) } }
      case .array(let a): visit(a.items, "\(path)[0]")
      default: break
      }
    }
    func visit(_ o: ConfigSchema.ObjectSchema, _ path: String, _ siblings: [ConfigSchema.ObjectSchema]) {
      guard seen.insert(o.id).inserted else { return }
      out.append((o, path, siblings))
      for p in o.properties { visit(p.value, path.isEmpty ? p.name : "\(path).\(p.name)") }
    }
    visit(ConfigSchema.top, "", [ConfigSchema.top])
    return out
  }

  typealias Members = [(key: String, value: String)]

  static func render(_ members: Members) -> String { "{" + members.map { "\(quote($0.key)): \($0.value)" }.joined(separator: ", ") + "}" }

  static func quote(_ s: String) -> String { String(try! JSONWriter.write(.string(s)).dropLast()) }

  static func setting(_ members: Members, _ key: String, _ value: String?) -> Members {
    var out = members.filter { $0.key != key }
    if let value { out.append((key, value)) }
    return out
  }

  static let groups1 = #"[{"mean": 0, "sd": 1, "count": 100}, {"mean": 5, "sd": 1, "count": 100}]"#
  static let groups2 = #"[{"mean": [0, 0], "covariance": [[1, 0], [0, 1]], "count": 100}, {"mean": [5, 5], "covariance": [[1, 0], [0, 1]], "count": 100}]"#
  static let groups3 = #"[{"mean": [0, 0, 0], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 100}]"#

  /// Each object's members in the walk's base file (its required keys, and what makes it valid).
  static let base: [String: Members] = [
    "top": [("experiments", "[" + render(experimentBase) + "]")],
    "figure": [],
    "experiment": experimentBase,
    "generatedData": [("generate", groups1)],
    "csvData": [("csv", #""x.csv""#)],
    "group": [("mean", "0"), ("sd", "1"), ("count", "100")],
    "groupVector": [("mean", "[0, 0]"), ("covariance", "[[1, 0], [0, 1]]"), ("count", "100")],
    "hide": [("fraction", "0.2")],
    "fit": [],
    "componentRange": [("from", "1"), ("to", "100")],
    "explicitStart": [("weights", "[0.5, 0.5]"), ("means", "[0, 1]"), ("sds", "[1, 1]")],
    "explicitStartVector": [("weights", "[0.5, 0.5]"), ("means", "[[0, 0], [5, 5]]"), ("covariances", "[[[1, 0], [0, 1]], [[1, 0], [0, 1]]]")],
    "kde": [],
    "titles": [],
    "boundParameter": [("component", "1")],
  ]

  static let experimentBase: Members = [("name", #""a""#), ("data", #"{"generate": \#(groups1)}"#)]

  /// A valid value for array keys the base leaves out.
  static let examples: [String: String] = [
    "top.formats": #"["png"]"#, "top.figure": "{}", "experiment.figures": #"["density"]"#, "experiment.stepEpochs": "[0, 1]",
    "generatedData.labels": #"["a", "b"]"#, "csvData.labels": #"["a", "b"]"#, "csvData.columns": "[0, 1]", "experiment.fit": "{}",
    "experiment.kde": "{}", "experiment.titles": "{}", "experiment.boundParameter": #"{"component": 1}"#,
  ]

  /// An experiment that draws `figure`, with `members` added.
  static func drawing(_ figure: String, _ members: Members) -> Members {
    var e = experimentBase
    switch figure {
    case "clusters", "uncertainty": e = setting(e, "data", #"{"generate": \#(groups2)}"#)
    case "pairs": e = setting(e, "data", #"{"generate": \#(groups3)}"#)
    case "missingness": e = setting(e, "data", #"{"generate": \#(groups2), "hide": {"fraction": 0.1}}"#)
    case "selection": e = setting(e, "fit", #"{"components": {"from": 1, "to": 2}}"#)
    default: break
    }
    if FigureID(rawValue: figure) != nil { e = setting(e, "figures", "[\(quote(figure))]") }
    for m in members { e = setting(e, m.key, m.value) }
    return e
  }

  static func file(experiment members: Members) -> String { #"{"experiments": [\#(render(members))]}"# }

  /// The whole file in which the object `id` has `members`; `key` is the key under test,
  /// `value` its value (some keys need a matching context: a figure to draw, d dimensions).
  static func file(_ id: String, _ members: Members, key: String, value: String?) -> String {
    let object = render(members)
    let v = value ?? ""
    switch id {
    case "top": return object
    case "figure": return #"{"figure": \#(object), "experiments": [\#(render(experimentBase))]}"#
    case "experiment":
      var e = members
      if key == "figures", v.hasPrefix("[\""), let id = v.dropFirst(2).split(separator: "\"").first {
        for m in drawing(String(id), []) where m.key != "name" && m.key != "figures" { e = Self.setting(e, m.key, m.value) }
      }
      if key == "stepEpochs" { e = setting(setting(e, "figures", #"["steps"]"#), "fit", #"{"epochs": 1000000}"#) }
      if key == "boundParameter" { e = setting(setting(e, "figures", #"["bound"]"#), "fit", #"{"components": 100}"#) }
      return file(experiment: e)
    case "generatedData":
      var data = members
      if key == "labels" { data = setting(data, "generate", groups2) }
      return file(experiment: setting(experimentBase, "data", render(data)))
    case "csvData":
      var data = members
      if key == "labels" || key == "missing" { data = setting(data, "columns", "[0, 1]") }
      return file(experiment: setting(experimentBase, "data", render(data)))
    case "hide":
      // As many coordinates as an experiment may have, so that every coordinate the schema
      // allows in "columns" exists.
      let d = ReportConfig.maximumDimension
      let identity = "[" + (0..<d).map { i in "[" + (0..<d).map { $0 == i ? "1" : "0" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
      let group = #"{"mean": [\#((0..<d).map { _ in "0" }.joined(separator: ", "))], "covariance": \#(identity), "count": 100}"#
      // "mar" needs a column that is never hidden.
      let hide = key == "mechanism" && object.hasPrefix("{") ? #"{"columns": [0], "# + object.dropFirst() : object
      return file(experiment: setting(experimentBase, "data", #"{"generate": [\#(group)], "hide": \#(hide)}"#))
    case "group", "groupVector":
      let other = id == "group" ? #"{"mean": 5, "sd": 1, "count": 100}"# : #"{"mean": [5, 5], "covariance": [[1, 0], [0, 1]], "count": 100}"#
      // A count at its upper bound alone; 1 needs another group for two points in all.
      let generate = key == "count" && v != "1" ? "[\(object)]" : "[\(object), \(other)]"
      return file(experiment: setting(experimentBase, "data", #"{"generate": \#(generate)}"#))
    case "fit":
      var e = setting(experimentBase, "fit", object)
      // The work limit is checked when the file is read for generated data: CSV data.
      if key == "workLimit" { e = setting(e, "data", #"{"csv": "x.csv"}"#) }
      if key == "init" && v.contains("covariances") { e = setting(e, "data", #"{"generate": \#(groups2)}"#) }
      return file(experiment: e)
    case "componentRange": return file(experiment: setting(experimentBase, "fit", #"{"components": \#(object)}"#))
    case "explicitStart": return file(experiment: setting(experimentBase, "fit", #"{"components": 2, "init": \#(object)}"#))
    case "explicitStartVector":
      return file(experiment: setting(setting(experimentBase, "data", #"{"generate": \#(groups2)}"#), "fit", #"{"components": 2, "init": \#(object)}"#))
    case "kde": return file(experiment: setting(experimentBase, "kde", object))
    case "titles": return file(experiment: drawing(key, [("titles", object)]))
    case "boundParameter": return file(experiment: drawing("bound", [("fit", #"{"components": 100}"#), ("boundParameter", object)]))
    default:
      Issue.record("no context for the object \(id)")
      return "{}"
    }
  }

  /// A number as JSON text.
  static func literal(_ x: Double, integer: Bool) -> String {
    integer || (x.rounded() == x && abs(x) < 1e15) ? String(Int(x)) : "\(x)"
  }

  /// Values the schema allows and refuses for one key, as JSON texts; `example` is a valid
  /// value for arrays and objects (the base's, or ``examples``).
  static func values(_ value: ConfigSchema.Value, example: String?) -> (valid: [String], invalid: [String]) {
    var valid: [String] = example.map { [$0] } ?? []
    var invalid: [String] = []
    let types = value.types
    func allows(_ t: String) -> Bool { types.contains(t) || (t == "integer" && types.contains("number")) }
    if !allows("null") { invalid.append("null") }
    if !allows("boolean") { invalid.append("true") }
    if !allows("string") { invalid.append(#""x""#) }
    if !allows("number") { invalid.append("2.5") }
    if !allows("array") { invalid.append("[]") }
    if !allows("object") { invalid.append("{}") }
    for alternative in value.alternatives {
      switch alternative.kind {
      case .string(let rule):
        if let allowed = rule.allowed {
          valid += allowed.map(quote)
          invalid.append(quote("zzz"))
        } else {
          valid.append(quote("Ab"))
          if let n = rule.maxLength {
            valid.append(quote(String(repeating: "a", count: n)))
            invalid.append(quote(String(repeating: "a", count: n + 1)))
          }
          if let n = rule.minLength, n > 0 { invalid.append(quote(String(repeating: "a", count: n - 1))) }
          if rule.nonBlank { invalid += [quote(""), quote("   ")] }
        }
      case .number(let rule):
        let integer = rule.integer
        var inside: [Double] = []
        /// `m` moved by `step`, exactly for whole numbers (2^53 + 1 is no double).
        func beyond(_ m: Double, _ step: Int) -> String { integer ? String(Int(m) + step) : literal(m + Double(step), integer: false) }
        if let m = rule.minimum {
          inside.append(m)
          invalid.append(beyond(m, -1))
          if !integer, m != 0 { invalid.append(literal(m - abs(m) * 1e-6, integer: false)) }
        }
        if let m = rule.exclusiveMinimum {
          inside.append(m + 0.5)
          invalid += [literal(m, integer: integer), beyond(m, -1)]
        }
        if let m = rule.exclusiveMaximum {
          inside.append(m - 0.5)
          invalid += [literal(m, integer: integer), beyond(m, 1)]
        }
        if let m = rule.maximum {
          inside.append(m)
          invalid.append(beyond(m, 1))
          if !integer { invalid.append(literal(m + abs(m) * 1e-6, integer: false)) }
        }
        if inside.isEmpty { inside.append(integer ? 1 : 1.5) }
        valid += inside.map { literal($0, integer: integer) }
        if integer, let low = inside.min() { invalid.append("\(Int(low)).5") }
      case .boolean:
        valid += ["true", "false"]
      case .array(let rule):
        if case .string(let items) = rule.items.kind, let allowed = items.allowed {
          valid += allowed.map { "[\(quote($0))]" }
        }
        let item0 = example.flatMap(firstItem)
        func replacing(_ item: String) -> String? {
          guard let example, let item0 else { return nil }
          return "[" + item + example.dropFirst().dropFirst(item0.count)
        }
        if (rule.minItems ?? 0) > 0 { invalid.append("[]") }
        if let n = rule.maxItems, let item0 {
          invalid.append("[" + (0...n).map { i in item0.first == "\"" ? quote("s\(i)") : item0.first == "[" ? item0 : String(i) }.joined(separator: ", ") + "]")
        }
        // An item of another type, outside the items' enum or past their bounds.
        let items = values(rule.items, example: nil)
        invalid += items.invalid.compactMap(replacing)
      default: break
      }
    }
    return (valid, invalid)
  }

  /// The first item of a JSON array's text (nested brackets kept together).
  static func firstItem(_ array: String) -> String? {
    guard array.hasPrefix("["), array.count > 2 else { return nil }
    var depth = 0
    var inString = false
    var item = ""
    for c in array.dropFirst() {
      if inString {
        item.append(c)
        if c == "\"" { inString = false }
        continue
      }
      switch c {
      case "\"": inString = true
      case "[", "{": depth += 1
      case "]", "}":
        if depth == 0 { return item.trimmingCharacters(in: .whitespaces) }
        depth -= 1
      case "," where depth == 0: return item.trimmingCharacters(in: .whitespaces)
      default: break
      }
      item.append(c)
    }
    return nil
  }

  /// Whether `message` is about `path` (the path, then a space, `[`, `.` or `:`).
  static func isAbout(_ message: String, _ path: String) -> Bool {
    guard message.hasPrefix(path) else { return false }
    if path.isEmpty { return true }
    let next = message.dropFirst(path.count).first
    return next == " " || next == "[" || next == "." || next == ":"
  }

  static func decode(_ text: String) -> Result<ReportConfig, InputError> {
    Result { () throws(InputError) in try ReportConfig.decode(text, file: "w.json") }
  }

  @Test func eachObjectsBaseFileIsValid() {
    for spot in Self.spots() {
      let text = Self.file(spot.object.id, Self.base[spot.object.id] ?? [], key: "", value: nil)
      if case .failure(let error) = Self.decode(text) { Issue.record("\(spot.object.id): \(error.message)\n\(text)") }
    }
  }

  @Test func everyKeyTakesWhatTheSchemaAllowsAndRefusesTheRest() {
    var failures: [String] = []
    var checked = 0
    for spot in Self.spots() {
      let id = spot.object.id
      let members = Self.base[id] ?? []
      for property in spot.object.properties {
        let path = spot.path.isEmpty ? property.name : "\(spot.path).\(property.name)"
        let example = members.first { $0.key == property.name }?.value ?? Self.examples["\(id).\(property.name)"]
        var (valid, invalid) = Self.values(property.value, example: example)
        // A type a sibling shape allows for the key (a 1-D group's number mean) is that shape's.
        let siblingTypes = spot.siblings.filter { $0.id != id }.compactMap { $0[property.name]?.value.types }.reduce(into: Set<String>()) { $0.formUnion($1) }
        invalid.removeAll { text in
          (text == "2.5" && (siblingTypes.contains("number"))) || (text == "[]" && siblingTypes.contains("array") && !(property.value.types.contains("array")))
        }
        for text in valid {
          checked += 1
          let file = Self.file(id, Self.setting(members, property.name, text), key: property.name, value: text)
          if case .failure(let error) = Self.decode(file) { failures.append("\(path) = \(text) should be valid: \(error.message)") }
        }
        for text in invalid {
          checked += 1
          let file = Self.file(id, Self.setting(members, property.name, text), key: property.name, value: text)
          switch Self.decode(file) {
          case .success: failures.append("\(path) = \(text.prefix(60)) should be refused")
          case .failure(let error):
            if !Self.isAbout(error.message, path) || error.position == nil { failures.append("\(path) = \(text.prefix(60)): \(error.message)") }
          }
        }
      }
    }
    #expect(failures == [], "\(failures.count) of \(checked):\n\(failures.joined(separator: "\n"))")
    #expect(checked > 400)
  }

  @Test func everyObjectRefusesAnUnknownKeyAndNeedsItsRequiredOnes() {
    var failures: [String] = []
    for spot in Self.spots() {
      let id = spot.object.id
      let members = Self.base[id] ?? []
      let unknown = Self.file(id, members + [("zzz", "1")], key: "zzz", value: "1")
      switch Self.decode(unknown) {
      case .success: failures.append("\(id): zzz accepted")
      case .failure(let error):
        if !Self.isAbout(error.message, spot.path.isEmpty ? "zzz" : "\(spot.path).zzz") { failures.append("\(id): \(error.message)") }
      }
      for property in spot.object.properties where property.required {
        let text = Self.file(id, members.filter { $0.key != property.name }, key: property.name, value: nil)
        switch Self.decode(text) {
        case .success: failures.append("\(id).\(property.name) is required but was not missed")
        case .failure(let error):
          if !Self.isAbout(error.message, spot.path) || !error.message.contains(property.name) { failures.append("\(id) without \(property.name): \(error.message)") }
        }
      }
      // Every key the schema does not require can be left out: the base files have none of them.
      for property in spot.object.properties where !property.required && members.contains(where: { $0.key == property.name }) {
        failures.append("\(id).\(property.name) is optional but in the base file")
      }
    }
    #expect(failures == [], "\n\(failures.joined(separator: "\n"))")
  }

  @Test func keysThatMayNotGoTogetherAreRefusedTogether() throws {
    let text = Self.file(experiment: Self.setting(Self.experimentBase, "data", #"{"csv": "x.csv", "column": 0, "columns": [0, 1]}"#))
    guard case .failure(let error) = Self.decode(text) else { Issue.record("accepted"); return }
    #expect(error.description == #"w.json:1:81: experiments[0].data.columns and "column" are both given; keep "column" for one column or "columns" for several"#)
    #expect(ConfigSchema.csvData.conflicts == [["column", "columns"]])
  }

  // MARK: $schema

  @Test func aTopLevelSchemaKeyIsAcceptedAndIgnored() throws {
    let plain = #"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 0, "sd": 1, "count": 10}]}}]}"#
    let withSchema = #"{"$schema": "./docs/experiment.schema.json", "experiments": [{"name": "a", "data": {"generate": [{"mean": 0, "sd": 1, "count": 10}]}}]}"#
    #expect(try ReportConfig.decode(withSchema, file: "s.json") == ReportConfig.decode(plain, file: "s.json"))
    #expect(throws: InputError(file: "s.json", position: SourcePosition(line: 1, column: 13), message: "$schema must be a string (the path or URL of the JSON Schema, for editors), got 7")) {
      try ReportConfig.decode(#"{"$schema": 7, "experiments": []}"#, file: "s.json")
    }
    // Only at the top level.
    #expect(throws: InputError(file: "s.json", position: SourcePosition(line: 1, column: 19), message: #"experiments[0] has the key "$schema", which is not a known key; known keys here: name, description, seed, rng, data, fit, kde, writeSamples, figures, titles, boundParameter, stepEpochs"#)) {
      try ReportConfig.decode(#"{"experiments": [{"$schema": "x", "name": "a", "data": {"generate": [{"mean": 0, "sd": 1, "count": 10}]}}]}"#, file: "s.json")
    }
  }
}
