import Foundation
import Testing
import TestSupport

@testable import MixtureModels

extension Reference.EMCase {
  /// The case's data column.
  func sample() throws -> [Double] {
    try Fixtures.csvColumn(data, column: column)
  }

  /// The case's starting mixture.
  func start() throws -> GaussianMixture {
    try GaussianMixture(weights: initial.weights, means: initial.means, sds: initial.sds)
  }
}

/// EM against the independent numpy implementation in `reference.json` (itself checked
/// against scikit-learn to 1e-8): the same start must give the same trajectory.
@Suite struct EMReferenceTests {
  /// The agreement required with numpy, relative.
  static let tolerance = 1e-9

  @Test(arguments: try Reference.load().em.map(\.name))
  func fitFollowsNumpyTrajectoryEpochByEpoch(caseName: String) throws {
    let reference = try Reference.emCase(caseName)
    let data = try reference.sample()
    let start = try reference.start()
    let options = EMOptions(maxEpochs: reference.epochs, tolerance: 0, regularization: reference.regularization)

    let result = try ExpectationMaximization.fit(data, from: start, options: options)

    #expect(result.sampleCount == data.count)
    #expect(result.initial == start)
    #expect(
      result.initialLogLikelihood.isApproximatelyEqual(
        to: reference.initialLogLikelihood, relativeTolerance: Self.tolerance))
    // Tolerance 0 never stops early, so every epoch runs and none counts as convergence.
    #expect(!result.converged)
    try #require(result.epochs.count == reference.epochs)
    #expect(result.epochs.map(\.epoch) == Array(1...reference.epochs))
    let logLikelihoods = result.epochs.map(\.logLikelihood)
    #expect(maxRelativeError(logLikelihoods, reference.logLikelihoods) <= Self.tolerance)
    #expect(result.finalLogLikelihood == logLikelihoods.last)

    let fitted = result.fitted
    #expect(fitted.componentCount == reference.components)
    #expect(maxRelativeError(fitted.weights, reference.final.weights) <= Self.tolerance)
    #expect(maxRelativeError(fitted.means, reference.final.means) <= Self.tolerance)
    #expect(maxRelativeError(fitted.sds, reference.final.sds) <= Self.tolerance)
  }

  @Test func everyEpochRecordsTheLogLikelihoodOfItsOwnParameters() throws {
    let reference = try Reference.emCase("mixture800-k2-tutorial")
    let data = try reference.sample()
    let start = try reference.start()
    let result = try ExpectationMaximization.fit(data, from: start, options: EMOptions(maxEpochs: 5))

    #expect(
      result.initialLogLikelihood.isApproximatelyEqual(to: start.logLikelihood(of: data), relativeTolerance: 1e-12))
    for record in result.epochs {
      #expect(
        record.logLikelihood.isApproximatelyEqual(to: record.mixture.logLikelihood(of: data), relativeTolerance: 1e-12),
        "epoch \(record.epoch)")
    }
  }

  @Test func informationCriteriaFollowFromTheFinalLogLikelihood() throws {
    let reference = try Reference.emCase("galaxies-k3-reg")
    let data = try reference.sample()
    let start = try reference.start()
    let result = try ExpectationMaximization.fit(
      data, from: start, options: EMOptions(maxEpochs: 10, regularization: reference.regularization))

    // K = 3 has 3·3 − 1 = 8 free parameters (scikit-learn's count for 1-D data).
    let logL = result.finalLogLikelihood
    #expect(result.fitted.freeParameterCount == 8)
    #expect(result.aic.isApproximatelyEqual(to: 16 - 2 * logL, relativeTolerance: 1e-14))
    #expect(result.bic.isApproximatelyEqual(to: 8 * log(82.0) - 2 * logL, relativeTolerance: 1e-14))
  }
}
