import MixtureModels
import Plotting

/// One figure of an experiment, with the name its files carry and its caption.
struct NamedFigure: Sendable {
  /// `density`, `log-likelihood`, `fit`, `components`, `selection`, `clusters`,
  /// `uncertainty` or `pairs`.
  var id: String
  var caption: String
  var drawing: Drawing

  /// A one-panel figure of the one-dimensional report, or a figure of panels.
  enum Drawing: Sendable {
    case single(Figure)
    case panels(PanelFigure)
  }

  init(id: String, caption: String, figure: Figure) {
    self.id = id
    self.caption = caption
    drawing = .single(figure)
  }

  init(id: String, caption: String, panels: PanelFigure) {
    self.id = id
    self.caption = caption
    drawing = .panels(panels)
  }

  /// The drawing with `theme`'s colours (its fonts and sizes are the same in every
  /// theme, so the layout is too).
  func drawing(in theme: Theme) -> Drawing {
    switch drawing {
    case .single(var f):
      f.theme = theme
      return .single(f)
    case .panels(var p):
      p.theme = theme
      return .panels(p)
    }
  }

  /// The one-panel figure, if it is one.
  var figure: Figure? {
    if case .single(let f) = drawing { f } else { nil }
  }

  var title: String? {
    get {
      switch drawing {
      case .single(let f): f.title
      case .panels(let p): p.title
      }
    }
    set {
      switch drawing {
      case .single(var f):
        f.title = newValue
        drawing = .single(f)
      case .panels(var p):
        p.title = newValue
        drawing = .panels(p)
      }
    }
  }

  /// The figures in `ids`' order, built by `build`, with the experiment's own titles. The
  /// figures are built concurrently (``Concurrently``; a figure's data, such as the lower
  /// bound's curves or the steps' mixtures, is computed by its builder).
  static func chosen(_ ids: [FigureID], titles: [FigureID: String], build: @Sendable (FigureID) -> NamedFigure?) -> [NamedFigure] {
    Concurrently.map(ids.count) { i in
      guard var figure = build(ids[i]) else { return nil }
      if let title = titles[ids[i]] { figure.title = title }
      return figure
    }.compactMap { $0 }
  }
}

/// Builds an experiment's four figures, as the tutorial draws them (and the GMM
/// intuition figure of the first tutorial).
enum ExperimentFigures {
  /// The figures in report order.
  static func make(_ o: ExperimentOutcome, size: Size) -> [NamedFigure] {
    NamedFigure.chosen(o.config.figureIDs, titles: o.config.titles) { id in
      switch id {
      case .density: density(o, size)
      case .logLikelihood: logLikelihood(o, size)
      case .fit: fit(o, size)
      case .components: components(o, size)
      case .selection:
        o.config.fit.covarianceTypes.count > 1
          ? MultivariateFigures.selection(o.selection, restarts: o.config.fit.restarts, dimension: 1, size) : selection(o, size)
      case .bound: EMFigures.bound(o, size)
      case .steps: EMFigures.steps(o, size)
      case .clusters, .uncertainty, .pairs, .missingness: nil
      }
    }
  }

  /// "Gaussian kernel, Scott's rule × 0.5".
  static func ruleText(_ o: ExperimentOutcome) -> String {
    let rule: String
    switch o.kde.rule {
    case .scott: rule = "Scott's rule"
    case .silverman: rule = "Silverman's rule"
    case .fixed: rule = "a fixed bandwidth"
    }
    let adjust = o.config.kde.adjust == 1 ? "" : " × \(Display.given(o.config.kde.adjust))"
    return "Gaussian kernel, \(rule)\(adjust)"
  }

  /// The rule and the bandwidth it gave, for captions.
  static func bandwidthText(_ o: ExperimentOutcome) -> String {
    "\(ruleText(o)), h = \(Display.number(o.kde.bandwidth, significant: 4))"
  }

  /// "evaluated exactly" or "binned (linear binning onto … bins; every value within …)".
  static func methodText(_ d: GridDensity) -> String {
    d.method == .binned ? "binned (\(binningText(d)))" : "evaluated exactly"
  }

  /// "linear binning onto 8 558 bins; every value within 1.5 × 10⁻⁶ of the exact estimate (…)".
  static func binningText(_ d: GridDensity) -> String {
    "linear binning onto \(Display.count(d.binCount)) bins; every value within \(Display.number(d.errorBound, significant: 2)) of the exact estimate, \(Display.number(d.errorBound / d.peak, significant: 2)) of the peak"
  }

  static func density(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let figure = Figure(
      size: size, title: "Kernel Density Estimate of \(o.config.axisLabel)", xLabel: o.config.axisLabel, yLabel: "Density",
      layers: [.line(LineSeries(xs: o.grid, ys: o.gridDensity.values, color: Color.cycle(0), width: 1.75))],
      yStartsAtZero: true, legend: .none)
    return NamedFigure(
      id: "density",
      caption: "Kernel density estimate of the \(Display.count(o.data.count)) data points (\(bandwidthText(o))) on \(o.grid.count) grid points from \(Display.number(o.grid.first ?? 0)) to \(Display.number(o.grid.last ?? 0)), \(methodText(o.gridDensity)).",
      figure: figure)
  }

  static func logLikelihood(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    logLikelihood(o.chosenFit, fit: o.config.fit, size)
  }

  /// Every start's trace faintly, the kept one strongly, for any kind of model.
  /// `oneIsClosedForm`: whether K = 1 was fitted in closed form (not with missing values).
  static func logLikelihood<Model>(_ fit: RestartedRuns<Model>, fit settings: FitConfig, _ size: Size, oneIsClosedForm: Bool = true) -> NamedFigure {
    let em = fit.best
    let epochs = em.epochs
    func trace(_ run: EMRun<Model>) -> (xs: [Double], ys: [Double]) {
      (run.epochs.map { Double($0.epoch) }, run.epochs.map(\.logLikelihood))
    }
    let chosen = trace(em)
    var layers: [Layer] = []
    var yDomain: ClosedRange<Double>?
    let others = fit.runs.indices.filter { $0 != fit.chosen }
    if !others.isEmpty {
      // Every other start faintly, the kept one strongly on top. The y range covers the
      // kept trace and where every start ended, so a start's poor first epochs may run
      // off the bottom without flattening the traces that matter.
      for (n, i) in others.enumerated() {
        let t = trace(fit.runs[i])
        let label = n == 0 ? "Other starts (\(others.count))" : nil
        layers.append(.line(LineSeries(xs: t.xs, ys: t.ys, color: Color(hex: 0x7F7F7F).withAlpha(0.55), width: 1, label: label)))
      }
      let ends = fit.runs.map(\.finalLogLikelihood) + chosen.ys
      // When every start ends at the same optimum (to 10⁻⁹), that range would show only rounding: the traces then set it.
      if let low = ends.min(), let high = ends.max(), high - low > 1e-9 * Swift.max(1, abs(high)) {
        let margin = (high - low) * 0.05
        yDomain = (low - margin)...(high + margin)
      }
    }
    layers.append(
      .line(
        LineSeries(
          xs: chosen.xs, ys: chosen.ys, color: Color.cycle(0), width: 1.75,
          label: others.isEmpty ? nil : "Kept: start \(fit.chosen + 1)", markers: epochs.count <= 60)))
    let longest = fit.runs.map(\.epochs.count).max() ?? 1
    let figure = Figure(
      size: size, title: "Log-Likelihood vs. Epoch", xLabel: "Epoch", yLabel: "Log-Likelihood", layers: layers,
      xDomain: others.isEmpty ? nil : 0.5...(Double(longest) + 0.5), yDomain: yDomain,
      xIntegerTicks: true, legend: others.isEmpty ? .none : .lowerRight)
    let epochsText = "\(epochs.count) epoch\(epochs.count == 1 ? "" : "s")"
    let status =
      fit.components == 1 && oneIsClosedForm
      ? "reached the closed form (the sample's mean and \(settings.dimension > 1 ? "covariance" : "variance")) in one step"
      : em.converged ? "converged after \(epochsText)" : "stopped after \(epochsText) (the epoch limit)"
    let kText = settings.selects ? " for K = \(fit.components)\(settings.covarianceTypes.count > 1 ? " (\(fit.covarianceType.rawValue))" : "")" : ""
    let startsText =
      others.isEmpty
      ? ""
      : " Grey: the other \(others.count) starts\(kText); blue: start \(fit.chosen + 1), kept for the highest final log-likelihood\(fit.runs.contains(where: \.isCollapsed) ? " among starts without a collapsed component" : "")."
    return NamedFigure(
      id: "log-likelihood",
      caption: "Total log-likelihood of the data at the parameters after each epoch's M-step; EM \(status). At the start it was \(Display.number(em.initialLogLikelihood, decimals: 4)).\(startsText)",
      figure: figure)
  }

  /// BIC and AIC against K, the chosen K marked.
  static func selection(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let s = o.selection
    let ks = s.fits.map { Double($0.components) }
    let bic = s.fits.map(\.best.bic)
    let aic = s.fits.map(\.best.aic)
    let chosenK = Double(s.best.components)
    let all = bic + aic
    let low = all.min() ?? 0, high = all.max() ?? 1
    let margin = Swift.max((high - low) * 0.06, 1e-9 * Swift.max(1, abs(high)))
    let yDomain = (low - margin)...(high + margin)
    let name = s.criterion.rawValue.uppercased()
    var layers: [Layer] = [
      .line(LineSeries(xs: [chosenK, chosenK], ys: [yDomain.lowerBound, yDomain.upperBound], color: Color(hex: 0x555555), width: 1, dash: [4, 3], label: "Chosen: K = \(s.best.components) (lowest \(name))")),
      .line(LineSeries(xs: ks, ys: bic, color: Color.cycle(0), width: 1.75, label: "BIC", markers: true)),
      .line(LineSeries(xs: ks, ys: aic, color: Color.cycle(1), width: 1.75, dash: [6, 3], label: "AIC", markers: true)),
    ]
    if let marks = MultivariateFigures.collapsedMarks(s.fits.filter(\.best.isCollapsed).flatMap { f in
      [(Double(f.components), f.best.bic), (Double(f.components), f.best.aic)]
    }) {
      layers.append(marks)
    }
    let figure = Figure(
      size: size, title: "Information Criteria vs. Number of Components", xLabel: "Number of components K",
      yLabel: "Criterion (lower is better)", layers: layers, xDomain: ((ks.first ?? 1) - 0.3)...((ks.last ?? 1) + 0.3), yDomain: yDomain,
      xIntegerTicks: true)
    let collapsed = s.fits.filter(\.best.isCollapsed).map { String($0.components) }
    let collapsedText = collapsed.isEmpty ? "" : " K = \(collapsed.joined(separator: ", ")): every start had a collapsed component, so \(collapsed.count == 1 ? "it was" : "they were") not eligible."
    return NamedFigure(
      id: "selection",
      caption: "BIC = p ln n − 2 ln L and AIC = 2p − 2 ln L (p = 3K − 1 free parameters) of the best of \(o.config.fit.restarts) start\(o.config.fit.restarts == 1 ? "" : "s") for each K; lower is better. \(name) chooses K = \(s.best.components).\(collapsedText)\(o.config.fit.components.lowerBound == 1 && o.config.fit.restarts > 1 ? " K = 1 is fitted in closed form (one EM step, no restarts)." : "")",
      figure: figure)
  }

  static func fit(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let mixture = o.em.fitted
    // The tutorial draws both densities at the sorted data points; past a few thousand
    // points (n² kernel evaluations, and a line of n vertices) the KDE grid serves.
    let xs: [Double], kde: [Double], fitted: [Double], whereText: String
    if let curves = o.sortedCurves {
      (xs, kde, fitted) = (curves.x, curves.kde, curves.mixture)
      whereText = "evaluated at the sorted data points as in the tutorial"
    } else {
      (xs, kde, fitted) = (o.grid, o.gridDensity.values, o.grid.map { mixture.density(at: $0) })
      whereText =
        o.config.kde.fitCurve == .data
        ? "on the \(o.grid.count)-point grid of the density figure (the tutorial evaluates them at the sorted data points, which for \(Display.count(o.data.count)) points would draw lines of as many vertices)"
        : "on the \(o.grid.count)-point grid of the density figure (\"fitCurve\": \"data\" draws them at the sorted data points, as the tutorial does)"
    }
    let figure = Figure(
      size: size, title: "Mixture Fit against the Kernel Density Estimate of \(o.config.axisLabel)", xLabel: o.config.axisLabel, yLabel: "Density",
      layers: [
        .line(LineSeries(xs: xs, ys: kde, color: .green, width: 2, label: "Kernel Density Estimation")),
        .line(LineSeries(xs: xs, ys: fitted, color: .red, width: 2, label: "Mixture Density")),
      ])
    return NamedFigure(
      id: "fit",
      caption: "Kernel density estimate (green) and the fitted \(mixture.componentCount)-component mixture density (red), \(whereText).",
      figure: figure)
  }

  static func components(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let mixture = o.em.fitted
    let k = mixture.componentCount
    var layers: [Layer] = []
    for j in 0..<k {
      let ys = o.grid.map { mixture.componentDensity(j, at: $0) }
      layers.append(.line(LineSeries(xs: o.grid, ys: ys, color: Color.cycle(j), width: 1.5, dash: [5, 3], label: "Component \(j + 1)")))
    }
    let total = o.grid.map { mixture.density(at: $0) }
    // The sum goes underneath, so components that coincide with it (well separated
    // ones) still show their colours.
    layers.insert(.line(LineSeries(xs: o.grid, ys: total, color: Color(hex: 0x222222), width: 2, label: "Mixture")), at: 0)
    // The data as a jittered strip in its own band under the density axis, coloured by
    // responsibility. The jitter is a fixed low-discrepancy sequence, so the figure is the
    // same on every run. Past ``stripLimit`` points the strip shows an evenly spaced
    // subsample in data order, so a figure never holds millions of marks.
    let coloring = ResponsibilityColoring(components: k, palette: Color.cycle)
    let strip = stripIndices(o.data.count)
    let pointColors = strip.map { coloring.color(mixture.responsibilities(at: o.data[$0])) }
    let ys = strip.map { i in 0.12 + 0.76 * (Double(i) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1) }
    let what = coloring.legendText(withBar: coloring.colorBar != nil)
    let stripLabel = strip.count < o.data.count ? "\(what) (\(Display.count(strip.count)) of \(Display.count(o.data.count)))" : what
    let xDomain = domain(o.grid)
    let density = Panel(yLabel: "Density", layers: layers, xDomain: xDomain, yStartsAtZero: true, colorBar: coloring.colorBar)
    let band = Panel(
      xLabel: o.config.axisLabel,
      layers: [.points(PointSeries(xs: strip.map { o.data[$0] }, ys: ys, colors: pointColors, radius: 1.8, label: stripLabel, legendColor: Color(hex: 0x888888)))],
      xDomain: xDomain, yDomain: 0...1, showsYAxis: false)
    let figure = PanelFigure(
      size: size, title: "Mixture Components and Responsibilities", columns: 1, panels: [density, band], sharesX: true, sharesY: false,
      legend: .best, rowHeights: [5, 1])
    let stripText =
      strip.count < o.data.count
      ? "Below the axis, an evenly spaced subsample of \(Display.count(strip.count)) of the \(Display.count(o.data.count)) data points (every \(Display.ordinal(stripStep(o.data.count))) in data order, jittered vertically)"
      : "Below the axis, every data point (jittered vertically)"
    return NamedFigure(
      id: "components",
      caption: "Each weighted component density w·φ(x; μ, σ) (dashed) and their sum (black). \(stripText): \(coloring.captionText(withBar: coloring.colorBar != nil)).",
      panels: figure)
  }

  /// The most data points the components figure's strip draws.
  static let stripLimit = 5000

  /// All indices up to ``stripLimit`` points; beyond, every ⌈n / limit⌉-th.
  static func stripIndices(_ n: Int) -> [Int] {
    Array(stride(from: 0, to: n, by: stripStep(n)))
  }

  /// 1 up to ``stripLimit`` points, ⌈n / limit⌉ beyond.
  static func stripStep(_ n: Int) -> Int { n > stripLimit ? (n + stripLimit - 1) / stripLimit : 1 }

  static func domain(_ values: [Double]) -> ClosedRange<Double>? {
    guard let low = values.first, let high = values.last, low < high else { return nil }
    return low...high
  }
}
