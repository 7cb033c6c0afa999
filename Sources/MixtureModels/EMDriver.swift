/// What the EM driver, model selection and reports need of a mixture, whatever its
/// dimension: ``GaussianMixture`` (one dimension) and ``MultivariateMixture``.
public protocol MixtureModel: Sendable, Equatable {
  /// The number of components.
  var componentCount: Int { get }
  /// The number of free parameters (scikit-learn's `_n_parameters`).
  var freeParameterCount: Int { get }
  /// The mixing weights.
  var weights: [Double] { get }
  /// The shape of the covariances.
  var covarianceType: CovarianceType { get }
}

/// One sweep over the data and the M-step that follows it, for one kind of model: the
/// fused one-dimensional kernel, its two-pass reference, the d-dimensional kernel. The
/// driver (``EMDriver``) owns everything else.
protocol EMPass {
  associatedtype Model: MixtureModel
  associatedtype Sums
  /// The number of points.
  var sampleCount: Int { get }
  /// The sweep at `model`: the log-likelihood there and what the next M-step needs.
  func sweep(_ model: Model) -> Sums
  /// The total log-likelihood in `sums`.
  func logLikelihood(_ sums: Sums) -> Double
  /// The M-step from `sums` (taken at `model`), and per component why it collapsed in
  /// this step.
  func mStep(_ sums: Sums, from model: Model, epoch: Int) throws(MixtureError) -> (Model, [Collapse.Reason?])
}

/// The epoch loop for every kind of model: E-step and M-step pairs until the tolerance
/// or the epoch limit, the trace, collapse bookkeeping and the finiteness guard.
enum EMDriver {
  static func run<Pass: EMPass>(_ pass: Pass, from initial: Pass.Model, options: EMOptions) throws(MixtureError) -> EMRun<Pass.Model> {
    let n = pass.sampleCount
    var current = initial
    var sums = pass.sweep(current)
    let initialLogLikelihood = pass.logLikelihood(sums)
    var records: [EMEpoch<Pass.Model>] = []
    records.reserveCapacity(Swift.min(options.maxEpochs, 10_000))
    var converged = false
    var collapses: [Collapse] = []
    var epoch = 0
    while epoch < options.maxEpochs {
      epoch += 1
      let (next, collapsedNow) = try pass.mStep(sums, from: current, epoch: epoch)
      current = next
      for (j, reason) in collapsedNow.enumerated() {
        if let reason, !collapses.contains(where: { $0.component == j }) {
          collapses.append(Collapse(component: j, epoch: epoch, reason: reason))
        }
      }
      let previous = pass.logLikelihood(sums)
      sums = pass.sweep(current)
      let logLikelihood = pass.logLikelihood(sums)
      guard logLikelihood.isFinite else {
        throw .degenerate(component: 0, epoch: epoch, detail: "the log-likelihood is not finite")
      }
      records.append(EMEpoch(epoch: epoch, logLikelihood: logLikelihood, mixture: current))
      options.observer?.epochFinished(epoch)
      if abs(logLikelihood - previous) / Double(n) < options.tolerance {
        converged = true
        break
      }
    }
    return EMRun(
      initial: initial, initialLogLikelihood: initialLogLikelihood, epochs: records,
      converged: converged, sampleCount: n, collapses: collapses)
  }
}

/// The state after one EM epoch.
public struct EMEpoch<Model: MixtureModel>: Sendable, Equatable {
  /// The 1-based epoch number.
  public var epoch: Int
  /// The total observed-data log-likelihood at the parameters after this epoch's M-step.
  public var logLikelihood: Double
  /// The parameters after this epoch's M-step.
  public var mixture: Model

  public init(epoch: Int, logLikelihood: Double, mixture: Model) {
    self.epoch = epoch
    self.logLikelihood = logLikelihood
    self.mixture = mixture
  }
}

/// The outcome of an EM run.
public struct EMRun<Model: MixtureModel>: Sendable, Equatable {
  /// The starting parameters.
  public var initial: Model
  /// The total log-likelihood at the starting parameters.
  public var initialLogLikelihood: Double
  /// One record per epoch run, in order.
  public var epochs: [EMEpoch<Model>]
  /// Whether the run stopped because the tolerance was reached (false when it ran out of epochs).
  public var converged: Bool
  /// The number of data points fitted.
  public var sampleCount: Int
  /// The components that collapsed, each with the first epoch it happened (in order of
  /// epoch, then component).
  public var collapses: [Collapse] = []

  public init(
    initial: Model, initialLogLikelihood: Double, epochs: [EMEpoch<Model>], converged: Bool, sampleCount: Int,
    collapses: [Collapse] = []
  ) {
    self.initial = initial
    self.initialLogLikelihood = initialLogLikelihood
    self.epochs = epochs
    self.converged = converged
    self.sampleCount = sampleCount
    self.collapses = collapses
  }

  /// Whether any component collapsed.
  public var isCollapsed: Bool { !collapses.isEmpty }
  /// The change of the mean per-sample log-likelihood in the last epoch (what the
  /// tolerance is compared with), or `nil` when no epoch ran.
  public var lastChange: Double? {
    guard let last = epochs.last else { return nil }
    let previous = epochs.count >= 2 ? epochs[epochs.count - 2].logLikelihood : initialLogLikelihood
    return (last.logLikelihood - previous) / Double(sampleCount)
  }

  /// The fitted parameters (the initial ones when no epoch ran).
  public var fitted: Model { epochs.last?.mixture ?? initial }
  /// The final total log-likelihood.
  public var finalLogLikelihood: Double { epochs.last?.logLikelihood ?? initialLogLikelihood }
  /// Akaike's information criterion, `2p − 2 log L` (lower is better).
  public var aic: Double { 2 * Double(fitted.freeParameterCount) - 2 * finalLogLikelihood }
  /// The Bayesian information criterion, `p log n − 2 log L` (lower is better).
  public var bic: Double {
    Double(fitted.freeParameterCount) * _log(Double(sampleCount)) - 2 * finalLogLikelihood
  }
}

/// A one-dimensional EM run.
public typealias EMResult = EMRun<GaussianMixture>
/// An epoch of a one-dimensional EM run.
public typealias EpochRecord = EMEpoch<GaussianMixture>
