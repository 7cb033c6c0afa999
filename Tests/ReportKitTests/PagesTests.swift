import Foundation
import Testing
import TestSupport

@testable import ReportKit

/// `report: ["markdown"]` and `embed`: the pages docs tools take.
@Suite struct PagesTests {
  /// The article's index.md, pinned; re-record with RECORD_SNAPSHOTS=1 only on purpose.
  @Test func theArticlesMarkdownMatchesItsGolden() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var o = options(repositoryPath("examples/article.json"), output: folder.appendingPathComponent("out"), formats: [.png, .pdf])
    o.pages = [.html, .markdown]
    let summary = try ReportGenerator.run(o)
    #expect(summary.indexPath.hasSuffix("out/index.html"))
    let md = try String(contentsOf: folder.appendingPathComponent("out/index.md"), encoding: .utf8)
    let outcome = Snapshot.compare(md, named: "article.md")
    if case .recorded = outcome {} else { #expect(outcome == .matches, "\(outcome)") }
    // Every image and link of the page is a file of the report.
    let files = try snapshot(folder.appendingPathComponent("out"))
    var targets: [String] = []
    var rest = Substring(md)
    while let open = rest.range(of: "](") {
      rest = rest[open.upperBound...]
      guard let close = rest.firstIndex(of: ")") else { break }
      targets.append(String(rest[..<close]))
    }
    #expect(targets.count >= 20)
    for t in targets { #expect(files[t] != nil, "\(t)") }
    #expect(!md.contains("&lt;") && !md.contains("&amp;") && !md.contains("<"))
  }

  @Test func userTextIsEscapedInMarkdownWithoutHTMLEntities() throws {
    #expect(MarkdownReport.escape("<script>a & b</script> *x* | y") == #"\<script\>a \& b\</script\> \*x\* \| y"#)
    #expect(MarkdownReport.escape("# not a heading") == ##"\# not a heading"##)
    #expect(MarkdownReport.escape("two\nlines") == "two lines")
    #expect(MarkdownReport.table(["a|b", "n"], [["1", "2"]], numeric: [1]) == "| a\\|b | n |\n| --- | ---: |\n| 1 | 2 |\n")
  }

  @Test func markdownAloneWritesNoHTML() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(
      #"{"report": ["markdown"], "formats": ["svg"], "experiments": [{"name": "m", "data": {"generate": [{"mean": 0, "sd": 1, "count": 50}]}, "fit": {"components": 1}}]}"#,
      to: "m.json", in: folder)
    let summary = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("out")))
    #expect(summary.indexPath.hasSuffix("out/index.md"))
    let files = try snapshot(folder.appendingPathComponent("out"))
    #expect(files["index.html"] == nil && files["index.md"] != nil)
  }

  @Test func anEmbeddedPageReferencesNoOtherFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var o = options(repositoryPath("examples/galaxies.json"), output: folder.appendingPathComponent("out"), formats: [.png, .svg])
    o.embed = true
    _ = try ReportGenerator.run(o)
    let html = try String(contentsOf: folder.appendingPathComponent("out/index.html"), encoding: .utf8)
    let references = localReferences(in: html)
    #expect(references.count >= 12)
    #expect(references.allSatisfy { $0.hasPrefix("data:") }, "\(references.filter { !$0.hasPrefix("data:") })")
    // The inlined figure is the file, byte for byte.
    let png = try Data(contentsOf: folder.appendingPathComponent("out/figures/galaxies-fit.png"))
    #expect(html.contains("data:image/png;base64,\(png.base64EncodedString())"))
    #expect(!html.contains("srcset"))
    #expect(!html.contains(#"href="results.json""#))
  }

  @Test func reportAndEmbedKeysAreChecked() throws {
    let groups = #"{"generate": [{"mean": 0, "sd": 1, "count": 50}]}"#
    func message(_ top: String) -> String? {
      do {
        _ = try ReportConfig.decode(#"{\#(top), "experiments": [{"name": "a", "data": \#(groups)}]}"#, file: "c.json")
        return nil
      } catch { return error.description }
    }
    #expect(message(#""report": ["html", "markdwn"]"#) == #"c.json:1:21: report[1] must be "html" or "markdown", got the string "markdwn"; did you mean "markdown"?"#)
    #expect(message(#""report": ["html", "html"]"#) == #"c.json:1:21: report[1] "html" is listed twice; list each page once"#)
    #expect(message(#""report": []"#) == #"c.json:1:12: report must be a non-empty array of "html" and "markdown", got an empty array"#)
    #expect(message(#""embed": "yes""#) == #"c.json:1:11: embed must be true (one self-contained index.html) or false, got the string "yes""#)
    let config = try ReportConfig.decode(#"{"report": ["markdown", "html"], "embed": true, "experiments": [{"name": "a", "data": \#(groups)}]}"#, file: "c.json")
    #expect(config.pages == [.markdown, .html] && config.embed)
  }
}
