import Testing
import TestSupport

@testable import MixtureModels

/// EM starting points: from known groups, and from quantiles of the data.
@Suite struct InitializationTests {
  @Test func fromGroupsReproducesTheTutorialStartOfTheReference() throws {
    // reference.json's tutorial case starts from numpy's per-group share, mean and
    // std (ddof=0) of mixture-800.csv, group 1 first.
    let reference = try Reference.emCase("mixture800-k2-tutorial")
    let x = try Fixtures.csvColumn("mixture-800.csv", column: "x")
    let group = try Fixtures.csvColumn("mixture-800.csv", column: "group")
    let groups = [1.0, 2.0].map { g in zip(x, group).filter { $0.1 == g }.map(\.0) }

    let start = try Initialization.fromGroups(groups)

    #expect(maxRelativeError(start.weights, reference.initial.weights) <= 1e-12)
    #expect(maxRelativeError(start.means, reference.initial.means) <= 1e-12)
    #expect(maxRelativeError(start.sds, reference.initial.sds) <= 1e-12)
  }

  @Test func fromGroupsUsesSharesMeansAndPopulationSds() throws {
    let start = try Initialization.fromGroups([[1, 3], [10, 20, 30]])
    #expect(start.weights == [0.4, 0.6])
    #expect(start.means == [2, 20])
    // np.std([1, 3]) = 1, np.std([10, 20, 30]) = 8.16496580927726
    #expect(start.sds[0] == 1)
    #expect(start.sds[1].isApproximatelyEqual(to: 8.16496580927726, relativeTolerance: 1e-15))
  }

  @Test(arguments: [
    ([[1.0, 2], []], "group 2 has no points"),
    ([[4.0, 4, 4], [1, 2]], "group 1 has no spread (all its values are equal), so it cannot start a component"),
    ([[1.0, 2], [7]], "group 2 has no spread (all its values are equal), so it cannot start a component"),
  ] as [([[Double]], String)])
  func fromGroupsRejectsGroupsThatCannotStartAComponent(groups: [[Double]], message: String) {
    #expect(throws: MixtureError.invalidData(message)) {
      try Initialization.fromGroups(groups)
    }
  }

  @Test func quantilesPlacesMeansAtMidQuantilesWithEqualWeightsAndOverallSd() throws {
    // np.quantile([1, 2, 3, 4], [0.25, 0.75]) = [1.75, 3.25]; np.std = 1.118033988749895
    let two = try Initialization.quantiles([4, 1, 3, 2], components: 2)
    #expect(two.weights == [0.5, 0.5])
    #expect(two.means == [1.75, 3.25])
    #expect(two.sds.allSatisfy { $0.isApproximatelyEqual(to: 1.118033988749895, relativeTolerance: 1e-15) })

    // np.quantile([0, 5, 10], [1/6, 1/2, 5/6]) = [1.6666666666666665, 5, 8.333333333333334];
    // np.std = 4.08248290463863
    let three = try Initialization.quantiles([10, 0, 5], components: 3)
    let expected = [1.6666666666666665, 5, 8.333333333333334]
    for (value, want) in zip(three.means, expected) {
      #expect(value.isApproximatelyEqual(to: want, relativeTolerance: 1e-15))
    }
    #expect(three.sds.allSatisfy { $0.isApproximatelyEqual(to: 4.08248290463863, relativeTolerance: 1e-15) })
    #expect(three.weights.allSatisfy { $0 == 1.0 / 3 })
  }

  @Test func quantilesWithOneComponentIsTheMedian() throws {
    // np.median([3, -1, 7, 2, 2]) = 2; np.std = 2.5768197453450252
    let one = try Initialization.quantiles([3, -1, 7, 2, 2], components: 1)
    #expect(one.weights == [1])
    #expect(one.means == [2])
    #expect(one.sds[0].isApproximatelyEqual(to: 2.5768197453450252, relativeTolerance: 1e-15))
  }

  @Test func quantilesWithAsManyComponentsAsPoints() throws {
    // np.quantile([3, -1, 7, 2, 2], [0.1, 0.3, 0.5, 0.7, 0.9]) = [0.2, 2, 2, 2.8, 5.4]
    let five = try Initialization.quantiles([3, -1, 7, 2, 2], components: 5)
    let expected = [0.20000000000000018, 2.0, 2.0, 2.8, 5.4]
    for (value, want) in zip(five.means, expected) {
      #expect(value.isApproximatelyEqual(to: want, relativeTolerance: 1e-14))
    }
    #expect(five.weights.allSatisfy { $0 == 0.2 })
  }

  @Test(arguments: [
    ([2.0, 2, 2], 2, MixtureError.invalidData("all 3 data values are equal, so there is nothing to fit")),
    ([5.0], 1, .invalidData("all 1 data values are equal, so there is nothing to fit")),
    ([1.0, 2], 3, .invalidData("3 components need at least 3 data points, got 2")),
    ([], 1, .invalidData("1 components need at least 1 data points, got 0")),
    ([1.0, 2], 0, .invalidParameters("the number of components must be ≥ 1, got 0")),
  ] as [([Double], Int, MixtureError)])
  func quantilesRejectsDataThatCannotBeSplit(data: [Double], components: Int, error: MixtureError) {
    #expect(throws: error) {
      try Initialization.quantiles(data, components: components)
    }
  }
}
