import Foundation
import Synchronization
import Testing

@testable import ReportKit

/// The README's "Template variables" against the contexts real runs hand the template:
/// every key path the code produces is documented, every documented one is produced, with
/// the documented type, in the dimensions the README says (1-D and d-D); and the README's
/// example template renders.
@Suite struct TemplateVariablesTests {
  /// A documented key: its type cell and, for an experiment's own keys, its "in" cell.
  struct Documented: Equatable {
    var type: String
    var dimensions: String?
  }

  /// The README's section from `### Template variables` to the next heading of level 3 or
  /// less.
  static func section() throws -> [Substring] {
    let readme = try String(contentsOfFile: repositoryPath("README.md"), encoding: .utf8)
    let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0 == "### Template variables" })
    let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") || $0.hasPrefix("### ") } ?? lines.endIndex
    return Array(lines[(start + 1)..<end])
  }

  /// The `` `code` `` spans of a line.
  static func codeSpans(_ line: Substring) -> [String] {
    line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
  }

  /// Every documented key path. Each `####` heading names, in code spans, the objects its
  /// table describes (none: the top level); each table row whose first cell is a
  /// `` `key` `` adds `object.key` for each of them.
  static func documented() throws -> [String: Documented] {
    var prefixes: [String] = [""]
    var columns: [String] = []
    var result: [String: Documented] = [:]
    for line in try section() {
      if line.hasPrefix("#### ") {
        let spans = codeSpans(line)
        prefixes = spans.isEmpty ? [""] : spans
        columns = []
        continue
      }
      guard line.hasPrefix("|") else { continue }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
      if cells.first == "key" {
        columns = cells
        continue
      }
      guard let first = cells.first, first.hasPrefix("`"), first.hasSuffix("`"), first.count > 2 else { continue }
      let key = String(first.dropFirst().dropLast())
      let type = try #require(columns.firstIndex(of: "type").map { cells[$0] }, "no type column for \(key)")
      let dimensions = columns.firstIndex(of: "in").map { cells[$0] }
      for prefix in prefixes {
        let path = prefix.isEmpty ? key : "\(prefix).\(key)"
        #expect(result[path] == nil, "\(path) is documented twice")
        result[path] = Documented(type: type, dimensions: dimensions)
      }
    }
    return result
  }

  /// The README's type word for a context value (by its dynamic type: an empty list of
  /// objects is not a list of strings).
  static func typeName(_ value: Any) -> String {
    let t = Swift.type(of: value)
    if t == Bool.self { return "boolean" }
    if t == String.self { return "string" }
    if t == [String].self { return "list of strings" }
    if value is [Any] { return "list" }
    if value is [String: Any] { return "object" }
    return "\(t)"
  }

  /// Key paths mapped to the types their values have.
  typealias Paths = [String: Set<String>]

  /// Every key path below `object` (a list's as `key[]`, its elements' keys merged) with
  /// its value's type; a key whose type differs between elements has both.
  static func paths(_ object: [String: Any], prefix: String = "", into result: inout Paths) {
    for (key, value) in object {
      let path = prefix.isEmpty ? key : "\(prefix).\(key)"
      result[path, default: []].insert(typeName(value))
      if let list = value as? [[String: Any]] {
        for element in list { paths(element, prefix: path + "[]", into: &result) }
      } else if let nested = value as? [String: Any] {
        paths(nested, prefix: path, into: &result)
      }
    }
  }

  /// The key paths of the context `index.html` was rendered from, for each config (as SVG,
  /// the quickest), merged: the page's own keys, and each experiment's by its dimension.
  static func contexts(_ configs: [String], template: String? = nil) throws -> (top: Paths, oneD: Paths, dD: Paths, pages: [String]) {
    let seen = Mutex((top: Paths(), oneD: Paths(), dD: Paths(), renders: 0))
    var pages: [String] = []
    for config in configs {
      let folder = try temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let output = folder.appendingPathComponent("report")
      var o = options(config, output: output, formats: [.svg])
      if let template { o.templatePath = template }
      o.templateContext = { context in
        var top = Paths(), oneD = Paths(), dD = Paths()
        var own = context
        own["experiments"] = [[String: Any]]()
        paths(own, into: &top)
        for e in context["experiments"] as? [[String: Any]] ?? [] {
          if e["multivariate"] as? Bool == true { paths(e, prefix: "experiments[]", into: &dD) } else { paths(e, prefix: "experiments[]", into: &oneD) }
        }
        seen.withLock {
          $0.top.merge(top) { $0.union($1) }
          $0.oneD.merge(oneD) { $0.union($1) }
          $0.dD.merge(dD) { $0.union($1) }
          $0.renders += 1
        }
      }
      _ = try ReportGenerator.run(o)
      pages.append(try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8))
    }
    let result = seen.withLock { $0 }
    #expect(result.renders == configs.count)
    return (result.top, result.oneD, result.dD, pages)
  }

  /// The documented paths present in one dimension (`1-D` or `d-D`): the top level's, and
  /// each experiment key marked `both` or that dimension with everything below it.
  static func expected(_ documented: [String: Documented], dimension: String) -> [String: String] {
    var result: [String: String] = [:]
    for (path, entry) in documented {
      guard path.hasPrefix("experiments[].") else {
        result[path] = entry.type
        continue
      }
      let root = "experiments[]." + path.dropFirst("experiments[].".count).prefix { $0 != "." && $0 != "[" }
      let marked = documented[root]?.dimensions
      if marked == "both" || marked == dimension { result[path] = entry.type }
    }
    return result
  }

  /// Names each difference: in the code but not the README, in the README but absent,
  /// and a different type.
  static func compare(actual: Paths, expected: [String: String], _ what: String) {
    let actualTypes = actual.mapValues { $0.sorted().joined(separator: " or ") }
    let undocumented = Set(actualTypes.keys).subtracting(expected.keys).sorted()
    let absent = Set(expected.keys).subtracting(actualTypes.keys).sorted()
    #expect(undocumented == [], "\(what): in the context but not in the README's Template variables")
    #expect(absent == [], "\(what): in the README's Template variables but not in the context")
    for path in Set(actualTypes.keys).intersection(expected.keys).sorted() where actualTypes[path] != expected[path] {
      Issue.record("\(what): \(path) is a \(actualTypes[path]!), documented as \(expected[path]!)")
    }
  }

  @Test func theReadmeListsEveryKeyOfTheContexts() throws {
    let documented = try Self.documented()
    // Every experiment key says where it exists.
    for (path, entry) in documented where path.hasPrefix("experiments[].") && !path.dropFirst("experiments[].".count).contains(where: { $0 == "." || $0 == "[" }) {
      #expect(["both", "1-D", "d-D"].contains(entry.dimensions ?? ""), "\(path): in \(entry.dimensions ?? "nothing")")
    }
    // The article (1-D, one start, no choice of K), galaxies (1-D CSV, K from 1 to 6, 10
    // starts) and iris (4-D CSV, K and the covariance type chosen, 10 starts): every list
    // the context has is non-empty in one of them.
    // and missing (2-D, a quarter of the cells hidden: the missing-values keys).
    let (top, oneD, dD, _) = try Self.contexts(["article", "galaxies", "iris", "missing"].map { repositoryPath("examples/\($0).json") })
    Self.compare(actual: top.merging(oneD) { $0.union($1) }, expected: Self.expected(documented, dimension: "1-D"), "1-D")
    Self.compare(actual: top.merging(dD) { $0.union($1) }, expected: Self.expected(documented, dimension: "d-D"), "d-D")
  }

  /// The section's example template, written as the README shows it, renders the article.
  @Test func theReadmeExampleTemplateRenders() throws {
    let lines = try Self.section()
    let open = try #require(lines.firstIndex { $0 == "```html" })
    let close = try #require(lines[(open + 1)...].firstIndex { $0 == "```" })
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let template = try write(lines[(open + 1)..<close].joined(separator: "\n") + "\n", to: "t.html", in: folder)
    let (_, _, _, pages) = try Self.contexts([repositoryPath("examples/article.json")], template: template)
    let page = try #require(pages.first)
    #expect(page.contains("<h1>Expectation-Maximization for a two-component Gaussian mixture</h1>"))
    #expect(page.contains(#"<section id="article">"#))
    #expect(page.contains("<tr><td>1</td><td>0.2528</td><td>2.01825</td><td>0.992432</td></tr>"))
    #expect(page.contains(#"<img src="figures/article-density.svg" alt="Density Estimation of X">"#))
    #expect(page.contains("The tutorial&#39;s experiment"))
    #expect(!page.contains("{{") && !page.contains("}}"))
  }
}
