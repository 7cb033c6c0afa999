@testable import CairoRendering
import Foundation
import Synchronization
import Testing

@testable import ReportKit

/// Every `src="…"` and `href="…"` of a page that is not an in-page anchor.
func localReferences(in html: String) -> [String] {
  var result: [String] = []
  for attribute in ["src=\"", "href=\""] {
    var rest = Substring(html)
    while let start = rest.range(of: attribute) {
      rest = rest[start.upperBound...]
      guard let end = rest.firstIndex(of: "\"") else { break }
      let value = String(rest[..<end])
      if !value.hasPrefix("#") { result.append(value) }
      rest = rest[end...]
    }
  }
  return result
}

@Suite struct ReportGeneratorTests {
  @Test func theArticleReportHasEveryFigureCSVAndOnlyWorkingLinks() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("article")
    var lines: [ExperimentLine] = []
    let summary = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: output)) { lines.append($0) }
    #expect(summary.indexPath == output.path + "/index.html")
    #expect(lines.map(\.name) == ["article"])
    #expect(lines[0].epochsRun == 20 && !lines[0].converged)

    let files = try snapshot(output)
    let expected =
      ["density", "log-likelihood", "fit", "components", "bound", "steps"].flatMap { ["figures/article-\($0).png", "figures/article-\($0).pdf"] }
      + ["data/article-samples.csv", "data/article-trace.csv", "data/article-curves.csv", "results.json", "index.html"]
    #expect(Set(files.keys) == Set(expected))
    for png in expected where png.hasSuffix(".png") {
      let bytes = try #require(files[png])
      #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
      // 6.4 × 4.8 in at 100 dpi; the two-panel bound and the small multiples are wider
      // (and the steps taller), never smaller.
      let (width, height) = (bigEndianInt(bytes, at: 16), bigEndianInt(bytes, at: 20))
      if png.contains("-bound.") || png.contains("-steps.") {
        #expect(width > 640 && height >= 480, "\(png): \(width) × \(height)")
      } else {
        #expect(width == 640 && height == 480, "\(png): \(width) × \(height)")
      }
    }
    for pdf in expected where pdf.hasSuffix(".pdf") {
      #expect(try #require(files[pdf]).prefix(5) == Data("%PDF-".utf8))
    }

    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    let references = localReferences(in: html)
    #expect(!references.isEmpty)
    for reference in references {
      #expect(files[reference] != nil, "index.html links to \(reference), which does not exist")
    }
    #expect(Set(expected.filter { $0 != "index.html" }).isSubset(of: Set(references)))
    #expect(html.contains("<title>Expectation-Maximization for a two-component Gaussian mixture</title>"))
    #expect(html.contains("generate-report 0.3.0"))
    let configSHA = SHA256.hexDigest(try FileAccess().readBytes(repositoryPath("examples/article.json")))
    #expect(html.contains(configSHA))
    #expect(html.contains("lower is better"))
    #expect(html.contains("Generated with seed 0: 200 draws from N(2, 1²), 600 draws from N(−1, 0.8²)."))
    #expect(html.contains("Ran exactly 20 epochs (tolerance 0: no early stop)."))
    #expect(!html.contains("/tmp/") && !html.contains(repositoryPath()))
  }

  @Test func resultsJSONHasTheDocumentedKeysAndMatchesTheTrace() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("r")
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: output))
    let data = try Data(contentsOf: output.appendingPathComponent("results.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(Set(json.keys) == ["title", "generator", "experiments", "files", "inputs", "fileHashes", "fileSizes"])
    #expect((json["generator"] as? [String: String]) == ["name": "generate-report", "version": "0.3.0"])
    let e = try #require((json["experiments"] as? [[String: Any]])?.first)
    #expect(
      Set(e.keys) == [
        "name", "seed", "n", "warnings", "components", "covarianceType", "initMethod", "init", "fit", "clusterSizes", "logLikelihood", "epochsRun",
        "converged", "aic", "bic", "collapsed", "restarts", "chosenRestart", "criterion", "selection", "chosen", "kde", "figures",
      ])
    #expect((e["warnings"] as? [String]) == [])
    #expect(e["components"] as? Int == 2 && e["chosen"] as? Int == 2)
    #expect(e["initMethod"] as? String == "groups")
    #expect((e["clusterSizes"] as? [Int])?.reduce(0, +) == 800)
    #expect((e["restarts"] as? [[String: Any]])?.count == 1)
    #expect(e["chosenRestart"] as? Int == 1)
    #expect((e["selection"] as? [[String: Any]])?.map { $0["components"] as? Int } == [2])
    #expect(e["n"] as? Int == 800)
    #expect(e["epochsRun"] as? Int == 20)
    #expect(e["converged"] as? Bool == false)
    // Foundation's JSONSerialization on Linux can misread the last digit of a double, so
    // the numbers are read with the project's own (correctly rounding) parser.
    let node = try JSONParser.parse(String(decoding: data, as: UTF8.self))
    let epochs = try #require(numbers(at: ["experiments", "0", "logLikelihood", "epochs"], in: node))
    #expect(epochs.count == 20)
    // AIC = 2p − 2 log L with p = 3K − 1 = 5; BIC = p log n − 2 log L.
    let last = try #require(epochs.last)
    #expect(abs((e["aic"] as? Double ?? 0) - (10 - 2 * last)) < 1e-9)
    #expect(abs((e["bic"] as? Double ?? 0) - (5 * log(800.0) - 2 * last)) < 1e-9)
    let kde = try #require(e["kde"] as? [String: Any])
    #expect(kde["rule"] as? String == "scott")
    #expect(kde["gridSize"] as? Int == 200)
    let figures = try #require(e["figures"] as? [String: [String]])
    #expect(figures["fit"] == ["figures/article-fit.png", "figures/article-fit.pdf"])

    // The trace CSV holds the same log-likelihoods, with epoch 0 the start.
    let trace = try String(contentsOf: output.appendingPathComponent("data/article-trace.csv"), encoding: .utf8)
    let rows = trace.split(separator: "\n")
    #expect(rows[0] == "epoch,log_likelihood,weight_1,weight_2,mean_1,mean_2,sd_1,sd_2")
    #expect(rows.count == 22)
    #expect(Double(rows[21].split(separator: ",")[1]) == last)
    let samples = try String(contentsOf: output.appendingPathComponent("data/article-samples.csv"), encoding: .utf8)
    #expect(samples.hasPrefix("x,group,assignment,responsibility_1,responsibility_2\n"))
    #expect(samples.split(separator: "\n").count == 801)
    let curves = try String(contentsOf: output.appendingPathComponent("data/article-curves.csv"), encoding: .utf8)
    #expect(curves.hasPrefix("x,kde,mixture,component_1,component_2\n"))
    #expect(curves.split(separator: "\n").count == 201)
  }

  @Test func twoRunsGiveByteIdenticalReports() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = folder.appendingPathComponent("one")
    let second = folder.appendingPathComponent("two")
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: first, formats: [.png, .pdf, .svg]))
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: second, formats: [.png, .pdf, .svg]))
    let a = try snapshot(first)
    let b = try snapshot(second)
    #expect(a.count == 6 * 3 + 5)
    #expect(a.keys.sorted() == b.keys.sorted())
    for (name, bytes) in a {
      #expect(bytes == b[name], "\(name) differs between runs")
    }
  }

  /// Figures are rendered concurrently (FigureJobs): one thread, two and five write the
  /// same bytes, the dark variants and a 2× scale included.
  @Test func anyNumberOfRenderingThreadsGivesTheSameBytes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try String(contentsOfFile: repositoryPath("examples/article.json"), encoding: .utf8)
      .replacingOccurrences(of: #""figure": {"width": 6.4, "height": 4.8, "dpi": 100}"#, with: #""theme": "both", "figure": {"width": 6.4, "height": 4.8, "dpi": 50, "scales": [1, 2]}"#)
    #expect(config.contains(#""theme": "both""#))
    let path = try write(config, to: "article.json", in: folder)
    var reports: [[String: Data]] = []
    for threads in [1, 2, 5] {
      let output = folder.appendingPathComponent("out-\(threads)")
      var o = options(path, output: output, formats: [.png, .pdf, .svg])
      o.renderThreads = threads
      _ = try ReportGenerator.run(o)
      reports.append(try snapshot(output))
    }
    // 6 figures × 2 themes × (2 PNG scales + PDF + SVG), index.html, results.json, 3 CSVs.
    #expect(reports[0].count == 6 * 2 * 4 + 5)
    for report in reports.dropFirst() {
      #expect(report.keys.sorted() == reports[0].keys.sorted())
      for (name, bytes) in reports[0] { #expect(bytes == report[name], "\(name) differs with another number of threads") }
    }
  }

  /// The figures' layouts run on as many threads as their rendering: `renderThreads`
  /// bounds both (it bounded only the rendering, the layouts took every processor).
  @Test func renderThreadsBoundTheLayoutsToo() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try write(try String(contentsOfFile: repositoryPath("examples/article.json"), encoding: .utf8), to: "article.json", in: folder)
    for threads in [1, 2] {
      let seen = Mutex<[Int]>([])
      var o = options(path, output: folder.appendingPathComponent("out-\(threads)"), formats: [.pdf])
      o.renderThreads = threads
      o.layoutThreads = { n in seen.withLock { $0.append(n) } }
      _ = try ReportGenerator.run(o)
      let counts = seen.withLock { $0 }
      #expect(!counts.isEmpty && counts.allSatisfy { $0 == threads }, "\(counts)")
    }
  }

  /// The jobs' results come back in the jobs' order whatever order the threads take them
  /// in (most costly first), and a failing job is reported in its place.
  @Test func figureJobsKeepTheirOrder() {
    let jobs = (0..<40).map { i in
      FigureJob(path: "f\(i)", cost: (i * 7919) % 13) { () throws(CairoError) -> [UInt8] in
        if i == 17 { throw CairoError(call: "test", reason: "job 17", status: -1) }
        return Array(repeating: UInt8(i), count: i + 1)
      }
    }
    for threads in [1, 2, 7] {
      let results = FigureJobs.run(jobs, threads: threads)
      #expect(results.count == 40)
      for (i, result) in results.enumerated() {
        switch result {
        case .success(let file):
          #expect(i != 17 && file.bytes == Array(repeating: UInt8(i), count: i + 1))
          #expect(file.sha256 == SHA256.hexDigest(file.bytes))
        case .failure(let error): #expect(i == 17 && error.reason == "job 17")
        }
      }
    }
  }

  /// Huge PNGs (the config allows 20000 × 20000 pixels, some 3 GB each while encoded) are
  /// rendered one at a time; small ones on every processor.
  @Test func hugeFiguresAreRenderedOneAtATime() {
    func job(_ memory: Int) -> FigureJob { FigureJob(path: "f", cost: 1, memory: memory) { () throws(CairoError) in [] } }
    let huge = FigureJobs.pngMemory(pixels: 20000 * 20000)
    #expect(FigureJobs.threadCount(for: [job(0), job(huge), job(0)]) == 1)
    let small = FigureJobs.pngMemory(pixels: 640 * 480)
    #expect(FigureJobs.threadCount(for: Array(repeating: job(small), count: 6)) == FigureJobs.threadCount(jobs: 6))
    #expect(FigureJobs.pngMemory(pixels: .nan) == 0 && FigureJobs.pngMemory(pixels: .infinity) == 1_000_000_000_000_000)
  }

  @Test func sourceDateEpochSetsThePDFDate() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var o = options(repositoryPath("examples/article.json"), output: folder.appendingPathComponent("r"), formats: [.pdf])
    o.sourceDateEpoch = 1_700_000_000
    _ = try ReportGenerator.run(o)
    let pdf = try Data(contentsOf: folder.appendingPathComponent("r/figures/article-fit.pdf"))
    let text = String(decoding: pdf, as: UTF8.self)
    // 1700000000 is 2023-11-14T22:13:20Z.
    #expect(text.contains("/CreationDate (D:20231114221320Z) /ModDate (D:20231114221320Z)"))
    #expect(ReportGenerator.pdfDate(nil) == "2000-01-01T00:00:00Z")
  }

  @Test func userTextIsEscapedInTheHTML() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(
      #"""
      {"title": "<b>bold</b> & \"quoted\"",
       "formats": ["png"],
       "experiments": [{"name": "<script>alert(1)</script>", "description": "<img src=x onerror=alert(2)>",
                        "data": {"generate": [{"mean": 0, "sd": 1, "count": 50}, {"mean": 4, "sd": 1, "count": 50}], "label": "<i>x</i>"},
                        "fit": {"epochs": 5}}]}
      """#, to: "x.json", in: folder)
    let output = folder.appendingPathComponent("out")
    _ = try ReportGenerator.run(options(config, output: output))
    let html = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(!html.contains("<script>alert(1)</script>"))
    #expect(!html.contains("<img src=x"))
    #expect(!html.contains("<b>bold</b>"))
    #expect(!html.contains("<i>x</i>"))
    #expect(html.contains(#"alt="Kernel Density Estimate of &lt;i&gt;x&lt;/i&gt;""#))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
    #expect(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"))
    // The files take the safe form of the name.
    #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("figures/script-alert-1-script-fit.png").path))
    let results = try String(contentsOf: output.appendingPathComponent("results.json"), encoding: .utf8)
    #expect(results.contains(#""name": "\u003cscript\u003ealert(1)\u003c/script\u003e""#))
  }

  @Test func aFailedRunLeavesThePreviousReportUntouched() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let good = #"{"formats": ["png"], "experiments": [{"name": "a", "data": {"csv": "d.csv"}, "fit": {"epochs": 5}}]}"#
    let config = try write(good, to: "c.json", in: folder)
    try write("x\n1\n2\n3\n10\n11\n12\n", to: "d.csv", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(config, output: output))
    let before = try snapshot(output)
    #expect(before["index.html"] != nil)

    // The data file goes bad: the run fails after the config was read and figures began.
    try write("x\n1\n2\nthree\n", to: "d.csv", in: folder)
    #expect(throws: ReportError.self) { try ReportGenerator.run(options(config, output: output)) }
    do {
      _ = try ReportGenerator.run(options(config, output: output))
    } catch {
      #expect(error.description == "\(folder.path)/d.csv:4:1: \"three\" in column \"x\" is not a number; use digits with \".\" as the decimal point")
    }
    #expect(try snapshot(output) == before)
    // And no staging folder is left behind.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty)
  }

  @Test func aSecondRunReplacesTheReportWhole() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: output, formats: [.svg]))
    #expect(try snapshot(output).keys.contains("figures/article-fit.svg"))
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: output, formats: [.png]))
    let files = try snapshot(output)
    #expect(!files.keys.contains("figures/article-fit.svg"))
    #expect(files.keys.contains("figures/article-fit.png"))
  }

  @Test func aFolderThatIsNotAReportIsNeverReplaced() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("precious", to: "mine/notes.txt", in: folder)
    let output = folder.appendingPathComponent("mine")
    do {
      _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: output))
      Issue.record("expected the run to refuse")
    } catch {
      #expect(
        error.description
          == "the output folder \(output.path) already holds files (first: notes.txt) but no results.json, so it is not a generate-report report; choose an empty or new folder with --output"
      )
    }
    #expect(try snapshot(output) == ["notes.txt": Data("precious".utf8)])
  }

  @Test func aMissingCSVNamesTheConfigPlace() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(#"{"experiments": [{"name": "a", "data": {"csv": "nope.csv"}}]}"#, to: "c.json", in: folder)
    do {
      _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("o")))
      Issue.record("expected an error")
    } catch {
      #expect(
        error.description
          == "\(config):1:48: experiments[0].data.csv \"nope.csv\" cannot be read (no such file); the path is relative to the config file's folder")
      guard case .io = error else {
        Issue.record("a missing data file is a file that cannot be read (exit 74)")
        return
      }
    }
  }

  @Test func aMissingConfigIsAFileThatCannotBeRead() {
    do {
      _ = try ReportGenerator.run(options("/nonexistent/c.json", output: URL(fileURLWithPath: "/nonexistent/o")))
      Issue.record("expected an error")
    } catch {
      #expect(error == .io("/nonexistent/c.json: cannot read the experiment file (no such file); check the path"))
    }
  }

  @Test func aCustomTemplateIsUsed() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let template = try write("<h1>{{title}}</h1>{{#experiments}}<p>{{name}} {{epochsRun}}</p>{{/experiments}}", to: "t.html", in: folder)
    var o = options(repositoryPath("examples/article.json"), output: folder.appendingPathComponent("o"), formats: [.png])
    o.templatePath = template
    _ = try ReportGenerator.run(o)
    let html = try String(contentsOf: folder.appendingPathComponent("o/index.html"), encoding: .utf8)
    #expect(html == "<h1>Expectation-Maximization for a two-component Gaussian mixture</h1><p>article 20</p>")
  }
}

/// The value at `path` (object keys or array indices) in `node`.
func node(at path: [String], in node: JSONNode) -> JSONNode? {
  var current = node
  for step in path {
    switch current.kind {
    case .object(let members):
      guard let next = members.first(where: { $0.key == step })?.value else { return nil }
      current = next
    case .array(let items):
      guard let i = Int(step), i < items.count else { return nil }
      current = items[i]
    default: return nil
    }
  }
  return current
}

/// The numbers of the array at `path` (object keys or array indices) in `node`.
func numbers(at path: [String], in root: JSONNode) -> [Double]? {
  guard case .array(let items)? = node(at: path, in: root)?.kind else { return nil }
  return items.compactMap { if case .number(let d, _) = $0.kind { d } else { nil } }
}

/// A big-endian 32-bit integer of `data` at `offset`.
func bigEndianInt(_ data: Data, at offset: Int) -> Int {
  data.dropFirst(offset).prefix(4).reduce(0) { $0 << 8 | Int($1) }
}
