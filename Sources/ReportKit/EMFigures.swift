import MixtureModels
import Plotting

/// How points are coloured by their responsibilities, the same in every figure: with two
/// components, a scale from component 1's colour through grey (undecided) to component
/// 2's, read on a colour bar; with more, the most probable component's colour, more
/// opaque the surer it is (blending K colours would make a muddy colour that reads as
/// another class).
struct ResponsibilityColoring {
  let components: Int
  let palette: (Int) -> Color
  /// The scale of component 2's responsibility, for K = 2.
  let scale: ColorScale?

  init(components k: Int, palette: @escaping (Int) -> Color) {
    components = k
    self.palette = palette
    scale =
      k == 2
      ? ColorScale(
        domain: 0...1,
        stops: [
          ColorStop(position: 0, color: palette(0)), ColorStop(position: 0.5, color: Color(hex: 0xB0B0B0)),
          ColorStop(position: 1, color: palette(1)),
        ]) : nil
  }

  /// The colour of a point with responsibilities `r`.
  func color(_ r: [Double]) -> Color {
    if let scale, r.count == 2 { return scale(r[1]).withAlpha(0.8) }
    guard components > 1, let (j, top) = r.enumerated().max(by: { $0.element < $1.element }).map({ ($0.offset, $0.element) }) else {
      return palette(0).withAlpha(0.8)
    }
    let floor = 1 / Double(components)
    let sureness = Swift.min(1, Swift.max(0, (top - floor) / (1 - floor)))
    return palette(j).withAlpha(0.12 + 0.78 * sureness)
  }

  /// The colour bar (K = 2).
  var colorBar: ColorBar? { scale.map { ColorBar(scale: $0, label: "Responsibility of component 2") } }

  /// The legend entry of the points (`withBar`: beside the colour bar).
  func legendText(withBar: Bool) -> String {
    components == 2
      ? (withBar ? "Data, by responsibility (bar)" : "Data, by responsibility (grey: undecided)")
      : components == 1 ? "Data" : "Data (opacity: responsibility)"
  }

  /// The caption's sentence (`withBar`: beside the colour bar).
  func captionText(withBar: Bool) -> String {
    switch components {
    case 1: "every point belongs to the one component"
    case 2: "each point's colour is its responsibility of component 2\(withBar ? " on the colour bar" : ""), from component 1's colour (0) through grey (undecided, 0.5) to component 2's (1)"
    default: "each point has its most probable component's colour, more opaque the larger that responsibility (faint points are undecided)"
    }
  }
}

/// The first tutorial's pictures of EM: the lower bound touching the log-likelihood, and
/// EM at work epoch by epoch.
enum EMFigures {
  /// The default epochs of the steps figure (the last is added).
  static let defaultStepEpochs = [0, 1, 2, 5, 10]
  /// The most points each steps panel draws.
  static let stepMarkLimit = 2000

  /// The epochs shown: those asked for that the run reached, and the last when the run
  /// stopped before one asked for (or by default).
  static func stepEpochs(_ asked: [Int]?, last: Int) -> [Int] {
    let wanted = asked ?? (defaultStepEpochs + [last])
    var epochs = wanted.filter { $0 <= last }
    if wanted.contains(where: { $0 > last }) || asked == nil, epochs.last != last { epochs.append(last) }
    var seen = Set<Int>()
    return epochs.filter { seen.insert($0).inserted }
  }

  /// The mixture after `epoch` epochs (0: the start).
  static func mixture<Model>(_ run: EMRun<Model>, at epoch: Int) -> Model {
    epoch == 0 ? run.initial : run.epochs[Swift.min(epoch, run.epochs.count) - 1].mixture
  }

  static func llText(_ value: Double) -> String { "ℓ = \(Display.number(value, decimals: 2))" }

  static func logLikelihood<Model>(_ run: EMRun<Model>, at epoch: Int) -> Double {
    epoch == 0 ? run.initialLogLikelihood : run.epochs[Swift.min(epoch, run.epochs.count) - 1].logLikelihood
  }

  // MARK: The lower bound

  /// ℓ(μ) and L(q_t, μ) along one mean, for t = 0 and t = 1, side by side on one x range.
  static func bound(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure? {
    let run = o.em
    let k = Swift.min(o.config.boundComponent, run.fitted.componentCount - 1)
    let ts = run.epochs.isEmpty ? [0] : [0, 1]
    let thetas = ts.map { mixture(run, at: $0) }
    // One x range for both panels: the union of their windows.
    var low = Double.infinity, high = -Double.infinity
    for m in thetas {
      guard let w = try? LowerBound.window(data: o.data, mixture: m, component: k), let a = w.first, let b = w.last else { continue }
      low = Swift.min(low, a)
      high = Swift.max(high, b)
    }
    guard low < high else { return nil }
    let points = 161
    let grid = (0..<points).map { low + (high - low) * Double($0) / Double(points - 1) }
    let slices = thetas.compactMap { try? LowerBound.slice(data: o.data, mixture: $0, component: k, means: grid) }
    guard slices.count == thetas.count else { return nil }
    let purple = Color(hex: 0x7B3294)
    let panels: [Panel?] = zip(ts, slices).map { t, s in
      let layers: [Layer] = [
        .line(LineSeries(xs: s.means, ys: s.logLikelihood, color: Color(hex: 0x1A1A1A), width: 1.8, label: "Log-likelihood ℓ(μ)")),
        .line(LineSeries(xs: s.means, ys: s.bound, color: purple, width: 1.8, dash: [6, 3], label: "Lower bound L(q, μ), q fixed")),
        .markers(MarkerSeries(xs: [s.current], ys: [s.currentValue], shape: .disk, size: 5.5, colors: [Color(hex: 0x1A1A1A)], label: "Current μ: L touches ℓ")),
        .markers(MarkerSeries(xs: [s.next], ys: [s.nextValue], shape: .diamond, size: 6.5, colors: [purple], label: "Next μ: L's maximum (M-step)")),
      ]
      // Both curves' tops and the bound's fall to a few units below them.
      let top = Swift.max(s.logLikelihood.max() ?? 0, s.nextValue)
      let depth = Swift.max(top - (s.bound.min() ?? top), 1e-9 * Swift.max(1, abs(top)))
      let bottom = Swift.max(s.bound.min() ?? top, top - depth)
      let margin = (top - bottom) * 0.08
      return Panel(
        title: "t = \(t): q from epoch \(t)'s parameters", xLabel: "Mean of component \(k + 1), μ",
        yLabel: t == 0 ? "Log-likelihood" : nil, layers: layers, yDomain: (bottom - margin)...(top + margin), sharesY: false)
    }
    let figure = PanelFigure(
      size: Size(width: Swift.max(size.width, 640), height: size.height), title: "EM's Lower Bound on the Log-Likelihood",
      columns: panels.count, panels: panels, sharesX: true, sharesY: false, legend: .best)
    let stepText = zip(ts, slices).map { t, s in
      "at t = \(t) the bound touches ℓ at μ = \(Display.number(s.current, significant: 6)) and peaks at μ = \(Display.number(s.next, significant: 6)), epoch \(t + 1)'s mean"
    }.joined(separator: "; ")
    return NamedFigure(
      id: "bound",
      caption: "With the responsibilities q fixed by the current parameters (E-step), the lower bound L(q, μ) lies below the log-likelihood ℓ(μ) everywhere and touches it at the current μ; the M-step moves μ to the bound's maximum, so ℓ cannot fall. Here μ is component \(k + 1)'s mean, every other parameter held at epoch t's values: \(stepText).",
      panels: figure)
  }

  // MARK: Steps, one dimension

  static func steps(_ o: ExperimentOutcome, _ size: Size) -> NamedFigure {
    let run = o.em
    let epochs = stepEpochs(o.config.stepEpochs, last: run.epochs.count)
    let k = run.fitted.componentCount
    let coloring = ResponsibilityColoring(components: k, palette: Color.cycle)
    let count = o.data.count
    let shown = MultivariateFigures.shown(count, limit: stepMarkLimit)
    let jitter = shown.map { i in 0.15 + 0.7 * (Double(i) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1) }
    let xs = shown.map { o.data[$0] }
    let grid = o.grid
    let models = epochs.map { mixture(run, at: $0) }
    var peak = o.gridDensity.peak
    for m in models { peak = Swift.max(peak, grid.map { m.density(at: $0) }.max() ?? 0) }
    let yDomain = 0...(peak * 1.06)
    let xDomain = ExperimentFigures.domain(grid)
    var cells: [(density: Panel, strip: Panel)] = []
    let grey = Color(hex: 0x7F7F7F)
    cells.append(
      (
        Panel(
          title: "Data, unlabeled", yLabel: "Density",
          layers: [.line(LineSeries(xs: grid, ys: o.gridDensity.values, color: grey, width: 1.2, dash: [2, 2], label: "Kernel density estimate"))],
          xDomain: xDomain, yDomain: yDomain),
        Panel(
          xLabel: o.config.axisLabel, layers: [.points(PointSeries(xs: xs, ys: jitter, colors: [grey.withAlpha(0.6)], radius: 1.4, label: nil))],
          xDomain: xDomain, yDomain: 0...1, showsYAxis: false)
      ))
    for (n, (epoch, m)) in zip(epochs, models).enumerated() {
      var layers: [Layer] = [.line(LineSeries(xs: grid, ys: grid.map { m.density(at: $0) }, color: Color(hex: 0x222222), width: 1.6, label: n == 0 ? "Mixture" : nil))]
      for j in 0..<k {
        layers.append(
          .line(
            LineSeries(
              xs: grid, ys: grid.map { m.componentDensity(j, at: $0) }, color: Color.cycle(j), width: 1.3, dash: [4, 2],
              label: n == 0 ? "Component \(j + 1)" : nil)))
      }
      let colors = xs.map { coloring.color(m.responsibilities(at: $0)) }
      cells.append(
        (
          Panel(title: "Epoch \(epoch) · \(llText(logLikelihood(run, at: epoch)))", yLabel: "Density", layers: layers, xDomain: xDomain, yDomain: yDomain),
          Panel(
            xLabel: o.config.axisLabel,
            layers: [.points(PointSeries(xs: xs, ys: jitter, colors: colors, radius: 1.4, label: n == 0 ? coloring.legendText(withBar: false) : nil, legendColor: grey))],
            xDomain: xDomain, yDomain: 0...1, showsYAxis: false)
        ))
    }
    let figure = smallMultiples(cells, size: size, title: "EM Step by Step")
    return NamedFigure(
      id: "steps",
      caption: "EM at work. First, the data as EM sees it, unlabeled (a jittered strip; the dotted curve is the kernel density estimate). Then, at epochs \(epochs.map(String.init).joined(separator: ", ")) (0 is the start), the weighted components (dashed), their sum (black), and the data coloured by the responsibilities those parameters give: \(coloring.captionText(withBar: false)). Each title gives the log-likelihood; every panel has the same axes.\(subsampleText(shown.count, of: o.data.count))",
      panels: figure)
  }

  static func subsampleText(_ shown: Int, of n: Int) -> String {
    shown < n ? " \(Display.count(shown)) evenly spaced points of the \(Display.count(n)) are drawn." : ""
  }

  /// Panels of (density, strip) pairs in a grid of up to four columns, each strip a short
  /// row under its density.
  static func smallMultiples(_ cells: [(density: Panel, strip: Panel)], size: Size, title: String) -> PanelFigure {
    let columns = Swift.min(4, cells.count)
    let gridRows = (cells.count + columns - 1) / columns
    var panels: [Panel?] = []
    var heights: [Double] = []
    for row in 0..<gridRows {
      let range = (row * columns)..<Swift.min((row + 1) * columns, cells.count)
      let padding = [Panel?](repeating: nil, count: columns - range.count)
      panels += range.map { Optional(cells[$0].density) } + padding
      panels += range.map { Optional(cells[$0].strip) } + padding
      heights += [4, 1]
    }
    return PanelFigure(
      size: Size(width: Swift.max(size.width, Double(columns) * 190), height: Swift.max(size.height, Double(gridRows) * 200 + 40)),
      title: title, columns: columns, panels: panels, sharesX: true, sharesY: true, legend: .outsideRight, rowHeights: heights)
  }

  // MARK: Steps, d dimensions

  /// The same in the plane of the first two coordinates: the points coloured by
  /// responsibility and each component's ellipse moving.
  static func steps(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure? {
    let run = o.em
    let epochs = stepEpochs(o.config.stepEpochs, last: run.epochs.count)
    let k = run.fitted.componentCount
    let n = o.sample.count
    let coloring = ResponsibilityColoring(components: k, palette: Color.categorical)
    // With missing values, the rows observed in the plane (the others have no place in it
    // before a fit imputes them), each coloured by the responsibilities its observed cells
    // give at that epoch (the E-step's).
    let (idx, drawn) = MultivariateFigures.shownRows(o, observing: [0, 1], limit: stepMarkLimit)
    guard drawn > 0 else { return nil }
    let xs = idx.map { o.sample.values[$0] }, ys = idx.map { o.sample.values[n + $0] }
    func padded(_ v: [Double]) -> ClosedRange<Double>? {
      guard let a = v.min(), let b = v.max(), a < b else { return nil }
      return (a - (b - a) * 0.05)...(b + (b - a) * 0.05)
    }
    let xDomain = padded(Array(o.sample.column(0))), yDomain = padded(Array(o.sample.column(1)))
    let grey = Color(hex: 0x7F7F7F)
    var panels: [Panel?] = [
      Panel(
        title: "Data, unlabeled", xLabel: o.labels[0], yLabel: o.labels[1],
        layers: [.points(PointSeries(xs: xs, ys: ys, colors: [grey.withAlpha(0.5)], radius: 1.3))], xDomain: xDomain, yDomain: yDomain)
    ]
    for (n, epoch) in epochs.enumerated() {
      let m = mixture(run, at: epoch)
      let colors: [Color]
      if let incomplete = o.missing?.incomplete {
        let r = MissingDataEM.responsibilities(incomplete, at: m)
        colors = idx.map { i in coloring.color(Array(r[(i * k)..<((i + 1) * k)])) }
      } else {
        colors = idx.map { coloring.color(m.responsibilities(at: o.sample.point($0))) }
      }
      let plane = o.sample.dimension == 2 ? m : m.marginal([0, 1])
      let layers: [Layer] =
        [.points(PointSeries(xs: xs, ys: ys, colors: colors, radius: 1.3, label: n == 0 ? coloring.legendText(withBar: false) : nil, legendColor: grey))]
        + MultivariateFigures.ellipseLayers(plane, x: 0, y: 1, radii: [2], labelled: n == 0, markerSize: 4)
      panels.append(
        Panel(
          title: "Epoch \(epoch) · \(llText(logLikelihood(run, at: epoch)))", xLabel: o.labels[0], yLabel: o.labels[1], layers: layers,
          xDomain: xDomain, yDomain: yDomain))
    }
    let columns = Swift.min(4, panels.count)
    let rows = (panels.count + columns - 1) / columns
    let figure = PanelFigure(
      size: Size(width: Swift.max(size.width, Double(columns) * 190), height: Swift.max(size.height, Double(rows) * 190 + 40)),
      title: "EM Step by Step", columns: columns, panels: panels, legend: .outsideRight)
    let plane = o.sample.dimension == 2 ? "" : " in the plane of \(o.labels[0]) and \(o.labels[1]) (the components' marginals)"
    return NamedFigure(
      id: "steps",
      caption: "EM at work\(plane). First, the data unlabeled; then, at epochs \(epochs.map(String.init).joined(separator: ", ")) (0 is the start), each component's 2-standard-deviation ellipse and mean (cross) and the points coloured by the responsibilities those parameters give: \(coloring.captionText(withBar: false)). Each title gives the log-likelihood; every panel has the same axes.\(o.missing == nil ? "" : " Only the \(Display.count(drawn)) rows that observe both \(o.labels[0]) and \(o.labels[1]) are drawn (the others have no place in the plane before a fit imputes them), each coloured by the responsibilities its observed cells give.")\(subsampleText(idx.count, of: drawn))",
      panels: figure)
  }
}
