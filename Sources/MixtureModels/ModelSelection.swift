/// How EM's starting parameters are chosen for a number of components.
public enum StartMethod: Sendable, Equatable {
  /// ``Initialization/kMeansPlusPlus(_:components:random:regularization:lloydIterations:)``.
  case kMeansPlusPlus
  /// ``Initialization/randomFromData(_:components:random:)``.
  case random
  /// ``Initialization/quantiles(_:components:)``.
  case quantiles
  /// Given parameters (explicit, or the generating groups); only for their own `K`.
  case fixed(GaussianMixture)

  /// Whether the start depends on the random stream, so that restarts differ.
  public var isRandom: Bool {
    switch self {
    case .kMeansPlusPlus, .random: true
    case .quantiles, .fixed: false
    }
  }

  /// The start for `K` components from `random`.
  func start(_ data: [Double], components k: Int, random: inout RandomSource, regularization: Double) throws(MixtureError) -> GaussianMixture {
    switch self {
    case .kMeansPlusPlus:
      return try Initialization.kMeansPlusPlus(data, components: k, random: &random, regularization: regularization)
    case .random:
      return try Initialization.randomFromData(data, components: k, random: &random)
    case .quantiles:
      return try Initialization.quantiles(data, components: k)
    case .fixed(let mixture):
      guard mixture.componentCount == k else {
        throw .invalidParameters("the given start has \(mixture.componentCount) components, not \(k)")
      }
      return mixture
    }
  }
}

/// EM run from several starts for one `K` and covariance type, and the run kept.
public struct RestartedRuns<Model: MixtureModel>: Sendable, Equatable {
  /// The number of components.
  public var components: Int
  /// The shape of the covariances.
  public var covarianceType: CovarianceType
  /// One run per start, in order; start `r` (1-based) is `runs[r − 1]`.
  public var runs: [EMRun<Model>]
  /// The index in `runs` of the run kept.
  public var chosen: Int

  public init(components: Int, covarianceType: CovarianceType = .full, runs: [EMRun<Model>], chosen: Int) {
    self.components = components
    self.covarianceType = covarianceType
    self.runs = runs
    self.chosen = chosen
  }

  /// The run kept.
  public var best: EMRun<Model> { runs[chosen] }

  /// The index of the run to keep: the earliest start whose final log-likelihood is
  /// within rounding (``RestartedRuns/tieTolerance``, relative) of the highest, among the
  /// runs with no collapsed component (among all runs when every one collapsed). A
  /// collapsed component's spike on one value raises the likelihood without describing
  /// the data, so it never wins over a sound fit; and starts that reach the same optimum
  /// by different paths differ only in the last digits, which must not decide.
  static func choose(_ runs: [EMRun<Model>]) -> Int {
    let sound = runs.indices.filter { !runs[$0].isCollapsed }
    let candidates = sound.isEmpty ? Array(runs.indices) : sound
    let highest = candidates.map { runs[$0].finalLogLikelihood }.max() ?? 0
    let margin = tieTolerance * Swift.max(1, abs(highest))
    return candidates.first { runs[$0].finalLogLikelihood >= highest - margin } ?? candidates[0]
  }

  /// Final log-likelihoods this close, relative, count as the same optimum.
  public static var tieTolerance: Double { 1e-10 }
}

extension EMRun {
  /// Every epoch given the final parameters (shared storage): the trace of log-likelihoods
  /// stays, the per-epoch parameters go.
  mutating func compact() {
    let final = fitted
    for e in epochs.indices { epochs[e].mixture = final }
  }
}

/// Restarts of a one-dimensional fit.
public typealias RestartedFit = RestartedRuns<GaussianMixture>

/// The information criterion that picks the number of components (lower is better).
public enum InformationCriterion: String, Sendable, Equatable, CaseIterable {
  /// `p log n − 2 log L`.
  case bic
  /// `2p − 2 log L`.
  case aic

  /// The criterion's value for a run.
  public func value<Model>(_ result: EMRun<Model>) -> Double {
    switch self {
    case .bic: result.bic
    case .aic: result.aic
    }
  }
}

/// The fits for every `K` and covariance type tried, and the one chosen.
public struct Selection<Model: MixtureModel>: Sendable, Equatable {
  public var criterion: InformationCriterion
  /// One fit per (type, `K`): the types in the order asked for, `K` increasing within each.
  public var fits: [RestartedRuns<Model>]
  /// The index in `fits` of the chosen pair.
  public var chosen: Int

  public init(criterion: InformationCriterion, fits: [RestartedRuns<Model>], chosen: Int) {
    self.criterion = criterion
    self.fits = fits
    self.chosen = chosen
  }

  /// The chosen fit.
  public var best: RestartedRuns<Model> { fits[chosen] }

  /// Fits every type in `types` and `K` in `components` from `restarts` starts each and
  /// chooses the pair.
  ///
  /// K = 1 has a closed form (weight 1, the sample's mean and covariance of the type, plus
  /// the regularization), which one EM step reaches exactly from any start: it runs one
  /// start for one epoch (`options.maxEpochs` 1), marked converged; not with missing values
  /// (`oneIsClosedForm` false), where even one normal needs EM.
  ///
  /// Start `r` (1-based) of every `K` and type draws from `RandomSource(seed: seed, stream: r)`,
  /// so a run is reproduced from the seed, `K` and `r` alone (and every type starts from the
  /// same draws). The chosen pair has the lowest criterion among those whose kept run has no
  /// collapsed component (among all when none is sound); a tie goes to fewer parameters, then
  /// the smaller `K`.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` for fewer than one restart or no type,
  ///   ``MixtureError/inRun(components:restart:_:)`` wrapping the first run's error.
  static func select(
    components: ClosedRange<Int>, types: [CovarianceType], restarts: Int, seed: UInt64, criterion: InformationCriterion,
    options: EMOptions, compact: Bool = false, oneIsClosedForm: Bool = true,
    run: (_ k: Int, _ type: CovarianceType, _ options: EMOptions, _ random: inout RandomSource) throws(MixtureError) -> EMRun<Model>
  ) throws(MixtureError) -> Selection<Model> {
    guard restarts >= 1 else { throw .invalidParameters("restarts must be ≥ 1, got \(restarts)") }
    guard !types.isEmpty else { throw .invalidParameters("at least one covariance type is needed") }
    var fits: [RestartedRuns<Model>] = []
    for type in types {
      for k in components {
        var runs: [EMRun<Model>] = []
        let closedForm = k == 1 && oneIsClosedForm
        var settings = options
        if closedForm { settings.maxEpochs = Swift.min(options.maxEpochs, 1) }
        for r in 1...(closedForm ? 1 : restarts) {
          var random = RandomSource(seed: seed, stream: r)
          do {
            var result = try run(k, type, settings, &random)
            if closedForm && !result.epochs.isEmpty { result.converged = true }
            runs.append(result)
            options.observer?.startFinished(result.epochs.count)
          } catch {
            throw .inRun(components: k, restart: r, error)
          }
        }
        var fit = RestartedRuns(components: k, covarianceType: type, runs: runs, chosen: RestartedRuns.choose(runs))
        if compact {
          // The other starts' traces are dropped as soon as the kept one is known.
          for r in fit.runs.indices where r != fit.chosen { fit.runs[r].compact() }
        }
        fits.append(fit)
      }
    }
    let sound = fits.indices.filter { !fits[$0].best.isCollapsed }
    let candidates = sound.isEmpty ? Array(fits.indices) : sound
    func key(_ i: Int) -> (Double, Int, Int) {
      (criterion.value(fits[i].best), fits[i].best.fitted.freeParameterCount, fits[i].components)
    }
    var chosen = candidates[0]
    for i in candidates.dropFirst() where key(i) < key(chosen) { chosen = i }
    return Selection(criterion: criterion, fits: fits, chosen: chosen)
  }

  /// The selection with every run but the chosen fit's kept one reduced to its
  /// log-likelihoods and final parameters (which all its epochs then share): what reports
  /// use of them. Memory then follows epochs × runs, not epochs × runs × K d².
  func compacted() -> Selection<Model> {
    var copy = self
    for f in copy.fits.indices {
      for r in copy.fits[f].runs.indices where !(f == chosen && r == copy.fits[f].chosen) { copy.fits[f].runs[r].compact() }
    }
    return copy
  }
}

/// A one-dimensional model selection.
public typealias ModelSelection = Selection<GaussianMixture>

extension Selection where Model == GaussianMixture {
  /// Fits every `K` in `components` (and every type in `types`), each from `restarts`
  /// starts, and chooses the pair (see ``Selection/select(components:types:restarts:seed:criterion:run:)``).
  /// - Parameters:
  ///   - data: The sample.
  ///   - components: The `K` to try, each ≥ 1 and at most `data.count`.
  ///   - start: How each run starts.
  ///   - restarts: Starts per `K`, ≥ 1.
  ///   - seed: The experiment's seed.
  ///   - options: EM's settings, the same for every run.
  ///   - criterion: BIC or AIC.
  ///   - types: The covariance types; in one dimension only `tied` differs from the rest.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` for fewer than one restart,
  ///   ``MixtureError/invalidData(_:)`` for data EM cannot fit (see
  ///   ``ExpectationMaximization/fit(_:from:options:)``), or
  ///   ``MixtureError/inRun(components:restart:_:)`` wrapping the first run's error: a
  ///   start that cannot be made, or EM breaking down.
  public static func fit(
    _ data: [Double], components: ClosedRange<Int>, start: StartMethod, restarts: Int, seed: UInt64,
    options: EMOptions, criterion: InformationCriterion = .bic, types: [CovarianceType] = [.full]
  ) throws(MixtureError) -> ModelSelection {
    guard restarts >= 1 else { throw .invalidParameters("restarts must be ≥ 1, got \(restarts)") }
    let variance = try ExpectationMaximization.checkData(data)
    return try select(components: components, types: types, restarts: restarts, seed: seed, criterion: criterion, options: options) {
      (k, type, options, random) throws(MixtureError) in
      let initial = try start.start(data, components: k, random: &random, regularization: options.regularization)
      return try ExpectationMaximization.fit(
        checked: data, variance: variance, from: initial.withCovarianceType(type), options: options)
    }
  }
}
