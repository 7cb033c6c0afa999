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
            parallelForEach(chunks, threads: threads) { c in work.sum(chunk: c) }
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
///
/// A chunk is swept in blocks of ``blockVectors`` × 8 points, one phase at a time over
/// the whole block: the log-densities and their maximum, then the exponentials, then
/// the log-likelihood, the reciprocals and the sums. Each phase's iterations are
/// independent of each other, so the processor overlaps many of the long `exp`
/// polynomial chains at once; a loop doing all phases per eight points is bound by
/// the latency of one chain instead.
private struct ChunkWork: @unchecked Sendable {
  let data: UnsafeBufferPointer<Double>
  let means: UnsafeBufferPointer<Double>
  let inverseSds: UnsafeBufferPointer<Double>
  let logNorms: UnsafeBufferPointer<Double>
  let out: UnsafeMutableBufferPointer<Double>
  let chunks: Int
  let stride: Int

  /// Vectors of eight points per block: 256 points, whose K log-densities stay in the
  /// first-level cache for K ≤ 8.
  static let blockVectors = 32

  /// Sums chunk `c` into `out[c · stride ..< (c + 1) · stride]`: the log-likelihood,
  /// then Σ r, Σ r d and Σ r d² for each component.
  func sum(chunk c: Int) {
    let k = means.count
    let blockSize = Self.blockVectors
    let start = c * EMKernel.chunkSize
    let end = Swift.min(start + EMKernel.chunkSize, data.count)
    withUnsafeTemporaryAllocation(of: Vector8.self, capacity: (k + 3) * blockSize + 3 * k + 1) { scratch in
      // terms[j · blockSize + v]: component j's log-density at vector v, then its exponential.
      // Neither is nil: the scratch has room for at least one vector, and a chunk has points.
      guard let terms = scratch.baseAddress, let base = data.baseAddress, let outBase = out.baseAddress else { return }
      let xs = terms + k * blockSize
      let largest = xs + blockSize
      // Σⱼ exp(termⱼ − largest), each in [1, K], then its reciprocal.
      let totals = largest + blockSize
      // mass[j], first[j], second[j], then the log-likelihood.
      let accumulators = totals + blockSize
      accumulators.initialize(repeating: Vector8(), count: 3 * k + 1)

      var i = start
      while i < end {
        let count = Swift.min(8 * blockSize, end - i)
        let vectors = (count + 7) / 8
        // Lanes past the data repeat a real point; `valid` masks them out below.
        let full = count / 8
        for v in 0..<full {
          xs[v] = UnsafeRawPointer(base + i + 8 * v).loadUnaligned(as: Vector8.self)
        }
        var valid = SIMDMask<SIMD8<Int64>>(repeating: true)
        if full < vectors {
          var x = Vector8(repeating: base[i + 8 * full])
          valid = SIMDMask(repeating: false)
          for lane in 0..<(count - 8 * full) {
            x[lane] = base[i + 8 * full + lane]
            valid[lane] = true
          }
          xs[full] = x
        }

        // Log-densities log wⱼ − log σⱼ − log √(2π) − z²/2 and their maximum.
        for v in 0..<vectors {
          let x = xs[v]
          var top = Vector8(repeating: -.infinity)
          var slot = terms + v
          for j in 0..<k {
            let z = (x - means[j]) * inverseSds[j]
            let term = logNorms[j] - 0.5 * z * z
            slot.pointee = term
            top.replace(with: term, where: term .> top)
            slot += blockSize
          }
          largest[v] = top
        }

        // The exponentials exp(termⱼ − largest) and their sum.
        if k == 2 {
          // The larger term's exponential is exp(0) = 1, so one exponential per point
          // suffices: exp(smaller − larger). The same bits as the general loop.
          let one = Vector8(repeating: 1)
          for v in 0..<vectors {
            let t0 = terms[v], t1 = terms[blockSize + v]
            let firstIsLarger = .!(t1 .> t0)
            let smaller = t1.replacing(with: t0, where: .!firstIsLarger)
            let e = VectorMath.expOfNonPositive(smaller - largest[v])
            let e0 = e.replacing(with: one, where: firstIsLarger)
            let e1 = one.replacing(with: e, where: firstIsLarger)
            terms[v] = e0
            terms[blockSize + v] = e1
            totals[v] = e0 + e1
          }
        } else {
          for v in 0..<vectors {
            let top = largest[v]
            var total = Vector8()
            var term = terms + v
            for _ in 0..<k {
              let e = VectorMath.expOfNonPositive(term.pointee - top)
              term.pointee = e
              total += e
              term += blockSize
            }
            totals[v] = total
          }
        }
        if vectors > full {
          largest[full].replace(with: 0, where: .!valid)
          totals[full].replace(with: 1, where: .!valid)
        }

        // Σ log p(x) = Σ largest + log Π totals: the totals lie in [1, K], so a product
        // of a block's 32 per lane stays finite (K < 2³¹), and one logarithm serves 256
        // points.
        var largestSum = Vector8()
        var product = Vector8(repeating: 1)
        for v in 0..<vectors {
          largestSum += largest[v]
          product *= totals[v]
        }
        accumulators[3 * k] += largestSum + VectorMath.log(product)

        // 1 / total: a single-precision quotient refined by two Newton steps,
        // r ← r + r (1 − total · r), within 1 ulp of the double quotient (equal to it 83 %
        // of the time; checked over 2 · 10⁶ totals in [1, 8]) and several times cheaper.
        // The steps are written without fused multiply-adds: with them the compiler
        // scattered the loop into scalar pieces.
        let one = Vector8(repeating: 1)
        for v in 0..<vectors {
          let total = totals[v]
          var r = Vector8(SIMD8<Float>(repeating: 1) / SIMD8<Float>(total))
          r = r + r * (one - total * r)
          r = r + r * (one - total * r)
          totals[v] = r
        }
        if vectors > full { totals[full].replace(with: 0, where: .!valid) }

        // Responsibilities and the shifted sums Σ r, Σ r d, Σ r d².
        for j in 0..<k {
          let mean = Vector8(repeating: means[j])
          let row = terms + j * blockSize
          var mass = Vector8(), first = Vector8(), second = Vector8()
          for v in 0..<vectors {
            let r = row[v] * totals[v]
            let d = xs[v] - mean
            let rd = r * d
            mass += r
            first += rd
            second = second + rd * d
          }
          accumulators[j] += mass
          accumulators[k + j] += first
          accumulators[2 * k + j] += second
        }
        i += count
      }
      // Lanes are added in a fixed order, never by a reduction the compiler may reorder.
      let slot = outBase + c * stride
      slot[0] = Statistics.lanes(accumulators[3 * k])
      for j in 0..<(3 * k) { slot[1 + j] = Statistics.lanes(accumulators[j]) }
    }
  }
}
