import MixtureModels

/// Everything a d-dimensional (d ≥ 2) experiment computed.
public struct MultivariateOutcome: Sendable {
  public var config: ExperimentConfig
  /// The points in file (or generation) order, column-major.
  public var sample: Sample
  /// Each point's generating group (0-based), for generated data.
  public var groupLabels: [Int32]?
  /// The 1-based lines of CSV rows dropped for a missing value.
  public var droppedLines: [Int]
  /// The generating mixture (weights are the groups' shares, full covariances).
  public var trueMixture: MultivariateMixture?
  /// Every (type, K) fitted, every restart, and the choice.
  public var selection: Selection<MultivariateMixture>
  public var warnings: [String]
  /// The kernel density estimate (of the complete rows, with missing values); `nil` when
  /// fewer than d + 1 rows are complete (the density and fit figures are then left out).
  public var kde: MultivariateKDE?
  /// The 2-D KDE and the fitted density on a grid (d = 2 only).
  public var grid: GridDensity2D?
  /// The fitted mixture's density on the same grid.
  public var mixtureGrid: [Double]
  /// Each point's most probable component (0-based).
  public var assignments: [Int32]
  /// How many points have an uncertainty 1 − max r above 0.1.
  public var uncertainCount: Int
  /// Per column: n, mean, sd (n − 1), min, max.
  public var summaries: [SampleSummary]

  public var chosenFit: RestartedRuns<MultivariateMixture> { selection.best }
  public var em: EMRun<MultivariateMixture> { selection.best.best }
  public var clusterSizes: [Int] {
    var sizes = [Int](repeating: 0, count: em.fitted.componentCount)
    for a in assignments { sizes[Int(a)] += 1 }
    return sizes
  }
  /// The axes' and tables' names: `data.labels`, else the header names, else x1…xd.
  public var labels: [String]
  /// With missing values (`data.missing` "model", `data.hide`): what was missing and what EM
  /// made of it. `sample` then holds the kept rows with each missing cell at its
  /// conditional mean.
  public var missing: MissingOutcome? = nil
  /// With missing values, each kept row's responsibilities from its observed cells,
  /// `r[row · K + k]`; `nil`: they are the fitted mixture's at the row's point.
  public var observedResponsibilities: [Double]? = nil

  /// Row `i`'s responsibilities under the fit: from its observed cells when some are missing.
  public func responsibilities(row i: Int) -> [Double] {
    let k = em.fitted.componentCount
    if let r = observedResponsibilities, r.count >= (i + 1) * k { return Array(r[(i * k)..<((i + 1) * k)]) }
    return em.fitted.responsibilities(at: sample.point(i))
  }

  /// Row `i`'s classification uncertainty, 1 − its largest responsibility.
  public func uncertainty(row i: Int) -> Double { Swift.max(0, 1 - (responsibilities(row: i).max() ?? 1)) }
}

/// What a fit with missing values adds to a d-dimensional experiment.
public struct MissingOutcome: Sendable {
  /// Rows in the data, before dropping those that observe nothing.
  public var rows: Int
  /// Per coordinate, its missing cells among all rows.
  public var missingPerColumn: [Int]
  /// The kept rows' patterns (true: observed) and how many rows have each, most common first
  /// (ties in the order of their first row).
  public var patterns: [(observed: [Bool], count: Int)]
  /// The rows as EM saw them (for the E-step's responsibilities under other parameters).
  public var incomplete: IncompleteSample
  /// Rows (0-based) that observe nothing, dropped.
  public var droppedRows: [Int] { incomplete.droppedRows }
  /// The kept rows (0-based among all rows), in the outcome's sample order.
  public var keptRows: [Int] { incomplete.keptRows }
  /// Whether no kept row misses a cell, so that the fit was the complete-data one (K = 1
  /// then in closed form).
  public var fittedAsComplete: Bool { imputed.isEmpty }
  /// Rows that observe every coordinate.
  public var completeRows: Int { incomplete.completeRowIndices.count }
  /// Each column's observed mean.
  public var observedMeans: [Double] { incomplete.observedMeans }
  /// Every missing cell of the kept rows: its conditional mean and sd at the fit.
  public var imputed: [MissingDataEM.ImputedCell]
  /// For hidden cells of generated data, each imputed cell's true value; else `nil`.
  public var truth: [Double]?
  /// The same K and type fitted to the complete rows only (complete-case analysis, as mclust
  /// does), or why not.
  public var completeCase: Result<MultivariateMixture, CompleteCaseFailure>
  /// Root mean square error against the hidden truth of EM's conditional means and of each
  /// column's observed mean (mean imputation), for hidden cells.
  public var rmse: (em: Double, meanImputation: Double)?
  /// The imputed cells of the outcome's sample (the kept rows), keyed `row · d + coordinate`
  /// (row 0-based among the kept rows): each one's conditional standard deviation.
  public var imputedCells: [Int: Double] = [:]

  /// Whether cell (`row`, `coordinate`) of the outcome's sample is a conditional mean.
  public func isImputed(row: Int, coordinate: Int, dimension d: Int) -> Bool { imputedCells[row * d + coordinate] != nil }

  /// The conditional standard deviation of cell (`row`, `coordinate`) of the outcome's
  /// sample when it is imputed, else `nil`.
  public func imputedSD(row: Int, coordinate: Int, dimension d: Int) -> Double? { imputedCells[row * d + coordinate] }

  /// Whether row `row` of the outcome's sample observes every one of `coordinates`.
  public func observes(row: Int, _ coordinates: some Sequence<Int>, dimension d: Int) -> Bool {
    coordinates.allSatisfy { imputedCells[row * d + $0] == nil }
  }

  public struct CompleteCaseFailure: Error, Sendable { public var reason: String }
}

/// Runs d-dimensional experiments: produces or reads the data, starts and fits EM over
/// every K and covariance type, estimates the density.
enum MultivariateRunner {
  /// Points per axis of the 2-D grid.
  static let gridSide = 100

  static func run(
    _ experiment: ExperimentConfig, index: Int, configFile: String, files: FileAccess, observer: EMObserver? = nil
  ) throws(ReportError) -> MultivariateOutcome {
    let path = "experiments[\(index)]"
    let d = experiment.dimension
    var groupLabels: [Int32]?
    var trueMixture: MultivariateMixture?
    var droppedLines: [Int] = []
    var labels = experiment.labels
    func failure(_ error: MixtureError, at key: String) -> ReportError {
      .invalidInput(InputError(file: configFile, position: nil, message: "\(path).\(key): \(error.description)"))
    }
    // The data goes straight into the sample's one column-major buffer: no second copy
    // outlives this switch.
    var sample: Sample
    switch experiment.data {
    case .generate(let specs):
      var random = RandomSource(seed: experiment.seed)
      let n = specs.reduce(0) { $0 + $1.count }
      var values = [Double](repeating: 0, count: n * d)
      var row = 0
      var labels: [Int32] = []
      labels.reserveCapacity(n)
      var z = [Double](repeating: 0, count: d)
      for (g, spec) in specs.enumerated() {
        // The decoder checked every covariance's factor exists.
        guard case .success(let l) = LinearAlgebra.cholesky(spec.covariance, dimension: d) else {
          throw .internal("generate[\(g)]: covariance without a Cholesky factor")
        }
        for i in 0..<spec.count {
          for a in 0..<d { z[a] = random.normal() }
          for a in 0..<d {
            var x = spec.means[a]
            for b in 0...a { x += l[a * d + b] * z[b] }
            // Each draw is transformed as it is made, in the sample's one buffer.
            if let transform = experiment.transform {
              guard x > 0 else {
                throw ExperimentRunner.drawError(x, transform, group: g, draw: i, of: spec.count, coordinate: a + 1, path: path, configFile: configFile)
              }
              x = transform.apply(x)
            }
            values[a * n + row] = x
          }
          labels.append(Int32(g))
          row += 1
        }
      }
      sample = Sample(count: n, dimension: d, columnMajor: values)
      groupLabels = labels
      // The groups are normal before the transform, not after: no "true" mixture to compare with.
      if experiment.transform == nil {
        let shares = specs.map { Double($0.count) / Double(n) }.normalisedToOne
        trueMixture = try? MultivariateMixture(
          type: .full, weights: shares, means: specs.map(\.means),
          covariances: specs.map { spec in (0..<d).map { Array(spec.covariance[($0 * d)..<(($0 + 1) * d)]) } })
      }
    case .csv(let csvPath, let resolved, let references, let missing, let position):
      let mapped: Result<CSVColumns, InputError>
      do {
        mapped = try files.withMappedFile(resolved) { (bytes, release) throws(InputError) in
          try CSVReader.columns(
            references, bytes: bytes, release: release, missing: missing, delimiter: experiment.delimiter, transform: experiment.transform,
            file: resolved)
        }
      } catch {
        throw ReportGenerator.unreadableData(csvPath, at: position, experiment: path, configFile: configFile, problem: error)
      }
      let read: CSVColumns
      do {
        read = try mapped.get()
      } catch {
        throw .invalidInput(error)
      }
      droppedLines = read.droppedLines
      for j in labels.indices where labels[j].isEmpty && j < read.names.count { labels[j] = read.names[j] }
      let n = read.values.first?.count ?? 0
      guard n > d else {
        let droppedNote = droppedLines.isEmpty ? "" : " after dropping \(droppedLines.count) row\(droppedLines.count == 1 ? "" : "s") with missing values"
        throw .invalidInput(
          InputError(
            file: resolved, position: nil,
            message: "the columns \(read.names.map { Echo.quoted($0) }.joined(separator: ", ")) have \(n) complete row\(n == 1 ? "" : "s")\(droppedNote); a \(d)-dimensional fit needs at least \(d + 1)"))
      }
      do {
        sample = try Sample(columns: read.values)
      } catch {
        throw failure(error, at: "data")
      }
    }
    // EM with missing values (issue 14): hidden cells of generated data, or a CSV file's
    // missing cells kept by "missing": "model". The kept rows with each missing cell at its
    // column's observed mean give the grid's extent and the starts; the density is
    // estimated from the complete rows.
    var truth: Sample? = nil
    var incomplete: IncompleteSample? = nil
    if let hide = experiment.hide {
      truth = sample
      sample = hide.apply(to: sample, seed: experiment.seed)
    }
    if experiment.modelsMissing {
      for j in 0..<d {
        let place: String
        if case .csv(let csvPath, _, _, _, _) = experiment.data { place = "column \(Echo.quoted(labels[j])) of \(csvPath)" } else { place = "coordinate \(j + 1)" }
        let observed = (0..<sample.count).map { sample.values[j * sample.count + $0] }.filter { !$0.isNaN }
        guard let low = observed.min(), let high = observed.max() else {
          throw .invalidInput(
            InputError(
              file: configFile, position: nil,
              message: "\(path).data: \(place) has no value in any row; a fit with missing values needs some observed cells in every column: leave it out\(experiment.hide != nil ? " or hide a smaller fraction" : "")"))
        }
        if low == high {
          throw .invalidInput(
            InputError(
              file: configFile, position: nil,
              message: "\(path).data: \(place) has the same value (\(Display.exact(low))) in every row that observes it (\(Display.count(observed.count)) of \(Display.count(sample.count))), so no covariance of it can be fitted: leave it out\(experiment.hide != nil ? " or hide a smaller fraction" : "")"))
        }
      }
      do {
        incomplete = try IncompleteSample(sample)
      } catch {
        throw failure(error, at: "data")
      }
    }
    let observedSample = sample
    if let incomplete { sample = incomplete.meanImputed }
    let n = sample.count
    let fit = experiment.fit
    if let problem = fit.workProblem(n: n, path: "\(path).fit") {
      throw .invalidInput(InputError(file: configFile, position: nil, message: problem))
    }
    guard n >= fit.components.upperBound else {
      let key = fit.selectsComponents ? "fit.components.to" : "fit.components"
      throw .invalidInput(
        InputError(
          file: configFile, position: nil,
          message: "\(path).\(key) is \(fit.components.upperBound) but the data has only \(n) points; use at most \(n) components"))
    }
    // The density's settings are checked before any fitting, as in one dimension.
    var kde: MultivariateKDE?
    var kdeWarning: String?
    /// With missing values, the warning that replaces the density estimate, and what it costs.
    func noEstimate(_ reason: String) -> String {
      let dropped = d == 2 ? experiment.figureIDs.filter { $0 == .density || $0 == .fit }.map(\.rawValue) : []
      let consequence =
        d == 2
        ? (dropped.isEmpty
          ? "data/\(safeFileName(experiment.name))-grid.csv is not written"
          : "the \(dropped.map { "\"\($0)\"" }.joined(separator: " and ")) figure\(dropped.count == 1 ? " is" : "s are") left out and data/\(safeFileName(experiment.name))-grid.csv is not written")
        : "the pair grid's diagonal still estimates each column from its observed values"
      return "No kernel density estimate: \(reason); \(consequence)."
    }
    do {
      if let incomplete, incomplete.completeRows.count < d + 1 {
        // EM fits the rows by their observed cells; the density estimate needs complete ones.
        let complete = incomplete.completeRows.count
        kdeWarning = noEstimate(
          "\(complete == 0 ? "no row is" : "only \(Display.count(complete)) of the \(Display.count(incomplete.count)) rows \(complete == 1 ? "is" : "are")") complete, and a \(d)-dimensional estimate of the complete rows needs at least \(d + 1)")
      } else {
        kde = try MultivariateKDE(sample: incomplete.map(\.completeRows) ?? sample, rule: experiment.kde.bandwidth, adjust: experiment.kde.adjust)
      }
    } catch {
      if case .invalidParameters = error {
        let key = if case .fixed = experiment.kde.bandwidth { "kde.bandwidth" } else { "kde.adjust" }
        throw failure(error, at: key)
      }
      // With missing values a data problem of the complete rows (a singular covariance)
      // costs the density estimate, not the fit.
      guard incomplete != nil else { throw failure(error, at: "kde") }
      kdeWarning = noEstimate("the complete rows' \(error.description)")
    }
    var axes: [[Double]] = []
    if d == 2, let estimate = kde {
      axes = (0..<2).map { j in gridAxis(Array(sample.column(j)), sd: estimate.covariance[j * 2 + j].squareRoot(), cut: experiment.kde.cut) }
      if let problem = gridProblem(axes, kde: estimate, sample: sample, settings: experiment.kde) {
        // With missing values the complete rows may be nearly alike while the others spread
        // (a kernel far narrower than the grid): that costs the estimate, not the fit.
        guard incomplete != nil else {
          throw .invalidInput(InputError(file: configFile, position: nil, message: "\(path).kde\(problem.key): \(problem.message)"))
        }
        kdeWarning = noEstimate("the complete rows' estimate does not fit the data's grid (\(problem.message))")
        kde = nil
        axes = []
      }
    }
    let start: MultivariateStart
    switch fit.initialization {
    case .groups:
      let labels = groupLabels ?? []
      start = .groups(incomplete.map { kept in kept.keptRows.map { labels[$0] } } ?? labels)
    case .explicitMultivariate(let m): start = .fixed(m)
    case .kMeansPlusPlus: start = .kMeansPlusPlus
    case .random: start = .random
    case .quantiles, .explicit:
      throw failure(.invalidParameters("a one-dimensional start does not fit \(d) columns"), at: "fit.init")
    }
    let selection: Selection<MultivariateMixture>
    do {
      let options = EMOptions(maxEpochs: fit.epochs, tolerance: fit.tolerance, regularization: fit.regularization, observer: observer)
      if let incomplete {
        selection = try Selection.fit(
          incomplete, components: fit.components, types: fit.covarianceTypes, start: start, restarts: fit.restarts,
          seed: experiment.seed, options: options, criterion: fit.criterion)
      } else {
        selection = try Selection.fit(
          sample, components: fit.components, types: fit.covarianceTypes, start: start, restarts: fit.restarts,
          seed: experiment.seed, options: options, criterion: fit.criterion)
      }
    } catch {
      if case .inRun(_, _, let inner) = error, !fit.selects, fit.restarts == 1 { throw failure(inner, at: "fit") }
      throw failure(error, at: "fit")
    }
    let em = selection.best.best
    let m = em.fitted
    guard ([em.initialLogLikelihood, em.finalLogLikelihood] + m.weights + m.flatMeans + m.flatCovariances).allSatisfy(\.isFinite) else {
      throw .invalidInput(
        InputError(
          file: configFile, position: nil,
          message: "\(path).fit: the fit produced a value that is not finite; rescale the data or set fit.regularization > 0"))
    }
    var grid: GridDensity2D?
    var mixtureGrid: [Double] = []
    if d == 2, let kde, !axes.isEmpty {
      let g = kde.densityOnGrid(x: axes[0], y: axes[1], method: experiment.kde.method)
      grid = g
      mixtureGrid = axes[1].flatMap { y in axes[0].map { m.density(at: [$0, y]) } }
    }
    var missing: MissingOutcome? = nil
    if let incomplete {
      missing = missingOutcome(
        incomplete, observed: observedSample, truth: truth, fit: m, start: start, experiment: experiment, groupLabels: groupLabels)
      // The kept rows, each missing cell at its conditional mean under the fit.
      var values = incomplete.meanImputed.values
      var position = [Int](repeating: -1, count: observedSample.count)
      for (r, i) in incomplete.keptRows.enumerated() { position[i] = r }
      for cell in missing?.imputed ?? [] where position[cell.row] >= 0 {
        values[cell.coordinate * n + position[cell.row]] = cell.mean
        missing?.imputedCells[position[cell.row] * d + cell.coordinate] = cell.sd
      }
      sample = Sample(count: n, dimension: d, columnMajor: values)
      groupLabels = groupLabels.map { labels in incomplete.keptRows.map { labels[$0] } }
    }
    var stepsWarning: String?
    if let missing, experiment.figureIDs.contains(.steps),
      !(0..<n).contains(where: { missing.observes(row: $0, [0, 1], dimension: d) })
    {
      stepsWarning = "The \"steps\" figure is left out: no row observes both \(labels[0]) and \(labels[1])."
    }
    var assignments: [Int32], uncertainCount = 0
    var observedResponsibilities: [Double]? = nil
    if let incomplete {
      // A row with missing cells is classified by its observed cells (the E-step's
      // responsibilities), not by the density at its conditional mean.
      let k = m.componentCount
      let r = MissingDataEM.responsibilities(incomplete, at: m)
      assignments = [Int32](repeating: 0, count: n)
      for i in 0..<n {
        var best = 0
        for j in 1..<Swift.max(k, 1) where r[i * k + j] > r[i * k + best] { best = j }
        assignments[i] = Int32(best)
        if 1 - r[i * k + best] > 0.1 { uncertainCount += 1 }
      }
      observedResponsibilities = r
    } else {
      (assignments, uncertainCount) = m.classify(sample)
    }
    let variances = sample.variances
    let summaries = (0..<d).map { j in SampleSummary(observedSample.column(j).filter { !$0.isNaN }) }
    return MultivariateOutcome(
      config: experiment, sample: sample, groupLabels: groupLabels, droppedLines: droppedLines, trueMixture: trueMixture,
      selection: selection,
      warnings: Warnings.make(selection, fit: fit, n: n, dataVariance: variances.min() ?? 0, dimension: d) + [kdeWarning, stepsWarning].compactMap { $0 },
      kde: kde, grid: grid, mixtureGrid: mixtureGrid, assignments: assignments, uncertainCount: uncertainCount,
      summaries: summaries, labels: labels.map { experiment.transform?.label($0) ?? $0 }, missing: missing,
      observedResponsibilities: observedResponsibilities)
  }

  /// The missingness counts, the imputed cells, the complete-case fit of the chosen K and
  /// type, and (for hidden cells) the imputation errors.
  static func missingOutcome(
    _ incomplete: IncompleteSample, observed: Sample, truth: Sample?, fit m: MultivariateMixture, start: MultivariateStart,
    experiment: ExperimentConfig, groupLabels: [Int32]?
  ) -> MissingOutcome {
    let n = observed.count, d = observed.dimension
    let perColumn = (0..<d).map { j in (0..<n).count { observed.values[j * n + $0].isNaN } }
    let patterns = incomplete.patternCounts
    let imputed = MissingDataEM.impute(incomplete, at: m)
    var truthValues: [Double]? = nil
    var rmse: (Double, Double)? = nil
    if let truth {
      let values = imputed.map { truth.values[$0.coordinate * n + $0.row] }
      truthValues = values
      if !imputed.isEmpty {
        let em = zip(imputed, values).reduce(0.0) { $0 + ($1.0.mean - $1.1) * ($1.0.mean - $1.1) }
        let mean = zip(imputed, values).reduce(0.0) { total, pair in
          let e = incomplete.observedMeans[pair.0.coordinate] - pair.1
          return total + e * e
        }
        rmse = ((em / Double(imputed.count)).squareRoot(), (mean / Double(imputed.count)).squareRoot())
      }
    }
    // Complete-case analysis: the chosen K and type on the complete rows, from starts made
    // there the same way (group labels of the complete rows for "groups").
    let complete = incomplete.completeRows
    let k = m.componentCount
    var completeCase: Result<MultivariateMixture, MissingOutcome.CompleteCaseFailure>
    if complete.count <= max(k, d) {
      completeCase = .failure(.init(reason: "only \(complete.count) row\(complete.count == 1 ? "" : "s") observe every coordinate, too few for \(k) component\(k == 1 ? "" : "s") in \(d) dimensions"))
    } else {
      var completeStart = start
      if case .groups = start, let labels = groupLabels { completeStart = .groups(incomplete.completeRowIndices.map { labels[$0] }) }
      let fit = experiment.fit
      do {
        let selection = try Selection.fit(
          complete, components: k...k, types: [m.covarianceType], start: completeStart, restarts: fit.restarts, seed: experiment.seed,
          options: EMOptions(maxEpochs: fit.epochs, tolerance: fit.tolerance, regularization: fit.regularization))
        completeCase = .success(selection.best.best.fitted)
      } catch {
        completeCase = .failure(.init(reason: "its fit failed: \(error.description)"))
      }
    }
    return MissingOutcome(
      rows: n, missingPerColumn: perColumn, patterns: patterns, incomplete: incomplete, imputed: imputed, truth: truthValues,
      completeCase: completeCase, rmse: rmse)
  }

  /// What is wrong, checked before any fitting, when the 2-D grid's ends are not finite, its
  /// step is not resolvable at its numbers, or the kernel is below 10⁻⁹ of the data's range
  /// on an axis (the estimate would be spikes at the points): the 1-D rules, per axis. `key`
  /// follows `kde` in the key path ("" or ".bandwidth"/".adjust"); nil when the grid is sound.
  static func gridProblem(
    _ axes: [[Double]], kde: MultivariateKDE, sample: Sample, settings: KDEConfig
  ) -> (key: String, message: String)? {
    let bandwidthKey = if case .fixed = settings.bandwidth { ".bandwidth" } else { ".adjust" }
    for (j, axis) in axes.enumerated() {
      let h = kde.covariance[j * 2 + j].squareRoot()
      let column = sample.column(j)
      let range = (column.max() ?? 0) - (column.min() ?? 0)
      guard let low = axis.first, let high = axis.last, low.isFinite, high.isFinite, (high - low).isFinite else {
        return ("", "the grid [min − cut·h, max + cut·h] of column \(j + 1) overflows (cut \(Display.number(settings.cut, significant: 3)), h \(Display.number(h, significant: 3))); lower kde.cut, kde.bandwidth or kde.adjust")
      }
      guard range.isFinite, h >= range * 1e-9 else {
        return (
          bandwidthKey,
          "the kernel's sd on column \(j + 1), \(Display.number(h, significant: 3)), is below 10⁻⁹ × its range \(Display.number(range, significant: 3)); the estimate would be a spike at each point: use a larger bandwidth factor"
        )
      }
      let step = (high - low) / Double(max(axis.count - 1, 1))
      guard step > max(abs(low), abs(high)).ulp * 4 else {
        return ("", "the grid's step on column \(j + 1), \(Display.number(step, significant: 3)), is below the resolution of numbers around \(Display.number(max(abs(low), abs(high)), significant: 3)); rescale or centre the data")
      }
    }
    return nil
  }

  /// ``gridSide`` points from min − cut·h to max + cut·h, h the kernel's sd on that axis.
  static func gridAxis(_ values: [Double], sd: Double, cut: Double) -> [Double] {
    let low = (values.min() ?? 0) - cut * sd, high = (values.max() ?? 0) + cut * sd
    return (0..<gridSide).map { low + (high - low) * Double($0) / Double(gridSide - 1) }
  }
}
