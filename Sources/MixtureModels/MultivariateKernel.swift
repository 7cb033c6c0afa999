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

  static func pass(
    _ sample: UnsafeBufferPointer<Double>, count n: Int, _ mixture: MultivariateMixture, threads requested: Int?, general: Bool = false
  ) -> MultivariateSums {
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
              means: means, factors: factors, logNorms: logNorms, out: out, stride: stride, general: general)
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
struct MultivariateChunk: @unchecked Sendable {
  let data: UnsafeBufferPointer<Double>
  let n: Int, d: Int, k: Int, s: Int
  let full: Bool
  let means: UnsafeBufferPointer<Double>
  let factors: UnsafeBufferPointer<Double>
  let logNorms: UnsafeBufferPointer<Double>
  let out: UnsafeMutableBufferPointer<Double>
  let stride: Int
  /// Whether to use the general kernel whatever the dimension (tests compare the two).
  var general = false

  /// Vectors of eight points per block.
  static let blockVectors = 16

  /// Sums chunk `c`: by the kernel specialised for the dimension (d ≤ 8), whose loops
  /// the compiler unrolls and whose per-component sums stay in registers, or by the
  /// general one. Which one runs depends on d alone, never on the thread.
  func sum(chunk c: Int) {
    if #available(macOS 26, *), !general {
      switch d {
      case 1: return FixedDimensionChunk<1>.sum(self, chunk: c)
      case 2: return FixedDimensionChunk<2>.sum(self, chunk: c)
      case 3: return FixedDimensionChunk<3>.sum(self, chunk: c)
      case 4: return FixedDimensionChunk<4>.sum(self, chunk: c)
      case 5: return FixedDimensionChunk<5>.sum(self, chunk: c)
      case 6: return FixedDimensionChunk<6>.sum(self, chunk: c)
      case 7: return FixedDimensionChunk<7>.sum(self, chunk: c)
      case 8: return FixedDimensionChunk<8>.sum(self, chunk: c)
      default: break
      }
    }
    sumAnyDimension(chunk: c)
  }

  /// The general kernel, for any d.
  func sumAnyDimension(chunk c: Int) {
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
                for p in 0...a { t = t + e[p] * row[p] }
                q = q + t * t
              }
            } else {
              for a in 0..<d {
                let t = (xs[a * blockSize + v] - Vector8(repeating: m[a])) * l[a * d + a]
                q = q + t * t
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
                  acc[t] = acc[t] + y[a] * e[b]
                  t += 1
                }
              }
            } else {
              for a in 0..<d { acc[1 + d + a] = acc[1 + d + a] + y[a] * e[a] }
            }
          }
        }
        i += count
      }
      guard let slot = out.baseAddress.map({ $0 + c * stride }) else { return }
      slot[0] = Statistics.lanes(accumulators[k * perComponent])
      for t in 0..<(k * perComponent) { slot[1 + t] = Statistics.lanes(accumulators[t]) }
    }
  }
}

/// ``MultivariateChunk``'s sweep for a dimension `D` known at compile time: the same
/// phases and sums, with the coordinates, differences and each component's sums over a
/// block held in fixed-size local arrays, so that for small `D` they live in registers
/// and the per-coordinate loops are unrolled.
@available(macOS 26, *)
enum FixedDimensionChunk<let D: Int> {
  static func sum(_ w: MultivariateChunk, chunk c: Int) {
    let k = w.k, s = w.s, full = w.full
    let blockSize = MultivariateChunk.blockVectors
    let start = c * EMKernel.chunkSize
    let end = Swift.min(start + EMKernel.chunkSize, w.n)
    let perComponent = 1 + D + s
    let n = w.n
    withUnsafeTemporaryAllocation(of: Vector8.self, capacity: (D + k + 2) * blockSize + k * perComponent + 1 + (2 * D + 1) * blockSize) { scratch in
      guard let root = scratch.baseAddress, let base = w.data.baseAddress, let factor = w.factors.baseAddress,
        let mu = w.means.baseAddress, let logNorms = w.logNorms.baseAddress, let out = w.out.baseAddress
      else { return }
      let xs = root
      let terms = xs + D * blockSize
      let largest = terms + k * blockSize
      let totals = largest + blockSize
      let accumulators = totals + blockSize
      accumulators.initialize(repeating: Vector8(), count: k * perComponent + 1)
      let rowScratch = accumulators + k * perComponent + 1
      let zero = Vector8()

      var i = start
      while i < end {
        let count = Swift.min(8 * blockSize, end - i)
        let vectors = (count + 7) / 8
        let whole = count / 8
        for a in 0..<D {
          let column = base + a * n
          for v in 0..<whole {
            xs[a * blockSize + v] = UnsafeRawPointer(column + i + 8 * v).loadUnaligned(as: Vector8.self)
          }
        }
        var valid = SIMDMask<SIMD8<Int64>>(repeating: true)
        if whole < vectors {
          valid = SIMDMask(repeating: false)
          for lane in 0..<(count - 8 * whole) { valid[lane] = true }
          for a in 0..<D {
            let column = base + a * n
            var x = Vector8(repeating: column[i + 8 * whole])
            for lane in 0..<(count - 8 * whole) { x[lane] = column[i + 8 * whole + lane] }
            xs[a * blockSize + whole] = x
          }
        }

        for v in 0..<vectors {
          var x = InlineArray<D, Vector8>(repeating: zero)
          for a in 0..<D { x[a] = xs[a * blockSize + v] }
          var top = Vector8(repeating: -.infinity)
          for j in 0..<k {
            let m = mu + j * D
            let l = factor + j * D * D
            var q = Vector8()
            if full {
              var e = InlineArray<D, Vector8>(repeating: zero)
              for a in 0..<D { e[a] = x[a] - Vector8(repeating: m[a]) }
              for a in 0..<D {
                var t = Vector8()
                for p in 0..<(a + 1) { t = t + e[p] * l[a * D + p] }
                q = q + t * t
              }
            } else {
              for a in 0..<D {
                let t = (x[a] - Vector8(repeating: m[a])) * l[a * D + a]
                q = q + t * t
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

        // Each component's sums over the block in locals, added to the chunk's once. From
        // five coordinates on the sums no longer fit in registers beside the differences
        // (a full covariance has d(d+1)/2 of them): the block's differences and weighted
        // differences go to scratch first, and the sums are taken row by row (at most d
        // accumulators at a time).
        if full && D >= 5 {
          sumRowByRow(
            k: k, vectors: vectors, mu: mu, xs: xs, terms: terms, totals: totals, accumulators: accumulators,
            scratch: rowScratch, perComponent: perComponent, full: full)
          i += count
          continue
        }
        for j in 0..<k {
          let m = mu + j * D
          var centre = InlineArray<D, Vector8>(repeating: zero)
          for a in 0..<D { centre[a] = Vector8(repeating: m[a]) }
          var mass = Vector8()
          var first = InlineArray<D, Vector8>(repeating: zero)
          let acc = accumulators + j * perComponent
          if full {
            var second = InlineArray<D, InlineArray<D, Vector8>>(repeating: InlineArray<D, Vector8>(repeating: zero))
            for v in 0..<vectors {
              let r = terms[j * blockSize + v] * totals[v]
              mass += r
              var e = InlineArray<D, Vector8>(repeating: zero)
              var re = InlineArray<D, Vector8>(repeating: zero)
              for a in 0..<D {
                e[a] = xs[a * blockSize + v] - centre[a]
                re[a] = r * e[a]
                first[a] += re[a]
              }
              for a in 0..<D {
                for b in 0..<(a + 1) { second[a][b] = second[a][b] + re[a] * e[b] }
              }
            }
            var t = 1 + D
            for a in 0..<D {
              for b in 0..<(a + 1) {
                acc[t] += second[a][b]
                t += 1
              }
            }
          } else {
            // Diagonal types: d squares, one flat array (a nested one defeats the registers).
            var squares = InlineArray<D, Vector8>(repeating: zero)
            for v in 0..<vectors {
              let r = terms[j * blockSize + v] * totals[v]
              mass += r
              for a in 0..<D {
                let e = xs[a * blockSize + v] - centre[a]
                let re = r * e
                first[a] += re
                squares[a] = squares[a] + re * e
              }
            }
            for a in 0..<D { acc[1 + D + a] += squares[a] }
          }
          acc[0] += mass
          for a in 0..<D { acc[1 + a] += first[a] }
        }
        i += count
      }
      let slot = out + c * w.stride
      slot[0] = Statistics.lanes(accumulators[k * perComponent])
      for t in 0..<(k * perComponent) { slot[1 + t] = Statistics.lanes(accumulators[t]) }
    }
  }

  /// The full-covariance sums of a block for `D` ≥ 5: per component, the differences
  /// `e` and `r·e` of every vector into `scratch` (`2D` rows of `blockVectors`, then the
  /// responsibilities), then the sums row by row of the lower triangle with that row's
  /// accumulators in registers.
  @inline(__always)
  static func sumRowByRow(
    k: Int, vectors: Int, mu: UnsafePointer<Double>, xs: UnsafeMutablePointer<Vector8>, terms: UnsafeMutablePointer<Vector8>,
    totals: UnsafeMutablePointer<Vector8>, accumulators: UnsafeMutablePointer<Vector8>, scratch: UnsafeMutablePointer<Vector8>,
    perComponent: Int, full: Bool
  ) {
    let blockSize = MultivariateChunk.blockVectors
    let e = scratch, re = scratch + D * blockSize, rs = scratch + 2 * D * blockSize
    for j in 0..<k {
      let m = mu + j * D
      let acc = accumulators + j * perComponent
      var mass = Vector8()
      for v in 0..<vectors {
        let r = terms[j * blockSize + v] * totals[v]
        rs[v] = r
        mass += r
      }
      acc[0] += mass
      for a in 0..<D {
        let centre = Vector8(repeating: m[a])
        var first = Vector8()
        for v in 0..<vectors {
          let ea = xs[a * blockSize + v] - centre
          let rea = rs[v] * ea
          e[a * blockSize + v] = ea
          re[a * blockSize + v] = rea
          first += rea
        }
        acc[1 + a] += first
      }
      guard full else {
        for a in 0..<D {
          var square = Vector8()
          for v in 0..<vectors { square = square + re[a * blockSize + v] * e[a * blockSize + v] }
          acc[1 + D + a] += square
        }
        continue
      }
      var t = 1 + D
      for a in 0..<D {
        var row = InlineArray<D, Vector8>(repeating: Vector8())
        for v in 0..<vectors {
          let rea = re[a * blockSize + v]
          for b in 0..<(a + 1) { row[b] = row[b] + rea * e[b * blockSize + v] }
        }
        for b in 0..<(a + 1) {
          acc[t] += row[b]
          t += 1
        }
      }
    }
  }
}
