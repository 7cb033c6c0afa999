import MixtureModels

/// Everything one experiment computed: data, start, EM trace, KDE and the curves the
/// figures and CSVs show.
public struct ExperimentOutcome: Sendable {
  public var config: ExperimentConfig
  /// The data in file (or generation) order.
  public var data: [Double]
  /// The 1-based generating group of each point, for generated data.
  public var groupLabels: [Int]?
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
  /// seaborn's grid and the KDE on it.
  public var grid: [Double]
  public var gridDensity: [Double]
  /// Each point's responsibilities under the fitted mixture, in data order.
  public var responsibilities: [[Double]]
  /// Each point's most probable component (0-based; the lower one on a tie), in data order.
  public var assignments: [Int]
  /// The KDE and mixture densities at the sorted data, `kde.sortedData` (the tutorial's third figure).
  public var sortedKDE: [Double]
  public var sortedMixture: [Double]

  /// The fit the report describes: the kept restart of the chosen K.
  public var chosenFit: RestartedFit { selection.best }
  /// The chosen run.
  public var em: EMResult { selection.best.best }
  /// Points per component by hard assignment.
  public var clusterSizes: [Int] {
    var sizes = [Int](repeating: 0, count: em.fitted.componentCount)
    for a in assignments { sizes[a] += 1 }
    return sizes
  }
}

/// Runs experiments: produces or reads the data, starts and fits EM, estimates the density.
enum ExperimentRunner {
  /// Runs the experiment at `index` of the config in `configFile`.
  /// - Throws: ``ReportError`` for unreadable or invalid data, or a fit that breaks down.
  static func run(_ experiment: ExperimentConfig, index: Int, configFile: String, files: FileAccess) throws(ReportError) -> ExperimentOutcome {
    let path = "experiments[\(index)]"
    var data: [Double]
    var labels: [Int]?
    var trueMixture: GaussianMixture?
    var groups: [[Double]] = []
    var droppedLines: [Int] = []
    switch experiment.data {
    case .generate(let specs):
      var random = RandomSource(seed: experiment.seed)
      data = []
      labels = []
      let total = Double(specs.reduce(0) { $0 + $1.count })
      for (g, spec) in specs.enumerated() {
        var group: [Double] = []
        group.reserveCapacity(spec.count)
        for _ in 0..<spec.count { group.append(random.normal(mean: spec.mean, sd: spec.sd)) }
        data += group
        labels? += Array(repeating: g + 1, count: spec.count)
        groups.append(group)
      }
      trueMixture = try? GaussianMixture(
        weights: specs.map { Double($0.count) / total }.normalisedToOne, means: specs.map(\.mean), sds: specs.map(\.sd))
    case .csv(let csvPath, let resolved, let column, let missing, let position):
      let text: String
      do {
        text = try files.readText(resolved)
      } catch {
        throw .invalidInput(
          InputError(
            file: configFile, position: position,
            message: "\(path).data.csv \"\(csvPath)\" cannot be read (\(error)); the path is relative to the config file's folder"))
      }
      let read: CSVColumn
      do {
        read = try CSVReader.column(column, of: text, missing: missing, file: resolved)
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
    guard data.count >= fit.components.upperBound else {
      let key = fit.selectsComponents ? "fit.components.to" : "fit.components"
      throw .invalidInput(
        InputError(
          file: configFile, position: nil,
          message: "\(path).\(key) is \(fit.components.upperBound) but the data has only \(data.count) points; use at most \(data.count) components"))
    }
    let start: StartMethod
    do {
      switch fit.initialization {
      case .groups: start = .fixed(try Initialization.fromGroups(groups))
      case .explicit(let m): start = .fixed(m)
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
        options: EMOptions(maxEpochs: fit.epochs, tolerance: fit.tolerance, regularization: fit.regularization),
        criterion: fit.criterion)
    } catch {
      // A single run needs no "K = …, start …" prefix.
      if case .inRun(_, _, let inner) = error, !fit.selectsComponents, fit.restarts == 1 {
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
    let grid = kde.grid(size: experiment.kde.gridSize, cut: experiment.kde.cut)
    let fitted = em.fitted
    let responsibilities = data.map(fitted.responsibilities(at:))
    let assignments = responsibilities.map(mostProbable)
    return ExperimentOutcome(
      config: experiment, data: data, groupLabels: labels, droppedLines: droppedLines, summary: SampleSummary(data),
      trueMixture: trueMixture, selection: selection, warnings: Warnings.make(selection, fit: fit, n: data.count, dataVariance: Statistics.variance(data, ddof: 0)),
      kde: kde, grid: grid, gridDensity: kde.densities(at: grid), responsibilities: responsibilities, assignments: assignments,
      sortedKDE: kde.densities(at: kde.sortedData), sortedMixture: kde.sortedData.map { fitted.density(at: $0) })
  }

  /// The index of the largest responsibility (the lowest index on a tie).
  static func mostProbable(_ r: [Double]) -> Int {
    var best = 0
    for j in r.indices.dropFirst() where r[j] > r[best] { best = j }
    return best
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
