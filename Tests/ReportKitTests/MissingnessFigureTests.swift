import CairoRendering
import Foundation
import MixtureModels
import Plotting
import Testing
import TestSupport

@testable import ReportKit

/// The figures of EM with missing values: the `missingness` figure (matrix or bars), and
/// the rings with their ±1 conditional-sd segments in `clusters` and `pairs`.
@Suite struct MissingnessFigureTests {
  static let size = Figure.inches(width: 6.4, height: 4.8)

  static func example() throws -> MultivariateOutcome {
    let text = try String(contentsOfFile: repositoryPath("examples/missing.json"), encoding: .utf8)
    let experiment = try ReportConfig.decode(text, file: repositoryPath("examples/missing.json")).experiments[0]
    return try MultivariateRunner.run(experiment, index: 0, configFile: repositoryPath("examples/missing.json"), files: FileAccess())
  }

  /// 1 500 rows in 3-D with 30 % of every column hidden: all seven patterns with a missing
  /// cell occur, and some rows lose everything.
  static let many = #"{"experiments": [{"name": "many", "seed": 3, "data": {"generate": [{"mean": [0, 0, 0], "covariance": [[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]], "count": 800}, {"mean": [3, 3, -2], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 700}], "hide": {"fraction": 0.3, "mechanism": "mcar"}, "labels": ["alpha", "beta", "gamma"]}, "fit": {"components": 2, "restarts": 2}}]}"#

  static func panel(_ named: NamedFigure?) throws -> Panel {
    guard case .panels(let p) = try #require(named).drawing, let panel = p.panels.first ?? nil else {
      Issue.record("expected a panel figure")
      throw NotAPanel()
    }
    return panel
  }

  struct NotAPanel: Error {}

  static func polygons(_ panel: Panel) -> [PolygonSeries] {
    panel.layers.compactMap { if case .polygon(let s) = $0 { s } else { nil } }
  }

  static func segments(_ panel: Panel) -> [SegmentSeries] {
    panel.layers.compactMap { if case .segments(let s) = $0 { s } else { nil } }
  }

  @Test func theExamplesMatrixHasTheCompleteRowsThenTheRowsMissingY() throws {
    let o = try Self.example()
    #expect(o.config.figureIDs == [.clusters, .missingness, .density, .fit, .uncertainty, .logLikelihood], "drawn by default, second")
    let named = MissingnessFigure.make(o, Self.size)
    let panel = try Self.panel(named)
    #expect(panel.yTickLabels == [TickLabel(1, "x"), TickLabel(0, "y")], "the first column on top")
    let rects = Self.polygons(panel).map { s in (s.outline.xs.min() ?? -1, s.outline.xs.max() ?? -1, s.outline.ys.min() ?? -1, s.fill, s.label) }
    // Both columns observed throughout, then y's missing rows 319..<600 on top.
    #expect(rects.count == 3)
    #expect(rects[0] == (0, 600, 1 - 0.42, MissingnessFigure.observedColor, "Observed"))
    #expect(rects[1] == (0, 600, -0.42, MissingnessFigure.observedColor, nil))
    #expect(rects[2] == (319, 600, -0.42, MissingnessFigure.missingColor, "Missing"))
    #expect(Self.segments(panel).map(\.x0s) == [[319]], "one white rule between the two patterns")
    #expect(
      named?.caption
        == "Each row of the data a vertical strip, each column a band: dark where the cell is missing. 281 of 1200 cells (23.4 %) are missing, in 2 patterns. Patterns, left to right: complete (319), missing y (281).")
  }

  @Test func manyRowsAreDrawnAsOneBarPerPatternWithTheDroppedRowsLast() throws {
    let o = try MultivariateFigureTests.outcome(Self.many)
    let m = try #require(o.missing)
    #expect(m.rows == 1500 && m.rows > MissingnessFigure.matrixLimit)
    let named = MissingnessFigure.make(o, Self.size)
    let panel = try Self.panel(named)
    let names = try #require(panel.yTickLabels).map(\.text)
    #expect(names.first == "complete" && names.last == "nothing observed (dropped)" && names.count == 8)
    #expect(Set(names.dropFirst().dropLast()) == ["missing alpha", "missing beta", "missing gamma", "missing alpha, beta", "missing alpha, gamma", "missing beta, gamma"])
    // Each bar's length is its pattern's row count; together they are every row.
    let lengths = Self.polygons(panel).map { Int($0.outline.xs.max() ?? 0) }
    #expect(lengths == m.patterns.map(\.count) + [m.droppedRows.count])
    #expect(lengths.reduce(0, +) == 1500 && lengths == lengths.dropLast().sorted(by: >) + [m.droppedRows.count])
    #expect(m.droppedRows.count > 0 && Self.polygons(panel).last?.fill == MissingnessFigure.missingColor)
    let caption = try #require(named?.caption)
    #expect(caption.hasPrefix("Each pattern of missing cells and how many of the 1500 rows have it, most common on top (too many rows, or too rare a pattern, for a row-by-row matrix)."))
    #expect(caption.contains("rows observe nothing and are dropped") && caption.contains("Counts: complete \(m.patterns[0].count),"))
  }

  @Test func rareSurplusPatternsShareOneBar() {
    let labels = (1...5).map { "c\($0)" }
    // 20 patterns (each observing one pair of columns at least) of decreasing counts.
    var blocks: [MissingnessFigure.Block] = []
    for i in 0..<20 {
      let observed = (0..<5).map { ($0 + i) % 5 != 0 || i % 3 == 0 ? ($0 * 7 + i) % 4 != 0 : false }
      blocks.append(MissingnessFigure.Block(observed: observed, count: 100 - i, dropped: false))
    }
    let named = MissingnessFigure.bars(labels, rows: 5000, blocks, Self.size, summary: "")
    guard case .panels(let p) = named.drawing, let panel = p.panels.first ?? nil else {
      Issue.record("expected a panel figure")
      return
    }
    let ticks = panel.yTickLabels ?? []
    #expect(ticks.count == MissingnessFigure.barLimit + 1 && ticks.last?.text == "8 other patterns")
    #expect(Self.polygons(panel).last.map { Int($0.outline.xs.max() ?? 0) } == (12..<20).reduce(0) { $0 + 100 - $1 })
  }

  /// Each ring of the clusters figure has a vertical segment (y is the missing coordinate)
  /// of ±1 conditional sd, the sds of the imputed CSV's cells.
  @Test func everyRingHasASegmentOfOneConditionalSDAlongTheMissingAxis() throws {
    let o = try Self.example()
    let m = try #require(o.missing)
    let panel = try Self.panel(MultivariateFigures.clusters(o, Self.size))
    let bars = Self.segments(panel)
    let count = bars.reduce(0) { $0 + $1.count }
    #expect(count == 281, "one per row missing y")
    var drawn: [Double] = []
    for s in bars {
      for i in 0..<s.count {
        #expect(s.x0s[i] == s.x1s[i], "along y only")
        drawn.append((s.y1s[i] - s.y0s[i]) / 2)
      }
    }
    let sds = m.imputed.map(\.sd).sorted()
    drawn.sort()
    #expect(drawn.count == sds.count && zip(drawn, sds).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })
    let rings = panel.layers.compactMap { if case .points(let s) = $0, s.fill != .solid { s } else { nil } }
    #expect(rings.reduce(0) { $0 + $1.xs.count } == 281 && rings.first?.label == "Imputed: conditional mean ± 1 sd")
  }

  @Test func thePairsCaptionCountsTheImputedRowsAndNoLegendCoversAMark() throws {
    let o = try MultivariateFigureTests.outcome(Self.many)
    let m = try #require(o.missing)
    let pairs = MultivariateFigures.pairs(o, Self.size)
    let incomplete = m.patterns.dropFirst().reduce(0) { $0 + $1.count }
    let cells = m.imputed.count
    #expect(
      pairs.caption.contains(
        " Rings: the \(Display.count(incomplete)) rows with a missing cell among the columns shown (\(Display.count(cells)) cells), each drawn in a panel at its conditional mean"))
    let measurer = try CairoTextMeasurer()
    for (o, figures) in [(o, MultivariateFigures.make(o, size: Self.size)), (try Self.example(), MultivariateFigures.make(try Self.example(), size: Self.size))] {
      for named in figures {
        let canvas = RecordingCanvas(measuring: measurer)
        guard case .panels(let p) = named.drawing, let legend = p.draw(on: canvas).legend else { continue }
        let hits = LegendCheck.coveredMarks(canvas.operations, legend: legend.frame)
        #expect(hits == 0, "\(o.config.name)-\(named.id): the legend covers \(hits) marks")
      }
    }
  }

  @Test func theMatrixGivesWayToBarsWhenARarePatternWouldBeAHairline() {
    let size = Self.size
    func blocks(_ counts: [Int]) -> [MissingnessFigure.Block] {
      counts.map { MissingnessFigure.Block(observed: [true, false], count: $0, dropped: false) }
    }
    #expect(MissingnessFigure.usesMatrix(rows: 600, blocks([319, 281]), size))
    // 900 rows with a pattern of one row: 1/900 of a ~240 pt plot is far below 2.5 pt.
    #expect(!MissingnessFigure.usesMatrix(rows: 900, blocks([800, 99, 1]), size))
    #expect(!MissingnessFigure.usesMatrix(rows: 1001, blocks([1001]), size), "more than matrixLimit rows")
    #expect(!MissingnessFigure.usesMatrix(rows: 0, [], size))
    #expect(MissingnessFigure.shortened("Sepal.Length") == "Sepal.Length")
    let long = String(repeating: "a very long column name ", count: 3)
    #expect(MissingnessFigure.shortened(long).count == MissingnessFigure.labelLimit && MissingnessFigure.shortened(long).hasSuffix("…"))
  }

  /// The legend keeps the rings' entry when the panel that labels the components has no
  /// rings (only the third column loses cells, and the labelled panel plots the first two).
  @Test func thePairLegendHasTheRingsWhereverTheyAre() throws {
    let config = #"{"experiments": [{"name": "p", "seed": 5, "data": {"generate": [{"mean": [0, 0, 0], "covariance": [[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]], "count": 150}, {"mean": [3, 3, -2], "covariance": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "count": 150}], "hide": {"fraction": 0.3, "columns": [2], "mechanism": "mar"}}, "fit": {"components": 2}}]}"#
    let o = try MultivariateFigureTests.outcome(config)
    let named = MultivariateFigures.pairs(o, Self.size)
    guard case .panels(let p) = named.drawing else {
      Issue.record("expected a panel figure")
      return
    }
    let labels = p.layout(measuring: try CairoTextMeasurer()).legend?.entries.map(\.label.text) ?? []
    #expect(labels.contains("Imputed: conditional mean ± 1 sd") && labels.contains("Component 1"), "\(labels)")
    #expect(named.caption.contains("; no row misses two of them."))
  }

  /// A row with missing cells is classified by its observed cells: its responsibilities
  /// are the marginal mixture's at its observed coordinates (an independent path: the
  /// marginal's own densities, not the E-step's conditionals).
  @Test func incompleteRowsAreClassifiedByTheirObservedCells() throws {
    let o = try Self.example()
    let m = try #require(o.missing)
    let marginal = o.em.fitted.marginal([0])
    var checked = 0, changed = 0
    for i in 0..<o.sample.count where m.isImputed(row: i, coordinate: 1, dimension: 2) {
      let expected = marginal.responsibilities(at: [o.sample.values[i]])
      let got = o.responsibilities(row: i)
      #expect(zip(expected, got).allSatisfy { abs($0 - $1) <= 1e-12 }, "row \(i): \(got) against \(expected)")
      let best = expected[1] > expected[0] ? 1 : 0
      #expect(Int(o.assignments[i]) == best)
      if o.em.fitted.responsibilities(at: o.sample.point(i))[best] < 0.5 { changed += 1 }
      checked += 1
    }
    #expect(checked == 281)
    #expect(changed > 0, "some rows would be classified otherwise at their conditional means")
    let uncertain = (0..<o.sample.count).filter { o.uncertainty(row: $0) > 0.1 }.count
    #expect(o.uncertainCount == uncertain)
  }

  /// Missing and observed cells stay apart in both themes (the dark theme turns dark greys
  /// light, which once made them the same).
  @Test func missingAndObservedCellsStayApartInTheDarkTheme() throws {
    let dark = try #require(Theme.dark.seriesColors)
    let missing = dark(MissingnessFigure.missingColor), observed = dark(MissingnessFigure.observedColor)
    #expect(missing.contrastRatio(with: observed) >= 2.5, "dark: \(missing) against \(observed)")
    #expect(missing.contrastRatio(with: Theme.dark.background) >= 3)
    #expect(MissingnessFigure.missingColor.contrastRatio(with: MissingnessFigure.observedColor) >= 2.5)
  }

  /// Bars whose descriptions would be cut are labelled with the pattern's marks, so that no
  /// two bars look alike.
  @Test func longNamesMakeBarsLabelledWithThePatternsMarks() throws {
    let labels = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]
    let patterns: [[Bool]] = [[true, true, true, true], [false, true, false, true], [false, true, true, false], [true, false, false, true]]
    let blocks = patterns.enumerated().map { MissingnessFigure.Block(observed: $1, count: 900 - 100 * $0, dropped: false) }
      + [MissingnessFigure.Block(observed: [false, false, false, false], count: 3, dropped: true)]
    let named = MissingnessFigure.bars(labels, rows: 3003, blocks, Self.size, summary: "")
    let panel = try Self.panel(named)
    let ticks = try #require(panel.yTickLabels).map(\.text)
    #expect(ticks == ["●●●●", "○●○●", "○●●○", "●○○●", "nothing observed (dropped)"])
    #expect(Set(ticks).count == ticks.count)
    #expect(named.caption.contains("Each bar is labelled with its pattern, ● observed and ○ missing, in column order: Sepal.Length, Sepal.Width, Petal.Length, Petal.Width."))
  }
}
