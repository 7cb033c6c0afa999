import MixtureModels
import Plotting

/// One figure of an experiment, with the name its files carry and its caption.
struct NamedFigure {
  /// `density`, `log-likelihood`, `fit` or `components`.
  var id: String
  var caption: String
  var figure: Figure
}

/// Builds an experiment's four figures, as the tutorial draws them (and the GMM
/// intuition figure of the first tutorial).
enum ExperimentFigures {
  /// The figures in report order.
  static func make(_ o: ExperimentOutcome, size: Size) -> [NamedFigure] {
    [density(o, size), logLikelihood(o, size), fit(o, size), components(o, size)]
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

  static func density(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let figure = Figure(
      size: size, title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
      layers: [.line(LineSeries(xs: o.grid, ys: o.gridDensity, color: Color.cycle(0), width: 1.75))],
      yStartsAtZero: true, legend: .none)
    return NamedFigure(
      id: "density",
      caption: "Kernel density estimate of the \(o.data.count) data points (\(bandwidthText(o))) on \(o.grid.count) grid points from \(Display.number(o.grid.first ?? 0)) to \(Display.number(o.grid.last ?? 0)).",
      figure: figure)
  }

  static func logLikelihood(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let epochs = o.em.epochs
    let figure = Figure(
      size: size, title: "Log-Likelihood vs. Epoch", xLabel: "Epoch", yLabel: "Log-Likelihood",
      layers: [
        .line(LineSeries(xs: epochs.map { Double($0.epoch) }, ys: epochs.map(\.logLikelihood), color: Color.cycle(0), width: 1.75, markers: epochs.count <= 60))
      ],
      xIntegerTicks: true, legend: .none)
    let status = o.em.converged ? "converged after \(epochs.count) epochs" : "stopped after \(epochs.count) epochs (the epoch limit)"
    return NamedFigure(
      id: "log-likelihood",
      caption: "Total log-likelihood of the data at the parameters after each epoch's M-step; EM \(status). At the start it was \(Display.number(o.em.initialLogLikelihood, decimals: 4)).",
      figure: figure)
  }

  static func fit(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let figure = Figure(
      size: size, title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
      layers: [
        .line(LineSeries(xs: o.kde.sortedData, ys: o.sortedKDE, color: .green, width: 2, label: "Kernel Density Estimation")),
        .line(LineSeries(xs: o.kde.sortedData, ys: o.sortedMixture, color: .red, width: 2, label: "Mixture Density")),
      ])
    return NamedFigure(
      id: "fit",
      caption: "Kernel density estimate (green) and the fitted \(o.em.fitted.componentCount)-component mixture density (red), evaluated at the sorted data points as in the tutorial.",
      figure: figure)
  }

  static func components(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let mixture = o.em.fitted
    let k = mixture.componentCount
    let colors = (0..<k).map { Color.cycle($0) }
    var layers: [Layer] = []
    var peak = 0.0
    for j in 0..<k {
      let ys = o.grid.map { mixture.componentDensity(j, at: $0) }
      peak = max(peak, ys.max() ?? 0)
      layers.append(.line(LineSeries(xs: o.grid, ys: ys, color: colors[j], width: 1.5, dash: [5, 3], label: "Component \(j + 1)")))
    }
    let total = o.grid.map { mixture.density(at: $0) }
    peak = max(peak, total.max() ?? 0)
    layers.append(.line(LineSeries(xs: o.grid, ys: total, color: Color(hex: 0x222222), width: 2, label: "Mixture")))
    // The data as a jittered strip below zero, each point the responsibility-weighted
    // blend of the component colours. The jitter is a fixed low-discrepancy sequence,
    // so the figure is the same on every run.
    let pointColors = o.responsibilities.map { Color.mix(colors, weights: $0).withAlpha(0.55) }
    let ys = o.data.indices.map { i in
      let u = (Double(i) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1)
      return -peak * (0.035 + 0.07 * u)
    }
    layers.append(.points(PointSeries(xs: o.data, ys: ys, colors: pointColors, radius: 1.8, label: "Data, coloured by responsibility", legendColor: Color(hex: 0x888888))))
    let figure = Figure(
      size: size, title: "Mixture Components and Responsibilities", xLabel: "X", yLabel: "Density", layers: layers,
      xDomain: domain(o.grid))
    return NamedFigure(
      id: "components",
      caption: "Each weighted component density w·φ(x; μ, σ) (dashed) and their sum (black). Below zero, every data point is coloured by its responsibilities: the blend of the component colours in proportion to how likely each component made it.",
      figure: figure)
  }

  static func domain(_ values: [Double]) -> ClosedRange<Double>? {
    guard let low = values.first, let high = values.last, low < high else { return nil }
    return low...high
  }
}
