import CairoRendering
import MixtureModels
import Mustache

/// A written figure: its id, caption and the files it was written to.
struct FigureFiles {
  var id: String
  var caption: String
  var alt: String
  /// The files, by the config's format order, then theme (light first), then scale.
  var files: [FigureFile]
}

/// One file of a figure.
struct FigureFile {
  var format: ImageFormat
  /// The path relative to the report folder.
  var path: String
  /// The PNG scale (1 for PDF and SVG): `@2x` files are 2.
  var scale: Int
  /// Whether it is the `~dark` variant beside a light one.
  var isDark: Bool

  /// The format link's text: `PNG`, `PNG @2x`, `PDF dark`, `PNG dark @2x`.
  var linkText: String {
    format.rawValue.uppercased() + (isDark ? " dark" : "") + (scale == 1 ? "" : " @\(scale)x")
  }
}

/// Renders `index.html` from a Mustache template. Every value reaches the template as a
/// string, boolean, list or object (the README's "Template variables"); `{{…}}` escapes it
/// for HTML, and the template uses no `{{{…}}}` for anything a user wrote.
enum HTMLReport {
  struct Header {
    var title: String
    var configName: String
    var configSHA256: String
  }

  /// The values the template is rendered with: the page's, and `experiments`, each
  /// experiment's (``experimentContext(_:figures:dataFiles:)``). The README's "Template
  /// variables" lists every key (`TemplateVariablesTests` compares the two).
  static func context(header: Header, experiments: [[String: Any]], embedded: Bool = false) -> [String: Any] {
    [
      "embedded": embedded,
      "title": header.title,
      "generatorName": Generator.name,
      "generatorVersion": Generator.version,
      "configName": header.configName,
      "configSHA256": header.configSHA256,
      "experiments": experiments,
      "experimentCount": String(experiments.count),
      "hasSeveral": experiments.count > 1,
    ]
  }

  /// The rendered page: `template` with `context`.
  static func render(template: ReportTemplate, context: [String: Any]) -> String {
    // Mustache escapes markup, not control characters: a title holding NUL or an ANSI
    // escape must not reach the page raw (HTML forbids them; U+FFFD shows where).
    let html = template.render(context)
    guard html.unicodeScalars.contains(where: isForbiddenControl) else { return html }
    var cleaned = String.UnicodeScalarView()
    for scalar in html.unicodeScalars { cleaned.append(isForbiddenControl(scalar) ? "\u{FFFD}" : scalar) }
    return String(cleaned)
  }

  /// C0 controls but tab, LF, CR and form feed, DEL, and C1 controls.
  static func isForbiddenControl(_ s: Unicode.Scalar) -> Bool {
    (s.value < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(s.value)) || (0x7F...0x9F).contains(s.value)
  }

  static func experimentContext(_ o: ExperimentOutcome, figures: [FigureFiles], dataFiles: [(String, String)]) -> [String: Any] {
    let em = o.em
    let fitted = em.fitted
    let k = fitted.componentCount
    /// Each column (weight, mean, sd) of a mixture in one format; the generating values
    /// as the config gave them (`2.0`, `0.8`), not padded to 6 digits.
    func columns(_ m: GaussianMixture?, given: Bool = false) -> [[String: Any]] {
      guard let m else { return [] }
      let weights = m.weights.map { Display.number($0, decimals: 4) }
      let means = given ? Display.givenColumn(m.means) : Display.column(m.means)
      let sds = given ? Display.givenColumn(m.sds) : Display.column(m.sds)
      return (0..<m.componentCount).map { ["weight": weights[$0], "mean": means[$0], "sd": sds[$0]] }
    }
    let (trueCells, initialCells, fittedCells) = (columns(o.trueMixture, given: true), columns(em.initial), columns(fitted))
    func cell(_ list: [[String: Any]], _ j: Int) -> [String: Any] { j < list.count ? list[j] : ["weight": "–", "mean": "–", "sd": "–"] }
    let rows: [[String: Any]] = (0..<k).map { j in
      ["component": String(j + 1), "true": cell(trueCells, j), "initial": cell(initialCells, j), "fitted": cell(fittedCells, j)]
    }
    let s = o.summary
    let figureContexts = figureContexts(figures)
    let status = statusText(converged: em.converged, o.config.fit, components: k)
    let source: String
    let transformed = transformText(o.config.transform)
    switch o.config.data {
    case .generate(let groups):
      let generator = o.config.rng == .numpy ? " by numpy's RandomState (np.random.seed, then np.random.normal per group)" : ""
      source = "Generated with seed \(o.config.seed)\(generator): " + groups.map { "\(Display.count($0.count)) draws from N(\(Display.given($0.mean)), \(Display.given($0.sd))²)" }.joined(separator: ", ") + "\(transformed)."
    case .csv(let path, _, let columns, _, _):
      let column = columns[0]
      let droppedText = droppedText(o.droppedLines)
      source = "Column \(column) of \(path)\(transformed).\(droppedText)"
    }
    let fit = o.chosenFit
    let restartRows = restartRows(fit)
    let selectionRows = selectionRows(o.selection)
    let clusterRows = clusterRows(o.clusterSizes, weights: fitted.weights, n: o.data.count)
    return [
      "name": o.config.name,
      "anchor": safeFileName(o.config.name),
      "description": o.config.description,
      "hasDescription": !o.config.description.isEmpty,
      "source": source,
      "summary": [
        "n": Display.count(s.count), "mean": Display.number(s.mean, significant: 6), "sd": Display.number(s.sd, significant: 6),
        "min": Display.number(s.min, significant: 6), "max": Display.number(s.max, significant: 6),
      ],
      "hasTrue": o.trueMixture != nil,
      "rows": rows,
      "initName": o.config.fit.initialization.name + (fit.runs.count > 1 ? ", start \(fit.chosen + 1)" : ""),
      "warnings": o.warnings,
      "hasWarnings": !o.warnings.isEmpty,
      "restarts": restartRows,
      "restartsMore": restartsMoreText(fit, csv: "data/\(safeFileName(o.config.name))-restarts.csv"),
      "hasRestartsMore": fit.runs.count > restartRowLimit,
      "restartsOrder": fit.runs.count > restartRowLimit ? "The \(restartRowLimit) best starts, sound ones first, by final log-likelihood." : "",
      "restartsText": fit.runs.count == 1 ? "one start" : "\(fit.runs.count) starts",
      "hasRestarts": fit.runs.count > 1,
      "restartsForK": o.config.fit.selectsComponents ? " for K = \(fit.components)" : "",
      "selection": selectionRows,
      "hasSelection": o.config.fit.selects,
      "severalTypes": o.config.fit.covarianceTypes.count > 1,
      "selectionText": selectionText(o.config.fit, chosen: fit, criterion: o.selection.criterion),
      "multivariate": false,
      "covarianceType": fit.covarianceType.rawValue,
      "criterion": o.selection.criterion.rawValue.uppercased(),
      "componentRange": "\(o.config.fit.components.lowerBound) to \(o.config.fit.components.upperBound)",
      "clusters": clusterRows,
      "components": String(k),
      "epochsRun": String(em.epochs.count),
      "maxEpochs": String(o.config.fit.epochs),
      "converged": em.converged,
      "status": status,
      "initialLogLikelihood": Display.number(em.initialLogLikelihood, decimals: 4),
      "firstLogLikelihood": Display.number(em.epochs.first?.logLikelihood ?? em.initialLogLikelihood, decimals: 4),
      "finalLogLikelihood": Display.number(em.finalLogLikelihood, decimals: 4),
      "aic": Display.number(em.aic, decimals: 2),
      "bic": Display.number(em.bic, decimals: 2),
      "parameters": String(fitted.freeParameterCount),
      "kdeRule": ExperimentFigures.ruleText(o),
      "bandwidth": Display.number(o.kde.bandwidth, significant: 6),
      "kdeMethod": o.gridDensity.method == .binned
        ? "Binned on \(o.grid.count) grid points: \(ExperimentFigures.binningText(o.gridDensity))"
        : "Exact on \(o.grid.count) grid points (\(Display.count(o.data.count)) × \(o.grid.count) kernel evaluations)",
      "samplesNote": o.config.writesSamples(n: o.data.count)
        ? ""
        : "The per-sample CSV is not written for more than \(Display.count(ExperimentConfig.samplesLimit)) points; set \"writeSamples\": true in the experiment to write its \(Display.count(o.data.count)) rows.",
      // The selection figure sits beside its table; the grid has the others.
      "figures": zip(figures, figureContexts).filter { $0.0.id != "selection" }.map(\.1),
      "selectionFigure": zip(figures, figureContexts).filter { $0.0.id == "selection" }.map(\.1),
      "dataFiles": dataFiles.map { ["name": $0.0, "href": $0.1, "path": $0.1] },
    ]
  }

  /// Each figure's id, caption, alt text, shown image (the light PNG at its smallest
  /// scale, else the light SVG) with a `srcset` of its scales when there are several and
  /// a dark `<source>` when a `~dark` variant exists, and its format links.
  static func figureContexts(_ figures: [FigureFiles]) -> [[String: Any]] {
    figures.map { f in
      func shown(dark: Bool) -> [FigureFile] {
        let pngs = f.files.filter { $0.format == .png && $0.isDark == dark }.sorted { $0.scale < $1.scale }
        if !pngs.isEmpty { return pngs }
        return f.files.first { $0.format == .svg && $0.isDark == dark }.map { [$0] } ?? []
      }
      func srcset(_ files: [FigureFile]) -> String { files.map { "\($0.path) \($0.scale)x" }.joined(separator: ", ") }
      let light = shown(dark: false), dark = shown(dark: true)
      return [
        "id": f.id,
        // Small multiples and side-by-side panels span the grid's full width.
        "wide": f.id == FigureID.steps.rawValue || f.id == FigureID.bound.rawValue || f.id == FigureID.pairs.rawValue,
        "caption": f.caption,
        "alt": f.alt,
        "image": light.first?.path ?? "",
        "hasImage": !light.isEmpty,
        "hasSrcset": light.count > 1,
        "srcset": srcset(light),
        "hasDark": !light.isEmpty && !dark.isEmpty,
        "darkSrcset": srcset(dark),
        "links": f.files.map { ["format": $0.linkText, "href": $0.path] },
      ]
    }
  }

  /// The convergence sentence for the chosen run.
  /// `closedForm`: whether one component was fitted in closed form (not with missing values,
  /// where K = 1 runs EM like any K).
  static func statusText(converged: Bool, _ fit: FitConfig, components: Int, closedForm: Bool? = nil) -> String {
    if closedForm ?? (components == 1) {
      let restarts = fit.restarts > 1 ? " and none of the \(fit.restarts) restarts (they would all end there)" : ""
      return "Closed form: with one component the maximum-likelihood fit is the sample's mean and \(fit.dimension > 1 ? "covariance" : "variance") (plus fit.regularization), which one EM step reaches exactly from any start; so one step ran\(restarts)."
    }
    return converged
      ? "Converged: the mean log-likelihood changed by less than \(Display.number(fit.tolerance, significant: 3)) per point."
      : fit.tolerance > 0
        ? "Did not converge: the epoch limit (\(fit.epochs)) was reached before the change fell below the tolerance \(Display.number(fit.tolerance, significant: 3))."
        : "Ran exactly \(fit.epochs) epochs (tolerance 0: no early stop)."
  }

  /// ", log-transformed" or ", log10-transformed" (the data source sentence's end), or "".
  static func transformText(_ transform: DataTransform?) -> String {
    transform.map { ", \($0.rawValue)-transformed" } ?? ""
  }

  /// " 3 rows with a missing value dropped (lines 3, 5, 7)." or "".
  static func droppedText(_ dropped: [Int]) -> String {
    switch dropped.count {
    case 0: ""
    case 1...8: " \(dropped.count) row\(dropped.count == 1 ? "" : "s") with a missing value dropped (line\(dropped.count == 1 ? "" : "s") \(dropped.map(String.init).joined(separator: ", ")))."
    default: " \(Display.count(dropped.count)) rows with a missing value dropped (lines \(dropped.prefix(5).map(String.init).joined(separator: ", ")), …)."
    }
  }

  /// The most starts the restarts table lists; the rest are summarised in one row.
  static let restartRowLimit = 10

  /// One row per start of the chosen fit, the kept one marked: every start in start order
  /// up to ``restartRowLimit``, beyond that the best ones (sound starts first, then by
  /// final log-likelihood).
  static func restartRows<Model>(_ fit: RestartedRuns<Model>) -> [[String: Any]] {
    let shown = shownRestarts(fit)
    return shown.map { i in
      let run = fit.runs[i]
      return [
        "start": String(i + 1), "logLikelihood": Display.number(run.finalLogLikelihood, decimals: 4),
        "epochs": String(run.epochs.count), "converged": run.converged ? "yes" : "no",
        "collapsed": run.isCollapsed ? "yes" : "–", "chosen": i == fit.chosen,
      ]
    }
  }

  /// The starts the table lists, in the order it lists them.
  static func shownRestarts<Model>(_ fit: RestartedRuns<Model>) -> [Int] {
    guard fit.runs.count > restartRowLimit else { return Array(fit.runs.indices) }
    let ranked = fit.runs.indices.sorted { a, b in
      let (ra, rb) = (fit.runs[a], fit.runs[b])
      if ra.isCollapsed != rb.isCollapsed { return !ra.isCollapsed }
      if ra.finalLogLikelihood != rb.finalLogLikelihood { return ra.finalLogLikelihood > rb.finalLogLikelihood }
      return a < b
    }
    var shown = Array(ranked.prefix(restartRowLimit))
    if !shown.contains(fit.chosen) { shown[shown.count - 1] = fit.chosen }
    return shown
  }

  /// The row summarising the starts the table leaves out, or "" when it lists them all.
  static func restartsMoreText<Model>(_ fit: RestartedRuns<Model>, csv: String) -> String {
    let shown = Set(shownRestarts(fit))
    let rest = fit.runs.indices.filter { !shown.contains($0) }.map { fit.runs[$0] }
    guard let low = rest.map(\.finalLogLikelihood).min(), let high = rest.map(\.finalLogLikelihood).max() else { return "" }
    let collapsed = rest.filter(\.isCollapsed).count
    let collapsedText = collapsed == 0 ? "" : ", \(collapsed) collapsed"
    let range = low == high ? "final log-likelihood \(Display.number(low, decimals: 4))" : "final log-likelihood \(Display.number(low, decimals: 4)) to \(Display.number(high, decimals: 4))"
    return "\(rest.count) more start\(rest.count == 1 ? "" : "s"): \(range)\(collapsedText). Every start of every K is in \(csv) and results.json."
  }

  /// One row per (type, K) fitted, the chosen pair marked.
  static func selectionRows<Model>(_ selection: Selection<Model>) -> [[String: Any]] {
    let criterion = selection.criterion
    let lowest = criterion.value(selection.best.best)
    return selection.fits.enumerated().map { i, f in
      [
        "delta": Display.number(criterion.value(f.best) - lowest, decimals: 2),
        "components": String(f.components), "covariance": f.covarianceType.rawValue,
        "logLikelihood": Display.number(f.best.finalLogLikelihood, decimals: 2),
        "parameters": String(f.best.fitted.freeParameterCount),
        "aic": Display.number(f.best.aic, decimals: 2), "bic": Display.number(f.best.bic, decimals: 2),
        "collapsed": f.best.isCollapsed ? "yes" : "–", "chosen": i == selection.chosen,
      ]
    }
  }

  /// Points per most probable component beside n × weight.
  static func clusterRows(_ sizes: [Int], weights: [Double], n: Int) -> [[String: Any]] {
    sizes.indices.map { j in
      [
        "component": String(j + 1), "count": Display.count(sizes[j]),
        "share": Display.number(Double(sizes[j]) / Double(n), decimals: 4),
        "expected": Display.grouped(Display.number(weights[j] * Double(n), decimals: 1)),
      ]
    }
  }
}
