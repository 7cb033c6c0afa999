/// A non-empty cell of the grid: the panel and where it sits.
private struct Cell {
  var index: Int
  var row: Int
  var column: Int
  var panel: Panel
}

extension PanelFigure {
  /// Positions every mark of the figure, using `measurer` for text extents.
  ///
  /// As for a ``Figure``, space is given from the outside in: padding and title; then
  /// each row's panel titles and x tick labels and each column's y tick labels and
  /// colour bars take what they need (the widest of the column, the tallest of the row,
  /// so panels line up), and the plot areas share the rest equally. Shared ranges are
  /// the union of their panels' ranges, and their ticks are computed once per column (x)
  /// or row (y). Tick marks are drawn on every panel; tick labels and axis titles of a
  /// shared axis only on the outer panel.
  ///
  /// With ``LegendPlacement/best``, the legend goes into the first corner (of the
  /// top-right panel first) where it covers no mark, measured exactly against points,
  /// symbols, line segments, polygon outlines and fills, and contour lines; when every
  /// corner covers one, it goes outside, right of the panels, which narrow to make room.
  /// - Complexity: O(points) for the limits and the legend's obstacles.
  public func layout(measuring measurer: some TextMeasuring) -> PanelFigureLayout {
    guard size.width.isFinite, size.height.isFinite, size.width >= 0, size.height >= 0 else {
      func usable(_ length: Double) -> Double { length.isNaN ? 0 : Swift.min(Swift.max(length, 0), .greatestFiniteMagnitude) }
      var sized = self
      sized.size = Size(width: usable(size.width), height: usable(size.height))
      return sized.layout(measuring: measurer)
    }
    let inside = layout(measuring: measurer, legendOutside: legend == .outsideRight)
    guard legend == .best, let placed = inside.legend, placed.covered > 0 else { return inside }
    return layout(measuring: measurer, legendOutside: true)
  }

  /// The labelled layers of every panel, the first of each label only.
  var legendLayers: [Layer] {
    var seen: Set<String> = []
    var result: [Layer] = []
    for panel in panels.compactMap({ $0 }) {
      for layer in panel.layers {
        guard let label = layer.label, !seen.contains(label) else { continue }
        seen.insert(label)
        result.append(layer)
      }
    }
    return result
  }

  /// A colour bar's domain made usable: finite and not empty.
  static func usableDomain(_ d: ClosedRange<Double>) -> ClosedRange<Double> {
    guard d.lowerBound.isFinite, d.upperBound.isFinite else { return 0...1 }
    if d.lowerBound < d.upperBound { return d }
    let h = abs(d.lowerBound) * 0.05 > 0 ? abs(d.lowerBound) * 0.05 : 0.5
    return (d.lowerBound - h)...(d.upperBound + h)
  }

  /// A figure's ticks (``Figure/fittingTicks``), but on a panel too short for two of
  /// them at the usual spacing, more are asked for until two fit: a panel's axis is often
  /// a third of a figure's, where one tick would say nothing of the scale.
  static func atLeastTwoTicks(
    domain: ClosedRange<Double>, length: Double, spacing: Double, integers: Bool, fits: ([Double], [String]) -> Bool
  ) -> ([Double], [String]) {
    var ticks = Figure.fittingTicks(domain: domain, length: length, spacing: spacing, integers: integers, fits: fits)
    var perLength = 3.0
    while ticks.0.count < 2 && perLength <= 6 && length > 0 {
      let denser = Figure.fittingTicks(domain: domain, length: length, spacing: length / perLength, integers: integers, fits: fits)
      if denser.0.count >= 2 && fits(denser.0, denser.1) { ticks = denser }
      perLength += 1
    }
    return ticks
  }

  func layout(measuring measurer: some TextMeasuring, legendOutside: Bool) -> PanelFigureLayout {
    let t = theme
    let columns = columnCount, rows = self.rows
    let cells = panels.enumerated().compactMap { i, p in p.map { Cell(index: i, row: i / columns, column: i % columns, panel: $0) } }

    let tickExtent = measurer.measure("0", font: t.tickFont)
    let labelExtent = measurer.measure("X", font: t.labelFont)
    let panelTitleExtent = measurer.measure("X", font: t.labelFont)

    func sharedX(_ c: Cell) -> Bool { sharesX && c.panel.sharesX }
    func sharedY(_ c: Cell) -> Bool { sharesY && c.panel.sharesY }
    // Outer panels: of the panels sharing a range, the lowest of each column and the
    // first of each row (a pair plot's diagonal, sharing nothing, keeps its own labels).
    var lowestRow = [Int](repeating: -1, count: columns)
    var firstColumn = [Int](repeating: columns, count: rows)
    for c in cells {
      if sharedX(c) { lowestRow[c.column] = Swift.max(lowestRow[c.column], c.row) }
      if sharedY(c) { firstColumn[c.row] = Swift.min(firstColumn[c.row], c.column) }
    }
    func showsXTicks(_ c: Cell) -> Bool { !sharedX(c) || c.row == lowestRow[c.column] }
    func showsYTicks(_ c: Cell) -> Bool { !sharedY(c) || c.column == firstColumn[c.row] }
    func showsXLabel(_ c: Cell) -> Bool { c.panel.xLabel != nil && showsXTicks(c) }
    func showsYLabel(_ c: Cell) -> Bool { c.panel.yLabel != nil && showsYTicks(c) }

    // Limits: each panel's own, then unions over the shared groups.
    let own = cells.map { $0.panel.axes.domains() }
    func union(_ ranges: [ClosedRange<Double>]) -> ClosedRange<Double>? {
      guard let low = ranges.map(\.lowerBound).min(), let high = ranges.map(\.upperBound).max() else { return nil }
      return low...high
    }
    var xDomains = own.map(\.0), yDomains = own.map(\.1)
    for column in 0..<columns {
      let group = cells.indices.filter { cells[$0].column == column && sharedX(cells[$0]) }
      if let u = union(group.map { own[$0].0 }) { for i in group { xDomains[i] = u } }
    }
    for row in 0..<rows {
      let group = cells.indices.filter { cells[$0].row == row && sharedY(cells[$0]) }
      if let u = union(group.map { own[$0].1 }) { for i in group { yDomains[i] = u } }
    }

    // The legend's rows; outside, it takes a column of its own at the right.
    let labelled = legendLayers
    let wantsLegend = legend != .none && !labelled.isEmpty
    let outsideBuilder =
      wantsLegend && legendOutside
      ? LegendBuilder(
        layers: labelled, theme: t, room: Size(width: size.width / 3, height: size.height - 2 * t.padding), measurer: measurer)
      : nil
    let legendColumn = outsideBuilder.map { $0.size.width + 2 * t.gap } ?? 0

    // Vertical budget.
    var top = t.padding
    var titleFont = t.titleFont
    if let title {
      let available = size.width - 2 * t.padding
      let width = measurer.measure(title, font: titleFont).width
      if width > available && width > 0 { titleFont.size *= Swift.max(available / width, Figure.smallestShrink) }
      top += t.gap + measurer.measure(title, font: titleFont).height + t.gap
    }
    // Panel titles sit above the half of the top y tick label that rises over the frame.
    let titleLift = tickExtent.height / 2 + 1
    var topGutter = [Double](repeating: tickExtent.height / 2, count: rows)
    var bottomGutter = [Double](repeating: t.tickLength, count: rows)
    for c in cells {
      if c.panel.title != nil { topGutter[c.row] = Swift.max(topGutter[c.row], titleLift + panelTitleExtent.height) }
      var below = t.tickLength
      if showsXTicks(c) { below += t.gap + tickExtent.height }
      if showsXLabel(c) { below += t.gap + labelExtent.height }
      bottomGutter[c.row] = Swift.max(bottomGutter[c.row], below)
    }
    let rowSpacing = 2 * t.gap
    let verticalRoom =
      size.height - t.padding - top - topGutter.reduce(0, +) - bottomGutter.reduce(0, +) - Double(rows - 1) * rowSpacing
    // Rows share the room in proportion to their weights (equally by default).
    let weights = (0..<rows).map { rowHeights.indices.contains($0) && rowHeights[$0].isFinite && rowHeights[$0] > 0 ? rowHeights[$0] : 1 }
    let totalWeight = weights.reduce(0, +)
    let plotHeights = weights.map { Swift.max(10, Swift.max(verticalRoom, 0) * $0 / totalWeight) }
    var plotTops: [Double] = []
    var y = top
    for row in 0..<rows {
      y += topGutter[row]
      plotTops.append(y)
      y += plotHeights[row] + bottomGutter[row] + rowSpacing
    }

    // Vertical ticks: y axes (once per shared row) and colour bars, from the plot height.
    func verticalTicks(_ domain: ClosedRange<Double>, anchor: TextAnchor, row: Int) -> ([Double], [String]) {
      let plotHeight = plotHeights[row]
      let probe = LinearScale(domain: domain, range: (plotHeight, 0))
      return Self.atLeastTwoTicks(domain: domain, length: plotHeight, spacing: 34, integers: false) { values, labels in
        let boxes = zip(values, labels).map {
          measurer.box(of: $1, at: Point(0, probe($0)), font: t.tickFont, anchor: anchor)
        }
        return !overlapping(boxes, margin: tickExtent.height * 0.25)
      }
    }
    var sharedYTicks: [Int: ([Double], [String])] = [:]
    let yTicks: [([Double], [String])] = cells.indices.map { i in
      let c = cells[i]
      guard c.panel.showsYAxis else { return ([], []) }
      if let named = c.panel.yTickLabels {
        let inside = named.filter { yDomains[i].contains($0.value) }
        return (inside.map(\.value), inside.map(\.text))
      }
      if sharedY(c), let known = sharedYTicks[c.row] { return known }
      let ticks = verticalTicks(yDomains[i], anchor: TextAnchor(.right, .center), row: c.row)
      if sharedY(c) { sharedYTicks[c.row] = ticks }
      return ticks
    }
    func widest(_ labels: [String]) -> Double { labels.map { measurer.measure($0, font: t.tickFont).width }.max() ?? 0 }
    let barGap = 8.0
    let barTicks: [(domain: ClosedRange<Double>, ticks: ([Double], [String]))?] = cells.map { c in
      c.panel.colorBar.map { bar in
        let domain = Self.usableDomain(bar.scale.domain)
        return (domain, verticalTicks(domain, anchor: TextAnchor(.left, .center), row: c.row))
      }
    }

    // Horizontal budget.
    var leftGutter = [Double](repeating: t.tickLength, count: columns)
    var rightGutter = [Double](repeating: 0, count: columns)
    for (i, c) in cells.enumerated() {
      var left = t.tickLength
      if showsYTicks(c) { left += t.gap + widest(yTicks[i].1) }
      if showsYLabel(c) { left += t.gap + labelExtent.height }
      leftGutter[c.column] = Swift.max(leftGutter[c.column], left)
      if let bar = c.panel.colorBar, let ticks = barTicks[i] {
        var width = barGap + bar.width + t.tickLength + t.gap + widest(ticks.ticks.1)
        if bar.label != nil { width += t.gap + labelExtent.height }
        rightGutter[c.column] = Swift.max(rightGutter[c.column], width)
      }
    }
    let columnSpacing = 3 * t.gap
    let rightLimit = size.width - t.padding - legendColumn
    // Tick labels hanging past a plot's sides widen the gaps; a few passes settle them.
    var extraGap = [Double](repeating: 0, count: columns)
    var plotWidth = 10.0
    var plotLefts: [Double] = []
    var xTicks: [([Double], [String])] = []
    for _ in 0..<3 {
      let horizontalRoom =
        rightLimit - t.padding - leftGutter.reduce(0, +) - rightGutter.reduce(0, +) - Double(columns - 1) * columnSpacing
        - extraGap.reduce(0, +)
      plotWidth = Swift.max(10, horizontalRoom / Double(columns))
      plotLefts = []
      var x = t.padding
      for column in 0..<columns {
        x += leftGutter[column]
        plotLefts.append(x)
        x += plotWidth + rightGutter[column] + columnSpacing + extraGap[column]
      }
      var sharedXTicks: [Int: ([Double], [String])] = [:]
      xTicks = cells.indices.map { i in
        let c = cells[i]
        if sharedX(c), let known = sharedXTicks[c.column] { return known }
        let probe = LinearScale(domain: xDomains[i], range: (0, plotWidth))
        let ticks = Self.atLeastTwoTicks(domain: xDomains[i], length: plotWidth, spacing: 50, integers: c.panel.xIntegerTicks) {
          values, labels in
          let boxes = zip(values, labels).map {
            measurer.box(of: $1, at: Point(probe($0), 0), font: t.tickFont, anchor: TextAnchor(.center, .top))
          }
          return !overlapping(boxes, margin: tickExtent.width)
        }
        if sharedX(c) { sharedXTicks[c.column] = ticks }
        return ticks
      }
      // How far labels reach past each plot's left and right sides.
      var pastLeft = [Double](repeating: 0, count: columns), pastRight = [Double](repeating: 0, count: columns)
      for (i, c) in cells.enumerated() where showsXTicks(c) {
        let scale = LinearScale(domain: xDomains[i], range: (0, plotWidth))
        let (values, labels) = xTicks[i]
        if let first = values.first, let label = labels.first {
          pastLeft[c.column] = Swift.max(pastLeft[c.column], measurer.measure(label, font: t.tickFont).width / 2 - scale(first))
        }
        if let last = values.last, let label = labels.last {
          pastRight[c.column] = Swift.max(
            pastRight[c.column], scale(last) + measurer.measure(label, font: t.tickFont).width / 2 - plotWidth)
        }
      }
      var settled = true
      for column in 0..<columns {
        let room = rightGutter[column] + extraGap[column] + (column + 1 < columns ? columnSpacing + leftGutter[column + 1] : 0)
        // Between columns, neighbouring labels keep a character's width apart.
        let needed = pastRight[column] + (column + 1 < columns ? pastLeft[column + 1] + tickExtent.width : 0)
        if needed > room + 1e-9 {
          extraGap[column] += needed - room
          settled = false
        }
      }
      if settled { break }
    }

    var texts: [PlacedText] = []
    func place(_ text: String, _ role: TextRole, _ position: Point, _ font: Font, _ anchor: TextAnchor, angle: Double = 0) {
      texts.append(
        PlacedText(
          text: text, role: role, position: position, font: font, anchor: anchor, angle: angle,
          box: measurer.box(of: text, at: position, font: font, anchor: anchor, angle: angle)))
    }

    var laidOut: [PanelLayout] = []
    for (i, c) in cells.enumerated() {
      let area = Rect(x: plotLefts[c.column], y: plotTops[c.row], width: plotWidth, height: plotHeights[c.row])
      let xScale = LinearScale(domain: xDomains[i], range: (area.minX, area.maxX))
      let yScale = LinearScale(domain: yDomains[i], range: (area.maxY, area.minY))
      let (xValues, xLabels) = xTicks[i]
      let (yValues, yLabels) = yTicks[i]
      if showsXTicks(c) {
        for (value, label) in zip(xValues, xLabels) {
          place(label, .xTick, Point(xScale(value), area.maxY + t.tickLength + t.gap), t.tickFont, TextAnchor(.center, .top))
        }
      }
      if showsYTicks(c) {
        for (value, label) in zip(yValues, yLabels) {
          place(label, .yTick, Point(area.minX - t.tickLength - t.gap, yScale(value)), t.tickFont, TextAnchor(.right, .center))
        }
      }
      if let title = c.panel.title {
        var font = t.labelFont
        let room = plotWidth + rightGutter[c.column]
        let width = measurer.measure(title, font: font).width
        if width > room && width > 0 { font.size *= Swift.max(room / width, Figure.smallestShrink) }
        place(title, .panelTitle, Point(area.midX, area.minY - titleLift), font, TextAnchor(.center, .bottom))
      }
      if showsXLabel(c), let label = c.panel.xLabel {
        let y = area.maxY + t.tickLength + (showsXTicks(c) ? t.gap + tickExtent.height : 0) + t.gap
        place(label, .xLabel, Point(area.midX, y), t.labelFont, TextAnchor(.center, .top))
      }
      if showsYLabel(c), let label = c.panel.yLabel {
        place(label, .yLabel, Point(area.minX - leftGutter[c.column], area.midY), t.labelFont, TextAnchor(.center, .top), angle: 90)
      }
      var barLayout: ColorBarLayout?
      if let bar = c.panel.colorBar, let ticks = barTicks[i] {
        let strip = Rect(x: area.maxX + barGap, y: area.minY, width: bar.width, height: area.height)
        let valueScale = LinearScale(domain: ticks.domain, range: (strip.maxY, strip.minY))
        for (value, label) in zip(ticks.ticks.0, ticks.ticks.1) {
          place(label, .colorBarTick, Point(strip.maxX + t.tickLength + t.gap, valueScale(value)), t.tickFont, TextAnchor(.left, .center))
        }
        if let label = bar.label {
          let x = strip.maxX + t.tickLength + t.gap + widest(ticks.ticks.1) + t.gap
          place(label, .colorBarLabel, Point(x, strip.midY), t.labelFont, TextAnchor(.center, .top), angle: 90)
        }
        barLayout = ColorBarLayout(strip: strip, scale: bar.scale, valueScale: valueScale, ticks: ticks.ticks.0)
      }
      laidOut.append(
        PanelLayout(
          index: c.index, row: c.row, column: c.column, plotArea: area, xScale: xScale, yScale: yScale, xTicks: xValues,
          yTicks: yValues, showsXTickLabels: showsXTicks(c), showsYTickLabels: showsYTicks(c), colorBar: barLayout))
    }

    let plots = laidOut.map(\.plotArea)
    let plotsMinX = plots.map(\.minX).min() ?? t.padding, plotsMaxX = plots.map(\.maxX).max() ?? size.width - t.padding
    let plotsMinY = plots.map(\.minY).min() ?? top, plotsMaxY = plots.map(\.maxY).max() ?? size.height - t.padding
    if let title {
      let half = measurer.measure(title, font: titleFont).width / 2
      let x = Swift.min(Swift.max((plotsMinX + plotsMaxX) / 2, t.padding + half), size.width - t.padding - half)
      place(title, .title, Point(x, t.padding + t.gap), titleFont, TextAnchor(.center, .top))
    }

    var legendLayout: LegendLayout?
    var legendPanel: Int?
    if let builder = outsideBuilder {
      let h = builder.size.height
      let y = Swift.max(t.padding, Swift.min((plotsMinY + plotsMaxY) / 2 - h / 2, size.height - t.padding - h))
      let frame = Rect(x: size.width - t.padding - builder.size.width, y: y, width: builder.size.width, height: h)
      legendLayout = LegendLayout(
        frame: frame, entries: builder.entries(in: frame, measurer: measurer), placement: .outsideRight, covered: 0)
    } else if wantsLegend, !laidOut.isEmpty {
      let inset = 6.0
      let builder = LegendBuilder(
        layers: labelled, theme: t, room: Size(width: plotWidth - 2 * inset, height: (plotHeights.max() ?? 10) - 2 * inset), measurer: measurer)
      let s = builder.size
      func frame(_ p: LegendPlacement, in area: Rect) -> Rect {
        switch p {
        case .upperLeft: Rect(x: area.minX + inset, y: area.minY + inset, width: s.width, height: s.height)
        case .lowerLeft: Rect(x: area.minX + inset, y: area.maxY - inset - s.height, width: s.width, height: s.height)
        case .lowerRight: Rect(x: area.maxX - inset - s.width, y: area.maxY - inset - s.height, width: s.width, height: s.height)
        default: Rect(x: area.maxX - inset - s.width, y: area.minY + inset, width: s.width, height: s.height)
        }
      }
      // The top-right panel first, then along the top row leftwards, then lower rows.
      let order = laidOut.indices.sorted {
        (laidOut[$0].row, -laidOut[$0].column) < (laidOut[$1].row, -laidOut[$1].column)
      }
      let corners: [LegendPlacement] = legend == .best ? [.upperRight, .upperLeft, .lowerLeft, .lowerRight] : [legend]
      var best: (panel: Int, placement: LegendPlacement, covered: Int)?
      search: for p in legend == .best ? order : Array(order.prefix(1)) {
        let panelLayout = laidOut[p]
        guard let panel = panels[panelLayout.index] else { continue }
        // A panel too short for the legend (a strip under a density) cannot hold it.
        guard panelLayout.plotArea.height >= s.height + 2 * inset || p == order.last else { continue }
        let obstacles = panel.layers.flatMap { $0.obstacles(xScale: panelLayout.xScale, yScale: panelLayout.yScale) }
        for corner in corners {
          let grown = frame(corner, in: panelLayout.plotArea).insetBy(-2)
          let covered = obstacles.reduce(0) { $0 + ($1.intersects(grown) ? 1 : 0) }
          if best == nil || covered < best?.covered ?? 0 { best = (p, corner, covered) }
          if covered == 0 { break search }
        }
      }
      if let best {
        let box = frame(best.placement, in: laidOut[best.panel].plotArea)
        legendLayout = LegendLayout(
          frame: box, entries: builder.entries(in: box, measurer: measurer), placement: best.placement, covered: best.covered)
        legendPanel = best.panel
      }
    }
    if let legendLayout { texts += legendLayout.entries.map(\.label) }

    return PanelFigureLayout(size: size, panels: laidOut, texts: texts, legend: legendLayout, legendPanel: legendPanel)
  }
}
