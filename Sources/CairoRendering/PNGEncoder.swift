internal import CCairo
internal import CLibDeflate

/// Encodes a cairo image surface as PNG: the pixels cairo's own `cairo_surface_write_to_png`
/// writes (RGB when every pixel is opaque, otherwise RGBA un-premultiplied with cairo's
/// rounding; the same white `bKGD`), so a decoder sees the same pixels, but compressed with
/// libdeflate at level 6, each row filtered None or Up (``chooseFilters(_:rowBytes:height:bytesPerPixel:)``),
/// in one `IDAT` chunk.
///
/// Why not cairo's libpng and zlib: most of a PNG's time went to zlib's deflate and libpng's
/// adaptive filters. On the article's six figures (BENCHMARKS.md, "A whole report"), a single
/// filter type for every row was within 3 % of libpng's adaptive choice, level 6 is 1.4–8×
/// faster than levels 7–9, which gain under 1 %, and every file is 2–16 % smaller than
/// cairo's; choosing None or Up per row by the runs each leaves (BENCHMARKS.md, "PNG rows
/// filtered by runs") made the files smaller again.
enum PNGEncoder {
  /// libdeflate's compression level.
  static let level: Int32 = 6

  /// The PNG file of `surface`, an ARGB32 image surface (flushed by the caller).
  static func encode(_ surface: OpaquePointer) throws(CairoError) -> [UInt8] {
    guard cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32, let data = cairo_image_surface_get_data(surface) else {
      throw CairoError(call: "cairo_image_surface_get_data", reason: "not an ARGB32 image surface", status: -1)
    }
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    let pixels = UnsafeRawPointer(data)
    return encode(width: width, height: height) { y in
      UnsafeBufferPointer(start: (pixels + y * stride).assumingMemoryBound(to: UInt32.self), count: width)
    }
  }

  /// The PNG file of `height` rows of `width` premultiplied ARGB32 pixels (cairo's layout:
  /// one native-endian `UInt32` per pixel, alpha in the top byte), row `y` given by `row(y)`.
  static func encode(width: Int, height: Int, row: (Int) -> UnsafeBufferPointer<UInt32>) -> [UInt8] {
    var opaque = true
    for y in 0..<height where opaque {
      // A branch-free AND of the row (vectorised): opaque when every alpha byte is 0xFF.
      var all: UInt32 = 0xFFFF_FFFF
      for pixel in row(y) { all &= pixel }
      opaque = all >> 24 == 0xFF
    }
    let channels = opaque ? 3 : 4
    let rowBytes = 1 + width * channels
    // The image: each row a filter-type byte (0, None, until `chooseFilters`) and its pixels' bytes.
    let count = rowBytes * height
    let raw = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      for y in 0..<height {
        let pixels = row(y)
        guard let source = pixels.baseAddress, width > 0, pixels.count == width else {
          // Not a row of `width` pixels (never from a surface): transparent black.
          (base + y * rowBytes).initialize(repeating: 0, count: rowBytes)
          continue
        }
        var o = base + y * rowBytes
        o.initialize(to: 0)
        o += 1
        if opaque {
          // Four bytes stored a pixel (R, G, B and one the next pixel overwrites), three
          // advanced: 0xAARRGGBB byte-swapped is B, G, R, A in memory; shifted, R, G, B, 0.
          for i in 0..<(width - 1) {
            UnsafeMutableRawPointer(o).storeBytes(of: (source[i].byteSwapped >> 8).littleEndian, as: UInt32.self)
            o += 3
          }
          let last = source[width - 1]
          o[0] = UInt8(truncatingIfNeeded: last >> 16)
          o[1] = UInt8(truncatingIfNeeded: last >> 8)
          o[2] = UInt8(truncatingIfNeeded: last)
        } else {
          for i in 0..<width {
            let pixel = source[i]
            let alpha = pixel >> 24
            if alpha != 0 {
              // cairo's unpremultiply_data, byte for byte (its uint8_t store truncates).
              o[0] = UInt8(truncatingIfNeeded: (((pixel >> 16) & 0xFF) * 255 + alpha / 2) / alpha)
              o[1] = UInt8(truncatingIfNeeded: (((pixel >> 8) & 0xFF) * 255 + alpha / 2) / alpha)
              o[2] = UInt8(truncatingIfNeeded: ((pixel & 0xFF) * 255 + alpha / 2) / alpha)
              o[3] = UInt8(truncatingIfNeeded: alpha)
            } else {
              UnsafeMutableRawPointer(o).storeBytes(of: 0, as: UInt32.self)
            }
            o += 4
          }
        }
      }
      chooseFilters(base, rowBytes: rowBytes, height: height, bytesPerPixel: channels)
      initialized = count
    }

    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header: [UInt8] = []
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    // Bit depth 8; colour type 2 (RGB) or 6 (RGBA); deflate; adaptive filtering; no interlace.
    header += [8, opaque ? 2 : 6, 0, 0, 0]
    png.appendChunk("IHDR", header)
    // White background, as cairo writes it (16-bit samples).
    png.appendChunk("bKGD", [0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF])
    png.appendChunk("IDAT", deflate(raw))
    png.appendChunk("IEND", [])
    return png
  }

  /// Filters each row but the first with Up (type 2, the difference from the row above)
  /// where that breaks fewer runs than None: rows are filtered bottom up, in place, so the
  /// row above is still unfiltered when a row is decided.
  ///
  /// Why runs: DEFLATE codes a run of equal pixels as one match, and at level 6 its match
  /// finder rarely reaches back a whole row (its chains fill with the white background), so
  /// a row whose only changes from the row above are a few pixels (the grid lines, a curve
  /// crossing) is cheaper as differences, which are runs of zeros. The estimate is the number
  /// of bytes that differ from the byte one pixel to the left, for either filter. On the
  /// article's six figures (BENCHMARKS.md, "PNG rows filtered by runs") it made five files
  /// 0.3–14 % smaller and the steps figure 3 % larger; libpng's heuristic (minimum sum of
  /// absolute differences over all five filters) was larger on all six.
  static func chooseFilters(_ base: UnsafeMutablePointer<UInt8>, rowBytes: Int, height: Int, bytesPerPixel bpp: Int) {
    let n = rowBytes - 1
    guard height > 1, n > bpp else { return }
    for y in stride(from: height - 1, through: 1, by: -1) {
      let row = base + y * rowBytes + 1
      let above = row - rowBytes
      var none = 0
      var up = 0
      // Sixteen bytes at a time, counted in byte lanes emptied before they can overflow.
      typealias Bytes = SIMD16<UInt8>
      let one = Bytes(repeating: 1)
      var i = bpp
      while i + 16 <= n {
        var changes = Bytes()
        var upChanges = Bytes()
        let end = min(n, i + 16 * 255)
        while i + 16 <= end {
          let a = UnsafeRawPointer(row + i).loadUnaligned(as: Bytes.self)
          let b = UnsafeRawPointer(row + i - bpp).loadUnaligned(as: Bytes.self)
          let p = UnsafeRawPointer(above + i).loadUnaligned(as: Bytes.self)
          let q = UnsafeRawPointer(above + i - bpp).loadUnaligned(as: Bytes.self)
          changes &+= one.replacing(with: 0, where: a .== b)
          upChanges &+= one.replacing(with: 0, where: (a &- p) .== (b &- q))
          i += 16
        }
        none += Int(SIMD16<UInt16>(truncatingIfNeeded: changes).wrappedSum())
        up += Int(SIMD16<UInt16>(truncatingIfNeeded: upChanges).wrappedSum())
      }
      while i < n {
        let a = row[i], b = row[i - bpp]
        none += a != b ? 1 : 0
        up += (a &- above[i]) != (b &- above[i - bpp]) ? 1 : 0
        i += 1
      }
      guard up < none else { continue }
      for i in 0..<n { row[i] &-= above[i] }
      row[-1] = 2
    }
  }

  /// `bytes` compressed in the zlib format (what `IDAT` holds).
  static func deflate(_ bytes: [UInt8], level: Int32 = level) -> [UInt8] {
    guard let compressor = libdeflate_alloc_compressor(level) else {
      // Only when memory runs out; a stored (uncompressed) stream would be valid, but the
      // allocation below would fail the same way.
      fatalError("libdeflate_alloc_compressor(\(level)) returned NULL: out of memory")
    }
    defer { libdeflate_free_compressor(compressor) }
    let bound = libdeflate_zlib_compress_bound(compressor, bytes.count)
    // Uninitialised: only the pages the stream is written to are touched (a zero-filled
    // bound, as large as the image, was a second copy of it in memory).
    let out = [UInt8](unsafeUninitializedCapacity: bound) { output, count in
      count = bytes.withUnsafeBytes { input in
        libdeflate_zlib_compress(compressor, input.baseAddress, input.count, output.baseAddress, output.count)
      }
    }
    // The bound is libdeflate's worst case, so 0 (did not fit) cannot happen.
    precondition(!out.isEmpty, "libdeflate_zlib_compress overflowed its own bound")
    return out
  }
}

extension [UInt8] {
  fileprivate mutating func appendBigEndian(_ value: UInt32) {
    append(contentsOf: [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
  }

  /// Appends a PNG chunk: length, type, data, CRC-32 of type and data.
  fileprivate mutating func appendChunk(_ type: String, _ data: [UInt8]) {
    appendBigEndian(UInt32(data.count))
    let start = count
    append(contentsOf: Array(type.utf8))
    append(contentsOf: data)
    let crc = withUnsafeBufferPointer { all in
      // The type's four bytes are there, so the buffer is never empty.
      all.baseAddress.map { libdeflate_crc32(0, $0 + start, all.count - start) } ?? 0
    }
    appendBigEndian(crc)
  }
}
