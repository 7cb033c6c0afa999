import MixtureModels

/// The generator's name and version, written into every output.
public enum Generator {
  public static let name = "generate-report"
  public static let version = "0.1.0"
}

/// The machine-readable outputs: `results.json` and the per-experiment CSVs.
enum ResultsDocument {
  /// `results.json` with the key names the README documents.
  static func json(title: String, outcomes: [ExperimentOutcome], figures: [[FigureFiles]]) throws(ReportError) -> String {
    let experiments: [JSONOutput] = zip(outcomes, figures).map { o, files in
      let em = o.em
      return JSONOutput.object([
        ("name", .string(o.config.name)),
        ("seed", .int(Int(o.config.seed))),
        ("n", .int(o.data.count)),
        ("init", mixture(em.initial)),
        ("fit", mixture(em.fitted)),
        ("logLikelihood", JSONOutput.object([("initial", .number(em.initialLogLikelihood)), ("epochs", numbers(em.epochs.map(\.logLikelihood)))])),
        ("epochsRun", .int(em.epochs.count)),
        ("converged", .bool(em.converged)),
        ("aic", .number(em.aic)),
        ("bic", .number(em.bic)),
        (
          "kde",
          JSONOutput.object([
            ("rule", .string(o.kde.rule.name)),
            ("bandwidth", .number(o.kde.bandwidth)),
            ("gridMin", .number(o.grid.first ?? 0)),
            ("gridMax", .number(o.grid.last ?? 0)),
            ("gridSize", .int(o.grid.count)),
          ])
        ),
        ("figures", JSONOutput.object(files.map { ($0.id, JSONOutput.array($0.files.map { .string($0.path) })) })),
      ])
    }
    let document = JSONOutput.object([
      ("title", .string(title)),
      ("generator", JSONOutput.object([("name", .string(Generator.name)), ("version", .string(Generator.version))])),
      ("experiments", .array(experiments)),
    ])
    do {
      return try JSONWriter.write(document)
    } catch {
      throw .internal("results.json: \(error)")
    }
  }

  static func mixture(_ m: GaussianMixture) -> JSONOutput {
    JSONOutput.object([("weights", numbers(m.weights)), ("means", numbers(m.means)), ("sds", numbers(m.sds))])
  }

  static func numbers(_ values: [Double]) -> JSONOutput { .array(values.map(JSONOutput.number)) }

  /// `x[,group],responsibility_1…K`, one row per data point in data order.
  static func samplesCSV(_ o: ExperimentOutcome) -> String {
    let k = o.em.fitted.componentCount
    var header = ["x"]
    if o.groupLabels != nil { header.append("group") }
    header += (1...k).map { "responsibility_\($0)" }
    var lines = [header.joined(separator: ",")]
    lines.reserveCapacity(o.data.count + 1)
    for (i, x) in o.data.enumerated() {
      var row = [Display.exact(x)]
      if let labels = o.groupLabels { row.append(String(labels[i])) }
      row += o.responsibilities[i].map(Display.exact)
      lines.append(row.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
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
    for (x, kde) in zip(o.grid, o.gridDensity) {
      lines.append(([x, kde, m.density(at: x)] + (0..<k).map { m.componentDensity($0, at: x) }).map(Display.exact).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
