import CairoRendering
import Foundation
import Plotting
import Testing

@testable import ReportKit

/// Issue 3 end to end: model selection, restarts, warnings, missing values and cluster
/// sizes as the report, `results.json` and the CSVs show them.
@Suite struct SelectionReportTests {
  /// Runs `config` (written into a fresh folder beside `files`) and returns the folder, the
  /// config path and the report folder.
  func run(_ config: String, files: [String: String] = [:], formats: [ImageFormat] = [.png]) throws -> (folder: URL, config: String, output: URL, lines: [ExperimentLine]) {
    let folder = try temporaryFolder()
    for (name, text) in files { try write(text, to: name, in: folder) }
    let path = try write(config, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("report")
    var lines: [ExperimentLine] = []
    _ = try ReportGenerator.run(options(path, output: output, formats: formats)) { lines.append($0) }
    return (folder, path, output, lines)
  }

  func error(_ config: String, files: [String: String] = [:]) throws -> (message: String, folder: URL) {
    let folder = try temporaryFolder()
    for (name, text) in files { try write(text, to: name, in: folder) }
    let path = try write(config, to: "c.json", in: folder)
    do {
      _ = try ReportGenerator.run(options(path, output: folder.appendingPathComponent("report"), formats: [.png]))
    } catch {
      guard case .invalidInput = error else {
        Issue.record("expected invalid input, got \(error)")
        return (error.description, folder)
      }
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path), "nothing written on failure")
      return (error.description, folder)
    }
    Issue.record("expected an error")
    return ("", folder)
  }

  @Test func theGalaxiesReportShowsTheSelectionRestartsAndClusterSizes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("galaxies")
    var lines: [ExperimentLine] = []
    _ = try ReportGenerator.run(options(repositoryPath("examples/galaxies.json"), output: output)) { lines.append($0) }
    let line = try #require(lines.first)
    #expect(line.components == 3)
    #expect(line.choice == "BIC from 1 to 6")
    #expect(line.warnings == [])

    let files = try snapshot(output)
    for format in ["png", "pdf"] {
      for id in ["density", "log-likelihood", "fit", "components", "selection"] {
        #expect(files["figures/galaxies-\(id).\(format)"] != nil, "\(id).\(format)")
      }
    }
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("<h3>Number of components</h3>"))
    #expect(html.contains("K from 1 to 6, each fitted from 10 starts; the BIC (lower is better) chooses K = 3."))
    #expect(html.contains(#"<tr class="chosen"><td>3</td><td>8</td><td>−769.62</td><td>1555.23</td><td>1574.48</td><td>0.00</td><td>–</td><td class="mark">◀ chosen</td></tr>"#))
    #expect(html.contains(#"<tr><td>5</td><td>14</td><td>−756.51</td><td>1541.01</td><td>1574.71</td><td>0.22</td><td>–</td><td class="mark"></td></tr>"#))
    #expect(html.contains("<h3>Restarts for K = 3</h3>"))
    #expect(html.components(separatedBy: "◀ kept").count == 2, "exactly one kept restart")
    #expect(html.contains(#"<tr class="chosen"><td>1</td><td>−769.6152</td><td>4</td><td>yes</td><td>–</td><td class="mark">◀ kept</td></tr>"#))
    #expect(html.contains("initial (kmeans++, start 1)"))
    #expect(html.contains("<h3>Cluster sizes</h3>"))
    #expect(html.contains("<tr><td>1</td><td>7</td><td>0.0854</td><td>7.0</td></tr>"))
    #expect(html.contains("<tr><td>2</td><td>72</td><td>0.8780</td><td>72.0</td></tr>"))
    #expect(html.contains("<tr><td>3</td><td>3</td><td>0.0366</td><td>3.0</td></tr>"))
    #expect(html.contains(#"<img src="figures/galaxies-selection.png""#))
    #expect(!html.contains(#"class="warnings""#))
    for reference in localReferences(in: html) {
      #expect(files[reference] != nil, "\(reference) exists")
    }

    let text = String(decoding: try #require(files["results.json"]), as: UTF8.self)
    let node = try JSONParser.parse(text)
    let experiment = try #require(child(node, ["experiments", "0"]))
    #expect(integer(experiment, "chosen") == 3)
    #expect(integer(experiment, "components") == 3)
    #expect(string(experiment, "criterion") == "bic")
    #expect(integer(experiment, "chosenRestart") == 1)
    #expect(integer(experiment, "droppedRows") == 0)
    let selection = try #require(child(experiment, ["selection"]))
    guard case .array(let rows) = selection.kind else { throw SchemaError() }
    #expect(rows.count == 6)
    #expect(rows.map { integer($0, "components") } == [1, 2, 3, 4, 5, 6])
    let bics = rows.compactMap { number($0, "bic") }
    let aics = rows.compactMap { number($0, "aic") }
    let lls = rows.compactMap { number($0, "logLikelihood") }
    #expect(bics.count == 6 && aics.count == 6 && lls.count == 6)
    // BIC = p ln n − 2 ln L, AIC = 2p − 2 ln L with p = 3K − 1 and n = 82; K = 3 is the lowest BIC.
    for (i, k) in (1...6).enumerated() {
      let p = Double(3 * k - 1)
      #expect(abs(bics[i] - (p * log(82.0) - 2 * lls[i])) <= 1e-9 * abs(bics[i]))
      #expect(abs(aics[i] - (2 * p - 2 * lls[i])) <= 1e-9 * abs(aics[i]))
    }
    #expect(bics.firstIndex(of: bics.min()!) == 2)
    #expect(abs(lls[2] - -769.6151608416613) < 1e-9)
    let restarts = try #require(child(experiment, ["restarts"]))
    guard case .array(let restartRows) = restarts.kind else { throw SchemaError() }
    #expect(restartRows.count == 10)
    #expect(restartRows.map { integer($0, "start") } == Array(1...10))
    #expect(numbers(at: ["clusterSizes"], in: experiment) == [7, 72, 3])

    // The samples CSV holds the hard assignment, consistent with the responsibilities.
    let samples = String(decoding: try #require(files["data/galaxies-samples.csv"]), as: UTF8.self)
    let sampleRows = samples.split(separator: "\n")
    #expect(sampleRows[0] == "x,assignment,responsibility_1,responsibility_2,responsibility_3")
    #expect(sampleRows.count == 83)
    var counts = [0, 0, 0]
    for row in sampleRows.dropFirst() {
      let cells = row.split(separator: ",")
      let assignment = try #require(Int(cells[1]))
      let r = cells[2...].compactMap { Double($0) }
      #expect(r.firstIndex(of: r.max()!) == assignment - 1)
      counts[assignment - 1] += 1
    }
    #expect(counts == [7, 72, 3])
  }

  @Test func missingValuesAreDroppedCountedAndReported() throws {
    let csv = "id,\"x\"\r\n1,1.0\r\n2,NA\r\n3,1.2\r\n4,\r\n5,5.1\r\n6,NaN\r\n7,5.3\r\n8,0.9\r\n9,5.0\r\n\r\n"
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv", "column": "x", "missing": "drop"}, "fit": {"components": 2}}]}"#
    let (folder, _, output, lines) = try run(config, files: ["d.csv": csv])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(lines.first?.droppedRows == 3)
    #expect(lines.first?.description.contains(", 3 rows with missing values dropped, ") == true)
    let files = try snapshot(output)
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("Column &quot;x&quot; of d.csv. 3 rows with a missing value dropped (lines 3, 5, 7)."))
    let node = try JSONParser.parse(String(decoding: try #require(files["results.json"]), as: UTF8.self))
    let experiment = try #require(child(node, ["experiments", "0"]))
    #expect(integer(experiment, "droppedRows") == 3)
    #expect(integer(experiment, "n") == 6)
    let samples = String(decoding: try #require(files["data/m-samples.csv"]), as: UTF8.self)
    #expect(samples.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] } == ["1", "1.2", "5.1", "5.3", "0.9", "5"])
  }

  @Test func aMissingValueIsAnErrorByDefaultNamingFileLineAndColumn() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv", "column": "x"}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "id,x\n1,1.0\n2,2.0\n3, NA\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      message
        == "\(folder.path)/d.csv:4:3: missing value (\"NA\") in column \"x\"; fill it in, remove the row, or set \"missing\": \"drop\" in the experiment's data to skip such rows"
    )
  }

  @Test func anInfiniteValueIsAnErrorEvenWhenDropping() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv", "missing": "drop"}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "x\n1\nNA\n-inf\n3\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(message == "\(folder.path)/d.csv:4:1: \"-inf\" in column \"x\" is infinite; a mixture cannot fit infinite values: correct or remove the row")
  }

  @Test func tooFewValuesAfterDroppingIsAnError() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv", "missing": "drop"}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "x\n1\nNA\n\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(message == "\(folder.path)/d.csv: column 0 has 1 value after dropping 1 row with missing values; a fit needs at least 2")
  }

  @Test func moreComponentsThanDataPointsInACSVIsAnError() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv"}, "fit": {"components": {"from": 1, "to": 5}}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "x\n1\n2\n3\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(message == "\(folder.path)/c.json: experiments[0].fit.components.to is 5 but the data has only 3 points; use at most 3 components")
  }

  @Test func fewerDistinctValuesThanComponentsIsAnErrorNamingKAndStart() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv"}, "fit": {"components": {"from": 1, "to": 4}, "restarts": 2}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "x\n1\n1\n2\n2\n3\n3\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      message
        == "\(folder.path)/c.json: experiments[0].fit: K = 4, start 1: the data has only 3 distinct values, fewer than the 4 components; use at most 3 components"
    )
  }

  @Test func allValuesEqualIsAClearError() throws {
    let config = #"{"experiments": [{"name": "m", "data": {"csv": "d.csv"}, "fit": {"components": 1}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "x\n4\n4\n4\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(message == "\(folder.path)/c.json: experiments[0].fit: all 3 data values are equal, so there is nothing to fit")
  }

  @Test func aFitThatRunsOutOfEpochsWarnsInTheLineTheReportAndResults() throws {
    let config = #"""
      {"experiments": [{"name": "slow", "data": {"generate": [{"mean": 0, "sd": 1, "count": 300}, {"mean": 1, "sd": 1, "count": 300}]},
        "fit": {"init": "quantiles", "epochs": 3, "tolerance": 1e-9}}]}
      """#
    let (folder, _, output, lines) = try run(config)
    defer { try? FileManager.default.removeItem(at: folder) }
    let line = try #require(lines.first)
    #expect(line.didNotConverge)
    #expect(line.description.contains("3 epochs (did not converge)"))
    #expect(line.description.contains("1 warning"))
    let warning = try #require(line.warnings.first)
    #expect(warning.hasPrefix("EM did not converge: it stopped at the epoch limit (3) while the mean log-likelihood still changed by "))
    #expect(warning.hasSuffix(" per point in the last epoch (tolerance 1.00 × 10⁻⁹). Try more epochs (fit.epochs), another init (fit.init) or more restarts (fit.restarts)."))
    let files = try snapshot(output)
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains(#"<div class="warnings" role="note"><strong>Warnings</strong>"#))
    #expect(html.contains("<li>EM did not converge: it stopped at the epoch limit (3)"))
    let node = try JSONParser.parse(String(decoding: try #require(files["results.json"]), as: UTF8.self))
    guard case .array(let warnings) = try #require(child(node, ["experiments", "0", "warnings"])).kind else { throw SchemaError() }
    #expect(warnings.count == 1)
    if case .string(let text) = warnings.first?.kind { #expect(text == warning) } else { Issue.record("warning is not a string") }
  }

  @Test func aChosenKAtTheTopOfTheRangeIsWarnedAbout() throws {
    let config = #"{"experiments": [{"name": "edge", "data": {"generate": [{"mean": -5, "sd": 1, "count": 100}, {"mean": 5, "sd": 1, "count": 100}]}, "fit": {"components": {"from": 1, "to": 2}, "restarts": 2}}]}"#
    let (folder, _, _, lines) = try run(config)
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(lines.first?.components == 2)
    #expect(lines.first?.warnings == ["BIC is lowest at the largest K tried (2); a larger K might be better still: raise fit.components.to."])
  }

  @Test func aCollapsedComponentIsWarnedAboutAndEveryOutputStaysFinite() throws {
    // 40 points near 0 and one far outlier: a second component captures the outlier alone
    // and its variance falls to the floor.
    var values: [Double] = []
    for i in 0..<40 {
      let spread = Double(i % 8) * 0.25
      values.append(spread - 1 + Double(i / 8) * 0.01)
    }
    values.append(1000)
    let csv = "x\n" + values.map { "\($0)" }.joined(separator: "\n") + "\n"
    let config = #"{"experiments": [{"name": "c", "data": {"csv": "d.csv"}, "fit": {"components": 2, "init": {"weights": [0.5, 0.5], "means": [0, 900], "sds": [1, 1]}, "epochs": 20}}]}"#
    let (folder, _, output, lines) = try run(config, files: ["d.csv": csv], formats: [.png, .svg])
    defer { try? FileManager.default.removeItem(at: folder) }
    let warnings = try #require(lines.first?.warnings)
    #expect(warnings.contains { $0.hasPrefix("Component 2 of 2 collapsed at epoch 1: its variance fell to the floor (1.00 × 10⁻⁶), so it sits on a single value or a few.") })
    let files = try snapshot(output)
    for (name, bytes) in files where name.hasSuffix(".csv") || name.hasSuffix(".json") || name.hasSuffix(".html") || name.hasSuffix(".svg") {
      let text = String(decoding: bytes, as: UTF8.self).lowercased()
      #expect(!text.contains("nan") && !text.contains("inf,") && !text.contains("infinity"), "\(name) has a non-finite number")
    }
    let node = try JSONParser.parse(String(decoding: try #require(files["results.json"]), as: UTF8.self))
    let collapsed = try #require(child(node, ["experiments", "0", "collapsed", "0"]))
    #expect(integer(collapsed, "component") == 2)
    #expect(integer(collapsed, "epoch") == 1)
    #expect(string(collapsed, "reason") == "varianceAtFloor")
  }

  @Test func aCollapseWithoutRegularizationIsAClearErrorNotANaN() throws {
    // The point 0 sits alone under the first component, whose mean is then exactly 0:
    // with regularization 0 its variance is exactly 0, and the density would be infinite.
    let config = #"{"experiments": [{"name": "c", "data": {"csv": "d.csv"}, "fit": {"components": 2, "init": {"weights": [0.5, 0.5], "means": [0, 1000], "sds": [1, 1]}, "regularization": 0}}]}"#
    let (message, folder) = try error(config, files: ["d.csv": "x\n0\n999\n1000\n1001\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      message
        == "\(folder.path)/c.json: experiments[0].fit: component 1 collapsed at epoch 1 (its variance fell to 0); set fit.regularization > 0 or choose another start"
    )
  }

  @Test func restartsAreReproducibleAndTheFigureShowsEveryStart() throws {
    let config = #"{"experiments": [{"name": "r", "seed": 7, "data": {"generate": [{"mean": -2, "sd": 1, "count": 150}, {"mean": 2, "sd": 0.7, "count": 100}, {"mean": 6, "sd": 1.5, "count": 50}]}, "fit": {"components": 3, "init": "random", "restarts": 5, "tolerance": 1e-8, "epochs": 300}}]}"#
    let first = try run(config, formats: [.svg])
    let second = try run(config, formats: [.svg])
    defer {
      try? FileManager.default.removeItem(at: first.folder)
      try? FileManager.default.removeItem(at: second.folder)
    }
    let a = try snapshot(first.output)
    let b = try snapshot(second.output)
    #expect(a == b)
    let html = String(decoding: try #require(a["index.html"]), as: UTF8.self)
    #expect(html.contains("<h3>Restarts</h3>"))
    #expect(html.components(separatedBy: "<td>yes</td>").count - 1 >= 5, "every start converged")
    #expect(a["figures/r-log-likelihood.svg"] != nil)
  }

  @Test func theLogLikelihoodFigureDrawsEveryStartFaintlyAndTheKeptOneStrongly() throws {
    let config = #"{"experiments": [{"name": "r", "seed": 7, "data": {"generate": [{"mean": -2, "sd": 1, "count": 150}, {"mean": 2, "sd": 0.7, "count": 100}, {"mean": 6, "sd": 1.5, "count": 50}]}, "fit": {"components": 3, "init": "random", "restarts": 5, "tolerance": 1e-8, "epochs": 300}}]}"#
    let experiment = try ReportConfig.decode(config, file: "c.json").experiments[0]
    let outcome = try ExperimentRunner.run(experiment, index: 0, configFile: "c.json", files: FileAccess())
    let named = ExperimentFigures.logLikelihood(outcome, Size(width: 460, height: 345))
    let lines = try #require(named.figure).layers.compactMap { layer -> LineSeries? in
      if case .line(let s) = layer { s } else { nil }
    }
    #expect(lines.count == 5)
    #expect(lines.dropLast().allSatisfy { $0.style.width == 1 && $0.style.color.alpha < 1 })
    #expect(lines.compactMap(\.label) == ["Other starts (4)", "Kept: start \(outcome.chosenFit.chosen + 1)"])
    let kept = try #require(lines.last)
    #expect(kept.ys == outcome.em.epochs.map(\.logLikelihood))
    #expect(kept.style.width == 1.75)
    // The kept start has the highest final log-likelihood of all.
    let best = outcome.em.finalLogLikelihood
    #expect(outcome.chosenFit.runs.allSatisfy { $0.finalLogLikelihood <= best + 1e-9 * abs(best) })
    #expect(named.caption.contains("Grey: the other 4 starts; blue: start \(outcome.chosenFit.chosen + 1), kept for the highest final log-likelihood."))
  }

  struct SchemaError: Error {}

  func child(_ root: JSONNode, _ path: [String]) -> JSONNode? { node(at: path, in: root) }

  func number(_ node: JSONNode, _ key: String) -> Double? {
    if case .number(let d, _) = child(node, [key])?.kind { d } else { nil }
  }

  func integer(_ node: JSONNode, _ key: String) -> Int? { number(node, key).flatMap { Int(exactly: $0) } }

  func string(_ node: JSONNode, _ key: String) -> String? {
    if case .string(let s) = child(node, [key])?.kind { s } else { nil }
  }
}
