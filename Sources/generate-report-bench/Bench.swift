import ArgumentParser
import Dispatch
import Foundation
import MixtureModels
import ReportKit

/// Benchmarks of generate-report's kernels and of a whole report, each printed beside a
/// baseline run in the same process. Not a test: timings are medians of several runs
/// on whatever machine runs it. `scripts/benchmark/compare.py` calls the subcommands
/// to set them beside scikit-learn, numpy, KDEpy, a C loop and matplotlib.
@main
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-report-bench",
    abstract: "Time EM, KDE, CSV reading and a whole report (release builds only give meaningful numbers).",
    subcommands: [Suite.self, EM.self, EMMulti.self, KDE.self, CSV.self, Report.self, MathBench.self],
    defaultSubcommand: Suite.self)
}

/// The median of `repeats` timings of `body`, in seconds, and its last result.
func median<T>(_ repeats: Int, _ body: () throws -> T) rethrows -> (seconds: Double, result: T) {
  var times: [Double] = []
  var last: T?
  for _ in 0..<max(1, repeats) {
    let start = DispatchTime.now().uptimeNanoseconds
    last = try body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return (middle(times), last!)
}

/// The median.
/// Seconds per EM iteration as compare.py times scikit-learn: (median fit of N − median fit
/// of 1) / (N − 1), long and short fits alternating so a busy spell falls on both; a fit of N
/// sweeps the data N + 1 times, so the fixed cost is the fit of 1 less two sweeps.
func perIterationTiming<Model>(
  iterations: Int, repeats: Int, fit: (Int) throws -> EMRun<Model>
) throws -> (perIteration: Double, fitSeconds: Double, fixedSeconds: Double, result: EMRun<Model>, long: [Double], short: [Double]) {
  var long: [Double] = [], short: [Double] = []
  func once() throws -> EMRun<Model> {
    let (longSeconds, longResult) = try median(1) { try fit(iterations) }
    long.append(longSeconds)
    short.append(try median(1) { try fit(1) }.seconds)
    return longResult
  }
  var result = try once()
  for _ in 1..<max(1, repeats) { result = try once() }
  let perIteration = (middle(long) - middle(short)) / Double(iterations - 1)
  return (perIteration, middle(long), middle(short) - 2 * perIteration, result, long, short)
}

func middle(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Raw little-endian float64 values (numpy's `tofile`).
func readFloat64(_ path: String) throws -> [Double] {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ValidationError("cannot read \(path)")
  }
  return data.withUnsafeBytes { raw in
    (0..<(raw.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
  }
}

/// Comma-separated numbers.
func numbers(_ text: String) throws -> [Double] {
  try text.split(separator: ",").map { part in
    guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("not a number: \(part)") }
    return value
  }
}

/// One JSON object on a line, keys in the given order.
func printJSON(_ members: [(String, Any)]) {
  func encode(_ value: Any) -> String {
    switch value {
    case let d as Double: return d.isFinite ? "\(d)" : "null"
    case let i as Int: return "\(i)"
    case let s as String: return "\"\(s)\""
    case let a as [Double]: return "[" + a.map(encode).joined(separator: ",") + "]"
    default: return "null"
    }
  }
  print("{" + members.map { "\"\($0.0)\": \(encode($0.1))" }.joined(separator: ", ") + "}")
}

struct EM: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Seconds per EM iteration from an explicit start, as JSON.")
  @Option(help: "Raw float64 data file.") var data: String
  @Option(parsing: .unconditional) var weights: String
  @Option(parsing: .unconditional) var means: String
  @Option(parsing: .unconditional) var sds: String
  @Option var iterations = 10
  @Option var threads = 2
  @Option var repeats = 3
  @Option var regularization = 1e-6
  @Flag(help: "Time the two-pass reference EM instead of the fused one.") var reference = false

  func run() throws {
    let x = try readFloat64(data)
    let start = try GaussianMixture(weights: numbers(weights), means: numbers(means), sds: numbers(sds))
    guard iterations >= 2 else { throw ValidationError("--iterations must be at least 2") }
    func fit(_ epochs: Int) throws -> EMResult {
      let options = EMOptions(maxEpochs: epochs, tolerance: 0, regularization: regularization, threads: threads)
      return try reference ? ReferenceEM.fit(x, from: start, options: options) : ExpectationMaximization.fit(x, from: start, options: options)
    }
    // A fit also checks the data and computes its variance once. As compare.py does for
    // scikit-learn: per iteration = (median(fit of N) − median(fit of 1)) / (N − 1), the
    // rest is the fit's fixed cost. Long and short fits alternate, so a busy spell on the
    // machine falls on both.
    let t = try perIterationTiming(iterations: iterations, repeats: repeats, fit: fit)
    printJSON([
      ("secondsPerIteration", t.perIteration), ("fitSeconds", t.fitSeconds),
      ("fixedSeconds", t.fixedSeconds), ("logLikelihood", t.result.finalLogLikelihood),
    ])
  }
}

/// An explicit d-dimensional start in scikit-learn's shapes (full K × d × d covariances
/// whatever the type).
struct MultivariateStart: Decodable {
  let type: CovarianceType
  let weights: [Double]
  let means: [[Double]]
  let covariances: [[[Double]]]
}

struct EMMulti: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "em-multi", abstract: "Seconds per d-dimensional EM iteration from an explicit start, as JSON.")
  @Option(help: "Raw float64 data file, row-major n × d (numpy's tofile of a C-ordered (n, d) array).") var data: String
  @Option(help: "The number of coordinates per point.") var dimension: Int
  @Option(help: "JSON file: {\"type\", \"weights\", \"means\" (K × d), \"covariances\" (K × d × d)}.") var start: String
  @Option var iterations = 10
  @Option var threads = 2
  @Option var repeats = 3
  @Option var regularization = 1e-6

  func run() throws {
    guard dimension >= 1 else { throw ValidationError("--dimension must be at least 1") }
    guard iterations >= 2 else { throw ValidationError("--iterations must be at least 2") }
    let sample: Sample
    do {
      let rows = try readFloat64(data)
      guard rows.count % dimension == 0 else { throw ValidationError("\(rows.count) values are not a multiple of \(dimension)") }
      let n = rows.count / dimension, d = dimension
      var columns = [Double](repeating: 0, count: rows.count)
      rows.withUnsafeBufferPointer { source in
        columns.withUnsafeMutableBufferPointer { target in
          for i in 0..<n { for j in 0..<d { target[j * n + i] = source[i * d + j] } }
        }
      }
      sample = Sample(count: n, dimension: d, columnMajor: columns)
    }
    guard let json = FileManager.default.contents(atPath: start) else { throw ValidationError("cannot read \(start)") }
    let given = try JSONDecoder().decode(MultivariateStart.self, from: json)
    let initial = try MultivariateMixture(type: given.type, weights: given.weights, means: given.means, covariances: given.covariances)
    func fit(_ epochs: Int) throws -> EMRun<MultivariateMixture> {
      try MultivariateEM.fit(sample, from: initial, options: EMOptions(maxEpochs: epochs, tolerance: 0, regularization: regularization, threads: threads))
    }
    // As `em` (the fixed cost: the data check and the variances, copies of the columns).
    let t = try perIterationTiming(iterations: iterations, repeats: repeats, fit: fit)
    printJSON([
      ("secondsPerIteration", t.perIteration), ("fitSeconds", t.fitSeconds),
      ("fixedSeconds", t.fixedSeconds), ("logLikelihood", t.result.finalLogLikelihood),
      ("epochs", t.result.epochs.count), ("count", sample.count), ("dimension", sample.dimension),
      ("longRuns", t.long), ("shortRuns", t.short),
    ])
  }
}

struct KDE: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "A KDE on an evenly spaced grid (Scott's rule, seaborn's cut 3), as JSON.")
  @Option(help: "Raw float64 data file.") var data: String
  @Option var grid = 512
  @Option var repeats = 3
  @Option(help: "automatic, binned or exact.") var method = "automatic"

  func run() throws {
    let x = try readFloat64(data)
    guard let choice = KDEMethod(rawValue: method) else { throw ValidationError("method must be automatic, binned or exact") }
    // The bandwidth (Scott's rule, two passes for the sd) is computed outside the timing,
    // as KDEpy is given h: both time binning and convolution.
    let kde = try KernelDensityEstimate(data: x, rule: .scott)
    let (seconds, density) = median(repeats) { kde.densityOnGrid(size: grid, cut: 3, method: choice) }
    printJSON([
      ("seconds", seconds), ("method", density.method.rawValue), ("gridMin", density.grid.first ?? .nan), ("gridMax", density.grid.last ?? .nan),
      ("bandwidth", kde.bandwidth), ("errorBound", density.errorBound), ("density", density.values),
    ])
  }
}

struct CSV: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Reading one column of a CSV file as the report does, as JSON.")
  @Option var data: String
  @Option var column = "x"
  @Option var repeats = 5

  func run() throws {
    let bytes = (try FileManager.default.attributesOfItem(atPath: data)[.size] as? Int) ?? 0
    let (seconds, count) = try median(repeats) { try Benchmarking.readCSVColumn(path: data, column: column) }
    printJSON([("seconds", seconds), ("bytes", bytes), ("values", count), ("megabytesPerSecond", Double(bytes) / seconds / 1e6)])
  }
}

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "A whole report, in process, as JSON.")
  @Argument var config: String
  @Option var output = "/tmp/generate-report-bench/report"
  @Option var repeats = 3

  func run() throws {
    let (seconds, _) = try median(repeats) {
      try ReportGenerator.run(ReportOptions(configPath: config, outputFolder: output)) { _ in }
    }
    printJSON([("seconds", seconds)])
  }
}

/// Data from a three-group mixture, the same for every run.
func sample(_ n: Int) -> [Double] {
  var random = RandomSource(seed: 2026)
  let means = [-2.0, 1.0, 4.0], sds = [0.7, 1.0, 0.5], shares = [0.3, 0.8]
  return (0..<n).map { _ in
    let u = random.uniform()
    let g = u < shares[0] ? 0 : (u < shares[1] ? 1 : 2)
    return random.normal(mean: means[g], sd: sds[g])
  }
}

/// The comparison script's explicit start: equal weights, means at the (j + ½)/K
/// quantiles, every sd the data's.
func quantileStart(_ data: [Double], k: Int) throws -> GaussianMixture {
  let sorted = data.sorted()
  let sd = Statistics.standardDeviation(data)
  return try GaussianMixture(
    weights: [Double](repeating: 1 / Double(k), count: k).normalisedToOne(),
    means: (0..<k).map { Statistics.quantile(sorted: sorted, (Double($0) + 0.5) / Double(k)) },
    sds: [Double](repeating: sd, count: k))
}

extension Array where Element == Double {
  func normalisedToOne() -> [Double] {
    var copy = self
    copy[count - 1] = 1 - dropLast().reduce(0, +)
    return copy
  }
}

func format(_ seconds: Double) -> String {
  if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
  if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
  return String(format: "%.2f s", seconds)
}

struct Suite: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The README's table: every kernel against its plain baseline, in this process.")
  @Option(help: "The largest sample size (10^4 … this, by factors of 10).") var maxN = 10_000_000
  @Option var repeats = 3
  @Option(help: "The article's experiment file, for the end-to-end timing.") var article = "examples/article.json"

  func run() throws {
    var sizes: [Int] = []
    var n = 10_000
    while n <= maxN {
      sizes.append(n)
      n *= 10
    }
    say("EM, seconds per iteration (median of \(repeats)); baseline: the two-pass scalar ReferenceEM")
    say("    n   K   fused, 1 thread   fused, 2 threads   two-pass baseline   baseline / fused(2)")
    for n in sizes {
      let data = sample(n)
      for k in [2, 8] {
        let start = try quantileStart(data, k: k)
        let epochs = n >= 1_000_000 ? 5 : 20
        func time(_ threads: Int, reference: Bool = false) throws -> Double {
          let options = EMOptions(maxEpochs: epochs, tolerance: 0, regularization: 1e-6, threads: threads)
          return try median(repeats) {
            try reference ? ReferenceEM.fit(data, from: start, options: options) : ExpectationMaximization.fit(data, from: start, options: options)
          }.seconds / Double(epochs + 1)
        }
        let one = try time(1), two = try time(2), base = try time(1, reference: true)
        say(
          String(repeating: " ", count: max(0, 8 - "\(n)".count)) + "\(n)  \(k)   " + [format(one), format(two), format(base)].map { $0.padding(toLength: 19, withPad: " ", startingAt: 0) }.joined()
            + String(format: "%.1f×", base / two))
      }
    }
    say("\nKDE on a 512-point grid (Scott's rule), median of \(repeats); baseline: exact evaluation")
    say("    n   method   time        exact       exact / ours   largest error / peak   stated bound / peak")
    for n in sizes {
      let data = sample(n)
      let kde = try KernelDensityEstimate(data: data, rule: .scott)
      let (ours, result) = median(repeats) { kde.densityOnGrid(size: 512, cut: 3) }
      let exactRepeats = n >= 1_000_000 ? 1 : repeats
      let (exactTime, exact) = median(exactRepeats) { kde.densityOnGrid(size: 512, cut: 3, method: .exact) }
      let peak = exact.peak
      let error = zip(result.values, exact.values).map { abs($0 - $1) }.max() ?? 0
      say(
        String(repeating: " ", count: max(0, 8 - "\(n)".count)) + "\(n)  " + result.method.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
          + format(ours).padding(toLength: 12, withPad: " ", startingAt: 0) + format(exactTime).padding(toLength: 12, withPad: " ", startingAt: 0)
          + String(format: "%.0f×", exactTime / ours).padding(toLength: 15, withPad: " ", startingAt: 0)
          + String(format: "%.1e", error / peak).padding(toLength: 23, withPad: " ", startingAt: 0) + String(format: "%.1e", result.errorBound / peak))
    }

    say("\nCSV, one column of 10^6 rows; baseline: splitting lines and Double(String)")
    let path = "/tmp/generate-report-bench-\(getpid()).csv"
    let text = "x\n" + sample(1_000_000).map { "\($0)" }.joined(separator: "\n") + "\n"
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bytes = Double(text.utf8.count)
    let (csvTime, _) = try median(repeats) { try Benchmarking.readCSVColumn(path: path, column: "x") }
    let (plainTime, _) = try median(repeats) { () throws -> Int in
      let contents = try String(contentsOfFile: path, encoding: .utf8)
      return contents.split(separator: "\n").dropFirst().compactMap { Double($0) }.count
    }
    say(String(format: "  ours %.0f MB/s (%@), baseline %.0f MB/s (%@): %.1f×", bytes / csvTime / 1e6, format(csvTime), bytes / plainTime / 1e6, format(plainTime), plainTime / csvTime))

    if FileManager.default.fileExists(atPath: article) {
      let output = "/tmp/generate-report-bench-\(getpid())-report"
      defer { try? FileManager.default.removeItem(atPath: output) }
      let (seconds, _) = try median(repeats) { try ReportGenerator.run(ReportOptions(configPath: article, outputFolder: output)) { _ in } }
      say("\nThe article's report end to end (figures in PNG and PDF, HTML, CSVs), in process: \(format(seconds))")
      say("  (scripts/benchmark/compare.py sets the whole command beside the article's Python code)")
    }
  }
}

/// Prints a line at once (standard output is block-buffered into a pipe).
func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

struct MathBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "math", abstract: "Vectorised exp and log against the C library's, per value.")
  func run() throws {
    let values = (0..<1_000_000).map { Double($0) * -1e-5 }
    let lanes = values.count / 8
    let vectors = (0..<lanes).map { i in Vector8((0..<8).map { values[i * 8 + $0] }) }
    let (expTime, e) = median(5) { vectors.reduce(Vector8()) { $0 + VectorMath.exp($1) } }
    let (logTime, l) = median(5) { vectors.reduce(Vector8()) { $0 + VectorMath.log(-$1 + 1) } }
    let (cTime, c) = median(5) { values.reduce(0.0) { $0 + Foundation.exp($1) } }
    say("exp \(expTime / 1e6 * 1e9) ns, log \(logTime / 1e6 * 1e9) ns, C exp \(cTime / 1e6 * 1e9) ns per value (\(e.sum() + l.sum() + c))")
  }
}
