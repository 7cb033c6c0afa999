import CairoRendering
import Foundation
import MixtureModels
import Mustache
import Plotting

/// What the command asks of a run.
public struct ReportOptions: Sendable {
  /// The experiment file.
  public var configPath: String
  /// The report folder; default `output/<config file name without extension>`.
  public var outputFolder: String?
  /// Formats overriding the config's `formats`.
  public var formats: [ImageFormat]?
  /// A Mustache template overriding the built-in one (`templates/report.html`).
  public var templatePath: String?
  /// The pages to write, overriding the config's `report` (`--report`).
  public var pages: [ReportPage]?
  /// Inline every file into `index.html`, overriding the config's `embed` (`--embed`).
  public var embed: Bool?
  /// Recompute even when the output folder is up to date (`--force`).
  public var force = false
  /// Only say whether the output folder is up to date (`--check`); write nothing.
  public var checkOnly = false
  /// The PDF creation date, seconds since 1970 (`SOURCE_DATE_EPOCH`); a fixed date when nil.
  public var sourceDateEpoch: Int?
  /// Told where each fit is while it runs (the command line's progress line); `nil`: nothing.
  public var fitProgress: (@Sendable (FitProgress) -> Void)?
  /// The threads laying out and rendering figure files; nil: one per processor. The bytes
  /// are the same for any number.
  public var renderThreads: Int?
  /// Told the threads each batch of figures is laid out on (tests check that
  /// ``renderThreads`` bounds them); not on the command line.
  var layoutThreads: (@Sendable (Int) -> Void)?
  /// Told the whole context `index.html` is rendered from, just before it is (tests compare
  /// its keys with the README's "Template variables"); not on the command line.
  var templateContext: (@Sendable ([String: Any]) -> Void)?

  public init(
    configPath: String, outputFolder: String? = nil, formats: [ImageFormat]? = nil, templatePath: String? = nil,
    sourceDateEpoch: Int? = nil
  ) {
    self.configPath = configPath
    self.outputFolder = outputFolder
    self.formats = formats
    self.templatePath = templatePath
    self.sourceDateEpoch = sourceDateEpoch
  }
}

/// One finished experiment, for the command's progress line.
public struct ExperimentLine: Sendable {
  public var name: String
  /// The fitted (chosen) number of components.
  public var components: Int
  /// The chosen covariance type, shown when it was chosen or the data has several columns.
  public var covarianceType: CovarianceType?
  /// "BIC from 1 to 6" when K was chosen from a range.
  public var choice: String?
  /// EM starts per K.
  public var restarts: Int
  public var epochsRun: Int
  public var converged: Bool
  /// Whether the run stopped at the epoch limit although a tolerance was set.
  public var didNotConverge: Bool
  public var finalLogLikelihood: Double
  /// CSV rows dropped for a missing value.
  public var droppedRows: Int
  /// Starts (over every K and type) that ended with a collapsed component, of all starts run.
  public var collapsedStarts = 0
  public var startsRun = 0
  /// The experiment's warnings, as in the report.
  public var warnings: [String]
  /// Wall time of the experiment's computation and rendering.
  public var seconds: Double

  /// `galaxies: K = 3 (BIC from 1 to 6), 10 starts, 23 epochs (converged), log-likelihood −780.1234, 0.31 s`.
  public var description: String {
    var parts = ["K = \(components)\(covarianceType.map { " \($0.rawValue)" } ?? "")\(choice.map { " (\($0))" } ?? "")"]
    if restarts > 1 { parts.append("\(restarts) starts") }
    let status = converged ? " (converged)" : didNotConverge ? " (did not converge)" : ""
    parts.append("\(epochsRun) epoch\(epochsRun == 1 ? "" : "s")\(status)")
    parts.append("log-likelihood \(Display.number(finalLogLikelihood, decimals: 4))")
    if collapsedStarts > 0 { parts.append("\(collapsedStarts) of \(startsRun) starts collapsed") }
    if droppedRows > 0 { parts.append("\(droppedRows) row\(droppedRows == 1 ? "" : "s") with missing values dropped") }
    if !warnings.isEmpty { parts.append("\(warnings.count) warning\(warnings.count == 1 ? "" : "s")") }
    parts.append(String(format: "%.2f s", seconds))
    return Echo.oneLine("\(name): " + parts.joined(separator: ", "))
  }

  /// `name: warning` for each warning, each on one line (a name may hold any character).
  public var warningLines: [String] { warnings.map { Echo.oneLine("\(name): \($0)") } }
}

/// The result of a successful run.
public struct ReportSummary: Sendable {
  public var outputFolder: String
  /// `outputFolder/index.html`.
  public var indexPath: String
  public var experiments: [ExperimentLine]
  /// Whether the folder was already what the inputs produce (nothing was rewritten), or
  /// with `checkOnly`, whether it is.
  public var upToDate = false
  /// With `checkOnly`, why the folder is stale (empty when up to date).
  public var staleReasons: [String] = []
}

/// Runs an experiment file end to end: decode, fit, render, write the report atomically.
public enum ReportGenerator {

  /// Produces the report.
  /// - Parameters:
  ///   - options: The config path and overrides.
  ///   - progress: Called after each experiment.
  ///   - waiting: Called once, with a sentence to show, when another run holds the output
  ///     folder's lock and this one waits for it.
  /// - Returns: Where the report is.
  /// - Throws: ``ReportError``; on any error the previous report is left as it was.
  public static func run(
    _ options: ReportOptions, progress: (ExperimentLine) -> Void = { _ in }, waiting: (String) -> Void = { _ in }
  ) throws(ReportError) -> ReportSummary {
    let files = FileAccess()
    let configFile = options.configPath
    let (decoded, configBytes) = try load(configFile)
    var config = decoded
    if let formats = options.formats { config.formats = formats }
    if let pages = options.pages { config.pages = pages }
    if let embed = options.embed { config.embed = embed }
    let templatePath = options.templatePath

    let configName = URL(fileURLWithPath: configFile).lastPathComponent
    let baseName = configName.split(separator: ".").dropLast().joined(separator: ".")
    let outputFolder = options.outputFolder ?? "output/\(safeFileName(baseName.isEmpty ? configName : baseName))"
    var inputs: [(what: String, path: String)] = [("the experiment file \(configFile)", configFile)]
    if let templatePath { inputs.append(("the template \(templatePath)", templatePath)) }
    for (index, experiment) in config.experiments.enumerated() {
      if case .csv(let path, let resolved, _, _, _) = experiment.data {
        inputs.append(("experiments[\(index)].data.csv \(Echo.quoted(path))", resolved))
      }
    }
    // What the report is made from (hashing the data files: done only when there is a
    // previous report to compare with, or once the run has read them). When the folder
    // already holds exactly that, nothing is recomputed or rewritten.
    var computed: Provenance?
    func provenance() -> Provenance {
      if let computed { return computed }
      var p = Provenance(
        inputs: [], generatorVersion: Generator.version,
        formats: config.formats.map(\.rawValue) + config.pages.map { "page:\($0.rawValue)" } + (config.embed ? ["embed"] : []),
        sourceDateEpoch: options.sourceDateEpoch)
      p.inputs.append(.init(what: "the experiment file \(configName)", shownPath: configName, sha256: SHA256.hexDigest(configBytes)))
      if let templatePath {
        let name = URL(fileURLWithPath: templatePath).lastPathComponent
        p.inputs.append(.init(what: "the template \(name)", shownPath: name, sha256: Provenance.digest(of: templatePath, files: files)))
      }
      for (index, experiment) in config.experiments.enumerated() {
        if case .csv(let path, let resolved, _, _, _) = experiment.data {
          p.inputs.append(
            .init(what: "experiments[\(index)].data.csv \(Echo.quoted(path))", shownPath: path, sha256: Provenance.digest(of: resolved, files: files)))
        }
      }
      computed = p
      return p
    }
    if options.checkOnly || !options.force {
      let hasPrevious = FileManager.default.fileExists(atPath: outputFolder + "/results.json")
      let freshness: Freshness =
        hasPrevious || FileManager.default.fileExists(atPath: outputFolder)
        ? Freshness.check(folder: outputFolder, current: hasPrevious ? provenance() : Provenance(inputs: [], generatorVersion: "", formats: []))
        : .stale(["there is no report at \(outputFolder)"])
      if options.checkOnly || freshness == .upToDate {
        var summary = ReportSummary(outputFolder: outputFolder, indexPath: "\(outputFolder)/index.html", experiments: [])
        summary.upToDate = freshness == .upToDate
        if case .stale(let reasons) = freshness { summary.staleReasons = reasons }
        return summary
      }
    }

    // The built-in template (which cannot fail but on a broken build) is parsed on another
    // thread while the experiments run; a custom one first, so its errors come before any work.
    let builtInTemplate = options.templatePath == nil ? Background { Result { () throws(ReportError) in try loadTemplate(options).0 } } : nil
    // So are the fonts (fontconfig's configuration, the faces): the first layout waited for them.
    let embedsFonts = config.formats.contains(.pdf)
    let fonts = Background { FigureRenderer.prepareFonts(embedding: embedsFonts) }
    // Not left running when the run ends, whatever way it ends.
    defer { _ = fonts.value }
    let customTemplate = options.templatePath == nil ? nil : try loadTemplate(options).0
    let staged = try ReportFolder(destination: outputFolder, inputs: inputs) { folder in
      waiting("another generate-report run is writing \(folder); waiting for it to finish")
    }

    let size = Figure.inches(width: config.figure.width, height: config.figure.height)
    // The PNG's pixels at scale 1 (the config keeps every side at most 20000 at any scale).
    let pixels = (width: (config.figure.width * config.figure.dpi).rounded(), height: (config.figure.height * config.figure.dpi).rounded())
    let renderer = FigureRenderer(
      dpi: config.figure.dpi,
      metadata: RenderMetadata(title: config.title, creator: "\(Generator.name) \(Generator.version)", date: pdfDate(options.sourceDateEpoch)))
    var contexts: [[String: Any]] = []
    var entries: [JSONOutput] = []
    var lines: [ExperimentLine] = []
    /// Renders `named` in every format, theme variant and (PNG) scale into the staging
    /// folder: `figures/<stem>-<id>[~dark][@<s>x].<ext>`, DocC's names. The files are
    /// rendered concurrently (``FigureJobs``) and written in this order.
    func write(_ named: [NamedFigure], stem: String) throws(ReportError) -> [FigureFiles] {
      var written: [FigureFiles] = []
      var jobs: [FigureJob] = []
      // Each variant laid out once, with cairo's metrics, and drawn in every format; the
      // figures are laid out concurrently, each on a measurer of its own (a cairo context is
      // not shared between threads), before any is drawn.
      let themes = config.theme.variants
      typealias LaidOut = (render: @Sendable (ImageFormat, FigureRenderer) throws(CairoError) -> [UInt8], layers: [Layer])
      let threads = options.renderThreads.map { max(1, $0) }
      let layoutThreads = threads ?? FigureJobs.threadCount(jobs: named.count)
      options.layoutThreads?(layoutThreads)
      let laidOut = Concurrently.map(named.count, threads: layoutThreads) { i -> Result<[LaidOut], CairoError> in
        let measurer: CairoTextMeasurer
        do throws(CairoError) {
          measurer = try CairoTextMeasurer()
        } catch {
          return .failure(error)
        }
        return .success(
          themes.map { variant -> LaidOut in
            switch named[i].drawing(in: variant.theme) {
            case .single(let f):
              let l = f.layout(measuring: measurer)
              return ({ (format, renderer) throws(CairoError) in try renderer.render(f, layout: l, as: format) }, f.layers)
            case .panels(let p):
              let l = p.layout(measuring: measurer)
              return ({ (format, renderer) throws(CairoError) in try renderer.render(p, layout: l, as: format) }, p.panels.flatMap { $0?.layers ?? [] })
            }
          })
      }
      for (figure, result) in zip(named, laidOut) {
        var files: [FigureFile] = []
        let layouts: [LaidOut]
        switch result {
        case .success(let l): layouts = l
        case .failure(let error): throw .internal("laying out \(figure.id): \(error)")
        }
        let variants = zip(themes, layouts).map { ($0, $1.render, $1.layers) }
        for format in config.formats {
          for (variant, render, layers) in variants {
            // A scale multiplies the PNG's dpi; PDF and SVG are vector, written once.
            for scale in format == .png ? config.figure.scales : [1] {
              let suffix = variant.suffix + (scale == 1 ? "" : "@\(scale)x")
              let path = "figures/\(stem)-\(figure.id)\(suffix).\(format.fileExtension)"
              var scaledRenderer = renderer
              scaledRenderer.dpi = renderer.dpi * Double(scale)
              let scaled = scaledRenderer
              let cost = FigureJobs.cost(layers, format: format) * (format == .png ? scale * scale : 1)
              let memory = format == .png ? FigureJobs.pngMemory(pixels: pixels.width * pixels.height * Double(scale * scale)) : 0
              jobs.append(FigureJob(path: path, cost: cost, memory: memory) { () throws(CairoError) in try render(format, scaled) })
              files.append(FigureFile(format: format, path: path, scale: scale, isDark: variant.isDarkVariant))
            }
          }
        }
        written.append(FigureFiles(id: figure.id, caption: figure.caption, alt: figure.title ?? figure.id, files: files))
      }
      for (job, result) in zip(jobs, FigureJobs.run(jobs, threads: threads)) {
        switch result {
        case .success(let file): try staged.write(file.bytes, to: job.path, sha256: file.sha256)
        case .failure(let error): throw .internal("rendering \(job.path): \(error)")
        }
      }
      return written
    }
    /// Writes `data/<stem>-<name>.csv` for each.
    func write(_ tables: [(String, String)], stem: String) throws(ReportError) -> [(String, String)] {
      var dataFiles: [(String, String)] = []
      for (name, text) in tables {
        let path = "data/\(stem)-\(name).csv"
        try staged.write(text, to: path)
        dataFiles.append((name, path))
      }
      return dataFiles
    }
    for (index, experiment) in config.experiments.enumerated() {
      let clock = ContinuousClock()
      let start = clock.now
      let stem = safeFileName(experiment.name)
      let fit = experiment.fit
      let components: Int
      let epochsRun: Int, converged: Bool, finalLogLikelihood: Double, dropped: Int, warnings: [String]
      var type: CovarianceType? = nil
      var collapsedStarts = 0, startsRun = 0
      // The chosen fit's starts as run (K = 1 in closed form runs one, whatever restarts says).
      var chosenStarts = fit.restarts
      let observer = options.fitProgress.map { FitWatch(experiment: experiment, report: $0).observer }
      if experiment.dimension == 1 {
        let outcome = try ExperimentRunner.run(experiment, index: index, configFile: configFile, files: files, observer: observer)
        let written = try write(ExperimentFigures.make(outcome, size: size), stem: stem)
        var tables: [(String, String)] = []
        if experiment.writesSamples(n: outcome.data.count) { tables.append(("samples", ResultsDocument.samplesCSV(outcome))) }
        tables += [("trace", ResultsDocument.traceCSV(outcome)), ("curves", ResultsDocument.curvesCSV(outcome))]
        if ResultsDocument.hasRestarts(outcome.selection) { tables.append(("restarts", ResultsDocument.restartsCSV(outcome.selection))) }
        let dataFiles = try write(tables, stem: stem)
        contexts.append(HTMLReport.experimentContext(outcome, figures: written, dataFiles: dataFiles))
        entries.append(ResultsDocument.experiment(outcome, figures: written))
        (components, epochsRun, converged) = (outcome.chosenFit.components, outcome.em.epochs.count, outcome.em.converged)
        (finalLogLikelihood, dropped, warnings) = (outcome.em.finalLogLikelihood, outcome.droppedLines.count, outcome.warnings)
        (collapsedStarts, startsRun) = ResultsDocument.startCounts(outcome.selection)
        chosenStarts = outcome.chosenFit.runs.count
        if fit.covarianceTypes.count > 1 { type = outcome.chosenFit.covarianceType }
      } else {
        let outcome = try MultivariateRunner.run(experiment, index: index, configFile: configFile, files: files, observer: observer)
        let written = try write(MultivariateFigures.make(outcome, size: size), stem: stem)
        var tables: [(String, String)] = []
        if experiment.writesSamples(n: outcome.sample.count) { tables.append(("samples", ResultsDocument.samplesCSV(outcome))) }
        tables.append(("trace", ResultsDocument.traceCSV(outcome)))
        if let grid = ResultsDocument.gridCSV(outcome) { tables.append(("grid", grid)) }
        if let missing = outcome.missing { tables.append(("imputed", MissingReport.imputedCSV(outcome, missing))) }
        if ResultsDocument.hasRestarts(outcome.selection) { tables.append(("restarts", ResultsDocument.restartsCSV(outcome.selection))) }
        let dataFiles = try write(tables, stem: stem)
        contexts.append(HTMLReport.experimentContext(outcome, figures: written, dataFiles: dataFiles))
        entries.append(ResultsDocument.experiment(outcome, figures: written))
        (components, epochsRun, converged) = (outcome.chosenFit.components, outcome.em.epochs.count, outcome.em.converged)
        (finalLogLikelihood, dropped, warnings) = (outcome.em.finalLogLikelihood, outcome.droppedLines.count, outcome.warnings)
        (collapsedStarts, startsRun) = ResultsDocument.startCounts(outcome.selection)
        chosenStarts = outcome.chosenFit.runs.count
        type = outcome.chosenFit.covarianceType
      }
      let elapsed = clock.now - start
      var choice: String? = nil
      if fit.selects {
        let range = fit.selectsComponents ? " from \(fit.components.lowerBound) to \(fit.components.upperBound)" : ""
        let types = fit.covarianceTypes.count > 1 ? " × \(fit.covarianceTypes.count) covariance types" : ""
        choice = "\(fit.criterion.rawValue.uppercased())\(range)\(types)"
      }
      let line = ExperimentLine(
        name: experiment.name, components: components, covarianceType: type, choice: choice,
        restarts: chosenStarts, epochsRun: epochsRun, converged: converged,
        didNotConverge: fit.tolerance > 0 && !converged, finalLogLikelihood: finalLogLikelihood,
        droppedRows: dropped, collapsedStarts: collapsedStarts, startsRun: startsRun, warnings: warnings,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
      progress(line)
      lines.append(line)
    }

    let header = HTMLReport.Header(title: config.title, configName: configName, configSHA256: SHA256.hexDigest(configBytes))
    let template: ReportTemplate
    if let customTemplate {
      template = customTemplate
    } else if let builtInTemplate {
      template = try builtInTemplate.value.get()
    } else {
      template = try loadTemplate(options).0
    }
    if config.pages.contains(.html) {
      let pageContexts = config.embed ? Embedding.inline(contexts) { staged.contents(of: $0) } : contexts
      let context = HTMLReport.context(header: header, experiments: pageContexts, embedded: config.embed)
      options.templateContext?(context)
      try staged.write(HTMLReport.render(template: template, context: context), to: "index.html")
    }
    if config.pages.contains(.markdown) {
      try staged.write(MarkdownReport.render(header: header, experiments: contexts), to: "index.md")
    }
    // results.json last: its manifest lists every file the run wrote, itself included.
    let results = try ResultsDocument.json(
      title: config.title, experiments: entries, files: staged.manifest(adding: "results.json"), inputs: provenance().json, hashes: staged.hashes, sizes: staged.sizes)
    try staged.write(results, to: "results.json")
    try staged.commit()
    return ReportSummary(outputFolder: outputFolder, indexPath: "\(outputFolder)/\(config.pages.contains(.html) ? "index.html" : "index.md")", experiments: lines)
  }

  /// Reads and decodes an experiment file (JSON, or YAML for `.yaml` and `.yml`).
  /// - Returns: The config and the file's bytes (the report quotes their SHA-256).
  /// - Throws: ``ReportError/io(_:)`` when the file cannot be read, ``ReportError/invalidInput(_:)``
  ///   for its first problem.
  static func load(_ configFile: String) throws(ReportError) -> (ReportConfig, [UInt8]) {
    let bytes: [UInt8]
    do {
      bytes = try FileAccess().readBytes(configFile)
    } catch {
      throw .io(InputError(file: configFile, position: nil, message: "cannot read the experiment file (\(error)); check the path").description)
    }
    do {
      return (try InputDecoding.config(bytes, file: configFile), bytes)
    } catch {
      throw .invalidInput(error)
    }
  }

  /// Checks an experiment file as a run does before it computes anything: the file is read
  /// and decoded, and every CSV data file must open as a regular file. Nothing is fitted,
  /// drawn or written (a CSV file's cells are read by the run).
  /// - Parameter configFile: The experiment file's path.
  /// - Returns: The decoded config.
  /// - Throws: The ``ReportError`` a run would stop with, with the same message.
  public static func validate(_ configFile: String) throws(ReportError) -> ReportConfig {
    let (config, _) = try load(configFile)
    let files = FileAccess()
    for (index, experiment) in config.experiments.enumerated() {
      guard case .csv(let path, let resolved, _, _, let position) = experiment.data else { continue }
      do {
        _ = try files.withMappedFile(resolved) { (_, _) throws(Never) in () }
      } catch {
        throw unreadableData(path, at: position, experiment: "experiments[\(index)]", configFile: configFile, problem: error)
      }
    }
    return config
  }

  /// `examples/iris.json: valid (1 experiment)`: what `validate` prints for a valid file.
  public static func validLine(_ configFile: String, _ config: ReportConfig) -> String {
    let n = config.experiments.count
    return Echo.oneLine("\(configFile): valid (\(n) experiment\(n == 1 ? "" : "s"))")
  }

  /// The error of a CSV data file that cannot be opened, named at its `data.csv` value.
  static func unreadableData(_ csvPath: String, at position: SourcePosition, experiment path: String, configFile: String, problem: FileProblem)
    -> ReportError
  {
    .io(
      InputError(
        file: configFile, position: position,
        message: "\(path).data.csv \(Echo.quoted(csvPath)) cannot be read (\(problem)); the path is relative to the config file's folder"
      ).description)
  }

  /// The template from `--template`, or the default one, compiled into the tool
  /// (``DefaultTemplate``, from `templates/report.html`), so it runs from any folder.
  static func loadTemplate(_ options: ReportOptions) throws(ReportError) -> (ReportTemplate, String?) {
    let files = FileAccess()
    guard let path = options.templatePath else {
      do {
        return (try ReportTemplate(string: DefaultTemplate.text, splitting: true), nil)
      } catch {
        throw .io("the built-in template is not valid Mustache (\(Echo.oneLine("\(error)"))); rebuild the tool")
      }
    }
    let bytes: [UInt8]
    do {
      bytes = try files.readBytes(path)
    } catch {
      throw .io(InputError(file: path, position: nil, message: "cannot read the template (\(error)); check the --template path").description)
    }
    if let problem = bytes.withUnsafeBufferPointer({ TextCheck.firstProblem(in: $0) }) {
      throw .invalidInput(InputError(file: path, position: problem.position, message: problem.message))
    }
    guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
      throw .invalidInput(InputError(file: path, position: nil, message: "the template is empty; pass a Mustache template of the report with --template"))
    }
    do {
      return (try ReportTemplate(string: String(decoding: bytes, as: UTF8.self)), path)
    } catch {
      throw .invalidInput(InputError(file: path, position: nil, message: "the template is not valid Mustache: \(Echo.oneLine("\(error)"))"))
    }
  }

  /// The PDF date: `SOURCE_DATE_EPOCH` when given (reproducible-builds.org), else a fixed date.
  static func pdfDate(_ epoch: Int?) -> String {
    guard let epoch else { return "2000-01-01T00:00:00Z" }
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
  }
}
