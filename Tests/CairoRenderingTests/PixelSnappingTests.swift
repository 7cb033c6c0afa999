import CCairo
import Plotting
import Testing

@testable import CairoRendering

/// Rectilinear strokes and fills on a raster surface snap to the pixel grid, as matplotlib's
/// Agg does: a frame or grid line is whole pixels of its colour, not two half-tone rows.
@Suite struct PixelSnappingTests {
  /// A white `width` × `height` surface at `scale` pixels a point, painted by `paint` on a
  /// canvas that snaps (or not).
  static func pixels(width: Int32, height: Int32, scale: Double, snaps: Bool, paint: (CairoCanvas) -> Void) throws -> [UInt32] {
    let surface = try CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)!, call: "cairo_image_surface_create")
    let canvas = try CairoCanvas(surface: surface, scale: scale, snapsToPixels: snaps)
    canvas.fill(Path(rect: Rect(x: 0, y: 0, width: Double(width) / scale, height: Double(height) / scale)), color: .white)
    paint(canvas)
    try canvas.checkStatus()
    cairo_surface_flush(surface.pointer)
    return PNGEncoderTests.pixels(surface.pointer)
  }

  static func column(_ p: [UInt32], width: Int, x: Int) -> [UInt32] {
    stride(from: x, to: p.count, by: width).map { p[$0] }
  }

  static let white: UInt32 = 0xFFFF_FFFF

  @Test func aThinHorizontalLineIsOneRowOfItsColour() throws {
    // 0.8 pt at 100 dpi is 1.11 px; at y = 10.3 pt (14.3 px) it straddles rows 13 and 14.
    let scale = 100.0 / 72
    let line = Path(polyline: [Point(2, 10.3), Point(40, 10.3)])
    let style = StrokeStyle(color: Color(hex: 0x1F77B4), width: 0.8)
    let snapped = try Self.pixels(width: 60, height: 30, scale: scale, snaps: true) { $0.stroke(line, style: style) }
    let column = Self.column(snapped, width: 60, x: 30)
    let marked = column.indices.filter { column[$0] != Self.white }
    #expect(marked == [14], "rows \(marked)")
    #expect(column[14] == 0xFF1F_77B4)
    // Without snapping the same line is two rows of blended colour.
    let plain = try Self.pixels(width: 60, height: 30, scale: scale, snaps: false) { $0.stroke(line, style: style) }
    let plainColumn = Self.column(plain, width: 60, x: 30)
    #expect(plainColumn.indices.filter { plainColumn[$0] != Self.white }.count == 2)
  }

  @Test func aTwoPixelLineSitsOnPixelEdgesAndAFillOnWholePixels() throws {
    // 1.5 pt at 1 px/pt rounds to 2 px, centred on the edge between rows 10 and 11.
    let vertical = Path(polyline: [Point(10.2, 2), Point(10.2, 25)])
    let rect = Path(rect: Rect(x: 20.4, y: 3.6, width: 10.2, height: 5.5))
    let p = try Self.pixels(width: 40, height: 30, scale: 1, snaps: true) {
      $0.stroke(vertical, style: StrokeStyle(color: .black, width: 1.5))
      $0.fill(rect, color: Color(hex: 0xFF7F0E))
    }
    let row = Array(p[(15 * 40)..<(16 * 40)])
    #expect(row.indices.filter { row[$0] != Self.white } == [9, 10])
    #expect(row[9] == 0xFF00_0000 && row[10] == 0xFF00_0000)
    // The rectangle covers x 20…30, y 4…8 exactly: every pixel full colour or white.
    for y in 0..<30 {
      for x in 16..<36 {
        let inside = (20..<31).contains(x) && (4..<9).contains(y)
        #expect(p[y * 40 + x] == (inside ? 0xFF_FF7F0E : Self.white), "pixel \(x), \(y)")
      }
    }
  }

  /// Ink of the pixels: the sum over pixels of how far each is from white (0…1 a pixel).
  static func ink(_ p: [UInt32]) -> Double {
    p.reduce(0) { total, pixel in
      let r = Double((pixel >> 16) & 0xFF), g = Double((pixel >> 8) & 0xFF), b = Double(pixel & 0xFF)
      return total + (765 - r - g - b) / 765
    }
  }

  @Test func aLineUnderAPixelKeepsItsInkOnOneRow() throws {
    // 0.8 pt at 25 dpi is 0.28 px: a solid pixel would be 3.6 times its ink.
    let scale = 25.0 / 72
    let line = Path(polyline: [Point(4, 30.5), Point(100, 30.5)])
    let style = StrokeStyle(color: .black, width: 0.8)
    let snapped = try Self.pixels(width: 40, height: 20, scale: scale, snaps: true) { $0.stroke(line, style: style) }
    let plain = try Self.pixels(width: 40, height: 20, scale: scale, snaps: false) { $0.stroke(line, style: style) }
    let column = Self.column(snapped, width: 40, x: 20)
    #expect(column.indices.filter { column[$0] != Self.white } == [10])
    // cairo's coverage sampling puts 0.33 of ink on the snapped row and 0.27 on the exact
    // one (the width is 0.28): far from the 1.0 of a solid pixel.
    #expect(abs(Self.ink(snapped) / Self.ink(plain) - 1) < 0.3, "ink \(Self.ink(snapped)) against \(Self.ink(plain))")
    #expect(column[10] & 0xFF > 128)
  }

  @Test func featuresUnderAPixelDoNotVanish() throws {
    let scale = 100.0 / 72
    // 0.2 pt tall (0.28 px), 0.3 pt wide (0.42 px), and a tick 0.3 pt long.
    let shapes: [(CairoCanvas) -> Void] = [
      { $0.fill(Path(rect: Rect(x: 5, y: 10.1, width: 20, height: 0.2)), color: .black) },
      { $0.fill(Path(rect: Rect(x: 7.2, y: 3, width: 0.3, height: 10)), color: .black) },
      { $0.stroke(Path(polyline: [Point(10, 10.1), Point(10, 10.4)]), style: StrokeStyle(color: .black, width: 0.8)) },
    ]
    for (i, paint) in shapes.enumerated() {
      let snapped = try Self.pixels(width: 40, height: 30, scale: scale, snaps: true, paint: paint)
      let plain = try Self.pixels(width: 40, height: 30, scale: scale, snaps: false, paint: paint)
      #expect(Self.ink(snapped) > 0.5 * Self.ink(plain) && Self.ink(plain) > 0, "shape \(i): ink \(Self.ink(snapped)) against \(Self.ink(plain))")
    }
  }

  @Test func onlyRectilinearPathsSnap() {
    var frame = Path(rect: Rect(x: 0.3, y: 0.3, width: 10, height: 5))
    #expect(CairoCanvas.snapped(frame, grid: 1, offset: 0.5) != nil)
    let snapped = CairoCanvas.snapped(Path(polyline: [Point(0.3, 2.9), Point(7.8, 2.9)]), grid: 2, offset: 0.5)
    // 0.3 pt × 2 = 0.6 px → 0.5 px; 7.8 × 2 = 15.6 → 15.5; 2.9 × 2 = 5.8 → 5.5.
    #expect(snapped == Path(polyline: [Point(0.25, 2.75), Point(7.75, 2.75)]))
    #expect(CairoCanvas.snapped(Path(polyline: [Point(0, 0), Point(3, 4)]), grid: 1, offset: 0) == nil)
    frame.addCircle(center: Point(1, 1), radius: 1)
    #expect(CairoCanvas.snapped(frame, grid: 1, offset: 0) == nil)
    #expect(CairoCanvas.snapped(Path(polyline: [Point(0, .nan), Point(3, .nan)]), grid: 1, offset: 0) == nil)
    // A closed triangle's closing edge is diagonal.
    var triangle = Path(polyline: [Point(0, 0), Point(4, 0), Point(4, 3)])
    triangle.close()
    #expect(CairoCanvas.snapped(triangle, grid: 1, offset: 0) == nil)
    #expect(CairoCanvas.snapped(Path(polyline: (0..<5000).map { Point(Double($0), 0) }), grid: 1, offset: 0) == nil)
  }

  /// The largest difference of one channel between two surfaces' pixels, and how many
  /// pixels differ by more than `threshold`.
  static func difference(_ a: [UInt32], _ b: [UInt32], threshold: UInt32) -> (largest: UInt32, over: Int) {
    var largest: UInt32 = 0, over = 0
    for (p, q) in zip(a, b) {
      var d: UInt32 = 0
      for shift in stride(from: 0, to: 32, by: 8) {
        let x = (p >> UInt32(shift)) & 0xFF, y = (q >> UInt32(shift)) & 0xFF
        d = Swift.max(d, x > y ? x - y : y - x)
      }
      largest = Swift.max(largest, d)
      if d > threshold { over += 1 }
    }
    return (largest, over)
  }

  /// 300 dots, each its own fill and colour, at positions spread over every eighth of a pixel.
  static func scatter(_ canvas: CairoCanvas, radius: Double = 1.7, alpha: Double = 0.8) {
    for i in 0..<300 {
      var dot = Path()
      let x = 4 + Double(i % 30) * 3.37 + Double(i) * 0.013, y = 4 + Double(i / 30) * 3.91 + Double(i) * 0.021
      dot.addCircle(center: Point(x, y), radius: radius)
      canvas.fill(dot, color: Color.cycle(i % 4).withAlpha(alpha))
    }
  }

  @Test func stampedDotsMatchCairosFilledDots() throws {
    let scale = 100.0 / 72
    for (radius, alpha) in [(1.7, 0.8), (1.4, 1.0), (5.0, 0.5)] {
      let stamped = try Self.pixels(width: 160, height: 80, scale: scale, snaps: true) { Self.scatter($0, radius: radius, alpha: alpha) }
      let filled = try Self.pixels(width: 160, height: 80, scale: scale, snaps: false) { Self.scatter($0, radius: radius, alpha: alpha) }
      // A stamped centre is within 1/16 px of the exact one, so an edge pixel's coverage
      // moves by about 1/16 (16 levels of 255 at full contrast) and no more than 1/8.
      let (largest, over) = Self.difference(stamped, filled, threshold: 16)
      #expect(largest <= 32, "radius \(radius): largest difference \(largest)")
      #expect(Double(over) < 0.01 * Double(stamped.count), "radius \(radius): \(over) pixels differ by more than 16")
      #expect(stamped != filled)
    }
  }

  @Test func translucentDotsOfOnePathAreFilledWhole() throws {
    // Overlapping translucent dots in one path: their union, painted once, as PDF and SVG do.
    var dots = Path()
    for i in 0..<20 { dots.addCircle(center: Point(10 + Double(i) * 1.5, 20), radius: 3) }
    let paint: (CairoCanvas) -> Void = { $0.fill(dots, color: Color(hex: 0x1F77B4).withAlpha(0.5)) }
    let snapping = try Self.pixels(width: 80, height: 40, scale: 1, snaps: true, paint: paint)
    let plain = try Self.pixels(width: 80, height: 40, scale: 1, snaps: false, paint: paint)
    #expect(snapping == plain)
    // Opaque dots of one path are stamped: the same picture but for antialiased edges.
    let opaque: (CairoCanvas) -> Void = { $0.fill(dots, color: Color(hex: 0x1F77B4)) }
    let stamped = try Self.pixels(width: 80, height: 40, scale: 1, snaps: true, paint: opaque)
    let filled = try Self.pixels(width: 80, height: 40, scale: 1, snaps: false, paint: opaque)
    #expect(Self.difference(stamped, filled, threshold: 8).largest <= 40)
  }

  @Test func dotsOffTheSurfaceOrNotFiniteDrawNothing() throws {
    var dots = Path()
    for c in [Point(-50, 10), Point(10, 1e300), Point(.nan, 5), Point(5, -.infinity), Point(1e18, -1e18)] {
      dots.addCircle(center: c, radius: 2)
    }
    let p = try Self.pixels(width: 40, height: 30, scale: 1, snaps: true) { $0.fill(dots, color: .black) }
    #expect(p.allSatisfy { $0 == Self.white })
    // A dot half over the edge is drawn, clipped by the surface.
    var edge = Path()
    edge.addCircle(center: Point(0.5, 15), radius: 3)
    let q = try Self.pixels(width: 40, height: 30, scale: 1, snaps: true) { $0.fill(edge, color: .black) }
    #expect(q[15 * 40] == 0xFF00_0000 && q[15 * 40 + 5] == Self.white)
  }
}
