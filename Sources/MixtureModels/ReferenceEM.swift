/// The straightforward two-pass EM the fused kernel replaced, kept as the baseline
/// that tests and benchmarks measure ``ExpectationMaximization`` against: per epoch, an
/// E-step that fills the n × K responsibility matrix with the C library's scalar `exp`
/// and `log`, then an M-step that reads it back twice (means, then variances about the
/// new means, as scikit-learn computes them). Same results to rounding, several times
/// slower, and n × K doubles of memory.
public enum ReferenceEM {
  public static func fit(
    _ data: [Double], from initial: GaussianMixture, options: EMOptions = EMOptions()
  ) throws(MixtureError) -> EMResult {
    let variance = try ExpectationMaximization.checkData(data)
    let n = data.count
    let k = initial.componentCount
    var responsibilities = [Double](repeating: 0, count: n * k)
    var current = initial
    var logLikelihood = eStep(data, current, into: &responsibilities)
    let initialLogLikelihood = logLikelihood
    var records: [EpochRecord] = []
    records.reserveCapacity(Swift.min(options.maxEpochs, 10_000))
    var converged = false
    var collapses: [Collapse] = []
    let collapseFloor = max(options.regularization, Collapse.relativeFloor * variance)

    var epoch = 0
    while epoch < options.maxEpochs {
      epoch += 1
      let (next, collapsedNow) = try mStep(
        data, responsibilities, k: k, regularization: options.regularization, collapseFloor: collapseFloor, epoch: epoch)
      current = next
      for (j, reason) in collapsedNow.enumerated() {
        if let reason, !collapses.contains(where: { $0.component == j }) {
          collapses.append(Collapse(component: j, epoch: epoch, reason: reason))
        }
      }
      let previous = logLikelihood
      logLikelihood = eStep(data, current, into: &responsibilities)
      guard logLikelihood.isFinite else {
        throw .degenerate(component: 0, epoch: epoch, detail: "the log-likelihood is not finite")
      }
      records.append(EpochRecord(epoch: epoch, logLikelihood: logLikelihood, mixture: current))
      if abs(logLikelihood - previous) / Double(n) < options.tolerance {
        converged = true
        break
      }
    }
    return EMResult(
      initial: initial, initialLogLikelihood: initialLogLikelihood, epochs: records,
      converged: converged, sampleCount: n, collapses: collapses)
  }

  /// Fills the row-major `n × K` responsibilities and returns the total log-likelihood.
  static func eStep(_ data: [Double], _ mixture: GaussianMixture, into responsibilities: inout [Double]) -> Double {
    let k = mixture.componentCount
    let logWeights = mixture.weights.map { _log($0) }
    let logSds = mixture.sds.map { _log($0) }
    var total = 0.0
    var terms = [Double](repeating: 0, count: k)
    for (i, x) in data.enumerated() {
      var largest = -Double.infinity
      for j in 0..<k {
        let z = (x - mixture.means[j]) / mixture.sds[j]
        let term = logWeights[j] - 0.5 * z * z - logSds[j] - logSqrtTwoPi
        terms[j] = term
        if term > largest { largest = term }
      }
      var sum = 0.0
      for j in 0..<k { sum += _exp(terms[j] - largest) }
      let normaliser = largest + _log(sum)
      total += normaliser
      for j in 0..<k { responsibilities[i * k + j] = _exp(terms[j] - normaliser) }
    }
    return total
  }

  /// The tutorial's M-step from row-major responsibilities, with scikit-learn's guard:
  /// `N_k = Σ r_ik + 10 ε` (so an empty component keeps finite numbers) and the weights
  /// normalised to sum to 1.
  /// - Returns: The new parameters and, per component, why it collapsed in this step.
  static func mStep(
    _ data: [Double], _ responsibilities: [Double], k: Int, regularization: Double, collapseFloor: Double, epoch: Int
  ) throws(MixtureError) -> (GaussianMixture, [Collapse.Reason?]) {
    let n = data.count
    var masses = [Double](repeating: 0, count: k)
    var means = [Double](repeating: 0, count: k)
    var sds = [Double](repeating: 0, count: k)
    var collapsed = [Collapse.Reason?](repeating: nil, count: k)
    for j in 0..<k {
      var mass = 0.0
      var weightedSum = 0.0
      for i in 0..<n {
        let r = responsibilities[i * k + j]
        mass += r
        weightedSum += r * data[i]
      }
      let responsibility = mass
      mass += 10 * Double.ulpOfOne
      let mean = weightedSum / mass
      var squares = 0.0
      for i in 0..<n {
        let d = data[i] - mean
        squares += responsibilities[i * k + j] * d * d
      }
      (sds[j], collapsed[j]) = try ExpectationMaximization.finish(
        component: j, responsibility: responsibility, mean: mean, spread: squares / mass,
        regularization: regularization, collapseFloor: collapseFloor, epoch: epoch)
      masses[j] = mass
      means[j] = mean
    }
    let total = masses.reduce(0, +)
    return (GaussianMixture(unchecked: masses.map { $0 / total }, means, sds), collapsed)
  }
}
