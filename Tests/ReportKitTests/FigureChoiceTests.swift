import Foundation
import Testing

@testable import ReportKit

/// The article's groups: 1-D generated data, two groups.
private let oneD = #"{"generate": [{"mean": 2, "sd": 1, "count": 200}, {"mean": -1, "sd": 0.8, "count": 600}]}"#
/// Two 2-D groups.
private let twoD = #"{"generate": [{"mean": [0, 0], "covariance": [[1, 0], [0, 1]], "count": 50}, {"mean": [4, 1], "covariance": [[2, 0.5], [0.5, 1]], "count": 40}]}"#
/// Two 3-D groups.
private let threeD = #"{"generate": [{"mean": [0, 0, 0], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 50}, {"mean": [4, 1, 2], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 40}]}"#

/// One experiment named "a" on `data` with `extra` members after it.
private func experiment(_ data: String = oneD, _ extra: String = "") -> String {
  #"{"experiments": [{"name": "a", "data": \#(data)\#(extra)}]}"#
}

/// The figure keys of an experiment (`figures`, `titles`, `boundParameter`, `stepEpochs`)
/// and `kde.fitCurve`: exact messages for mistakes, and what valid files decode to.
@Suite struct FigureChoiceTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var json: String
    var message: String
    var testDescription: String { message }
  }

  static let oneDFigures = #""density", "log-likelihood", "fit", "components", "bound", "steps""#
  static let twoDFigures = #""clusters", "density", "fit", "uncertainty", "log-likelihood", "steps""#

  static let errorCases: [Case] = [
    // figures
    Case(
      json: experiment(oneD, #", "figures": ["density", "boundd"]"#),
      message: #"c.json:1:154: experiments[0].figures[1] must be a figure id, one of \#(oneDFigures), got the string "boundd"; did you mean "bound"?"#),
    Case(
      json: experiment(oneD, #", "figures": ["density", 3]"#),
      message: #"c.json:1:154: experiments[0].figures[1] must be a figure id, one of \#(oneDFigures), got 3"#),
    Case(
      json: experiment(twoD, #", "figures": ["clusters", "bound"]"#),
      message: #"c.json:1:210: experiments[0].figures[1] "bound" varies one mean of a one-dimensional mixture; this experiment has 2 dimensions; this experiment's figures: \#(twoDFigures)"#),
    Case(
      json: experiment(threeD, #", "figures": ["bound"]"#),
      message: #"c.json:1:234: experiments[0].figures[0] "bound" varies one mean of a one-dimensional mixture; this experiment has 3 dimensions; this experiment's figures: "pairs", "log-likelihood", "steps""#),
    Case(
      json: experiment(twoD, #", "figures": ["components"]"#),
      message: #"c.json:1:198: experiments[0].figures[0] "components" is not drawn for 2-dimensional data; this experiment's figures: \#(twoDFigures)"#),
    Case(
      json: experiment(twoD, #", "figures": ["missingness"]"#),
      message: #"c.json:1:198: experiments[0].figures[0] "missingness" shows which cells are missing; this experiment models none: set data.missing to "model" (CSV) or data.hide (generated data); this experiment's figures: \#(twoDFigures)"#),
    Case(
      json: experiment(oneD, #", "figures": ["missingness"]"#),
      message: #"c.json:1:143: experiments[0].figures[0] "missingness" is not drawn for one-dimensional data; this experiment's figures: \#(oneDFigures)"#),
    Case(
      json: experiment(oneD, #", "figures": ["clusters"]"#),
      message: #"c.json:1:143: experiments[0].figures[0] "clusters" is not drawn for one-dimensional data; this experiment's figures: \#(oneDFigures)"#),
    Case(
      json: experiment(oneD, #", "figures": ["fit", "selection"]"#),
      message: #"c.json:1:150: experiments[0].figures[1] "selection" needs a choice to show: give fit.components a range {"from", "to"} or several fit.covariance types; this experiment's figures: \#(oneDFigures)"#),
    Case(
      json: experiment(oneD, #", "figures": ["fit", "steps", "fit"]"#),
      message: #"c.json:1:159: experiments[0].figures[2] "fit" is listed twice; list each figure once"#),
    Case(
      json: experiment(oneD, #", "figures": []"#),
      message: #"c.json:1:142: experiments[0].figures must be a non-empty array of figure ids (\#(oneDFigures)), got an empty array"#),
    Case(
      json: experiment(oneD, #", "figures": "fit""#),
      message: #"c.json:1:142: experiments[0].figures must be a non-empty array of figure ids (\#(oneDFigures)), got the string "fit""#),
    // titles
    Case(
      json: experiment(oneD, #", "titles": {"bound": "The bound"}"#),
      message: #"c.json:1:142: experiments[0].titles.bound titles a figure this experiment does not draw; add "figures": ["density", "log-likelihood", "fit", "components", "bound"] (the default figures and "bound") or remove the title"#),
    Case(
      json: experiment(oneD, #", "figures": ["fit"], "titles": {"density": "D"}"#),
      message: #"c.json:1:162: experiments[0].titles.density titles a figure this experiment does not draw; add "density" to "figures" or remove the title"#),
    Case(
      json: experiment(oneD, #", "titles": {"fitt": "F"}"#),
      message: #"c.json:1:142: experiments[0].titles.fitt must be a figure id, one of \#(oneDFigures), got the string "fitt"; did you mean "fit"?"#),
    Case(
      json: experiment(twoD, #", "titles": {"bound": "B"}"#),
      message: #"c.json:1:197: experiments[0].titles.bound "bound" varies one mean of a one-dimensional mixture; this experiment has 2 dimensions; this experiment's figures: \#(twoDFigures)"#),
    Case(
      json: experiment(oneD, #", "titles": {"fit": 3}"#),
      message: "c.json:1:149: experiments[0].titles.fit must be a non-empty title of at most 200 characters, got 3"),
    Case(
      json: experiment(oneD, #", "titles": {"fit": ""}"#),
      message: #"c.json:1:149: experiments[0].titles.fit must be a non-empty title of at most 200 characters, got the string """#),
    Case(
      json: experiment(oneD, #", "titles": {"fit": "   "}"#),
      message: #"c.json:1:149: experiments[0].titles.fit must be a non-empty title of at most 200 characters, got the string "   ""#),
    Case(
      json: experiment(oneD, #", "titles": ["fit"]"#),
      message: #"c.json:1:141: experiments[0].titles must be an object of figure id → title, e.g. {"fit": "…"}, got an array of 1 value"#),
    // boundParameter
    Case(
      json: experiment(oneD, #", "figures": ["bound"], "boundParameter": {"component": 0}"#),
      message: "c.json:1:185: experiments[0].boundParameter.component must be a component from 1 to 2 (the smallest K fitted), got 0"),
    Case(
      json: experiment(oneD, #", "figures": ["bound"], "boundParameter": {"component": 3}"#),
      message: "c.json:1:185: experiments[0].boundParameter.component must be a component from 1 to 2 (the smallest K fitted), got 3"),
    Case(
      json: experiment(oneD, #", "fit": {"components": {"from": 2, "to": 4}}, "figures": ["bound"], "boundParameter": {"component": 3}"#),
      message: "c.json:1:230: experiments[0].boundParameter.component must be a component from 1 to 2 (the smallest K fitted), got 3"),
    Case(
      json: experiment(oneD, #", "fit": {"components": 1}, "figures": ["bound"], "boundParameter": {"component": 2}"#),
      message: "c.json:1:211: experiments[0].boundParameter.component must be 1 (the fit has one component), got 2"),
    Case(
      json: experiment(oneD, #", "figures": ["bound"], "boundParameter": {"component": 1.5}"#),
      message: "c.json:1:185: experiments[0].boundParameter.component must be a component from 1 to 2 (the smallest K fitted), got 1.5"),
    Case(
      json: experiment(oneD, #", "boundParameter": {"component": 1}"#),
      message: #"c.json:1:149: experiments[0].boundParameter sets up the "bound" figure, which this experiment does not draw; add "figures": ["density", "log-likelihood", "fit", "components", "bound"] (the default figures and "bound")"#),
    Case(
      json: experiment(oneD, #", "figures": ["bound"], "boundParameter": {}"#),
      message: #"c.json:1:171: experiments[0].boundParameter.component is missing; add "component": k, the 1-based component whose mean the figure varies"#),
    Case(
      json: experiment(oneD, #", "figures": ["bound"], "boundParameter": {"components": 1}"#),
      message: #"c.json:1:172: experiments[0].boundParameter.components is not a known key; did you mean "component"?"#),
    Case(
      json: experiment(oneD, #", "figures": ["bound"], "boundParameter": 1"#),
      message: #"c.json:1:171: experiments[0].boundParameter must be an object {"component": k}, got 1"#),
    // stepEpochs
    Case(
      json: experiment(oneD, #", "figures": ["steps"], "stepEpochs": [0, 5, 5]"#),
      message: "c.json:1:174: experiments[0].stepEpochs[2] is 5, not after 5; list the epochs in increasing order, each once"),
    Case(
      json: experiment(oneD, #", "figures": ["steps"], "stepEpochs": [3, 1]"#),
      message: "c.json:1:171: experiments[0].stepEpochs[1] is 1, not after 3; list the epochs in increasing order, each once"),
    Case(
      json: experiment(oneD, #", "fit": {"epochs": 20}, "figures": ["steps"], "stepEpochs": [0, 30]"#),
      message: "c.json:1:194: experiments[0].stepEpochs[1] must be an epoch from 0 to fit.epochs (20), got 30"),
    Case(
      json: experiment(oneD, #", "figures": ["steps"], "stepEpochs": [-1]"#),
      message: "c.json:1:168: experiments[0].stepEpochs[0] must be an epoch from 0 to fit.epochs (100), got -1"),
    Case(
      json: experiment(oneD, #", "stepEpochs": [0, 1]"#),
      message: #"c.json:1:145: experiments[0].stepEpochs chooses the "steps" figure's epochs, but this experiment does not draw it; add "figures": ["density", "log-likelihood", "fit", "components", "steps"] (the default figures and "steps")"#),
    Case(
      json: experiment(oneD, #", "figures": ["steps"], "stepEpochs": []"#),
      message: "c.json:1:167: experiments[0].stepEpochs must be an array of 1 to 12 increasing epochs (0 is the start), got an empty array"),
    Case(
      json: experiment(oneD, #", "figures": ["steps"], "stepEpochs": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"#),
      message: "c.json:1:167: experiments[0].stepEpochs must be an array of 1 to 12 increasing epochs (0 is the start), got an array of 13 values"),
    // kde.fitCurve
    Case(
      json: experiment(oneD, #", "kde": {"fitCurve": "dat"}"#),
      message: #"c.json:1:151: experiments[0].kde.fitCurve must be "grid" (smooth curves on the density grid) or "data" (at the sorted data points, as the tutorial), got the string "dat"; did you mean "data"?"#),
    Case(
      json: experiment(oneD, #", "kde": {"fitCurve": true}"#),
      message: #"c.json:1:151: experiments[0].kde.fitCurve must be "grid" (smooth curves on the density grid) or "data" (at the sorted data points, as the tutorial), got true"#),
  ]

  @Test(arguments: errorCases)
  func invalidFigureChoiceGivesExactMessage(_ c: Case) {
    #expect(throws: InputError.self) { try ReportConfig.decode(c.json, file: "c.json") }
    do {
      _ = try ReportConfig.decode(c.json, file: "c.json")
    } catch {
      #expect(error.description == c.message)
      // One line, naming the key path.
      #expect(!error.description.contains("\n"))
      #expect(error.message.hasPrefix("experiments[0]."))
    }
  }

  // MARK: Valid files

  static func decoded(_ data: String, _ extra: String = "") throws -> ExperimentConfig {
    try ReportConfig.decode(experiment(data, extra), file: "c.json").experiments[0]
  }

  @Test func defaultFiguresDependOnTheDimensionAndTheChoiceOfK() throws {
    let one = try Self.decoded(oneD)
    #expect(one.figures == nil)
    #expect(one.figureIDs == [.density, .logLikelihood, .fit, .components])
    #expect(one.figureIDs.map(\.rawValue) == ["density", "log-likelihood", "fit", "components"])
    let oneRange = try Self.decoded(oneD, #", "fit": {"components": {"from": 1, "to": 3}}"#)
    #expect(oneRange.figureIDs == [.density, .logLikelihood, .fit, .components, .selection])
    let two = try Self.decoded(twoD)
    #expect(two.figureIDs == [.clusters, .density, .fit, .uncertainty, .logLikelihood])
    let twoTypes = try Self.decoded(twoD, #", "fit": {"covariance": ["full", "diag"]}"#)
    #expect(twoTypes.figureIDs == [.clusters, .density, .fit, .uncertainty, .logLikelihood, .selection])
    let three = try Self.decoded(threeD)
    #expect(three.figureIDs == [.pairs, .logLikelihood])
    let threeRange = try Self.decoded(threeD, #", "fit": {"components": {"from": 1, "to": 2}}"#)
    #expect(threeRange.figureIDs == [.pairs, .logLikelihood, .selection])
    // Nothing else changes by default.
    for e in [one, two, three] {
      #expect(e.titles.isEmpty && e.boundComponent == 0 && e.stepEpochs == nil)
    }
  }

  @Test func chosenFiguresKeepTheirOrderAndTitlesAreStored() throws {
    let e = try Self.decoded(
      oneD, #", "figures": ["steps", "fit", "bound"], "titles": {"fit": "Density Estimation of X", "steps": "  EM, step by step  "}"#)
    #expect(e.figures == [.steps, .fit, .bound])
    #expect(e.figureIDs == [.steps, .fit, .bound])
    #expect(e.titles == [.fit: "Density Estimation of X", .steps: "  EM, step by step  "])
    // A title for a default figure needs no "figures".
    let d = try Self.decoded(oneD, #", "titles": {"log-likelihood": "Log-Likelihood vs. Epoch"}"#)
    #expect(d.figures == nil && d.titles == [.logLikelihood: "Log-Likelihood vs. Epoch"])
    // 200 characters are allowed, 201 are not.
    let long = String(repeating: "t", count: 200)
    #expect(try Self.decoded(oneD, #", "titles": {"fit": "\#(long)"}"#).titles[.fit] == long)
    #expect(throws: InputError.self) { try Self.decoded(oneD, #", "titles": {"fit": "\#(long)t"}"#) }
  }

  @Test func boundParameterIsOneBasedInTheFileAndZeroBasedInTheConfig() throws {
    let second = try Self.decoded(oneD, #", "figures": ["bound"], "boundParameter": {"component": 2}"#)
    #expect(second.boundComponent == 1)
    let first = try Self.decoded(oneD, #", "figures": ["bound", "steps"], "boundParameter": {"component": 1}"#)
    #expect(first.boundComponent == 0)
    // With a range of K the smallest K bounds it.
    let ranged = try Self.decoded(oneD, #", "fit": {"components": {"from": 2, "to": 4}}, "figures": ["bound", "selection"], "boundParameter": {"component": 2}"#)
    #expect(ranged.boundComponent == 1 && ranged.figureIDs == [.bound, .selection])
  }

  @Test func stepEpochsAreStoredAsGiven() throws {
    let e = try Self.decoded(oneD, #", "fit": {"epochs": 50}, "figures": ["steps"], "stepEpochs": [0, 3, 50]"#)
    #expect(e.stepEpochs == [0, 3, 50])
    let two = try Self.decoded(twoD, #", "figures": ["steps", "clusters"], "stepEpochs": [1]"#)
    #expect(two.stepEpochs == [1] && two.figureIDs == [.steps, .clusters])
    let twelve = try Self.decoded(oneD, #", "figures": ["steps"], "stepEpochs": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"#)
    #expect(twelve.stepEpochs == Array(0...11))
  }

  @Test func fitCurveDefaultsToTheGrid() throws {
    #expect(try Self.decoded(oneD).kde.fitCurve == .grid)
    #expect(try Self.decoded(oneD, #", "kde": {"bandwidth": "scott"}"#).kde.fitCurve == .grid)
    #expect(try Self.decoded(oneD, #", "kde": {"fitCurve": "grid"}"#).kde.fitCurve == .grid)
    #expect(try Self.decoded(oneD, #", "kde": {"fitCurve": "data"}"#).kde.fitCurve == .data)
  }

  /// The article example draws every 1-D figure, the fit at the data points, with its titles.
  @Test func theArticleExampleChoosesItsFigures() throws {
    let text = try String(contentsOfFile: repositoryPath("examples/article.json"), encoding: .utf8)
    let e = try ReportConfig.decode(text, file: "examples/article.json").experiments[0]
    #expect(e.figureIDs == [.density, .logLikelihood, .fit, .components, .bound, .steps])
    #expect(e.kde.fitCurve == .data)
    #expect(e.titles == [.density: "Density Estimation of X", .logLikelihood: "Log-Likelihood vs. Epoch", .fit: "Density Estimation of X"])
    #expect(e.boundComponent == 0 && e.stepEpochs == nil)
  }
}
