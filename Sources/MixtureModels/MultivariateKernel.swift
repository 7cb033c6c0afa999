/// What one pass over d-dimensional data at parameters θ gives: the log-likelihood and,
/// per component `k`, the sufficient statistics shifted by its current mean `μ_k`
/// (`e = x − μ_k`, so they stay accurate for data far from the origin): `Σ r`, `Σ r e`
/// (`d` values) and `Σ r e eᵀ` (the lower triangle, `d(d+1)/2` values row by row, for
/// full and tied covariances; only the `d` squares for diag and spherical).
struct MultivariateSums: Equatable {
  var logLikelihood: Double
  var mass: [Double]
  /// `first[k · d + j]`.
  var first: [Double]
  /// `second[k · s + t]` with `s` the number of second moments per component.
  var second: [Double]
}

/// The fused E- and M-step sweep over column-major d-dimensional data: for eight points at
/// a time, each component's log-density through `L⁻¹` (`d(d+1)/2` multiply-adds, or `d`
/// for diagonal types), their log-sum-exp, the responsibilities and the shifted sums, in
/// one read of the data and without an n × K matrix.
///
/// As in one dimension (``EMKernel``), the data is cut into fixed chunks whose sums are
/// added in chunk order, so the thread count cannot change a bit.
enum MultivariateKernel {
  /// The number of second moments per component for `type` in `d` dimensions.
  static func secondCount(_ type: CovarianceType, dimension d: Int) -> Int {
    type.needsCrossProducts ? d * (d + 1) / 2 : d
  }

  static func pass(_ sample: UnsafeBufferPointer<Double>, count n: Int, _ mixture: MultivariateMixture, threads requested: Int?) -> MultivariateSums {
    let k = mixture.componentCount
    let d = mixture.dimension
    let s = secondCount(mixture.covarianceType, dimension: d)
    let chunks = (n + EMKernel.chunkSize - 1) / EMKernel.chunkSize
    let perComponent = 1 + d + s
    let stride = 1 + k * perComponent
    var perChunk = [Double](repeating: 0, count: chunks * stride)
    // log w − ½ d log 2π + Σ log (L⁻¹)ᵢᵢ per component.
    let logNorms = (0..<k).map {
      _log(mixture.weights[$0]) - Double(d) * logSqrtTwoPi + mixture.halfLogPrecisionDeterminants[$0]
    }
    // A point costs about d times a one-dimensional one.
    let threads = EMKernel.threads(for: n * d, requested: requested)
    mixture.flatMeans.withUnsafeBufferPointer { means in
      mixture.inverseCholesky.withUnsafeBufferPointer { factors in
        logNorms.withUnsafeBufferPointer { logNorms in
          perChunk.withUnsafeMutableBufferPointer { out in
            let work = MultivariateChunk(
              data: sample, n: n, d: d, k: k, s: s, full: mixture.covarianceType.needsCrossProducts,
              means: means, factors: factors, logNorms: logNorms, out: out, stride: stride)
            parallelForEach(chunks, threads: threads) { c in work.sum(chunk: c) }
          }
        }
      }
    }
    var sums = MultivariateSums(
      logLikelihood: 0, mass: [Double](repeating: 0, count: k), first: [Double](repeating: 0, count: k * d),
      second: [Double](repeating: 0, count: k * s))
    for c in 0..<chunks {
      let base = c * stride
      sums.logLikelihood += perChunk[base]
      for j in 0..<k {
        let slot = base + 1 + j * perComponent
        sums.mass[j] += perChunk[slot]
        for a in 0..<d { sums.first[j * d + a] += perChunk[slot + 1 + a] }
        for t in 0..<s { sums.second[j * s + t] += perChunk[slot + 1 + d + t] }
      }
    }
    return sums
  }
}

/// One pass's inputs and per-chunk output slots; each chunk writes only its own.
private struct MultivariateChunk: @unchecked Sendable {
  let data: UnsafeBufferPointer<Double>
  let n: Int, d: Int, k: Int, s: Int
  let full: Bool
  let means: UnsafeBufferPointer<Double>
  let factors: UnsafeBufferPointer<Double>
  let logNorms: UnsafeBufferPointer<Double>
  let out: UnsafeMutableBufferPointer<Double>
  let stride: Int

  /// Vectors of eight points per block.
  static let blockVectors = 16

  func sum(chunk c: Int) {
    let blockSize = Self.blockVectors
    let start = c * EMKernel.chunkSize
    let end = Swift.min(start + EMKernel.chunkSize, n)
    let perComponent = 1 + d + s
    let scratchCount = (d + k + 2) * blockSize + 2 * d + k * perComponent + 1
    withUnsafeTemporaryAllocation(of: Vector8.self, capacity: scratchCount) { scratch in
      guard let root = scratch.baseAddress else { return }
      // xs[a · blockSize + v]: coordinate a of vector v.
      let xs = root
      let terms = xs + d * blockSize
      let largest = terms + k * blockSize
      let totals = largest + blockSize
      let e = totals + blockSize
      let y = e + d
      let accumulators = y + d
      accumulators.initialize(repeating: Vector8(), count: k * perComponent + 1)
      guard let base = data.baseAddress, let factor = factors.baseAddress, let mu = means.baseAddress else { return }

      var i = start
      while i < end {
        let count = Swift.min(8 * blockSize, end - i)
        let vectors = (count + 7) / 8
        let whole = count / 8
        for a in 0..<d {
          let column = base + a * n
          for v in 0..<whole {
            xs[a * blockSize + v] = UnsafeRawPointer(column + i + 8 * v).loadUnaligned(as: Vector8.self)
          }
        }
        var valid = SIMDMask<SIMD8<Int64>>(repeating: true)
        if whole < vectors {
          valid = SIMDMask(repeating: false)
          for lane in 0..<(count - 8 * whole) { valid[lane] = true }
          for a in 0..<d {
            let column = base + a * n
            var x = Vector8(repeating: column[i + 8 * whole])
            for lane in 0..<(count - 8 * whole) { x[lane] = column[i + 8 * whole + lane] }
            xs[a * blockSize + whole] = x
          }
        }

        // Log-densities log norm − ½ ‖L⁻¹ (x − μ)‖² and their maximum.
        for v in 0..<vectors {
          var top = Vector8(repeating: -.infinity)
          for j in 0..<k {
            let m = mu + j * d
            let l = factor + j * d * d
            var q = Vector8()
            if full {
              for a in 0..<d { e[a] = xs[a * blockSize + v] - Vector8(repeating: m[a]) }
              for a in 0..<d {
                var t = Vector8()
                let row = l + a * d
                for p in 0...a { t = t.addingProduct(e[p], row[p]) }
                q = q.addingProduct(t, t)
              }
            } else {
              for a in 0..<d {
                let t = (xs[a * blockSize + v] - Vector8(repeating: m[a])) * l[a * d + a]
                q = q.addingProduct(t, t)
              }
            }
            let term = logNorms[j] - 0.5 * q
            terms[j * blockSize + v] = term
            top.replace(with: term, where: term .> top)
          }
          largest[v] = top
        }

        for v in 0..<vectors {
          let top = largest[v]
          var total = Vector8()
          for j in 0..<k {
            let x = VectorMath.expOfNonPositive(terms[j * blockSize + v] - top)
            terms[j * blockSize + v] = x
            total += x
          }
          totals[v] = total
        }
        if vectors > whole {
          largest[whole].replace(with: 0, where: .!valid)
          totals[whole].replace(with: 1, where: .!valid)
        }
        // The totals lie in [1, K]: a product of 16 stays finite for K < 2⁶³.
        var largestSum = Vector8()
        var product = Vector8(repeating: 1)
        for v in 0..<vectors {
          largestSum += largest[v]
          product *= totals[v]
        }
        accumulators[k * perComponent] += largestSum + VectorMath.log(product)
        let one = Vector8(repeating: 1)
        for v in 0..<vectors { totals[v] = one / totals[v] }
        if vectors > whole { totals[whole].replace(with: 0, where: .!valid) }

        // Responsibilities and the shifted sums.
        for j in 0..<k {
          let m = mu + j * d
          let acc = accumulators + j * perComponent
          for v in 0..<vectors {
            let r = terms[j * blockSize + v] * totals[v]
            acc[0] += r
            for a in 0..<d {
              e[a] = xs[a * blockSize + v] - Vector8(repeating: m[a])
              y[a] = r * e[a]
              acc[1 + a] += y[a]
            }
            if full {
              var t = 1 + d
              for a in 0..<d {
                for b in 0...a {
                  acc[t] = acc[t].addingProduct(y[a], e[b])
                  t += 1
                }
              }
            } else {
              for a in 0..<d { acc[1 + d + a] = acc[1 + d + a].addingProduct(y[a], e[a]) }
            }
          }
        }
        i += count
      }
      let slot = out.baseAddress! + c * stride
      slot[0] = Statistics.lanes(accumulators[k * perComponent])
      for t in 0..<(k * perComponent) { slot[1 + t] = Statistics.lanes(accumulators[t]) }
    }
  }
}
