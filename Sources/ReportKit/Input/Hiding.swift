import MixtureModels

extension HideSpec {
  /// The random stream that hides cells ("HIDE"): apart from the data's own draws (stream 0)
  /// and the fits' starts (streams 1, 2, …), so hiding changes neither.
  static let stream = 0x4849_4445

  /// Columns that may lose cells in `d` coordinates.
  func hiddenColumns(dimension d: Int) -> [Int] { columns ?? Array(0..<d) }

  /// `sample` with cells replaced by NaN as the spec says, drawn from the experiment's seed.
  ///
  /// - mcar: cell (i, j) of a hidden column j is hidden when a uniform draw is below `fraction`.
  /// - mar: the driver is the first column not hidden; with `rank_i` row i's rank (1 to n,
  ///   ties by row order) of its value there, cell (i, j) is hidden with probability
  ///   `min(1, 2 · fraction · rank_i / (n + 1))`.
  /// The draws are made row by row, column by column, one per cell of a hidden column.
  func apply(to sample: Sample, seed: UInt64) -> Sample {
    let n = sample.count, d = sample.dimension
    var random = RandomSource(seed: seed, stream: Self.stream)
    var values = sample.values
    let hidden = hiddenColumns(dimension: d)
    var probability = [Double](repeating: fraction, count: n)
    if mechanism == .mar, let driver = (0..<d).first(where: { !hidden.contains($0) }) {
      let order = (0..<n).sorted { (sample.values[driver * n + $0], $0) < (sample.values[driver * n + $1], $1) }
      for (rank, i) in order.enumerated() { probability[i] = min(1, 2 * fraction * Double(rank + 1) / Double(n + 1)) }
    }
    for i in 0..<n {
      for j in hidden where random.uniform() < probability[i] { values[j * n + i] = .nan }
    }
    return Sample(count: n, dimension: d, columnMajor: values)
  }
}
