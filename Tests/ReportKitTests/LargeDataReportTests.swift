import Foundation
import Testing

@testable import ReportKit

/// Issue 4 end to end at a size where the report must change how it works: the KDE is
/// binned and says so, the per-sample CSV waits to be asked for, and the figures draw a
/// bounded number of marks.
@Suite struct LargeDataReportTests {
  static let config = #"""
    {"experiments": [{"name": "big", "seed": 3,
      "data": {"generate": [{"mean": -2, "sd": 0.7, "count": 90000}, {"mean": 1.5, "sd": 1, "count": 60001}]},
      "fit": {"components": 2, "init": "groups", "epochs": 30}}]}
    """#

  @Test func aLargeSampleGetsABinnedKDEABoundedStripAndNoSamplesCSV() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try write(Self.config, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(path, output: output, formats: [.png]))
    let files = try snapshot(output)

    // results.json states the method and its bound.
    let root = try JSONParser.parse(String(decoding: try #require(files["results.json"]), as: UTF8.self))
    #expect(stringValue(node(at: ["experiments", "0", "kde", "method"], in: root)) == "binned")
    let bound = try #require(numberValue(node(at: ["experiments", "0", "kde", "errorBound"], in: root)))
    #expect(bound > 0 && bound < 1e-5, "bound \(bound)")
    #expect((numberValue(node(at: ["experiments", "0", "kde", "bins"], in: root)) ?? 0) > 512)

    // No per-sample CSV above 100 000 points, and the report says how to get one.
    #expect(files["data/big-samples.csv"] == nil)
    #expect(files["data/big-trace.csv"] != nil && files["data/big-curves.csv"] != nil)
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("The per-sample CSV is not written for more than 100\u{202F}000 points; set &quot;writeSamples&quot;: true in the experiment to write its 150\u{202F}001 rows."))
    #expect(html.contains("Binned on 200 grid points: linear binning onto 8558 bins; every value within 1.5 × 10⁻⁶ of the exact estimate, 4.6 × 10⁻⁶ of the peak"))
    #expect(!html.contains("big-samples.csv"))
    // Captions say what the figures show instead of every point.
    #expect(html.contains("an evenly spaced subsample of 4839 of the 150\u{202F}001 data points (every 31st in data order, jittered vertically)"))
    #expect(html.contains("on the 200-point grid of the density figure"))
  }

  @Test func writeSamplesTrueWritesEveryRowWithItsGroup() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = Self.config.replacingOccurrences(of: #""seed": 3,"#, with: #""seed": 3, "writeSamples": true,"#)
    let path = try write(config, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(path, output: output, formats: [.png]))
    let text = try String(contentsOf: output.appendingPathComponent("data/big-samples.csv"), encoding: .utf8)
    let rows = text.split(separator: "\n")
    #expect(rows.count == 150_002)
    #expect(rows[0] == "x,group,assignment,responsibility_1,responsibility_2")
    #expect(rows[90_000].split(separator: ",")[1] == "1" && rows[90_001].split(separator: ",")[1] == "2")
  }

  @Test func stripIndicesAreBoundedAndEvenlySpaced() {
    #expect(ExperimentFigures.stripIndices(5000) == Array(0..<5000))
    let many = ExperimentFigures.stripIndices(10_000_000)
    #expect(many.count == 5000 && many[1] == 2000 && many.last == 9_998_000 && ExperimentFigures.stripStep(150_001) == 31)
  }

  func numberValue(_ node: JSONNode?) -> Double? {
    guard let node, case .number(let d, _) = node.kind else { return nil }
    return d
  }

  func stringValue(_ node: JSONNode?) -> String? {
    guard let node, case .string(let s) = node.kind else { return nil }
    return s
  }
}
