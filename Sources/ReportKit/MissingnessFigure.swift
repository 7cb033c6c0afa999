import Plotting

/// The `missingness` figure: which cells of the data are missing. Up to
/// ``matrixLimit`` rows, when every pattern's strip is at least ``narrowestStrip`` wide, it
/// is the rows × columns matrix with the rows sorted by their pattern (most common first,
/// the dropped rows that observe nothing last), a dark cell for each missing value;
/// otherwise, where a rare pattern would be a hairline, each pattern's row count as a bar.
enum MissingnessFigure {
  /// The most rows drawn as a matrix.
  static let matrixLimit = 1000
  /// The most patterns drawn as bars; the rest share one bar.
  static let barLimit = 12

  /// A mid grey: the dark theme keeps it (a darker one would be turned light, like the
  /// observed cells), and it stands apart from ``observedColor`` on either background.
  static let missingColor = Color(hex: 0x6E6E6E)
  static let observedColor = Color(hex: 0xDADADA)

  /// One pattern of the figure: which coordinates are observed, how many rows have it, and
  /// whether those rows were dropped (they observe nothing).
  struct Block: Equatable {
    var observed: [Bool]
    var count: Int
    var dropped: Bool
  }

  /// The kept rows' patterns, most common first, then the dropped rows'.
  static func blocks(_ m: MissingOutcome, dimension d: Int) -> [Block] {
    m.patterns.map { Block(observed: $0.observed, count: $0.count, dropped: false) }
      + (m.droppedRows.isEmpty ? [] : [Block(observed: [Bool](repeating: false, count: d), count: m.droppedRows.count, dropped: true)])
  }

  /// A pattern in words: "complete", "missing y", "missing x, y (dropped)".
  static func describe(_ b: Block, labels: [String]) -> String {
    let missing = b.observed.indices.filter { !b.observed[$0] }.map { labels[$0] }
    if missing.isEmpty { return "complete" }
    return b.dropped ? "nothing observed (dropped)" : "missing \(missing.joined(separator: ", "))"
  }

  static func make(_ o: MultivariateOutcome, _ size: Size) -> NamedFigure? {
    guard let m = o.missing else { return nil }
    let d = o.labels.count
    let blocks = blocks(m, dimension: d)
    let cells = m.missingPerColumn.reduce(0, +)
    let share = m.rows > 0 ? Display.number(100 * Double(cells) / Double(m.rows * d), significant: 3) : "0"
    let summary =
      "\(Display.count(cells)) of \(Display.count(m.rows * d)) cells (\(share) %) are missing, in \(Display.count(blocks.count)) pattern\(blocks.count == 1 ? "" : "s")\(m.droppedRows.isEmpty ? "" : "; \(Display.count(m.droppedRows.count)) row\(m.droppedRows.count == 1 ? " observes" : "s observe") nothing and \(m.droppedRows.count == 1 ? "is" : "are") dropped")."
    return usesMatrix(rows: m.rows, blocks, size)
      ? matrix(o.labels, rows: m.rows, blocks, size, summary: summary) : bars(o.labels, rows: m.rows, blocks, size, summary: summary)
  }

  /// The narrowest pattern's strip, in points, that the matrix may draw (a white rule
  /// between patterns must not cover one).
  static let narrowestStrip = 2.5

  /// Whether the matrix shows every pattern: at most ``matrixLimit`` rows, and the rarest
  /// pattern at least ``narrowestStrip`` wide (the plot's width estimated as the figure's
  /// less the legend, the tick labels and the padding).
  static func usesMatrix(rows: Int, _ blocks: [Block], _ size: Size) -> Bool {
    guard rows > 0, rows <= matrixLimit, let rarest = blocks.map(\.count).min() else { return false }
    let plotWidth = Swift.max(size.width - 220, 50)
    return Double(rarest) / Double(rows) * plotWidth >= narrowestStrip
  }

  /// The longest tick label; a longer column name ends in "…" (the caption and tables have
  /// it whole), and bars whose description is longer are labelled with the pattern's marks.
  static let labelLimit = 28

  static func shortened(_ text: String) -> String {
    text.count <= labelLimit ? text : String(text.prefix(labelLimit - 1)) + "…"
  }

  /// The matrix: x the rows in pattern order, y the columns (the first on top).
  static func matrix(_ labels: [String], rows: Int, _ blocks: [Block], _ size: Size, summary: String) -> NamedFigure {
    let d = labels.count
    func y(_ c: Int) -> Double { Double(d - 1 - c) }
    func rect(_ x0: Double, _ x1: Double, _ c: Int, _ color: Color, _ label: String?) -> Layer {
      .polygon(
        PolygonSeries(
          outline: Polyline(xs: [x0, x1, x1, x0], ys: [y(c) - 0.42, y(c) - 0.42, y(c) + 0.42, y(c) + 0.42], isClosed: true), fill: color, label: label))
    }
    var layers: [Layer] = []
    // Each column observed throughout, then its runs of missing rows on top (adjacent
    // patterns missing the column merge into one run).
    for c in 0..<d { layers.append(rect(0, Double(rows), c, observedColor, c == 0 ? "Observed" : nil)) }
    var labelled = false
    for c in 0..<d {
      var start = 0, run: Int? = nil
      for b in blocks {
        if !b.observed[c] {
          if run == nil { run = start }
        } else if let r = run {
          layers.append(rect(Double(r), Double(start), c, missingColor, labelled ? nil : "Missing"))
          labelled = true
          run = nil
        }
        start += b.count
      }
      if let r = run {
        layers.append(rect(Double(r), Double(start), c, missingColor, labelled ? nil : "Missing"))
        labelled = true
      }
    }
    // A white rule between patterns.
    var edges: [Double] = []
    var start = 0
    for b in blocks.dropLast() {
      start += b.count
      edges.append(Double(start))
    }
    if !edges.isEmpty {
      layers.append(
        .segments(
          SegmentSeries(
            x0s: edges, y0s: edges.map { _ in -0.5 }, x1s: edges, y1s: edges.map { _ in Double(d) - 0.5 },
            style: StrokeStyle(color: .white, width: 0.6))))
    }
    let panel = Panel(
      xLabel: "Rows, sorted by pattern", layers: layers,
      xDomain: 0...Double(Swift.max(rows, 1)), yDomain: -0.5...(Double(d) - 0.5), xIntegerTicks: true,
      yTickLabels: (0..<d).map { TickLabel(y($0), shortened(labels[$0])) })
    let figure = PanelFigure(size: size, title: "Missing Cells by Row and Column", columns: 1, panels: [panel], legend: .outsideRight)
    let list = blocks.map { "\(describe($0, labels: labels)) (\(Display.count($0.count)))" }.joined(separator: ", ")
    return NamedFigure(
      id: "missingness",
      caption: "Each row of the data a vertical strip, each column a band: dark where the cell is missing. \(summary) Patterns, left to right: \(list).",
      panels: figure)
  }

  /// The bars: one per pattern, most common on top (the rarest past ``barLimit`` share one).
  static func bars(_ labels: [String], rows: Int, _ blocks: [Block], _ size: Size, summary: String) -> NamedFigure {
    var shown = blocks.filter { !$0.dropped }.prefix(barLimit).map { ($0, describe($0, labels: labels)) }
    let rest = blocks.filter { !$0.dropped }.dropFirst(barLimit)
    if !rest.isEmpty {
      let count = rest.reduce(0) { $0 + $1.count }
      shown.append((Block(observed: [], count: count, dropped: false), "\(rest.count) other patterns"))
    }
    if let dropped = blocks.first(where: \.dropped) { shown.append((dropped, describe(dropped, labels: labels))) }
    var layers: [Layer] = []
    let n = shown.count
    for (i, (b, _)) in shown.enumerated() {
      let y = Double(n - 1 - i), x = Double(b.count)
      layers.append(
        .polygon(
          PolygonSeries(
            outline: Polyline(xs: [0, x, x, 0], ys: [y - 0.35, y - 0.35, y + 0.35, y + 0.35], isClosed: true),
            fill: b.dropped ? missingColor : Color.categorical(0))))
    }
    let top = Double(shown.map(\.0.count).max() ?? 1)
    // A dot at the end of a bar shorter than 2 % of the longest, so that a pattern of a few
    // rows beside thousands still shows.
    let short = shown.indices.filter { Double(shown[$0].0.count) < 0.02 * top }
    if !short.isEmpty {
      layers.append(
        .points(
          PointSeries(
            xs: short.map { Double(shown[$0].0.count) }, ys: short.map { Double(n - 1 - $0) },
            colors: short.map { shown[$0].0.dropped ? missingColor : Color.categorical(0) }, radius: 2.5)))
    }
    // Names that do not fit become the pattern's marks, ● observed and ○ missing in column
    // order, for every pattern bar: cut names could make two patterns look alike.
    let marks = shown.contains { !$0.0.observed.isEmpty && !$0.0.dropped && $0.1.count > labelLimit }
    func tick(_ i: Int) -> String {
      let (b, text) = shown[i]
      guard marks, !b.observed.isEmpty, !b.dropped else { return shortened(text) }
      return String(b.observed.map { $0 ? "●" : "○" })
    }
    let panel = Panel(
      xLabel: "Rows", layers: layers, xDomain: 0...(top * 1.05), yDomain: -0.6...(Double(n) - 0.4), xIntegerTicks: true,
      yTickLabels: shown.indices.map { TickLabel(Double(n - 1 - $0), tick($0)) })
    let figure = PanelFigure(size: size, title: "Rows by Missingness Pattern", columns: 1, panels: [panel], legend: .none)
    let list = shown.map { "\($0.1) \(Display.count($0.0.count))" }.joined(separator: ", ")
    return NamedFigure(
      id: "missingness",
      caption: "Each pattern of missing cells and how many of the \(Display.count(rows)) rows have it, most common on top (too many rows, or too rare a pattern, for a row-by-row matrix).\(marks ? " Each bar is labelled with its pattern, ● observed and ○ missing, in column order: \(labels.joined(separator: ", "))." : "") \(summary) Counts: \(list).",
      panels: figure)
  }
}
