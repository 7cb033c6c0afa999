import CairoRendering
import MixtureModels
import Testing

@testable import ReportKit

/// A valid experiment with one part replaced, for table-driven error cases.
private let generate = #"{"generate": [{"mean": 2, "sd": 1, "count": 200}, {"mean": -1, "sd": 0.8, "count": 600}]}"#

private func experiment(data: String = generate, _ extra: String = "") -> String {
  #"{"experiments": [{"name": "a", "data": \#(data)\#(extra)}]}"#
}

@Suite struct ConfigDecodingTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var json: String
    var message: String
    var testDescription: String { message }
  }

  static let errorCases: [Case] = [
    Case(json: #"{"experiments": [{"name": "a" "data": {}}]}"#, message: #"c.json:1:31: expected ',' or '}' after an object member, found '"'"#),
    Case(json: #"{"experiments": [],}"#, message: "c.json:1:19: trailing comma before '}' is not allowed in JSON"),
    Case(json: "[]", message: #"c.json:1:1: the top level must be an object with "experiments", got an empty array"#),
    Case(json: #"{"title": "x"}"#, message: #"c.json:1:1: experiments is missing; add "experiments": [{"name": …, "data": …}]"#),
    Case(json: #"{"experiments": []}"#, message: "c.json:1:17: experiments must be a non-empty array of experiments, got an empty array"),
    Case(json: #"{"experiment": []}"#, message: #"c.json:1:2: experiment is not a known key; did you mean "experiments"?"#),
    Case(
      json: experiment(data: #"{"generate": [{"mean": 2, "sd": 1, "count": 200}, {"mean": -1, "sd": -0.8, "count": 600}]}"#),
      message: "c.json:1:109: experiments[0].data.generate[1].sd must be > 0, got -0.8"),
    Case(
      json: experiment(data: #"{"generate": [{"mean": "2", "sd": 1, "count": 200}]}"#),
      message: #"c.json:1:63: experiments[0].data.generate[0].mean must be a number, got the string "2""#),
    Case(
      json: experiment(data: #"{"generate": [{"mean": 2, "sd": 1, "count": 0}]}"#),
      message: "c.json:1:84: experiments[0].data.generate[0].count must be a whole number from 1 to 100000000, got 0"),
    Case(
      json: experiment(data: #"{"generate": [{"mean": 2, "sd": 1}]}"#),
      message: #"c.json:1:54: experiments[0].data.generate[0].count is missing; add "count": a whole number ≥ 1"#),
    Case(
      json: experiment(data: #"{"generate": [{"mean": 2, "sd": 1, "count": 1}]}"#),
      message: "c.json:1:53: experiments[0].data.generate must produce at least 2 points in all"),
    Case(
      json: experiment(data: #"{"generate": [], "csv": "x.csv"}"#),
      message: #"c.json:1:40: experiments[0].data has both "generate" and "csv"; keep one"#),
    Case(
      json: experiment(data: "{}"),
      message: #"c.json:1:40: experiments[0].data needs "generate": [groups] or "csv": "file.csv""#),
    Case(
      json: experiment(data: #"{"csv": "x.csv", "column": -1}"#),
      message: "c.json:1:67: experiments[0].data.column must be a header name or a 0-based column index, got -1"),
    Case(
      json: experiment(data: #"{"csv": "x.csv"}"#, #", "fit": {"init": "groups"}"#),
      message: #"c.json:1:74: experiments[0].fit.init "groups" needs generated data (it starts from the generating groups); use "quantiles" for CSV data"#),
    Case(
      json: experiment(#", "fit": {"components": 3, "init": "groups"}"#),
      message: #"c.json:1:164: experiments[0].fit.init "groups" needs as many groups as components: 2 groups, 3 components; set fit.components to 2 or use "quantiles""#),
    Case(
      json: experiment(#", "fit": {"init": "quantile"}"#),
      message: #"c.json:1:147: experiments[0].fit.init must be "kmeans++", "random", "quantiles", "groups" or {"weights", "means", "sds"}, got the string "quantile"; did you mean "quantiles"?"#),
    Case(
      json: experiment(#", "fit": {"init": {"weights": [0.5, 0.6], "means": [0, 1], "sds": [1, 1]}}"#),
      message: "c.json:1:147: experiments[0].fit.init.weights must sum to 1, got 1.1"),
    Case(
      json: experiment(#", "fit": {"init": {"weights": [0.5, 0.5], "means": [0, 1], "sds": [1, 0]}}"#),
      message: "c.json:1:147: experiments[0].fit.init.sds[1] must be > 0, got 0.0"),
    Case(
      json: experiment(#", "fit": {"init": {"weights": [1], "means": [0], "sds": [1]}}"#),
      message: "c.json:1:159: experiments[0].fit.init.weights must be an array of 2 numbers (one per component), got an array of 1 value"),
    Case(
      json: experiment(#", "fit": {"epoch": 3}"#),
      message: #"c.json:1:139: experiments[0].fit.epoch is not a known key; did you mean "epochs"?"#),
    Case(
      json: experiment(#", "fit": {"epochs": 2.5}"#),
      message: "c.json:1:149: experiments[0].fit.epochs must be a whole number from 1 to 1000000, got 2.5"),
    Case(
      json: experiment(#", "fit": {"tolerance": -1}"#),
      message: "c.json:1:152: experiments[0].fit.tolerance must be ≥ 0, got -1"),
    Case(
      json: experiment(#", "fit": {"components": 900}"#),
      message: #"c.json:1:153: experiments[0].fit.components must be a whole number from 1 to 100 or a range {"from": 1, "to": 6}, got 900"#),
    Case(
      json: #"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 2, "sd": 1, "count": 3}]}, "fit": {"components": 5}}]}"#,
      message: "c.json:1:112: experiments[0].fit.components is 5 but the data has only 3 points; use at most 3 components"),
    Case(
      json: experiment(#", "kde": {"bandwidth": "scot"}"#),
      message: #"c.json:1:152: experiments[0].kde.bandwidth must be "scott", "silverman" or a number > 0, got the string "scot"; did you mean "scott"?"#),
    Case(
      json: experiment(#", "kde": {"bandwidth": 0}"#),
      message: #"c.json:1:152: experiments[0].kde.bandwidth must be "scott", "silverman" or a number > 0, got 0"#),
    Case(
      json: experiment(#", "kde": {"gridSize": 1}"#),
      message: "c.json:1:151: experiments[0].kde.gridSize must be a whole number from 2 to 100000, got 1"),
    Case(
      json: experiment(#", "kde": {"method": "bined"}"#),
      message: #"c.json:1:149: experiments[0].kde.method must be "automatic", "binned" or "exact", got the string "bined"; did you mean "binned"?"#),
    Case(
      json: experiment(#", "writeSamples": "yes""#),
      message: #"c.json:1:147: experiments[0].writeSamples must be true or false, got the string "yes" (leave it out to write the per-sample CSV up to 100000 points)"#),
    Case(
      json: experiment(#", "colour": 3"#),
      message: "c.json:1:131: experiments[0].colour is not a known key; known keys here: name, description, seed, rng, data, fit, kde, writeSamples, figures, titles, boundParameter, stepEpochs"),
    Case(
      json: experiment(#", "seed": -1"#),
      message: "c.json:1:139: experiments[0].seed must be a whole number from 0 to 2^53, got -1"),
    Case(
      json: #"{"experiments": [{"name": "", "data": {}}]}"#,
      message: #"c.json:1:27: experiments[0].name must be a non-empty string, got the string """#),
    Case(
      json: #"{"experiments": [{"name": "a", "data": \#(generate)}, {"name": "a", "data": \#(generate)}]}"#,
      message: #"c.json:1:132: experiments[1].name "a" is already used by experiments[0]; names must be unique"#),
    Case(
      json: #"{"experiments": [{"name": "a b", "data": \#(generate)}, {"name": "a/b", "data": \#(generate)}]}"#,
      message: #"c.json:1:134: experiments[1].name "a/b" gives the same file name "a-b" as experiments[0]; rename one"#),
    Case(
      json: #"{"formats": ["png", "jpg"], "experiments": []}"#,
      message: #"c.json:1:21: formats[1] must be one of "png", "pdf", "svg", got the string "jpg""#),
    Case(
      json: #"{"formats": ["svgg"], "experiments": []}"#,
      message: #"c.json:1:14: formats[0] must be one of "png", "pdf", "svg", got the string "svgg"; did you mean "svg"?"#),
    Case(
      json: #"{"figure": {"dpi": 5}, "experiments": []}"#,
      message: "c.json:1:20: figure.dpi must be between 10 and 1200, got 5"),
    Case(
      json: #"{"figure": {"width": 40, "dpi": 1000}, "experiments": []}"#,
      message: "c.json:1:12: figure is 40000 × 4800 pixels; keep width and height × dpi at most 20000"),
    // Figures for docs: theme and figure.scales.
    Case(
      json: #"{"theme": "Dark", "experiments": []}"#,
      message: #"c.json:1:11: theme must be one of "light", "dark", "both", got the string "Dark"; did you mean "dark"?"#),
    Case(json: #"{"theme": true, "experiments": []}"#, message: #"c.json:1:11: theme must be one of "light", "dark", "both", got true"#),
    Case(json: #"{"themes": "dark", "experiments": []}"#, message: #"c.json:1:2: themes is not a known key; did you mean "theme"?"#),
    Case(
      json: #"{"figure": {"scales": 2}, "experiments": []}"#,
      message: "c.json:1:23: figure.scales must be a non-empty array of whole numbers from 1 to 4 (e.g. [1, 2] writes name.png and name@2x.png), got 2"),
    Case(
      json: #"{"figure": {"scales": []}, "experiments": []}"#,
      message: "c.json:1:23: figure.scales must be a non-empty array of whole numbers from 1 to 4 (e.g. [1, 2] writes name.png and name@2x.png), got an empty array"),
    Case(
      json: #"{"figure": {"scales": [1, 2.5]}, "experiments": []}"#,
      message: "c.json:1:27: figure.scales[1] must be a whole number from 1 to 4, got 2.5"),
    Case(json: #"{"figure": {"scales": [0]}, "experiments": []}"#, message: "c.json:1:24: figure.scales[0] must be a whole number from 1 to 4, got 0"),
    Case(json: #"{"figure": {"scales": [1, 5]}, "experiments": []}"#, message: "c.json:1:27: figure.scales[1] must be a whole number from 1 to 4, got 5"),
    Case(
      json: #"{"figure": {"scales": [1, "2"]}, "experiments": []}"#,
      message: #"c.json:1:27: figure.scales[1] must be a whole number from 1 to 4, got the string "2""#),
    Case(
      json: #"{"figure": {"scales": [2, 1, 2]}, "experiments": []}"#,
      message: "c.json:1:30: figure.scales[2] is 2, as figure.scales[0] is; list each scale once"),
    Case(
      json: #"{"figure": {"scales": [1, 2, 3, 4]}, "experiments": []}"#,
      message: "c.json:1:23: figure.scales lists 4 scales; list at most 3 (e.g. [1, 2])"),
    Case(json: #"{"figure": {"scale": [2]}, "experiments": []}"#, message: #"c.json:1:13: figure.scale is not a known key; did you mean "scales"?"#),
    Case(
      json: #"{"figure": {"width": 50, "dpi": 101, "scales": [1, 4]}, "experiments": []}"#,
      message: "c.json:1:12: figure is 20200 × 1939 pixels at scale 4 (figure.scales); keep width and height × dpi × the largest scale at most 20000"),
    // Issue 3's keys: components ranges, init methods, restarts, criterion, data.missing.
    Case(
      json: experiment(#", "fit": {"components": {"from": 5, "to": 3}}"#),
      message: "c.json:1:153: experiments[0].fit.components.from (5) is larger than experiments[0].fit.components.to (3); swap them"),
    Case(
      json: experiment(#", "fit": {"components": {"from": 0, "to": 3}}"#),
      message: "c.json:1:162: experiments[0].fit.components.from must be a whole number from 1 to 100, got 0"),
    Case(
      json: experiment(#", "fit": {"components": {"from": 1, "to": 101}}"#),
      message: "c.json:1:171: experiments[0].fit.components.to must be a whole number from 1 to 100, got 101"),
    Case(
      json: experiment(#", "fit": {"components": {"from": 1}}"#),
      message: #"c.json:1:153: experiments[0].fit.components.to is missing; add "to": the largest K to try"#),
    Case(
      json: experiment(#", "fit": {"components": {"from": 1, "upto": 4}}"#),
      message: "c.json:1:165: experiments[0].fit.components.upto is not a known key; known keys here: from, to"),
    Case(
      json: experiment(#", "fit": {"components": "3"}"#),
      message: #"c.json:1:153: experiments[0].fit.components must be a whole number from 1 to 100 or a range {"from": 1, "to": 6}, got the string "3""#),
    Case(
      json: experiment(#", "fit": {"components": 2.5}"#),
      message: #"c.json:1:153: experiments[0].fit.components must be a whole number from 1 to 100 or a range {"from": 1, "to": 6}, got 2.5"#),
    Case(
      json: #"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 2, "sd": 1, "count": 3}]}, "fit": {"components": {"from": 1, "to": 4}}}]}"#,
      message: "c.json:1:112: experiments[0].fit.components.to is 4 but the data has only 3 points; use at most 3 components"),
    Case(
      json: experiment(#", "fit": {"restarts": 0}"#),
      message: "c.json:1:151: experiments[0].fit.restarts must be a whole number from 1 to 1000, got 0"),
    Case(
      json: experiment(#", "fit": {"restarts": 1.5}"#),
      message: "c.json:1:151: experiments[0].fit.restarts must be a whole number from 1 to 1000, got 1.5"),
    Case(
      json: experiment(#", "fit": {"restarts": "10"}"#),
      message: #"c.json:1:151: experiments[0].fit.restarts must be a whole number from 1 to 1000, got the string "10""#),
    Case(
      json: experiment(#", "fit": {"restarts": 5, "init": "quantiles"}"#),
      message: #"c.json:1:151: experiments[0].fit.restarts is 5 but init "quantiles" gives the same start every time; use "kmeans++" or "random" for varied starts, or set restarts to 1"#),
    Case(
      json: experiment(#", "fit": {"restarts": 5, "init": "groups"}"#),
      message: #"c.json:1:151: experiments[0].fit.restarts is 5 but init "groups" gives the same start every time; use "kmeans++" or "random" for varied starts, or set restarts to 1"#),
    Case(
      json: experiment(#", "fit": {"criterion": "bics"}"#),
      message: #"c.json:1:152: experiments[0].fit.criterion must be "bic" or "aic", got the string "bics"; did you mean "bic"?"#),
    Case(
      json: experiment(#", "fit": {"criterion": "BIC"}"#),
      message: #"c.json:1:152: experiments[0].fit.criterion must be "bic" or "aic", got the string "BIC"; did you mean "bic"?"#),
    Case(
      json: experiment(#", "fit": {"init": "kmeans"}"#),
      message: #"c.json:1:147: experiments[0].fit.init must be "kmeans++", "random", "quantiles", "groups" or {"weights", "means", "sds"}, got the string "kmeans"; did you mean "kmeans++"?"#),
    Case(
      json: experiment(#", "fit": {"components": {"from": 1, "to": 4}, "init": "groups"}"#),
      message: #"c.json:1:183: experiments[0].fit.init "groups" fits only as many components as groups, not a range of K; use "kmeans++", "random" or "quantiles""#),
    Case(
      json: experiment(#", "fit": {"components": {"from": 1, "to": 2}, "init": {"weights": [0.5, 0.5], "means": [0, 1], "sds": [1, 1]}}"#),
      message: #"c.json:1:183: experiments[0].fit.init with explicit parameters fits only their own K, not a range of K; use "kmeans++", "random" or "quantiles""#),
    Case(
      json: experiment(#", "fit": {"regularization": -1e-6}"#),
      message: "c.json:1:157: experiments[0].fit.regularization must be ≥ 0, got -1e-6"),
    Case(
      json: experiment(data: #"{"csv": "x.csv", "missing": "skip"}"#),
      message: #"c.json:1:68: experiments[0].data.missing must be "error" (stop at an NA, NaN or empty cell), "drop" (skip those rows) or "model" (fit the observed cells of every row, two or more columns), got the string "skip""#),
    Case(
      json: experiment(data: #"{"csv": "x.csv", "missing": "dropp"}"#),
      message: #"c.json:1:68: experiments[0].data.missing must be "error" (stop at an NA, NaN or empty cell), "drop" (skip those rows) or "model" (fit the observed cells of every row, two or more columns), got the string "dropp"; did you mean "drop"?"#),
    Case(
      json: experiment(data: #"{"csv": "x.csv", "label": ""}"#),
      message: #"c.json:1:66: experiments[0].data.label must be a short non-empty string (at most 60 characters), got the string """#),
    Case(
      json: experiment(data: #"{"csv": "x.csv", "label": 3}"#),
      message: "c.json:1:66: experiments[0].data.label must be a short non-empty string (at most 60 characters), got 3"),
    Case(
      json: experiment(data: #"{"generate": [{"mean": 0, "sd": 1, "count": 5}], "missing": "drop"}"#),
      message: #"c.json:1:100: experiments[0].data.missing only goes with "csv" (generated data has no missing cells; to hide some, add "hide": {"fraction": 0.2})"#),
  ]

  @Test(arguments: errorCases)
  func invalidConfigGivesExactMessage(_ c: Case) {
    #expect(throws: InputError.self) { try ReportConfig.decode(c.json, file: "c.json") }
    do {
      _ = try ReportConfig.decode(c.json, file: "c.json")
    } catch {
      #expect(error.description == c.message)
    }
  }

  @Test func minimalGeneratedExperimentGetsDocumentedDefaults() throws {
    let config = try ReportConfig.decode(experiment(), file: "examples/c.json")
    #expect(config.title == "Gaussian mixture report")
    #expect(config.formats == [.png, .pdf])
    #expect(config.figure == FigureSettings())
    #expect(config.figure.width == 6.4 && config.figure.height == 4.8 && config.figure.dpi == 100)
    let e = try #require(config.experiments.first)
    #expect(e.seed == 0)
    #expect(e.description == "")
    #expect(e.fit == FitConfig(components: 2...2, initialization: .groups))
    #expect(e.fit.restarts == 1 && e.fit.criterion == .bic && e.fit.epochs == 100 && e.fit.tolerance == 1e-3)
    // scikit-learn's reg_covar default.
    #expect(e.fit.regularization == 1e-6)
    #expect(e.kde == KDEConfig())
    #expect(e.kde.bandwidth == .scott && e.kde.adjust == 1 && e.kde.gridSize == 200 && e.kde.cut == 3)
  }

  @Test func csvDataDefaultsToQuantilesTwoComponentsFirstColumnAndResolvesPathFromConfigFolder() throws {
    let config = try ReportConfig.decode(experiment(data: #"{"csv": "data/galaxies.csv"}"#), file: "examples/c.json")
    let e = try #require(config.experiments.first)
    #expect(e.fit.components == 2...2)
    #expect(e.fit.initialization == .quantiles)
    guard case .csv(let path, let resolved, let column, let missing, _) = e.data else {
      Issue.record("expected CSV data")
      return
    }
    #expect(path == "data/galaxies.csv")
    #expect(resolved == "examples/data/galaxies.csv")
    #expect(column == [.index(0)])
    #expect(missing == .error)
  }

  @Test func aRangeOfComponentsDefaultsToKMeansPlusPlusAndBIC() throws {
    let config = try ReportConfig.decode(
      experiment(data: #"{"csv": "g.csv", "missing": "drop"}"#, #", "fit": {"components": {"from": 1, "to": 6}, "restarts": 10}"#), file: "c.json")
    let e = config.experiments[0]
    #expect(e.fit.components == 1...6)
    #expect(e.fit.selectsComponents)
    #expect(e.fit.initialization == .kMeansPlusPlus)
    #expect(e.fit.restarts == 10)
    #expect(e.fit.criterion == .bic)
    guard case .csv(_, _, _, let missing, _) = e.data else {
      Issue.record("expected CSV data")
      return
    }
    #expect(missing == .drop)
  }

  @Test func restartsAloneSwitchTheDefaultStartToKMeansPlusPlus() throws {
    let config = try ReportConfig.decode(experiment(#", "fit": {"restarts": 3, "criterion": "aic", "init": "random"}"#), file: "c.json")
    #expect(config.experiments[0].fit.initialization == .random)
    #expect(config.experiments[0].fit.criterion == .aic)
    let defaulted = try ReportConfig.decode(experiment(#", "fit": {"restarts": 3}"#), file: "c.json")
    #expect(defaulted.experiments[0].fit.initialization == .kMeansPlusPlus)
    // A range of one K is a single K.
    let single = try ReportConfig.decode(experiment(#", "fit": {"components": {"from": 2, "to": 2}}"#), file: "c.json")
    #expect(!single.experiments[0].fit.selectsComponents)
  }

  @Test func componentsOtherThanGroupCountSwitchTheDefaultStartToQuantiles() throws {
    let config = try ReportConfig.decode(experiment(#", "fit": {"components": 3}"#), file: "c.json")
    #expect(config.experiments[0].fit.initialization == .quantiles)
  }

  @Test func explicitStartAndFixedBandwidthAreRead() throws {
    let config = try ReportConfig.decode(
      experiment(#", "fit": {"init": {"weights": [0.25, 0.75], "means": [2, -1], "sds": [1, 0.8]}}, "kde": {"bandwidth": 0.3, "adjust": 2}"#),
      file: "c.json")
    let e = config.experiments[0]
    let start = try GaussianMixture(weights: [0.25, 0.75], means: [2, -1], sds: [1, 0.8])
    #expect(e.fit.initialization == .explicit(start))
    #expect(e.kde.bandwidth == .fixed(0.3))
    #expect(e.kde.adjust == 2)
  }

  @Test func theArticleExampleDecodesToTheTutorialsExperiment() throws {
    let text = try String(decoding: FileAccess().readBytes(repositoryPath("examples/article.json")), as: UTF8.self)
    let config = try ReportConfig.decode(text, file: "examples/article.json")
    #expect(config.title == "Expectation-Maximization for a two-component Gaussian mixture")
    #expect(config.formats == [.png, .pdf])
    let e = try #require(config.experiments.first)
    #expect(e.name == "article")
    #expect(e.data == .generate([GroupSpec(mean: 2, sd: 1, count: 200), GroupSpec(mean: -1, sd: 0.8, count: 600)]))
    // The article keeps the tutorial's regularization 0 explicitly (the default is 1e-6).
    #expect(e.fit == FitConfig(components: 2...2, initialization: .groups, epochs: 20, tolerance: 0, regularization: 0))
  }

  @Test(arguments: [
    ("article", "article"), ("<script>alert(1)</script>", "script-alert-1-script"), ("../../etc/passwd", "etc-passwd"),
    ("..", "experiment"), ("K = 3, galaxies", "K-3-galaxies"), ("Ünïcode name", "n-code-name"), ("run_2.b", "run_2.b"),
  ])
  func experimentNamesBecomeSafeFileNames(name: String, expected: String) {
    #expect(safeFileName(name) == expected)
  }
}
