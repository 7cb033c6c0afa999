import Testing
import TestSupport

@testable import Plotting

@Suite struct ColorScaleTests {
  @Test func viridisRunsFromItsFirstToItsLastTableEntry() {
    let scale = ColorScale.viridis(domain: 0...10)
    #expect(scale(0).hexString == "#440154")
    #expect(scale(10).hexString == "#fde725")
    // Entry 128 of the table, (0.127568, 0.566949, 0.550556), sits at 128/255.
    #expect(scale(10 * 128 / 255).hexString == "#21918c")
  }

  @Test func valuesOutsideTheDomainTakeTheEndColoursAndNaNItsOwn() {
    let scale = ColorScale.viridis(domain: -1...1)
    #expect(scale(-5) == scale(-1))
    #expect(scale(.infinity) == scale(1))
    #expect(scale(.nan) == scale.nanColor)
  }

  @Test func interpolationIsLinearBetweenStops() {
    let scale = ColorScale(domain: 0...1, stops: [ColorStop(position: 0, color: .black), ColorStop(position: 1, color: .white)])
    let mid = scale(0.25)
    #expect(mid.red.isApproximatelyEqual(to: 0.25, relativeTolerance: 1e-15))
    #expect(mid.green == mid.red && mid.blue == mid.red)
  }

  @Test func emptyOrNonFiniteDomainsGiveTheMiddleColour() {
    let stops = [ColorStop(position: 0, color: .black), ColorStop(position: 1, color: .white)]
    #expect(ColorScale(domain: 2...2, stops: stops)(2).red == 0.5)
    #expect(ColorScale(domain: 0...Double.infinity, stops: stops)(2).red == 0.5)
    #expect(ColorScale(domain: 0...1, stops: [])(0.3) == .black)
  }

  @Test func viridisGetsLighterAllTheWay() {
    // Perceptually ordered: relative luminance rises monotonically with the value.
    let scale = ColorScale.viridis(domain: 0...1)
    let luminance = (0...100).map { i -> Double in
      let c = scale(Double(i) / 100)
      return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue
    }
    #expect(zip(luminance, luminance.dropFirst()).allSatisfy { $0 < $1 })
  }

  @Test func okabeItoHasEightDistinctColoursAndCycles() {
    #expect(Color.okabeIto.count == 8)
    #expect(Set(Color.okabeIto.map(\.hexString)).count == 8)
    #expect(Color.categorical(0).hexString == "#e69f00")
    #expect(Color.categorical(8) == Color.categorical(0))
    #expect(Color.categorical(-1) == Color.okabeIto[7])
    // The figures' existing cycle is unchanged.
    #expect(Color.cycle(0).hexString == "#1f77b4")
    #expect(Color.palette.count == 10)
  }
}
