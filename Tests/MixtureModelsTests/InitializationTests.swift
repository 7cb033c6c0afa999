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

/// Three well separated groups of known sizes: `counts[j]` draws from N(`centres[j]`, 1).
struct SeparatedSample {
  static let centres = [-10.0, 0, 10]
  static let counts = [60, 100, 40]
  var groups: [[Double]]
  var data: [Double]

  init(seed: UInt64 = 2024, centres: [Double] = Self.centres, counts: [Int] = Self.counts) {
    var random = RandomSource(seed: seed)
    groups = zip(centres, counts).map { centre, count in (0..<count).map { _ in random.normal(mean: centre, sd: 1) } }
    // Interleave the groups so that no start method can rely on the order.
    var all = groups.flatMap { $0 }
    all.shuffle(using: &random)
    data = all
  }
}

/// The k-means++ and random-from-data starts.
@Suite struct RandomStartTests {
  @Test(arguments: 1...10)
  func kMeansPlusPlusRecoversWellSeparatedClusters(stream: Int) throws {
    let sample = SeparatedSample()
    var random = RandomSource(seed: 7, stream: stream)
    let start = try Initialization.kMeansPlusPlus(sample.data, components: 3, random: &random)
    let n = Double(sample.data.count)
    // Sorted by mean, one component per group.
    #expect(start.means == start.means.sorted())
    for j in 0..<3 {
      #expect(abs(start.means[j] - SeparatedSample.centres[j]) < 0.3, "stream \(stream), component \(j)")
      // Lloyd's assignment recovers the groups exactly: shares, means and population sds.
      #expect(start.weights[j] == Double(SeparatedSample.counts[j]) / n, "stream \(stream), component \(j)")
      #expect(start.means[j].isApproximatelyEqual(to: Statistics.mean(sample.groups[j]), relativeTolerance: 1e-12, absoluteTolerance: 1e-12))
      #expect(start.sds[j].isApproximatelyEqual(to: Statistics.standardDeviation(sample.groups[j]), relativeTolerance: 1e-12))
    }
  }

  @Test func kMeansPlusPlusAddsTheRegularizationToEveryClusterVariance() throws {
    let sample = SeparatedSample()
    var a = RandomSource(seed: 7, stream: 1)
    var b = RandomSource(seed: 7, stream: 1)
    let bare = try Initialization.kMeansPlusPlus(sample.data, components: 3, random: &a)
    let regularized = try Initialization.kMeansPlusPlus(sample.data, components: 3, random: &b, regularization: 0.25)
    #expect(regularized.means == bare.means)
    #expect(regularized.weights == bare.weights)
    for (r, s) in zip(regularized.sds, bare.sds) {
      #expect((r * r).isApproximatelyEqual(to: s * s + 0.25, relativeTolerance: 1e-14))
    }
  }

  @Test(arguments: [0, 1e-6, 0.5])
  func kMeansPlusPlusGivesAClusterWithNoSpreadTheOverallSdOverK(regularization: Double) throws {
    // The three zeros form a cluster whose mean is exactly 0 and whose variance is exactly
    // 0: whatever the regularization, it starts at the overall sd / K, not collapsed.
    let data = [0.0, 10, 0, 11, 0, 12]
    let overall = Statistics.standardDeviation(data)
    var random = RandomSource(seed: 3, stream: 1)
    let start = try Initialization.kMeansPlusPlus(data, components: 2, random: &random, regularization: regularization)
    #expect(start.weights == [0.5, 0.5])
    #expect(start.means == [0, 11])
    #expect(start.sds[0] == overall / 2)
    // The other cluster, {10, 11, 12}, has spread: its variance plus the regularization.
    #expect((start.sds[1] * start.sds[1]).isApproximatelyEqual(to: 2.0 / 3 + regularization, relativeTolerance: 1e-15))
  }

  @Test func kMeansPlusPlusClusterOfOneRepeatedInexactValueHasNoSpreadEither() throws {
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004, so the cluster of three 0.1s has a mean an
    // ulp above 0.1 and a "variance" of rounding noise (~2e-34), not 0: it must still
    // count as no spread and get the overall sd / K, not an sd of ~1e-17.
    let data = [5.0, 0.1, 6, 0.1, 0.1]
    let overall = Statistics.standardDeviation(data)
    var random = RandomSource(seed: 3, stream: 1)
    let start = try Initialization.kMeansPlusPlus(data, components: 2, random: &random)
    #expect(start.weights == [0.6, 0.4])
    #expect(start.means[0].isApproximatelyEqual(to: 0.1, relativeTolerance: 1e-15))
    #expect(start.means[1] == 5.5)
    #expect(start.sds == [overall / 2, 0.5])
  }

  @Test func kMeansPlusPlusWithAsManyComponentsAsPointsPutsOneComponentOnEachPoint() throws {
    let data = [3.0, -1, 7, 2.5]
    let overall = Statistics.standardDeviation(data)
    for stream in 1...5 {
      var random = RandomSource(seed: 11, stream: stream)
      let start = try Initialization.kMeansPlusPlus(data, components: 4, random: &random, regularization: 1e-4)
      #expect(start.means == data.sorted())
      #expect(start.weights == [0.25, 0.25, 0.25, 0.25])
      // Every cluster is one point, with no spread.
      #expect(start.sds == Array(repeating: overall / 4, count: 4))
    }
  }

  @Test func kMeansPlusPlusWithOneComponentIsTheWholeSample() throws {
    let data = [3.0, -1, 7, 2, 2]
    var random = RandomSource(seed: 1, stream: 1)
    let one = try Initialization.kMeansPlusPlus(data, components: 1, random: &random)
    #expect(one.weights == [1])
    #expect(one.means[0].isApproximatelyEqual(to: 2.6, relativeTolerance: 1e-15))
    #expect(one.sds[0].isApproximatelyEqual(to: Statistics.standardDeviation(data), relativeTolerance: 1e-15))
  }

  /// randomFromData's draw, transcribed from its documentation: indices drawn uniformly
  /// without replacement (swap with the last remaining), repeats of a drawn value skipped.
  static func expectedRandomMeans(_ data: [Double], components k: Int, random: inout RandomSource) -> [Double] {
    var pool = data
    var means: [Double] = []
    while means.count < k {
      let pick = random.index(below: pool.count)
      let value = pool.remove(at: pick)
      if pool.count > pick { pool.insert(pool.removeLast(), at: pick) }
      if !means.contains(value) { means.append(value) }
    }
    return means.sorted()
  }

  @Test(arguments: 1...8)
  func randomFromDataDrawsDistinctDataValuesWithTheOverallSdAndEqualWeights(stream: Int) throws {
    let data = SeparatedSample().data
    var random = RandomSource(seed: 5, stream: stream)
    var replay = random
    let start = try Initialization.randomFromData(data, components: 4, random: &random)
    #expect(start.means == Self.expectedRandomMeans(data, components: 4, random: &replay))
    #expect(start.means.allSatisfy { data.contains($0) })
    #expect(Set(start.means).count == 4)
    #expect(start.weights == [0.25, 0.25, 0.25, 0.25])
    #expect(start.sds == Array(repeating: Statistics.standardDeviation(data), count: 4))
  }

  @Test(arguments: 1...8)
  func randomFromDataSkipsRepeatsOfADrawnValue(stream: Int) throws {
    // Three distinct values, one of them repeated many times: K = 3 must find all three.
    let data = Array(repeating: 1.0, count: 40) + [2, 3] + Array(repeating: 1.0, count: 40)
    var random = RandomSource(seed: 5, stream: stream)
    let start = try Initialization.randomFromData(data, components: 3, random: &random)
    #expect(start.means == [1, 2, 3])
  }

  static let randomMethods: [StartMethod] = [.kMeansPlusPlus, .random]
  static let allMethods: [StartMethod] = [.kMeansPlusPlus, .random, .quantiles]

  @Test(arguments: allMethods, [
    ([2.0, 2, 2], 2, MixtureError.invalidData("all 3 data values are equal, so there is nothing to fit")),
    ([-4.5, -4.5, -4.5, -4.5], 1, .invalidData("all 4 data values are equal, so there is nothing to fit")),
    ([7.0], 1, .invalidData("all 1 data values are equal, so there is nothing to fit")),
    ([1.0, 2], 3, .invalidData("3 components need at least 3 data points, got 2")),
    ([], 1, .invalidData("1 components need at least 1 data points, got 0")),
    ([1.0, 2], 0, .invalidParameters("the number of components must be ≥ 1, got 0")),
    (
      [-1e308, 1e308], 2,
      .invalidData(
        "the data's values are too large (around 1e308): their variance overflows; rescale the data (e.g. multiply by 1e-300)")
    ),
  ] as [([Double], Int, MixtureError)])
  func everyStartRejectsDataThatCannotBeFitted(method: StartMethod, problem: ([Double], Int, MixtureError)) {
    let (data, components, error) = problem
    var random = RandomSource(seed: 1, stream: 1)
    #expect(throws: error) {
      try method.start(data, components: components, random: &random, regularization: 1e-6)
    }
  }

  @Test(arguments: randomMethods, [
    ([1.0, 1, 1, 2, 2], 3, 2),
    ([1.0, 2, 1, 2, 1, 2, 1, 2], 5, 2),
    ([0.5, 0.5, 3, 3, 9, 9, 9], 4, 3),
  ] as [([Double], Int, Int)])
  func randomStartsNeedAsManyDistinctValuesAsComponents(method: StartMethod, problem: ([Double], Int, Int)) throws {
    let (data, components, distinct) = problem
    let message =
      "the data has only \(distinct) distinct values, fewer than the \(components) components; use at most \(distinct) components"
    for stream in 1...5 {
      var random = RandomSource(seed: 9, stream: stream)
      #expect(throws: MixtureError.invalidData(message)) {
        try method.start(data, components: components, random: &random, regularization: 0)
      }
    }
    // With exactly as many components as distinct values, each distinct value is a mean.
    var random = RandomSource(seed: 9, stream: 1)
    let start = try method.start(data, components: distinct, random: &random, regularization: 0)
    #expect(start.means == Set(data).sorted())
  }

  @Test func quantilesAcceptsFewerDistinctValuesThanComponents() throws {
    // The quantile start only needs spread; repeated quantiles give equal means.
    let start = try Initialization.quantiles([1, 1, 1, 2, 2], components: 3)
    #expect(start.means == [1, 1, 2])
  }
}
