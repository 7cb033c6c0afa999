import MixtureModels

/// `results.json` entries and CSVs of d-dimensional experiments.
extension ResultsDocument {
  static func experiment(_ o: MultivariateOutcome, figures files: [FigureFiles]) -> JSONOutput {
    let em = o.em
    let fit = o.chosenFit
    var members: [(String, JSONOutput)] = [
      ("name", .string(o.config.name)),
      ("seed", .int(Int(o.config.seed))),
      ("n", .int(o.sample.count)),
    ]
    if case .csv = o.config.data { members.append(("droppedRows", .int(o.droppedLines.count))) }
    if let transform = o.config.transform { members.append(("transform", .string(transform.rawValue))) }
    members += [
      ("dimension", .int(o.sample.dimension)),
      ("columns", .array(o.labels.map(JSONOutput.string))),
      ("warnings", .array(o.warnings.map(JSONOutput.string))),
      ("components", .int(fit.components)),
      ("covarianceType", .string(fit.covarianceType.rawValue)),
      ("initMethod", .string(o.config.fit.initialization.name)),
      ("init", mixture(em.initial)),
      ("fit", mixture(em.fitted)),
      ("clusterSizes", .array(o.clusterSizes.map(JSONOutput.int))),
      ("logLikelihood", JSONOutput.object([("initial", .number(em.initialLogLikelihood)), ("epochs", numbers(em.epochs.map(\.logLikelihood)))])),
      ("epochsRun", .int(em.epochs.count)),
      ("converged", .bool(em.converged)),
      ("parameters", .int(em.fitted.freeParameterCount)),
      ("aic", .number(em.aic)),
      ("bic", .number(em.bic)),
      ("collapsed", .array(em.collapses.map { c in
        JSONOutput.object([("component", .int(c.component + 1)), ("epoch", .int(c.epoch)), ("reason", .string(c.reason.name))])
      })),
      ("restarts", .array(fit.runs.enumerated().map { i, run in restartRow(i + 1, run) })),
      ("chosenRestart", .int(fit.chosen + 1)),
      ("criterion", .string(o.selection.criterion.rawValue)),
      ("selection", .array(o.selection.fits.map { f in
        JSONOutput.object([
          ("components", .int(f.components)), ("covariance", .string(f.covarianceType.rawValue)),
          ("parameters", .int(f.best.fitted.freeParameterCount)),
          ("logLikelihood", .number(f.best.finalLogLikelihood)),
          ("aic", .number(f.best.aic)), ("bic", .number(f.best.bic)), ("collapsed", .bool(f.best.isCollapsed)),
          ("chosenStart", .int(f.chosen + 1)), ("starts", startsJSON(f)),
        ])
      })),
      ("chosen", .int(fit.components)),
    ]
    var kde: [(String, JSONOutput)] =
      o.kde.map { estimate in
        [
          ("rule", .string(estimate.rule.name)),
          ("factor", .number(estimate.factor)),
          ("covariance", matrix(estimate.covariance, o.sample.dimension)),
        ]
      } ?? []
    if let g = o.grid {
      kde += [
        ("gridX", JSONOutput.object([("min", .number(g.x.first ?? 0)), ("max", .number(g.x.last ?? 0)), ("size", .int(g.x.count))])),
        ("gridY", JSONOutput.object([("min", .number(g.y.first ?? 0)), ("max", .number(g.y.last ?? 0)), ("size", .int(g.y.count))])),
        ("method", .string(g.method.rawValue)),
        ("errorBound", .number(g.errorBound)),
      ]
    }
    members.append(("kde", JSONOutput.object(kde)))
    if let missing = o.missing { members.append(("missing", MissingReport.json(o, missing))) }
    members.append(("figures", figureMap(files)))
    return JSONOutput.object(members)
  }

  /// A `d × d` matrix as `d` arrays.
  static func matrix(_ m: [Double], _ d: Int) -> JSONOutput {
    .array((0..<d).map { i in numbers(Array(m[(i * d)..<((i + 1) * d)])) })
  }

  /// Weights, means (K arrays of d) and covariances in scikit-learn's shape for the type.
  static func mixture(_ m: MultivariateMixture) -> JSONOutput {
    let covariances: JSONOutput
    switch m.covarianceParameters {
    case .full(let c): covariances = .array(c.map { .array($0.map(numbers)) })
    case .tied(let c): covariances = .array(c.map(numbers))
    case .diag(let c): covariances = .array(c.map(numbers))
    case .spherical(let c): covariances = numbers(c)
    }
    return JSONOutput.object([
      ("weights", numbers(m.weights)), ("means", .array(m.means.map(numbers))), ("covariances", covariances),
    ])
  }

  /// A CSV header cell: quoted when it holds a comma, quote or line break.
  static func csvCell(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// One column per coordinate (headed by the labels), `[group,]assignment,uncertainty,responsibility_1…K`.
  /// With missing values, first `row` (1-based among all data rows, as in the imputed CSV),
  /// a missing cell empty (its conditional mean is in `-imputed.csv`), and the
  /// responsibilities from the row's observed cells.
  static func samplesCSV(_ o: MultivariateOutcome) -> String {
    let m = o.em.fitted
    let k = m.componentCount, d = o.sample.dimension, n = o.sample.count
    var header = (o.missing == nil ? [] : ["row"]) + o.labels.map(csvCell)
    if o.groupLabels != nil { header.append("group") }
    header += ["assignment", "uncertainty"] + (1...k).map { "responsibility_\($0)" }
    var text = header.joined(separator: ",") + "\n"
    text.reserveCapacity(n * (24 * (d + k + 1) + 8))
    var x = [Double](repeating: 0, count: d)
    for i in 0..<n {
      for j in 0..<d { x[j] = o.sample.values[j * n + i] }
      if let missing = o.missing {
        text += String((missing.keptRows.indices.contains(i) ? missing.keptRows[i] : i) + 1) + ","
        text += (0..<d).map { missing.isImputed(row: i, coordinate: $0, dimension: d) ? "" : Display.exact(x[$0]) }.joined(separator: ",")
      } else {
        text += x.map(Display.exact).joined(separator: ",")
      }
      if let groups = o.groupLabels { text += "," + String(groups[i] + 1) }
      let r = o.responsibilities(row: i)
      text += "," + String(o.assignments[i] + 1) + "," + Display.exact(Swift.max(0, 1 - (r.max() ?? 1)))
      for value in r { text += "," + Display.exact(value) }
      text += "\n"
    }
    return text
  }

  /// One row per (epoch, component): `epoch,log_likelihood,component,weight,mean_j…,cov_i_j…`
  /// (the covariance's upper triangle); epoch 0 is the start.
  static func traceCSV(_ o: MultivariateOutcome) -> String {
    let d = o.sample.dimension
    let pairs = (0..<d).flatMap { i in (i..<d).map { (i, $0) } }
    let header = ["epoch", "log_likelihood", "component", "weight"] + (1...d).map { "mean_\($0)" } + pairs.map { "cov_\($0.0 + 1)_\($0.1 + 1)" }
    var lines = [header.joined(separator: ",")]
    func rows(_ epoch: Int, _ ll: Double, _ m: MultivariateMixture) {
      for k in 0..<m.componentCount {
        let c = m.covariance(k)
        let cells = [String(epoch), Display.exact(ll), String(k + 1), Display.exact(m.weights[k])] + m.mean(k).map(Display.exact)
          + pairs.map { Display.exact(c[$0.0 * d + $0.1]) }
        lines.append(cells.joined(separator: ","))
      }
    }
    rows(0, o.em.initialLogLikelihood, o.em.initial)
    for e in o.em.epochs { rows(e.epoch, e.logLikelihood, e.mixture) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `x,y,kde,mixture` on the 2-D grid (x the first column), x varying fastest.
  static func gridCSV(_ o: MultivariateOutcome) -> String? {
    guard let g = o.grid else { return nil }
    var lines = ["x,y,kde,mixture"]
    for (iy, y) in g.y.enumerated() {
      for (ix, x) in g.x.enumerated() {
        let t = iy * g.x.count + ix
        lines.append([x, y, g.values[t], o.mixtureGrid[t]].map(Display.exact).joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
