import MixtureModels

/// Everything one experiment computed: data, start, EM trace, KDE and the curves the
/// figures and CSVs show.
public struct ExperimentOutcome: Sendable {
  public var config: ExperimentConfig
  /// The data in file (or generation) order.
  public var data: [Double]
  /// The 1-based generating group of each point, for generated data.
  public var groupLabels: [Int]?
  public var summary: SampleSummary
  /// The generating mixture (weights are the groups' shares), for generated data.
  public var trueMixture: GaussianMixture?
  public var em: EMResult
  public var kde: KernelDensityEstimate
  /// seaborn's grid and the KDE on it.
  public var grid: [Double]
  public var gridDensity: [Double]
  /// Each point's responsibilities under the fitted mixture, in data order.
  public var responsibilities: [[Double]]
  /// The KDE and mixture densities at the sorted data, `kde.sortedData` (the tutorial's third figure).
  public var sortedKDE: [Double]
  public var sortedMixture: [Double]
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
    case .csv(let csvPath, let resolved, let column, let position):
      let text: String
      do {
        text = try files.readText(resolved)
      } catch {
        throw .invalidInput(
          InputError(
            file: configFile, position: position,
            message: "\(path).data.csv \"\(csvPath)\" cannot be read (\(error)); the path is relative to the config file's folder"))
      }
      do {
        data = try CSVReader.column(column, of: text, file: resolved)
      } catch {
        throw .invalidInput(error)
      }
      guard data.count >= 2 else {
        throw .invalidInput(InputError(file: resolved, position: nil, message: "column \(column) has \(data.count) value\(data.count == 1 ? "" : "s"); a fit needs at least 2"))
      }
    }

    func failure(_ error: MixtureError, at key: String) -> ReportError {
      .invalidInput(InputError(file: configFile, position: nil, message: "\(path).\(key): \(error.description)"))
    }

    let k = experiment.fit.components
    guard data.count >= k else {
      throw .invalidInput(
        InputError(file: configFile, position: nil, message: "\(path).fit.components is \(k) but the data has only \(data.count) points; use at most \(data.count) components"))
    }
    let initial: GaussianMixture
    do {
      switch experiment.fit.initialization {
      case .groups: initial = try Initialization.fromGroups(groups)
      case .quantiles: initial = try Initialization.quantiles(data, components: k)
      case .explicit(let m): initial = m
      }
    } catch {
      throw failure(error, at: "fit.init")
    }
    let em: EMResult
    do {
      em = try ExpectationMaximization.fit(
        data, from: initial,
        options: EMOptions(maxEpochs: experiment.fit.epochs, tolerance: experiment.fit.tolerance, regularization: experiment.fit.regularization))
    } catch {
      throw failure(error, at: "fit")
    }

    let kde: KernelDensityEstimate
    do {
      kde = try KernelDensityEstimate(data: data, rule: experiment.kde.bandwidth, adjust: experiment.kde.adjust)
    } catch {
      throw failure(error, at: "kde")
    }
    let grid = kde.grid(size: experiment.kde.gridSize, cut: experiment.kde.cut)
    let fitted = em.fitted
    return ExperimentOutcome(
      config: experiment, data: data, groupLabels: labels, summary: SampleSummary(data), trueMixture: trueMixture, em: em,
      kde: kde, grid: grid, gridDensity: kde.densities(at: grid), responsibilities: data.map(fitted.responsibilities(at:)),
      sortedKDE: kde.densities(at: kde.sortedData), sortedMixture: kde.sortedData.map { fitted.density(at: $0) })
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
