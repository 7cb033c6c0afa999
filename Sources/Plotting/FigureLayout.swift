/// What a piece of text is for, so tests and back ends can tell them apart.
public enum TextRole: Sendable, Equatable, Hashable {
  case title, xLabel, yLabel, xTick, yTick, legend
  /// A panel's own title, above its plot area (``PanelFigure``).
  case panelTitle
  /// A colour bar's tick labels and its title.
  case colorBarTick, colorBarLabel
}

/// A line of text with its position and the box it occupies.
public struct PlacedText: Sendable, Equatable {
  public var text: String
  public var role: TextRole
  public var position: Point
  public var font: Font
  public var anchor: TextAnchor
  /// Counter-clockwise rotation in degrees (0 or 90).
  public var angle: Double
  /// The box the text occupies, from measured extents.
  public var box: Rect
}

/// One legend row: a sample of the layer's mark and its label.
public struct LegendEntry: Sendable, Equatable {
  public enum Sample: Sendable, Equatable {
    case line(from: Point, to: Point, style: StrokeStyle)
    case marker(center: Point, radius: Double, color: Color)
    /// A hollow point.
    case ring(center: Point, radius: Double, style: StrokeStyle)
    /// A polygon's fill and outline, as a small rectangle.
    case patch(Rect, fill: Color?, stroke: StrokeStyle?)
    /// A ``MarkerSeries`` symbol.
    case symbol(center: Point, shape: MarkerShape, size: Double, color: Color, outline: StrokeStyle?)
  }
  public var sample: Sample
  public var label: PlacedText
}

/// The legend's frame and rows.
public struct LegendLayout: Sendable, Equatable {
  public var frame: Rect
  public var entries: [LegendEntry]
  public var placement: LegendPlacement
  /// How many sampled points of the marks (see `markSamples`) and how many other marks
  /// (polygons' pieces, contour segments, symbols) the frame covers.
  public var covered: Int
}

/// A figure with every mark positioned: the result of the pure layout step, which
/// ``Figure/draw(_:on:)`` only has to paint.
public struct FigureLayout: Sendable, Equatable {
  public var size: Size
  /// The plot area (the axes' frame).
  public var plotArea: Rect
  public var xScale: LinearScale
  public var yScale: LinearScale
  public var xTicks: [Double]
  public var yTicks: [Double]
  /// Every text: title, axis labels, tick labels, legend labels.
  public var texts: [PlacedText]
  public var legend: LegendLayout?

  /// The texts of one role, in order.
  public func texts(_ role: TextRole) -> [PlacedText] { texts.filter { $0.role == role } }
}

extension Figure {
  /// Positions every mark of the figure, using `measurer` for text extents.
  ///
  /// Space is given from the outside in: padding, title, axis titles, tick labels, then the
  /// plot area takes the rest. Tick counts start from the available length and drop until
  /// no two labels of an axis overlap.
  /// - Complexity: O(points) for the data extents and the legend placement.
  ///
  /// With the legend placed at `.best` and the y limits left to the data, a legend that
  /// would cover marks in every corner gets room instead: the top of the y range is
  /// raised just enough for the legend to sit above the marks beneath it (in the upper
  /// corner needing less), as one would do by hand with matplotlib's `set_ylim`.
  ///
  /// The layout is total: a size that is not finite and positive is taken as the nearest
  /// one that is (NaN as 0), fixed limits that are not finite or empty as automatic ones,
  /// and data beyond the largest doubles are ticked and scaled without overflow. The
  /// title and legend shrink to fit, but never below a twentieth of their size, so a
  /// figure too small for them keeps positive font sizes and its texts overflow it.
  ///
  /// A legend placed ``LegendPlacement/outsideRight`` is laid out as the one panel of a
  /// ``PanelFigure`` (see ``PanelFigure/layout(measuring:)``).
  public func layout(measuring measurer: some TextMeasuring) -> FigureLayout {
    guard size.width.isFinite, size.height.isFinite, size.width >= 0, size.height >= 0 else {
      func usable(_ length: Double) -> Double { length.isNaN ? 0 : Swift.min(Swift.max(length, 0), .greatestFiniteMagnitude) }
      var sized = self
      sized.size = Size(width: usable(size.width), height: usable(size.height))
      return sized.layout(measuring: measurer)
    }
    if legend == .outsideRight { return asPanelFigure.layout(measuring: measurer).singlePanel }
    let (xDomain, yDomain) = domains()
    let first = layout(measuring: measurer, xDomain: xDomain, yDomain: yDomain)
    guard legend == .best, self.yDomain == nil, let covering = first.legend, covering.covered > 0,
      let top = headroom(first, legendHeight: covering.frame.height)
    else { return first }
    let second = layout(measuring: measurer, xDomain: xDomain, yDomain: yDomain.lowerBound...top)
    return (second.legend?.covered ?? 0) < covering.covered ? second : first
  }

  /// The top of the y range that frees an upper corner of the plot for a legend of
  /// `legendHeight`, or nil when the legend would need more than half the plot's height.
  func headroom(_ layout: FigureLayout, legendHeight: Double) -> Double? {
    let inset = 6.0, gap = 6.0
    let area = layout.plotArea
    let fraction = (inset + legendHeight + gap) / area.height
    guard fraction < 0.5, let width = layout.legend?.frame.width else { return nil }
    let samples = markSamples(xScale: layout.xScale, yScale: layout.yScale)
    let domain = layout.yScale.domain
    // The highest mark under each upper corner, as a data value.
    func highest(fromX minX: Double, toX maxX: Double) -> Double {
      let top = samples.filter { $0.x >= minX - 2 && $0.x <= maxX + 2 }.map(\.y).min() ?? area.maxY
      return domain.lowerBound + (area.maxY - top) / area.height * (domain.upperBound - domain.lowerBound)
    }
    let left = highest(fromX: area.minX + inset, toX: area.minX + inset + width)
    let right = highest(fromX: area.maxX - inset - width, toX: area.maxX - inset)
    let low = domain.lowerBound
    // (top − highest) / (top − low) = fraction.
    let top = (Swift.min(left, right) - fraction * low) / (1 - fraction)
    return top > domain.upperBound && top.isFinite ? top : nil
  }

  /// The figure as a panel figure of one panel (for the legend outside the plot).
  var asPanelFigure: PanelFigure {
    PanelFigure(
      size: size, title: title, columns: 1,
      panels: [
        Panel(
          xLabel: xLabel, yLabel: yLabel, layers: layers, xDomain: xDomain, yDomain: yDomain, yStartsAtZero: yStartsAtZero,
          xIntegerTicks: xIntegerTicks)
      ], legend: legend, theme: theme)
  }

  /// Texts shrink to fit the figure, but never below this fraction of their size.
  static let smallestShrink = 0.05

  func layout(measuring measurer: some TextMeasuring, xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>) -> FigureLayout {
    let t = theme
    var texts: [PlacedText] = []

    let tickExtent = measurer.measure("0", font: t.tickFont)
    let labelExtent = measurer.measure("X", font: t.labelFont)

    // Vertical budget: title on top, tick labels and the x title below.
    var top = t.padding
    var titleFont = t.titleFont
    if let title {
      let available = size.width - 2 * t.padding
      let width = measurer.measure(title, font: titleFont).width
      if width > available && width > 0 { titleFont.size *= Swift.max(available / width, Self.smallestShrink) }
      top += t.gap + measurer.measure(title, font: titleFont).height
    }
    // The top y tick label is centred on the plot's top edge: leave room for its upper
    // half below the title (or the figure's edge), plus a gap.
    top += Swift.max(title == nil ? 0 : 2 * t.gap, tickExtent.height / 2 + (title == nil ? 0 : t.gap))
    var bottom = size.height - t.padding
    if xLabel != nil { bottom -= labelExtent.height + t.gap }
    bottom -= tickExtent.height + t.gap + t.tickLength
    let plotTop = top
    let plotBottom = Swift.max(bottom, plotTop + 10)

    let yScaleProbe = LinearScale(domain: yDomain, range: (plotBottom, plotTop))
    let (yTicks, yLabels) = Self.fittingTicks(
      domain: yDomain, length: plotBottom - plotTop, spacing: 34, integers: false
    ) { values, labels in
      // Vertical neighbours must keep a quarter line between them.
      let boxes = zip(values, labels).map {
        measurer.box(of: $1, at: Point(0, yScaleProbe($0)), font: t.tickFont, anchor: TextAnchor(.right, .center))
      }
      return !overlapping(boxes, margin: tickExtent.height * 0.25)
    }
    let yTickWidth = yLabels.map { measurer.measure($0, font: t.tickFont).width }.max() ?? 0

    var left = t.padding
    if yLabel != nil { left += labelExtent.height + t.gap }
    left += yTickWidth + t.gap + t.tickLength
    var right = size.width - t.padding
    // The last x tick label may hang over the right edge of the plot; leave it room.
    var xTicks: [Double] = []
    var xLabels: [String] = []
    for _ in 0..<3 {
      let xScaleProbe = LinearScale(domain: xDomain, range: (left, right))
      (xTicks, xLabels) = Self.fittingTicks(
        domain: xDomain, length: right - left, spacing: 50, integers: xIntegerTicks
      ) { values, labels in
        let boxes = zip(values, labels).map {
          measurer.box(of: $1, at: Point(xScaleProbe($0), 0), font: t.tickFont, anchor: TextAnchor(.center, .top))
        }
        return !overlapping(boxes, margin: tickExtent.width)
      }
      guard let last = xTicks.last, let lastLabel = xLabels.last else { break }
      let overhang = xScaleProbe(last) + measurer.measure(lastLabel, font: t.tickFont).width / 2 - (size.width - t.padding)
      if overhang <= 0 { break }
      right -= overhang
    }

    let plotArea = Rect(x: left, y: plotTop, width: Swift.max(10, right - left), height: plotBottom - plotTop)
    let xScale = LinearScale(domain: xDomain, range: (plotArea.minX, plotArea.maxX))
    let yScale = LinearScale(domain: yDomain, range: (plotArea.maxY, plotArea.minY))

    func place(_ text: String, _ role: TextRole, _ position: Point, _ font: Font, _ anchor: TextAnchor, angle: Double = 0) {
      texts.append(
        PlacedText(
          text: text, role: role, position: position, font: font, anchor: anchor, angle: angle,
          box: measurer.box(of: text, at: position, font: font, anchor: anchor, angle: angle)))
    }

    for (value, label) in zip(xTicks, xLabels) {
      place(label, .xTick, Point(xScale(value), plotArea.maxY + t.tickLength + t.gap), t.tickFont, TextAnchor(.center, .top))
    }
    for (value, label) in zip(yTicks, yLabels) {
      place(label, .yTick, Point(plotArea.minX - t.tickLength - t.gap, yScale(value)), t.tickFont, TextAnchor(.right, .center))
    }
    if let title {
      var x = plotArea.midX
      let half = measurer.measure(title, font: titleFont).width / 2
      // Centred over the plot area, unless that would push it off the figure.
      x = Swift.min(Swift.max(x, t.padding + half), size.width - t.padding - half)
      place(title, .title, Point(x, t.padding + t.gap), titleFont, TextAnchor(.center, .top))
    }
    if let xLabel {
      place(xLabel, .xLabel, Point(plotArea.midX, size.height - t.padding), t.labelFont, TextAnchor(.center, .bottom))
    }
    if let yLabel {
      place(yLabel, .yLabel, Point(t.padding, plotArea.midY), t.labelFont, TextAnchor(.center, .top), angle: 90)
    }

    let legend = legendLayout(plotArea: plotArea, xScale: xScale, yScale: yScale, measurer: measurer)
    if let legend { texts += legend.entries.map(\.label) }

    return FigureLayout(
      size: size, plotArea: plotArea, xScale: xScale, yScale: yScale, xTicks: xTicks, yTicks: yTicks,
      texts: texts, legend: legend)
  }

  /// The x and y limits: fixed ones, or the data's range with a 5% margin each side.
  ///
  /// Both are finite and not empty: fixed limits that are not are replaced by automatic
  /// ones; automatic limits stop at the largest doubles, and with no finite data are 0…1.
  func domains() -> (ClosedRange<Double>, ClosedRange<Double>) {
    func extent(_ values: [[Double]]) -> (Double, Double)? {
      var low = Double.infinity, high = -Double.infinity
      for series in values {
        for v in series where v.isFinite {
          low = Swift.min(low, v)
          high = Swift.max(high, v)
        }
      }
      return low <= high ? (low, high) : nil
    }
    func finite(_ v: Double) -> Double { Swift.min(Swift.max(v, -.greatestFiniteMagnitude), .greatestFiniteMagnitude) }
    func padded(_ e: (Double, Double)?, startAtZero: Bool) -> ClosedRange<Double> {
      guard var (low, high) = e else { return 0...1 }
      if low == high {
        // 0, or a value so small that 5% of it is 0, gets ±0.5.
        let d = abs(low) * 0.05 > 0 ? abs(low) * 0.05 : 0.5
        low = finite(low - d)
        high = finite(high + d)
      }
      var margin = (high - low) * 0.05
      if margin == .infinity { margin = (high / 2 - low / 2) * 0.1 }
      let lower = startAtZero && low >= 0 ? 0 : finite(low - margin)
      return lower...finite(high + margin)
    }
    func usable(_ domain: ClosedRange<Double>?) -> ClosedRange<Double>? {
      guard let domain, domain.lowerBound.isFinite, domain.upperBound.isFinite, domain.lowerBound < domain.upperBound
      else { return nil }
      return domain
    }
    let x = usable(xDomain) ?? padded(extent(layers.map(\.xs)), startAtZero: false)
    let y = usable(yDomain) ?? padded(extent(layers.map(\.ys)), startAtZero: yStartsAtZero)
    return (x, y)
  }

  /// The most ticks (about one per `spacing` points) whose labels `fits` accepts.
  static func fittingTicks(
    domain: ClosedRange<Double>, length: Double, spacing: Double, integers: Bool,
    fits: ([Double], [String]) -> Bool
  ) -> ([Double], [String]) {
    var count = Swift.max(2, Int(clamping: length / spacing, to: 0...Ticks.maximumCount, nan: 2))
    var best: ([Double], [String]) = ([], [])
    while count >= 1 {
      var step = Ticks.step(domain.lowerBound, domain.upperBound, count: count)
      var values = Ticks.values(domain.lowerBound, domain.upperBound, count: count)
      if integers && step < 1 {
        step = 1
        let first = domain.lowerBound.rounded(.up)
        let last = domain.upperBound.rounded(.down)
        // A domain narrower than one unit may hold no integer at all.
        values = first <= last ? Ticks.increasing(Array(stride(from: first, through: last, by: 1))) : []
      }
      let labels = Ticks.labels(values, step: step)
      best = (values, labels)
      if fits(values, labels) { return best }
      count -= 1
    }
    return best
  }

  func legendLayout(plotArea: Rect, xScale: LinearScale, yScale: LinearScale, measurer: some TextMeasuring) -> LegendLayout? {
    let labelled = layers.filter { $0.label != nil }
    guard legend != .none, !labelled.isEmpty else { return nil }
    let inset = 6.0
    // A legend wider (or taller) than the plot area shrinks, text and all, to fit inside it.
    let builder = LegendBuilder(
      layers: labelled, theme: theme, room: Size(width: plotArea.width - 2 * inset, height: plotArea.height - 2 * inset),
      measurer: measurer)
    let size = builder.size
    func frame(_ p: LegendPlacement) -> Rect {
      switch p {
      case .upperLeft: Rect(x: plotArea.minX + inset, y: plotArea.minY + inset, width: size.width, height: size.height)
      case .lowerLeft: Rect(x: plotArea.minX + inset, y: plotArea.maxY - inset - size.height, width: size.width, height: size.height)
      case .lowerRight: Rect(x: plotArea.maxX - inset - size.width, y: plotArea.maxY - inset - size.height, width: size.width, height: size.height)
      default: Rect(x: plotArea.maxX - inset - size.width, y: plotArea.minY + inset, width: size.width, height: size.height)
      }
    }
    let samples = markSamples(xScale: xScale, yScale: yScale)
    // Marks other than lines and dots are measured exactly.
    let obstacles = layers.filter { !$0.isSampled }.flatMap { $0.obstacles(xScale: xScale, yScale: yScale) }
    func cost(_ frame: Rect) -> Int {
      let r = frame.insetBy(-2)
      return samples.reduce(0) { $0 + (r.contains($1) ? 1 : 0) } + obstacles.reduce(0) { $0 + ($1.intersects(r) ? 1 : 0) }
    }
    var placement = legend
    var covered: Int
    if legend == .best {
      let candidates: [LegendPlacement] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight]
      let costs = candidates.map { cost(frame($0)) }
      covered = costs.min() ?? 0
      placement = candidates[costs.firstIndex(of: covered) ?? 0]
    } else {
      covered = cost(frame(placement))
    }
    let box = frame(placement)
    return LegendLayout(frame: box, entries: builder.entries(in: box, measurer: measurer), placement: placement, covered: covered)
  }

  /// Points along every line and dot layer's marks in figure coordinates, about 2 pt
  /// apart along lines, at most a few thousand per layer, for counting what a legend
  /// would hide. (Other layers are measured exactly, as ``Obstacle``s.)
  func markSamples(xScale: LinearScale, yScale: LinearScale) -> [Point] {
    var result: [Point] = []
    for layer in layers where layer.isSampled {
      let xs = layer.xs, ys = layer.ys
      let n = Swift.min(xs.count, ys.count)
      let stride = Swift.max(1, n / 2000)
      var previous: Point?
      for i in Swift.stride(from: 0, to: n, by: stride) where xs[i].isFinite && ys[i].isFinite {
        let p = Point(xScale(xs[i]), yScale(ys[i]))
        if case .line = layer, let q = previous {
          let distance = ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
          let steps = Int(clamping: distance / 2, to: 0...50, nan: 0)
          for s in 0..<steps {
            let f = Double(s) / Double(Swift.max(1, steps))
            result.append(Point(q.x + (p.x - q.x) * f, q.y + (p.y - q.y) * f))
          }
        }
        result.append(p)
        previous = p
      }
    }
    return result
  }
}

/// Whether any two boxes come closer than `margin` along the axis they are spread on.
func overlapping(_ boxes: [Rect], margin: Double) -> Bool {
  for (a, b) in zip(boxes, boxes.dropFirst()) {
    let grownA = Rect(x: a.x - margin / 2, y: a.y - margin / 2, width: a.width + margin, height: a.height + margin)
    let grownB = Rect(x: b.x - margin / 2, y: b.y - margin / 2, width: b.width + margin, height: b.height + margin)
    if grownA.intersects(grownB) { return true }
  }
  return false
}
