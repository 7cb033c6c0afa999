import Foundation
import MixtureModels
import Plotting
import TestSupport
import Testing

@testable import ReportKit

/// "Figures a reader trusts": collapsed starts counted and marked, K = 1 in closed form,
/// long restart tables summarised, one number format per column, the fit figure's
/// curves, titles of the user's choosing, and the article's page pinned.
@Suite struct ReaderTrustTests {
  /// 60 points, K from 1 to 8 from 12 random starts each: K = 6, 7, 8 collapse at every
  /// start, K = 4 and 5 at some.
  static let collapsing = #"""
    {"formats": ["png"], "experiments": [{"name": "c", "seed": 4,
      "data": {"generate": [{"mean": 0, "sd": 1, "count": 30}, {"mean": 5, "sd": 1, "count": 30}]},
      "fit": {"components": {"from": 1, "to": 8}, "init": "random", "restarts": 12, "epochs": 300, "tolerance": 1e-8, "regularization": 1e-6}}]}
    """#

  func outcome(_ text: String, file: String = "t.json") throws -> ExperimentOutcome {
    let config = try ReportConfig.decode(text, file: file)
    return try ExperimentRunner.run(config.experiments[0], index: 0, configFile: file, files: FileAccess())
  }

  func figure(_ id: String, of o: ExperimentOutcome) throws -> NamedFigure {
    try #require(ExperimentFigures.make(o, size: Figure.inches(width: 6.4, height: 4.8)).first { $0.id == id })
  }

  @Test func collapsedStartsAreCountedAndEveryCollapsedKIsRinged() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = try write(Self.collapsing, to: "c.json", in: folder)
    var lines: [ExperimentLine] = []
    _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("out"))) { lines.append($0) }
    let line = try #require(lines.first)
    #expect(line.components == 2)
    #expect((line.collapsedStarts, line.startsRun) == (45, 85))
    #expect(line.description.contains(", 45 of 85 starts collapsed, 1 warning, "))
    #expect(
      line.warnings == [
        "K = 6, 7, 8 could not be chosen: every start had a collapsed component (all 12 starts at each). More restarts or a larger fit.regularization may give sound fits."
      ])

    // Every start of every K, K = 1 once (its closed form).
    let csv = try String(contentsOf: folder.appendingPathComponent("out/data/c-restarts.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(rows[0] == ["components", "covariance", "start", "log_likelihood", "epochs", "converged", "collapsed", "kept"])
    #expect(rows.count == 1 + 85)
    #expect(rows[1][0] == "1" && rows[1][2] == "1" && rows[1][4] == "1" && rows[1][7] == "true")
    #expect(rows.dropFirst().filter { $0[6] == "true" }.count == 45)
    #expect(rows.dropFirst().filter { $0[7] == "true" }.count == 8, "one kept start per K")
    let results = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/results.json"))) as? [String: Any])
    let experiment = try #require((results["experiments"] as? [[String: Any]])?.first)
    let selection = try #require(experiment["selection"] as? [[String: Any]])
    #expect(selection.map { ($0["starts"] as? [Any])?.count ?? 0 } == [1, 12, 12, 12, 12, 12, 12, 12])

    // The selection figure rings the ineligible K on both criteria.
    let o = try outcome(Self.collapsing)
    guard case .single(let f) = try figure("selection", of: o).drawing else { Issue.record("one panel"); return }
    let rings = f.layers.compactMap { layer -> PointSeries? in
      if case .points(let p) = layer, p.label == "Every start collapsed (not eligible)" { p } else { nil }
    }
    #expect(rings.count == 1)
    #expect(rings.first?.xs == [6, 6, 7, 7, 8, 8])
    #expect(rings.first?.fill == .hollow(lineWidth: 1.6))
    let byK = Dictionary(uniqueKeysWithValues: o.selection.fits.map { ($0.components, $0.best) })
    #expect(rings.first?.ys == [6, 6, 7, 7, 8, 8].enumerated().map { i, k in i % 2 == 0 ? byK[k]!.bic : byK[k]!.aic })
  }

  @Test func collapsedStartsOfTheChosenFitAreAWarning() throws {
    let galaxies = repositoryPath("examples/data/galaxies.csv")
    let o = try outcome(
      #"{"experiments": [{"name": "g", "seed": 1990, "data": {"csv": "\#(galaxies)", "column": "velocity"}, "fit": {"components": 5, "init": "kmeans++", "restarts": 10, "epochs": 500, "tolerance": 1e-6}}]}"#)
    #expect(o.warnings == ["1 of 10 starts at K = 5 collapsed; the kept fit is the best sound one."])
    #expect(!o.em.isCollapsed)
  }

  @Test func oneComponentIsItsClosedFormInOneStep() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = #"""
      {"formats": ["png"], "experiments": [{"name": "one", "seed": 2,
        "data": {"generate": [{"mean": 3, "sd": 2, "count": 400}]},
        "fit": {"components": 1, "init": "kmeans++", "restarts": 5, "epochs": 50, "tolerance": 1e-6, "regularization": 0}}]}
      """#
    let config = try write(text, to: "one.json", in: folder)
    var lines: [ExperimentLine] = []
    _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("out"))) { lines.append($0) }
    let line = try #require(lines.first)
    #expect(line.description.hasPrefix("one: K = 1, 1 epoch (converged), log-likelihood "), "one start ran, whatever restarts says")
    let o = try outcome(text)
    #expect(o.chosenFit.runs.count == 1)
    #expect(o.em.epochs.count == 1 && o.em.converged)
    #expect(o.em.fitted.means[0].isApproximatelyEqual(to: Statistics.mean(o.data), relativeTolerance: 1e-13))
    #expect(o.em.fitted.sds[0].isApproximatelyEqual(to: Statistics.standardDeviation(o.data), relativeTolerance: 1e-12))
    let ll = try figure("log-likelihood", of: o)
    #expect(ll.caption.hasPrefix("Total log-likelihood of the data at the parameters after each epoch's M-step; EM reached the closed form (the sample's mean and variance) in one step."))
    guard case .single(let f) = ll.drawing else { Issue.record("one panel"); return }
    #expect(f.legend == .none, "no other starts, no legend")
    #expect(f.layers.count == 1)
    let html = try String(contentsOf: folder.appendingPathComponent("out/index.html"), encoding: .utf8)
    #expect(
      html.contains(
        "Closed form: with one component the maximum-likelihood fit is the sample&#39;s mean and variance (plus fit.regularization), which one EM step reaches exactly from any start; so one step ran and none of the 5 restarts (they would all end there)."
      ))
    #expect(!html.contains("<h3>Restarts"))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/data/one-restarts.csv").path))
  }

  @Test func manyRestartsShowTheTenBestAndSummariseTheRest() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let galaxies = repositoryPath("examples/data/galaxies.csv")
    let config = try write(
      #"{"formats": ["png"], "experiments": [{"name": "g", "seed": 7, "data": {"csv": "\#(galaxies)", "column": "velocity"}, "fit": {"components": 4, "init": "random", "restarts": 30, "epochs": 300, "tolerance": 1e-6}}]}"#,
      to: "g.json", in: folder)
    _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("out")))
    let html = try String(contentsOf: folder.appendingPathComponent("out/index.html"), encoding: .utf8)
    let section = try #require(html.components(separatedBy: "<h3>Restarts</h3>").dropFirst().first?.components(separatedBy: "</table>").first)
    let rows = section.components(separatedBy: "<tr").dropFirst(2)  // the header row first
    #expect(rows.count == 11)
    #expect(section.contains("The 10 best starts, sound ones first, by final log-likelihood."))
    let o = try outcome(try String(contentsOfFile: config, encoding: .utf8))
    let fit = o.chosenFit
    let shown = HTMLReport.shownRestarts(fit)
    #expect(shown.count == 10 && shown.first == fit.chosen)
    let sound = fit.runs.indices.filter { !fit.runs[$0].isCollapsed }
    let best = sound.sorted { (fit.runs[$0].finalLogLikelihood, -$0) > (fit.runs[$1].finalLogLikelihood, -$1) }
    #expect(Array(shown.prefix(Swift.min(10, sound.count))) == Array(best.prefix(10)))
    let rest = fit.runs.indices.filter { !shown.contains($0) }.map { fit.runs[$0].finalLogLikelihood }
    let summary = "20 more starts: final log-likelihood \(Display.number(rest.min() ?? 0, decimals: 4)) to \(Display.number(rest.max() ?? 0, decimals: 4))"
    #expect(section.contains(summary))
    #expect(section.contains("Every start of every K is in data/g-restarts.csv and results.json."))
    let csv = try String(contentsOf: folder.appendingPathComponent("out/data/g-restarts.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 31)
  }

  @Test func aTableColumnSharesOneFormat() {
    #expect(Display.column([0.34, 0]) == ["0.340000", "0.000000"])
    #expect(Display.column([2, 0.25]) == ["2.000000", "0.250000"])
    #expect(Display.column([1234.5678, 0.5]) == ["1234.567800", "0.500000"])
    #expect(Display.column([-1.5, 12.25]) == ["\u{2212}1.50000", "12.25000"])
    #expect(Display.column([2e-6, 3]) == ["2.00000 × 10⁻⁶", "3.00000 × 10⁰"])
    #expect(Display.column([]) == [])
    #expect(Display.givenColumn([2, 0.8, -1]) == ["2.0", "0.8", "\u{2212}1.0"])
    #expect(Display.givenColumn([2, 1]) == ["2", "1"])
  }

  @Test func theArticlesParametersTableHasOneFormatPerColumn() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: folder.appendingPathComponent("out"), formats: [.png]))
    let html = try String(contentsOf: folder.appendingPathComponent("out/index.html"), encoding: .utf8)
    // The generating means and sds as the config gave them, padded to one fraction.
    #expect(html.contains(#"<tr><td>1</td><td class="sep">0.2500</td><td>2</td><td>1.0</td>"#))
    #expect(html.contains(#"<tr><td>2</td><td class="sep">0.7500</td><td>−1</td><td>0.8</td>"#))
  }

  @Test func theFitFigureIsSmoothOnTheGridByDefaultAndAtTheDataWhenAsked() throws {
    let base = #"{"experiments": [{"name": "f", "seed": 3, "data": {"generate": [{"mean": 0, "sd": 1, "count": 150}, {"mean": 4, "sd": 1, "count": 50}]}, "fit": {"components": 2}"#
    let grid = try outcome(base + "}]}")
    guard case .single(let g) = try figure("fit", of: grid).drawing, case .line(let kde) = g.layers[0] else { Issue.record("lines"); return }
    #expect(kde.xs == grid.grid && kde.xs.count == 200)
    #expect(try figure("fit", of: grid).caption.contains(#"on the 200-point grid of the density figure ("fitCurve": "data" draws them at the sorted data points, as the tutorial does)"#))
    let data = try outcome(base + #", "kde": {"fitCurve": "data"}}]}"#)
    guard case .single(let d) = try figure("fit", of: data).drawing, case .line(let atData) = d.layers[0] else { Issue.record("lines"); return }
    #expect(atData.xs == data.data.sorted())
    #expect(try figure("fit", of: data).caption.contains("evaluated at the sorted data points as in the tutorial"))
  }

  @Test func defaultTitlesAreDistinctAndEveryTitleCanBeSet() throws {
    let base = #"{"experiments": [{"name": "t", "data": {"generate": [{"mean": 0, "sd": 1, "count": 100}], "label": "Flavanoids"}, "fit": {"components": 1}"#
    let plain = try outcome(base + "}]}")
    let titles = ExperimentFigures.make(plain, size: Figure.inches(width: 6.4, height: 4.8)).map { $0.title ?? "" }
    #expect(
      titles == [
        "Kernel Density Estimate of Flavanoids", "Log-Likelihood vs. Epoch", "Mixture Fit against the Kernel Density Estimate of Flavanoids",
        "Mixture Components and Responsibilities",
      ])
    #expect(Set(titles).count == titles.count)
    let named = try outcome(base + #", "figures": ["fit", "density", "steps"], "titles": {"fit": "Fit <b>", "steps": "EM, step by step"}}]}"#)
    let figures = ExperimentFigures.make(named, size: Figure.inches(width: 6.4, height: 4.8))
    #expect(figures.map(\.id) == ["fit", "density", "steps"])
    #expect(figures.map { $0.title ?? "" } == ["Fit <b>", "Kernel Density Estimate of Flavanoids", "EM, step by step"])
  }

  /// The article's page, pinned: captions of every figure, the tables and their number
  /// formats. Re-record with RECORD_SNAPSHOTS=1 only on purpose.
  @Test func theArticlesPageMatchesItsGolden() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try ReportGenerator.run(options(repositoryPath("examples/article.json"), output: folder.appendingPathComponent("out"), formats: [.png, .pdf]))
    let html = try String(contentsOf: folder.appendingPathComponent("out/index.html"), encoding: .utf8)
    let outcome = Snapshot.compare(html, named: "article.html")
    if case .recorded = outcome {} else { #expect(outcome == .matches, "\(outcome)") }
  }
}
