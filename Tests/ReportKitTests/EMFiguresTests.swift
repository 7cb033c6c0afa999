import CairoRendering
import Foundation
import MixtureModels
import Plotting
import Testing
import TestSupport

@testable import ReportKit

/// The pictures of EM (`bound`, `steps`) and the components figure, as users get them:
/// built from real runs, laid out with Cairo's text measures (and the approximate ones),
/// no two texts overlapping, no legend covering a mark.
@Suite struct EMFiguresTests {
  // MARK: Experiments

  /// The article's data: N(2, 1) × 200 and N(−1, 0.8) × 600.
  static let article = #"{"generate": [{"mean": 2, "sd": 1, "count": 200}, {"mean": -1, "sd": 0.8, "count": 600}]}"#
  /// Three well separated 1-D groups.
  static let three = #"{"generate": [{"mean": -4, "sd": 1, "count": 150}, {"mean": 1, "sd": 0.6, "count": 100}, {"mean": 6, "sd": 1.2, "count": 150}]}"#
  /// Two 2-D groups.
  static let plane = #"{"generate": [{"mean": [0, 0], "covariance": [[1, 0.3], [0.3, 1]], "count": 150}, {"mean": [4, 2], "covariance": [[1.5, -0.4], [-0.4, 0.8]], "count": 120}]}"#

  /// One experiment "e" with `data` and `extra` members.
  static func config(_ data: String, _ extra: String) -> String {
    #"{"experiments": [{"name": "e", "seed": 3, "data": \#(data)\#(extra)}]}"#
  }

  /// The article's experiment, with the figures asked for.
  static func articleConfig(figures: String = #"["components", "bound", "steps"]"#, fit: String? = nil) -> String {
    config(
      article,
      #", "fit": \#(fit ?? #"{"components": 2, "init": "groups", "epochs": 20, "tolerance": 0, "regularization": 0}"#), "figures": \#(figures)"#)
  }

  static func decoded(_ text: String) throws -> ExperimentConfig {
    try ReportConfig.decode(text, file: "c.json").experiments[0]
  }

  static func outcome(_ text: String) throws -> ExperimentOutcome {
    try ExperimentRunner.run(try decoded(text), index: 0, configFile: "c.json", files: FileAccess())
  }

  static func outcome2D(_ text: String) throws -> MultivariateOutcome {
    try MultivariateRunner.run(try decoded(text), index: 0, configFile: "c.json", files: FileAccess())
  }

  static let size = Figure.inches(width: 6.4, height: 4.8)

  /// The panel figure of the figure `id` among `figures`.
  static func panels(_ figures: [NamedFigure], _ id: String) throws -> PanelFigure {
    let named = try #require(figures.first { $0.id == id }, "no figure \(id) among \(figures.map(\.id))")
    guard case .panels(let p) = named.drawing else {
      Issue.record("\(id) is a one-panel figure")
      throw CancellationError()
    }
    return p
  }

  /// How a title prints a log-likelihood: two decimals and a real minus sign.
  static func ll(_ value: Double) -> String {
    "ℓ = " + String(format: "%.2f", value).replacingOccurrences(of: "-", with: "\u{2212}")
  }

  /// The log-likelihood after `epoch` epochs (0: the start).
  static func ll<M>(_ run: EMRun<M>, _ epoch: Int) -> Double {
    epoch == 0 ? run.initialLogLikelihood : run.epochs[epoch - 1].logLikelihood
  }

  /// Every pair of overlapping text boxes, described.
  static func overlaps(_ layout: PanelFigureLayout) -> [String] {
    var found: [String] = []
    let texts = layout.texts
    for (i, a) in texts.enumerated() {
      for b in texts[(i + 1)...] where a.box.intersects(b.box) {
        found.append("\(a.role) \"\(a.text)\" \(a.box) overlaps \(b.role) \"\(b.text)\" \(b.box)")
      }
    }
    return found
  }

  /// Checks the layout with both measurers: no overlapping texts, every text inside the
  /// figure, and no legend covering a drawn mark.
  static func checkLayout(_ figure: PanelFigure, _ name: String) throws {
    let cairo = try CairoTextMeasurer()
    for layout in [figure.layout(measuring: cairo), figure.layout(measuring: RecordingCanvas())] {
      // Every panel title is placed, in order, and there are tick labels to clash with.
      #expect(layout.texts(.panelTitle).map(\.text) == figure.panels.compactMap { $0?.title }, "\(name)")
      #expect(layout.texts(.xTick).count >= 2 && layout.texts(.legend).count >= 2, "\(name)")
      let clashes = overlaps(layout)
      #expect(clashes.isEmpty, "\(name): \(clashes.prefix(5).joined(separator: "; "))")
      let bounds = Rect(x: 0, y: 0, width: layout.size.width, height: layout.size.height)
      for text in layout.texts {
        #expect(bounds.contains(text.box), "\(name): \(text.role) \"\(text.text)\" leaves the figure")
      }
    }
    let canvas = RecordingCanvas(measuring: cairo)
    let drawn = figure.draw(on: canvas)
    let legend = try #require(drawn.legend, "\(name) has no legend")
    let hits = LegendCheck.coveredMarks(canvas.operations, legend: legend.frame)
    #expect(hits == 0, "\(name): the legend (\(legend.placement)) covers \(hits) sampled marks")
  }

  // MARK: Steps, one dimension

  @Test func theStepsFigureShowsTheDataThenEpochs0125And10AndTheLast() throws {
    let o = try Self.outcome(Self.articleConfig())
    #expect(o.em.epochs.count == 20 && !o.em.converged)
    let figures = ExperimentFigures.make(o, size: Self.size)
    #expect(figures.map(\.id) == ["components", "bound", "steps"])
    let p = try Self.panels(figures, "steps")
    #expect(p.title == "EM Step by Step")
    let epochs = [0, 1, 2, 5, 10, 20]
    // Seven cells in rows of four: each row's densities, then their strips under them.
    #expect(p.columns == 4 && p.panels.count == 16 && p.rowHeights == [4, 1, 4, 1])
    let densities = [0, 1, 2, 3, 8, 9, 10].map { p.panels[$0] }
    let strips = [4, 5, 6, 7, 12, 13, 14].map { p.panels[$0] }
    #expect(p.panels[11] == nil && p.panels[15] == nil)
    #expect(densities.map { $0?.title } == ["Data, unlabeled"] + epochs.map { "Epoch \($0) · \(Self.ll(Self.ll(o.em, $0)))" })
    #expect(densities[1]?.title == "Epoch 0 · \(Self.ll(o.em.initialLogLikelihood))")
    #expect(densities.last??.title?.hasPrefix("Epoch 20 · ℓ = −") == true)
    // The strips: no titles, no y axis, the data's x label, every point once.
    for strip in strips {
      let s = try #require(strip)
      #expect(s.title == nil && !s.showsYAxis && s.xLabel == "X" && s.yDomain == 0...1)
      guard case .points(let points) = s.layers.first else {
        Issue.record("a strip without points")
        continue
      }
      #expect(points.xs == o.data)
      #expect(points.ys.allSatisfy { $0 > 0 && $0 < 1 })
    }
    // Each epoch's panel draws that epoch's mixture: the density is the sum of the
    // dashed components, and the epoch-20 curve is the fitted mixture.
    for (cell, epoch) in zip(densities.dropFirst(), epochs) {
      let panel = try #require(cell)
      let lines = panel.layers.compactMap { layer -> LineSeries? in if case .line(let l) = layer { l } else { nil } }
      #expect(lines.count == 3)
      let model = epoch == 0 ? o.em.initial : o.em.epochs[epoch - 1].mixture
      for (i, x) in lines[0].xs.enumerated() where i % 20 == 0 {
        #expect(lines[0].ys[i].isApproximatelyEqual(to: model.density(at: x), relativeTolerance: 1e-12, absoluteTolerance: 1e-300))
        #expect((lines[1].ys[i] + lines[2].ys[i]).isApproximatelyEqual(to: lines[0].ys[i], relativeTolerance: 1e-12, absoluteTolerance: 1e-300))
      }
    }
    let caption = try #require(figures.first { $0.id == "steps" }).caption
    #expect(caption.contains("at epochs 0, 1, 2, 5, 10, 20 (0 is the start)"))
    try Self.checkLayout(p, "1-D steps")
  }

  /// `stepEpochs` past the run's end: the epochs reached, then the last.
  @Test func askedEpochsBeyondAnEarlyStopEndWithTheLastEpoch() throws {
    let text = Self.articleConfig(
      figures: #"["steps"], "stepEpochs": [0, 3, 50]"#, fit: #"{"components": 2, "init": {"weights": [0.5, 0.5], "means": [6, -5], "sds": [2, 2]}, "epochs": 60, "tolerance": 1e-5}"#)
    let o = try Self.outcome(text)
    let last = o.em.epochs.count
    try #require(o.em.converged && last > 3 && last < 50, "the run stopped at \(last)")
    let p = try Self.panels(ExperimentFigures.make(o, size: Self.size), "steps")
    // Four cells: one row.
    try #require(p.columns == 4 && p.panels.count == 8 && p.rowHeights == [4, 1])
    #expect(
      p.panels[0..<4].map { $0?.title }
        == ["Data, unlabeled", "Epoch 0 · \(Self.ll(Self.ll(o.em, 0)))", "Epoch 3 · \(Self.ll(Self.ll(o.em, 3)))", "Epoch \(last) · \(Self.ll(o.em.finalLogLikelihood))"])
    // The rule itself.
    #expect(EMFigures.stepEpochs([0, 3, 50], last: 12) == [0, 3, 12])
    #expect(EMFigures.stepEpochs([0, 3, 12], last: 12) == [0, 3, 12])
    #expect(EMFigures.stepEpochs([0, 3, 5], last: 12) == [0, 3, 5])
    #expect(EMFigures.stepEpochs(nil, last: 7) == [0, 1, 2, 5, 7])
    #expect(EMFigures.stepEpochs(nil, last: 5) == [0, 1, 2, 5])
    #expect(EMFigures.stepEpochs(nil, last: 1) == [0, 1])
    try Self.checkLayout(p, "1-D steps, asked epochs")
  }

  // MARK: Steps, two dimensions

  @Test func theTwoDimensionalStepsFigureShowsTheSameEpochs() throws {
    let o = try Self.outcome2D(
      Self.config(Self.plane, #", "fit": {"components": 2, "epochs": 20, "tolerance": 0}, "figures": ["steps", "clusters"]"#))
    #expect(o.em.epochs.count == 20)
    let figures = MultivariateFigures.make(o, size: Self.size)
    #expect(figures.map(\.id) == ["steps", "clusters"])
    let p = try Self.panels(figures, "steps")
    let epochs = [0, 1, 2, 5, 10, 20]
    #expect(p.columns == 4 && p.panels.count == 7)
    #expect(p.panels.map { $0?.title } == ["Data, unlabeled"] + epochs.map { "Epoch \($0) · \(Self.ll(Self.ll(o.em, $0)))" })
    #expect(p.panels.allSatisfy { $0?.xLabel == "x1" && $0?.yLabel == "x2" })
    // Every epoch panel has the points coloured by that epoch's responsibilities and each
    // component's mean (marker) where that epoch's mixture has it.
    for (cell, epoch) in zip(p.panels.dropFirst(), epochs) {
      let panel = try #require(cell)
      guard case .points(let points) = panel.layers.first else {
        Issue.record("epoch \(epoch): no points first")
        continue
      }
      #expect(points.xs.count == 270 && points.colors.count == 270)
      let model = epoch == 0 ? o.em.initial : o.em.epochs[epoch - 1].mixture
      let meanMarkers = panel.layers.compactMap { layer -> MarkerSeries? in if case .markers(let m) = layer { m } else { nil } }
      let xs = meanMarkers.flatMap(\.xs), ys = meanMarkers.flatMap(\.ys)
      for k in 0..<2 {
        let mu = model.mean(k)
        #expect(zip(xs, ys).contains { abs($0 - mu[0]) < 1e-12 && abs($1 - mu[1]) < 1e-12 }, "epoch \(epoch): no marker at component \(k + 1)'s mean")
      }
    }
    try Self.checkLayout(p, "2-D steps")
  }

  // MARK: Components

  @Test func twoComponentsAreColouredOnABarAndTheStripHasNoYAxis() throws {
    let o = try Self.outcome(Self.articleConfig())
    let p = try Self.panels(ExperimentFigures.make(o, size: Self.size), "components")
    #expect(p.columns == 1 && p.panels.count == 2 && p.rowHeights == [5, 1] && p.sharesX)
    let density = try #require(p.panels[0]), strip = try #require(p.panels[1])
    #expect(density.colorBar?.label == "Responsibility of component 2")
    #expect(density.colorBar?.scale.domain == 0...1)
    #expect(strip.colorBar == nil && !strip.showsYAxis && strip.xLabel == "X" && density.yLabel == "Density")
    // Points: all of them, alpha 0.8, the colour of component 2's responsibility on the bar.
    guard case .points(let points) = strip.layers.first else {
      Issue.record("no strip points")
      return
    }
    #expect(points.xs == o.data && points.colors.count == o.data.count)
    #expect(points.colors.allSatisfy { $0.alpha == 0.8 })
    let bar = try #require(density.colorBar).scale
    for (x, c) in zip(points.xs, points.colors) {
      let expected = bar(o.em.fitted.responsibilities(at: x)[1])
      #expect(abs(c.red - expected.red) + abs(c.green - expected.green) + abs(c.blue - expected.blue) < 1e-12)
    }
    // The bar's ends are the components' colours.
    #expect(bar(0).withAlpha(1) == Color.cycle(0) && bar(1).withAlpha(1) == Color.cycle(1))

    let layout = p.layout(measuring: try CairoTextMeasurer())
    #expect(layout.texts(.colorBarLabel).map(\.text) == ["Responsibility of component 2"])
    #expect(layout.panels.count == 2)
    let densityArea = layout.panels[0].plotArea, stripArea = layout.panels[1].plotArea
    #expect(stripArea.minY > densityArea.maxY && stripArea.height < densityArea.height / 3)
    // Density ticks: at least two, none negative (the density starts at 0).
    let yTicks = layout.texts(.yTick)
    #expect(yTicks.count >= 2)
    for tick in yTicks {
      let value = try #require(tickLabelValue(tick.text), "tick label \(tick.text)")
      #expect(value >= 0, "negative density tick \(tick.text)")
      // Every y tick label belongs to the density panel, none to the strip.
      #expect(tick.box.midY >= densityArea.minY - 1 && tick.box.midY <= densityArea.maxY + 1, "\(tick.text) beside the strip")
    }
    #expect(layout.panels[0].yTicks.allSatisfy { $0 >= 0 })
    #expect(layout.panels[1].yTicks.isEmpty)
    try Self.checkLayout(p, "components K = 2")
  }

  @Test func threeComponentsHaveNoBarAndPaletteColoursWithOpacity() throws {
    let o = try Self.outcome(
      Self.config(Self.three, #", "fit": {"components": 3, "init": "groups", "epochs": 30, "tolerance": 0}, "figures": ["components"]"#))
    #expect(o.em.fitted.componentCount == 3)
    let p = try Self.panels(ExperimentFigures.make(o, size: Self.size), "components")
    let density = try #require(p.panels[0]), strip = try #require(p.panels[1])
    #expect(density.colorBar == nil && strip.colorBar == nil)
    guard case .points(let points) = strip.layers.first else {
      Issue.record("no strip points")
      return
    }
    #expect(points.label == "Data (opacity: responsibility)")
    #expect(points.xs == o.data)
    var byTop: [(top: Double, alpha: Double)] = []
    for (x, c) in zip(points.xs, points.colors) {
      let r = o.em.fitted.responsibilities(at: x)
      let top = r.max()!, j = r.firstIndex(of: top)!
      #expect(c.withAlpha(1) == Color.cycle(j), "x = \(x): not component \(j + 1)'s colour")
      #expect(c.alpha >= 0.12 && c.alpha <= 0.9, "x = \(x): alpha \(c.alpha)")
      byTop.append((top, c.alpha))
    }
    // Surer points are more opaque; well separated groups give mostly sure points, and
    // points between groups fade.
    byTop.sort { $0.top < $1.top }
    #expect(zip(byTop, byTop.dropFirst()).allSatisfy { $0.alpha <= $1.alpha + 1e-12 })
    #expect(byTop.last!.alpha > 0.85 && byTop.first!.alpha < 0.6)
    let layout = p.layout(measuring: try CairoTextMeasurer())
    #expect(layout.texts(.colorBarLabel).isEmpty && layout.texts(.colorBarTick).isEmpty)
    #expect(layout.texts(.yTick).allSatisfy { (tickLabelValue($0.text) ?? -1) >= 0 })
    try Self.checkLayout(p, "components K = 3")
  }

  // MARK: The lower bound

  @Test func theBoundFigureHasTwoPanelsOnOneMeanRange() throws {
    let o = try Self.outcome(Self.articleConfig(figures: #"["bound"], "boundParameter": {"component": 2}"#))
    let figures = ExperimentFigures.make(o, size: Self.size)
    let named = try #require(figures.first)
    #expect(figures.map(\.id) == ["bound"])
    let p = try Self.panels(figures, "bound")
    #expect(p.title == "EM's Lower Bound on the Log-Likelihood" && p.columns == 2 && p.panels.count == 2 && p.sharesX)
    #expect(p.size.width >= 640)
    let t0 = try #require(p.panels[0]), t1 = try #require(p.panels[1])
    #expect(t0.title == "t = 0: q from epoch 0's parameters" && t1.title == "t = 1: q from epoch 1's parameters")
    #expect(t0.xLabel == "Mean of component 2, μ" && t1.xLabel == "Mean of component 2, μ")
    #expect(t0.yLabel == "Log-likelihood" && t1.yLabel == nil)
    // One x range: both panels evaluate their curves on the same grid.
    func lines(_ panel: Panel) -> [LineSeries] { panel.layers.compactMap { if case .line(let l) = $0 { l } else { nil } } }
    func markers(_ panel: Panel) -> [MarkerSeries] { panel.layers.compactMap { if case .markers(let m) = $0 { m } else { nil } } }
    #expect(lines(t0).count == 2 && lines(t1).count == 2)
    #expect(lines(t0)[0].xs == lines(t1)[0].xs && lines(t0)[0].xs.count == 161)
    let layout = p.layout(measuring: try CairoTextMeasurer())
    #expect(layout.panels.count == 2 && layout.panels[0].xScale.domain == layout.panels[1].xScale.domain)
    #expect(layout.texts(.panelTitle).map(\.text) == ["t = 0: q from epoch 0's parameters", "t = 1: q from epoch 1's parameters"])
    // Each panel's "next μ" is the mean after that epoch's M-step, and its "current μ"
    // the mean before it.
    for (t, panel) in [(0, t0), (1, t1)] {
      let m = markers(panel)
      #expect(m.count == 2)
      let before = t == 0 ? o.em.initial : o.em.epochs[t - 1].mixture
      #expect(m[0].xs == [before.means[1]])
      #expect(m[1].xs[0].isApproximatelyEqual(to: o.em.epochs[t].mixture.means[1], relativeTolerance: 1e-10))
      // Where L touches ℓ, both are the log-likelihood of that epoch's parameters, EM's own.
      #expect(m[0].ys[0].isApproximatelyEqual(to: Self.ll(o.em, t), relativeTolerance: 1e-12), "t = \(t): ℓ(μ_t) \(m[0].ys[0]), EM's \(Self.ll(o.em, t))")
    }
    #expect(named.caption.contains("Here μ is component 2's mean"))
    try Self.checkLayout(p, "bound")
  }

  // MARK: The report

  /// The report writes the chosen figures and nothing else, named by experiment and id.
  @Test func theReportWritesTheChosenFigures() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try write(Self.articleConfig(figures: #"["steps", "bound"]"#), to: "c.json", in: folder)
    let output = folder.appendingPathComponent("out")
    _ = try ReportGenerator.run(options(path, output: output, formats: [.svg]))
    let files = try snapshot(output)
    let figures = files.keys.filter { $0.hasPrefix("figures/") }.sorted()
    #expect(figures == ["figures/e-bound.svg", "figures/e-steps.svg"])
    for name in figures {
      let svg = String(decoding: try #require(files[name]), as: UTF8.self)
      #expect(svg.hasPrefix("<?xml") && svg.contains("<svg"), "\(name) is not SVG")
    }
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    let steps = try #require(html.range(of: "figures/e-steps.svg")), bound = try #require(html.range(of: "figures/e-bound.svg"))
    #expect(steps.lowerBound < bound.lowerBound)
    #expect(html.contains("EM at work.") && html.contains("the lower bound L(q, μ) lies below the log-likelihood"))
  }
}
