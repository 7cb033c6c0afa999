import MixtureModels

/// Everything one experiment computed: data, start, EM trace, KDE and the curves the
/// figures and CSVs show.
public struct ExperimentOutcome: Sendable {
  public var config: ExperimentConfig
  /// The data in file (or generation) order.
  public var data: [Double]
  /// The points of each generating group (contiguous, in group order), for generated data.
  public var groupRanges: [Range<Int>]?
  /// The 1-based lines of CSV rows dropped for a missing value (`data.missing: "drop"`).
  public var droppedLines: [Int]
  public var summary: SampleSummary
  /// The generating mixture (weights are the groups' shares), for generated data.
  public var trueMixture: GaussianMixture?
  /// Every K fitted, every restart, and the choice.
  public var selection: ModelSelection
  /// What a reader must know about the chosen fit: no convergence, collapsed
  /// components, a K at the edge of the range.
  public var warnings: [String]
  public var kde: KernelDensityEstimate
  /// seaborn's grid and the KDE on it, with the method and its error bound.
  public var gridDensity: GridDensity
  /// Each point's most probable component (0-based; the lower one on a tie), in data order.
  public var assignments: [Int32]
  /// The sorted data with the KDE and mixture densities there (the tutorial's third
  /// figure), with `kde.fitCurve: "data"` and at most ``ExperimentOutcome/sortedCurveLimit``
  /// points; otherwise that figure is drawn on the grid.
  public var sortedCurves: (x: [Double], kde: [Double], mixture: [Double])?

  /// The most points at which the fit figure evaluates both densities (n² kernel
  /// evaluations for the KDE).
  public static let sortedCurveLimit = 5000

  /// The KDE grid.
  public var grid: [Double] { gridDensity.grid }

  /// The fit the report describes: the kept restart of the chosen K.
  public var chosenFit: RestartedFit { selection.best }
  /// The chosen run.
  public var em: EMResult { selection.best.best }
  /// Points per component by hard assignment.
  public var clusterSizes: [Int] {
    var sizes = [Int](repeating: 0, count: em.fitted.componentCount)
    for a in assignments { sizes[Int(a)] += 1 }
    return sizes
  }
}

/// Runs experiments: produces or reads the data, starts and fits EM, estimates the density.
enum ExperimentRunner {
  /// Runs the experiment at `index` of the config in `configFile`.
  /// - Throws: ``ReportError`` for unreadable or invalid data, or a fit that breaks down.
  static func run(
    _ experiment: ExperimentConfig, index: Int, configFile: String, files: FileAccess, observer: EMObserver? = nil
  ) throws(ReportError) -> ExperimentOutcome {
    let path = "experiments[\(index)]"
    var data: [Double]
    var trueMixture: GaussianMixture?
    var groupRanges: [Range<Int>] = []
    var droppedLines: [Int] = []
    switch experiment.data {
    case .generate(let specs):
      let n = specs.reduce(0) { $0 + $1.count }
      data = []
      data.reserveCapacity(n)
      // Each draw is transformed as it is made: the data stays one array.
      let transform = experiment.transform
      func transformed(_ x: Double, group g: Int, draw i: Int) throws(ReportError) -> Double {
        guard let transform else { return x }
        guard x > 0 else { throw drawError(x, transform, group: g, draw: i, of: specs[g].count, path: path, configFile: configFile) }
        return transform.apply(x)
      }
      switch experiment.rng {
      case .xoshiro:
        var random = RandomSource(seed: experiment.seed)
        for (g, spec) in specs.enumerated() {
          let start = data.count
          for i in 0..<spec.count { data.append(try transformed(random.normal(mean: spec.mean, sd: spec.sd), group: g, draw: i)) }
          groupRanges.append(start..<data.count)
        }
      case .numpy:
        // The decoder keeps the seed within numpy's 0…2³² − 1.
        var random = NumpyRandomState(seed: UInt32(truncatingIfNeeded: experiment.seed))
        for (g, spec) in specs.enumerated() {
          let start = data.count
          for i in 0..<spec.count { data.append(try transformed(random.normal(mean: spec.mean, sd: spec.sd), group: g, draw: i)) }
          groupRanges.append(start..<data.count)
        }
      }
      // The groups are normal before the transform, not after: no "true" mixture to compare with.
      if transform == nil {
        trueMixture = try? GaussianMixture(
          weights: specs.map { Double($0.count) / Double(n) }.normalisedToOne, means: specs.map(\.mean), sds: specs.map(\.sd))
      }
    case .csv(let csvPath, let resolved, let columns, let missing, let position):
      let column = columns[0]
      let mapped: Result<CSVColumn, InputError>
      do {
        mapped = try files.withMappedFile(resolved) { (bytes, release) throws(InputError) in
          try CSVReader.column(
            column, bytes: bytes, release: release, missing: missing, delimiter: experiment.delimiter, transform: experiment.transform, file: resolved)
        }
      } catch {
        throw ReportGenerator.unreadableData(csvPath, at: position, experiment: path, configFile: configFile, problem: error)
      }
      let read: CSVColumn
      do {
        read = try mapped.get()
      } catch {
        throw .invalidInput(error)
      }
      data = read.values
      droppedLines = read.droppedLines
      guard data.count >= 2 else {
        let droppedNote = droppedLines.isEmpty ? "" : " after dropping \(droppedLines.count) row\(droppedLines.count == 1 ? "" : "s") with missing values"
        throw .invalidInput(
          InputError(file: resolved, position: nil, message: "column \(column) has \(data.count) value\(data.count == 1 ? "" : "s")\(droppedNote); a fit needs at least 2"))
      }
    }

    func failure(_ error: MixtureError, at key: String) -> ReportError {
      .invalidInput(InputError(file: configFile, position: nil, message: "\(path).\(key): \(error.description)"))
    }

    let fit = experiment.fit
    if let problem = fit.workProblem(n: data.count, path: "\(path).fit") {
      throw .invalidInput(InputError(file: configFile, position: nil, message: problem))
    }
    guard data.count >= fit.components.upperBound else {
      let key = fit.selectsComponents ? "fit.components.to" : "fit.components"
      throw .invalidInput(
        InputError(
          file: configFile, position: nil,
          message: "\(path).\(key) is \(fit.components.upperBound) but the data has only \(data.count) points; use at most \(data.count) components"))
    }
    let start: StartMethod
    do throws(MixtureError) {
      switch fit.initialization {
      case .groups: start = .fixed(try Initialization.fromGroups(groupRanges.map { Array(data[$0]) }))
      case .explicit(let m): start = .fixed(m)
      case .explicitMultivariate: throw .invalidParameters("a d-dimensional start does not fit one column")
      case .quantiles: start = .quantiles
      case .kMeansPlusPlus: start = .kMeansPlusPlus
      case .random: start = .random
      }
    } catch {
      throw failure(error, at: "fit.init")
    }
    let selection: ModelSelection
    do {
      selection = try ModelSelection.fit(
        data, components: fit.components, start: start, restarts: fit.restarts, seed: experiment.seed,
        options: EMOptions(maxEpochs: fit.epochs, tolerance: fit.tolerance, regularization: fit.regularization, observer: observer),
        criterion: fit.criterion, types: fit.covarianceTypes)
    } catch {
      // A single run needs no "K = …, start …" prefix.
      if case .inRun(_, _, let inner) = error, !fit.selects, fit.restarts == 1 {
        throw failure(inner, at: "fit")
      }
      throw failure(error, at: "fit")
    }
    let em = selection.best.best
    try checkFinite(em, path: path, configFile: configFile)

    let kde: KernelDensityEstimate
    do {
      kde = try KernelDensityEstimate(data: data, rule: experiment.kde.bandwidth, adjust: experiment.kde.adjust)
    } catch {
      throw failure(error, at: "kde")
    }
    try checkGrid(kde, experiment.kde, path: "\(path).kde", configFile: configFile)
    let gridDensity = kde.densityOnGrid(size: experiment.kde.gridSize, cut: experiment.kde.cut, method: experiment.kde.method)
    let fitted = em.fitted
    var sortedCurves: (x: [Double], kde: [Double], mixture: [Double])?
    if experiment.kde.fitCurve == .data && data.count <= ExperimentOutcome.sortedCurveLimit {
      let sorted = data.sorted()
      sortedCurves = (sorted, kde.densities(at: sorted), sorted.map { fitted.density(at: $0) })
    }
    return ExperimentOutcome(
      config: experiment, data: data, groupRanges: groupRanges.isEmpty ? nil : groupRanges, droppedLines: droppedLines, summary: SampleSummary(data),
      trueMixture: trueMixture, selection: selection,
      warnings: Warnings.make(selection, fit: fit, n: data.count, dataVariance: Statistics.variance(data, ddof: 0)),
      kde: kde, gridDensity: gridDensity, assignments: fitted.assignments(of: data), sortedCurves: sortedCurves)
  }

  /// The error for a generated draw `x` ≤ 0 that `transform` cannot take: draw `i`
  /// (0-based) of group `g`'s `count`, in `coordinate` (1-based) in d dimensions.
  static func drawError(
    _ x: Double, _ transform: DataTransform, group g: Int, draw i: Int, of count: Int, coordinate: Int? = nil, path: String, configFile: String
  ) -> ReportError {
    let which = coordinate.map { " in coordinate \($0)" } ?? ""
    return .invalidInput(
      InputError(
        file: configFile, position: nil,
        message:
          "\(path).data.generate[\(g)] drew \(Display.exact(x))\(which) (draw \(i + 1) of its \(count)), \(transform.refusal); raise the group's mean or lower its spread so that every draw is positive, or remove the transform"
      ))
  }

  /// Fails, before the density is computed, when the KDE's settings give a grid that is not
  /// finite or not resolvable, or a bandwidth so small the estimate is spikes at the points.
  static func checkGrid(_ kde: KernelDensityEstimate, _ settings: KDEConfig, path: String, configFile: String) throws(ReportError) {
    func refuse(_ message: String) -> ReportError {
      .invalidInput(InputError(file: configFile, position: nil, message: "\(path)\(message)"))
    }
    let h = kde.bandwidth
    let range = kde.maximum - kde.minimum
    let low = kde.minimum - settings.cut * h
    let high = kde.maximum + settings.cut * h
    let shown = "cut \(Display.number(settings.cut, significant: 3)), h \(Display.number(h, significant: 3))"
    guard low.isFinite, high.isFinite, (high - low).isFinite else {
      throw refuse(": the grid [min − cut·h, max + cut·h] overflows (\(shown)); lower kde.cut, kde.bandwidth or kde.adjust")
    }
    let bandwidthKey = if case .fixed = settings.bandwidth { ".bandwidth" } else { ".adjust" }
    guard range.isFinite, h >= range * 1e-9 else {
      throw refuse(
        "\(bandwidthKey): the bandwidth h = \(Display.number(h, significant: 3)) is below 10⁻⁹ × the data's range \(Display.number(range, significant: 3)); the estimate would be a spike at each point: use a larger bandwidth")
    }
    let step = (high - low) / Double(max(settings.gridSize - 1, 1))
    guard step > max(abs(low), abs(high)).ulp * 4 else {
      throw refuse(": the grid's step \(Display.number(step, significant: 3)) is below the resolution of numbers around \(Display.number(max(abs(low), abs(high)), significant: 3)); lower kde.gridSize or rescale the data")
    }
  }

  /// Fails when a number the report would show is not finite.
  static func checkFinite(_ em: EMResult, path: String, configFile: String) throws(ReportError) {
    let m = em.fitted
    let numbers = [em.initialLogLikelihood, em.finalLogLikelihood] + m.weights + m.means + m.sds
    guard numbers.allSatisfy(\.isFinite) else {
      throw .invalidInput(
        InputError(
          file: configFile, position: nil,
          message: "\(path).fit: the fit produced a value that is not finite; rescale the data or set fit.regularization > 0"))
    }
  }
}

extension Array where Element == Double {
  /// The values divided by their sum, with the last absorbing rounding so they sum to 1.
  var normalisedToOne: [Double] {
    let total = reduce(0, +)
    var result = map { $0 / total }
    if !result.isEmpty { result[result.count - 1] = 1 - result.dropLast().reduce(0, +) }
    return result
  }
}
