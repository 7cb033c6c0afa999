import CairoRendering
import Foundation
import MixtureModels
import Testing
import TestSupport

@testable import ReportKit

/// d-dimensional experiments end to end: files, `results.json`, CSVs, the report page
/// (a golden file), reproducibility; and the one-dimensional outputs kept bit for bit.
@Suite struct MultivariateReportTests {
  static let twoD = #"""
    {"title": "Two <dimensions>", "experiments": [{"name": "blobs", "seed": 5,
      "data": {"generate": [
        {"mean": [0, 0], "covariance": [[4, 2.4], [2.4, 2]], "count": 120},
        {"mean": [7, 5], "covariance": [[1, 0], [0, 1]], "count": 80}], "labels": ["Width <cm>", "Height"]},
      "fit": {"components": {"from": 1, "to": 3}, "covariance": "all", "restarts": 3, "tolerance": 1e-8, "epochs": 300}}]}
    """#

  func run(_ config: String, files: [String: String] = [:], formats: [ImageFormat] = [.png, .svg]) throws -> (folder: URL, output: URL, lines: [ExperimentLine]) {
    let folder = try temporaryFolder()
    for (name, text) in files { try write(text, to: name, in: folder) }
    let path = try write(config, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("report")
    var lines: [ExperimentLine] = []
    _ = try ReportGenerator.run(options(path, output: output, formats: formats)) { lines.append($0) }
    return (folder, output, lines)
  }

  func json(_ data: Data?) throws -> [String: Any] {
    let bytes = try #require(data)
    let object = try JSONSerialization.jsonObject(with: bytes)
    return try #require(object as? [String: Any])
  }

  @Test func aTwoDimensionalSelectionWritesItsFiguresTablesAndResults() throws {
    let (folder, output, lines) = try run(Self.twoD)
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try snapshot(output)
    for id in ["clusters", "density", "fit", "uncertainty", "log-likelihood", "selection"] {
      for format in ["png", "svg"] { #expect(files["figures/blobs-\(id).\(format)"] != nil, "\(id).\(format)") }
    }
    #expect(files["figures/blobs-pairs.png"] == nil)
    for name in ["samples", "trace", "grid"] { #expect(files["data/blobs-\(name).csv"] != nil, "\(name)") }
    #expect(lines.first?.description.hasPrefix("blobs: K = 2 full (BIC from 1 to 3 × 4 covariance types), 3 starts, ") == true)

    let results = try json(files["results.json"])
    let experiments = try #require(results["experiments"] as? [[String: Any]])
    let e = try #require(experiments.first)
    #expect(e["dimension"] as? Int == 2)
    #expect(e["columns"] as? [String] == ["Width <cm>", "Height"])
    #expect(e["covarianceType"] as? String == "full")
    #expect(e["chosen"] as? Int == 2)
    let fit = try #require(e["fit"] as? [String: Any])
    let means = try #require(fit["means"] as? [[Double]])
    #expect(means.count == 2 && means.allSatisfy { $0.count == 2 })
    let covariances = try #require(fit["covariances"] as? [[[Double]]])
    #expect(covariances.count == 2 && covariances.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.count == 2 } })
    // Recovers the groups: shares, means and covariances near the truth.
    let weights: [Double] = try #require(fit["weights"] as? [Double])
    let order = means[0][0] < means[1][0] ? [0, 1] : [1, 0]
    #expect(abs(weights[order[0]] - 0.6) < 0.02)
    #expect(abs(means[order[1]][0] - 7) < 0.4 && abs(means[order[1]][1] - 5) < 0.4)
    #expect(abs(covariances[order[0]][0][1] - 2.4) < 0.8)
    let selection = try #require(e["selection"] as? [[String: Any]])
    #expect(selection.count == 12)
    #expect(selection.map { $0["covariance"] as? String } == ["full", "tied", "diag", "spherical"].flatMap { Array(repeating: $0, count: 3) })
    #expect(selection.map { $0["components"] as? Int } == Array(repeating: [1, 2, 3], count: 4).flatMap { $0 })
    // scikit-learn's parameter counts in d = 2: full 6K − 1, tied 3K + 2, diag 5K − 1, spherical 4K − 1.
    #expect(selection.map { $0["parameters"] as? Int } == [5, 11, 17, 5, 8, 11, 4, 9, 14, 3, 7, 11])
    let kde = try #require(e["kde"] as? [String: Any])
    #expect(kde["method"] as? String == "exact")
    #expect((kde["factor"] as? Double).map { abs($0 - pow(200, -1.0 / 6)) < 1e-15 } == true)

    let samples = String(decoding: try #require(files["data/blobs-samples.csv"]), as: UTF8.self)
    #expect(samples.hasPrefix("Width <cm>,Height,group,assignment,uncertainty,responsibility_1,responsibility_2\n"))
    #expect(samples.split(separator: "\n").count == 201)
    let grid = String(decoding: try #require(files["data/blobs-grid.csv"]), as: UTF8.self)
    #expect(grid.hasPrefix("x,y,kde,mixture\n"))
    #expect(grid.split(separator: "\n").count == 1 + 100 * 100)
    let trace = String(decoding: try #require(files["data/blobs-trace.csv"]), as: UTF8.self)
    #expect(trace.hasPrefix("epoch,log_likelihood,component,weight,mean_1,mean_2,cov_1_1,cov_1_2,cov_2_2\n"))

    // The grid's densities integrate to 1 (KDE) and to nearly 1 (the mixture, whose tails
    // reach past the grid a little).
    let rows = grid.split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
    let xs = Set(rows.map { $0[0] }).sorted(), ys = Set(rows.map { $0[1] }).sorted()
    let cell = (xs[1] - xs[0]) * (ys[1] - ys[0])
    #expect(abs(rows.reduce(0) { $0 + $1[2] } * cell - 1) < 2e-3)
    #expect(abs(rows.reduce(0) { $0 + $1[3] } * cell - 1) < 2e-3)

    // What the page shows, pinned: tables, captions, escaping of the user's strings.
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("Two &lt;dimensions&gt;") && html.contains("Width &lt;cm&gt;") && !html.contains("<cm>"))
    let outcome = Snapshot.compare(html, named: "blobs-2d.html")
    if case .recorded = outcome {} else { #expect(outcome == .matches, "\(outcome)") }
    let svg = String(decoding: try #require(files["figures/blobs-selection.svg"]), as: UTF8.self)
    #expect(svg.hasPrefix("<?xml"))
  }

  @Test func theSameConfigGivesTheSameBytes() throws {
    let first = try run(Self.twoD, formats: [.png, .pdf, .svg])
    let second = try run(Self.twoD, formats: [.png, .pdf, .svg])
    defer {
      try? FileManager.default.removeItem(at: first.folder)
      try? FileManager.default.removeItem(at: second.folder)
    }
    let a = try snapshot(first.output), b = try snapshot(second.output)
    #expect(a.keys.sorted() == b.keys.sorted())
    for (name, bytes) in a { #expect(b[name] == bytes, "\(name)") }
  }

  @Test func threeColumnsOfACSVGiveThePairsFigureAndDropIncompleteRows() throws {
    var csv = "a,b,c,note\n"
    var random = RandomSource(seed: 3)
    for i in 0..<90 {
      let g = Double(i % 2) * 5
      csv += "\(g + random.normal()),\(g + random.normal()),\(i == 7 ? "NA" : String(-g + random.normal())),x\n"
    }
    let config = #"{"experiments": [{"name": "three", "data": {"csv": "d.csv", "columns": ["a", 1, "c"], "missing": "drop"}, "fit": {"components": 2, "covariance": "diag"}}]}"#
    let (folder, output, lines) = try run(config, files: ["d.csv": csv], formats: [.png])
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try snapshot(output)
    #expect(files["figures/three-pairs.png"] != nil)
    #expect(files["figures/three-clusters.png"] == nil)
    #expect(files["data/three-grid.csv"] == nil)
    #expect(lines.first?.droppedRows == 1)
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    #expect(e["n"] as? Int == 89 && e["droppedRows"] as? Int == 1 && e["dimension"] as? Int == 3)
    #expect(e["covarianceType"] as? String == "diag")
    #expect(e["columns"] as? [String] == ["a", "b", "c"], "a column given by index is named by its header")
    let covariances = try #require((e["fit"] as? [String: Any])?["covariances"] as? [[Double]])
    #expect(covariances.count == 2 && covariances.allSatisfy { $0.count == 3 })
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("Columns &quot;a&quot;, 1, &quot;c&quot; of d.csv. 1 row with a missing value dropped (line 9)."))
  }

  @Test func aColumnMissingFromTheHeaderIsNamed() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("a,b\n1,2\n3,4\n5,7\n", to: "d.csv", in: folder)
    let path = try write(#"{"experiments": [{"name": "e", "data": {"csv": "d.csv", "columns": ["a", "z"]}}]}"#, to: "c.json", in: folder)
    #expect(throws: ReportError.self) { try ReportGenerator.run(options(path, output: folder.appendingPathComponent("report"))) }
    do {
      _ = try ReportGenerator.run(options(path, output: folder.appendingPathComponent("report")))
    } catch {
      #expect(error.description == "\(folder.path)/d.csv:1:1: no column named \"z\"; the header has \"a\", \"b\"")
    }
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path))
  }

  /// Issue 11's promise to one-dimensional users: the article's and galaxies' CSVs stay
  /// byte for byte and every number of their results.json keeps its bits. The goldens
  /// were written by the code before d dimensions (commit 9bf7d65) and re-recorded on
  /// purpose twice since: when the kernels stopped using fused multiply-adds (issue 13:
  /// no processor-specific build flags), and when every exp and log became MixtureModels'
  /// own instead of the C library's (which differs between processors); each time every
  /// number that moved moved by at most 2 ulp (4.4 · 10⁻¹⁶ relative).
  @Test(arguments: ["article", "galaxies"])
  func oneDimensionalOutputsKeepTheirBits(example: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(repositoryPath("examples/\(example).json"), output: output))
    let goldens = repositoryPath("Tests/ReportKitTests/Snapshots/one-dimension")
    for name in ["samples", "trace", "curves"] {
      let now = try Data(contentsOf: output.appendingPathComponent("data/\(example)-\(name).csv"))
      let then = try Data(contentsOf: URL(fileURLWithPath: "\(goldens)/\(example)-\(name).csv"))
      #expect(now == then, "\(example)-\(name).csv")
    }
    let now = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("results.json")))
    let then = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(goldens)/\(example)-results.json")))
    var differences: [String] = []
    func walk(_ a: Any, _ b: Any?, _ path: String) {
      switch a {
      case let o as [String: Any]:
        guard let p = b as? [String: Any] else { return differences.append(path) }
        for (key, value) in o { walk(value, p[key], "\(path).\(key)") }
      case let list as [Any]:
        guard let q = b as? [Any], q.count == list.count else { return differences.append(path) }
        for (i, value) in list.enumerated() { walk(value, q[i], "\(path)[\(i)]") }
      case let n as NSNumber:
        guard let m = b as? NSNumber, m.doubleValue.bitPattern == n.doubleValue.bitPattern else { return differences.append(path) }
      default:
        if "\(a)" != "\(b ?? "nil")" { differences.append(path) }
      }
    }
    walk(then, now, "")
    // Every number is unchanged; the file manifest may only have gained figures (the
    // article examples draw "bound" and "steps" since the articles issue).
    #expect(differences.filter { $0 != ".files" } == [])
    let oldFiles = Set(((then as? [String: Any])?["files"] as? [String]) ?? [])
    let newFiles = Set(((now as? [String: Any])?["files"] as? [String]) ?? [])
    #expect(oldFiles.isSubset(of: newFiles))
    #expect(
      newFiles.subtracting(oldFiles).allSatisfy {
        $0.hasPrefix("figures/\(example)-bound.") || $0.hasPrefix("figures/\(example)-steps.") || $0 == "data/\(example)-restarts.csv"
      })
  }

  /// In one dimension "tied" is mclust's E model: one variance shared, 2K parameters.
  @Test func tiedInOneDimensionSharesOneVariance() throws {
    let config = #"{"experiments": [{"name": "g", "seed": 1990, "data": {"csv": "\#(repositoryPath("examples/data/galaxies.csv"))", "column": "velocity"}, "fit": {"components": {"from": 2, "to": 4}, "covariance": ["full", "tied"], "restarts": 5, "tolerance": 1e-8, "epochs": 500}}]}"#
    let (folder, output, _) = try run(config, formats: [.png])
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try snapshot(output)
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    let rows = try #require(e["selection"] as? [[String: Any]])
    #expect(rows.map { $0["covariance"] as? String } == ["full", "full", "full", "tied", "tied", "tied"])
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("<h3>Model selection</h3>"))
    #expect(html.contains("<th>covariance</th>"))
    // The selection figure has a line per type.
    #expect(files["figures/g-selection.png"] != nil)
    let run = try ModelSelection.fit(
      try Fixtures.csvColumn("galaxies.csv", column: "velocity"), components: 3...3, start: .kMeansPlusPlus, restarts: 5, seed: 1990,
      options: EMOptions(maxEpochs: 500, tolerance: 1e-8, regularization: 1e-6), types: [.tied])
    let fitted = run.best.best.fitted
    #expect(Set(fitted.sds).count == 1)
    #expect(fitted.freeParameterCount == 6)
    #expect(fitted.covarianceType == .tied)
  }
}
