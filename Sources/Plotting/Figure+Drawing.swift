extension Figure {
  /// Lays the figure out with `canvas` as the text measurer and paints it.
  /// - Returns: The layout that was drawn.
  @discardableResult
  public func draw(on canvas: some Canvas) -> FigureLayout {
    let layout = layout(measuring: canvas)
    draw(layout, on: canvas)
    return layout
  }

  /// Paints an already computed layout: background, grid, layers (clipped to the plot
  /// area), frame, ticks, texts, legend.
  public func draw(_ layout: FigureLayout, on canvas: some Canvas) {
    let t = theme
    let area = layout.plotArea
    canvas.fill(Path(rect: Rect(x: 0, y: 0, width: layout.size.width, height: layout.size.height)), color: t.background)
    let axes = AxesPainter(
      area: area, xScale: layout.xScale, yScale: layout.yScale, xTicks: layout.xTicks, yTicks: layout.yTicks, theme: t)
    axes.drawGrid(on: canvas)
    axes.drawLayers(layers, on: canvas)
    axes.drawFrameAndTicks(on: canvas)
    if let legend = layout.legend { AxesPainter.draw(legend, theme: t, on: canvas) }
    for text in layout.texts {
      canvas.drawText(text.text, at: text.position, font: text.font, color: t.textColor, anchor: text.anchor, angle: text.angle)
    }
  }
}

/// Paints one set of axes (a figure's, or a panel's): the steps every figure shares, in
/// the order they are drawn.
struct AxesPainter {
  var area: Rect
  var xScale: LinearScale
  var yScale: LinearScale
  var xTicks: [Double]
  var yTicks: [Double]
  var theme: Theme

  /// Light grid lines at the ticks, when the theme asks for them.
  func drawGrid(on canvas: some Canvas) {
    guard theme.grid else { return }
    var grid = Path()
    for v in xTicks {
      let x = xScale(v)
      grid.move(to: Point(x, area.minY))
      grid.line(to: Point(x, area.maxY))
    }
    for v in yTicks {
      let y = yScale(v)
      grid.move(to: Point(area.minX, y))
      grid.line(to: Point(area.maxX, y))
    }
    canvas.stroke(grid, style: StrokeStyle(color: theme.gridColor, width: 0.6))
  }

  /// The layers in order, clipped to the plot area.
  func drawLayers(_ layers: [Layer], on canvas: some Canvas) {
    canvas.pushClip(area)
    for layer in layers {
      switch layer {
      case .line(let s):
        var points: [Point] = []
        points.reserveCapacity(s.xs.count)
        for (x, y) in zip(s.xs, s.ys) where x.isFinite && y.isFinite {
          points.append(Point(xScale(x), yScale(y)))
        }
        let style = theme.ink(s.style)
        canvas.stroke(Path(polyline: points), style: style)
        if s.markers {
          var dots = Path()
          for p in points { dots.addCircle(center: p, radius: s.style.width * 1.6) }
          canvas.fill(dots, color: style.color)
        }
      case .points(let s):
        // Consecutive points of one colour share a path, so a single-colour strip is one call.
        var path = Path()
        var current: Color?
        func flush(_ given: Color) {
          let color = theme.ink(given)
          switch s.fill {
          case .solid: canvas.fill(path, color: color)
          case .hollow(let width): canvas.stroke(path, style: StrokeStyle(color: color, width: width))
          }
        }
        for i in 0..<Swift.min(s.xs.count, s.ys.count) where s.xs[i].isFinite && s.ys[i].isFinite {
          let color = s.color(at: i)
          if let c = current, c != color {
            flush(c)
            path = Path()
          }
          current = color
          path.addCircle(center: Point(xScale(s.xs[i]), yScale(s.ys[i])), radius: s.radius(at: i))
        }
        if let c = current { flush(c) }
      case .polygon(let s):
        let path = self.path(s.outline, closed: true)
        guard !path.elements.isEmpty else { continue }
        if let fill = s.fill { canvas.fill(path, color: theme.ink(fill)) }
        if let stroke = s.stroke { canvas.stroke(path, style: theme.ink(stroke)) }
      case .contour(let s):
        for (index, level) in s.levels.enumerated() {
          var path = Path()
          for line in level.lines {
            for element in self.path(line, closed: line.isClosed).elements {
              switch element {
              case .move(let p): path.move(to: p)
              case .line(let p): path.line(to: p)
              case .close: path.close()
              case .circle(let c, let r): path.addCircle(center: c, radius: r)
              }
            }
          }
          if !path.elements.isEmpty { canvas.stroke(path, style: theme.ink(s.style(at: index))) }
        }
      case .markers(let s):
        for i in 0..<Swift.min(s.xs.count, s.ys.count) where s.xs[i].isFinite && s.ys[i].isFinite {
          s.draw(at: Point(xScale(s.xs[i]), yScale(s.ys[i])), index: i, theme: theme, on: canvas)
        }
      case .segments(let s):
        var path = Path()
        for (from, to) in s.finiteSegments({ Point(xScale($0), yScale($1)) }) {
          path.move(to: from)
          path.line(to: to)
        }
        if !path.elements.isEmpty { canvas.stroke(path, style: theme.ink(s.style)) }
      }
    }
    canvas.popClip()
  }

  /// `line` in figure coordinates, its non-finite vertices left out, closed when asked.
  func path(_ line: Polyline, closed: Bool) -> Path {
    var points: [Point] = []
    points.reserveCapacity(line.count)
    for (x, y) in zip(line.xs, line.ys) where x.isFinite && y.isFinite {
      points.append(Point(xScale(x), yScale(y)))
    }
    var path = Path(polyline: points)
    if closed && points.count >= 3 { path.close() }
    return path
  }

  /// The frame around the plot area and the tick marks (outwards, below and left).
  func drawFrameAndTicks(on canvas: some Canvas) {
    let t = theme
    canvas.stroke(Path(rect: area), style: StrokeStyle(color: t.frameColor, width: 0.8))
    var ticks = Path()
    for v in xTicks {
      let x = xScale(v)
      ticks.move(to: Point(x, area.maxY))
      ticks.line(to: Point(x, area.maxY + t.tickLength))
    }
    for v in yTicks {
      let y = yScale(v)
      ticks.move(to: Point(area.minX, y))
      ticks.line(to: Point(area.minX - t.tickLength, y))
    }
    canvas.stroke(ticks, style: StrokeStyle(color: t.frameColor, width: 0.8))
  }

  /// The legend's frame and samples (its labels are among the layout's texts).
  static func draw(_ legend: LegendLayout, theme t: Theme, on canvas: some Canvas) {
    canvas.fill(Path(rect: legend.frame), color: t.background.withAlpha(0.9))
    canvas.stroke(Path(rect: legend.frame), style: StrokeStyle(color: t.legendFrameColor, width: 0.8))
    for entry in legend.entries {
      switch entry.sample {
      case .line(let from, let to, let style):
        canvas.stroke(Path(polyline: [from, to]), style: t.ink(style))
      case .marker(let center, let radius, let color):
        var dot = Path()
        dot.addCircle(center: center, radius: radius)
        canvas.fill(dot, color: t.ink(color))
      case .ring(let center, let radius, let style):
        var ring = Path()
        ring.addCircle(center: center, radius: radius)
        canvas.stroke(ring, style: t.ink(style))
      case .patch(let rect, let fill, let stroke):
        if let fill { canvas.fill(Path(rect: rect), color: t.ink(fill)) }
        if let stroke { canvas.stroke(Path(rect: rect), style: t.ink(stroke)) }
      case .symbol(let center, let shape, let size, let color, let outline):
        MarkerSeries.draw(shape, size: size, color: t.ink(color), outline: outline.map(t.ink), at: center, on: canvas)
      }
    }
  }
}
