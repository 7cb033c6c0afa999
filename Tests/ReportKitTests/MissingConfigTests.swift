import Foundation
import MixtureModels
import Testing

@testable import ReportKit

/// Issue 14's keys: `data.missing: "model"` for CSV columns (d ≥ 2) and `data.hide` for
/// generated data, with the exact messages for what they refuse.
@Suite struct MissingConfigTests {
  static let group2 = #"{"mean": [0, 0], "covariance": [[1, 0.5], [0.5, 1]], "count": 100}"#

  static func decoded(_ data: String) -> Result<ReportConfig, InputError> {
    let text = #"{"experiments": [{"name": "m", "data": \#(data)}]}"#
    do {
      return .success(try InputDecoding.config(Array(text.utf8), file: "c.json"))
    } catch {
      return .failure(error)
    }
  }

  static func message(_ data: String) -> String? {
    if case .failure(let error) = decoded(data) { return error.description }
    return nil
  }

  @Test func hideIsReadWithItsDefaults() throws {
    let config = try Self.decoded(#"{"generate": [\#(Self.group2)], "hide": {"fraction": 0.25}}"#).get()
    let e = try #require(config.experiments.first)
    #expect(e.hide == HideSpec(fraction: 0.25, columns: nil, mechanism: .mcar))
    #expect(e.modelsMissing)
    let mar = try Self.decoded(#"{"generate": [\#(Self.group2)], "hide": {"fraction": 0.3, "columns": [1], "mechanism": "mar"}}"#).get()
    #expect(mar.experiments.first?.hide == HideSpec(fraction: 0.3, columns: [1], mechanism: .mar))
    let csv = try Self.decoded(#"{"csv": "d.csv", "columns": ["a", "b"], "missing": "model"}"#).get()
    #expect(csv.experiments.first?.modelsMissing == true)
    #expect(try Self.decoded(#"{"csv": "d.csv", "columns": ["a", "b"], "missing": "drop"}"#).get().experiments.first?.modelsMissing == false)
  }

  @Test(arguments: [
    // "model" with one column: the hint that "drop" is the same.
    (
      #"{"csv": "d.csv", "column": "a", "missing": "model"}"#,
      #"c.json:1:83: experiments[0].data.missing "model" fits the observed coordinates of rows that miss some, which needs two or more columns: a one-dimensional row with a missing value carries nothing, so "drop" is the same; write "drop""#
    ),
    (
      #"{"csv": "d.csv", "missing": "model"}"#,
      #"c.json:1:68: experiments[0].data.missing "model" fits the observed coordinates of rows that miss some, which needs two or more columns, and without "column" or "columns" only the first column is read: list the columns to fit in "columns""#
    ),
    (
      #"{"csv": "d.csv", "columns": ["a", "b"], "hide": {"fraction": 0.2}}"#,
      #"c.json:1:88: experiments[0].data.hide only goes with "generate": a CSV file's missing cells are its own; to fit rows that miss some, set "missing": "model""#
    ),
    (
      #"{"generate": [\#(group2)], "hide": {"fraction": 1}}"#,
      #"c.json:1:144: experiments[0].data.hide.fraction must be at least 0 and below 1 (the share of cells to hide), got 1"#
    ),
    (
      #"{"generate": [\#(group2)], "hide": {"fraction": -0.1}}"#,
      #"c.json:1:144: experiments[0].data.hide.fraction must be at least 0 and below 1 (the share of cells to hide), got -0.1"#
    ),
    (
      #"{"generate": [\#(group2)], "hide": {"fraction": 0.2, "mechanism": "mnar"}}"#,
      #"c.json:1:162: experiments[0].data.hide.mechanism must be "mcar" (missing completely at random) or "mar" (missing at random: more likely the larger another column's value), got the string "mnar"; did you mean "mcar"?"#
    ),
    (
      #"{"generate": [\#(group2)], "hide": {"fraction": 0.2, "mechanism": "mar"}}"#,
      #"c.json:1:162: experiments[0].data.hide.mechanism "mar" hides a cell with a probability that rises with the row's value of a column that is never hidden; list the columns to hide in "columns" and leave at least one out"#
    ),
    (
      #"{"generate": [\#(group2)], "hide": {"fraction": 0.2, "columns": [2]}}"#,
      #"c.json:1:161: experiments[0].data.hide.columns[0] must be a 0-based coordinate from 0 to 1, got 2"#
    ),
    (
      #"{"generate": [{"mean": 0, "sd": 1, "count": 50}], "hide": {"fraction": 0.2}}"#,
      #"c.json:1:98: experiments[0].data.hide hides cells for EM with missing values, which needs two or more coordinates: a one-dimensional row with a hidden value carries nothing; remove it"#
    ),
    (
      #"{"generate": [\#(group2)], "missing": "model"}"#,
      #"c.json:1:134: experiments[0].data.missing only goes with "csv" (generated data has no missing cells; to hide some, add "hide": {"fraction": 0.2})"#
    ),
  ])
  func refusalsNameTheKeyAndWhatToDo(data: String, expected: String) {
    #expect(Self.message(data) == expected)
  }
}
