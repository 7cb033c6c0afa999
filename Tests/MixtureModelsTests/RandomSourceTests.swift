import Foundation
import Testing

@testable import MixtureModels

/// A second, deliberately plain transcription of SplitMix64 and xoshiro256** from the
/// authors' reference C code (prng.di.unimi.it), to check the product's seeding and step.
struct ReferenceXoshiro256StarStar {
  var s: [UInt64]

  /// SplitMix64 (splitmix64.c): `x += 0x9e3779b97f4a7c15`, then the mix.
  static func splitMix64(_ x: inout UInt64) -> UInt64 {
    x = x &+ 0x9e37_79b9_7f4a_7c15
    var z = x
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// The state the authors recommend: four consecutive SplitMix64 outputs, s[0] first.
  init(seed: UInt64) {
    var x = seed
    s = (0..<4).map { _ in Self.splitMix64(&x) }
  }

  static func rotl(_ x: UInt64, _ k: Int) -> UInt64 { (x << UInt64(k)) | (x >> UInt64(64 - k)) }

  /// xoshiro256starstar.c's `next()`.
  mutating func next() -> UInt64 {
    let result = Self.rotl(s[1] &* 5, 7) &* 9
    let t = s[1] << 17
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = Self.rotl(s[3], 45)
    return result
  }
}

/// The seeded generator: its exact stream, the ranges of its draws, and their moments.
@Suite struct RandomSourceTests {
  @Test func splitMixSeedingStartsFromThePublishedFirstOutput() {
    // SplitMix64 seeded with 0 first yields 0xE220A8397B1DCDAF (splitmix64.c).
    var x: UInt64 = 0
    #expect(ReferenceXoshiro256StarStar.splitMix64(&x) == 0xE220_A839_7B1D_CDAF)
    #expect(ReferenceXoshiro256StarStar(seed: 0).s[0] == 0xE220_A839_7B1D_CDAF)
  }

  @Test(arguments: [0, 1, 42, 0xDEAD_BEEF, UInt64.max])
  func streamMatchesHandCodedXoshiro256StarStar(seed: UInt64) {
    var source = RandomSource(seed: seed)
    var reference = ReferenceXoshiro256StarStar(seed: seed)
    for i in 0..<1000 {
      let (got, expected) = (source.next(), reference.next())
      guard got == expected else {
        Issue.record("seed \(seed), draw \(i): \(got) ≠ \(expected)")
        return
      }
    }
  }

  @Test func firstOutputsForSeedZeroAndFortyTwoArePinned() {
    // Computed once (and by an independent Python transcription); a change here changes
    // every seeded experiment, so it must be deliberate.
    var zero = RandomSource(seed: 0)
    #expect(
      (0..<5).map { _ in zero.next() } == [
        0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C,
        0xBBA5_AD4A_1F84_2E59,
      ])
    var fortyTwo = RandomSource(seed: 42)
    #expect(
      (0..<5).map { _ in fortyTwo.next() } == [
        0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1,
        0xFDE6_DC7F_E2EC_5E64,
      ])
  }

  @Test func uniformUsesTheTopFiftyThreeBitsPlusAHalf() {
    var zero = RandomSource(seed: 0)
    #expect(
      (0..<5).map { _ in zero.uniform() } == [
        0.6012629994179048, 0.7477740925472398, 0.10301998939503637, 0.41658907782964566, 0.7329967790569902,
      ])
    var fortyTwo = RandomSource(seed: 42)
    #expect(
      (0..<3).map { _ in fortyTwo.uniform() } == [0.08386297105988222, 0.37898025066266866, 0.6800434110281395])
  }

  @Test func uniformStaysInsideTheOpenUnitInterval() {
    var source = RandomSource(seed: 7)
    var sum = 0.0
    let count = 100_000
    for _ in 0..<count {
      let u = source.uniform()
      guard u > 0 && u < 1 else {
        Issue.record("uniform() returned \(u)")
        return
      }
      sum += u
    }
    #expect(abs(sum / Double(count) - 0.5) < 0.005)
  }

  @Test(arguments: [0, 42, 2024] as [UInt64])
  func normalDrawsHaveMeanZeroAndSdOne(seed: UInt64) {
    var source = RandomSource(seed: seed)
    let count = 100_000
    let draws = (0..<count).map { _ in source.normal() }
    let mean = draws.reduce(0, +) / Double(count)
    let sd = (draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)).squareRoot()
    #expect(abs(mean) < 0.01)
    #expect(abs(sd - 1) < 0.01)
    #expect(draws.allSatisfy { $0.isFinite })
  }

  @Test func normalIsMarsagliaPolarAndReturnsTheSpareSecond() {
    var source = RandomSource(seed: 11)
    var copy = source
    // Replay the polar method on the same uniforms.
    var u = 0.0, v = 0.0, s = 0.0
    repeat {
      u = 2 * copy.uniform() - 1
      v = 2 * copy.uniform() - 1
      s = u * u + v * v
    } while !(s > 0 && s < 1)
    let factor = (-2 * log(s) / s).squareRoot()
    #expect(source.normal() == u * factor)
    #expect(source.normal() == v * factor)
    // The pair used exactly the uniforms the replay used.
    #expect(source.next() == copy.next())
  }

  @Test func normalWithMeanAndSdShiftsAndScalesTheStandardDraw() {
    var a = RandomSource(seed: 5)
    var b = RandomSource(seed: 5)
    for _ in 0..<10 {
      #expect(a.normal(mean: 3, sd: 0.5) == 3 + 0.5 * b.normal())
    }
  }

  @Test func sameSeedGivesTheSameStreamAndDifferentSeedsDiffer() {
    var a = RandomSource(seed: 99)
    var b = RandomSource(seed: 99)
    var c = RandomSource(seed: 100)
    let drawsA = (0..<100).map { _ in (a.next(), a.uniform(), a.normal(), Int.random(in: 0..<10, using: &a)) }
    let drawsB = (0..<100).map { _ in (b.next(), b.uniform(), b.normal(), Int.random(in: 0..<10, using: &b)) }
    #expect(drawsA.map(\.0) == drawsB.map(\.0))
    #expect(drawsA.map(\.1) == drawsB.map(\.1))
    #expect(drawsA.map(\.2) == drawsB.map(\.2))
    #expect(drawsA.map(\.3) == drawsB.map(\.3))
    #expect((0..<100).map { _ in c.next() } != drawsA.map(\.0))
  }
}
