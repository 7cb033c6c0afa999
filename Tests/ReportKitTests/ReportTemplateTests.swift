import Foundation
import Mustache
import Synchronization
import Testing

@testable import ReportKit

/// ``ReportTemplate``: the template parsed in pieces renders exactly what it renders whole.
@Suite struct ReportTemplateTests {
  /// The outline with each piece's line replaced by the piece: the text again.
  static func rejoined(_ split: (outline: String, pieces: [String])) -> String {
    var text = split.outline
    for (i, piece) in split.pieces.enumerated() {
      text = text.replacingOccurrences(of: "{{>\(ReportTemplate.pieceName(i))}}\n", with: piece)
    }
    return text
  }

  /// `{{#`/`{{^` opened minus `{{/` closed in `text`.
  static func balance(_ text: String) -> Int {
    text.components(separatedBy: "{{#").count + text.components(separatedBy: "{{^").count - 2 - (text.components(separatedBy: "{{/").count - 1)
  }

  @Test func theBuiltInTemplateIsAShortOutlineAndBalancedPieces() throws {
    let split = ReportTemplate.split(DefaultTemplate.text)
    #expect(Self.rejoined(split) == DefaultTemplate.text)
    #expect(split.pieces.count >= 5, "\(split.pieces.count) pieces")
    #expect(split.outline.utf8.count < 3000, "outline of \(split.outline.utf8.count) bytes")
    #expect(split.pieces.allSatisfy { $0.hasSuffix("\n") && Self.balance($0) == 0 && $0.utf8.count < 4 * ReportTemplate.pieceBytes })
    #expect(try ReportTemplate(string: DefaultTemplate.text, splitting: true).pieceCount == split.pieces.count)
    #expect(ReportTemplate.canSplit(DefaultTemplate.text))
    #expect(try ReportTemplate(string: DefaultTemplate.text).pieceCount == 0)
  }

  @Test func piecesRenderWhatTheWholeTemplateRenders() throws {
    let whole = try MustacheTemplate(string: DefaultTemplate.text)
    let pieces = try ReportTemplate(string: DefaultTemplate.text, splitting: true)
    // Both renders of each real context (Mutex: the hook may run on another thread).
    let pages = Mutex([(pieces: String, whole: String)]())
    for name in ["article", "iris", "missing"] {
      let folder = try temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      var o = options(repositoryPath("examples/\(name).json"), output: folder.appendingPathComponent("report"), formats: [.svg])
      o.templateContext = { context in
        let rendered = (pieces: pieces.render(context), whole: whole.render(context))
        pages.withLock { $0.append(rendered) }
      }
      _ = try ReportGenerator.run(o)
    }
    let all = pages.withLock { $0 }
    #expect(all.count == 3)
    for page in all {
      #expect(page.pieces == page.whole)
      #expect(page.pieces.count > 5000 && !page.pieces.contains("{{"))
    }
  }

  @Test func sectionsOpenAroundAPieceStayInTheOutline() throws {
    let row = "<tr><td>{{name}}</td></tr>\n"
    let text = "<h1>{{title}}</h1>\n" + String(repeating: row, count: 100) + "{{#items}}\n" + String(repeating: "<li>{{.}} {{name}}</li>\n", count: 200)
      + "{{/items}}\n" + "{{^items}}\nnone\n{{/items}}\n" + "{{#title}}\n  " + String(repeating: row, count: 100) + "{{/title}}\n"
      + "{{! a comment {{#not}} }}\nend"
    let split = ReportTemplate.split(text)
    #expect(Self.rejoined(split) == text)
    #expect(split.pieces.count >= 4)
    #expect(split.outline.contains("{{#items}}\n{{>generate-report.piece.") && split.outline.hasSuffix("end"))
    #expect(split.pieces.allSatisfy { Self.balance($0) == 0 })
    let template = try ReportTemplate(string: text, splitting: true)
    #expect(template.pieceCount == split.pieces.count)
    for context: [String: Any] in [["title": "T", "name": "n", "items": ["a", "b"]], ["name": "m", "items": [String]()]] {
      #expect(template.render(context) == (try MustacheTemplate(string: text)).render(context))
    }
  }

  @Test func otherDelimitersOrUnbalancedSectionsParseWhole() throws {
    let long = String(repeating: "x {{y}}\n", count: 1000)
    #expect(ReportTemplate.split("{{=<% %>=}}\n" + long + "<%a%>\n").pieces.isEmpty)
    #expect(ReportTemplate.split(long + "{{#a}}\n" + long).pieces.isEmpty)
    #expect(ReportTemplate.split(long + "{{! a comment\nover two lines }}\n" + long).pieces.isEmpty)
    #expect(ReportTemplate.split(long + long).pieces.count > 1)
    // An unbalanced template gives the whole template's error.
    #expect(throws: (any Error).self) { try ReportTemplate(string: long + "{{/a}}\n" + long, splitting: true) }
    #expect(ReportTemplate.split("").pieces.isEmpty)
    #expect(try ReportTemplate(string: "").render([String: Any]()) == "")
  }

  /// What a partial does not inherit (a section's index() and first(), a content-type
  /// pragma), partial tags of a template's own, and a brace joined by a combining mark: any
  /// of them and the template is parsed whole, and renders as the whole does.
  @Test func templatesPiecesWouldChangeAreParsedWhole() throws {
    let body = String(repeating: "<p>{{title}} row</p>\n", count: 300)
    let cases: [String] = [
      "{{#items}}\n<p>{{index()}}{{#first()}} first{{/first()}}</p>\n" + body + "{{/items}}\n",
      "{{%CONTENT_TYPE:TEXT}}\n" + body + "Title: {{title}}\n",
      "{{>generate-report.piece.0}}\n" + body,
      "{{>*title}}\n" + body,
      "{{#items}}{{! c }}\u{200D}\n" + body + "{{/items}}\n",
    ]
    let context: [String: Any] = ["title": "Q&A <draft>", "items": ["a", "b"]]
    for text in cases {
      #expect(!ReportTemplate.canSplit(text), "\(text.prefix(30))")
      let template = try ReportTemplate(string: text, splitting: true)
      #expect(template.pieceCount == 0)
      #expect(template.render(context) == (try MustacheTemplate(string: text)).render(context))
    }
    // An invalid template stays an error (the joined brace hides the comment's end).
    #expect(throws: (any Error).self) { try ReportTemplate(string: "{{#t}}{{! c }}\u{200D}\n" + String(repeating: "plain\n", count: 900) + "{{/t}}\n", splitting: true) }
  }

  @Test func aTemplateFileIsParsedWhole() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try write(String(repeating: "<p>{{title}}</p>\n", count: 500), to: "t.html", in: folder)
    var o = options(repositoryPath("examples/article.json"), output: folder.appendingPathComponent("report"))
    o.templatePath = path
    let (template, source) = try ReportGenerator.loadTemplate(o)
    #expect(source == path && template.pieceCount == 0)
    o.templatePath = nil
    #expect(try ReportGenerator.loadTemplate(o).0.pieceCount >= 5)
  }
}
