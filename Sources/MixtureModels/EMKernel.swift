#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one pass over the data at parameters θ gives: the log-likelihood `Σ log p(x)`
/// and, for each component `j`, the sufficient statistics of the next M-step, shifted
/// by the current mean so that they stay accurate when `|μ| ≫ σ`:
/// `Σ r`, `Σ r d` and `Σ r d²` with `d = x − μ_j`.
struct PassSums: Equatable {
  var logLikelihood: Double
  var mass: [Double]
  var first: [Double]
  var second: [Double]
}

/// The fused E- and M-step sweep: for eight points at a time, the K log-densities,
/// their log-sum-exp, the responsibilities and the K sufficient statistics, in one read
/// of the data and without an n × K matrix.
///
/// The data is cut into chunks of ``chunkSize`` points, a size that depends on nothing
/// but the data; each chunk's sums are kept apart and added in chunk order at the end.
/// Which thread summed a chunk therefore cannot change a bit of the result: one thread
/// and two give identical numbers.
enum EMKernel {
  /// Points per chunk (a multiple of 8).
  static let chunkSize = 8192
  /// Below this many points per thread, a second thread costs more than it saves.
  static let pointsPerThread = 32_768

  /// The number of threads to use for `n` points when `requested` (nil: one per core).
  static func threads(for n: Int, requested: Int?) -> Int {
    let available = requested ?? processorCount
    return Swift.max(1, Swift.min(available, n / pointsPerThread))
  }

  /// The number of online processors.
  static let processorCount: Int = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

  /// One pass over `data` at `mixture`.
  static func pass(_ data: UnsafeBufferPointer<Double>, _ mixture: GaussianMixture, threads requested: Int?) -> PassSums {
    let k = mixture.componentCount
    let n = data.count
    let chunks = (n + chunkSize - 1) / chunkSize
    // Per component: mean, 1/σ and log w − log σ − log √(2π).
    let means = mixture.means
    let inverseSds = mixture.sds.map { 1 / $0 }
    let logNorms = (0..<k).map { _log(mixture.weights[$0]) - _log(mixture.sds[$0]) - logSqrtTwoPi }
    let stride = 1 + 3 * k
    var perChunk = [Double](repeating: 0, count: chunks * stride)
    let threads = threads(for: n, requested: requested)
    means.withUnsafeBufferPointer { means in
      inverseSds.withUnsafeBufferPointer { inverseSds in
        logNorms.withUnsafeBufferPointer { logNorms in
          perChunk.withUnsafeMutableBufferPointer { perChunk in
            let work = ChunkWork(
              data: data, means: means, inverseSds: inverseSds, logNorms: logNorms, out: perChunk, chunks: chunks, stride: stride)
            parallelChunks(chunks, threads: threads) { range in
              for c in range { work.sum(chunk: c) }
            }
          }
        }
      }
    }
    var sums = PassSums(
      logLikelihood: 0, mass: [Double](repeating: 0, count: k), first: [Double](repeating: 0, count: k),
      second: [Double](repeating: 0, count: k))
    for c in 0..<chunks {
      let base = c * stride
      sums.logLikelihood += perChunk[base]
      for j in 0..<k {
        sums.mass[j] += perChunk[base + 1 + j]
        sums.first[j] += perChunk[base + 1 + k + j]
        sums.second[j] += perChunk[base + 1 + 2 * k + j]
      }
    }
    return sums
  }
}

/// One pass's inputs and per-chunk output slots, shared by the threads; each chunk
/// writes only its own slots.
private struct ChunkWork: @unchecked Sendable {
  let data: UnsafeBufferPointer<Double>
  let means: UnsafeBufferPointer<Double>
  let inverseSds: UnsafeBufferPointer<Double>
  let logNorms: UnsafeBufferPointer<Double>
  let out: UnsafeMutableBufferPointer<Double>
  let chunks: Int
  let stride: Int

  /// Sums chunk `c` into `out[c · stride ..< (c + 1) · stride]`: the log-likelihood,
  /// then Σ r, Σ r d and Σ r d² for each component.
  func sum(chunk c: Int) {
    let k = means.count
    let start = c * EMKernel.chunkSize
    let end = Swift.min(start + EMKernel.chunkSize, data.count)
    withUnsafeTemporaryAllocation(of: Vector8.self, capacity: 4 * k + 1) { scratch in
      // terms[j], then the accumulators mass[j], first[j], second[j], then the log-likelihood.
      let terms = scratch.baseAddress!
      let accumulators = terms + k
      accumulators.initialize(repeating: Vector8(), count: 3 * k + 1)
      let logLikelihood = accumulators + 3 * k
      let base = data.baseAddress!

      @inline(__always) func step(_ x: Vector8, valid: SIMDMask<SIMD8<Int64>>?) {
        var largest = Vector8(repeating: -.infinity)
        for j in 0..<k {
          let z = (x - means[j]) * inverseSds[j]
          let term = logNorms[j] - 0.5 * z * z
          terms[j] = term
          largest.replace(with: term, where: term .> largest)
        }
        var total = Vector8()
        if k == 2 {
          // The larger term's exponential is exp(0) = 1, so one exponential per point
          // suffices: exp(smaller − larger). The same bits as the general loop.
          let t0 = terms[0], t1 = terms[1]
          let firstIsLarger = .!(t1 .> t0)
          let smaller = t1.replacing(with: t0, where: .!firstIsLarger)
          let e = VectorMath.exp(smaller - largest)
          let one = Vector8(repeating: 1)
          terms[0] = e.replacing(with: one, where: firstIsLarger)
          terms[1] = one.replacing(with: e, where: firstIsLarger)
          total = terms[0] + terms[1]
        } else {
          for j in 0..<k {
            let e = VectorMath.exp(terms[j] - largest)
            terms[j] = e
            total += e
          }
        }
        var pointLogLikelihood = largest + VectorMath.log(total)
        var inverseTotal = 1 / total
        if let valid {
          pointLogLikelihood.replace(with: 0, where: .!valid)
          inverseTotal.replace(with: 0, where: .!valid)
        }
        logLikelihood.pointee += pointLogLikelihood
        for j in 0..<k {
          let r = terms[j] * inverseTotal
          let d = x - means[j]
          let rd = r * d
          accumulators[j] += r
          accumulators[k + j] += rd
          accumulators[2 * k + j] = accumulators[2 * k + j].addingProduct(rd, d)
        }
      }

      var i = start
      while i + 8 <= end {
        step(UnsafeRawPointer(base + i).loadUnaligned(as: Vector8.self), valid: nil)
        i += 8
      }
      if i < end {
        // The last few points: the missing lanes repeat a real point and are masked out.
        var x = Vector8(repeating: base[i])
        var valid = SIMDMask<SIMD8<Int64>>(repeating: false)
        for lane in 0..<(end - i) {
          x[lane] = base[i + lane]
          valid[lane] = true
        }
        step(x, valid: valid)
      }
      // Lanes are added in a fixed order, never by a reduction the compiler may reorder.
      let slot = out.baseAddress! + c * stride
      func lanes(_ v: Vector8) -> Double {
        var s = v[0]
        for lane in 1..<8 { s += v[lane] }
        return s
      }
      slot[0] = lanes(logLikelihood.pointee)
      for j in 0..<(3 * k) { slot[1 + j] = lanes(accumulators[j]) }
    }
  }
}
