import MixtureModels

extension HTMLReport {
  /// The template's values for a d-dimensional experiment: the same keys as one
  /// dimension's where the meaning is the same, and `multivariate` ones for the tables
  /// that differ (per-column summaries, per-component means, standard deviations and
  /// correlations, the kernel's covariance).
  static func experimentContext(_ o: MultivariateOutcome, figures: [FigureFiles], dataFiles: [(String, String)]) -> [String: Any] {
    let em = o.em
    let fitted = em.fitted
    let k = fitted.componentCount
    let d = o.sample.dimension
    let n = o.sample.count
    let labels = o.labels
    let source: String
    let transformed = transformText(o.config.transform)
    switch o.config.data {
    case .generate(let groups):
      let draws = groups.map { "\(Display.count($0.count)) draws from N(μ = (\($0.means.map { Display.given($0) }.joined(separator: ", "))), Σ)" }.joined(separator: ", ")
      // With a transform there is no generating mixture in the parameters table to point to.
      source = "Generated with seed \(o.config.seed): \(draws)\(transformed.isEmpty ? " (covariances in the parameters table)" : transformed)."
    case .csv(let path, _, let columns, _, _):
      let droppedText = droppedText(o.droppedLines)
      source = "Columns \(columns.map(\.description).joined(separator: ", ")) of \(path)\(transformed).\(droppedText)"
    }
    // Each table column in one format (Display.column).
    let sm = o.summaries
    let (means, sds, mins, maxs) = (
      Display.column(sm.map(\.mean)), Display.column(sm.map(\.sd)), Display.column(sm.map(\.min)), Display.column(sm.map(\.max))
    )
    let summaries: [[String: Any]] = sm.enumerated().map { j, s in
      ["label": labels[j], "n": Display.count(s.count), "mean": means[j], "sd": sds[j], "min": mins[j], "max": maxs[j]]
    }
    func parameters(_ m: MultivariateMixture?, _ j: Int) -> (weight: String, means: [String], sds: [String], correlations: [[String]]) {
      guard let m, j < m.componentCount else {
        return ("–", Array(repeating: "–", count: d), Array(repeating: "–", count: d), Array(repeating: Array(repeating: "–", count: d), count: d))
      }
      let (sds, r) = m.standardDeviationsAndCorrelations(j)
      let mean = m.mean(j)
      return (
        Display.number(m.weights[j], decimals: 4), Display.column(mean), Display.column(sds),
        (0..<d).map { a in (0..<d).map { b in Display.number(a == b ? 1 : r[a * d + b], decimals: 3) } }
      )
    }
    let truth = o.trueMixture
    // Fitted components are ordered by their starts, not by the groups: each is shown
    // beside the generating group it matches (the pairing with the least total distance
    // between means, in units of the data's sds).
    let match = truth.map { matchGroups($0, fitted, scales: o.summaries.map(\.sd)) } ?? []
    let componentTables: [[String: Any]] = (0..<k).map { j in
      let g = j < match.count ? match[j] : j
      let t = parameters(truth, g), i = parameters(em.initial, j), f = parameters(fitted, j)
      let rows: [[String: Any]] = (0..<d).map { a in
        let correlations: [[String: Any]] = f.correlations[a].map { ["value": $0] }
        let trueCorrelations: [[String: Any]] = t.correlations[a].map { ["value": $0] }
        var row: [String: Any] = ["label": labels[a], "trueMean": t.means[a], "trueSD": t.sds[a]]
        row["initialMean"] = i.means[a]
        row["initialSD"] = i.sds[a]
        row["mean"] = f.means[a]
        row["sd"] = f.sds[a]
        row["correlations"] = correlations
        row["trueCorrelations"] = trueCorrelations
        return row
      }
      return [
        "component": String(j + 1), "weight": f.weight, "trueWeight": t.weight, "initialWeight": i.weight, "rows": rows,
        "trueGroup": truth != nil && g < (truth?.componentCount ?? 0) ? "group \(g + 1), " : "",
      ]
    }
    let figureContexts = figureContexts(figures)
    let settings = o.config.fit
    let status = statusText(converged: em.converged, settings, components: k, closedForm: k == 1 && (o.missing?.fittedAsComplete ?? true))
    let fit = o.chosenFit
    let criterion = o.selection.criterion
    let restartRows = restartRows(fit)
    let selectionRows = selectionRows(o.selection)
    let clusterRows = clusterRows(o.clusterSizes, weights: fitted.weights, n: n)
    let types = settings.covarianceTypes.map(\.rawValue).joined(separator: ", ")
    let kdeColumns = o.kde.map { estimate in (0..<d).map { b in Display.column((0..<d).map { estimate.covariance[$0 * d + b] }, significant: 4) } } ?? []
    let kdeCovariance: [[String: Any]] = kdeColumns.isEmpty ? [] : (0..<d).map { a in
      ["label": labels[a], "values": (0..<d).map { ["value": kdeColumns[$0][a]] }]
    }
    let kdeMethod: String
    let estimated = o.missing.map(\.completeRows) ?? n
    if o.kde == nil || (d == 2 && o.grid == nil) {
      kdeMethod = "None (see the warning)"
    } else if let g = o.grid {
      kdeMethod =
        g.method == .binned
        ? "Binned on a \(g.x.count) × \(g.y.count) grid (bilinear binning; every value within \(Display.number(g.errorBound, significant: 2)) of the exact estimate)"
        : "Exact on a \(g.x.count) × \(g.y.count) grid (\(Display.count(estimated)) × \(Display.count(g.x.count * g.y.count)) kernel evaluations\(o.missing == nil ? "" : ", the complete rows"))"
    } else {
      kdeMethod = "Marginal estimates on the pair grid's diagonal (Scott's rule per column)"
    }
    var context: [String: Any] = [
      "name": o.config.name,
      "anchor": safeFileName(o.config.name),
      "description": o.config.description,
      "hasDescription": !o.config.description.isEmpty,
      "multivariate": true,
      "dimension": String(d),
      "labels": labels.map { ["label": $0] },
      "source": source,
      "columnSummaries": summaries,
      "hasTrue": truth != nil,
      "componentTables": componentTables,
      "covarianceType": fit.covarianceType.rawValue,
      "covarianceTypes": types,
      "severalTypes": settings.covarianceTypes.count > 1,
      "initName": settings.initialization.name + (fit.runs.count > 1 ? ", start \(fit.chosen + 1)" : ""),
      "warnings": o.warnings,
      "hasWarnings": !o.warnings.isEmpty,
      "restarts": restartRows,
      "restartsMore": restartsMoreText(fit, csv: "data/\(safeFileName(o.config.name))-restarts.csv"),
      "hasRestartsMore": fit.runs.count > restartRowLimit,
      "restartsOrder": fit.runs.count > restartRowLimit ? "The \(restartRowLimit) best starts, sound ones first, by final log-likelihood." : "",
      "restartsText": fit.runs.count == 1 ? "one start" : "\(fit.runs.count) starts",
      "hasRestarts": fit.runs.count > 1,
      "restartsForK": settings.selects ? " for K = \(fit.components) (\(fit.covarianceType.rawValue))" : "",
      "selection": selectionRows,
      "hasSelection": settings.selects,
      "selectionText": selectionText(settings, chosen: fit, criterion: criterion),
      "criterion": criterion.rawValue.uppercased(),
      "clusters": clusterRows,
      "components": String(k),
      "epochsRun": String(em.epochs.count),
      "maxEpochs": String(settings.epochs),
      "converged": em.converged,
      "status": status,
      "initialLogLikelihood": Display.number(em.initialLogLikelihood, decimals: 4),
      "firstLogLikelihood": Display.number(em.epochs.first?.logLikelihood ?? em.initialLogLikelihood, decimals: 4),
      "finalLogLikelihood": Display.number(em.finalLogLikelihood, decimals: 4),
      "aic": Display.number(em.aic, decimals: 2),
      "bic": Display.number(em.bic, decimals: 2),
      "parameters": String(fitted.freeParameterCount),
      "kdeRule": o.kde.map { "Gaussian kernel, \(MultivariateFigures.ruleName($0.rule))\(o.config.kde.adjust == 1 ? "" : " × \(Display.given(o.config.kde.adjust))")" } ?? "–",
      "kdeFactor": o.kde.map { Display.number($0.factor, significant: 6) } ?? "–",
      "kdeCovariance": kdeCovariance,
      "hasKernelCovariance": !kdeCovariance.isEmpty,
      "kdeMethod": kdeMethod,
      "samplesNote": o.config.writesSamples(n: n)
        ? ""
        : "The per-sample CSV is not written for more than \(Display.count(ExperimentConfig.samplesLimit)) points; set \"writeSamples\": true in the experiment to write its \(Display.count(n)) rows.",
      "figures": zip(figures, figureContexts).filter { $0.0.id != "selection" }.map(\.1),
      "selectionFigure": zip(figures, figureContexts).filter { $0.0.id == "selection" }.map(\.1),
      "dataFiles": dataFiles.map { ["name": $0.0, "href": $0.1, "path": $0.1] },
    ]
    if let missing = o.missing { context["missing"] = MissingReport.context(o, missing) }
    return context
  }

  /// For each fitted component, the generating group it is shown beside: the one-to-one
  /// pairing (by permutations up to 7 components, greedily beyond) that minimises the
  /// summed distance between means, each coordinate in units of `scales`; components
  /// beyond the groups' number get indices past them (shown as "–").
  static func matchGroups(_ truth: MultivariateMixture, _ fitted: MultivariateMixture, scales: [Double]) -> [Int] {
    let k = fitted.componentCount, g = truth.componentCount
    func distance(_ a: Int, _ b: Int) -> Double {
      let x = fitted.mean(a), y = truth.mean(b)
      var s = 0.0
      for j in 0..<x.count { s += ((x[j] - y[j]) / Swift.max(scales[j], 1e-300)) * ((x[j] - y[j]) / Swift.max(scales[j], 1e-300)) }
      return s.squareRoot()
    }
    let slots = Swift.max(k, g)
    if slots <= 7 {
      var best: [Int] = Array(0..<slots), bestCost = Double.infinity
      var perm = Array(0..<slots)
      func cost(_ p: [Int]) -> Double { (0..<k).reduce(0) { $0 + (p[$1] < g ? distance($1, p[$1]) : 0) } }
      func search(_ i: Int) {
        if i == slots {
          let c = cost(perm)
          if c < bestCost { bestCost = c; best = perm }
          return
        }
        for j in i..<slots {
          perm.swapAt(i, j)
          search(i + 1)
          perm.swapAt(i, j)
        }
      }
      search(0)
      return Array(best.prefix(k))
    }
    var used = Set<Int>()
    var next = g
    return (0..<k).map { a in
      let candidates = (0..<g).filter { !used.contains($0) }
      guard let b = candidates.min(by: { distance(a, $0) < distance(a, $1) }) else {
        next += 1
        return next - 1
      }
      used.insert(b)
      return b
    }
  }

  /// "K from 1 to 6 × covariance types full, tied, diag, spherical, each fitted from 10 starts; the BIC (lower is better) chooses K = 2 with full covariances."
  static func selectionText<Model>(_ settings: FitConfig, chosen: RestartedRuns<Model>, criterion: InformationCriterion) -> String {
    let range = settings.selectsComponents ? "K from \(settings.components.lowerBound) to \(settings.components.upperBound)" : "K = \(settings.components.lowerBound)"
    let types = settings.covarianceTypes.count > 1 ? " × covariance types \(settings.covarianceTypes.map(\.rawValue).joined(separator: ", "))" : ""
    let starts = settings.restarts == 1 ? "one start" : "\(settings.restarts) starts"
    let choice = settings.covarianceTypes.count > 1 ? "K = \(chosen.components) with \(chosen.covarianceType.rawValue) covariances" : "K = \(chosen.components)"
    return "\(range)\(types), each fitted from \(starts); the \(criterion.rawValue.uppercased()) (lower is better) chooses \(choice). The rest of this section describes that fit."
  }
}
