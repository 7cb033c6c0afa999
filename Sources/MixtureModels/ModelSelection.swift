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

/// EM run from several starts for one `K`, and the run kept.
public struct RestartedFit: Sendable, Equatable {
  /// The number of components.
  public var components: Int
  /// One run per start, in order; start `r` (1-based) is `runs[r − 1]`.
  public var runs: [EMResult]
  /// The index in `runs` of the run kept.
  public var chosen: Int

  /// The run kept.
  public var best: EMResult { runs[chosen] }

  /// The index of the run to keep: the earliest start whose final log-likelihood is
  /// within rounding (``RestartedFit/tieTolerance``, relative) of the highest, among the
  /// runs with no collapsed component (among all runs when every one collapsed). A
  /// collapsed component's spike on one value raises the likelihood without describing
  /// the data, so it never wins over a sound fit; and starts that reach the same optimum
  /// by different paths differ only in the last digits, which must not decide.
  static func choose(_ runs: [EMResult]) -> Int {
    let sound = runs.indices.filter { !runs[$0].isCollapsed }
    let candidates = sound.isEmpty ? Array(runs.indices) : sound
    let highest = candidates.map { runs[$0].finalLogLikelihood }.max() ?? 0
    let margin = tieTolerance * Swift.max(1, abs(highest))
    return candidates.first { runs[$0].finalLogLikelihood >= highest - margin } ?? candidates[0]
  }

  /// Final log-likelihoods this close, relative, count as the same optimum.
  public static let tieTolerance = 1e-10
}

/// The information criterion that picks the number of components (lower is better).
public enum InformationCriterion: String, Sendable, Equatable, CaseIterable {
  /// `p log n − 2 log L`.
  case bic
  /// `2p − 2 log L`.
  case aic

  /// The criterion's value for a run.
  public func value(_ result: EMResult) -> Double {
    switch self {
    case .bic: result.bic
    case .aic: result.aic
    }
  }
}

/// The fits for a range of `K` and the one chosen.
public struct ModelSelection: Sendable, Equatable {
  public var criterion: InformationCriterion
  /// One fit per `K`, in increasing `K`.
  public var fits: [RestartedFit]
  /// The index in `fits` of the chosen `K`.
  public var chosen: Int

  /// The chosen fit.
  public var best: RestartedFit { fits[chosen] }

  /// Fits every `K` in `components`, each from `restarts` starts, and chooses `K`.
  ///
  /// Start `r` (1-based) of every `K` draws from `RandomSource(seed: seed, stream: r)`,
  /// so a run is reproduced from the seed, `K` and `r` alone. The chosen `K` has the
  /// lowest criterion among the `K` whose kept run has no collapsed component (among all
  /// when none is sound); the smallest `K` on a tie.
  /// - Parameters:
  ///   - data: The sample.
  ///   - components: The `K` to try, each ≥ 1 and at most `data.count`.
  ///   - start: How each run starts.
  ///   - restarts: Starts per `K`, ≥ 1.
  ///   - seed: The experiment's seed.
  ///   - options: EM's settings, the same for every run.
  ///   - criterion: BIC or AIC.
  /// - Throws: ``MixtureError/invalidParameters(_:)`` for fewer than one restart,
  ///   ``MixtureError/invalidData(_:)`` for data EM cannot fit (see
  ///   ``ExpectationMaximization/fit(_:from:options:)``), or
  ///   ``MixtureError/inRun(components:restart:_:)`` wrapping the first run's error: a
  ///   start that cannot be made, or EM breaking down.
  public static func fit(
    _ data: [Double], components: ClosedRange<Int>, start: StartMethod, restarts: Int, seed: UInt64,
    options: EMOptions, criterion: InformationCriterion = .bic
  ) throws(MixtureError) -> ModelSelection {
    guard restarts >= 1 else { throw .invalidParameters("restarts must be ≥ 1, got \(restarts)") }
    let variance = try ExpectationMaximization.checkData(data)
    var fits: [RestartedFit] = []
    for k in components {
      var runs: [EMResult] = []
      for r in 1...restarts {
        var random = RandomSource(seed: seed, stream: r)
        do {
          let initial = try start.start(data, components: k, random: &random, regularization: options.regularization)
          runs.append(try ExpectationMaximization.fit(checked: data, variance: variance, from: initial, options: options))
        } catch {
          throw .inRun(components: k, restart: r, error)
        }
      }
      fits.append(RestartedFit(components: k, runs: runs, chosen: RestartedFit.choose(runs)))
    }
    let sound = fits.indices.filter { !fits[$0].best.isCollapsed }
    let candidates = sound.isEmpty ? Array(fits.indices) : sound
    var chosen = candidates[0]
    for i in candidates.dropFirst() where criterion.value(fits[i].best) < criterion.value(fits[chosen].best) {
      chosen = i
    }
    return ModelSelection(criterion: criterion, fits: fits, chosen: chosen)
  }
}
