import Testing
import TestSupport

/// The shared helpers every numeric test leans on: tolerance comparison and fixture reading.
/// (TestSupport has no test target of its own; these live with its main user.)
@Suite struct TestSupportTests {
  @Test(arguments: [
    (1.0, 1.0 + 1e-13, 1e-12, 0.0, true),
    (1.0, 1.0 + 1e-11, 1e-12, 0.0, false),
    (-1e300, -1e300 * (1 + 1e-13), 1e-12, 0.0, true),
    // A purely relative tolerance demands exact equality at zero …
    (0.0, 1e-300, 1e-12, 0.0, false),
    (0.0, -0.0, 1e-12, 0.0, true),
    // … unless an absolute tolerance is given.
    (0.0, 1e-13, 1e-12, 1e-12, true),
    (Double.infinity, .infinity, 1e-12, 0.0, true),
    (-Double.infinity, -.infinity, 0.0, 0.0, true),
    (Double.infinity, -.infinity, 1e-12, 0.0, false),
    (Double.infinity, .greatestFiniteMagnitude, 1.0, 0.0, false),
    (Double.nan, .nan, 1.0, 1.0, false),
    (Double.nan, 0.0, 1.0, 1.0, false),
    (1.0, .nan, 1.0, 1.0, false),
  ] as [(Double, Double, Double, Double, Bool)])
  func approximateEqualityFollowsSwiftNumerics(a: Double, b: Double, relative: Double, absolute: Double, expected: Bool) {
    #expect(a.isApproximatelyEqual(to: b, relativeTolerance: relative, absoluteTolerance: absolute) == expected)
    #expect(b.isApproximatelyEqual(to: a, relativeTolerance: relative, absoluteTolerance: absolute) == expected)
  }

  @Test func maxRelativeErrorIsTheWorstElement() {
    #expect(maxRelativeError([], []) == 0)
    #expect(maxRelativeError([0, 1, .infinity], [0, 1, .infinity]) == 0)
    #expect(maxRelativeError([1, 2, 4], [1, 2.002, 4.0004]).isApproximatelyEqual(to: 0.002 / 2.002, relativeTolerance: 1e-12))
    #expect(maxRelativeError([1, .nan], [1, .nan]) == .infinity)
    #expect(maxRelativeError([1, 2], [1]) == .infinity)
    #expect(maxRelativeError([0], [1e-300]) == 1)
  }

  @Test func fixturesFolderHoldsTheReferenceAndTheData() throws {
    #expect(Fixtures.folder.hasPrefix("/"))
    #expect(Fixtures.folder.hasSuffix("/Tests/Fixtures"))
    #expect(Fixtures.path("data/iris.csv") == Fixtures.folder + "/data/iris.csv")
    #expect(try Fixtures.text("data/galaxies.csv").hasPrefix("\"velocity\"\n"))
    #expect(try Fixtures.data("data/galaxies.csv").prefix(1) == [UInt8(ascii: "\"")])
  }

  @Test func csvColumnReadsQuotedHeadersAndNumbers() throws {
    let velocity = try Fixtures.csvColumn("galaxies.csv", column: "velocity")
    #expect(velocity.count == 82)
    #expect(velocity.prefix(2) == [9172, 9350])
    let petal = try Fixtures.csvColumn("iris.csv", column: "Petal.Length")
    #expect(petal.count == 150)
    #expect(petal.first == 1.4)
    #expect(throws: Fixtures.Failure.self) { try Fixtures.csvColumn("iris.csv", column: "Species") }
    #expect(throws: Fixtures.Failure.self) { try Fixtures.csvColumn("iris.csv", column: "No such column") }
    #expect(throws: Fixtures.Failure.self) { try Fixtures.csvColumn("missing.csv", column: "x") }
  }

  @Test func jsonNumbersAreTheNearestDoubles() throws {
    // reference.json holds -3.4369144438399415 (17 digits), which Linux Foundation would
    // otherwise hand back as an NSDecimalNumber several ulps away.
    let reference = try Reference.load()
    let points = try #require(reference.kde.first?.points)
    #expect(points.first == -3.4369144438399415)
    #expect(reference.em.first?.initialLogLikelihood == -1387.3657224983735)
  }
}
