import Foundation
import MixtureModels
import Plotting
import Testing

@testable import ReportKit

/// A report of EM with missing values: hidden cells of generated data (examples/missing.json)
/// and a CSV file's missing cells with "missing": "model".
@Suite struct MissingReportTests {
  func run(_ config: String, files: [String: String] = [:]) throws -> (folder: URL, files: [String: Data]) {
    let folder = try temporaryFolder()
    for (name, text) in files { try write(text, to: name, in: folder) }
    let path = try write(config, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(path, output: output, formats: [.svg]))
    return (folder, try snapshot(output))
  }

  func json(_ data: Data?) throws -> [String: Any] {
    let bytes = try #require(data)
    return try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
  }

  @Test func theExampleHidesAQuarterOfTheCellsAndEMBeatsBothBaselines() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(repositoryPath("examples/missing.json"), output: output, formats: [.svg]))
    let files = try snapshot(output)
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    let missing = try #require(e["missing"] as? [String: Any])
    #expect(missing["rows"] as? Int == 600 && missing["keptRows"] as? Int == 600 && (missing["droppedRows"] as? [Int]) == [])
    let cells = try #require(missing["missingCells"] as? Int)
    #expect(cells == 281, "half of y on average, hidden more often the larger x")
    #expect(missing["completeRows"] as? Int == 600 - cells)
    let columns = try #require(missing["columns"] as? [[String: Any]])
    #expect(columns.map { $0["column"] as? String } == ["x", "y"] && columns.map { $0["missing"] as? Int } == [0, 281])
    let rmse = try #require(missing["imputationRMSE"] as? [String: Double])
    let em = try #require(rmse["em"]), mean = try #require(rmse["meanImputation"])
    #expect(em < 0.5 * mean, "EM's conditional means \(em) against mean imputation \(mean)")
    // Missing at random by x: complete-case analysis over-weights the left group; EM does not.
    let fit = try #require(e["fit"] as? [String: Any])
    let weights = try #require(fit["weights"] as? [Double]).sorted()
    let completeCase = try #require((missing["completeCase"] as? [String: Any])?["weights"] as? [Double]).sorted()
    #expect(abs(weights[0] - 0.5) < 0.03 && abs(completeCase[0] - 0.5) > 0.15)
    // Every missing cell in the imputed CSV, with its hidden truth.
    let csv = String(decoding: try #require(files["data/missing-imputed.csv"]), as: UTF8.self).split(separator: "\n")
    #expect(csv.first == "row,column,mean,sd,truth" && csv.count == cells + 1)
    let first = csv[1].split(separator: ",", omittingEmptySubsequences: false)
    #expect(first.count == 5 && first[1] == "y" && Double(first[3]).map { $0 > 0 } == true && Double(first[4]) != nil)
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("<h3>Missing values</h3>"))
    #expect(html.contains("281 of 1200 cells (23.4 %) are missing in 600 rows; 319 of the 600 rows kept are complete."))
    #expect(html.contains("<th>EM, every row</th><th>complete rows only</th><th>true</th>"))
    #expect(html.contains("Against the 281 hidden values: EM&#39;s conditional means have a root mean square error of 1.192; filling each cell with its column&#39;s observed mean (mean imputation), 2.697."))
    let clusters = String(decoding: try #require(files["figures/missing-clusters.svg"]), as: UTF8.self)
    #expect(clusters.contains("Imputed: conditional mean ± 1 sd"))
  }

  @Test func theMarkdownPageHasTheSameSection() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var settings = options(repositoryPath("examples/missing.json"), output: folder.appendingPathComponent("report"), formats: [.svg])
    settings.pages = [.markdown]
    _ = try ReportGenerator.run(settings)
    let page = try String(contentsOf: folder.appendingPathComponent("report/index.md"), encoding: .utf8)
    #expect(page.contains("### Missing values\n\n281 of 1200 cells (23.4 %) are missing in 600 rows; 319 of the 600 rows kept are complete."))
    #expect(page.contains("| x | y | rows | share |\n| --- | --- | ---: | ---: |\n| ● | ● | 319 | 53.2 % |\n| ● | ○ | 281 | 46.8 % |"))
    #expect(page.contains("| component 1 | EM, every row | complete rows only | true |"))
    #expect(page.contains("| weight | 0.5137 | 0.7182 | 0.5000 |"))
    #expect(page.contains("Against the 281 hidden values: EM's conditional means have a root mean square error of 1.192"))
  }

  @Test func aCSVFilesMissingCellsAreFittedWithModel() throws {
    var rows = ["a,b,c"]
    for i in 0..<120 {
      let g = Double(i % 2) * 5
      let a = g + Double((i * 7) % 11) / 11, b = g + Double((i * 5) % 13) / 13, c = -g + Double((i * 3) % 7) / 7
      rows.append([i % 9 == 0 ? "NA" : "\(a)", i % 7 == 0 ? "" : "\(b)", i == 50 ? "NaN" : "\(c)"].joined(separator: ","))
    }
    rows.append("NA,,NA")  // observes nothing: dropped and counted
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv", "columns": ["a", "b", "c"], "missing": "model"}, "fit": {"components": 2, "init": "kmeans++", "restarts": 2}}]}"#
    let (folder, files) = try run(config, files: ["d.csv": rows.joined(separator: "\n") + "\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    let missing = try #require(e["missing"] as? [String: Any])
    #expect(missing["rows"] as? Int == 121 && missing["keptRows"] as? Int == 120 && (missing["droppedRows"] as? [Int]) == [121])
    #expect((missing["columns"] as? [[String: Any]])?.map { $0["missing"] as? Int } == [15, 19, 2])
    #expect(missing["imputationRMSE"] == nil)
    let csv = String(decoding: try #require(files["data/m-imputed.csv"]), as: UTF8.self).split(separator: "\n")
    #expect(csv.count == 1 + 14 + 18 + 1, "the kept rows' missing cells")
    #expect(csv[1].hasPrefix("1,a,") && csv[1].hasSuffix(","), "no truth for real data")
  }

  /// A column with nothing to fit is an error naming it by its CSV name, and no report is
  /// left behind: no observed value at all, or a single one (no covariance).
  @Test(arguments: [
    ("a,b\n1,\n2,NA\n3,\n4,\n", "has no value in any row; a fit with missing values needs some observed cells in every column: leave it out"),
    (
      "a,b\n1,NA\n2,NA\n3,7\n4,NA\n5,NA\n",
      "has the same value (7) in every row that observes it (1 of 5), so no covariance of it can be fitted: leave it out"
    ),
  ])
  func aColumnWithNothingToFitIsAnErrorNamingIt(csv: String, problem: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(csv, to: "d.csv", in: folder)
    let path = try write(#"{"experiments": [{"name": "m", "data": {"csv": "d.csv", "columns": ["a", "b"], "missing": "model"}}]}"#, to: "c.json", in: folder)
    do {
      _ = try ReportGenerator.run(options(path, output: folder.appendingPathComponent("report")))
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(path): experiments[0].data: column \"b\" of d.csv \(problem)")
    }
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path))
  }

  @Test func tooFewCompleteRowsCostTheDensityEstimateNotTheFit() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "s.csv", "columns": ["a", "b"], "missing": "model"}, "fit": {"components": 1}}]}"#
    let (folder, files) = try run(config, files: ["s.csv": "a,b\n1,NA\n2,3\n3,NA\nNA,4\n5,NA\n6,2\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    #expect(
      (e["warnings"] as? [String])
        == [
          #"No kernel density estimate: only 2 of the 6 rows are complete, and a 2-dimensional estimate of the complete rows needs at least 3; the "density" and "fit" figures are left out and data/m-grid.csv is not written."#
        ])
    #expect((e["kde"] as? [String: Any])?.isEmpty == true)
    #expect(files["figures/m-density.svg"] == nil && files["figures/m-fit.svg"] == nil && files["figures/m-clusters.svg"] != nil)
    #expect(files["data/m-grid.csv"] == nil)
    // samples.csv: the data row, the observed cells (a missing one empty), the classification.
    let samples = String(decoding: try #require(files["data/m-samples.csv"]), as: UTF8.self).split(separator: "\n")
    #expect(samples.first == "row,a,b,assignment,uncertainty,responsibility_1")
    #expect(samples.dropFirst().first == "1,1,,1,0,1")
    // No kernel covariance table; K = 1 ran EM (no closed form with missing values).
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(!html.contains("<th>kernel covariance</th>") && html.contains("<dt>Evaluation</dt><dd>None (see the warning)</dd>"))
    #expect(html.contains("Converged: the mean log-likelihood changed by less than") && !html.contains("Closed form"))
    #expect(!html.contains("reached the closed form") && html.contains("converged after"))
  }

  @Test func aDegenerateDensityOfTheCompleteRowsIsAWarning() throws {
    var rows = ["a,b", "0,1", "1e-10,1.0000000001", "3e-10,0.9999999999", "2e-10,1.0000000003"]
    for i in 0..<60 {
      let g = Double(i % 2) * 4, v = g + Double((i * 7) % 11) / 11
      rows.append(i % 3 == 0 ? "\(v)," : ",\(v)")
    }
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "s.csv", "columns": ["a", "b"], "missing": "model"}, "fit": {"components": 2}, "figures": ["clusters", "density"]}]}"#
    let (folder, files) = try run(config, files: ["s.csv": rows.joined(separator: "\n") + "\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    let warning = try #require((e["warnings"] as? [String])?.first { $0.hasPrefix("No kernel density estimate") })
    #expect(warning.hasPrefix("No kernel density estimate: the complete rows' estimate does not fit the data's grid (the kernel's sd on column 1,"))
    #expect(warning.hasSuffix(#"; the "density" figure is left out and data/m-grid.csv is not written."#), "the figure asked for is named")
    #expect(files["figures/m-density.svg"] == nil && files["figures/m-clusters.svg"] != nil)
  }

  /// "model" on a file without missing cells fits the complete data: K = 1 in closed form.
  @Test func modelWithoutMissingCellsIsTheClosedFormForOneComponent() throws {
    let rows = ["a,b"] + (0..<40).map { "\(Double($0 % 7)),\(Double(($0 * 3) % 11))" }
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "s.csv", "columns": ["a", "b"], "missing": "model"}, "fit": {"components": 1}}]}"#
    let (folder, files) = try run(config, files: ["s.csv": rows.joined(separator: "\n") + "\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("Closed form: with one component the maximum-likelihood fit is the sample&#39;s mean and covariance"))
  }

  /// The steps figure draws the rows observed in its plane, coloured by their observed cells'
  /// responsibilities; with none, it is left out with a warning.
  @Test func theStepsFigureDrawsTheRowsObservedInItsPlane() throws {
    let three = #"{"mean": [0, 0, 0], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 60}, {"mean": [4, 4, 4], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 60}"#
    let config = #"{"experiments": [{"name": "s", "seed": 4, "data": {"generate": [\#(three)], "hide": {"fraction": 0.3, "columns": [2]}}, "fit": {"components": 2}, "figures": ["pairs", "steps"]}]}"#
    let o = try MultivariateFigureTests.outcome(config)
    let m = try #require(o.missing)
    #expect(m.imputed.count > 0 && m.imputed.allSatisfy { $0.coordinate == 2 })
    let steps = try #require(EMFigures.steps(o, Figure.inches(width: 6.4, height: 4.8)))
    #expect(steps.caption.contains("Only the 120 rows that observe both x1 and x2 are drawn"), "every row observes the plane")
    // Nothing observed in the plane: no figure, and the warning says why.
    var rows = ["a,b,c"]
    for i in 0..<40 {
      let g = Double(i % 2) * 4, v = g + Double((i * 7) % 11) / 11, w = g + Double((i * 5) % 13) / 13
      rows.append(i % 4 < 2 ? "\(v),,\(w)" : ",\(v),\(w)")
    }
    let csvConfig = #"{"experiments": [{"name": "t", "data": {"csv": "s.csv", "columns": ["a", "b", "c"], "missing": "model"}, "fit": {"components": 2}, "figures": ["pairs", "steps"]}]}"#
    let (folder, files) = try run(csvConfig, files: ["s.csv": rows.joined(separator: "\n") + "\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let e = try #require((try json(files["results.json"])["experiments"] as? [[String: Any]])?.first)
    #expect((e["warnings"] as? [String])?.contains(#"The "steps" figure is left out: no row observes both a and b."#) == true)
    #expect(files["figures/t-steps.svg"] == nil && files["figures/t-pairs.svg"] != nil)
  }

  /// The console line gives the chosen fit's starts as run: K = 1 in closed form runs one,
  /// with missing cells it runs every restart.
  @Test func theConsoleLineCountsTheStartsThatRan() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let complete = ["a,b"] + (0..<40).map { "\(Double($0 % 7)),\(Double(($0 * 3) % 11))" }
    let holes = ["a,b"] + (0..<40).map { $0 % 5 == 0 ? "\(Double($0 % 7))," : "\(Double($0 % 7)),\(Double(($0 * 3) % 11))" }
    try write(complete.joined(separator: "\n") + "\n", to: "full.csv", in: folder)
    try write(holes.joined(separator: "\n") + "\n", to: "holes.csv", in: folder)
    let config = #"{"experiments": [{"name": "full", "data": {"csv": "full.csv", "columns": ["a", "b"], "missing": "model"}, "fit": {"components": 1, "init": "kmeans++", "restarts": 3}}, {"name": "holes", "data": {"csv": "holes.csv", "columns": ["a", "b"], "missing": "model"}, "fit": {"components": 1, "init": "kmeans++", "restarts": 3}}]}"#
    let path = try write(config, to: "c.json", in: folder)
    let summary = try ReportGenerator.run(options(path, output: folder.appendingPathComponent("report"), formats: [.svg]))
    let lines = summary.experiments.map(\.description)
    #expect(lines.count == 2)
    #expect(lines.first?.hasPrefix("full: K = 1 full, 1 epoch (converged)") == true, "\(lines)")
    #expect(lines.last?.hasPrefix("holes: K = 1 full, 3 starts, ") == true, "\(lines)")
  }
}
