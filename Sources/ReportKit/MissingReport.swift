import MixtureModels

/// What a report shows of a fit with missing values (issue 14): per column the cells
/// missing, the rows' patterns, the fit beside complete-case analysis and the truth, and the
/// imputation errors; the same in results.json and the imputed cells' CSV.
enum MissingReport {
  /// Patterns shown in the page's table; the rest are counted in a line below it.
  static let patternRowLimit = 12

  static func share(_ count: Int, of total: Int) -> String {
    total == 0 ? "–" : Display.number(100 * Double(count) / Double(total), decimals: 1) + " %"
  }

  /// The sentence above the tables.
  static func text(_ m: MissingOutcome, dimension d: Int, kept: Int) -> String {
    let cells = m.missingPerColumn.reduce(0, +)
    var parts = [
      "\(Display.count(cells)) of \(Display.count(m.rows * d)) cells (\(share(cells, of: m.rows * d))) are missing in \(Display.count(m.rows)) rows"
    ]
    if !m.droppedRows.isEmpty {
      parts.append(
        "\(Display.count(m.droppedRows.count)) row\(m.droppedRows.count == 1 ? "" : "s") observed nothing and \(m.droppedRows.count == 1 ? "was" : "were") dropped (row\(m.droppedRows.count == 1 ? "" : "s") \(m.droppedRows.prefix(10).map { String($0 + 1) }.joined(separator: ", "))\(m.droppedRows.count > 10 ? ", …" : ""))")
    }
    parts.append("\(Display.count(m.completeRows)) of the \(Display.count(kept)) rows kept are complete")
    return parts.joined(separator: "; ")
      + ". EM fits every kept row by the likelihood of its observed cells (the E-step fills each missing cell with its conditional mean and adds its conditional covariance to the M-step's sums); the figures draw each missing cell at its conditional mean."
  }

  static func context(_ o: MultivariateOutcome, _ m: MissingOutcome) -> [String: Any] {
    let d = o.sample.dimension, labels = o.labels
    let fitted = o.em.fitted
    let columns: [[String: Any]] = (0..<d).map { j in
      ["label": labels[j], "missing": Display.count(m.missingPerColumn[j]), "share": share(m.missingPerColumn[j], of: m.rows)]
    }
    let kept = m.patterns.reduce(0) { $0 + $1.count }
    let patterns: [[String: Any]] = m.patterns.prefix(patternRowLimit).map { p in
      ["cells": p.observed.map { ["mark": $0 ? "●" : "○"] }, "count": Display.count(p.count), "share": share(p.count, of: kept)]
    }
    let more = m.patterns.count > patternRowLimit
      ? "\(m.patterns.count - patternRowLimit) more pattern\(m.patterns.count - patternRowLimit == 1 ? "" : "s") with \(Display.count(m.patterns.dropFirst(patternRowLimit).reduce(0) { $0 + $1.count })) rows in all."
      : ""
    // Each fitted component beside the complete-case component and the true group it matches.
    let scales = o.summaries.map(\.sd)
    let completeCase = try? m.completeCase.get()
    let ccMatch = completeCase.map { HTMLReport.matchGroups($0, fitted, scales: scales) } ?? []
    let truth = o.trueMixture
    let trueMatch = truth.map { HTMLReport.matchGroups($0, fitted, scales: scales) } ?? []
    func cell(_ model: MultivariateMixture?, _ j: Int?, _ value: (MultivariateMixture, Int) -> Double) -> String {
      guard let model, let j, j < model.componentCount else { return "–" }
      return Display.number(value(model, j), significant: 4)
    }
    let comparison: [[String: Any]] = (0..<fitted.componentCount).map { j in
      let c = j < ccMatch.count ? ccMatch[j] : nil, t = j < trueMatch.count ? trueMatch[j] : nil
      var rows: [[String: Any]] = [
        ["what": "weight", "em": cell(fitted, j) { $0.weights[$1] }, "completeCase": cell(completeCase, c) { $0.weights[$1] }, "truth": cell(truth, t) { $0.weights[$1] }]
      ]
      for a in 0..<d {
        rows.append([
          "what": "mean of \(labels[a])", "em": cell(fitted, j) { $0.mean($1)[a] }, "completeCase": cell(completeCase, c) { $0.mean($1)[a] },
          "truth": cell(truth, t) { $0.mean($1)[a] },
        ])
      }
      for a in 0..<d {
        let sd: (MultivariateMixture, Int) -> Double = { $0.covariance($1)[a * d + a].squareRoot() }
        rows.append(["what": "sd of \(labels[a])", "em": cell(fitted, j, sd), "completeCase": cell(completeCase, c, sd), "truth": cell(truth, t, sd)])
      }
      return ["component": String(j + 1), "rows": rows]
    }
    let completeCaseText: String
    switch m.completeCase {
    case .success:
      completeCaseText =
        "Beside EM on every kept row: the same K and covariance type fitted to the \(Display.count(m.completeRows)) complete rows only (complete-case analysis, what mclust does with incomplete rows)\(truth == nil ? "" : ", and the generating groups")."
    case .failure(let failure):
      completeCaseText = "Complete-case analysis (the complete rows only) is not shown: \(failure.reason)."
    }
    var rmseText = ""
    if let rmse = m.rmse {
      rmseText =
        "Against the \(Display.count(m.imputed.count)) hidden values: EM's conditional means have a root mean square error of \(Display.number(rmse.em, significant: 4)); filling each cell with its column's observed mean (mean imputation), \(Display.number(rmse.meanImputation, significant: 4))."
    }
    return [
      "text": text(m, dimension: d, kept: kept), "columns": columns, "patterns": patterns, "patternsMore": more,
      "hasPatternsMore": !more.isEmpty, "comparison": comparison, "comparisonText": completeCaseText, "hasTruth": truth != nil,
      "rmseText": rmseText, "hasRMSE": !rmseText.isEmpty,
    ]
  }

  /// `data/<experiment>-imputed.csv`: every missing cell of a kept row, its conditional
  /// mean and sd at the fit, and the hidden truth (empty for real data). `row` is 1-based
  /// among all data rows (the header not counted).
  static func imputedCSV(_ o: MultivariateOutcome, _ m: MissingOutcome) -> String {
    var out = "row,column,mean,sd,truth\n"
    for (index, cell) in m.imputed.enumerated() {
      let truth = m.truth.map { Display.exact($0[index]) } ?? ""
      out += "\(cell.row + 1),\(ResultsDocument.csvCell(o.labels[cell.coordinate])),\(Display.exact(cell.mean)),\(Display.exact(cell.sd)),\(truth)\n"
    }
    return out
  }

  /// results.json's `missing` object.
  static func json(_ o: MultivariateOutcome, _ m: MissingOutcome) -> JSONOutput {
    let d = o.sample.dimension
    var members: [JSONOutputMember] = [
      JSONOutputMember("rows", .int(m.rows)),
      JSONOutputMember("keptRows", .int(m.patterns.reduce(0) { $0 + $1.count })),
      JSONOutputMember("droppedRows", .array(m.droppedRows.map { .int($0 + 1) })),
      JSONOutputMember("completeRows", .int(m.completeRows)),
      JSONOutputMember("missingCells", .int(m.missingPerColumn.reduce(0, +))),
      JSONOutputMember(
        "columns",
        .array((0..<d).map { j in .object([JSONOutputMember("column", .string(o.labels[j])), JSONOutputMember("missing", .int(m.missingPerColumn[j]))]) })),
      JSONOutputMember(
        "patterns",
        .array(
          m.patterns.map { p in
            .object([
              JSONOutputMember("observed", .array((0..<d).filter { p.observed[$0] }.map { .string(o.labels[$0]) })),
              JSONOutputMember("rows", .int(p.count)),
            ])
          })),
    ]
    switch m.completeCase {
    case .success(let c):
      members.append(
        JSONOutputMember(
          "completeCase",
          .object([
            JSONOutputMember("weights", .array(c.weights.map { .number($0) })),
            JSONOutputMember("means", .array(c.means.map { .array($0.map { .number($0) }) })),
            JSONOutputMember(
              "covariances", .array((0..<c.componentCount).map { k in .array((0..<d).map { a in .array((0..<d).map { b in .number(c.covariance(k)[a * d + b]) }) }) })),
          ])))
    case .failure(let failure):
      members.append(JSONOutputMember("completeCase", .object([JSONOutputMember("notFitted", .string(failure.reason))])))
    }
    if let rmse = m.rmse {
      members.append(
        JSONOutputMember("imputationRMSE", .object([JSONOutputMember("em", .number(rmse.em)), JSONOutputMember("meanImputation", .number(rmse.meanImputation))])))
    }
    return .object(members)
  }
}
