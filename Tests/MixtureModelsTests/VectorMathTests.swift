import Foundation
import Testing

@testable import MixtureModels

/// The vectorised exp and log against the C library's (glibc's, correctly rounded in
/// practice), over the whole range of doubles and at the edges.
@Suite struct VectorMathTests {
  /// The distance in units in the last place between two doubles of the same sign
  /// (0 when both are the same infinity, or both NaN).
  static func ulps(_ a: Double, _ b: Double) -> UInt64 {
    if a.isNaN && b.isNaN { return 0 }
    if a == b { return 0 }
    guard a.sign == b.sign, a.isFinite, b.isFinite else { return .max }
    let x = a.magnitude.bitPattern, y = b.magnitude.bitPattern
    return x > y ? x - y : y - x
  }

  /// The largest ulp distance of `f` from `reference` over `inputs`, with the input
  /// where it happened.
  static func worst(_ inputs: [Double], _ f: (Vector8) -> Vector8, _ reference: (Double) -> Double) -> (ulps: UInt64, at: Double) {
    var worst: (ulps: UInt64, at: Double) = (0, .nan)
    var i = 0
    while i < inputs.count {
      var v = Vector8(repeating: inputs[i])
      for lane in 0..<8 where i + lane < inputs.count { v[lane] = inputs[i + lane] }
      let out = f(v)
      for lane in 0..<8 where i + lane < inputs.count {
        let d = ulps(out[lane], reference(v[lane]))
        if d > worst.ulps { worst = (d, v[lane]) }
      }
      i += 8
    }
    return worst
  }

  /// Evenly spaced and pseudo-random arguments over `range`.
  static func sweep(_ range: ClosedRange<Double>, count: Int) -> [Double] {
    var random = RandomSource(seed: 7)
    let width = range.upperBound - range.lowerBound
    return (0..<count).map { i in
      i.isMultiple(of: 2)
        ? range.lowerBound + width * Double(i) / Double(count - 1)
        : range.lowerBound + width * random.uniform()
    }
  }

  @Test func expIsWithinOneUlpOverTheNormalRange() {
    // exp is normal for x in [−708.39, 709.78].
    let inputs = Self.sweep(-708.39...709.78, count: 400_000) + Self.sweep(-1...1, count: 100_000)
    let result = Self.worst(inputs, VectorMath.exp, Foundation.exp)
    #expect(result.ulps <= 1, "largest error \(result.ulps) ulp at \(result.at)")
  }

  @Test func expIsRoundedOnceInTheSubnormalRange() {
    // Subnormal results: the absolute error stays within one subnormal step.
    let result = Self.worst(Self.sweep(-745.13...(-708.4), count: 100_000), VectorMath.exp, Foundation.exp)
    #expect(result.ulps <= 1, "largest error \(result.ulps) ulp at \(result.at)")
  }

  @Test(arguments: [
    (0.0, 1.0), (-0.0, 1.0), (1.0, M_E), (-1000, 0), (-746, 0), (-745.2, 0),
    (710, .infinity), (709.8, .infinity), (1000, .infinity), (.infinity, .infinity), (-.infinity, 0),
  ])
  func expEdges(_ x: Double, _ expected: Double) {
    let y = VectorMath.exp(Vector8(repeating: x))
    #expect(y[0] == expected || Self.ulps(y[0], expected) <= 1, "exp(\(x)) = \(y[0])")
  }

  @Test func expAtTheLimitsOfTheRangeMatchesTheCLibrary() {
    // The largest and smallest arguments with a finite, non-zero result, and their
    // neighbours just outside.
    for x in [709.782712893384, 709.7827128933841, 709.78271289338397, -745.1332191019411, -745.1332191019412, -745.13321910194122, -708.3964185322641, -708.3964185322642] {
      let y = VectorMath.exp(Vector8(repeating: x))[0]
      #expect(Self.ulps(y, Foundation.exp(x)) <= 1, "exp(\(x)) = \(y), C library \(Foundation.exp(x))")
    }
    #expect(VectorMath.exp(Vector8(repeating: .nan))[0].isNaN)
  }

  @Test func expOfNonPositiveHasExpsBitsDownToTheFlushPoint() {
    // The one-step scaling gives the same bits as exp's two steps while n ≥ −1022
    // (x ≥ −708.74, subnormal results included); below that it is 0.
    let inputs = Self.sweep(-708.74...0, count: 400_000) + Self.sweep(-1...0, count: 100_000) + [0, -0.0, -708.7395]
    var differing = 0
    var first = 0.0
    for start in Swift.stride(from: 0, to: inputs.count - 7, by: 8) {
      let x = Vector8(inputs[start..<start + 8])
      let fast = VectorMath.expOfNonPositive(x), general = VectorMath.exp(x)
      for lane in 0..<8 where fast[lane].bitPattern != general[lane].bitPattern {
        if differing == 0 { first = x[lane] }
        differing += 1
      }
    }
    #expect(differing == 0, "\(differing) differ, first at \(first)")
  }

  @Test(arguments: [
    (-708.75, 0.0), (-709.0, 0.0), (-709.1, 0.0), (-745.2, 0.0), (-1e300, 0.0), (-Double.infinity, 0.0), (0.0, 1.0), (-0.0, 1.0),
  ])
  func expOfNonPositiveEdges(_ x: Double, _ expected: Double) {
    #expect(VectorMath.expOfNonPositive(Vector8(repeating: x))[0] == expected)
  }

  @Test func expOfNonPositiveOfNaNIsNaNAndJustAboveTheFlushPointIsSubnormal() {
    #expect(VectorMath.expOfNonPositive(Vector8(repeating: .nan))[0].isNaN)
    let y = VectorMath.expOfNonPositive(Vector8(repeating: -708.6))[0]
    #expect(y.isSubnormal && Self.ulps(y, Foundation.exp(-708.6)) <= 1)
  }

  @Test func logIsWithinOneUlpOverEveryBinade() {
    // Random bit patterns of positive finite doubles cover every binade, subnormals
    // included; and values near 1, where log is small and cancellation is hardest.
    var random = RandomSource(seed: 11)
    var inputs: [Double] = (0..<300_000).map { _ in
      Double(bitPattern: UInt64(random.index(below: Int(Double.greatestFiniteMagnitude.bitPattern)) + 1))
    }
    inputs += Self.sweep(0.5...2, count: 200_000)
    for i in 1...2000 {
      let step = Double(i)
      inputs += [1 + step * 1e-12, 1 - step * 1e-12, 1 + step * Double.ulpOfOne]
    }
    let result = Self.worst(inputs, VectorMath.log, Foundation.log)
    #expect(result.ulps <= 1, "largest error \(result.ulps) ulp at \(result.at)")
  }

  @Test(arguments: [
    (1.0, 0.0), (0.0, -.infinity), (-0.0, -.infinity), (.infinity, .infinity),
    (Double.leastNonzeroMagnitude, -744.4400719213812), (Double.leastNormalMagnitude, -708.3964185322641),
    (Double.greatestFiniteMagnitude, 709.782712893384), (M_E, 1.0),
  ])
  func logEdges(_ x: Double, _ expected: Double) {
    let y = VectorMath.log(Vector8(repeating: x))[0]
    #expect(Self.ulps(y, expected) <= 1, "log(\(x)) = \(y)")
  }

  @Test func logOfNegativeOrNaNIsNaN() {
    let y = VectorMath.log(Vector8(-1, -.infinity, .nan, -Double.leastNonzeroMagnitude, 2, 4, 8, 16))
    #expect((0..<4).allSatisfy { y[$0].isNaN })
    #expect(y[4] == Foundation.log(2.0) && y[5] == Foundation.log(4.0))
  }
}
