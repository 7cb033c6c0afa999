import CCairo
import CLibDeflate
import Plotting
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
