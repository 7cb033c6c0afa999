import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// Model selection over K = 1…6 × the four covariance types on iris's four measurements,
/// against scikit-learn's best of 30 k-means++ starts per pair
/// (`Tests/Fixtures/sklearn-selection-multivariate.json`,
/// `scripts/make_multivariate_reference.py selection`).
@Suite struct MultivariateSelectionTests {
  struct Fit {
    var components: Int
    var type: CovarianceType
    var logLikelihood: Double
    var bic: Double
    var parameters: Int
    var sound: Bool
  }

  static func reference() throws -> (fits: [Fit], chosen: (Int, CovarianceType), columns: [String], settings: [String: Any]) {
    let root = try FixtureSchema.object(try Fixtures.json("sklearn-selection-multivariate.json"), "root")
    let fits = try FixtureSchema.array(root["fits"], "fits").map { item in
      let o = try FixtureSchema.object(item, "fit")
      return Fit(
        components: Int(try FixtureSchema.number(o["components"], "components")),
        type: CovarianceType(rawValue: try FixtureSchema.string(o["covariance"], "covariance")) ?? .full,
        logLikelihood: try FixtureSchema.number(o["log_likelihood"], "log_likelihood"),
        bic: try FixtureSchema.number(o["bic"], "bic"),
        parameters: Int(try FixtureSchema.number(o["parameters"], "parameters")),
        sound: try FixtureSchema.bool(o["sound"], "sound"))
    }
    let choice = try FixtureSchema.object(root["choice"], "choice")
    let chosen = (
      Int(try FixtureSchema.number(choice["components"], "components")),
      CovarianceType(rawValue: try FixtureSchema.string(choice["covariance"], "covariance")) ?? .tied
    )
    let columns = try FixtureSchema.array(root["columns"], "columns").map { try FixtureSchema.string($0, "column") }
    return (fits, chosen, columns, try FixtureSchema.object(root["settings"], "settings"))
  }

  /// One shared run of the whole selection (24 pairs × 30 starts).
  static let ours = Result { () throws -> Selection<MultivariateMixture> in
    
    let reference = try MultivariateSelectionTests.reference()
    let sample = try Sample(columns: reference.columns.map { try Fixtures.csvColumn("iris.csv", column: $0) })
    return try Selection.fit(
      sample, components: 1...6, types: CovarianceType.allCases, start: .kMeansPlusPlus, restarts: 30, seed: 7,
      options: EMOptions(maxEpochs: 1000, tolerance: 1e-8, regularization: 1e-6), criterion: .bic)
  }

  @Test func parameterCountsAreScikitLearns() throws {
    let ours = try Self.ours.get()
    for fit in try Self.reference().fits {
      let mine = try #require(ours.fits.first { $0.components == fit.components && $0.covarianceType == fit.type })
      #expect(mine.best.fitted.freeParameterCount == fit.parameters, "K = \(fit.components), \(fit.type)")
    }
  }

  /// Per (K, type) whose scikit-learn best is sound, ours is at least as high (to 1e-6
  /// relative); where it is a collapsed spike, ours is sound and the spike is not kept.
  @Test func everySoundPairReachesScikitLearnsBest() throws {
    let ours = try Self.ours.get()
    var unsound: [String] = []
    for fit in try Self.reference().fits {
      let mine = try #require(ours.fits.first { $0.components == fit.components && $0.covarianceType == fit.type })
      let kept = mine.best
      if fit.sound {
        #expect(
          kept.finalLogLikelihood >= fit.logLikelihood - 1e-6 * abs(fit.logLikelihood),
          "K = \(fit.components), \(fit.type): ours \(kept.finalLogLikelihood), sklearn \(fit.logLikelihood)")
        #expect(!kept.isCollapsed, "K = \(fit.components), \(fit.type)")
      } else {
        unsound.append("\(fit.type) K=\(fit.components)")
        // What we keep instead is a sound run below the spike.
        #expect(!kept.isCollapsed, "K = \(fit.components), \(fit.type): every start collapsed")
        #expect(kept.finalLogLikelihood < fit.logLikelihood, "K = \(fit.components), \(fit.type)")
      }
    }
    // scikit-learn's collapsed spikes (its bests there have a pivot at the floor).
    #expect(unsound == ["full K=4", "full K=5", "full K=6", "diag K=6"])
  }

  @Test func theChosenPairIsScikitLearnsFullWithTwoComponents() throws {
    let ours = try Self.ours.get()
    let reference = try Self.reference()
    #expect(ours.best.components == reference.chosen.0)
    #expect(ours.best.covarianceType == reference.chosen.1)
    #expect(ours.best.components == 2 && ours.best.covarianceType == .full)
    let theirs = try #require(reference.fits.first { $0.components == 2 && $0.type == .full })
    #expect(ours.best.best.bic.isApproximatelyEqual(to: theirs.bic, relativeTolerance: 1e-6))
    // Every pair is present, types in the order asked, K increasing within each.
    #expect(ours.fits.map(\.covarianceType) == CovarianceType.allCases.flatMap { Array(repeating: $0, count: 6) })
    #expect(ours.fits.map(\.components) == Array(repeating: Array(1...6), count: 4).flatMap { $0 })
  }
}
