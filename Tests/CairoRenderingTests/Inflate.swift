import CLibDeflate
import Testing

/// `data`, a zlib stream (a PDF's `FlateDecode` stream, a PNG's `IDAT`), decompressed by
/// libdeflate into at most `capacity` bytes; records an issue when it is not a valid stream
/// that fits.
func inflate(_ data: [UInt8], capacity: Int = 1 << 24) -> [UInt8] {
  var out = [UInt8](repeating: 0, count: capacity)
  var produced = 0
  let status = data.withUnsafeBufferPointer { input in
    out.withUnsafeMutableBufferPointer { output in
      let d = libdeflate_alloc_decompressor()
      defer { libdeflate_free_decompressor(d) }
      return libdeflate_zlib_decompress(d, input.baseAddress, input.count, output.baseAddress, output.count, &produced)
    }
  }
  #expect(status == LIBDEFLATE_SUCCESS)
  return Array(out[..<produced])
}
