import CCairo
import Plotting
import TestSupport
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

  @Test func blendingAStampIsCairosMaskByteForByte() throws {
    // DotStamps.blend against cairo_mask_surface with the same colour, on random
    // premultiplied pixels (opaque and not) through random coverage: every byte equal.
    var random = SplitMix(seed: 7)
    let side = 9
    for trial in 0..<400 {
      let alpha = trial % 3 == 0 ? 1 : random.unit()
      // Some channels outside [0, 1]: cairo clamps them, and so must premultiplied(_:).
      let color = Color(red: random.unit() * 1.2 - 0.1, green: random.unit(), blue: trial % 5 == 0 ? 1.3 : random.unit(), alpha: alpha)
      let background = (0..<(side * side)).map { _ -> UInt32 in
        let a = trial % 2 == 0 ? 255 : UInt32(random.next() % 256)
        return a << 24 | UInt32(random.next() % UInt64(a + 1)) << 16 | UInt32(random.next() % UInt64(a + 1)) << 8 | UInt32(random.next() % UInt64(a + 1))
      }
      let coverage = (0..<(side * side)).map { i -> UInt8 in i % 5 == 0 ? 255 : i % 5 == 1 ? 0 : UInt8(random.next() % 256) }

      let surface = try CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(side), Int32(side))!, call: "surface")
      let mask = try CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(side), Int32(side))!, call: "mask")
      cairo_surface_flush(surface.pointer)
      cairo_surface_flush(mask.pointer)
      let pixels = UnsafeMutableRawPointer(cairo_image_surface_get_data(surface.pointer)!).assumingMemoryBound(to: UInt32.self)
      let stride = Int(cairo_image_surface_get_stride(surface.pointer)) / 4
      let maskBytes = cairo_image_surface_get_data(mask.pointer)!
      let maskStride = Int(cairo_image_surface_get_stride(mask.pointer))
      for y in 0..<side {
        for x in 0..<side {
          pixels[y * stride + x] = background[y * side + x]
          maskBytes[y * maskStride + x] = coverage[y * side + x]
        }
      }
      cairo_surface_mark_dirty(surface.pointer)
      cairo_surface_mark_dirty(mask.pointer)
      let cr = cairo_create(surface.pointer)!
      cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
      cairo_mask_surface(cr, mask.pointer, 0, 0)
      cairo_destroy(cr)
      cairo_surface_flush(surface.pointer)
      let byCairo = (0..<(side * side)).map { pixels[($0 / side) * stride + $0 % side] }

      var ours = background
      let source = try #require(DotStamps.premultiplied(color))
      ours.withUnsafeMutableBufferPointer { DotStamps.blend(coverage, side: side, into: $0.baseAddress!, stride: side, left: 0, top: 0, source: source) }
      let differing = zip(ours, byCairo).filter { $0 != $1 }.count
      #expect(differing == 0, "trial \(trial), colour \(color): \(differing) of \(side * side) pixels differ from cairo's")
    }
    #expect(DotStamps.premultiplied(Color(red: .nan, green: 0, blue: 0)) == nil)
  }

  @Test func stampsBlendedDirectlyAreTheStampsCairoMasks() throws {
    // Dots inside, across and outside an unaligned clip and the surface's edges, overlapping,
    // opaque and single translucent: the same pixels as every stamp through cairo_mask_surface.
    var random = SplitMix(seed: 11)
    var dots: [(Point, Color)] = []
    for i in 0..<300 {
      let color = Color.cycle(i % 5).withAlpha(i % 7 == 0 ? 0.4 : 1)
      dots.append((Point(random.unit() * 130 - 5, random.unit() * 70 - 5), color))
    }
    func paint(_ canvas: CairoCanvas) {
      canvas.pushClip(Rect(x: 10.3, y: 7.7, width: 93.45, height: 40.2))
      for (i, (center, color)) in dots.enumerated() {
        var dot = Path()
        dot.addCircle(center: center, radius: 2.1)
        if i % 3 == 0, color.alpha >= 1 { dot.addCircle(center: Point(center.x + 1.5, center.y + 0.7), radius: 2.1) }
        canvas.fill(dot, color: color)
      }
      canvas.popClip()
      for (center, color) in dots.prefix(40) {
        var dot = Path()
        dot.addCircle(center: center, radius: 1.3)
        canvas.fill(dot, color: color)
      }
    }
    let scale = 100.0 / 72
    let direct = try Self.pixels(width: 170, height: 90, scale: scale, snaps: true, paint: paint)
    let masked = try Self.pixels(width: 170, height: 90, scale: scale, snaps: true) { canvas in
      canvas.blendsStampsDirectly = false
      paint(canvas)
    }
    #expect(zip(direct, masked).filter { $0 != $1 }.count == 0)
    #expect(direct.filter { $0 != Self.white }.count > 2000)
  }

  @Test func stampsInClipsBeyondCairosFixedPointAreCairos() throws {
    // cairo holds a clip's corner and sides in 24.8 fixed point (32 bits), wrapping past
    // ±2^23 px: a clip of 9e6 pt clips everything away there, and the direct blend, which
    // took it for the whole surface, painted the dots.
    var random = SplitMix(seed: 5)
    let dots = (0..<200).map { _ in Point(random.unit() * 100, random.unit() * 60) }
    for scale in [1.0, 100.0 / 72, 3.0] {
      for clip in [Rect(x: 0, y: 0, width: 9e6, height: 9e6), Rect(x: -1e7, y: -1e7, width: 2e7, height: 2e7), Rect(x: -5e6, y: 0, width: 5e6 + 200, height: 100)] {
        func paint(_ canvas: CairoCanvas) {
          canvas.pushClip(clip)
          for center in dots {
            var dot = Path()
            dot.addCircle(center: center, radius: 1.6)
            canvas.fill(dot, color: Color(hex: 0x1F77B4))
          }
          canvas.popClip()
        }
        let width = Int32((110 * scale).rounded()), height = Int32((70 * scale).rounded())
        let direct = try Self.pixels(width: width, height: height, scale: scale, snaps: true, paint: paint)
        let masked = try Self.pixels(width: width, height: height, scale: scale, snaps: true) { canvas in
          canvas.blendsStampsDirectly = false
          paint(canvas)
        }
        #expect(zip(direct, masked).filter { $0 != $1 }.count == 0, "scale \(scale), clip \(clip)")
      }
    }
    #expect(PixelBox(fullyCovering: Rect(x: 0, y: 0, width: 9e6, height: 9e6), scale: 1) == PixelBox(left: 0, top: 0, right: 0, bottom: 0))
    #expect(PixelBox(fullyCovering: Rect(x: -10, y: 0, width: 4e6, height: 20), scale: 1) == PixelBox(left: -10, top: 0, right: 3_999_990, bottom: 20))
  }

  @Test func aClipCoversWholePixelsOnlyWhereItIsWhole() {
    #expect(PixelBox(fullyCovering: Rect(x: 10.3, y: 7.0, width: 20, height: 5.5), scale: 1) == PixelBox(left: 11, top: 7, right: 30, bottom: 12))
    #expect(PixelBox(fullyCovering: Rect(x: 1, y: 1, width: 2, height: 2), scale: 2) == PixelBox(left: 2, top: 2, right: 6, bottom: 6))
    let empty = PixelBox(left: 0, top: 0, right: 0, bottom: 0)
    for rect in [Rect(x: .nan, y: 0, width: 5, height: 5), Rect(x: 0, y: 0, width: -5, height: 5), Rect(x: 0.2, y: 0, width: 0.5, height: 5),
                 Rect(x: 0, y: 0, width: 1e300, height: 5)] {
      #expect(PixelBox(fullyCovering: rect, scale: 1) == empty, "\(rect)")
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
