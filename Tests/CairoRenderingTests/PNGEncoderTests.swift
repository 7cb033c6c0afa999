import CCairo
import Glibc
import Plotting
import TestSupport
import Testing

@testable import CairoRendering

/// ``PNGEncoder``: a decoder (libpng, through cairo's PNG reader) sees exactly the pixels of
/// the surface, and the pixels cairo's own `cairo_surface_write_to_png_stream` wrote.
@Suite struct PNGEncoderTests {
  /// An ARGB32 surface of `width` × `height` pixels painted by `paint`.
  static func surface(width: Int32, height: Int32, scale: Double = 100.0 / 72, paint: (CairoCanvas) -> Void) throws -> CairoSurface {
    let surface = try CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)!, call: "cairo_image_surface_create")
    let canvas = try CairoCanvas(surface: surface, scale: scale)
    paint(canvas)
    try canvas.checkStatus()
    cairo_surface_flush(surface.pointer)
    return surface
  }

  /// The sample figure at 100 dpi: opaque (the figure paints its background).
  static func figureSurface() throws -> CairoSurface {
    let figure = sampleFigure()
    let layout = figure.layout(measuring: try CairoTextMeasurer())
    return try surface(width: 640, height: 480) { figure.draw(layout, on: $0) }
  }

  /// Semi-transparent marks on a transparent surface: alpha 0, partial alpha (antialiased
  /// edges, a 40 % fill over a 70 % one) and full alpha.
  static func translucentSurface() throws -> CairoSurface {
    func disk(_ x: Double, _ y: Double, _ r: Double) -> Path {
      var path = Path()
      path.addCircle(center: Point(x, y), radius: r)
      return path
    }
    return try surface(width: 120, height: 90, scale: 1) { canvas in
      canvas.fill(disk(40, 40, 30), color: Color(hex: 0x1F77B4).withAlpha(0.7))
      canvas.fill(disk(70, 50, 25), color: Color(hex: 0xFF7F0E).withAlpha(0.4))
      canvas.stroke(Path(polyline: [Point(5, 85), Point(115, 3)]), style: StrokeStyle(color: .red, width: 1.3))
      canvas.fill(disk(100, 75, 6), color: .green)
    }
  }

  /// The surface's premultiplied ARGB32 pixels, row by row.
  static func pixels(_ surface: OpaquePointer) -> [UInt32] {
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!)
    return (0..<height).flatMap { y in
      Array(UnsafeBufferPointer(start: (data + y * stride).assumingMemoryBound(to: UInt32.self), count: width))
    }
  }

  /// Decodes `png` with cairo's reader (libpng): premultiplied ARGB32 pixels.
  static func decode(_ png: [UInt8]) throws -> [UInt32] {
    final class Reader {
      var bytes: [UInt8]
      var offset = 0
      init(_ bytes: [UInt8]) { self.bytes = bytes }
    }
    let reader = Reader(png)
    let read: cairo_read_func_t = { closure, data, length in
      let reader = Unmanaged<Reader>.fromOpaque(closure!).takeUnretainedValue()
      let n = Int(length)
      guard reader.offset + n <= reader.bytes.count else { return CAIRO_STATUS_READ_ERROR }
      reader.bytes.withUnsafeBufferPointer { UnsafeMutableRawPointer(data!).copyMemory(from: $0.baseAddress! + reader.offset, byteCount: n) }
      reader.offset += n
      return CAIRO_STATUS_SUCCESS
    }
    let surface = try CairoSurface(
      cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(reader).toOpaque())!, call: "cairo_image_surface_create_from_png_stream")
    #expect(reader.offset == png.count, "the decoder read every byte")
    return pixels(surface.pointer)
  }

  /// Collects the bytes cairo's PNG writer streams.
  final class ByteSink {
    var bytes: [UInt8] = []
  }

  /// cairo's own encoding of the surface (libpng and zlib), as the renderer wrote it before.
  static func cairoPNG(_ surface: OpaquePointer) throws -> [UInt8] {
    let sink = ByteSink()
    let append: cairo_write_func_t = { closure, data, length in
      guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
      let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
      sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
      return CAIRO_STATUS_SUCCESS
    }
    try check(cairo_surface_write_to_png_stream(surface, append, Unmanaged.passUnretained(sink).toOpaque()), "cairo_surface_write_to_png_stream")
    return sink.bytes
  }

  /// The colour type byte of IHDR.
  static func colourType(_ png: [UInt8]) -> UInt8 { png[25] }

  @Test func opaqueFigureDecodesToTheSurfacesPixelsAsRGB() throws {
    let surface = try Self.figureSurface()
    let png = try PNGEncoder.encode(surface.pointer)
    #expect(Self.colourType(png) == 2)
    #expect(bigEndian32(png, 16) == 640 && bigEndian32(png, 20) == 480)
    let decoded = try Self.decode(png)
    let original = Self.pixels(surface.pointer)
    #expect(decoded == original)
    #expect(Set(original).count > 16, "a real figure, not a blank surface")
  }

  @Test func translucentPixelsDecodeToTheSurfacesPixelsAsRGBA() throws {
    let surface = try Self.translucentSurface()
    let original = Self.pixels(surface.pointer)
    let alphas = Set(original.map { $0 >> 24 })
    #expect(alphas.contains(0) && alphas.contains(255) && alphas.count > 10, "transparent, opaque and partial pixels")
    let png = try PNGEncoder.encode(surface.pointer)
    #expect(Self.colourType(png) == 6)
    #expect(try Self.decode(png) == original)
  }

  @Test func samePixelsAsCairosOwnEncoderAndNoLarger() throws {
    for surface in [try Self.figureSurface(), try Self.translucentSurface()] {
      let ours = try PNGEncoder.encode(surface.pointer)
      let cairo = try Self.cairoPNG(surface.pointer)
      #expect(try Self.decode(ours) == Self.decode(cairo))
      #expect(Self.colourType(ours) == Self.colourType(cairo))
      #expect(ours.count <= cairo.count, "\(ours.count) bytes against cairo's \(cairo.count)")
    }
  }

  @Test func chunksAreWellFormedAndTheBytesRepeat() throws {
    let surface = try Self.figureSurface()
    let png = try PNGEncoder.encode(surface.pointer)
    #expect(try PNGEncoder.encode(surface.pointer) == png)
    var offset = 8
    var types: [String] = []
    while offset < png.count {
      let length = bigEndian32(png, offset)
      let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
      types.append(type)
      // The CRC covers the type and the data.
      var crc: UInt32 = 0xFFFF_FFFF
      for byte in png[offset + 4..<offset + 8 + length] {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
      }
      #expect(UInt32(bigEndian32(png, offset + 8 + length)) == ~crc, "CRC of \(type)")
      offset += 12 + length
    }
    #expect(offset == png.count)
    #expect(types == ["IHDR", "bKGD", "IDAT", "IEND"])
  }

  /// Rows as `chooseFilters` leaves them: the first and a flat row stay None (0), a row that
  /// differs from the one above in one pixel becomes Up (2), its bytes the differences, and
  /// undoing the filters gives the rows back.
  @Test func aRowLikeTheOneAboveIsFilteredUpAndAFlatRowIsNot() {
    let width = 12
    let rowBytes = 1 + width * 3
    var generator = SplitMix(seed: 7)
    let first = (0..<width * 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    var second = first
    second[3 * 5] &+= 40
    let flat = [UInt8](repeating: 7, count: width * 3)
    let original = [first, second, flat]
    var image: [UInt8] = original.flatMap { [0] + $0 }
    image.withUnsafeMutableBufferPointer { buffer in
      PNGEncoder.chooseFilters(buffer.baseAddress!, rowBytes: rowBytes, height: 3, bytesPerPixel: 3)
    }
    #expect([image[0], image[rowBytes], image[2 * rowBytes]] == [0, 2, 0])
    #expect(Array(image[1..<rowBytes]) == first)
    #expect(Array(image[rowBytes + 1..<2 * rowBytes]) == zip(second, first).map { $0 &- $1 })
    #expect(Array(image[rowBytes + 1..<2 * rowBytes]).filter { $0 != 0 } == [40])
    #expect(Array(image[2 * rowBytes + 1..<3 * rowBytes]) == flat)
  }

  /// The row filter types of an opaque `png` of `width` × `height` pixels, and the size of
  /// the same pixels with None on every row, compressed the same way.
  static func rowFilters(_ png: [UInt8], width: Int, height: Int) -> (types: [UInt8], allNone: Int) {
    // The IDAT chunk, the third: 8 signature bytes, IHDR (25), bKGD (18).
    let idat = 8 + 25 + 18
    #expect(String(decoding: png[idat + 4..<idat + 8], as: UTF8.self) == "IDAT")
    let compressed = Array(png[idat + 8..<idat + 8 + bigEndian32(png, idat)])
    let rowBytes = 1 + width * 3
    var raw = inflate(compressed, capacity: rowBytes * height)
    #expect(raw.count == rowBytes * height)
    let types = stride(from: 0, to: raw.count, by: rowBytes).map { raw[$0] }
    // Undo the Up rows top down, then mark every row None.
    for y in 1..<height where types[y] == 2 {
      for i in 1..<rowBytes { raw[y * rowBytes + i] &+= raw[(y - 1) * rowBytes + i] }
    }
    for y in 0..<height { raw[y * rowBytes] = 0 }
    #expect(compressed.count + 12 + idat + 12 == png.count, "IDAT, then IEND")
    return (types, PNGEncoder.deflate(raw).count)
  }

  /// On a real figure (axes, grid lines, a curve, text) both filters are chosen, the first
  /// row is None, and the file decodes to the surface's pixels; its size stays within 2 % of
  /// None on every row (this figure: 28 433 against 28 234 bytes; five of the article's six
  /// figures are smaller with the choice, BENCHMARKS.md).
  @Test func aFigureMixesNoneAndUpRows() throws {
    let surface = try Self.figureSurface()
    let png = try PNGEncoder.encode(surface.pointer)
    let (types, allNone) = Self.rowFilters(png, width: 640, height: 480)
    #expect(types[0] == 0)
    #expect(Set(types) == [0, 2])
    #expect(types.filter { $0 == 2 }.count > 50)
    #expect(try Self.decode(png) == Self.pixels(surface.pointer))
    #expect(Double(png.count) < 1.02 * Double(allNone + 75), "\(png.count) bytes against \(allNone + 75)")
  }

  /// Vertical grid lines and a curve on white, the picture where None loses (each grid pixel
  /// breaks a run, and level 6 does not find the row above): Up rows make it smaller.
  @Test func gridLinesAreCheaperFilteredUp() throws {
    let surface = try Self.surface(width: 600, height: 400, scale: 1) { canvas in
      canvas.fill(Path(rect: Rect(x: 0, y: 0, width: 600, height: 400)), color: .white)
      var grid = Path()
      for k in 0..<15 {
        grid.move(to: Point(20.5 + 40 * Double(k), 0))
        grid.line(to: Point(20.5 + 40 * Double(k), 400))
      }
      canvas.stroke(grid, style: StrokeStyle(color: Color(hex: 0xE5E5E5), width: 1))
      let curve = Path(polyline: (0...600).map { x in Point(Double(x), 200 + 150 * sin(Double(x) / 60)) })
      canvas.stroke(curve, style: StrokeStyle(color: Color(hex: 0x1F77B4), width: 1.5))
    }
    let png = try PNGEncoder.encode(surface.pointer)
    let (types, allNone) = Self.rowFilters(png, width: 600, height: 400)
    #expect(types.filter { $0 == 2 }.count > 300)
    #expect(try Self.decode(png) == Self.pixels(surface.pointer))
    #expect(Double(png.count) < 0.9 * Double(allNone + 75), "\(png.count) bytes against \(allNone + 75)")
  }

  @Test func everyPixelValueSurvivesUnpremultiplying() throws {
    // Every valid premultiplied (colour ≤ alpha) value in one row per alpha, encoded and
    // decoded: the un-premultiplied bytes cairo writes premultiply back to the same pixel.
    var pixels: [UInt32] = []
    for alpha: UInt32 in 0...255 {
      for c: UInt32 in 0...255 {
        let v = Swift.min(c, alpha)
        pixels.append(alpha << 24 | v << 16 | (alpha - v) << 8 | (v / 2))
      }
    }
    let png = pixels.withUnsafeBufferPointer { all in
      PNGEncoder.encode(width: 256, height: 256) { y in UnsafeBufferPointer(rebasing: all[y * 256..<(y + 1) * 256]) }
    }
    #expect(Self.colourType(png) == 6)
    #expect(try Self.decode(png) == pixels)
  }
}

/// Which fills are dots (placed disk forms in the PDF, stamps in the PNG).
@Suite struct EqualCirclesTests {
  @Test func onlyPathsOfEqualCirclesAreDots() {
    var equal = Path()
    equal.addCircle(center: Point(1, 1), radius: 2)
    equal.addCircle(center: Point(5, 1), radius: 2)
    #expect(equal.dotRadius(painted: .black) == 2)
    // Translucent dots of one path are filled whole (their union painted once), but a single
    // translucent dot is a dot.
    #expect(equal.dotRadius(painted: Color(red: 0, green: 0, blue: 0, alpha: 0.5)) == nil)
    var single = Path()
    single.addCircle(center: Point(1, 1), radius: 2)
    #expect(single.dotRadius(painted: Color(red: 0, green: 0, blue: 0, alpha: 0.5)) == 2)
    var mixed = equal
    mixed.addCircle(center: Point(9, 1), radius: 3)
    #expect(mixed.dotRadius(painted: .black) == nil)
    var withLine = equal
    withLine.line(to: Point(0, 0))
    #expect(withLine.dotRadius(painted: .black) == nil)
    #expect(Path().dotRadius(painted: .black) == nil)
    var zero = Path()
    zero.addCircle(center: Point(1, 1), radius: 0)
    #expect(zero.dotRadius(painted: .black) == nil)
  }
}
