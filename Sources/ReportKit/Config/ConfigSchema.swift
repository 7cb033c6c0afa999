import CairoRendering
import MixtureModels

/// The experiment file's keys, described once: every object's keys with their JSON types,
/// enum values, bounds and required-ness. The decoder takes its known keys from here
/// (``NodeReader/rejectUnknownKeys(_:)``), and ``ConfigSchema/text`` turns the same tables
/// into the JSON Schema committed as `docs/experiment.schema.json` (a test keeps the two equal
/// and walks every key through the decoder, so the schema and the decoder cannot drift).
///
/// The schema is necessarily looser than the decoder where a rule joins several values (a
/// group's `|mean| + 9 sd`, `init` with as many entries as components, `labels` with one
/// name per column, `stepEpochs` up to `fit.epochs`): such rules stay in the decoder, with
/// their messages.
public enum ConfigSchema {
  /// The JSON Schema dialect: draft-07, the one editors and Python's `jsonschema` know best.
  public static let dialect = "http://json-schema.org/draft-07/schema#"
  /// The schema's identifier (a name, not a download address; README, "The schema").
  public static let id = "urn:generate-report:experiment-file:v1"

  // MARK: The model

  /// A value's rules: one JSON type with its constraints, or several alternatives.
  struct Value: Sendable {
    indirect enum Kind: Sendable {
      case string(StringRule)
      case number(NumberRule)
      case boolean
      case array(ArrayRule)
      case object(ObjectSchema)
      /// Any of these (JSON Schema's `anyOf`).
      case anyOf([Value])
    }
    var kind: Kind
    /// A short meaning, from the README's key table.
    var description: String? = nil
    /// The default when the key is left out (JSON Schema's `default`, for editors).
    var defaultValue: JSONOutput? = nil

    /// Every object schema this value may be (itself, or the alternatives of an `anyOf`).
    var objects: [ObjectSchema] {
      switch kind {
      case .object(let o): [o]
      case .anyOf(let values): values.flatMap(\.objects)
      default: []
      }
    }

    /// The JSON Schema types this value admits ("integer" for whole numbers).
    var types: Set<String> {
      switch kind {
      case .string: ["string"]
      case .number(let n): [n.integer ? "integer" : "number"]
      case .boolean: ["boolean"]
      case .array: ["array"]
      case .object: ["object"]
      case .anyOf(let values): values.reduce(into: []) { $0.formUnion($1.types) }
      }
    }
  }

  struct StringRule: Sendable {
    /// The only strings allowed, in the order messages and the schema list them.
    var allowed: [String]? = nil
    var minLength: Int? = nil
    var maxLength: Int? = nil
    /// At least one character that is not white space (the schema's pattern `\S`).
    var nonBlank = false
  }

  struct NumberRule: Sendable {
    /// A whole number (JSON Schema's "integer": 2.0 and 2e0 count, as they do for the decoder).
    var integer = false
    var minimum: Double? = nil
    var maximum: Double? = nil
    var exclusiveMinimum: Double? = nil
    var exclusiveMaximum: Double? = nil
  }

  struct ArrayRule: Sendable {
    var items: Value
    var minItems: Int? = nil
    var maxItems: Int? = nil
    /// Each item once.
    var unique = false
  }

  /// Where an object sits, for the hints about other tools' key names.
  enum Place: Sendable, Equatable {
    /// The top level, or an object outside every experiment (`figure`).
    case outside
    case experiment
    case fit
    case kde
    /// Any other object inside an experiment (`data`, a group, `init`, …).
    case inside
  }

  /// An object's keys: a table row per key.
  struct ObjectSchema: Sendable {
    /// A name for tests and for the decoder (`fit`, `csvData`, …); not in the schema.
    var id: String
    var title: String
    var description: String? = nil
    var place: Place
    var properties: [Property]
    /// Keys that may not be given together (JSON Schema's `not: {required: [...]}`).
    var conflicts: [[String]] = []

    /// The keys, in the table's order.
    var keys: [String] { properties.map(\.name) }

    /// The row for `key`.
    subscript(key: String) -> Property? { properties.first { $0.name == key } }
  }

  struct Property: Sendable {
    var name: String
    var required = false
    var value: Value

    init(_ name: String, required: Bool = false, _ value: Value) {
      self.name = name
      self.required = required
      self.value = value
    }
  }

  // MARK: Building blocks

  static func string(
    _ description: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, nonBlank: Bool = false, default value: JSONOutput? = nil
  ) -> Value {
    Value(kind: .string(StringRule(minLength: minLength, maxLength: maxLength, nonBlank: nonBlank)), description: description, defaultValue: value)
  }

  static func oneOf(_ allowed: [String], _ description: String? = nil, default value: String? = nil) -> Value {
    Value(kind: .string(StringRule(allowed: allowed)), description: description, defaultValue: value.map { .string($0) })
  }

  static func number(
    _ description: String? = nil, minimum: Double? = nil, maximum: Double? = nil, above: Double? = nil, below: Double? = nil,
    default value: Double? = nil
  ) -> Value {
    Value(
      kind: .number(NumberRule(minimum: minimum, maximum: maximum, exclusiveMinimum: above, exclusiveMaximum: below)), description: description,
      defaultValue: value.map { .number($0) })
  }

  static func integer(_ description: String? = nil, _ range: ClosedRange<Int>, default value: Int? = nil) -> Value {
    Value(
      kind: .number(NumberRule(integer: true, minimum: Double(range.lowerBound), maximum: Double(range.upperBound))), description: description,
      defaultValue: value.map { .int($0) })
  }

  static func array(
    _ items: Value, _ description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil, unique: Bool = false, default value: JSONOutput? = nil
  ) -> Value {
    Value(kind: .array(ArrayRule(items: items, minItems: minItems, maxItems: maxItems, unique: unique)), description: description, defaultValue: value)
  }

  static func object(_ schema: ObjectSchema, _ description: String? = nil, default value: JSONOutput? = nil) -> Value {
    Value(kind: .object(schema), description: description, defaultValue: value)
  }

  static func anyOf(_ values: [Value], _ description: String? = nil, default value: JSONOutput? = nil) -> Value {
    Value(kind: .anyOf(values), description: description, defaultValue: value)
  }

  static let numbers = array(number())

  // MARK: The tables

  /// The whole file.
  static let top = ObjectSchema(
    id: "top", title: "generate-report experiment file",
    description: "One report: its title, figure settings and the experiments to run (README, \"The experiment file\").",
    place: .outside,
    properties: [
      Property("$schema", string("The JSON Schema this file follows, for editors; generate-report ignores it.")),
      Property("title", string("The report's title.", default: .string(ReportConfig.defaultTitle))),
      Property(
        "formats",
        array(
          oneOf(ImageFormat.allCases.map(\.rawValue)), "Figure files to write.", minItems: 1,
          default: .array(ReportConfig.defaultFormats.map { .string($0.rawValue) }))),
      Property("figure", object(figure, "Figure size and resolution.")),
      Property(
        "theme",
        oneOf(
          FigureTheme.allCases.map(\.rawValue), "Light figures, dark ones under the plain names, or both (dark ones as name~dark.*).",
          default: FigureTheme.light.rawValue)),
      Property(
        "report",
        array(
          oneOf(ReportPage.allCases.map(\.rawValue)), "The pages to write: index.html, index.md (GitHub-flavoured Markdown), or both.",
          minItems: 1, unique: true, default: .array([.string("html")]))),
      Property("embed", Value(kind: .boolean, description: "One self-contained index.html: every figure and data file inlined as a data URI.", defaultValue: .bool(false))),
      Property("experiments", required: true, array(object(experiment), "The experiments, run in order.", minItems: 1)),
    ])

  static let figure = ObjectSchema(
    id: "figure", title: "Figure settings", place: .outside,
    properties: [
      Property("width", number("Figure width in inches (matplotlib's default); width × dpi at most 20000 pixels.", minimum: 1, maximum: 50, default: FigureSettings().width)),
      Property("height", number("Figure height in inches; height × dpi at most 20000 pixels.", minimum: 1, maximum: 50, default: FigureSettings().height)),
      Property("dpi", number("PNG resolution in dots per inch; PDF and SVG are vector.", minimum: 10, maximum: 1200, default: FigureSettings().dpi)),
      Property(
        "scales",
        array(integer(nil, 1...4), "PNG scales: 2 also writes name@2x.png (DocC's naming).", minItems: 1, maxItems: 3, unique: true, default: .array([.int(1)]))),
    ])

  static let experiment = ObjectSchema(
    id: "experiment", title: "Experiment", description: "One experiment: its data, the fit and the density estimate.", place: .experiment,
    properties: [
      Property("name", required: true, string("Names the experiment's files; unique (also ignoring case).", nonBlank: true)),
      Property("description", string("Shown under the experiment's heading.", default: .string(""))),
      Property("seed", integer("Seeds data generation and random starts.", 0...(1 << 53), default: 0)),
      Property(
        "rng",
        oneOf(
          DataGenerator.allCases.map(\.rawValue), "The generator of generated data: ours, or numpy's legacy RandomState bit for bit (1-D, seeds up to 2^32 − 1).",
          default: DataGenerator.xoshiro.rawValue)),
      Property("data", required: true, anyOf([object(generatedData), object(csvData)], "Generated groups, or columns of a CSV file.")),
      Property("fit", object(fit, "EM settings.")),
      Property("kde", object(kde, "Kernel density settings (seaborn's kdeplot, scipy's gaussian_kde).")),
      Property("writeSamples", Value(kind: .boolean, description: "Whether to write data/<name>-samples.csv; by default written up to 100000 points.")),
      Property(
        "figures",
        array(
          figureID, "The figures to draw, in this order; the defaults depend on the dimension. Opt-in: bound (1-D) and steps.", minItems: 1,
          unique: true)),
      Property("titles", object(titles, "Titles replacing the default ones, by figure id.")),
      Property("boundParameter", object(boundParameter, "Whose mean the bound figure varies (with \"bound\" in figures).", default: .object(["component": .int(1)]))),
      Property(
        "stepEpochs",
        array(
          integer(nil, 0...maximumEpochs), "The steps figure's epochs, increasing, 0 (the start) to fit.epochs (with \"steps\" in figures).", minItems: 1,
          maxItems: 12, unique: true)),
    ])

  static let figureID = oneOf(FigureID.allCases.map(\.rawValue))

  static let maximumEpochs = 1_000_000

  /// `transform`, `label` and `labels`: both kinds of data take them.
  static let dataCommon: [Property] = [
    Property(
      "transform",
      oneOf(DataTransform.allCases.map(\.rawValue), "Fit and draw the natural or base-10 logarithm of every value (all > 0); leave it out for none.")),
    Property("label", string("What the data measures (1-D): the figures' x label and titles.", maxLength: 60, nonBlank: true, default: .string("X"))),
    Property(
      "labels",
      array(
        string(nil, maxLength: 60, nonBlank: true), "In d ≥ 2 dimensions, one name per column for the axes and tables.", minItems: 2,
        maxItems: ReportConfig.maximumDimension)),
  ]

  static let generatedData = ObjectSchema(
    id: "generatedData", title: "Generated data", description: "Seeded draws from normal groups, concatenated in order.", place: .inside,
    properties: [
      Property(
        "generate", required: true,
        array(anyOf([object(group), object(groupVector)]), "The groups, all of one dimension.", minItems: 1)),
      Property("hide", object(hide, "Hide cells of the generated data (d ≥ 2), to fit them with EM with missing values.")),
    ] + dataCommon)

  static let hide = ObjectSchema(
    id: "hide", title: "Hidden cells", description: "Which cells of generated data to hide, and how.", place: .inside,
    properties: [
      Property("fraction", required: true, number("The share of the hidden columns' cells to hide, in [0, 1).", minimum: 0, below: 1)),
      Property(
        "columns",
        array(integer(nil, 0...(ReportConfig.maximumDimension - 1)), "The 0-based coordinates that may lose cells; all when left out.", minItems: 1, unique: true)),
      Property(
        "mechanism",
        oneOf(
          HideSpec.Mechanism.allCases.map(\.rawValue),
          "mcar: every cell alike; mar: more likely the larger the row's value of the first column never hidden.", default: HideSpec.Mechanism.mcar.rawValue)),
    ])

  static let group = ObjectSchema(
    id: "group", title: "A one-dimensional group", description: "count draws from N(mean, sd²); |mean| + 9 sd ≤ 1e150.", place: .inside,
    properties: [
      Property("mean", required: true, number("The group's mean.")),
      Property("sd", required: true, number("The group's standard deviation (> 0; at least 1e-150).", minimum: 1e-150)),
      Property("count", required: true, integer("The number of draws.", 1...100_000_000)),
    ])

  static let groupVector = ObjectSchema(
    id: "groupVector", title: "A d-dimensional group", description: "count draws from N(mean, covariance).", place: .inside,
    properties: [
      Property("mean", required: true, array(number(), "The mean vector (d numbers).", minItems: 1, maxItems: ReportConfig.maximumDimension)),
      Property("covariance", required: true, array(numbers, "A d × d symmetric positive definite matrix, by rows.", minItems: 1, maxItems: ReportConfig.maximumDimension)),
      Property("count", required: true, integer("The number of draws.", 1...100_000_000)),
    ])

  static let column = anyOf([string(nil, minLength: 1), integer(nil, 0...100_000)])

  static let csvData = ObjectSchema(
    id: "csvData", title: "CSV data", description: "Columns of a CSV file with a header row.", place: .inside,
    properties: [
      Property("csv", required: true, string("The CSV file, relative to the experiment file's folder.", minLength: 1)),
      Property("column", anyOf(column.alternatives, "The column to fit: a header name or a 0-based index.", default: .int(0))),
      Property(
        "columns",
        array(column, "Several columns to fit together (d dimensions), each once; not with column.", minItems: 1, maxItems: ReportConfig.maximumDimension, unique: true)),
      Property(
        "missing",
        oneOf(
          MissingValues.allCases.map(\.rawValue), "What an empty or NA cell does: stop with its place, drop the row, or (d ≥ 2) keep the row and fit its observed cells.", default: MissingValues.error.rawValue)),
      Property("delimiter", oneOf([",", ";", "\t", "auto"], "What separates the fields; auto sniffs it from the header line.", default: "auto")),
    ] + dataCommon,
    conflicts: [["column", "columns"]])

  static let fit = ObjectSchema(
    id: "fit", title: "EM settings", place: .fit,
    properties: [
      Property(
        "components",
        anyOf(
          [integer(nil, 1...100), object(componentRange)],
          "K, or a range of K to choose from by criterion; default the number of groups (generated data), else 2.")),
      Property(
        "init",
        anyOf(
          [oneOf(["kmeans++", "random", "quantiles", "groups"]), object(explicitStart), object(explicitStartVector)],
          "EM's start: a method, or explicit parameters (one K and one covariance type).")),
      Property("restarts", integer("EM runs per K, each from its own seeded start (with kmeans++ or random).", 1...1000, default: 1)),
      Property(
        "criterion",
        oneOf(InformationCriterion.allCases.map(\.rawValue), "Chooses K from a range (lower is better).", default: InformationCriterion.bic.rawValue)),
      Property(
        "covariance",
        anyOf(
          [oneOf(CovarianceType.allCases.map(\.rawValue) + ["all"]), array(oneOf(CovarianceType.allCases.map(\.rawValue)), minItems: 1)],
          "scikit-learn's covariance_type; with several, the criterion chooses the pair (K, type).",
          default: .string(CovarianceType.full.rawValue))),
      Property("epochs", integer("The largest number of epochs (scikit-learn's max_iter).", 1...maximumEpochs, default: FitConfig.defaultEpochs)),
      Property(
        "tolerance",
        number("Stop when the mean per-point log-likelihood changes by less (scikit-learn's tol); 0 runs every epoch.", minimum: 0, default: FitConfig.defaultTolerance)),
      Property(
        "regularization",
        number("Added to every variance in each M-step (scikit-learn's reg_covar).", minimum: 0, default: FitConfig.defaultRegularization)),
      Property(
        "workLimit",
        number("The most work the fit may do (10^11 is about a minute on 2 cores).", minimum: 1, maximum: 1e15, default: FitConfig.defaultWorkLimit)),
    ])

  static let componentRange = ObjectSchema(
    id: "componentRange", title: "A range of K", place: .inside,
    properties: [
      Property("from", required: true, integer("The smallest K to try.", 1...100)),
      Property("to", required: true, integer("The largest K to try (≥ from).", 1...100)),
    ])

  static let weights = array(number(nil, minimum: 0, maximum: 1), "One weight per component, summing to 1.", minItems: 1)

  static let explicitStart = ObjectSchema(
    id: "explicitStart", title: "A one-dimensional start", place: .inside,
    properties: [
      Property("weights", required: true, weights),
      Property("means", required: true, array(number(), "One mean per component.", minItems: 1)),
      Property("sds", required: true, array(number(nil, above: 0), "One standard deviation per component.", minItems: 1)),
    ])

  static let explicitStartVector = ObjectSchema(
    id: "explicitStartVector", title: "A d-dimensional start", place: .inside,
    properties: [
      Property("weights", required: true, weights),
      Property("means", required: true, array(numbers, "One mean vector (d numbers) per component.", minItems: 1)),
      Property(
        "covariances", required: true,
        anyOf(
          [array(number()), array(numbers), array(array(numbers))],
          "scikit-learn's covariances_ for the type: full K × d × d, tied d × d, diag K × d, spherical K.")),
    ])

  static let kde = ObjectSchema(
    id: "kde", title: "Kernel density settings", place: .kde,
    properties: [
      Property(
        "bandwidth",
        anyOf(
          [oneOf(["scott", "silverman"]), number(nil, above: 0)], "scipy's rule, or the absolute bandwidth h (in d dimensions, the factor).",
          default: .string("scott"))),
      Property("adjust", number("Multiplies the bandwidth (seaborn's bw_adjust).", above: 0, default: KDEConfig().adjust)),
      Property("gridSize", integer("Points of the density figure's grid (1-D).", 2...100_000, default: KDEConfig().gridSize)),
      Property("cut", number("The grid spans the data ± cut bandwidths (seaborn's cut).", minimum: 0, maximum: 100, default: KDEConfig().cut)),
      Property(
        "method",
        oneOf(KDEMethod.allCases.map(\.rawValue), "Exact evaluation, binning, or the choice by size.", default: KDEConfig().method.rawValue)),
      Property(
        "fitCurve",
        oneOf(FitCurve.allCases.map(\.rawValue), "Where the 1-D fit figure draws its curves: on the grid, or at the sorted data points.", default: KDEConfig().fitCurve.rawValue)),
    ])

  static let titles = ObjectSchema(
    id: "titles", title: "Figure titles", place: .inside,
    properties: FigureID.allCases.map { Property($0.rawValue, string("The \($0.rawValue) figure's title.", maxLength: 200, nonBlank: true)) })

  static let boundParameter = ObjectSchema(
    id: "boundParameter", title: "The bound figure's parameter", place: .inside,
    properties: [Property("component", required: true, integer("The 1-based component whose mean varies, at most the smallest K fitted.", 1...100))])

  /// Every object of the file, each once, in the order the schema first shows it.
  static var objects: [ObjectSchema] {
    var seen: Set<String> = []
    var out: [ObjectSchema] = []
    func visit(_ value: Value) {
      switch value.kind {
      case .object(let o): visit(o)
      case .anyOf(let values): values.forEach(visit)
      case .array(let a): visit(a.items)
      default: break
      }
    }
    func visit(_ object: ObjectSchema) {
      guard seen.insert(object.id).inserted else { return }
      out.append(object)
      object.properties.forEach { visit($0.value) }
    }
    visit(top)
    return out
  }

  // MARK: Keys other tools use

  /// A key name that scikit-learn, mclust or seaborn users type, and ours.
  struct ForeignKey: Sendable {
    var name: String
    var tool: String
    /// Our key.
    var ours: String
    /// The object our key belongs to.
    var place: Place
  }

  static let foreignKeys: [ForeignKey] = [
    ForeignKey(name: "n_init", tool: "scikit-learn", ours: "restarts", place: .fit),
    ForeignKey(name: "max_iter", tool: "scikit-learn", ours: "epochs", place: .fit),
    ForeignKey(name: "tol", tool: "scikit-learn", ours: "tolerance", place: .fit),
    ForeignKey(name: "reg_covar", tool: "scikit-learn", ours: "regularization", place: .fit),
    ForeignKey(name: "n_components", tool: "scikit-learn", ours: "components", place: .fit),
    ForeignKey(name: "covariance_type", tool: "scikit-learn", ours: "covariance", place: .fit),
    ForeignKey(name: "init_params", tool: "scikit-learn", ours: "init", place: .fit),
    ForeignKey(name: "random_state", tool: "scikit-learn", ours: "seed", place: .experiment),
    ForeignKey(name: "G", tool: "mclust", ours: "components", place: .fit),
    ForeignKey(name: "modelNames", tool: "mclust", ours: "covariance", place: .fit),
    ForeignKey(name: "bw_method", tool: "seaborn", ours: "bandwidth", place: .kde),
    ForeignKey(name: "bw_adjust", tool: "seaborn", ours: "adjust", place: .kde),
  ]

  /// `scikit-learn's max_iter is "epochs" in "fit"` for a key another tool uses, typed in
  /// an object at `place`; nil for any other key.
  static func foreignHint(_ key: String, at place: Place) -> String? {
    guard let foreign = foreignKeys.first(where: { $0.name == key }) else { return nil }
    let object: String? =
      switch foreign.place {
      case .fit: "fit"
      case .kde: "kde"
      default: nil
      }
    let location: String
    switch (place, object) {
    case _ where place == foreign.place: location = "here"
    case (.experiment, let object?): location = "in \"\(object)\""
    case (.outside, let object?): location = "in each experiment's \"\(object)\""
    case (_, let object?): location = "in the experiment's \"\(object)\""
    case (.outside, nil): location = "in each experiment"
    case (_, nil): location = "in the experiment"
    }
    return "\(foreign.tool)'s \(key) is \"\(foreign.ours)\" \(location)"
  }
}

extension ConfigSchema.Value {
  /// The alternatives of an `anyOf`, or the value itself.
  var alternatives: [ConfigSchema.Value] {
    if case .anyOf(let values) = kind { values } else { [self] }
  }
}
