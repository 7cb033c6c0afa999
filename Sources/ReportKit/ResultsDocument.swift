import MixtureModels

/// The generator's name and version, written into every output.
public enum Generator {
  public static let name = "generate-report"
  public static let version = "0.3.0"
}

/// The machine-readable outputs: `results.json` and the per-experiment CSVs.
enum ResultsDocument {
  /// `results.json` with the key names the README documents.
  /// - Parameter files: The manifest: every file of the report, relative to its folder. A
  ///   later run replaces the folder only when it holds nothing else.
  ///   - inputs: What the report is made from (``Provenance/json``).
  ///   - hashes: Every other file's SHA-256, by path.
  static func json(
    title: String, experiments: [JSONOutput], files: [String], inputs: JSONOutput, hashes: [String: String], sizes: [String: Int]
  ) throws(ReportError) -> String {
    let document = JSONOutput.object([
      ("title", .string(title)),
      ("generator", JSONOutput.object([("name", .string(Generator.name)), ("version", .string(Generator.version))])),
      (ReportFolder.manifestKey, .array(files.map(JSONOutput.string))),
      ("inputs", inputs),
      ("fileHashes", .object(hashes.keys.sorted().map { ($0, JSONOutput.string(hashes[$0] ?? "")) })),
      ("fileSizes", .object(sizes.keys.sorted().map { ($0, JSONOutput.int(sizes[$0] ?? 0)) })),
      ("experiments", .array(experiments)),
    ])
    do {
      return try JSONWriter.write(document)
    } catch {
      throw .internal("results.json: \(error)")
    }
  }

  /// A one-dimensional experiment's entry.
  static func experiment(_ o: ExperimentOutcome, figures files: [FigureFiles]) -> JSONOutput {
      let em = o.em
      let fit = o.chosenFit
      var members: [(String, JSONOutput)] = [
        ("name", .string(o.config.name)),
        ("seed", .int(Int(o.config.seed))),
        ("n", .int(o.data.count)),
      ]
      if o.config.rng != .xoshiro { members.append(("rng", .string(o.config.rng.rawValue))) }
      if case .csv = o.config.data { members.append(("droppedRows", .int(o.droppedLines.count))) }
      if let transform = o.config.transform { members.append(("transform", .string(transform.rawValue))) }
      members += [
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
            ("logLikelihood", .number(f.best.finalLogLikelihood)),
            ("aic", .number(f.best.aic)), ("bic", .number(f.best.bic)), ("collapsed", .bool(f.best.isCollapsed)),
            ("chosenStart", .int(f.chosen + 1)), ("starts", startsJSON(f)),
          ])
        })),
        ("chosen", .int(fit.components)),
        (
          "kde",
          JSONOutput.object([
            ("rule", .string(o.kde.rule.name)),
            ("bandwidth", .number(o.kde.bandwidth)),
            ("gridMin", .number(o.grid.first ?? 0)),
            ("gridMax", .number(o.grid.last ?? 0)),
            ("gridSize", .int(o.grid.count)),
            ("method", .string(o.gridDensity.method.rawValue)),
            ("errorBound", .number(o.gridDensity.errorBound)),
            ("bins", .int(o.gridDensity.binCount)),
          ])
        ),
        ("figures", figureMap(files)),
      ]
      return JSONOutput.object(members)
  }

  static func figureMap(_ files: [FigureFiles]) -> JSONOutput {
    JSONOutput.object(files.map { ($0.id, JSONOutput.array($0.files.map { .string($0.path) })) })
  }

  /// Every start of one (K, type), in start order.
  static func startsJSON<Model>(_ f: RestartedRuns<Model>) -> JSONOutput {
    .array(f.runs.enumerated().map { i, run in restartRow(i + 1, run) })
  }

  /// `components,covariance,start,log_likelihood,epochs,converged,collapsed,kept`: every
  /// start of every (K, type) fitted, in fitting order.
  static func restartsCSV<Model>(_ s: Selection<Model>) -> String {
    var lines = ["components,covariance,start,log_likelihood,epochs,converged,collapsed,kept"]
    for f in s.fits {
      for (i, run) in f.runs.enumerated() {
        lines.append(
          [
            String(f.components), f.covarianceType.rawValue, String(i + 1), Display.exact(run.finalLogLikelihood), String(run.epochs.count),
            run.converged ? "true" : "false", run.isCollapsed ? "true" : "false", i == f.chosen ? "true" : "false",
          ].joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Starts that collapsed, and all starts run, over every (K, type).
  static func startCounts<Model>(_ s: Selection<Model>) -> (collapsed: Int, run: Int) {
    (s.fits.reduce(0) { $0 + $1.runs.filter(\.isCollapsed).count }, s.fits.reduce(0) { $0 + $1.runs.count })
  }

  /// Whether any (K, type) ran several starts (and so the restarts CSV is written).
  static func hasRestarts<Model>(_ s: Selection<Model>) -> Bool { s.fits.contains { $0.runs.count > 1 } }

  static func restartRow<Model>(_ start: Int, _ run: EMRun<Model>) -> JSONOutput {
    JSONOutput.object([
      ("start", .int(start)), ("logLikelihood", .number(run.finalLogLikelihood)), ("epochs", .int(run.epochs.count)),
      ("converged", .bool(run.converged)), ("collapsed", .bool(run.isCollapsed)),
    ])
  }

  static func mixture(_ m: GaussianMixture) -> JSONOutput {
    JSONOutput.object([("weights", numbers(m.weights)), ("means", numbers(m.means)), ("sds", numbers(m.sds))])
  }

  static func numbers(_ values: [Double]) -> JSONOutput { .array(values.map(JSONOutput.number)) }

  /// `x[,group],assignment,responsibility_1…K`, one row per data point in data order;
  /// `assignment` is the most probable component (1-based).
  static func samplesCSV(_ o: ExperimentOutcome) -> String {
    let k = o.em.fitted.componentCount
    var header = ["x"]
    if o.groupRanges != nil { header.append("group") }
    header.append("assignment")
    header += (1...k).map { "responsibility_\($0)" }
    // One string grown row by row: no array of n row strings.
    var text = header.joined(separator: ",") + "\n"
    text.reserveCapacity(o.data.count * (24 * (k + 1) + 8))
    let fitted = o.em.fitted
    var group = 0
    for (i, x) in o.data.enumerated() {
      text += Display.exact(x)
      if let ranges = o.groupRanges {
        while !ranges[group].contains(i) { group += 1 }
        text += "," + String(group + 1)
      }
      text += "," + String(o.assignments[i] + 1)
      for r in fitted.responsibilities(at: x) { text += "," + Display.exact(r) }
      text += "\n"
    }
    return text
  }

  /// `epoch,log_likelihood,weight_k…,mean_k…,sd_k…`; epoch 0 is the start.
  static func traceCSV(_ o: ExperimentOutcome) -> String {
    let k = o.em.initial.componentCount
    let header =
      ["epoch", "log_likelihood"] + (1...k).map { "weight_\($0)" } + (1...k).map { "mean_\($0)" } + (1...k).map { "sd_\($0)" }
    var lines = [header.joined(separator: ",")]
    func row(_ epoch: Int, _ ll: Double, _ m: GaussianMixture) -> String {
      ([String(epoch), Display.exact(ll)] + (m.weights + m.means + m.sds).map(Display.exact)).joined(separator: ",")
    }
    lines.append(row(0, o.em.initialLogLikelihood, o.em.initial))
    for e in o.em.epochs { lines.append(row(e.epoch, e.logLikelihood, e.mixture)) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `x,kde,mixture,component_k…` on the KDE grid.
  static func curvesCSV(_ o: ExperimentOutcome) -> String {
    let m = o.em.fitted
    let k = m.componentCount
    var lines = [(["x", "kde", "mixture"] + (1...k).map { "component_\($0)" }).joined(separator: ",")]
    for (x, kde) in zip(o.grid, o.gridDensity.values) {
      lines.append(([x, kde, m.density(at: x)] + (0..<k).map { m.componentDensity($0, at: x) }).map(Display.exact).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
