/// `n` points in `d` dimensions, stored column-major (one contiguous run of `n` values
/// per coordinate) so that vector lanes run over points.
public struct Sample: Sendable, Equatable {
  /// The number of points.
  public let count: Int
  /// The number of coordinates per point.
  public let dimension: Int
  /// `values[j · count + i]` is coordinate `j` of point `i`.
  public let values: [Double]

  /// A sample from its columns, all of the same length.
  /// - Throws: ``MixtureError/invalidData(_:)`` when there is no column or they differ in length.
  public init(columns: [[Double]]) throws(MixtureError) {
    guard let first = columns.first else { throw .invalidData("a sample needs at least one column") }
    guard columns.allSatisfy({ $0.count == first.count }) else {
      throw .invalidData("the columns differ in length: \(columns.map(\.count))")
    }
    count = first.count
    dimension = columns.count
    values = Array(columns.joined())
  }

  /// A sample from column-major values.
  public init(count: Int, dimension: Int, columnMajor values: [Double]) {
    precondition(values.count == count * dimension, "values must hold count × dimension numbers")
    self.count = count
    self.dimension = dimension
    self.values = values
  }

  /// Coordinate `j` of every point.
  public func column(_ j: Int) -> ArraySlice<Double> { values[(j * count)..<((j + 1) * count)] }

  /// Point `i`'s coordinates.
  public func point(_ i: Int) -> [Double] { (0..<dimension).map { values[$0 * count + i] } }

  /// The points at `indices`, in that order.
  public func rows(_ indices: [Int]) -> Sample {
    var out: [Double] = []
    out.reserveCapacity(indices.count * dimension)
    for j in 0..<dimension {
      for i in indices { out.append(values[j * count + i]) }
    }
    return Sample(count: indices.count, dimension: dimension, columnMajor: out)
  }

  /// Each coordinate's mean.
  public var means: [Double] { (0..<dimension).map { Statistics.mean(Array(column($0))) } }

  /// The covariance matrix (`d × d`, row-major) with divisor `n − ddof`, centred in two
  /// passes (the means first) so that data far from the origin keeps its digits.
  public func covariance(ddof: Int = 0) -> [Double] {
    let d = dimension
    let centres = means
    var c = [Double](repeating: 0, count: d * d)
    values.withUnsafeBufferPointer { v in
      for a in 0..<d {
        for b in 0...a {
          var s = 0.0
          let ca = centres[a], cb = centres[b]
          for i in 0..<count { s += (v[a * count + i] - ca) * (v[b * count + i] - cb) }
          let value = s / Double(count - ddof)
          c[a * d + b] = value
          c[b * d + a] = value
        }
      }
    }
    return c
  }

  /// Each coordinate's variance (`ddof` 0).
  public var variances: [Double] { (0..<dimension).map { Statistics.variance(Array(column($0)), ddof: 0) } }
}
