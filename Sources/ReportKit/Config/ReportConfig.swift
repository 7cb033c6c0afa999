import CairoRendering
import Foundation
import MixtureModels
import Plotting

/// A whole experiment file: the report's title, output formats, figure size and the
/// experiments to run. Built by ``ReportConfig/decode(_:file:)``; every field but
/// `experiments` (and each experiment's `name` and `data`) has a default.
public struct ReportConfig: Sendable, Equatable {
  /// The report's title. Default: "Gaussian mixture report".
  public var title: String
  /// The figure formats to write. Default: PNG and PDF.
  public var formats: [ImageFormat]
  /// Figure size and resolution.
  public var figure: FigureSettings
  /// The experiments, in order, with unique names.
  public var experiments: [ExperimentConfig]
  /// The figures' colours (`theme`). Default: light.
  public var theme: FigureTheme = .light
  /// The report pages to write (`report`): `index.html`, `index.md`, or both. Default HTML.
  public var pages: [ReportPage] = [.html]
  /// Whether `index.html` inlines every figure and data file (`embed`), so the one file is
  /// the whole report.
  public var embed = false

  public static let defaultTitle = "Gaussian mixture report"
  public static let defaultFormats: [ImageFormat] = [.png, .pdf]
}

/// Figure size in inches, PNG resolution (matplotlib's defaults: 6.4 × 4.8 in, 100 dpi)
/// and the PNG scales written.
public struct FigureSettings: Sendable, Equatable {
  public var width = 6.4
  public var height = 4.8
  public var dpi = 100.0
  /// The PNG scales (`scales`), increasing, distinct, each 1 to 4: scale s multiplies the
  /// dpi and is written as `name@sx.png` (DocC's naming; `name.png` for 1). Default: `[1]`.
  public var scales = [1]
  public init() {}

  /// The most scales a figure is written at, and the largest scale.
  public static let maximumScaleCount = 3
  public static let scaleRange = 1...4
}

/// Which colours the figures are drawn in (`theme`): Plotting's light theme, its dark
/// one, or both (each figure twice, the dark one as `name~dark.png`, DocC's naming).
/// A report page format.
public enum ReportPage: String, Sendable, Equatable, CaseIterable {
  case html, markdown
}

public enum FigureTheme: String, Sendable, Equatable, CaseIterable {
  case light, dark, both

  /// What a run writes: each variant's file-name suffix (`""` or `"~dark"`), its theme,
  /// and whether it is the dark variant beside a light one.
  var variants: [(suffix: String, theme: Theme, isDarkVariant: Bool)] {
    switch self {
    case .light: [("", .light, false)]
    case .dark: [("", .dark, false)]
    case .both: [("", .light, false), ("~dark", .dark, true)]
    }
  }
}

/// One experiment: where its data comes from and how it is fitted and smoothed.
public struct ExperimentConfig: Sendable, Equatable {
  public var name: String
  public var description: String
  /// Seeds data generation (and later, random starts). Default 0.
  public var seed: UInt64
  /// The generator of generated data (`rng`): ours (xoshiro256**, the default) or numpy's
  /// legacy `RandomState` (`np.random.seed(seed)` then `np.random.normal` per group), so an
  /// author's seeded numpy data comes back bit for bit. Restarts always draw from ours.
  public var rng: DataGenerator = .xoshiro
  public var data: DataSource
  /// What the data measures, for axis labels and titles (`data.label`). Default "X", the tutorial's.
  public var label = "X"
  /// In d ≥ 2 dimensions, one label per coordinate (`data.labels`); "" for a column given
  /// by index without a label, which the run names by its header; default the header
  /// names, or x1…xd for generated data.
  public var labels: [String] = []
  /// How a CSV file's fields are separated (`data.delimiter`); CSV data only. Default: sniffed
  /// from the header line.
  public var delimiter: CSVDelimiter = .auto
  /// The function applied to every value before anything is fitted or drawn
  /// (`data.transform`); `nil` fits the values as they are.
  public var transform: DataTransform?
  /// Cells of generated data to hide (`data.hide`); `nil`: none.
  public var hide: HideSpec?
  /// Whether the fit keeps rows with missing cells (`data.missing` "model", or hidden cells).
  public var modelsMissing: Bool {
    if hide != nil { return true }
    if case .csv(_, _, _, .model, _) = data { return true }
    return false
  }

  /// The 1-D axes' and titles' name: `label`, as `log(label)` when the data is transformed.
  public var axisLabel: String { transform?.label(label) ?? label }

  /// The number of coordinates per point.
  public var dimension: Int { data.dimension }
  public var fit: FitConfig
  public var kde: KDEConfig
  /// The figures to draw, by id, in report order (`figures`); `nil` draws the default set
  /// for the dimension (``FigureID/defaults(dimension:selects:missing:)``).
  public var figures: [FigureID]?
  /// Titles replacing the default ones, by figure (`titles`).
  public var titles: [FigureID: String] = [:]
  /// The component (0-based) whose mean the `bound` figure varies (`boundParameter.component`, 1-based).
  public var boundComponent = 0
  /// The epochs the `steps` figure shows (`stepEpochs`); `nil`: 0, 1, 2, 5, 10 and the last.
  public var stepEpochs: [Int]?

  /// The figures this experiment draws, in order.
  public var figureIDs: [FigureID] { figures ?? FigureID.defaults(dimension: dimension, selects: fit.selects, missing: modelsMissing) }

  /// Whether to write `data/<name>-samples.csv` (one row per point); `nil` writes it up
  /// to ``samplesLimit`` points, where it is a few megabytes at most.
  public var writeSamples: Bool?

  /// The most points for which the per-sample CSV is written unless asked for.
  public static let samplesLimit = 100_000

  /// Whether the per-sample CSV is written for `n` points.
  public func writesSamples(n: Int) -> Bool { writeSamples ?? (n <= Self.samplesLimit) }
}

/// Which random generator draws generated data.
public enum DataGenerator: String, Sendable, Equatable, CaseIterable {
  /// xoshiro256** seeded by SplitMix64, with the polar method (README, "Random numbers").
  case xoshiro
  /// numpy's legacy `RandomState`: MT19937 and its cached polar Gaussian, bit for bit.
  case numpy
}

/// One generating group of a synthetic mixture: `{"mean", "sd", "count"}` in one
/// dimension, `{"mean": [d], "covariance": [[d] × d], "count"}` in d.
public struct GroupSpec: Sendable, Equatable {
  /// The first coordinate's mean (the 1-D group's mean).
  public var mean: Double
  /// The first coordinate's sd (the 1-D group's sd, exactly as given).
  public var sd: Double
  public var count: Int
  /// The mean vector (`[mean]` in one dimension).
  public var means: [Double]
  /// The covariance, `d × d` row-major (`[sd²]` in one dimension).
  public var covariance: [Double]

  /// A 1-D group.
  public init(mean: Double, sd: Double, count: Int) {
    self.mean = mean
    self.sd = sd
    self.count = count
    means = [mean]
    covariance = [sd * sd]
  }

  /// A d-dimensional group.
  public init(means: [Double], covariance: [Double], count: Int) {
    mean = means[0]
    sd = covariance[0].squareRoot()
    self.count = count
    self.means = means
    self.covariance = covariance
  }

  public var dimension: Int { means.count }
}

/// A CSV column, by header name or 0-based index.
public enum ColumnReference: Sendable, Equatable, CustomStringConvertible {
  case name(String)
  case index(Int)

  public var description: String {
    switch self {
    case .name(let n): "\"\(n)\""
    case .index(let i): "\(i)"
    }
  }
}

/// How the fields of a CSV file are separated (`data.delimiter`).
public enum CSVDelimiter: Sendable, Equatable, CaseIterable, CustomStringConvertible {
  case comma
  case semicolon
  case tab
  /// Sniffed from the header line: the one of comma, semicolon and tab that occurs in it
  /// outside quotes (several: the one splitting it into the most fields, comma before
  /// semicolon before tab on a tie; none: comma, one column).
  case auto

  /// The byte fields are split at (a comma for `auto`, before the header is read).
  public var byte: UInt8 {
    switch self {
    case .comma, .auto: 0x2C
    case .semicolon: 0x3B
    case .tab: 0x09
    }
  }

  /// The delimiter that splits at `byte`, if it is one.
  public init?(byte: UInt8) {
    switch byte {
    case 0x2C: self = .comma
    case 0x3B: self = .semicolon
    case 0x09: self = .tab
    default: return nil
    }
  }

  /// The JSON string that sets it: `","`, `";"`, `"\t"` or `"auto"`, with its quotes.
  public var description: String {
    switch self {
    case .comma: "\",\""
    case .semicolon: "\";\""
    case .tab: "\"\\t\""
    case .auto: "\"auto\""
    }
  }

  /// The delimiters a file can have, in the order a tie is broken.
  public static let candidates: [CSVDelimiter] = [.comma, .semicolon, .tab]
}

/// A function applied to the data's values before fitting (`data.transform`).
public enum DataTransform: String, Sendable, Equatable, CaseIterable {
  /// The natural logarithm.
  case log
  /// The base-10 logarithm.
  case log10

  /// The transformed value of `x`, which must be > 0 (MixtureModels' logarithms, the same
  /// bits on every processor).
  @inline(__always)
  public func apply(_ x: Double) -> Double {
    switch self {
    case .log: VectorMath.log(x)
    case .log10: VectorMath.log10(x)
    }
  }

  /// An axis name for the transformed values: `log(X)`, `log10(X)`.
  public func label(_ label: String) -> String { "\(rawValue)(\(label))" }

  /// The end of a message about a value ≤ 0: `which log cannot take: transform: "log" needs values > 0`.
  var refusal: String { "which \(rawValue) cannot take: transform: \"\(rawValue)\" needs values > 0" }
}

/// What to do with `NA`, `NaN` and empty cells of a CSV column.
public enum MissingValues: String, Sendable, Equatable, CaseIterable {
  /// Stop with a message naming the file, line and column. The default.
  case error
  /// Skip those rows and report how many were skipped.
  case drop
  /// Keep the rows and fit their observed coordinates (d ≥ 2: EM with missing values);
  /// a row with no observed coordinate is dropped and counted.
  case model
}

/// Cells of generated data hidden on purpose (teaching EM with missing values): the report
/// compares what EM recovers with the truth it hid.
public struct HideSpec: Sendable, Equatable {
  /// How a cell comes to be hidden.
  public enum Mechanism: String, Sendable, Equatable, CaseIterable {
    /// Missing completely at random: each cell of the hidden columns independently, with
    /// probability `fraction`.
    case mcar
    /// Missing at random: a cell of a hidden column with a probability that rises with the
    /// row's value of the first column that is never hidden, `2 · fraction · rank / (n + 1)`
    /// (capped at 1), so that on average `fraction` of the cells are hidden (for fractions up
    /// to 0.5) and the rows with large values of that column lose the most.
    case mar
  }
  /// The share of the hidden columns' cells to hide, in [0, 1).
  public var fraction: Double
  /// The 0-based coordinates whose cells may be hidden; every coordinate when `nil`.
  public var columns: [Int]?
  public var mechanism: Mechanism = .mcar

  public init(fraction: Double, columns: [Int]? = nil, mechanism: Mechanism = .mcar) {
    (self.fraction, self.columns, self.mechanism) = (fraction, columns, mechanism)
  }
}

/// Where an experiment's data comes from.
public enum DataSource: Sendable, Equatable {
  /// A seeded mixture: the groups' draws, concatenated in order.
  case generate([GroupSpec])
  /// Columns of a CSV file (one for `data.column`, d for `data.columns`). `path` is as
  /// written in the config (at `position`); `resolvedPath` is relative to the config file's folder.
  case csv(path: String, resolvedPath: String, columns: [ColumnReference], missing: MissingValues, position: SourcePosition)

  /// The generating groups, when the data is generated.
  public var groups: [GroupSpec]? {
    if case .generate(let g) = self { g } else { nil }
  }

  /// The number of coordinates per point.
  public var dimension: Int {
    switch self {
    case .generate(let groups): groups.first?.dimension ?? 1
    case .csv(_, _, let columns, _, _): columns.count
    }
  }
}

/// How EM starts.
public enum InitSpec: Sendable, Equatable {
  /// Each generating group's mean, sd (ddof 0) and share: the tutorial's start.
  case groups
  /// Means at equally spaced quantiles, the overall sd, equal weights.
  case quantiles
  /// k-means++ seeding and Lloyd iterations (seeded).
  case kMeansPlusPlus
  /// K distinct data points as means (seeded).
  case random
  /// Explicit parameters, in one dimension.
  case explicit(GaussianMixture)
  /// Explicit parameters, in d ≥ 2 dimensions (their covariance type fixed).
  case explicitMultivariate(MultivariateMixture)

  /// The name a config spells it with.
  public var name: String {
    switch self {
    case .groups: "groups"
    case .quantiles: "quantiles"
    case .kMeansPlusPlus: "kmeans++"
    case .random: "random"
    case .explicit, .explicitMultivariate: "explicit"
    }
  }

  /// Whether restarts draw different starts.
  public var isRandom: Bool { self == .kMeansPlusPlus || self == .random }
}

/// EM settings of an experiment.
public struct FitConfig: Sendable, Equatable {
  /// The numbers of components K to fit: one, or a range to choose from by `criterion`.
  public var components: ClosedRange<Int>
  public var initialization: InitSpec
  /// EM runs per K, each from its own start; the highest final log-likelihood is kept. Default 1.
  public var restarts = 1
  /// Chooses K when `components` is a range. Default BIC.
  public var criterion = InformationCriterion.bic
  /// The covariance types to fit (`fit.covariance`); with several the criterion chooses
  /// the pair (K, type). Default `full`.
  public var covarianceTypes: [CovarianceType] = [.full]
  /// The number of coordinates, which scales the work of a point.
  public var dimension = 1
  /// The largest number of epochs. Default 100 (scikit-learn's `max_iter`).
  public var epochs = FitConfig.defaultEpochs
  /// Stop when the mean per-sample log-likelihood changes by less. Default 1e-3
  /// (scikit-learn's `tol`); 0 runs exactly `epochs`.
  public var tolerance = FitConfig.defaultTolerance
  /// Added to every variance in each M-step. Default 1e-6 (scikit-learn's `reg_covar`).
  public var regularization = FitConfig.defaultRegularization
  /// The most work this fit may do, in units of ``work(n:)``. Default 10¹¹ (about a
  /// minute on two cores of a 2024 machine).
  public var workLimit = FitConfig.defaultWorkLimit

  /// Whether K is chosen from a range.
  public var selectsComponents: Bool { components.count > 1 }
  /// Whether a pair (K, type) is chosen among several.
  public var selects: Bool { selectsComponents || covarianceTypes.count > 1 }

  /// The work the fit may do on `n` points, at most: Σ over K of K × restarts × epochs ×
  /// max(n, 1000) component-point evaluations (the floor stands for the fixed cost of an
  /// epoch and of a start, which dominates on small data), times the number of
  /// covariance types and, in d dimensions, d(d + 1)/2 (a point's cost grows so).
  public func work(n: Int) -> Double {
    let ks = components.reduce(0.0) { $0 + Double($1) }
    let perPoint = Double(covarianceTypes.count) * Double(dimension * (dimension + 1) / 2)
    return ks * Double(restarts) * Double(epochs) * Double(max(n, 1000)) * perPoint
  }

  public static let defaultWorkLimit = 1e11

  /// Why a fit on `n` points is refused (its work exceeds ``workLimit``), or nil; `path` is
  /// the fit's key path.
  func workProblem(n: Int, path: String) -> String? {
    let work = work(n: n)
    guard work > workLimit else { return nil }
    return
      "\(path) would do up to \(Display.number(work, significant: 2)) units of work (Σ over K of K × restarts × epochs × max(n, 1000)\(dimension > 1 || covarianceTypes.count > 1 ? " × types × d(d + 1)/2" : ""), n = \(n)), over fit.workLimit \(Display.number(workLimit, significant: 2)) (about a minute per 10¹¹); lower fit.restarts or fit.epochs, narrow fit.components, or raise fit.workLimit"
  }

  public static let defaultEpochs = 100
  public static let defaultTolerance = 1e-3
  public static let defaultRegularization = 1e-6
}

/// Kernel density settings (seaborn's `kdeplot`).
public struct KDEConfig: Sendable, Equatable {
  public var bandwidth: BandwidthRule = .scott
  /// Multiplies the bandwidth (seaborn's `bw_adjust`).
  public var adjust = 1.0
  /// Points of the density figure's grid.
  public var gridSize = 200
  /// The grid extends this many bandwidths beyond the data.
  public var cut = 3.0
  /// How the grid's densities are computed: exact for small `n × gridSize`, binned otherwise.
  public var method: KDEMethod = .automatic
  /// Where the 1-D fit figure evaluates its two curves (`fitCurve`).
  public var fitCurve: FitCurve = .grid
  public init() {}
}

/// Where the fit figure draws the KDE and the mixture density.
public enum FitCurve: String, Sendable, Equatable, CaseIterable {
  /// On the density figure's grid: smooth curves. The default.
  case grid
  /// At the sorted data points, as the tutorial's code does (angular where points are sparse).
  case data
}

/// A figure of the report, by the id its files carry.
public enum FigureID: String, Sendable, Equatable, Hashable, CaseIterable {
  case density
  case logLikelihood = "log-likelihood"
  case fit
  case components
  case selection
  case clusters
  case uncertainty
  case pairs
  /// The EM lower bound along one mean (1-D).
  case bound
  /// EM at work, epoch by epoch (small multiples).
  case steps
  /// Which cells are missing: the rows × columns pattern matrix, or for many rows the
  /// pattern counts as bars (with missing values).
  case missingness

  /// The figures drawn when an experiment lists none: today's set for the dimension, and
  /// with missing values the missingness figure after the first.
  public static func defaults(dimension d: Int, selects: Bool, missing: Bool = false) -> [FigureID] {
    let base: [FigureID] =
      switch d {
      case 1: [.density, .logLikelihood, .fit, .components]
      case 2: [.clusters, .density, .fit, .uncertainty, .logLikelihood]
      default: [.pairs, .logLikelihood]
      }
    let withMissing = missing && d > 1 ? [base[0], .missingness] + base.dropFirst() : base
    return withMissing + (selects ? [.selection] : [])
  }

  /// Every figure an experiment of dimension `d` can draw.
  public static func available(dimension d: Int, selects: Bool, missing: Bool = false) -> [FigureID] {
    defaults(dimension: d, selects: selects, missing: missing) + (d == 1 ? [.bound, .steps] : [.steps])
  }
}
