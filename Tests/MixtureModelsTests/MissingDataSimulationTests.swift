import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// Issue 14's figure of merit: on data with 30 % of cells missing completely at random,
/// EM on every row (by the observed-data likelihood) recovers the generating mixture better
/// than complete-case analysis (dropping every incomplete row, as mclust does).
@Suite struct MissingDataSimulationTests {
  static let truth = try! MultivariateMixture(  // test constant
    type: .full, weights: [0.4, 0.6], means: [[0, 0], [3, 2]],
    covariances: [[[1, 0.6], [0.6, 1]], [[0.8, -0.3], [-0.3, 0.5]]])

  /// The distance of a fit from the truth: weights, means and covariance entries, each
  /// component matched to the true one with the nearer mean.
  static func error(_ fit: MultivariateMixture) -> Double {
    let swap = hypot(fit.flatMeans[0] - 3, fit.flatMeans[1] - 2) < hypot(fit.flatMeans[0], fit.flatMeans[1])
    var total = 0.0
    for k in 0..<2 {
      let j = swap ? 1 - k : k
      total += abs(fit.weights[j] - truth.weights[k])
      for a in 0..<2 { total += abs(fit.flatMeans[j * 2 + a] - truth.flatMeans[k * 2 + a]) }
      for t in 0..<4 { total += abs(fit.flatCovariances[j * 4 + t] - truth.flatCovariances[k * 4 + t]) }
    }
    return total
  }

  @Test func emOnEveryRowBeatsCompleteCaseAnalysisOnAverageOverFiftySeeds() throws {
    var emErrors: [Double] = [], completeCaseErrors: [Double] = []
    let options = EMOptions(maxEpochs: 300, tolerance: 1e-10, regularization: 1e-6)
    for seed in UInt64(1)...50 {
      var random = RandomSource(seed: seed)
      var hidden = [[Double]](repeating: [], count: 2)
      for _ in 0..<300 {
        let k = random.uniform() < 0.4 ? 0 : 1
        let (z0, z1) = (random.normal(), random.normal())
        // x = μ + L z with L the Cholesky factor of the true covariance.
        let truth = Self.truth
        let c = truth.covariance(k)
        let l00 = c[0].squareRoot(), l10 = c[2] / l00, l11 = (c[3] - l10 * l10).squareRoot()
        let x = [truth.flatMeans[k * 2] + l00 * z0, truth.flatMeans[k * 2 + 1] + l10 * z0 + l11 * z1]
        for a in 0..<2 {
          hidden[a].append(random.uniform() < 0.3 ? .nan : x[a])
        }
      }
      let sample = try IncompleteSample(try Sample(columns: hidden))
      let complete = sample.complete
      #expect(complete.count < sample.count)
      // The same start for both: k-means++ on the complete rows.
      var startRandom = RandomSource(seed: seed, stream: 1)
      let start = try MultivariateStart.kMeansPlusPlus.start(
        complete, components: 2, type: .full, random: &startRandom, regularization: 1e-6, variances: complete.variances)
      emErrors.append(Self.error(try MissingDataEM.fit(sample, from: start, options: options).fitted))
      completeCaseErrors.append(Self.error(try MultivariateEM.fit(complete, from: start, options: options).fitted))
    }
    let em = emErrors.reduce(0, +) / 50, completeCase = completeCaseErrors.reduce(0, +) / 50
    let wins = zip(emErrors, completeCaseErrors).filter { $0 < $1 }.count
    print("MissingDataSimulation: mean parameter error EM \(em), complete-case \(completeCase), EM lower in \(wins) of 50 seeds")
    #expect(em < completeCase)
  }
}
