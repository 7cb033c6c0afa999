import MixtureModels
import ReportKit

/// What every outcome of the parsers must satisfy, whatever the input: errors a user can
/// read on one line and place in the file, and decoded values within the README's limits.
enum Invariants {
  /// The longest message accepted, in Unicode scalars: a message quoting an unbounded
  /// part of the input (a whole header, a long key) is a finding too.
  static let maximumMessageLength = 4096

  /// The CRs, LFs, NELs (C2 85), LSs (E2 80 A8) and PSs (E2 80 A9) of `bytes`.
  static func lineBreaks(in bytes: [UInt8]) -> Int {
    var count = 0
    for (i, b) in bytes.enumerated() {
      if b == 0x0A || b == 0x0D {
        count += 1
      } else if b == 0x85, i >= 1, bytes[i - 1] == 0xC2 {
        count += 1
      } else if b == 0xA8 || b == 0xA9, i >= 2, bytes[i - 1] == 0x80, bytes[i - 2] == 0xE2 {
        count += 1
      }
    }
    return count
  }

  /// Checks an error: it names the file, its position is 1-based and inside the input,
  /// and its message is non-empty, bounded and one line (no control or line-breaking
  /// characters).
  /// - Parameters:
  ///   - error: The error a parser threw.
  ///   - file: The file name the parser was given.
  ///   - input: The bytes it read, to bound the position.
  ///   - findings: Where broken invariants go.
  static func check(_ error: InputError, file: String, input: some Collection<UInt8>, into findings: inout Findings) {
    var f = Findings()
    f.expect(error.file == file, "the error names the file \(quoted(error.file)), not \(quoted(file))")
    if let position = error.position {
      f.expect(position.line >= 1 && position.column >= 1, "position \(position.line):\(position.column) is not at least 1:1")
      // Loose upper bounds, whatever counts as a line end: every CR and LF may start a
      // line, and so may NEL, LS and PS (libyaml's line breaks too), and a column counts at
      // most one per byte (plus one past the end).
      let lineBreaks = Self.lineBreaks(in: Array(input))
      f.expect(position.line <= lineBreaks + 1, "line \(position.line) is past the input's \(lineBreaks + 1) lines")
      f.expect(position.column <= input.count + 1, "column \(position.column) is past the input's \(input.count) bytes")
    }
    checkMessage(error.message, into: &f)
    findings.append(contentsOf: f, context: "error \(quoted(error.description))")
  }

  /// Checks that a message is non-empty, bounded and one line.
  static func checkMessage(_ message: String, into findings: inout Findings) {
    findings.expect(!message.isEmpty, "the message is empty")
    var length = 0
    for scalar in message.unicodeScalars {
      length += 1
      // Cc is C0 (LF and CR among them), DEL and C1 (NEL among them); U+2028 and U+2029
      // break lines in editors and browsers. ReportKit's Echo escapes the same set.
      let category = scalar.properties.generalCategory
      if category == .control || category == .lineSeparator || category == .paragraphSeparator {
        findings.expect(false, "the message holds U+\(hex(scalar.value)), so it is not one clean line")
        break
      }
    }
    findings.expect(length <= maximumMessageLength, "the message is \(length) characters long (more than \(maximumMessageLength))")
  }

  /// Checks a decoded config against the README's table of keys.
  static func check(_ config: ReportConfig, into findings: inout Findings) {
    findings.expect(!config.formats.isEmpty, "no formats")
    findings.expect(Set(config.formats).count == config.formats.count, "repeated formats \(config.formats)")
    let figure = config.figure
    for (name, value) in [("width", figure.width), ("height", figure.height)] {
      findings.expect(value >= 1 && value <= 50, "figure.\(name) \(value) is not in [1, 50]")
    }
    findings.expect(figure.dpi >= 10 && figure.dpi <= 1200, "figure.dpi \(figure.dpi) is not in [10, 1200]")
    findings.expect(
      max(figure.width, figure.height) * figure.dpi <= 20_000, "the figure is more than 20000 pixels wide or high")
    findings.expect(!config.experiments.isEmpty, "no experiments")
    var fileNames: Set<String> = []
    for (i, experiment) in config.experiments.enumerated() {
      var f = Findings()
      check(experiment, into: &f)
      // Unique ignoring case: macOS's and Windows' disks would make them one file.
      f.expect(fileNames.insert(safeFileName(experiment.name).lowercased()).inserted, "its file name is not unique (ignoring case)")
      findings.append(contentsOf: f, context: "experiments[\(i)] \(quoted(experiment.name))")
    }
  }

  /// Checks one decoded experiment.
  static func check(_ experiment: ExperimentConfig, into findings: inout Findings) {
    findings.expect(!experiment.name.allSatisfy(\.isWhitespace), "the name is empty or blank")
    findings.expect(experiment.seed <= 1 << 53, "seed \(experiment.seed) is above 2^53")
    findings.expect(!experiment.label.allSatisfy(\.isWhitespace) && experiment.label.count <= 60, "label \(quoted(experiment.label)) is blank or longer than 60")
    var points: Int? = nil
    switch experiment.data {
    case .generate(let groups):
      findings.expect(!groups.isEmpty, "no generating groups")
      for (j, group) in groups.enumerated() {
        findings.expect(group.mean.isFinite, "generate[\(j)].mean \(group.mean) is not finite")
        findings.expect(group.sd >= 1e-150 && abs(group.mean) + 9 * group.sd <= 1e150, "generate[\(j)] N(\(group.mean), \(group.sd)²) is outside the variance's range")
        findings.expect(group.count >= 1 && group.count <= 100_000_000, "generate[\(j)].count \(group.count) is out of range")
      }
      let n = groups.reduce(0) { $0 + $1.count }
      findings.expect(n >= 2, "the groups make \(n) points, fewer than 2")
      findings.expect(experiment.delimiter == .auto, "generated data with the delimiter \(experiment.delimiter)")
      points = n
    case .csv(let path, let resolvedPath, let columns, _, let position):
      findings.expect(!path.isEmpty, "the CSV path is empty")
      // By bytes: a path may start with a combining mark, which joins the "/" before it
      // into one Character, so String.hasSuffix would say no.
      findings.expect(resolvedPath.utf8.reversed().starts(with: path.utf8.reversed()), "resolved path \(quoted(resolvedPath)) does not end in \(quoted(path))")
      findings.expect(position.line >= 1 && position.column >= 1, "the CSV path's position \(position) is not at least 1:1")
      findings.expect(!columns.isEmpty && columns.count <= 50, "\(columns.count) columns")
      for column in columns {
        switch column {
        case .name(let name): findings.expect(!name.isEmpty, "the column name is empty")
        case .index(let index): findings.expect(index >= 0 && index <= 100_000, "column index \(index) is out of range")
        }
      }
    }
    check(experiment.fit, points: points, groups: experiment.data.groups, into: &findings)
    check(experiment.kde, into: &findings)
  }

  /// Checks the fit settings; `points` and `groups` are known for generated data.
  static func check(_ fit: FitConfig, points: Int?, groups: [GroupSpec]?, into findings: inout Findings) {
    let k = fit.components
    findings.expect(k.lowerBound >= 1 && k.upperBound <= 100, "components \(k) is not within 1...100")
    if let points { findings.expect(k.upperBound <= points, "components \(k) exceed the \(points) points") }
    findings.expect(fit.restarts >= 1 && fit.restarts <= 1000, "restarts \(fit.restarts) is out of range")
    findings.expect(fit.restarts == 1 || fit.initialization.isRandom, "restarts \(fit.restarts) with the fixed start \(fit.initialization.name)")
    findings.expect(fit.epochs >= 1 && fit.epochs <= 1_000_000, "epochs \(fit.epochs) is out of range")
    findings.expect(fit.tolerance >= 0 && fit.tolerance.isFinite, "tolerance \(fit.tolerance) is not finite and ≥ 0")
    findings.expect(fit.regularization >= 0 && fit.regularization.isFinite, "regularization \(fit.regularization) is not finite and ≥ 0")
    findings.expect(fit.workLimit >= 1 && fit.workLimit <= 1e15, "workLimit \(fit.workLimit) is not within 1...1e15")
    if let points { findings.expect(fit.work(n: points) <= fit.workLimit, "the fit's work \(fit.work(n: points)) is over its limit \(fit.workLimit)") }
    switch fit.initialization {
    case .groups:
      findings.expect(k.count == 1 && groups?.count == k.lowerBound, "init groups without as many groups as components")
    case .explicit(let mixture):
      findings.expect(k.count == 1, "explicit init with a range of K")
      let sizes = [mixture.weights.count, mixture.means.count, mixture.sds.count]
      findings.expect(sizes.allSatisfy { $0 == k.lowerBound }, "explicit init has \(sizes) parameters for K = \(k.lowerBound)")
      findings.expect(mixture.weights.allSatisfy { $0 >= 0 && $0.isFinite }, "explicit weights \(mixture.weights) are not finite and ≥ 0")
      findings.expect(abs(mixture.weights.reduce(0, +) - 1) <= 1e-9, "explicit weights \(mixture.weights) do not sum to 1")
      findings.expect(mixture.means.allSatisfy(\.isFinite), "explicit means \(mixture.means) are not finite")
      findings.expect(mixture.sds.allSatisfy { $0 > 0 && $0.isFinite }, "explicit sds \(mixture.sds) are not finite and > 0")
    case .explicitMultivariate(let mixture):
      findings.expect(k.count == 1 && mixture.componentCount == k.lowerBound, "explicit init has \(mixture.componentCount) components for K = \(k)")
      findings.expect(mixture.dimension == fit.dimension, "explicit init has \(mixture.dimension) coordinates for d = \(fit.dimension)")
      findings.expect(fit.covarianceTypes == [mixture.covarianceType], "explicit init's type is not the fit's")
    case .quantiles:
      findings.expect(fit.dimension == 1, "quantiles in \(fit.dimension) dimensions")
    case .kMeansPlusPlus, .random:
      break
    }
    findings.expect(!fit.covarianceTypes.isEmpty && Set(fit.covarianceTypes).count == fit.covarianceTypes.count, "covariance types \(fit.covarianceTypes)")
  }

  /// Checks the kernel density settings.
  static func check(_ kde: KDEConfig, into findings: inout Findings) {
    if case .fixed(let h) = kde.bandwidth {
      findings.expect(h > 0 && h.isFinite, "kde.bandwidth \(h) is not finite and > 0")
    }
    findings.expect(kde.adjust > 0 && kde.adjust.isFinite, "kde.adjust \(kde.adjust) is not finite and > 0")
    findings.expect(kde.gridSize >= 2 && kde.gridSize <= 100_000, "kde.gridSize \(kde.gridSize) is out of range")
    findings.expect(kde.cut >= 0 && kde.cut.isFinite, "kde.cut \(kde.cut) is not finite and ≥ 0")
  }

  /// Checks what a CSV reading returned: finite values, and dropped lines that are
  /// increasing line numbers inside the file.
  static func check(_ column: Reading, input: some Collection<UInt8>, into findings: inout Findings) {
    if let bad = column.values.firstIndex(where: { !$0.isFinite }) {
      findings.expect(false, "value \(bad) is \(column.values[bad]), not finite")
    }
    let lineBreaks = input.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
    findings.expect(column.droppedLines.allSatisfy { $0 >= 1 && $0 <= lineBreaks + 1 }, "dropped lines \(column.droppedLines) are not all within 1...\(lineBreaks + 1)")
    findings.expect(zip(column.droppedLines, column.droppedLines.dropFirst()).allSatisfy { $0 < $1 }, "dropped lines \(column.droppedLines) do not increase")
  }
}

/// `value` in upper-case hexadecimal, at least 4 digits (as in U+000A).
func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
