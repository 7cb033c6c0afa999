/// The size and rows of a legend for some labelled layers, shrunk (text and all) to fit
/// a given room: the part of legend layout every figure shares, wherever it then puts
/// the frame.
struct LegendBuilder {
  /// The labelled layers, one row each.
  var layers: [Layer]
  var font: Font
  var pad: Double
  var sampleWidth: Double
  var extent: TextExtent
  var rowHeight: Double
  /// The frame's size.
  var size: Size

  /// Rows for `layers` (which must have labels) in the theme's legend font, scaled down
  /// when wider or taller than `room`, but never below ``Figure/smallestShrink``.
  init(layers: [Layer], theme: Theme, room: Size, measurer: some TextMeasuring) {
    func natural(_ font: Font) -> (extent: TextExtent, text: Double) {
      (measurer.measure("X", font: font), layers.compactMap { $0.label.map { measurer.measure($0, font: font).width } }.max() ?? 0)
    }
    var font = theme.legendFont
    var (extent, textWidth) = natural(font)
    var pad = 6.0
    var sampleWidth = 22.0
    let naturalWidth = 3 * pad + sampleWidth + textWidth
    let naturalHeight = 2 * pad + extent.height * (1.3 * Double(layers.count) - 0.3)
    let scale = Swift.max(Figure.smallestShrink, Swift.min(1, room.width / naturalWidth, room.height / naturalHeight))
    if scale < 1 {
      font.size *= scale
      pad *= scale
      sampleWidth *= scale
      (extent, textWidth) = natural(font)
    }
    let rowHeight = extent.height * 1.3
    self.layers = layers
    self.font = font
    self.pad = pad
    self.sampleWidth = sampleWidth
    self.extent = extent
    self.rowHeight = rowHeight
    self.size = Size(
      width: pad + sampleWidth + pad + textWidth + pad,
      height: pad + rowHeight * Double(layers.count) + pad - (rowHeight - extent.height))
  }

  /// The rows laid out in a frame at `box`.
  func entries(in box: Rect, measurer: some TextMeasuring) -> [LegendEntry] {
    var entries: [LegendEntry] = []
    for (row, layer) in layers.enumerated() {
      let midY = box.minY + pad + extent.height / 2 + Double(row) * rowHeight
      let center = Point(box.minX + pad + sampleWidth / 2, midY)
      let sample: LegendEntry.Sample
      switch layer {
      case .segments(let s):
        sample = .line(from: Point(box.minX + pad, midY), to: Point(box.minX + pad + sampleWidth, midY), style: s.style)
      case .line(let s):
        sample = .line(from: Point(box.minX + pad, midY), to: Point(box.minX + pad + sampleWidth, midY), style: s.style)
      case .points(let s):
        let radius = Swift.max(s.radius, 2.5)
        switch s.fill {
        case .solid: sample = .marker(center: center, radius: radius, color: s.legendColor)
        case .hollow(let width): sample = .ring(center: center, radius: radius, style: StrokeStyle(color: s.legendColor, width: width))
        }
      case .polygon(let s):
        let h = extent.height * 0.8
        sample = .patch(Rect(x: box.minX + pad, y: midY - h / 2, width: sampleWidth, height: h), fill: s.fill, stroke: s.stroke)
      case .contour(let s):
        let middle = s.levels.isEmpty ? 0 : (s.levels.count - 1) / 2
        sample = .line(from: Point(box.minX + pad, midY), to: Point(box.minX + pad + sampleWidth, midY), style: s.style(at: middle))
      case .markers(let s):
        let size = Swift.min(s.size, extent.height / 2)
        sample = .symbol(center: center, shape: s.shape, size: size, color: s.color(at: 0), outline: s.outline)
      }
      let position = Point(box.minX + pad + sampleWidth + pad, midY)
      let text = layer.label ?? ""
      let anchor = TextAnchor(.left, .center)
      entries.append(
        LegendEntry(
          sample: sample,
          label: PlacedText(
            text: text, role: .legend, position: position, font: font, anchor: anchor, angle: 0,
            box: measurer.box(of: text, at: position, font: font, anchor: anchor))))
    }
    return entries
  }
}
