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

    if t.grid {
      var grid = Path()
      for v in layout.xTicks {
        let x = layout.xScale(v)
        grid.move(to: Point(x, area.minY))
        grid.line(to: Point(x, area.maxY))
      }
      for v in layout.yTicks {
        let y = layout.yScale(v)
        grid.move(to: Point(area.minX, y))
        grid.line(to: Point(area.maxX, y))
      }
      canvas.stroke(grid, style: StrokeStyle(color: t.gridColor, width: 0.6))
    }

    canvas.pushClip(area)
    for layer in layers {
      switch layer {
      case .line(let s):
        var points: [Point] = []
        points.reserveCapacity(s.xs.count)
        for (x, y) in zip(s.xs, s.ys) where x.isFinite && y.isFinite {
          points.append(Point(layout.xScale(x), layout.yScale(y)))
        }
        canvas.stroke(Path(polyline: points), style: s.style)
        if s.markers {
          var dots = Path()
          for p in points { dots.addCircle(center: p, radius: s.style.width * 1.6) }
          canvas.fill(dots, color: s.style.color)
        }
      case .points(let s):
        // Consecutive points of one colour share a path, so a single-colour strip is one call.
        var path = Path()
        var current: Color?
        for i in 0..<Swift.min(s.xs.count, s.ys.count) where s.xs[i].isFinite && s.ys[i].isFinite {
          let color = s.color(at: i)
          if let c = current, c != color {
            canvas.fill(path, color: c)
            path = Path()
          }
          current = color
          path.addCircle(center: Point(layout.xScale(s.xs[i]), layout.yScale(s.ys[i])), radius: s.radius)
        }
        if let c = current { canvas.fill(path, color: c) }
      }
    }
    canvas.popClip()

    canvas.stroke(Path(rect: area), style: StrokeStyle(color: t.frameColor, width: 0.8))
    var ticks = Path()
    for v in layout.xTicks {
      let x = layout.xScale(v)
      ticks.move(to: Point(x, area.maxY))
      ticks.line(to: Point(x, area.maxY + t.tickLength))
    }
    for v in layout.yTicks {
      let y = layout.yScale(v)
      ticks.move(to: Point(area.minX, y))
      ticks.line(to: Point(area.minX - t.tickLength, y))
    }
    canvas.stroke(ticks, style: StrokeStyle(color: t.frameColor, width: 0.8))

    if let legend = layout.legend {
      canvas.fill(Path(rect: legend.frame), color: t.background.withAlpha(0.9))
      canvas.stroke(Path(rect: legend.frame), style: StrokeStyle(color: Color(hex: 0xCCCCCC), width: 0.8))
      for entry in legend.entries {
        switch entry.sample {
        case .line(let from, let to, let style):
          canvas.stroke(Path(polyline: [from, to]), style: style)
        case .marker(let center, let radius, let color):
          var dot = Path()
          dot.addCircle(center: center, radius: radius)
          canvas.fill(dot, color: color)
        }
      }
    }
    for text in layout.texts {
      canvas.drawText(text.text, at: text.position, font: text.font, color: t.textColor, anchor: text.anchor, angle: text.angle)
    }
  }
}
