import Foundation
import Testing
import TestSupport

@testable import MixtureModels

/// numpy's legacy RandomState, bit for bit, against `Tests/Fixtures/numpy-rng.json`
/// (`scripts/make_numpy_rng_reference.py`): raw MT19937 outputs, `random_sample`, and
/// `np.random.normal` group after group with the polar method's cache crossing groups.
@Suite struct NumpyRandomStateTests {
  struct Case {
    var seed: UInt32
    var raw: [UInt32]
    var uniforms: [Double]
    var groups: [[Double]]
  }

  static func fixture() throws -> (groups: [(mean: Double, sd: Double, count: Int)], cases: [Case]) {
    let root = try FixtureSchema.object(try Fixtures.json("numpy-rng.json"), "root")
    func doubles(_ v: Any?) throws -> [Double] {
      try FixtureSchema.array(v, "values").map { item in
        guard let d = Double(try FixtureSchema.string(item, "value")) else { throw SchemaError(description: "not a double") }
        return d
      }
    }
    let groups = try FixtureSchema.array(root["groups"], "groups").map { item in
      let o = try FixtureSchema.object(item, "group")
      return (
        try FixtureSchema.number(o["mean"], "mean"), try FixtureSchema.number(o["sd"], "sd"), Int(try FixtureSchema.number(o["count"], "count"))
      )
    }
    let cases = try FixtureSchema.array(root["cases"], "cases").map { item in
      let o = try FixtureSchema.object(item, "case")
      return Case(
        seed: UInt32(try FixtureSchema.number(o["seed"], "seed")),
        raw: try FixtureSchema.numbers(o["raw"], "raw").map { UInt32($0) },
        uniforms: try doubles(o["uniforms"]),
        groups: try FixtureSchema.array(o["groups"], "groups").map(doubles))
    }
    return (groups, cases)
  }

  @Test func matchesNumpyBitForBit() throws {
    let (groups, cases) = try Self.fixture()
    #expect(cases.map(\.seed) == [0, 1, 42, 4_294_967_295])
    for c in cases {
      var raw = NumpyRandomState(seed: c.seed)
      #expect((0..<8).map { _ in raw.nextUInt32() } == c.raw, "seed \(c.seed): raw outputs")
      var uniform = NumpyRandomState(seed: c.seed)
      #expect((0..<4).map { _ in uniform.uniform().bitPattern } == c.uniforms.map(\.bitPattern), "seed \(c.seed): random_sample")
      var state = NumpyRandomState(seed: c.seed)
      for (g, group) in groups.enumerated() {
        let ours = (0..<group.count).map { _ in state.normal(mean: group.mean, sd: group.sd) }
        #expect(ours.map(\.bitPattern) == c.groups[g].map(\.bitPattern), "seed \(c.seed), group \(g + 1)")
      }
    }
  }
}
