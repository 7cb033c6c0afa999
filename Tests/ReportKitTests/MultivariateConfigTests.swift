import Foundation
import MixtureModels
import Testing

@testable import ReportKit

private let group2 = #"{"mean": [0, 0], "covariance": [[1, 0], [0, 1]], "count": 50}"#
private let twoGroups = #"{"generate": [\#(group2), {"mean": [4, 1], "covariance": [[2, 0.5], [0.5, 1]], "count": 40}]}"#

private func experiment(data: String = twoGroups, _ extra: String = "") -> String {
  #"{"experiments": [{"name": "a", "data": \#(data)\#(extra)}]}"#
}

/// d-dimensional experiment files: what they decode to, and every refusal with its exact message.
@Suite struct MultivariateConfigTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var json: String
    var message: String
    var testDescription: String { message }
  }

  static let errorCases: [Case] = [
    Case(
      json: experiment(data: #"{"generate": [\#(group2), {"mean": [1, 2], "covariance": [[1, 0.5], [0.4, 1]], "count": 40}]}"#),
      message: "c.json:1:148: experiments[0].data.generate[1].covariance is not symmetric: entry (1, 2) is 0.5 but (2, 1) is 0.4; a covariance must be symmetric positive definite"),
    Case(
      json: experiment(data: #"{"generate": [\#(group2), {"mean": [1, 2], "covariance": [[1, 2], [2, 1]], "count": 40}]}"#),
      message: "c.json:1:148: experiments[0].data.generate[1].covariance is not positive definite (a variance must be > 0 and every correlation within (−1, 1)); a covariance must be symmetric positive definite"),
    Case(
      json: experiment(data: #"{"generate": [\#(group2), {"mean": [1, 2, 3], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 40}]}"#),
      message: "c.json:1:117: experiments[0].data.generate[1] has 3 coordinates but generate[0] has 2; every group of an experiment needs the same dimension"),
    Case(
      json: experiment(data: #"{"generate": [\#(group2), {"mean": 1, "sd": 2, "count": 40}]}"#),
      message: "c.json:1:117: experiments[0].data.generate[1] has 1 coordinate but generate[0] has 2; every group of an experiment needs the same dimension"),
    Case(
      json: experiment(data: #"{"generate": [{"mean": [1, 2], "sd": 1, "count": 40}]}"#),
      message: #"c.json:1:77: experiments[0].data.generate[0].sd goes with a one-dimensional mean; a mean vector needs "covariance": [[…], …] instead"#),
    Case(
      json: experiment(data: #"{"generate": [{"mean": [1, 2], "count": 40}]}"#),
      message: #"c.json:1:54: experiments[0].data.generate[0].covariance is missing; add "covariance": a 2 × 2 symmetric positive definite matrix, e.g. [[1, 0], [0, 1]]"#),
    Case(
      json: experiment(data: #"{"csv": "d.csv", "column": "a", "columns": ["a", "b"]}"#),
      message: #"c.json:1:83: experiments[0].data.columns and "column" are both given; keep "column" for one column or "columns" for several"#),
    Case(
      json: experiment(data: #"{"csv": "d.csv", "columns": ["a", "b", "a"]}"#),
      message: #"c.json:1:79: experiments[0].data.columns[2] repeats columns[0] "a"; name each column once"#),
    Case(
      json: experiment(data: #"{"csv": "d.csv", "columns": []}"#),
      message: "c.json:1:68: experiments[0].data.columns must be an array of 1 to 50 header names or 0-based column indices, got an empty array"),
    Case(
      json: experiment(#", "fit": {"covariance": "fulll"}"#),
      message: #"c.json:1:208: experiments[0].fit.covariance must be "full", "tied", "diag", "spherical", an array of them, or "all", got the string "fulll"; did you mean "full"?"#),
    Case(
      json: experiment(#", "fit": {"covariance": ["full", "diagonal"]}"#),
      message: #"c.json:1:217: experiments[0].fit.covariance[1] must be "full", "tied", "diag", "spherical", an array of them, or "all", got the string "diagonal""#),
    Case(
      json: experiment(#", "fit": {"init": "quantiles"}"#),
      message: #"c.json:1:202: experiments[0].fit.init "quantiles" is one-dimensional and the data has 2 columns; use "kmeans++" or "random" or "groups""#),
    Case(
      json: experiment(#", "fit": {"covariance": "diag", "init": {"weights": [0.5, 0.5], "means": [[0, 0], [1, 1]], "covariances": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]}}"#),
      message: #"c.json:1:290: experiments[0].fit.init.covariances must be 2 arrays of 2 variances (one per component), scikit-learn's covariances_ for "diag", got matrices per component (full's shape); set fit.covariance to the start's type or reshape it"#),
    Case(
      json: experiment(#", "fit": {"covariance": "tied", "init": {"weights": [0.5, 0.5], "means": [[0, 0], [1, 1]], "covariances": [1, 2]}}"#),
      message: #"c.json:1:290: experiments[0].fit.init.covariances must be one 2 × 2 matrix (shared by the components), scikit-learn's covariances_ for "tied", got one number per component (spherical's shape); set fit.covariance to the start's type or reshape it"#),
    Case(
      json: experiment(#", "fit": {"init": {"weights": [0.5, 0.5], "means": [[0, 0], [1]], "covariances": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]}}"#),
      message: "c.json:1:244: experiments[0].fit.init.means[1] must be an array of 2 numbers, got an array of 1 value"),
    Case(
      json: experiment(#", "fit": {"covariance": "spherical", "init": {"weights": [0.5, 0.5], "means": [[0, 0], [1, 1]], "covariances": [1, -2]}}"#),
      message: "c.json:1:229: experiments[0].fit.init: covariance 2 is not positive definite (a variance must be > 0 and every correlation within (−1, 1))"),
    Case(
      json: experiment(#", "fit": {"covariance": ["full", "tied"], "init": {"weights": [0.5, 0.5], "means": [[0, 0], [1, 1]], "covariances": [1, 2]}}"#),
      message: #"c.json:1:234: experiments[0].fit.init with explicit parameters fits one covariance type, but fit.covariance asks for 2; give one type, or use "kmeans++""#),
    Case(
      json: experiment(data: #"{"generate": [\#(group2)], "labels": ["x"]}"#),
      message: "c.json:1:128: experiments[0].data.labels must be an array of 2 short names (one per column), got an array of 1 value"),
    Case(
      json: experiment(data: #"{"generate": [\#(group2)], "label": "x"}"#),
      message: #"c.json:1:127: experiments[0].data.label names one axis; with 2 columns give "labels": [2 names]"#),
    Case(
      json: experiment(data: #"{"generate": [{"mean": 1, "sd": 2, "count": 40}], "labels": ["x"]}"#),
      message: #"c.json:1:100: experiments[0].data.labels names the axes of several columns; with one, use "label""#),
  ]

  @Test(arguments: errorCases)
  func refusalsNameThePlaceAndTheFix(_ c: Case) {
    #expect(throws: InputError.self) { try ReportConfig.decode(c.json, file: "c.json") }
    do {
      _ = try ReportConfig.decode(c.json, file: "c.json")
    } catch {
      #expect(error.description == c.message)
    }
  }

  @Test func generatedGroupsInTwoDimensionsDecodeWithDefaults() throws {
    let e = try ReportConfig.decode(experiment(), file: "c.json").experiments[0]
    #expect(e.dimension == 2)
    #expect(e.labels == ["x1", "x2"])
    #expect(e.fit.covarianceTypes == [.full])
    #expect(e.fit.initialization == .groups)
    let groups = try #require(e.data.groups)
    #expect(groups[1].means == [4, 1] && groups[1].covariance == [2, 0.5, 0.5, 1] && groups[1].count == 40)
  }

  @Test func columnsLabelsTypesAndAnExplicitStartAreRead() throws {
    let config = experiment(
      data: #"{"csv": "d.csv", "columns": ["a", 2], "labels": ["A (cm)", "C"]}"#,
      #", "fit": {"components": 2, "covariance": "diag", "init": {"weights": [0.25, 0.75], "means": [[0, 1], [2, 3]], "covariances": [[1, 2], [3, 4]]}}"#)
    let e = try ReportConfig.decode(config, file: "c.json").experiments[0]
    guard case .csv(_, _, let columns, _, _) = e.data else {
      Issue.record("expected CSV data")
      return
    }
    #expect(columns == [.name("a"), .index(2)])
    #expect(e.labels == ["A (cm)", "C"])
    // Without labels, a column given by index is named by its header when the file is read.
    let unnamed = try ReportConfig.decode(experiment(data: #"{"csv": "d.csv", "columns": ["a", 2]}"#), file: "c.json")
    #expect(unnamed.experiments[0].labels == ["a", ""])
    #expect(e.fit.covarianceTypes == [.diag])
    guard case .explicitMultivariate(let m) = e.fit.initialization else {
      Issue.record("expected an explicit d-dimensional start")
      return
    }
    #expect(m.covarianceType == .diag && m.weights == [0.25, 0.75] && m.means == [[0, 1], [2, 3]])
    #expect(m.covarianceParameters == .diag([[1, 2], [3, 4]]))
    // "all" is the four types in scikit-learn's order; CSV data in d dimensions starts from k-means++.
    let all = try ReportConfig.decode(experiment(data: #"{"csv": "d.csv", "columns": ["a", "b"]}"#, #", "fit": {"covariance": "all"}"#), file: "c.json")
    #expect(all.experiments[0].fit.covarianceTypes == [.full, .tied, .diag, .spherical])
    #expect(all.experiments[0].fit.initialization == .kMeansPlusPlus)
    #expect(all.experiments[0].labels == ["a", "b"])
  }

  /// The work limit counts every type and a d-dimensional point's cost.
  @Test func theWorkLimitCountsTypesAndDimensions() throws {
    let config = experiment(#", "fit": {"components": {"from": 1, "to": 10}, "covariance": "all", "restarts": 100, "epochs": 10000}"#)
    #expect(throws: InputError.self) { try ReportConfig.decode(config, file: "c.json") }
    var fit = FitConfig(components: 1...2, initialization: .kMeansPlusPlus)
    fit.epochs = 10
    let one = fit.work(n: 1000)
    fit.dimension = 4
    fit.covarianceTypes = CovarianceType.allCases
    #expect(fit.work(n: 1000) == one * 4 * 10)
  }
}

/// `"rng": "numpy"`: generated 1-D data is numpy's `np.random.seed(seed)` then
/// `np.random.normal` per group, bit for bit (`Tests/Fixtures/numpy-rng.json`).
@Suite struct NumpyDataTests {
  @Test func theArticleNumpyExampleDrawsNumpysData() throws {
    let path = repositoryPath("examples/article-numpy.json")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let experiment = try ReportConfig.decode(text, file: path).experiments[0]
    #expect(experiment.rng == .numpy && experiment.seed == 0)
    let outcome = try ExperimentRunner.run(experiment, index: 0, configFile: path, files: FileAccess())
    let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repositoryPath("Tests/Fixtures/numpy-rng.json")))) as? [String: Any])
    let article = try #require(root["article"] as? [String: Any])
    let values = try #require(article["values"] as? [String]).compactMap(Double.init)
    #expect(values.count == 800)
    #expect(outcome.data.map(\.bitPattern) == values.map(\.bitPattern))
  }

  @Test func numpyIsRefusedWhereItCannotBeExact() {
    let cases: [(String, String)] = [
      (#"{"experiments": [{"name": "a", "rng": "numpy", "data": {"generate": [{"mean": [0, 0], "covariance": [[1, 0], [0, 1]], "count": 5}]}}]}"#,
       #"experiments[0].rng "numpy" reproduces np.random.normal in one dimension only; numpy draws d-dimensional groups through multivariate_normal's SVD, which is not matched bit for bit yet: use "xoshiro""#),
      (#"{"experiments": [{"name": "a", "rng": "numpy", "data": {"csv": "d.csv"}}]}"#,
       #"experiments[0].rng chooses the generator of generated data; this experiment reads a CSV file: remove "rng""#),
      (#"{"experiments": [{"name": "a", "seed": 4294967296, "rng": "numpy", "data": {"generate": [{"mean": 0, "sd": 1, "count": 5}]}}]}"#,
       #"experiments[0].seed is 4294967296, but np.random.seed takes 0 to 4294967295; use a seed in that range with "rng": "numpy""#),
      (#"{"experiments": [{"name": "a", "rng": "nmpy", "data": {"generate": [{"mean": 0, "sd": 1, "count": 5}]}}]}"#,
       #"experiments[0].rng must be "xoshiro" or "numpy", got the string "nmpy"; did you mean "numpy"?"#),
    ]
    for (json, message) in cases {
      do {
        _ = try ReportConfig.decode(json, file: "c.json")
        Issue.record("expected an error for \(json)")
      } catch {
        #expect(error.description.hasSuffix(message), "\(error.description)")
      }
    }
  }
}

/// The tutorial's own Python code with `np.random.seed(s)` prepended
/// (`scripts/article_em.py` → `Tests/Fixtures/article-numpy.json`) and our run of
/// `examples/article-numpy.json` with that seed: the same 20 log-likelihoods and final
/// parameters, to 1e-12 relative.
@Suite struct ArticleNumpyTests {
  @Test(arguments: [0, 1, 42])
  func theTutorialsCodeAndOursAgree(seed: Int) throws {
    let root = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repositoryPath("Tests/Fixtures/article-numpy.json"))))
        as? [String: Any])
    let runs = try #require(root["runs"] as? [[String: Any]])
    let reference = try #require(runs.first { $0["seed"] as? Int == seed })
    let path = repositoryPath("examples/article-numpy.json")
    var experiment = try ReportConfig.decode(try String(contentsOfFile: path, encoding: .utf8), file: path).experiments[0]
    experiment.seed = UInt64(seed)
    let outcome = try ExperimentRunner.run(experiment, index: 0, configFile: path, files: FileAccess())
    let ours = outcome.em.epochs.map(\.logLikelihood)
    let theirs = try #require(reference["logLikelihoods"] as? [Double])
    #expect(ours.count == 20 && theirs.count == 20)
    for (a, b) in zip(ours, theirs) { #expect(abs(a - b) <= 1e-12 * abs(b), "seed \(seed): \(a) vs \(b)") }
    let fitted = outcome.em.fitted
    for (key, values) in [("weights", fitted.weights), ("means", fitted.means), ("sds", fitted.sds)] {
      let expected = try #require(reference[key] as? [Double])
      for (a, b) in zip(values, expected) { #expect(abs(a - b) <= 1e-12 * abs(b), "seed \(seed) \(key): \(a) vs \(b)") }
    }
  }
}
