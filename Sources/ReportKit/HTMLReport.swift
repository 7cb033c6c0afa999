import CairoRendering
import MixtureModels
import Mustache

/// A written figure: its id, caption and the files it was written to.
struct FigureFiles {
  var id: String
  var caption: String
  var alt: String
  /// Paths relative to the report folder, in the config's format order.
  var files: [(format: ImageFormat, path: String)]
}

/// Renders `index.html` from a Mustache template. Every value reaches the template as a
/// string or list; `{{…}}` escapes it for HTML, and the template uses no `{{{…}}}` for
/// anything a user wrote.
enum HTMLReport {
  struct Header {
    var title: String
    var configName: String
    var configSHA256: String
  }

  /// The rendered page.
  static func render(template: MustacheTemplate, header: Header, experiments: [[String: Any]]) -> String {
    let context: [String: Any] = [
      "title": header.title,
      "generatorName": Generator.name,
      "generatorVersion": Generator.version,
      "configName": header.configName,
      "configSHA256": header.configSHA256,
      "experiments": experiments,
      "experimentCount": String(experiments.count),
      "hasSeveral": experiments.count > 1,
    ]
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
    func cells(_ m: GaussianMixture?, _ j: Int) -> [String: Any] {
      guard let m, j < m.componentCount else { return ["weight": "–", "mean": "–", "sd": "–"] }
      return ["weight": Display.number(m.weights[j], decimals: 4), "mean": Display.number(m.means[j], significant: 6), "sd": Display.number(m.sds[j], significant: 6)]
    }
    /// The generating values as the config gave them (`2`, `0.8`), not padded to 6 digits.
    func givenCells(_ m: GaussianMixture?, _ j: Int) -> [String: Any] {
      guard let m, j < m.componentCount else { return cells(nil, j) }
      return ["weight": Display.number(m.weights[j], decimals: 4), "mean": Display.given(m.means[j]), "sd": Display.given(m.sds[j])]
    }
    let rows: [[String: Any]] = (0..<k).map { j in
      ["component": String(j + 1), "true": givenCells(o.trueMixture, j), "initial": cells(em.initial, j), "fitted": cells(fitted, j)]
    }
    let s = o.summary
    let figureContexts = figureContexts(figures)
    let status = statusText(converged: em.converged, o.config.fit)
    let source: String
    switch o.config.data {
    case .generate(let groups):
      let generator = o.config.rng == .numpy ? " by numpy's RandomState (np.random.seed, then np.random.normal per group)" : ""
      source = "Generated with seed \(o.config.seed)\(generator): " + groups.map { "\(Display.count($0.count)) draws from N(\(Display.given($0.mean)), \(Display.given($0.sd))²)" }.joined(separator: ", ") + "."
    case .csv(let path, _, let columns, _, _):
      let column = columns[0]
      let droppedText = droppedText(o.droppedLines)
      source = "Column \(column) of \(path).\(droppedText)"
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
      "dataFiles": dataFiles.map { ["name": $0.0, "href": $0.1] },
    ]
  }

  /// Each figure's id, caption, alt text, shown image (PNG, else SVG) and format links.
  static func figureContexts(_ figures: [FigureFiles]) -> [[String: Any]] {
    figures.map { f in
      let shown = f.files.first { $0.format == .png } ?? f.files.first { $0.format == .svg }
      return [
        "id": f.id,
        "caption": f.caption,
        "alt": f.alt,
        "image": shown?.path ?? "",
        "hasImage": shown != nil,
        "links": f.files.map { ["format": $0.format.rawValue.uppercased(), "href": $0.path] },
      ]
    }
  }

  /// The convergence sentence for the chosen run.
  static func statusText(converged: Bool, _ fit: FitConfig) -> String {
    converged
      ? "Converged: the mean log-likelihood changed by less than \(Display.number(fit.tolerance, significant: 3)) per point."
      : fit.tolerance > 0
        ? "Did not converge: the epoch limit (\(fit.epochs)) was reached before the change fell below the tolerance \(Display.number(fit.tolerance, significant: 3))."
        : "Ran exactly \(fit.epochs) epochs (tolerance 0: no early stop)."
  }

  /// " 3 rows with a missing value dropped (lines 3, 5, 7)." or "".
  static func droppedText(_ dropped: [Int]) -> String {
    switch dropped.count {
    case 0: ""
    case 1...8: " \(dropped.count) row\(dropped.count == 1 ? "" : "s") with a missing value dropped (line\(dropped.count == 1 ? "" : "s") \(dropped.map(String.init).joined(separator: ", ")))."
    default: " \(Display.count(dropped.count)) rows with a missing value dropped (lines \(dropped.prefix(5).map(String.init).joined(separator: ", ")), …)."
    }
  }

  /// One row per start of the chosen fit, the kept one marked.
  static func restartRows<Model>(_ fit: RestartedRuns<Model>) -> [[String: Any]] {
    fit.runs.enumerated().map { i, run in
      [
        "start": String(i + 1), "logLikelihood": Display.number(run.finalLogLikelihood, decimals: 4),
        "epochs": String(run.epochs.count), "converged": run.converged ? "yes" : "no",
        "collapsed": run.isCollapsed ? "yes" : "–", "chosen": i == fit.chosen,
      ]
    }
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
