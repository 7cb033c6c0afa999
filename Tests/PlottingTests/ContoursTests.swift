import Foundation
import Testing
import TestSupport

@testable import Plotting

@Suite struct ContoursTests {
  /// A grid of `n` × `n` points over [−2, 2]² with values `f(x, y)`.
  static func grid(_ n: Int, _ f: (Double, Double) -> Double) -> (xs: [Double], ys: [Double], z: [Double]) {
    let xs = (0..<n).map { -2 + 4 * Double($0) / Double(n - 1) }
    var z: [Double] = []
    for y in xs { for x in xs { z.append(f(x, y)) } }
    return (xs, xs, z)
  }

  @Test(arguments: [0.5, 1, 1.7])
  func distanceToTheCentreGivesOneClosedCircle(radius: Double) throws {
    let n = 41
    let (xs, ys, z) = Self.grid(n) { x, y in (x * x + y * y).squareRoot() }
    let levels = Contours.lines(xs: xs, ys: ys, z: z, levels: [radius])
    let lines = try #require(levels.first).lines
    #expect(lines.count == 1)
    let circle = try #require(lines.first)
    #expect(circle.isClosed)
    // Linear interpolation of |p| along a cell edge errs by at most h²/(8r) (the
    // chord's sag); h = 0.1.
    let h = 4.0 / Double(n - 1)
    for (x, y) in zip(circle.xs, circle.ys) {
      let r = (x * x + y * y).squareRoot()
      #expect(abs(r - radius) <= h * h / (8 * radius) + 1e-12, "\(r) at (\(x), \(y))")
    }
    // It goes once around: its area is about πr².
    #expect(abs(abs(circle.signedArea) - Double.pi * radius * radius) < 0.02 * Double.pi * radius * radius)
    // No vertex repeats the first.
    #expect(circle.count >= 8)
    #expect(circle.xs.first != circle.xs.last || circle.ys.first != circle.ys.last)
  }

  @Test func planeGivesOneStraightOpenLine() throws {
    let (xs, ys, z) = Self.grid(11) { x, y in 2 * x + y }
    let lines = try #require(Contours.lines(xs: xs, ys: ys, z: z, levels: [0.7]).first).lines
    #expect(lines.count == 1)
    let line = try #require(lines.first)
    #expect(!line.isClosed)
    for (x, y) in zip(line.xs, line.ys) {
      #expect(abs(2 * x + y - 0.7) < 1e-12)
    }
    // From border to border.
    let onBorder = { (x: Double, y: Double) in abs(abs(x) - 2) < 1e-12 || abs(abs(y) - 2) < 1e-12 }
    #expect(onBorder(line.xs[0], line.ys[0]))
    #expect(onBorder(line.xs[line.count - 1], line.ys[line.count - 1]))
  }

  @Test(arguments: [-10.0, 10, .nan, .infinity])
  func levelsOutsideTheRangeGiveNoLines(level: Double) {
    let (xs, ys, z) = Self.grid(11) { x, y in x + y }
    let result = Contours.lines(xs: xs, ys: ys, z: z, levels: [level])
    #expect(result.count == 1)
    #expect(result[0].lines.isEmpty)
  }

  @Test func cellsTouchingNaNAreSkipped() throws {
    // The plane x with a hole at the grid point nearest (0, 0).
    var (xs, ys, z) = Self.grid(9) { x, _ in x }
    let centre = 4 * 9 + 4
    z[centre] = .nan
    let lines = try #require(Contours.lines(xs: xs, ys: ys, z: z, levels: [0.1]).first).lines
    // The line x = 0.1 runs through the four cells around the hole, so it breaks in two.
    #expect(lines.count == 2)
    for line in lines {
      #expect(!line.isClosed)
      #expect(line.xs.allSatisfy { abs($0 - 0.1) < 1e-12 })
      // No point inside the two cells beside the hole that the line crosses.
      #expect(line.ys.allSatisfy { abs($0) >= 0.5 - 1e-12 })
    }
  }

  @Test func saddleCellsFollowTheMeanOfTheirCorners() throws {
    // One cell: 1 at lower-left and upper-right, 0 elsewhere; mean 0.5.
    let xs = [0.0, 1], ys = [0.0, 1]
    let z = [1.0, 0, 0, 1]
    // Level 0.4: the centre (0.5) is above, like the high corners: they join, and the
    // two lines cut off the low corners.
    let low = try #require(Contours.lines(xs: xs, ys: ys, z: z, levels: [0.4]).first).lines
    #expect(low.count == 2)
    let cutsOffLowCorners = low.allSatisfy { line in
      let mx = line.xs.reduce(0, +) / 2, my = line.ys.reduce(0, +) / 2
      return (mx > 0.5) != (my > 0.5)
    }
    #expect(cutsOffLowCorners)
    // Level 0.6: the centre is below: the high corners are cut off instead.
    let high = try #require(Contours.lines(xs: xs, ys: ys, z: z, levels: [0.6]).first).lines
    #expect(high.count == 2)
    #expect(high.allSatisfy { line in
      let mx = line.xs.reduce(0, +) / 2, my = line.ys.reduce(0, +) / 2
      return (mx > 0.5) == (my > 0.5)
    })
  }

  @Test func malformedGridsGiveNoLinesForEachLevel() {
    #expect(Contours.lines(xs: [0, 1], ys: [0, 1], z: [0, 1, 2], levels: [0.5, 1]).map(\.lines.isEmpty) == [true, true])
    #expect(Contours.lines(xs: [0], ys: [0, 1], z: [0, 1], levels: [0.5]).map(\.lines.isEmpty) == [true])
  }

  @Test func twoBumpsGiveTwoClosedLinesAtALowLevelAndOneAroundBothBelowTheSaddle() throws {
    let (xs, ys, z) = Self.grid(81) { x, y in
      Foundation.exp(-((x - 0.8) * (x - 0.8) + y * y) / 0.2) + Foundation.exp(-((x + 0.8) * (x + 0.8) + y * y) / 0.2)
    }
    let result = Contours.lines(xs: xs, ys: ys, z: z, levels: [0.5, 0.01])
    #expect(result[0].lines.count == 2)
    #expect(result[0].lines.allSatisfy { $0.isClosed })
    #expect(result[1].lines.count == 1)
  }

  @Test func niceLevelsLieStrictlyInsideTheRange() {
    let z = [0.0, 0.13, 0.52, 0.97, .nan]
    let levels = Contours.levels(z, count: 5)
    #expect(levels == [0.2, 0.4, 0.6, 0.8])
    #expect(Contours.levels([1, 1, 1], count: 5).isEmpty)
    #expect(Contours.levels([], count: 5).isEmpty)
  }

  @Test func levelsAsFractionsOfTheMaximum() {
    let z = [0.0, 0.5, 2, .nan, -1]
    #expect(Contours.levels(z, fractionsOfMaximum: [0.9, 0.5, 0.1, 0, 1, 1.5]) == [0.2, 1, 1.8])
    #expect(Contours.levels([-1, 0], fractionsOfMaximum: [0.5]).isEmpty)
  }
}
