extension PanelFigure {
  /// Lays the figure out with `canvas` as the text measurer and paints it.
  /// - Returns: The layout that was drawn.
  @discardableResult
  public func draw(on canvas: some Canvas) -> PanelFigureLayout {
    let layout = layout(measuring: canvas)
    draw(layout, on: canvas)
    return layout
  }

  /// Paints an already computed layout: the background; for each panel its grid, its
  /// layers (clipped to its plot area), frame and ticks; the colour bars; the legend;
  /// every text.
  public func draw(_ layout: PanelFigureLayout, on canvas: some Canvas) {
    let t = theme
    canvas.fill(Path(rect: Rect(x: 0, y: 0, width: layout.size.width, height: layout.size.height)), color: t.background)
    for panelLayout in layout.panels {
      let axes = AxesPainter(
        area: panelLayout.plotArea, xScale: panelLayout.xScale, yScale: panelLayout.yScale, xTicks: panelLayout.xTicks,
        yTicks: panelLayout.yTicks, theme: t)
      axes.drawGrid(on: canvas)
      let layers = panels.indices.contains(panelLayout.index) ? panels[panelLayout.index]?.layers ?? [] : []
      axes.drawLayers(layers, on: canvas)
      axes.drawFrameAndTicks(on: canvas)
      if let bar = panelLayout.colorBar { Self.draw(bar, theme: t, on: canvas) }
    }
    if let legend = layout.legend { AxesPainter.draw(legend, theme: t, on: canvas) }
    for text in layout.texts {
      canvas.drawText(text.text, at: text.position, font: text.font, color: t.textColor, anchor: text.anchor, angle: text.angle)
    }
  }

  /// The most bands a colour bar's gradient is painted with.
  static let colorBarBands = 128

  /// A colour bar: the gradient as horizontal bands (each overlapping the next by half a
  /// point, so no seam shows between them), then the frame and the tick marks.
  static func draw(_ bar: ColorBarLayout, theme t: Theme, on canvas: some Canvas) {
    let strip = bar.strip
    let bands = Swift.max(2, Swift.min(colorBarBands, Int(clamping: strip.height, to: 0...colorBarBands, nan: 2)))
    for band in 0..<bands {
      let low = Double(band) / Double(bands), high = Double(band + 1) / Double(bands)
      let bottom = strip.maxY - low * strip.height
      let top = strip.maxY - high * strip.height - (band + 1 < bands ? 0.5 : 0)
      let color = t.ink(bar.scale.color(atFraction: (low + high) / 2))
      canvas.fill(Path(rect: Rect(x: strip.minX, y: top, width: strip.width, height: bottom - top)), color: color)
    }
    canvas.stroke(Path(rect: strip), style: StrokeStyle(color: t.frameColor, width: 0.8))
    var ticks = Path()
    for v in bar.ticks {
      let y = bar.valueScale(v)
      ticks.move(to: Point(strip.maxX, y))
      ticks.line(to: Point(strip.maxX + t.tickLength, y))
    }
    canvas.stroke(ticks, style: StrokeStyle(color: t.frameColor, width: 0.8))
  }
}
