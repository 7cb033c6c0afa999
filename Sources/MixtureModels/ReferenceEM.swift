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
    let pass = Pass(
      data: data, components: initial.componentCount, regularization: options.regularization,
      collapseFloor: max(options.regularization, Collapse.relativeFloor * variance))
    return try EMDriver.run(pass, from: initial, options: options)
  }

  /// The two passes as the driver's pass; the sweep leaves the responsibilities for the
  /// M-step that follows it.
  final class Pass: EMPass {
    let data: [Double]
    let regularization: Double
    let collapseFloor: Double
    var responsibilities: [Double]
    init(data: [Double], components k: Int, regularization: Double, collapseFloor: Double) {
      self.data = data
      self.regularization = regularization
      self.collapseFloor = collapseFloor
      responsibilities = [Double](repeating: 0, count: data.count * k)
    }
    var sampleCount: Int { data.count }
    func sweep(_ model: GaussianMixture) -> Double { eStep(data, model, into: &responsibilities) }
    func logLikelihood(_ sums: Double) -> Double { sums }
    func mStep(_ sums: Double, from model: GaussianMixture, epoch: Int) throws(MixtureError) -> (GaussianMixture, [Collapse.Reason?]) {
      try ReferenceEM.mStep(
        data, responsibilities, k: model.componentCount, type: model.covarianceType, regularization: regularization,
        collapseFloor: collapseFloor, epoch: epoch)
    }
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
    _ data: [Double], _ responsibilities: [Double], k: Int, type: CovarianceType = .full, regularization: Double,
    collapseFloor: Double, epoch: Int
  ) throws(MixtureError) -> (GaussianMixture, [Collapse.Reason?]) {
    let n = data.count
    var masses = [Double](repeating: 0, count: k)
    var means = [Double](repeating: 0, count: k)
    var sds = [Double](repeating: 0, count: k)
    var collapsed = [Collapse.Reason?](repeating: nil, count: k)
    var spreads = [Double](repeating: 0, count: k)
    var responsibilitySums = [Double](repeating: 0, count: k)
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
      spreads[j] = squares
      responsibilitySums[j] = responsibility
      masses[j] = mass
      means[j] = mean
    }
    let pooled = type == .tied ? spreads.reduce(0, +) / masses.reduce(0, +) : nil
    for j in 0..<k {
      (sds[j], collapsed[j]) = try ExpectationMaximization.finish(
        component: j, responsibility: responsibilitySums[j], mean: means[j], spread: pooled ?? spreads[j] / masses[j],
        regularization: regularization, collapseFloor: collapseFloor, epoch: epoch)
    }
    let total = masses.reduce(0, +)
    return (GaussianMixture(unchecked: masses.map { $0 / total }, means, sds, type: type), collapsed)
  }
}
