/// Settings of an EM run.
public struct EMOptions: Sendable, Equatable {
  /// The largest number of epochs (E-step + M-step pairs) to run.
  public var maxEpochs: Int
  /// Stop when the change of the mean per-sample log-likelihood between epochs falls
  /// below this (scikit-learn's `tol`); `0` runs exactly `maxEpochs` epochs.
  public var tolerance: Double
  /// Added to every variance in each M-step (scikit-learn's `reg_covar`).
  public var regularization: Double
  /// The number of threads; `nil` uses one per core for large samples and one for small
  /// ones. The results are bit-identical whatever the number.
  public var threads: Int?
  /// Told of every epoch and every finished start (a progress display). It never changes a
  /// result, so options that differ only in their observer are equal.
  public var observer: EMObserver?

  /// Creates options; the defaults are the tutorial's 20 epochs, no tolerance, no regularization.
  public init(
    maxEpochs: Int = 20, tolerance: Double = 0, regularization: Double = 0, threads: Int? = nil, observer: EMObserver? = nil
  ) {
    self.maxEpochs = maxEpochs
    self.tolerance = tolerance
    self.regularization = regularization
    self.threads = threads
    self.observer = observer
  }

  public static func == (a: EMOptions, b: EMOptions) -> Bool {
    a.maxEpochs == b.maxEpochs && a.tolerance == b.tolerance && a.regularization == b.regularization && a.threads == b.threads
  }
}

/// Watches EM as it runs: called on the fitting thread, after each epoch of each start and
/// after each start (``Selection``'s restarts). It should return at once.
public struct EMObserver: Sendable {
  /// After epoch `epoch` (1-based) of the current start.
  public var epochFinished: @Sendable (_ epoch: Int) -> Void
  /// After a start, with the number of epochs it ran.
  public var startFinished: @Sendable (_ epochs: Int) -> Void

  public init(epochFinished: @escaping @Sendable (Int) -> Void, startFinished: @escaping @Sendable (Int) -> Void) {
    self.epochFinished = epochFinished
    self.startFinished = startFinished
  }
}

/// A component that collapsed during EM: its variance reached the floor set by the
/// regularization, or its weight fell below one data point's share, `1/n`.
public struct Collapse: Sendable, Equatable {
  public enum Reason: Sendable, Equatable {
    /// `Σ r (x − μ)² / Σ r` at or below the floor, the larger of the regularization and
    /// ``Collapse/relativeFloor`` times the data's variance (an sd a millionth of the
    /// data's): the component sits on a single value or a few.
    case varianceAtFloor
    /// `Σ r < 1`: less than one point's worth of responsibility.
    case weightBelowOnePoint

    /// `varianceAtFloor` or `weightBelowOnePoint`, as files spell it.
    public var name: String {
      switch self {
      case .varianceAtFloor: "varianceAtFloor"
      case .weightBelowOnePoint: "weightBelowOnePoint"
      }
    }
  }
  /// The fraction of the data's variance below which a component's variance counts as
  /// collapsed even without regularization.
  public static let relativeFloor = 1e-12
  /// The 0-based component.
  public var component: Int
  /// The first epoch it happened.
  public var epoch: Int
  public var reason: Reason
}

/// Expectation-Maximization for a one-dimensional Gaussian mixture.
///
/// Each epoch is the tutorial's: an E-step computes responsibilities at the current
/// parameters (in log space: `log w_k + log φ_k(x)` normalised by log-sum-exp, so no
/// point ever gives 0/0), then an M-step sets `N_k = Σ r_ik`, `μ_k = Σ r_ik x_i / N_k`,
/// `σ_k² = Σ r_ik (x_i − μ_k)² / N_k + regularization` (with the new mean) and
/// `w_k = N_k / n`. The log-likelihood recorded for epoch `i` is the total observed-data
/// log-likelihood at the parameters after epoch `i`'s M-step.
///
/// The two steps are fused: one sweep over the data (``EMKernel``) computes the
/// log-likelihood at the current parameters together with the sums the next M-step
/// needs, so a run of `E` epochs reads the data `E + 1` times and never stores the
/// n × K responsibilities. The sums are taken about each component's current mean,
/// `d = x − μ_k`, and the new variance is `(Σ r d² − 2δ Σ r d + δ² Σ r) / N_k` with
/// `δ` the mean's change, so data near 10⁶ with an sd of 1 keeps its digits.
public enum ExpectationMaximization {
  /// Fits a mixture to `data` from `initial`.
  /// - Parameters:
  ///   - data: The sample; at least two finite values.
  ///   - initial: The starting parameters.
  ///   - options: Epoch limit, tolerance, regularization and threads.
  /// - Returns: Every epoch's parameters and log-likelihood.
  /// - Throws: ``MixtureError/invalidData(_:)`` for unusable data (too few points, a
  ///   value that is not finite, values so small or large that their variance underflows
  ///   or overflows), ``MixtureError/degenerate(component:epoch:detail:)`` when a
  ///   component loses all weight or variance so the numbers would stop being finite.
  /// - Complexity: O(epochs · n · K).
  public static func fit(
    _ data: [Double], from initial: GaussianMixture, options: EMOptions = EMOptions()
  ) throws(MixtureError) -> EMResult {
    let variance = try checkData(data)
    return try fit(checked: data, variance: variance, from: initial, options: options)
  }

  /// Fails unless `data` has at least two values, all finite, whose variance neither
  /// underflows nor overflows (unless they are all equal); returns their variance
  /// (ddof 0), which shares the check's pass over the data.
  static func checkData(_ data: [Double]) throws(MixtureError) -> Double {
    guard data.count >= 2 else {
      throw .invalidData("EM needs at least 2 data points, got \(data.count)")
    }
    let (sum, allFinite) = data.withUnsafeBufferPointer { Statistics.sum($0) }
    guard allFinite else {
      throw .invalidData("data must be finite, got \(data.first(where: { !$0.isFinite }) ?? .nan)")
    }
    let variance = data.withUnsafeBufferPointer { Statistics.variance($0, sum: sum, ddof: 0) }
    if let problem = Statistics.spreadProblem(data, variance: variance) { throw .invalidData(problem) }
    return variance
  }

  /// ``fit(_:from:options:)`` for data already checked, with its variance (ddof 0)
  /// computed once by the caller.
  static func fit(
    checked data: [Double], variance: Double, from initial: GaussianMixture, options: EMOptions
  ) throws(MixtureError) -> EMResult {
    let result: Result<EMResult, MixtureError> = data.withUnsafeBufferPointer { buffer in
      let pass = UnivariatePass(
        data: buffer, threads: options.threads, regularization: options.regularization,
        collapseFloor: max(options.regularization, Collapse.relativeFloor * variance))
      do throws(MixtureError) {
        return .success(try EMDriver.run(pass, from: initial, options: options))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The fused kernel as the driver's pass.
  struct UnivariatePass: EMPass {
    let data: UnsafeBufferPointer<Double>
    let threads: Int?
    let regularization: Double
    let collapseFloor: Double
    var sampleCount: Int { data.count }
    func sweep(_ model: GaussianMixture) -> PassSums { EMKernel.pass(data, model, threads: threads) }
    func logLikelihood(_ sums: PassSums) -> Double { sums.logLikelihood }
    func mStep(_ sums: PassSums, from model: GaussianMixture, epoch: Int) throws(MixtureError) -> (GaussianMixture, [Collapse.Reason?]) {
      try ExpectationMaximization.mStep(sums, model, regularization: regularization, collapseFloor: collapseFloor, epoch: epoch)
    }
  }

  /// The tutorial's M-step from one pass's shifted sums, with scikit-learn's guard:
  /// `N_k = Σ r_ik + 10 ε` (so an empty component keeps finite numbers) and the weights
  /// normalised to sum to 1. With `d = x − μ_old`, `Σ r x = Σ r d + μ_old Σ r`, so the
  /// new mean is `μ_old + δ` with `δ = (Σ r d − 10 ε μ_old) / N_k`, exactly
  /// scikit-learn's `Σ r x / N_k`, and `Σ r (x − μ)² = Σ r d² − 2δ Σ r d + δ² Σ r`.
  /// - Returns: The new parameters and, per component, why it collapsed in this step.
  static func mStep(
    _ sums: PassSums, _ current: GaussianMixture, regularization: Double, collapseFloor: Double, epoch: Int
  ) throws(MixtureError) -> (GaussianMixture, [Collapse.Reason?]) {
    let k = current.componentCount
    var masses = [Double](repeating: 0, count: k)
    var means = [Double](repeating: 0, count: k)
    var sds = [Double](repeating: 0, count: k)
    var collapsed = [Collapse.Reason?](repeating: nil, count: k)
    let weightOfEmpty = 10 * Double.ulpOfOne
    var squares = [Double](repeating: 0, count: k)
    for j in 0..<k {
      let mass = sums.mass[j] + weightOfEmpty
      let delta = (sums.first[j] - weightOfEmpty * current.means[j]) / mass
      masses[j] = mass
      means[j] = current.means[j] + delta
      squares[j] = max(0, sums.second[j] - delta * (2 * sums.first[j] - delta * sums.mass[j]))
    }
    let pooled = current.covarianceType == .tied ? squares.reduce(0, +) / masses.reduce(0, +) : nil
    for j in 0..<k {
      (sds[j], collapsed[j]) = try finish(
        component: j, responsibility: sums.mass[j], mean: means[j], spread: pooled ?? squares[j] / masses[j],
        regularization: regularization, collapseFloor: collapseFloor, epoch: epoch)
    }
    let total = masses.reduce(0, +)
    return (GaussianMixture(unchecked: masses.map { $0 / total }, means, sds, type: current.covarianceType), collapsed)
  }

  /// The end of either M-step (this one's and ``ReferenceEM``'s) for component `j`, given
  /// its total responsibility `Σ r`, new mean and spread `Σ r (x − μ)² / N_k`: the new sd
  /// with the regularization added, and whether the component collapsed.
  /// - Throws: ``MixtureError/degenerate(component:epoch:detail:)`` when the variance is
  ///   0 or the numbers are no longer finite.
  static func finish(
    component j: Int, responsibility: Double, mean: Double, spread: Double, regularization: Double,
    collapseFloor: Double, epoch: Int
  ) throws(MixtureError) -> (sd: Double, collapse: Collapse.Reason?) {
    let variance = spread + regularization
    guard variance > 0 else {
      let detail = responsibility == 0 ? "no point has any responsibility for it" : "its variance fell to 0"
      throw .degenerate(component: j, epoch: epoch, detail: detail)
    }
    guard mean.isFinite, variance.isFinite else {
      throw .degenerate(component: j, epoch: epoch, detail: "its mean or variance overflowed; rescale the data")
    }
    let collapse: Collapse.Reason? =
      spread <= collapseFloor ? .varianceAtFloor : responsibility < 1 ? .weightBelowOnePoint : nil
    return (variance.squareRoot(), collapse)
  }
}
