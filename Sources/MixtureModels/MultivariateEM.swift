/// Expectation-Maximization for a d-dimensional mixture of any ``CovarianceType``
/// (scikit-learn's `GaussianMixture`), through ``EMDriver`` like the one-dimensional fit.
///
/// The M-step is scikit-learn's: `N_k = Σ r + 10 ε`, `μ_k = Σ r x / N_k`, and
/// - full: `Σ_k = Σ r (x − μ_k)(x − μ_k)ᵀ / N_k + reg·I`;
/// - tied: `Σ = Σ_k Σ r (x − μ_k)(x − μ_k)ᵀ / Σ_k N_k + reg·I`;
/// - diag: the diagonal of the full one;
/// - spherical: the mean of the diag variances.
/// The sums come from one fused pass (``MultivariateKernel``) about the current means and
/// are moved to the new ones exactly as in one dimension.
public enum MultivariateEM {
  /// Fits a mixture to `sample` from `initial`.
  /// - Throws: ``MixtureError/invalidData(_:)`` for unusable data,
  ///   ``MixtureError/invalidParameters(_:)`` when `initial` does not match the sample's
  ///   dimension, ``MixtureError/degenerate(component:epoch:detail:)`` when a covariance
  ///   stops being positive definite.
  public static func fit(_ sample: Sample, from initial: MultivariateMixture, options: EMOptions = EMOptions()) throws(MixtureError) -> EMRun<MultivariateMixture> {
    let variances = try checkData(sample)
    return try fit(checked: sample, variances: variances, from: initial, options: options)
  }

  /// Fails unless the sample has at least two points, all finite, and every coordinate
  /// has a spread whose variance neither underflows nor overflows; returns the
  /// coordinates' variances (ddof 0).
  static func checkData(_ sample: Sample) throws(MixtureError) -> [Double] {
    guard sample.count >= 2 else { throw .invalidData("EM needs at least 2 data points, got \(sample.count)") }
    var variances: [Double] = []
    for j in 0..<sample.dimension {
      let n = sample.count
      // On the sample's own buffer: no copy of a column.
      let (allFinite, variance) = sample.values.withUnsafeBufferPointer { values in
        let column = UnsafeBufferPointer(rebasing: values[(j * n)..<((j + 1) * n)])
        let (sum, allFinite) = Statistics.sum(column)
        return (allFinite, allFinite ? Statistics.variance(column, sum: sum, ddof: 0) : .nan)
      }
      guard allFinite else {
        let bad = sample.column(j).first(where: { !$0.isFinite }) ?? .nan
        throw .invalidData("data must be finite, got \(bad) in coordinate \(j + 1)")
      }
      if !(variance > 0 && variance.isFinite), let problem = Statistics.spreadProblem(Array(sample.column(j)), variance: variance) {
        throw .invalidData("coordinate \(j + 1): \(problem)")
      }
      guard variance > 0 else {
        throw .invalidData("coordinate \(j + 1) has the same value in every row (to double precision), so no covariance of it can be fitted; leave it out, or centre it if its spread is below its values' resolution")
      }
      variances.append(variance)
    }
    return variances
  }

  static func fit(checked sample: Sample, variances: [Double], from initial: MultivariateMixture, options: EMOptions) throws(MixtureError) -> EMRun<MultivariateMixture> {
    guard initial.dimension == sample.dimension else {
      throw .invalidParameters("the start has \(initial.dimension) coordinates but the data has \(sample.dimension)")
    }
    let result: Result<EMRun<MultivariateMixture>, MixtureError> = sample.values.withUnsafeBufferPointer { buffer in
      let pass = MultivariatePass(
        data: buffer, count: sample.count, threads: options.threads, regularization: options.regularization,
        floors: variances.map { max(options.regularization, Collapse.relativeFloor * $0) })
      do throws(MixtureError) {
        return .success(try EMDriver.run(pass, from: initial, options: options))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The d-dimensional kernel as the driver's pass.
  struct MultivariatePass: EMPass {
    let data: UnsafeBufferPointer<Double>
    let count: Int
    let threads: Int?
    let regularization: Double
    /// Per coordinate, the spread at or below which a component counts as collapsed.
    let floors: [Double]
    var sampleCount: Int { count }
    func sweep(_ model: MultivariateMixture) -> MultivariateSums {
      MultivariateKernel.pass(data, count: count, model, threads: threads)
    }
    func logLikelihood(_ sums: MultivariateSums) -> Double { sums.logLikelihood }
    func mStep(_ sums: MultivariateSums, from model: MultivariateMixture, epoch: Int) throws(MixtureError) -> (MultivariateMixture, [Collapse.Reason?]) {
      try MultivariateEM.mStep(sums, model, regularization: regularization, floors: floors, epoch: epoch)
    }
  }

  /// The M-step from shifted sums (see ``MultivariateSums``): with `δ = (Σ r e − 10 ε μ_old) / N_k`
  /// the new mean is `μ_old + δ` and `Σ r (x − μ)(x − μ)ᵀ = Σ r e eᵀ − δ (Σ r e)ᵀ − (Σ r e) δᵀ + (Σ r) δ δᵀ`.
  static func mStep(
    _ sums: MultivariateSums, _ current: MultivariateMixture, regularization: Double, floors: [Double], epoch: Int
  ) throws(MixtureError) -> (MultivariateMixture, [Collapse.Reason?]) {
    let k = current.componentCount, d = current.dimension, type = current.covarianceType
    let s = MultivariateKernel.secondCount(type, dimension: d)
    let weightOfEmpty = 10 * Double.ulpOfOne
    var masses = [Double](repeating: 0, count: k)
    var means = [Double](repeating: 0, count: k * d)
    // Each component's scatter Σ r (x − μ)(x − μ)ᵀ about its new mean, full d × d.
    var scatters = [Double](repeating: 0, count: k * d * d)
    for j in 0..<k {
      let mass = sums.mass[j] + weightOfEmpty
      masses[j] = mass
      var delta = [Double](repeating: 0, count: d)
      for a in 0..<d {
        let old = current.flatMeans[j * d + a]
        delta[a] = (sums.first[j * d + a] - weightOfEmpty * old) / mass
        means[j * d + a] = old + delta[a]
      }
      var t = 0
      for a in 0..<d {
        let range: ClosedRange<Int> = type.needsCrossProducts ? 0...a : a...a
        for b in range {
          let first = sums.first[j * d + a], firstB = sums.first[j * d + b]
          let value = sums.second[j * s + t] - delta[a] * firstB - first * delta[b] + sums.mass[j] * delta[a] * delta[b]
          scatters[j * d * d + a * d + b] = value
          scatters[j * d * d + b * d + a] = value
          t += 1
        }
        scatters[j * d * d + a * d + a] = max(0, scatters[j * d * d + a * d + a])
      }
    }
    // The spreads before regularization, per component, in the type's shape.
    var spreads = [Double](repeating: 0, count: k * d * d)
    switch type {
    case .full, .diag:
      for j in 0..<k { for t in 0..<(d * d) { spreads[j * d * d + t] = scatters[j * d * d + t] / masses[j] } }
    case .tied:
      let total = masses.reduce(0, +)
      var pooled = [Double](repeating: 0, count: d * d)
      for j in 0..<k { for t in 0..<(d * d) { pooled[t] += scatters[j * d * d + t] } }
      for j in 0..<k { for t in 0..<(d * d) { spreads[j * d * d + t] = pooled[t] / total } }
    case .spherical:
      for j in 0..<k {
        var sum = 0.0
        for a in 0..<d { sum += scatters[j * d * d + a * d + a] / masses[j] }
        for a in 0..<d { spreads[j * d * d + a * d + a] = sum / Double(d) }
      }
    }
    let meanFloor = floors.reduce(0, +) / Double(d)
    var collapsed = [Collapse.Reason?](repeating: nil, count: k)
    var covariances = spreads
    var factors: [[Double]] = []
    for j in 0..<k {
      let spread = Array(spreads[(j * d * d)..<((j + 1) * d * d)])
      var atFloor = false
      switch type {
      case .full, .tied:
        switch LinearAlgebra.cholesky(spread, dimension: d) {
        case .failure: atFloor = true
        case .success(let l): atFloor = (0..<d).contains { l[$0 * d + $0] * l[$0 * d + $0] <= floors[$0] }
        }
      case .diag: atFloor = (0..<d).contains { spread[$0 * d + $0] <= floors[$0] }
      case .spherical: atFloor = spread[0] <= meanFloor
      }
      collapsed[j] = atFloor ? .varianceAtFloor : sums.mass[j] < 1 ? .weightBelowOnePoint : nil
      for a in 0..<d { covariances[j * d * d + a * d + a] += regularization }
      let covariance = Array(covariances[(j * d * d)..<((j + 1) * d * d)])
      guard covariance.allSatisfy(\.isFinite), (0..<d).allSatisfy({ means[j * d + $0].isFinite }) else {
        throw .degenerate(component: j, epoch: epoch, detail: "its mean or covariance overflowed; rescale the data")
      }
      switch LinearAlgebra.cholesky(covariance, dimension: d) {
      case .success(let l): factors.append(l)
      case .failure(let failure):
        let detail =
          sums.mass[j] == 0
          ? "no point has any responsibility for it"
          : d == 1 ? "its variance fell to 0" : "its covariance is singular (coordinate \(failure.index + 1) has no spread left)"
        throw .degenerate(component: j, epoch: epoch, detail: detail)
      }
    }
    let total = masses.reduce(0, +)
    return (
      MultivariateMixture(
        unchecked: type, dimension: d, weights: masses.map { $0 / total }, means: means, covariances: covariances, factors: factors),
      collapsed
    )
  }
}
