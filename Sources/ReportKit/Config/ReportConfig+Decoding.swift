import CairoRendering
import MixtureModels

extension ReportConfig {
  /// Parses and validates an experiment file: JSON, or YAML when the file name ends in
  /// `.yaml` or `.yml` (``YAMLReader``; the same tree, so the same messages).
  /// - Parameters:
  ///   - text: The file's contents.
  ///   - file: The file's path as the user gave it: named in messages, and its folder
  ///     anchors relative data paths.
  /// - Throws: ``InputError`` with the file, line:column and key path of the first problem.
  public static func decode(_ text: String, file: String) throws(InputError) -> ReportConfig {
    let root: JSONNode
    do {
      root = try isYAML(file) ? YAMLReader.parse(text) : JSONParser.parse(text)
    } catch {
      throw InputError(file: file, position: error.position, message: error.message)
    }
    return try decode(root, file: file)
  }

  /// Whether `file` names a YAML experiment file (`.yaml` or `.yml`, in any case).
  public static func isYAML(_ file: String) -> Bool {
    let name = file.lowercased()
    return name.hasSuffix(".yaml") || name.hasSuffix(".yml")
  }

  /// Validates a parsed experiment file.
  static func decode(_ root: JSONNode, file: String) throws(InputError) -> ReportConfig {
    let top = try NodeReader(root, path: "", file: file, expected: "an object with \"experiments\"")
    try top.rejectUnknownKeys(ConfigSchema.top)
    // `$schema` is for editors: any string, ignored.
    if let v = top.value("$schema") {
      guard case .string = v.kind else {
        throw top.error("$schema", v, "must be a string (the path or URL of the JSON Schema, for editors), got \(NodeReader.describe(v))")
      }
    }

    var config = ReportConfig(title: defaultTitle, formats: defaultFormats, figure: FigureSettings(), experiments: [])
    if let title = try top.string("title") { config.title = title }
    if let formats = top.value("formats") { config.formats = try decodeFormats(formats, file: file) }
    if let figure = top.value("figure") { config.figure = try decodeFigure(figure, file: file) }
    if let theme = top.value("theme") { config.theme = try decodeTheme(theme, file: file) }
    if let node = top.value("report") {
      let names = ReportPage.allCases.map(\.rawValue)
      guard case .array(let items) = node.kind, !items.isEmpty else {
        throw top.error("report", node, "must be a non-empty array of \"html\" and \"markdown\", got \(NodeReader.describe(node))")
      }
      var pages: [ReportPage] = []
      for (i, item) in items.enumerated() {
        guard case .string(let s) = item.kind, let page = ReportPage(rawValue: s) else {
          throw InputError(
            file: file, position: item.position,
            message: "report[\(i)] must be \"html\" or \"markdown\", got \(NodeReader.describe(item))\(NodeReader.suggestion(item, among: names))")
        }
        guard !pages.contains(page) else {
          throw InputError(file: file, position: item.position, message: "report[\(i)] \"\(s)\" is listed twice; list each page once")
        }
        pages.append(page)
      }
      config.pages = pages
    }
    if let node = top.value("embed") {
      guard case .bool(let embed) = node.kind else {
        throw top.error("embed", node, "must be true (one self-contained index.html) or false, got \(NodeReader.describe(node))")
      }
      config.embed = embed
    }

    let experiments = try top.required("experiments", hint: "add \"experiments\": [{\"name\": …, \"data\": …}]")
    guard case .array(let items) = experiments.kind, !items.isEmpty else {
      throw top.error("experiments", experiments, "must be a non-empty array of experiments, got \(NodeReader.describe(experiments))")
    }
    let baseFolder = folder(of: file)
    var fileNames: [String: Int] = [:]
    for (index, item) in items.enumerated() {
      let experiment = try decodeExperiment(item, path: "experiments[\(index)]", file: file, baseFolder: baseFolder)
      // File names that differ only in case are one file on macOS's and Windows' disks.
      let safe = safeFileName(experiment.name)
      let key = safe.lowercased()
      if let other = fileNames[key] {
        let otherName = config.experiments[other].name
        let message =
          otherName == experiment.name
          ? "experiments[\(index)].name \(Echo.quoted(experiment.name)) is already used by experiments[\(other)]; names must be unique"
          : safeFileName(otherName) == safe
            ? "experiments[\(index)].name \(Echo.quoted(experiment.name)) gives the same file name \(Echo.quoted(safe)) as experiments[\(other)]; rename one"
            : "experiments[\(index)].name \(Echo.quoted(experiment.name)) gives the file name \(Echo.quoted(safe)), which differs from experiments[\(other)]'s \(Echo.quoted(safeFileName(otherName))) only in case (one file on case-insensitive disks); rename one"
        throw InputError(file: file, position: item.position, message: message)
      }
      fileNames[key] = index
      config.experiments.append(experiment)
    }
    return config
  }

  static func decodeFormats(_ node: JSONNode, file: String) throws(InputError) -> [ImageFormat] {
    let allowed = "one of \"png\", \"pdf\", \"svg\""
    guard case .array(let items) = node.kind, !items.isEmpty else {
      throw InputError(file: file, position: node.position, message: "formats must be a non-empty array of \(allowed), got \(NodeReader.describe(node))")
    }
    var formats: [ImageFormat] = []
    for (i, item) in items.enumerated() {
      guard case .string(let s) = item.kind, let format = ImageFormat(rawValue: s) else {
        throw InputError(
          file: file, position: item.position,
          message: "formats[\(i)] must be \(allowed), got \(NodeReader.describe(item))\(NodeReader.suggestion(item, among: ImageFormat.allCases.map(\.rawValue)))")
      }
      if !formats.contains(format) { formats.append(format) }
    }
    return formats
  }

  static func decodeTheme(_ node: JSONNode, file: String) throws(InputError) -> FigureTheme {
    let names = FigureTheme.allCases.map(\.rawValue)
    guard case .string(let s) = node.kind, let theme = FigureTheme(rawValue: s) else {
      throw InputError(
        file: file, position: node.position,
        message: "theme must be one of \(names.map { "\"\($0)\"" }.joined(separator: ", ")), got \(NodeReader.describe(node))\(NodeReader.suggestion(node, among: names))")
    }
    return theme
  }

  /// `figure.scales`: 1 to 3 distinct whole numbers from 1 to 4, returned increasing.
  static func decodeScales(_ node: JSONNode, path: String, file: String) throws(InputError) -> [Int] {
    let range = FigureSettings.scaleRange, most = FigureSettings.maximumScaleCount
    let what = "a whole number from \(range.lowerBound) to \(range.upperBound)"
    guard case .array(let items) = node.kind, !items.isEmpty else {
      throw InputError(
        file: file, position: node.position,
        message: "\(path) must be a non-empty array of whole numbers from \(range.lowerBound) to \(range.upperBound) (e.g. [1, 2] writes name.png and name@2x.png), got \(NodeReader.describe(node))")
    }
    guard items.count <= most else {
      throw InputError(
        file: file, position: node.position, message: "\(path) lists \(items.count) scales; list at most \(most) (e.g. [1, 2])")
    }
    var scales: [Int] = []
    for (i, item) in items.enumerated() {
      let scale = try NodeReader.integer(item, path: "\(path)[\(i)]", file: file, in: range, what: what)
      if let first = scales.firstIndex(of: scale) {
        throw InputError(
          file: file, position: item.position, message: "\(path)[\(i)] is \(scale), as \(path)[\(first)] is; list each scale once")
      }
      scales.append(scale)
    }
    return scales.sorted()
  }

  static func decodeFigure(_ node: JSONNode, file: String) throws(InputError) -> FigureSettings {
    let r = try NodeReader(node, path: "figure", file: file)
    try r.rejectUnknownKeys(ConfigSchema.figure)
    var settings = FigureSettings()
    for (key, limit) in [("width", 50.0), ("height", 50.0)] {
      guard let v = r.value(key) else { continue }
      let d = try NodeReader.number(v, path: r.path(key), file: file)
      // Below an inch no axis, tick labels and title fit.
      guard d >= 1, d <= limit else { throw r.error(key, v, "must be from 1 to \(Int(limit)) (inches), got \(NodeReader.describe(v))") }
      if key == "width" { settings.width = d } else { settings.height = d }
    }
    if let v = r.value("dpi") {
      let d = try NodeReader.number(v, path: r.path("dpi"), file: file)
      guard d >= 10, d <= 1200 else { throw r.error("dpi", v, "must be between 10 and 1200, got \(NodeReader.describe(v))") }
      settings.dpi = d
    }
    if let v = r.value("scales") { settings.scales = try decodeScales(v, path: r.path("scales"), file: file) }
    // All are checked above (width, height ≤ 50; dpi ≤ 1200; scales ≤ 4), so the products are small.
    let scale = Double(settings.scales.last ?? 1)
    let pixels = (width: (settings.width * settings.dpi * scale).rounded(), height: (settings.height * settings.dpi * scale).rounded())
    if max(pixels.width, pixels.height) > 20_000 {
      let message =
        scale == 1
        ? "figure is \(Int(pixels.width)) × \(Int(pixels.height)) pixels; keep width and height × dpi at most 20000"
        : "figure is \(Int(pixels.width)) × \(Int(pixels.height)) pixels at scale \(Int(scale)) (figure.scales); keep width and height × dpi × the largest scale at most 20000"
      throw InputError(file: file, position: node.position, message: message)
    }
    return settings
  }

  static func decodeExperiment(_ node: JSONNode, path: String, file: String, baseFolder: String) throws(InputError) -> ExperimentConfig {
    let r = try NodeReader(node, path: path, file: file)
    try r.rejectUnknownKeys(ConfigSchema.experiment)
    let nameNode = try r.required("name", hint: "add \"name\": \"…\" (it names the experiment's files)")
    guard case .string(let name) = nameNode.kind, !name.allSatisfy(\.isWhitespace) else {
      throw r.error("name", nameNode, "must be a non-empty string, got \(NodeReader.describe(nameNode))")
    }
    let description = try r.string("description") ?? ""
    let seed = try r.integer("seed", in: 0...(1 << 53), what: "a whole number from 0 to 2^53") ?? 0
    let dataNode = try r.required("data", hint: "add \"data\": {\"generate\": [{\"mean\": 0, \"sd\": 1, \"count\": 100}]} or {\"csv\": \"file.csv\", \"column\": \"x\"}")
    let data = try decodeData(dataNode, path: r.path("data"), file: file, baseFolder: baseFolder)
    let (delimiter, transform) = try decodeDataOptions(dataNode, path: r.path("data"), file: file)
    let fit = try decodeFit(r.value("fit"), path: r.path("fit"), file: file, data: data)
    if let groups = data.groups, let problem = fit.workProblem(n: groups.reduce(0) { $0 + $1.count }, path: r.path("fit")) {
      throw InputError(file: file, position: (r.value("fit") ?? node).position, message: problem)
    }
    var kde = KDEConfig()
    if let k = r.value("kde") {
      kde = try decodeKDE(k, path: r.path("kde"), file: file)
      if data.dimension > 1, let kr = try? NodeReader(k, path: r.path("kde"), file: file), let curve = kr.value("fitCurve") {
        throw kr.error("fitCurve", curve, "chooses where the one-dimensional fit figure draws its curves; with \(data.dimension) columns the fit figure draws contours on the grid: remove it")
      }
    }
    var experiment = ExperimentConfig(name: name, description: description, seed: UInt64(seed), data: data, fit: fit, kde: kde)
    experiment.delimiter = delimiter
    experiment.transform = transform
    experiment.hide = try decodeHide(dataNode, path: r.path("data"), file: file, dimension: data.dimension)
    if let rngNode = r.value("rng") {
      let names = DataGenerator.allCases.map(\.rawValue)
      guard case .string(let name) = rngNode.kind, let generator = DataGenerator(rawValue: name) else {
        throw r.error("rng", rngNode, "must be \"xoshiro\" or \"numpy\", got \(NodeReader.describe(rngNode))\(NodeReader.suggestion(rngNode, among: names))")
      }
      if generator == .numpy {
        guard let groups = data.groups else {
          throw r.error("rng", rngNode, "chooses the generator of generated data; this experiment reads a CSV file: remove \"rng\"")
        }
        guard groups.allSatisfy({ $0.dimension == 1 }) else {
          throw r.error(
            "rng", rngNode,
            "\"numpy\" reproduces np.random.normal in one dimension only; numpy draws d-dimensional groups through multivariate_normal's SVD, which is not matched bit for bit yet: use \"xoshiro\"")
        }
        guard seed <= Int(UInt32.max) else {
          throw r.error("seed", r.value("seed") ?? rngNode, "is \(seed), but np.random.seed takes 0 to 4294967295; use a seed in that range with \"rng\": \"numpy\"")
        }
      }
      experiment.rng = generator
    }
    if let node = r.value("writeSamples") {
      guard case .bool(let write) = node.kind else {
        throw r.error("writeSamples", node, "must be true or false, got \(NodeReader.describe(node)) (leave it out to write the per-sample CSV up to \(ExperimentConfig.samplesLimit) points)")
      }
      experiment.writeSamples = write
    }
    let dataReader = try NodeReader(dataNode, path: r.path("data"), file: file)
    let d = data.dimension
    if d > 1 {
      if let labelNode = dataReader.value("label") {
        throw dataReader.error("label", labelNode, "names one axis; with \(d) columns give \"labels\": [\(d) names]")
      }
      if case .csv(_, _, let columns, _, _) = data {
        // A column given by index is named by its header once the file is read ("").
        experiment.labels = columns.map { if case .name(let n) = $0 { n } else { "" } }
      } else {
        experiment.labels = (1...d).map { "x\($0)" }
      }
      if let labelsNode = dataReader.value("labels") {
        guard case .array(let items) = labelsNode.kind, items.count == d else {
          throw dataReader.error("labels", labelsNode, "must be an array of \(d) short names (one per column), got \(NodeReader.describe(labelsNode))")
        }
        for (j, item) in items.enumerated() {
          guard case .string(let label) = item.kind, !label.allSatisfy(\.isWhitespace), label.count <= 60 else {
            throw InputError(
              file: file, position: item.position,
              message: "\(dataReader.path("labels[\(j)]")) must be a short non-empty string (at most 60 characters), got \(NodeReader.describe(item))")
          }
          experiment.labels[j] = label
        }
      }
    } else if let labelsNode = dataReader.value("labels") {
      throw dataReader.error("labels", labelsNode, "names the axes of several columns; with one, use \"label\"")
    }
    if let labelNode = dataReader.value("label") {
      guard case .string(let label) = labelNode.kind, !label.allSatisfy(\.isWhitespace), label.count <= 60 else {
        throw dataReader.error("label", labelNode, "must be a short non-empty string (at most 60 characters), got \(NodeReader.describe(labelNode))")
      }
      experiment.label = label
    }
    try decodeFigureChoice(r, into: &experiment)
    return experiment
  }

  /// `figures`, `titles`, `boundParameter` and `stepEpochs`.
  static func decodeFigureChoice(_ r: NodeReader, into experiment: inout ExperimentConfig) throws(InputError) {
    let d = experiment.dimension
    let selects = experiment.fit.selects
    let available = FigureID.available(dimension: d, selects: selects, missing: experiment.modelsMissing)
    let names = available.map(\.rawValue)
    let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
    /// The figure an id names, or an error saying which ids this experiment has.
    func figure(_ item: JSONNode, _ path: String, _ name: String?) throws(InputError) -> FigureID {
      guard let name, let id = FigureID(rawValue: name) else {
        throw InputError(
          file: r.file, position: item.position,
          message: "\(path) must be a figure id, one of \(list), got \(NodeReader.describe(item))\(NodeReader.suggestion(item, among: names))")
      }
      guard available.contains(id) else {
        let why =
          id == .selection
          ? "needs a choice to show: give fit.components a range {\"from\", \"to\"} or several fit.covariance types"
          : id == .bound ? "varies one mean of a one-dimensional mixture; this experiment has \(d) dimensions"
          : id == .missingness && d > 1
            ? "shows which cells are missing; this experiment models none: set data.missing to \"model\" (CSV) or data.hide (generated data)"
          : "is not drawn for \(d == 1 ? "one-dimensional" : "\(d)-dimensional") data"
        throw InputError(file: r.file, position: item.position, message: "\(path) \"\(name)\" \(why); this experiment's figures: \(list)")
      }
      return id
    }
    if let node = r.value("figures") {
      guard case .array(let items) = node.kind, !items.isEmpty else {
        throw r.error("figures", node, "must be a non-empty array of figure ids (\(list)), got \(NodeReader.describe(node))")
      }
      var ids: [FigureID] = []
      for (i, item) in items.enumerated() {
        let path = r.path("figures[\(i)]")
        let name: String? = if case .string(let s) = item.kind { s } else { nil }
        let id = try figure(item, path, name)
        guard !ids.contains(id) else {
          throw InputError(file: r.file, position: item.position, message: "\(path) \"\(id.rawValue)\" is listed twice; list each figure once")
        }
        ids.append(id)
      }
      experiment.figures = ids
    }
    let drawn = experiment.figureIDs
    /// How to draw `id` too: without a "figures" key, the whole list to write (the defaults and `id`).
    func addAdvice(_ id: FigureID) -> String {
      experiment.figures == nil
        ? "add \"figures\": [\((drawn + [id]).map { "\"\($0.rawValue)\"" }.joined(separator: ", "))] (the default figures and \"\(id.rawValue)\")"
        : "add \"\(id.rawValue)\" to \"figures\""
    }
    if let node = r.value("titles") {
      let t = try NodeReader(node, path: r.path("titles"), file: r.file, expected: "an object of figure id → title, e.g. {\"fit\": \"…\"}")
      for member in t.members {
        let path = t.path(member.key)
        let id = try figure(.init(kind: .string(member.key), position: member.keyPosition), path, member.key)
        guard drawn.contains(id) else {
          throw InputError(
            file: r.file, position: member.keyPosition,
            message: "\(path) titles a figure this experiment does not draw; \(addAdvice(id)) or remove the title")
        }
        guard case .string(let title) = member.value.kind, !title.allSatisfy(\.isWhitespace), title.count <= 200 else {
          throw InputError(
            file: r.file, position: member.value.position,
            message: "\(path) must be a non-empty title of at most 200 characters, got \(NodeReader.describe(member.value))")
        }
        experiment.titles[id] = title
      }
    }
    if let node = r.value("boundParameter") {
      let b = try NodeReader(node, path: r.path("boundParameter"), file: r.file, expected: "an object {\"component\": k}")
      try b.rejectUnknownKeys(ConfigSchema.boundParameter)
      guard drawn.contains(.bound) else {
        throw r.error("boundParameter", node, "sets up the \"bound\" figure, which this experiment does not draw; \(addAdvice(.bound))")
      }
      let smallest = experiment.fit.components.lowerBound
      let kNode = try b.required("component", hint: "add \"component\": k, the 1-based component whose mean the figure varies")
      let k = try NodeReader.integer(
        kNode, path: b.path("component"), file: r.file, in: 1...smallest,
        what: smallest == 1 ? "1 (the fit has one component)" : "a component from 1 to \(smallest) (the smallest K fitted)")
      experiment.boundComponent = k - 1
    }
    if let node = r.value("stepEpochs") {
      guard drawn.contains(.steps) else {
        throw r.error("stepEpochs", node, "chooses the \"steps\" figure's epochs, but this experiment does not draw it; \(addAdvice(.steps))")
      }
      guard case .array(let items) = node.kind, (1...12).contains(items.count) else {
        throw r.error("stepEpochs", node, "must be an array of 1 to 12 increasing epochs (0 is the start), got \(NodeReader.describe(node))")
      }
      var epochs: [Int] = []
      for (i, item) in items.enumerated() {
        let path = r.path("stepEpochs[\(i)]")
        let e = try NodeReader.integer(item, path: path, file: r.file, in: 0...experiment.fit.epochs, what: "an epoch from 0 to fit.epochs (\(experiment.fit.epochs))")
        if let last = epochs.last, e <= last {
          throw InputError(file: r.file, position: item.position, message: "\(path) is \(e), not after \(last); list the epochs in increasing order, each once")
        }
        epochs.append(e)
      }
      experiment.stepEpochs = epochs
    }
  }

  static func decodeData(_ node: JSONNode, path: String, file: String, baseFolder: String) throws(InputError) -> DataSource {
    let r = try NodeReader(node, path: path, file: file, expected: "an object with \"generate\" or \"csv\"")
    try r.rejectUnknownKeys(ConfigSchema.generatedData, ConfigSchema.csvData)
    switch (r.value("generate"), r.value("csv")) {
    case (.some, .some):
      throw InputError(file: file, position: node.position, message: "\(path) has both \"generate\" and \"csv\"; keep one")
    case (.none, .none):
      throw InputError(file: file, position: node.position, message: "\(path) needs \"generate\": [groups] or \"csv\": \"file.csv\"")
    case (.some(let generate), .none):
      for key in ["column", "columns", "missing", "delimiter"] {
        if let v = r.value(key) {
          throw r.error(key, v, key == "missing" ? "only goes with \"csv\" (generated data has no missing cells; to hide some, add \"hide\": {\"fraction\": 0.2})" : "only goes with \"csv\"; remove it")
        }
      }
      guard case .array(let items) = generate.kind, !items.isEmpty else {
        throw r.error("generate", generate, "must be a non-empty array of {\"mean\", \"sd\", \"count\"}, got \(NodeReader.describe(generate))")
      }
      var groups: [GroupSpec] = []
      for (i, item) in items.enumerated() {
        let g = try NodeReader(item, path: r.path("generate[\(i)]"), file: file)
        let group = try decodeGroup(g, item: item, file: file)
        if let first = groups.first, first.dimension != group.dimension {
          throw InputError(
            file: file, position: item.position,
            message: "\(g.path) has \(group.dimension) coordinate\(group.dimension == 1 ? "" : "s") but generate[0] has \(first.dimension); every group of an experiment needs the same dimension")
        }
        groups.append(group)
      }
      let total = groups.reduce(0, { $0 + $1.count })
      if total < 2 {
        throw r.error("generate", generate, "must produce at least 2 points in all")
      }
      if let d = groups.first?.dimension, d > 1, total <= d {
        throw r.error("generate", generate, "makes \(total) points in \(d) dimensions; a fit and its density need at least \(d + 1): raise the counts")
      }
      // 8 bytes a point, and the fit's own copies: 10⁸ points is about 2 GB of memory.
      if total > 100_000_000 {
        throw r.error("generate", generate, "makes \(total) points in all; at most 100000000 (about 2 GB of memory): lower the counts")
      }
      return .generate(groups)
    case (.none, .some(let csvNode)):
      guard case .string(let csvPath) = csvNode.kind, !csvPath.isEmpty else {
        throw r.error("csv", csvNode, "must be a path to a CSV file, relative to the config file's folder, got \(NodeReader.describe(csvNode))")
      }
      var columns = [ColumnReference.index(0)]
      switch (r.value("column"), r.value("columns")) {
      case (.some, .some(let both)):
        throw r.error("columns", both, "and \"column\" are both given; keep \"column\" for one column or \"columns\" for several")
      case (.some(let c), .none):
        columns = [try decodeColumn(c, path: r.path("column"), file: file)]
      case (.none, .some(let c)):
        guard case .array(let items) = c.kind, !items.isEmpty, items.count <= maximumDimension else {
          throw r.error("columns", c, "must be an array of 1 to \(maximumDimension) header names or 0-based column indices, got \(NodeReader.describe(c))")
        }
        columns = []
        for (i, item) in items.enumerated() {
          let column = try decodeColumn(item, path: r.path("columns[\(i)]"), file: file)
          if let j = columns.firstIndex(of: column) {
            throw InputError(file: file, position: item.position, message: "\(r.path("columns[\(i)]")) repeats columns[\(j)] \(column); name each column once")
          }
          columns.append(column)
        }
      case (.none, .none): break
      }
      let columnsGiven = r.value("column") != nil || r.value("columns") != nil
      var missing = MissingValues.error
      if let m = r.value("missing") {
        guard case .string(let s) = m.kind, let policy = MissingValues(rawValue: s) else {
          throw r.error(
            "missing", m,
            "must be \"error\" (stop at an NA, NaN or empty cell), \"drop\" (skip those rows) or \"model\" (fit the observed cells of every row, two or more columns), got \(NodeReader.describe(m))\(NodeReader.suggestion(m, among: MissingValues.allCases.map(\.rawValue)))")
        }
        missing = policy
        if policy == .model && columns.count == 1 {
          throw r.error(
            "missing", m,
            columnsGiven
              ? "\"model\" fits the observed coordinates of rows that miss some, which needs two or more columns: a one-dimensional row with a missing value carries nothing, so \"drop\" is the same; write \"drop\""
              : "\"model\" fits the observed coordinates of rows that miss some, which needs two or more columns, and without \"column\" or \"columns\" only the first column is read: list the columns to fit in \"columns\"")
        }
      }
      if let h = r.value("hide") {
        throw r.error("hide", h, "only goes with \"generate\": a CSV file's missing cells are its own; to fit rows that miss some, set \"missing\": \"model\"")
      }
      let resolved = csvPath.hasPrefix("/") || baseFolder.isEmpty ? csvPath : "\(baseFolder)/\(csvPath)"
      return .csv(path: csvPath, resolvedPath: resolved, columns: columns, missing: missing, position: csvNode.position)
    }
  }

  /// `data.delimiter` (`","`, `";"`, `"\t"` or `"auto"`, the default) and `data.transform`
  /// (`"log"` or `"log10"`; absent: none) of the data object `node`, which ``decodeData``
  /// has checked.
  static func decodeDataOptions(_ node: JSONNode, path: String, file: String) throws(InputError) -> (CSVDelimiter, DataTransform?) {
    let r = try NodeReader(node, path: path, file: file)
    var delimiter = CSVDelimiter.auto
    if let v = r.value("delimiter") {
      let spellings: [String: CSVDelimiter] = [",": .comma, ";": .semicolon, "\t": .tab, "auto": .auto]
      guard case .string(let text) = v.kind, let chosen = spellings[text] else {
        var hint = ""
        if case .string(let text) = v.kind {
          switch text.lowercased() {
          case "tab", "\\t": hint = "; for tabs write \"\\t\" (a JSON string holding a tab)"
          case "comma": hint = "; write \",\""
          case "semicolon": hint = "; write \";\""
          default: hint = NodeReader.suggestion(v, among: ["auto"])
          }
        }
        throw r.error("delimiter", v, "must be \",\", \";\", \"\\t\" (a tab) or \"auto\", got \(NodeReader.describe(v))\(hint)")
      }
      delimiter = chosen
    }
    var transform: DataTransform? = nil
    if let v = r.value("transform") {
      let names = DataTransform.allCases.map(\.rawValue)
      guard case .string(let name) = v.kind, let chosen = DataTransform(rawValue: name) else {
        let hint = if case .string("ln") = v.kind { "; \"log\" is the natural logarithm" } else { NodeReader.suggestion(v, among: names) }
        throw r.error("transform", v, "must be \"log\" or \"log10\" (leave it out to fit the values as they are), got \(NodeReader.describe(v))\(hint)")
      }
      transform = chosen
    }
    return (delimiter, transform)
  }

  /// `data.hide` of generated data (``decodeData`` has refused it for CSV data).
  static func decodeHide(_ node: JSONNode, path: String, file: String, dimension d: Int) throws(InputError) -> HideSpec? {
    let data = try NodeReader(node, path: path, file: file)
    guard let h = data.value("hide") else { return nil }
    guard d >= 2 else {
      throw data.error(
        "hide", h, "hides cells for EM with missing values, which needs two or more coordinates: a one-dimensional row with a hidden value carries nothing; remove it")
    }
    let r = try NodeReader(h, path: data.path("hide"), file: file, expected: "an object such as {\"fraction\": 0.2, \"mechanism\": \"mcar\"}")
    try r.rejectUnknownKeys(ConfigSchema.hide)
    let f = try r.required("fraction", hint: "add \"fraction\": 0.2 (the share of cells to hide)")
    let fraction = try NodeReader.number(f, path: r.path("fraction"), file: file)
    guard fraction >= 0 && fraction < 1 else {
      throw r.error("fraction", f, "must be at least 0 and below 1 (the share of cells to hide), got \(NodeReader.describe(f))")
    }
    var spec = HideSpec(fraction: fraction)
    if let c = r.value("columns") {
      guard case .array(let items) = c.kind, !items.isEmpty else {
        throw r.error("columns", c, "must be a non-empty array of 0-based coordinates (0 to \(d - 1)), got \(NodeReader.describe(c))")
      }
      var columns: [Int] = []
      for (i, item) in items.enumerated() {
        let column = try NodeReader.integer(item, path: r.path("columns[\(i)]"), file: file, in: 0...(d - 1), what: "a 0-based coordinate from 0 to \(d - 1)")
        if let j = columns.firstIndex(of: column) {
          throw InputError(file: file, position: item.position, message: "\(r.path("columns[\(i)]")) repeats columns[\(j)] (\(column)); name each coordinate once")
        }
        columns.append(column)
      }
      spec.columns = columns
    }
    if let m = r.value("mechanism") {
      let names = HideSpec.Mechanism.allCases.map(\.rawValue)
      guard case .string(let name) = m.kind, let mechanism = HideSpec.Mechanism(rawValue: name) else {
        throw r.error(
          "mechanism", m,
          "must be \"mcar\" (missing completely at random) or \"mar\" (missing at random: more likely the larger another column's value), got \(NodeReader.describe(m))\(NodeReader.suggestion(m, among: names))")
      }
      spec.mechanism = mechanism
      if mechanism == .mar && (spec.columns?.count ?? d) == d {
        throw r.error(
          "mechanism", m,
          "\"mar\" hides a cell with a probability that rises with the row's value of a column that is never hidden; list the columns to hide in \"columns\" and leave at least one out")
      }
    }
    return spec
  }

  /// The most coordinates an experiment may have.
  static let maximumDimension = 50

  /// A header name or a 0-based column index.
  static func decodeColumn(_ c: JSONNode, path: String, file: String) throws(InputError) -> ColumnReference {
    switch c.kind {
    case .string(let name) where !name.isEmpty: return .name(name)
    case .number:
      return .index(try NodeReader.integer(c, path: path, file: file, in: 0...100_000, what: "a header name or a 0-based column index"))
    default:
      throw InputError(file: file, position: c.position, message: "\(path) must be a header name or a 0-based column index, got \(NodeReader.describe(c))")
    }
  }

  /// `{"mean", "sd", "count"}` or `{"mean": [d], "covariance": [[d] × d], "count"}`.
  static func decodeGroup(_ g: NodeReader, item: JSONNode, file: String) throws(InputError) -> GroupSpec {
    try g.rejectUnknownKeys(ConfigSchema.group, ConfigSchema.groupVector)
    let meanNode = try g.required("mean", hint: "add \"mean\": a number (or an array of numbers, with \"covariance\")")
    let countNode = try g.required("count", hint: "add \"count\": a whole number ≥ 1")
    let count = try NodeReader.integer(countNode, path: g.path("count"), file: file, in: 1...100_000_000, what: "a whole number from 1 to 100000000")
    if case .array(let items) = meanNode.kind {
      if let sdNode = g.value("sd") {
        throw g.error("sd", sdNode, "goes with a one-dimensional mean; a mean vector needs \"covariance\": [[…], …] instead")
      }
      guard !items.isEmpty, items.count <= maximumDimension else {
        throw g.error("mean", meanNode, "must have 1 to \(maximumDimension) numbers, got \(items.count)")
      }
      var means: [Double] = []
      for (j, item) in items.enumerated() { means.append(try NodeReader.number(item, path: g.path("mean[\(j)]"), file: file)) }
      let d = means.count
      let covarianceNode = try g.required("covariance", hint: "add \"covariance\": a \(d) × \(d) symmetric positive definite matrix, e.g. \(identityExample(d))")
      let covariance = try decodeMatrix(covarianceNode, path: g.path("covariance"), file: file, dimension: d)
      if let problem = MultivariateMixture.problem(of: covariance, dimension: d) {
        throw g.error("covariance", covarianceNode, "\(problem); a covariance must be symmetric positive definite")
      }
      let largest = (0..<d).map { abs(means[$0]) + 9 * covariance[$0 * d + $0].squareRoot() }.max() ?? 0
      guard largest <= 1e150 else {
        throw InputError(
          file: file, position: item.position,
          message: "\(g.path) draws values up to about \(Display.number(largest, significant: 2)), too large for a variance (its squares overflow); rescale to at most about 1e150")
      }
      guard (0..<d).allSatisfy({ covariance[$0 * d + $0] >= 1e-300 }) else {
        throw g.error("covariance", covarianceNode, "has a variance below 1e-300, too small (its square underflows); rescale the data")
      }
      return GroupSpec(means: means, covariance: covariance, count: count)
    }
    if let covarianceNode = g.value("covariance") {
      guard case .number = meanNode.kind else {
        throw g.error("mean", meanNode, "must be an array of numbers (the mean vector, with \"covariance\"), got \(NodeReader.describe(meanNode))")
      }
      throw g.error("covariance", covarianceNode, "goes with a mean vector (\"mean\": [m1, m2, …]); a one-dimensional group takes \"sd\"")
    }
    let mean = try NodeReader.number(meanNode, path: g.path("mean"), file: file)
    let sdNode = try g.required("sd", hint: "add \"sd\": a number > 0")
    let sd = try NodeReader.number(sdNode, path: g.path("sd"), file: file)
    guard sd > 0 else { throw g.error("sd", sdNode, "must be > 0, got \(NodeReader.describe(sdNode))") }
    // Draws reach mean ± 9 sd in practice; their squares and sums must stay finite.
    guard abs(mean) + 9 * sd <= 1e150 else {
      throw InputError(
        file: file, position: item.position,
        message:
          "\(g.path) draws values up to about \(Display.number(abs(mean) + 9 * sd, significant: 2)), too large for a variance (its squares overflow); rescale mean and sd to at most about 1e150")
    }
    guard sd >= 1e-150 else {
      throw g.error("sd", sdNode, "is \(NodeReader.describe(sdNode)), too small for a variance (its square underflows); rescale mean and sd so that sd ≥ 1e-150")
    }
    return GroupSpec(mean: mean, sd: sd, count: count)
  }

  /// `[[1, 0], [0, 1]]` for d = 2.
  static func identityExample(_ d: Int) -> String {
    "[" + (0..<Swift.min(d, 3)).map { i in "[" + (0..<Swift.min(d, 3)).map { $0 == i ? "1" : "0" }.joined(separator: ", ") + (d > 3 ? ", …" : "") + "]" }.joined(separator: ", ") + (d > 3 ? ", …" : "") + "]"
  }

  /// A `d × d` matrix of numbers, row-major.
  static func decodeMatrix(_ node: JSONNode, path: String, file: String, dimension d: Int) throws(InputError) -> [Double] {
    guard case .array(let rows) = node.kind, rows.count == d else {
      throw InputError(file: file, position: node.position, message: "\(path) must be \(d) rows of \(d) numbers, got \(NodeReader.describe(node))")
    }
    var out: [Double] = []
    for (i, row) in rows.enumerated() {
      guard case .array(let cells) = row.kind, cells.count == d else {
        throw InputError(file: file, position: row.position, message: "\(path)[\(i)] must be a row of \(d) numbers, got \(NodeReader.describe(row))")
      }
      for (j, cell) in cells.enumerated() { out.append(try NodeReader.number(cell, path: "\(path)[\(i)][\(j)]", file: file)) }
    }
    return out
  }

  /// `"full"`, an array of types, or `"all"`.
  static func decodeCovarianceTypes(_ node: JSONNode, path: String, file: String) throws(InputError) -> [CovarianceType] {
    let names = CovarianceType.allCases.map(\.rawValue)
    let allowed = "\"full\", \"tied\", \"diag\", \"spherical\", an array of them, or \"all\""
    func one(_ item: JSONNode, _ where_: String) throws(InputError) -> CovarianceType {
      guard case .string(let name) = item.kind, let type = CovarianceType(rawValue: name) else {
        throw InputError(
          file: file, position: item.position,
          message: "\(where_) must be \(allowed), got \(NodeReader.describe(item))\(NodeReader.suggestion(item, among: names + ["all"]))")
      }
      return type
    }
    switch node.kind {
    case .string("all"): return CovarianceType.allCases
    case .array(let items):
      guard !items.isEmpty else { throw InputError(file: file, position: node.position, message: "\(path) must not be empty; give \(allowed)") }
      var types: [CovarianceType] = []
      for (i, item) in items.enumerated() {
        let type = try one(item, "\(path)[\(i)]")
        if !types.contains(type) { types.append(type) }
      }
      return types
    default: return [try one(node, path)]
    }
  }

  static func decodeFit(_ node: JSONNode?, path: String, file: String, data: DataSource) throws(InputError) -> FitConfig {
    let groups = data.groups
    let k = groups?.count ?? 2
    let d = data.dimension
    // quantiles are one-dimensional; in d dimensions a single run starts from k-means++.
    var fit = FitConfig(components: k...k, initialization: groups != nil ? .groups : d == 1 ? .quantiles : .kMeansPlusPlus)
    fit.dimension = d
    guard let node else { return fit }
    let r = try NodeReader(node, path: path, file: file)
    try r.rejectUnknownKeys(ConfigSchema.fit)
    if let c = r.value("covariance") { fit.covarianceTypes = try decodeCovarianceTypes(c, path: r.path("covariance"), file: file) }
    if let c = r.value("components") {
      fit.components = try decodeComponents(c, path: r.path("components"), file: file)
      if let groups {
        let n = groups.reduce(0) { $0 + $1.count }
        guard fit.components.upperBound <= n else {
          let key = fit.selectsComponents ? "components.to" : "components"
          throw InputError(
            file: file, position: c.position,
            message: "\(r.path(key)) is \(fit.components.upperBound) but the data has only \(n) points; use at most \(n) components")
        }
      }
    }
    if let restarts = try r.integer("restarts", in: 1...1000, what: "a whole number from 1 to 1000") { fit.restarts = restarts }
    // Without an explicit start, the tutorial's start when it applies; seeded k-means++
    // when restarts or a range of K ask for varied starts; quantiles otherwise.
    if fit.selectsComponents || fit.restarts > 1 {
      fit.initialization = .kMeansPlusPlus
    } else {
      fit.initialization = groups?.count == fit.components.lowerBound ? .groups : d == 1 ? .quantiles : .kMeansPlusPlus
    }
    if let c = r.value("criterion") {
      guard case .string(let s) = c.kind, let criterion = InformationCriterion(rawValue: s) else {
        throw r.error(
          "criterion", c,
          "must be \"bic\" or \"aic\", got \(NodeReader.describe(c))\(NodeReader.suggestion(c, among: InformationCriterion.allCases.map(\.rawValue)))")
      }
      fit.criterion = criterion
    }
    if let e = try r.integer("epochs", in: 1...1_000_000, what: "a whole number from 1 to 1000000") { fit.epochs = e }
    if let v = r.value("workLimit") {
      let d = try NodeReader.number(v, path: r.path("workLimit"), file: file)
      guard d >= 1, d <= 1e15 else { throw r.error("workLimit", v, "must be from 1 to 1e15, got \(NodeReader.describe(v))") }
      fit.workLimit = d
    }
    for key in ["tolerance", "regularization"] {
      guard let v = r.value(key) else { continue }
      let d = try NodeReader.number(v, path: r.path(key), file: file)
      guard d >= 0 else { throw r.error(key, v, "must be ≥ 0, got \(NodeReader.describe(v))") }
      if key == "tolerance" { fit.tolerance = d } else { fit.regularization = d }
    }
    if let initNode = r.value("init") {
      fit.initialization = try decodeInit(
        initNode, path: r.path("init"), file: file, components: fit.components, groups: groups, dimension: d,
        types: fit.covarianceTypes)
      if fit.restarts > 1 && !fit.initialization.isRandom, let restartsNode = r.value("restarts") {
        throw r.error(
          "restarts", restartsNode,
          "is \(fit.restarts) but init \"\(fit.initialization.name)\" gives the same start every time; use \"kmeans++\" or \"random\" for varied starts, or set restarts to 1")
      }
    }
    return fit
  }

  /// `3` or `{"from": 1, "to": 6}`.
  static func decodeComponents(_ node: JSONNode, path: String, file: String) throws(InputError) -> ClosedRange<Int> {
    let limit = 1...100
    if case .object = node.kind {
      let r = try NodeReader(node, path: path, file: file)
      try r.rejectUnknownKeys(ConfigSchema.componentRange)
      let fromNode = try r.required("from", hint: "add \"from\": the smallest K to try")
      let from = try NodeReader.integer(fromNode, path: r.path("from"), file: file, in: limit, what: "a whole number from 1 to 100")
      let toNode = try r.required("to", hint: "add \"to\": the largest K to try")
      let to = try NodeReader.integer(toNode, path: r.path("to"), file: file, in: limit, what: "a whole number from 1 to 100")
      guard from <= to else {
        throw InputError(file: file, position: node.position, message: "\(path).from (\(from)) is larger than \(path).to (\(to)); swap them")
      }
      return from...to
    }
    guard case .number = node.kind else {
      throw InputError(
        file: file, position: node.position,
        message: "\(path) must be a whole number from 1 to 100 or a range {\"from\": 1, \"to\": 6}, got \(NodeReader.describe(node))")
    }
    let k = try NodeReader.integer(node, path: path, file: file, in: limit, what: "a whole number from 1 to 100 or a range {\"from\": 1, \"to\": 6}")
    return k...k
  }

  static func decodeInit(
    _ node: JSONNode, path: String, file: String, components: ClosedRange<Int>, groups: [GroupSpec]?, dimension d: Int = 1,
    types: [CovarianceType] = [.full]
  ) throws(InputError) -> InitSpec {
    let k = components.lowerBound
    if d > 1, case .string("quantiles") = node.kind {
      throw InputError(
        file: file, position: node.position,
        message: "\(path) \"quantiles\" is one-dimensional and the data has \(d) columns; use \"kmeans++\" or \"random\"\(groups != nil ? " or \"groups\"" : "")")
    }
    if case .object = node.kind, types.count > 1 {
      throw InputError(
        file: file, position: node.position,
        message: "\(path) with explicit parameters fits one covariance type, but fit.covariance asks for \(types.count); give one type, or use \"kmeans++\"")
    }
    if d > 1, case .object = node.kind, components.count == 1 {
      return try decodeExplicitMultivariate(node, path: path, file: file, components: k, dimension: d, type: types[0])
    }
    // What to suggest instead: quantiles only in one dimension.
    let others = d == 1 ? "\"kmeans++\", \"random\" or \"quantiles\"" : "\"kmeans++\" or \"random\""
    let single = d == 1 ? "\"quantiles\"" : "\"kmeans++\""
    if components.count > 1, case .string("groups") = node.kind {
      throw InputError(file: file, position: node.position, message: "\(path) \"groups\" fits only as many components as groups, not a range of K; use \(others)")
    }
    if components.count > 1, case .object = node.kind {
      throw InputError(file: file, position: node.position, message: "\(path) with explicit parameters fits only their own K, not a range of K; use \(others)")
    }
    switch node.kind {
    case .string("groups"):
      guard let groups else {
        throw InputError(file: file, position: node.position, message: "\(path) \"groups\" needs generated data (it starts from the generating groups); use \(single) for CSV data")
      }
      guard groups.count == k else {
        throw InputError(file: file, position: node.position, message: "\(path) \"groups\" needs as many groups as components: \(groups.count) groups, \(k) components; set fit.components to \(groups.count) or use \(single)")
      }
      return .groups
    case .string("quantiles"):
      return .quantiles
    case .string("kmeans++"):
      return .kMeansPlusPlus
    case .string("random"):
      return .random
    case .object:
      let r = try NodeReader(node, path: path, file: file)
      try r.rejectUnknownKeys(ConfigSchema.explicitStart)
      var arrays: [[Double]] = []
      for key in ["weights", "means", "sds"] {
        let v = try r.required(key, hint: "add \"\(key)\": an array of \(k) numbers")
        guard case .array(let items) = v.kind, items.count == k else {
          throw r.error(key, v, "must be an array of \(k) numbers (one per component), got \(NodeReader.describe(v))")
        }
        var values: [Double] = []
        for (i, item) in items.enumerated() {
          values.append(try NodeReader.number(item, path: r.path("\(key)[\(i)]"), file: file))
        }
        arrays.append(values)
      }
      for (i, w) in arrays[0].enumerated() where w < 0 {
        throw InputError(file: file, position: node.position, message: "\(path).weights[\(i)] must be ≥ 0, got \(w)")
      }
      let total = arrays[0].reduce(0, +)
      guard abs(total - 1) <= 1e-9 else {
        throw InputError(file: file, position: node.position, message: "\(path).weights must sum to 1, got \(total)")
      }
      for (i, s) in arrays[2].enumerated() where !(s > 0) {
        throw InputError(file: file, position: node.position, message: "\(path).sds[\(i)] must be > 0, got \(s)")
      }
      if types == [.tied], Set(arrays[2]).count > 1 {
        throw InputError(
          file: file, position: node.position,
          message: "\(path).sds must all be equal for fit.covariance \"tied\" (one shared variance), got \(arrays[2].map { Display.given($0) }.joined(separator: ", "))")
      }
      do {
        return .explicit(try GaussianMixture(weights: arrays[0], means: arrays[1], sds: arrays[2]).withCovarianceType(types[0]))
      } catch {
        throw InputError(file: file, position: node.position, message: "\(path) \(error.description)")
      }
    default:
      throw InputError(
        file: file, position: node.position,
        message: "\(path) must be \"kmeans++\", \"random\", \"quantiles\", \"groups\" or {\"weights\", \"means\", \"sds\"}, got \(NodeReader.describe(node))\(NodeReader.suggestion(node, among: ["kmeans++", "random", "quantiles", "groups"]))")
    }
  }

  /// `{"weights": [K], "means": [[d] × K], "covariances": …}` with scikit-learn's
  /// `covariances_` shape for `type`: full K × d × d, tied d × d, diag K × d, spherical K.
  static func decodeExplicitMultivariate(
    _ node: JSONNode, path: String, file: String, components k: Int, dimension d: Int, type: CovarianceType
  ) throws(InputError) -> InitSpec {
    let r = try NodeReader(node, path: path, file: file)
    try r.rejectUnknownKeys(ConfigSchema.explicitStartVector)
    let shape: String
    switch type {
    case .full: shape = "\(k) matrices of \(d) × \(d) (one per component)"
    case .tied: shape = "one \(d) × \(d) matrix (shared by the components)"
    case .diag: shape = "\(k) arrays of \(d) variances (one per component)"
    case .spherical: shape = "\(k) variances (one per component)"
    }
    func numbers(_ v: JSONNode, _ at: String, count: Int, what: String) throws(InputError) -> [Double] {
      guard case .array(let items) = v.kind, items.count == count else {
        throw InputError(file: file, position: v.position, message: "\(at) must be \(what), got \(NodeReader.describe(v))")
      }
      var out: [Double] = []
      for (i, item) in items.enumerated() { out.append(try NodeReader.number(item, path: "\(at)[\(i)]", file: file)) }
      return out
    }
    func list(_ v: JSONNode, _ at: String, count: Int, what: String) throws(InputError) -> [JSONNode] {
      guard case .array(let items) = v.kind, items.count == count else {
        throw InputError(file: file, position: v.position, message: "\(at) must be \(what), got \(NodeReader.describe(v))")
      }
      return items
    }
    let weightsNode = try r.required("weights", hint: "add \"weights\": an array of \(k) numbers")
    let weights = try numbers(weightsNode, r.path("weights"), count: k, what: "an array of \(k) numbers (one per component)")
    // As in one dimension: each weight named, before the mixture's own check.
    for (i, w) in weights.enumerated() where w < 0 {
      throw InputError(file: file, position: node.position, message: "\(path).weights[\(i)] must be ≥ 0, got \(w)")
    }
    let total = weights.reduce(0, +)
    guard abs(total - 1) <= 1e-9 else {
      throw InputError(file: file, position: node.position, message: "\(path).weights must sum to 1, got \(total)")
    }
    let meansNode = try r.required("means", hint: "add \"means\": \(k) arrays of \(d) numbers")
    var means: [[Double]] = []
    for (j, item) in try list(meansNode, r.path("means"), count: k, what: "\(k) arrays of \(d) numbers (one mean per component)").enumerated() {
      means.append(try numbers(item, r.path("means[\(j)]"), count: d, what: "an array of \(d) numbers"))
    }
    let covNode = try r.required("covariances", hint: "add \"covariances\": \(shape), scikit-learn's covariances_ for \"\(type.rawValue)\"")
    let what = "\(shape), scikit-learn's covariances_ for \"\(type.rawValue)\""
    // The nesting depth the type needs (full 3, tied and diag 2, spherical 1), checked first
    // so a start of another type's shape is named as such.
    func depth(_ v: JSONNode) -> Int {
      guard case .array(let items) = v.kind, let first = items.first else { return 0 }
      return 1 + depth(first)
    }
    let wanted = type == .full ? 3 : type == .spherical ? 1 : 2
    if depth(covNode) != wanted {
      throw InputError(
        file: file, position: covNode.position,
        message: "\(r.path("covariances")) must be \(what), got \(depth(covNode) == 3 ? "matrices per component (full's shape)" : depth(covNode) == 1 ? "one number per component (spherical's shape)" : depth(covNode) == 2 ? "arrays (tied's or diag's shape)" : NodeReader.describe(covNode)); set fit.covariance to the start's type or reshape it")
    }
    let parameters: CovarianceParameters
    switch type {
    case .full:
      var matrices: [[[Double]]] = []
      for (j, item) in try list(covNode, r.path("covariances"), count: k, what: what).enumerated() {
        let flat = try decodeMatrix(item, path: r.path("covariances[\(j)]"), file: file, dimension: d)
        matrices.append((0..<d).map { Array(flat[($0 * d)..<(($0 + 1) * d)]) })
      }
      parameters = .full(matrices)
    case .tied:
      guard case .array(let rows) = covNode.kind, rows.count == d else {
        throw InputError(file: file, position: covNode.position, message: "\(r.path("covariances")) must be \(what), got \(NodeReader.describe(covNode))")
      }
      let flat = try decodeMatrix(covNode, path: r.path("covariances"), file: file, dimension: d)
      parameters = .tied((0..<d).map { Array(flat[($0 * d)..<(($0 + 1) * d)]) })
    case .diag:
      var rows: [[Double]] = []
      for (j, item) in try list(covNode, r.path("covariances"), count: k, what: what).enumerated() {
        rows.append(try numbers(item, r.path("covariances[\(j)]"), count: d, what: "an array of \(d) variances"))
      }
      parameters = .diag(rows)
    case .spherical:
      parameters = .spherical(try numbers(covNode, r.path("covariances"), count: k, what: what))
    }
    do {
      let matrices = try parameters.matrices(components: k, dimension: d)
      return .explicitMultivariate(try MultivariateMixture(type: type, weights: weights, means: means, covariances: matrices))
    } catch {
      throw InputError(file: file, position: node.position, message: "\(path): \(error.description)")
    }
  }

  static func decodeKDE(_ node: JSONNode, path: String, file: String) throws(InputError) -> KDEConfig {
    let r = try NodeReader(node, path: path, file: file)
    try r.rejectUnknownKeys(ConfigSchema.kde)
    var kde = KDEConfig()
    if let b = r.value("bandwidth") {
      switch b.kind {
      case .string("scott"): kde.bandwidth = .scott
      case .string("silverman"): kde.bandwidth = .silverman
      case .number(let h, _) where h > 0 && h.isFinite: kde.bandwidth = .fixed(h)
      default:
        throw r.error("bandwidth", b, "must be \"scott\", \"silverman\" or a number > 0, got \(NodeReader.describe(b))\(NodeReader.suggestion(b, among: ["scott", "silverman"]))")
      }
    }
    if let v = r.value("adjust") {
      let d = try NodeReader.number(v, path: r.path("adjust"), file: file)
      guard d > 0 else { throw r.error("adjust", v, "must be > 0, got \(NodeReader.describe(v))") }
      kde.adjust = d
    }
    if let g = try r.integer("gridSize", in: 2...100_000, what: "a whole number from 2 to 100000") { kde.gridSize = g }
    if let v = r.value("cut") {
      let d = try NodeReader.number(v, path: r.path("cut"), file: file)
      // seaborn's default is 3; past 100 bandwidths the grid is all empty tails.
      guard d >= 0, d <= 100 else { throw r.error("cut", v, "must be from 0 to 100 (bandwidths beyond the data), got \(NodeReader.describe(v))") }
      kde.cut = d
    }
    if let v = r.value("method") {
      let names = KDEMethod.allCases.map(\.rawValue)
      guard case .string(let name) = v.kind, let method = KDEMethod(rawValue: name) else {
        throw r.error("method", v, "must be \"automatic\", \"binned\" or \"exact\", got \(NodeReader.describe(v))\(NodeReader.suggestion(v, among: names))")
      }
      kde.method = method
    }
    if let v = r.value("fitCurve") {
      let names = FitCurve.allCases.map(\.rawValue)
      guard case .string(let name) = v.kind, let curve = FitCurve(rawValue: name) else {
        throw r.error(
          "fitCurve", v,
          "must be \"grid\" (smooth curves on the density grid) or \"data\" (at the sorted data points, as the tutorial), got \(NodeReader.describe(v))\(NodeReader.suggestion(v, among: names))")
      }
      kde.fitCurve = curve
    }
    return kde
  }
}

/// The folder part of a path ("" for a bare file name).
func folder(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "" }
  return path[..<slash].isEmpty ? "/" : String(path[..<slash])
}

/// A file-name-safe form of an experiment name: letters, digits, `-`, `_` and `.`
/// kept; every other run of characters becomes one `-`; no leading dot or dash.
public func safeFileName(_ name: String) -> String {
  var result = ""
  var pendingDash = false
  for scalar in name.unicodeScalars {
    let c = Character(scalar)
    if scalar.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") {
      if pendingDash && !result.isEmpty { result.append("-") }
      pendingDash = false
      result.append(c)
    } else {
      pendingDash = true
    }
  }
  // No hidden files and no `..`: drop leading dots and dashes.
  while let first = result.first, first == "." || first == "-" { result.removeFirst() }
  return result.isEmpty ? "experiment" : String(result.prefix(80))
}
