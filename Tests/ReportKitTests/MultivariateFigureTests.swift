import CairoRendering
import Foundation
import MixtureModels
import Plotting
import Testing
import TestSupport

@testable import ReportKit

/// The d-dimensional figures as users get them, laid out with Cairo's own text measures:
/// no legend covers a mark or a line, captions state subsampling, ellipses sit on their
/// components, and the pair grid shows at most 8 columns.
@Suite struct MultivariateFigureTests {
  static func outcome(_ config: String, files: [String: String] = [:]) throws -> MultivariateOutcome {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, text) in files { try write(text, to: name, in: folder) }
    let path = try write(config, to: "c.json", in: folder)
    let experiment = try ReportConfig.decode(config, file: path).experiments[0]
    return try MultivariateRunner.run(experiment, index: 0, configFile: path, files: FileAccess())
  }

  static let blobs = #"{"experiments": [{"name": "b", "seed": 7, "data": {"generate": [{"mean": [0, 0], "covariance": [[4, 2.4], [2.4, 2]], "count": 400}, {"mean": [7, 5], "covariance": [[1, 0], [0, 1]], "count": 250}, {"mean": [-1, 7], "covariance": [[3, 0], [0, 0.25]], "count": 300}]}, "fit": {"components": {"from": 1, "to": 4}, "covariance": "all", "restarts": 3, "tolerance": 1e-8, "epochs": 500}}]}"#

  static func iris() throws -> String {
    return #"{"experiments": [{"name": "iris", "seed": 1936, "data": {"csv": "\#(repositoryPath("examples/data/iris.csv"))", "columns": ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]}, "fit": {"components": {"from": 1, "to": 4}, "covariance": "all", "restarts": 5, "tolerance": 1e-8, "epochs": 500}}]}"#
  }

  /// Every legend of the blobs' and iris's figures, measured against what is drawn.
  @Test func noLegendCoversAMark() throws {
    let measurer = try CairoTextMeasurer()
    let size = Figure.inches(width: 6.4, height: 4.8)
    var checked: [String] = []
    for o in [try Self.outcome(Self.blobs), try Self.outcome(try Self.iris())] {
      for named in MultivariateFigures.make(o, size: size) {
        let canvas = RecordingCanvas(measuring: measurer)
        let legend: LegendLayout?
        switch named.drawing {
        case .single(let f): legend = f.draw(on: canvas).legend
        case .panels(let p): legend = p.draw(on: canvas).legend
        }
        guard let legend else { continue }
        let hits = LegendCheck.coveredMarks(canvas.operations, legend: legend.frame)
        #expect(hits == 0, "\(o.config.name)-\(named.id): the legend (\(legend.placement)) covers \(hits) sampled marks")
        checked.append("\(o.config.name)-\(named.id)")
      }
    }
    #expect(checked == ["b-clusters", "b-fit", "b-log-likelihood", "b-selection", "iris-pairs", "iris-log-likelihood", "iris-selection"])
  }

  /// The clusters figure draws each component's 1σ and 2σ ellipses around its mean, and
  /// the ellipse's points are at Mahalanobis radius 1 and 2 of the fitted covariance.
  @Test func ellipsesAreTheFittedComponentsAtOneAndTwoStandardDeviations() throws {
    let o = try Self.outcome(Self.blobs)
    let named = MultivariateFigures.clusters(o, Figure.inches(width: 6.4, height: 4.8))
    guard case .panels(let p) = named.drawing, let panel = p.panels.first ?? nil else {
      Issue.record("expected a one-panel figure")
      return
    }
    let polygons = panel.layers.compactMap { layer -> Polyline? in if case .polygon(let s) = layer { s.outline } else { nil } }
    let m = o.em.fitted
    #expect(polygons.count == 2 * m.componentCount)
    for (index, outline) in polygons.enumerated() {
      let k = index / 2, r = Double(index % 2 + 1)
      let c = m.covariance(k), mu = m.mean(k)
      let det = c[0] * c[3] - c[1] * c[2]
      for (x, y) in zip(outline.xs, outline.ys) {
        let dx = x - mu[0], dy = y - mu[1]
        let q = (c[3] * dx * dx - 2 * c[1] * dx * dy + c[0] * dy * dy) / det
        #expect(abs(q.squareRoot() - r) < 1e-9, "component \(k + 1), radius \(r)")
      }
    }
    #expect(o.config.name == "b" && named.caption.contains("ellipses at 1 (solid) and 2 (dashed) standard deviations"))
  }

  /// Above 5 000 points the scatter marks are an evenly spaced subsample, and the caption says so.
  @Test func largeSamplesAreSubsampledAndSaySo() throws {
    let config = #"{"experiments": [{"name": "big", "seed": 1, "data": {"generate": [{"mean": [0, 0], "covariance": [[1, 0], [0, 1]], "count": 6000}, {"mean": [5, 5], "covariance": [[1, 0.5], [0.5, 1]], "count": 6000}]}, "fit": {"components": 2, "epochs": 30}}]}"#
    let o = try Self.outcome(config)
    let size = Figure.inches(width: 6.4, height: 4.8)
    let named = MultivariateFigures.clusters(o, size)
    #expect(named.caption.hasSuffix(" 5000 evenly spaced points of the \(Display.count(12_000)) are drawn."))
    #expect(Display.count(12_000) == "12\u{202F}000")
    guard case .panels(let p) = named.drawing, let panel = p.panels.first ?? nil else { return }
    let marks = panel.layers.reduce(0) { total, layer in if case .points(let s) = layer { total + s.xs.count } else { total } }
    #expect(marks == 5000)
    #expect(o.grid?.method == .binned)
    #expect(MultivariateFigures.density(o, size)?.caption.contains("binned (bilinear binning; every value within ") == true)
  }

  @Test func thePairGridShowsAtMostEightColumns() throws {
    var header: [String] = [], rows: [String] = []
    for j in 0..<10 { header.append("c\(j)") }
    var random = RandomSource(seed: 2)
    for i in 0..<60 { rows.append((0..<10).map { j in String(Double(i % 2) * 4 + random.normal() + Double(j)) }.joined(separator: ",")) }
    let csv = header.joined(separator: ",") + "\n" + rows.joined(separator: "\n") + "\n"
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(csv, to: "ten.csv", in: folder)
    let config = #"{"experiments": [{"name": "ten", "data": {"csv": "\#(folder.path)/ten.csv", "columns": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}, "fit": {"components": 2, "covariance": "diag", "epochs": 50}}]}"#
    let o = try Self.outcome(config)
    let named = MultivariateFigures.pairs(o, Figure.inches(width: 6.4, height: 4.8))
    guard case .panels(let p) = named.drawing else { return }
    #expect(p.columns == 8 && p.panels.count == 64 && p.panels.compactMap { $0 }.count == 36)
    #expect(named.caption.contains("The first 8 of the 10 columns are shown."))
  }
}
