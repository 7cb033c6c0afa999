import MixtureModels
import Plotting

/// The figures of a d-dimensional experiment: for d = 2 the clusters with their
/// ellipses, the KDE's contours, the KDE against the mixture, the uncertainty; for d > 2
/// the pair grid; and in every dimension the log-likelihood trace and, when a pair was
/// chosen, the criterion per covariance type.
enum MultivariateFigures {
  /// The most scatter marks a figure draws; beyond, an evenly spaced subsample.
  static let markLimit = 5000
  /// The most columns a pair grid shows.
  static let pairLimit = 8

  static func make(_ o: MultivariateOutcome, size: Size) -> [NamedFigure] {
    NamedFigure.chosen(o.config.figureIDs, titles: o.config.titles) { id in
      switch id {
      case .clusters: clusters(o, size)
      case .density: density(o, size)
      case .fit: fit(o, size)
      case .uncertainty: uncertainty(o, size)
      case .pairs: pairs(o, size)
      case .logLikelihood: ExperimentFigures.logLikelihood(o.chosenFit, fit: o.config.fit, size, oneIsClosedForm: o.missing?.fittedAsComplete ?? true)
      case .selection: selection(o.selection, restarts: o.config.fit.restarts, dimension: o.sample.dimension, size, oneIsClosedForm: o.missing?.fittedAsComplete ?? true)
      case .steps: EMFigures.steps(o, size)
      case .missingness: MissingnessFigure.make(o, size)
      case .components, .bound: nil
      }
    }
  }

  /// The indices of the points drawn: all, or `markLimit` evenly spaced.
  static func shown(_ n: Int, limit: Int = markLimit) -> [Int] {
    n <= limit ? Array(0..<n) : (0..<limit).map { $0 * n / limit }
  }

  static func subsampleText(_ n: Int) -> String {
    n <= markLimit ? "" : " \(Display.count(markLimit)) evenly spaced points of the \(Display.count(n)) are drawn."
  }

  /// One point series per component (colour-blind-safe palette), labelled for the legend.
  /// `labelsRings`: whether the rings carry their legend label even when the points do not
  /// (a pair grid labels the points in one panel, and that panel may have no rings; the
  /// legend keeps the first of each label across panels).
  static func componentPoints(
    _ o: MultivariateOutcome, x: Int, y: Int, indices: [Int], radius: Double = 2.2, labelled: Bool = true, labelsRings: Bool? = nil
  ) -> [Layer] {
    let n = o.sample.count
    let k = o.em.fitted.componentCount
    let d = o.sample.dimension
    var xs = [[Double]](repeating: [], count: k), ys = [[Double]](repeating: [], count: k)
    // With missing values: rows imputed in a plotted coordinate are rings at their
    // conditional means; rows missing both plotted coordinates are left out.
    // Each ring has a segment of ±1 conditional sd along its imputed axis.
    var imputedXs = [[Double]](repeating: [], count: k), imputedYs = [[Double]](repeating: [], count: k)
    var bars = [(x0s: [Double], y0s: [Double], x1s: [Double], y1s: [Double])](repeating: ([], [], [], []), count: k)
    for i in indices {
      let c = Int(o.assignments[i])
      let sdX = o.missing?.imputedSD(row: i, coordinate: x, dimension: d)
      let sdY = o.missing?.imputedSD(row: i, coordinate: y, dimension: d)
      if sdX != nil && sdY != nil { continue }
      let px = o.sample.values[x * n + i], py = o.sample.values[y * n + i]
      if let sd = sdX ?? sdY {
        imputedXs[c].append(px)
        imputedYs[c].append(py)
        let alongX = sdX != nil
        bars[c].x0s.append(alongX ? px - sd : px)
        bars[c].x1s.append(alongX ? px + sd : px)
        bars[c].y0s.append(alongX ? py : py - sd)
        bars[c].y1s.append(alongX ? py : py + sd)
      } else {
        xs[c].append(o.sample.values[x * n + i])
        ys[c].append(o.sample.values[y * n + i])
      }
    }
    let observed: [Layer] = (0..<k).filter { !xs[$0].isEmpty }.map { c in
      .points(
        PointSeries(
          xs: xs[c], ys: ys[c], colors: [Color.categorical(c).withAlpha(0.75)], radius: radius,
          label: labelled ? "Component \(c + 1)" : nil, legendColor: Color.categorical(c)))
    }
    let firstImputed = (0..<k).first { !imputedXs[$0].isEmpty }
    let segments: [Layer] = (0..<k).filter { !imputedXs[$0].isEmpty }.map { c in
      .segments(
        SegmentSeries(
          x0s: bars[c].x0s, y0s: bars[c].y0s, x1s: bars[c].x1s, y1s: bars[c].y1s,
          style: StrokeStyle(color: Color.categorical(c).withAlpha(0.3), width: 0.7)))
    }
    let rings: [Layer] = (0..<k).filter { !imputedXs[$0].isEmpty }.map { c in
      .points(
        PointSeries(
          xs: imputedXs[c], ys: imputedYs[c], colors: [Color.categorical(c).withAlpha(0.85)], radius: radius * 1.1,
          label: (labelsRings ?? labelled) && c == firstImputed ? "Imputed: conditional mean ± 1 sd" : nil,
          legendColor: Color(hex: 0x555555), fill: .hollow(lineWidth: 0.9)))
    }
    return observed + segments + rings
  }

  /// The caption's sentence on imputed rows in coordinates (`x`, `y`), or "".
  static func imputedText(_ o: MultivariateOutcome, x: Int, y: Int) -> String {
    guard let m = o.missing else { return "" }
    let d = o.sample.dimension, n = o.sample.count
    var one = 0, both = 0
    for i in 0..<n {
      let a = m.isImputed(row: i, coordinate: x, dimension: d), b = m.isImputed(row: i, coordinate: y, dimension: d)
      if a && b { both += 1 } else if a || b { one += 1 }
    }
    guard one + both > 0 else { return "" }
    return " Rings: the \(Display.count(one)) row\(one == 1 ? "" : "s") missing \(o.labels[x]) or \(o.labels[y]), drawn at the missing cell's conditional mean under the fit, with a segment of ±1 conditional standard deviation along the missing axis (data/\(safeFileName(o.config.name))-imputed.csv lists every imputed cell)\(both > 0 ? "; \(Display.count(both)) row\(both == 1 ? "" : "s") missing both \(both == 1 ? "is" : "are") left out" : "")."
  }

  /// The pair grid's caption sentence on imputed rows, or "".
  static func pairsImputedText(_ o: MultivariateOutcome, columns: Int) -> String {
    guard let m = o.missing else { return "" }
    let d = o.sample.dimension, n = o.sample.count
    var rows = 0, cells = 0, twice = 0
    for i in 0..<n {
      let count = (0..<columns).reduce(0) { $0 + (m.isImputed(row: i, coordinate: $1, dimension: d) ? 1 : 0) }
      if count > 0 { rows += 1 }
      if count > 1 { twice += 1 }
      cells += count
    }
    guard rows > 0 else { return "" }
    let leftOut =
      twice == 0
      ? "no row misses two of them"
      : "\(Display.count(twice)) row\(twice == 1 ? " misses" : "s miss") two or more of them and \(twice == 1 ? "is" : "are") left out of each panel whose both columns \(twice == 1 ? "it misses" : "they miss")"
    return " Rings: the \(Display.count(rows)) row\(rows == 1 ? "" : "s") with a missing cell among the columns shown (\(Display.count(cells)) cell\(cells == 1 ? "" : "s")), each drawn in a panel at its conditional mean under the fit with a segment of ±1 conditional standard deviation along the missing axis; \(leftOut). The diagonal's densities use the observed values only (data/\(safeFileName(o.config.name))-imputed.csv lists every imputed cell)."
  }

  /// Component `k`'s ellipse of Mahalanobis radius `r` in coordinates (`x`, `y`).
  static func ellipse(_ m: MultivariateMixture, _ k: Int, x: Int, y: Int, radius r: Double) -> Polyline? {
    let d = m.dimension
    let c = m.covariance(k)
    let mean = m.mean(k)
    // Scaled to a unit-sized matrix (and the radius by the root of the scale), so that its
    // determinant neither overflows nor underflows for sds of 1e±150.
    let scale = Swift.max(c[x * d + x], c[y * d + y])
    guard scale > 0, scale.isFinite else { return nil }
    return Ellipse(
      centerX: mean[x], centerY: mean[y], a: c[x * d + x] / scale, b: c[x * d + y] / scale, c: c[y * d + y] / scale,
      radius: r * scale.squareRoot())?.polygon()
  }

  static func ellipseLayers(_ m: MultivariateMixture, x: Int, y: Int, radii: [Double], labelled: Bool, markerSize: Double = 6) -> [Layer] {
    var layers: [Layer] = []
    for k in 0..<m.componentCount {
      for (i, r) in radii.enumerated() {
        guard let outline = ellipse(m, k, x: x, y: y, radius: r) else { continue }
        let stroke = StrokeStyle(color: Color.categorical(k), width: i == 0 ? 1.4 : 1, dash: i == 0 ? [] : [4, 3])
        layers.append(.polygon(PolygonSeries(outline: outline, fill: nil, stroke: stroke, label: nil)))
      }
    }
    let means = m.means
    layers.append(
      .markers(
        MarkerSeries(
          xs: means.map { $0[x] }, ys: means.map { $0[y] }, shape: .cross, size: markerSize,
          colors: [Color(hex: 0x1A1A1A)], label: labelled ? "Component means" : nil)))
    return layers
  }

  static func clusters(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure {
    let m = o.em.fitted
    let n = o.sample.count
    let layers = componentPoints(o, x: 0, y: 1, indices: shown(n)) + ellipseLayers(m, x: 0, y: 1, radii: [1, 2], labelled: true)
    let panels = PanelFigure(
      size: size, title: "Clusters and Component Ellipses", columns: 1,
      panels: [Panel(xLabel: o.labels[0], yLabel: o.labels[1], layers: layers)])
    return NamedFigure(
      id: "clusters",
      caption: "Each point coloured by its most probable component of the fitted \(m.componentCount)-component \(m.covarianceType.rawValue)-covariance mixture; each component's ellipses at 1 (solid) and 2 (dashed) standard deviations (Mahalanobis radius), its mean a cross.\(imputedText(o, x: 0, y: 1))\(subsampleText(n))",
      panels: panels)
  }

  /// Contour levels: eight round values inside the density's range, the same for every
  /// field drawn against it.
  static func levels(_ values: [Double]) -> [Double] {
    let top = values.max() ?? 1
    return [0.05, 0.15, 0.3, 0.5, 0.7, 0.9].map { $0 * top }
  }

  /// The rows drawn of those that observe every one of `coordinates` (all rows without
  /// missing values; never a conditional mean), at most `limit` evenly spaced, and how many
  /// there are.
  static func shownRows(_ o: MultivariateOutcome, observing coordinates: [Int], limit: Int = markLimit) -> (rows: [Int], of: Int) {
    let n = o.sample.count, d = o.sample.dimension
    guard let m = o.missing else { return (shown(n, limit: limit), n) }
    let rows = (0..<n).filter { m.observes(row: $0, coordinates, dimension: d) }
    return (shown(rows.count, limit: limit).map { rows[$0] }, rows.count)
  }

  /// How many rows the density estimate was made of: every row, or the complete rows.
  static func estimatedCount(_ o: MultivariateOutcome) -> Int { o.missing?.completeRows ?? o.sample.count }

  static func greyPoints(_ o: MultivariateOutcome, label: String?) -> Layer {
    let n = o.sample.count
    let idx = shownRows(o, observing: Array(0..<o.sample.dimension)).rows
    return .points(
      PointSeries(
        xs: idx.map { o.sample.values[$0] }, ys: idx.map { o.sample.values[n + $0] }, colors: [Color(hex: 0x7F7F7F).withAlpha(0.45)],
        radius: 1.5, label: label, legendColor: Color(hex: 0x7F7F7F)))
  }

  static func kdeText(_ o: MultivariateOutcome) -> String {
    guard let g = o.grid, let kde = o.kde else { return "" }
    let method =
      g.method == .binned
      ? "binned (bilinear binning; every value within \(Display.number(g.errorBound, significant: 2)) of the exact estimate)"
      : "evaluated exactly"
    return "Gaussian KDE with \(ruleName(kde.rule)) (factor \(Display.number(kde.factor, significant: 4)); kernel covariance = data covariance × factor²) on a \(g.x.count) × \(g.y.count) grid, \(method)"
  }

  static func ruleName(_ rule: BandwidthRule) -> String {
    switch rule {
    case .scott: "Scott's rule"
    case .silverman: "Silverman's rule"
    case .fixed: "a fixed factor"
    }
  }

  static func density(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure? {
    guard let g = o.grid else { return nil }
    let top = g.values.max() ?? 1
    let scale = ColorScale.viridis(domain: 0...top)
    let layers: [Layer] = [
      greyPoints(o, label: nil),
      // The lines alone set the axes (not the grid's cut margins, mostly empty).
      .contour(ContourSeries(levels: Contours.lines(xs: g.x, ys: g.y, z: g.values, levels: levels(g.values)), scale: scale, width: 1.3)),
    ]
    let panels = PanelFigure(
      size: size, title: "Kernel Density Estimate of \(o.labels[0]) and \(o.labels[1])", columns: 1,
      panels: [Panel(xLabel: o.labels[0], yLabel: o.labels[1], layers: layers, colorBar: ColorBar(scale: scale, label: "Density"))],
      legend: .none)
    return NamedFigure(
      id: "density",
      caption: "Contours of the kernel density estimate at 5, 15, 30, 50, 70 and 90 % of its peak over the \(Display.count(estimatedCount(o))) \(o.missing == nil ? "points" : "complete rows") (grey\(o.missing == nil ? "" : "; a row with a missing cell is not part of the estimate")). \(kdeText(o)).\(subsampleText(estimatedCount(o)))",
      panels: panels)
  }

  static func fit(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure? {
    guard let g = o.grid else { return nil }
    let lv = levels(g.values)
    let layers: [Layer] = [
      greyPoints(o, label: "Data"),
      .contour(ContourSeries(levels: Contours.lines(xs: g.x, ys: g.y, z: g.values, levels: lv), colors: lv.map { _ in .green }, width: 1.6, label: "Kernel Density Estimation")),
      .contour(ContourSeries(levels: Contours.lines(xs: g.x, ys: g.y, z: o.mixtureGrid, levels: lv), colors: lv.map { _ in .red }, width: 1.6, dash: [5, 3], label: "Mixture Density")),
    ]
    let panels = PanelFigure(
      size: size, title: "Mixture Fit against the Kernel Density Estimate of \(o.labels[0]) and \(o.labels[1])", columns: 1,
      panels: [Panel(xLabel: o.labels[0], yLabel: o.labels[1], layers: layers)])
    return NamedFigure(
      id: "fit",
      caption: "Contours of the kernel density estimate (green\(o.missing == nil ? "" : ", of the \(Display.count(estimatedCount(o))) complete rows drawn in grey")) and of the fitted \(o.em.fitted.componentCount)-component mixture density (red, dashed) at the same levels: 5, 15, 30, 50, 70 and 90 % of the estimate's peak.\(subsampleText(estimatedCount(o)))",
      panels: panels)
  }

  static func uncertainty(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure {
    let n = o.sample.count
    let idx = shown(n)
    let m = o.em.fitted
    var u = [Double](repeating: 0, count: n <= markLimit ? n : 0)
    var uncertainty: [Int: Double] = [:]
    for i in idx {
      let value = o.uncertainty(row: i)
      if n <= markLimit { u[i] = value } else { uncertainty[i] = value }
    }
    func of(_ i: Int) -> Double { n <= markLimit ? u[i] : uncertainty[i] ?? 0 }
    let top = Swift.max(idx.map(of).max() ?? 0, 1e-3)
    let scale = ColorScale.viridis(domain: 0...top)
    // The more uncertain, the larger and brighter: confident points recede.
    let order = idx.sorted { (of($0), $0) < (of($1), $1) }
    let layers: [Layer] = [
      .points(
        PointSeries(
          xs: order.map { o.sample.values[$0] }, ys: order.map { o.sample.values[n + $0] },
          colors: order.map { scale(of($0)) }, radius: 1.5, label: nil,
          radii: order.map { 1.2 + 4 * of($0) / top })),
    ] + ellipseLayers(m, x: 0, y: 1, radii: [2], labelled: false)
    let panels = PanelFigure(
      size: size, title: "Classification Uncertainty", columns: 1,
      panels: [Panel(xLabel: o.labels[0], yLabel: o.labels[1], layers: layers, colorBar: ColorBar(scale: scale, label: "1 − max responsibility"))],
      legend: .none)
    let uncertain = o.uncertainCount
    return NamedFigure(
      id: "uncertainty",
      caption: "Each point sized and shaded by its classification uncertainty, 1 − its largest responsibility (mclust's uncertainty plot); \(Display.count(uncertain)) of \(Display.count(n)) points exceed 0.1. Ellipses: each component at 2 standard deviations.\(o.missing == nil ? "" : " A row with a missing cell is drawn at its conditional mean, with the uncertainty its observed cells leave (the E-step's responsibilities), which is why such rows along the line of conditional means can be uncertain.")\(subsampleText(n))",
      panels: panels)
  }

  static func pairs(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure {
    let m = o.em.fitted
    let n = o.sample.count
    let d = Swift.min(o.sample.dimension, pairLimit)
    let idx = shown(n)
    var panels: [Panel?] = []
    for row in 0..<d {
      for column in 0..<d {
        if column > row {
          panels.append(nil)
          continue
        }
        let xLabel = row == d - 1 ? o.labels[column] : nil
        let yLabel = column == 0 ? o.labels[row] : nil
        if column == row {
          // The observed values only: conditional means would pile up under the fit.
          let values = (0..<n).filter { !(o.missing?.isImputed(row: $0, coordinate: row, dimension: o.sample.dimension) ?? false) }
            .map { o.sample.values[row * n + $0] }
          var layers: [Layer] = []
          if let kde = try? KernelDensityEstimate(data: values, rule: .scott) {
            let grid = kde.densityOnGrid(size: 160, cut: 3)
            layers.append(.line(LineSeries(xs: grid.grid, ys: grid.values, color: .green, width: 1.6, label: row == 0 ? "KDE (marginal)" : nil)))
            let marginal = m.marginal([row])
            layers.append(
              .line(
                LineSeries(
                  xs: grid.grid, ys: grid.grid.map { marginal.density(at: [$0]) }, color: .red, width: 1.6, dash: [5, 3],
                  label: row == 0 ? "Mixture (marginal)" : nil)))
          }
          panels.append(Panel(xLabel: xLabel, yLabel: yLabel, layers: layers, yStartsAtZero: true, sharesY: false))
        } else {
          let layers = componentPoints(o, x: column, y: row, indices: idx, radius: 1.3, labelled: row == 1 && column == 0, labelsRings: true)
            + ellipseLayers(m, x: column, y: row, radii: [2], labelled: false, markerSize: 3.5)
          panels.append(Panel(xLabel: xLabel, yLabel: yLabel, layers: layers))
        }
      }
    }
    let figure = PanelFigure(
      size: Size(width: Swift.max(size.width, Double(d) * 130), height: Swift.max(size.height, Double(d) * 120)),
      title: "Pairs: Clusters and Marginal Densities", columns: d, panels: panels, legend: .outsideRight)
    let more = o.sample.dimension > pairLimit ? " The first \(pairLimit) of the \(o.sample.dimension) columns are shown." : ""
    return NamedFigure(
      id: "pairs",
      caption: "Below the diagonal, each pair of columns with the points coloured by their most probable component and each component's projected 2-standard-deviation ellipse; on the diagonal, each column's kernel density estimate (green, Scott's rule) against the fitted mixture's marginal density (red, dashed).\(pairsImputedText(o, columns: d))\(more)\(subsampleText(n))",
      panels: figure)
  }

  /// Hollow rings over the criterion values of every (K, type) whose every start
  /// collapsed (not eligible), with one legend entry; nil when there are none.
  static func collapsedMarks(_ points: [(Double, Double)]) -> Layer? {
    guard !points.isEmpty else { return nil }
    return .points(
      PointSeries(
        xs: points.map(\.0), ys: points.map(\.1), colors: [Color(hex: 0xD55E00)], radius: 5.5,
        label: "Every start collapsed (not eligible)", fill: .hollow(lineWidth: 1.6)))
  }

  /// The criterion against K, one line per covariance type, the chosen pair ringed.
  static func selection<Model>(_ s: Selection<Model>, restarts: Int, dimension d: Int, _ size: Size, oneIsClosedForm: Bool = true) -> NamedFigure {
    let name = s.criterion.rawValue.uppercased()
    var layers: [Layer] = []
    let types = s.fits.reduce(into: [CovarianceType]()) { if !$0.contains($1.covarianceType) { $0.append($1.covarianceType) } }
    let dashes: [[Double]] = [[], [6, 3], [2, 2], [8, 3, 2, 3]]
    var values: [Double] = []
    for (t, type) in types.enumerated() {
      let fits = s.fits.filter { $0.covarianceType == type }
      let ys = fits.map { s.criterion.value($0.best) }
      values += ys
      layers.append(
        .line(
          LineSeries(
            xs: fits.map { Double($0.components) }, ys: ys, color: Color.categorical(t), width: 1.75, dash: dashes[t % 4],
            label: d == 1 ? (type == .tied ? "tied (one variance, mclust E)" : "\(type.rawValue) (a variance each, mclust V)") : type.rawValue,
            markers: true)))
    }
    let chosen = s.best
    if let marks = collapsedMarks(s.fits.filter(\.best.isCollapsed).map { (Double($0.components), s.criterion.value($0.best)) }) {
      layers.append(marks)
    }
    layers.append(
      .points(
        PointSeries(
          xs: [Double(chosen.components)], ys: [s.criterion.value(chosen.best)], colors: [Color(hex: 0x1A1A1A)], radius: 7,
          label: "Chosen: K = \(chosen.components), \(chosen.covarianceType.rawValue)", fill: .hollow(lineWidth: 1.5))))
    let ks = s.fits.map(\.components)
    let low = Double(ks.min() ?? 1), high = Double(ks.max() ?? 1)
    let finite = values.filter(\.isFinite)
    let top = finite.max() ?? 1, bottom = finite.min() ?? 0
    let margin = Swift.max((top - bottom) * 0.08, 1e-9 * Swift.max(1, abs(top)))
    let figure = Figure(
      size: size, title: "\(name) vs. Number of Components by Covariance Type", xLabel: "Number of components K",
      yLabel: "\(name) (lower is better)", layers: layers, xDomain: (low - 0.3)...(high + 0.3),
      yDomain: (bottom - margin)...(top + margin), xIntegerTicks: true)
    let collapsed = s.fits.filter(\.best.isCollapsed).map { "K = \($0.components) \($0.covarianceType.rawValue)" }
    let collapsedText =
      collapsed.isEmpty ? "" : " Not eligible (every start had a collapsed component): \(collapsed.joined(separator: ", "))."
    return NamedFigure(
      id: "selection",
      caption: "\(name) of the best of \(restarts) start\(restarts == 1 ? "" : "s") for each K and covariance type (scikit-learn's parameter counts; mclust's BIC plot in the lower-is-better convention). \(name) chooses K = \(chosen.components) with \(chosen.covarianceType.rawValue) covariances.\(collapsedText)\(oneIsClosedForm && s.fits.contains { $0.components == 1 } && restarts > 1 ? " K = 1 is fitted in closed form (one EM step, no restarts)." : "")",
      figure: figure)
  }
}
