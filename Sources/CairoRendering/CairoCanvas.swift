internal import CCairo
import Plotting

/// A ``Canvas`` that paints with cairo onto an image surface (the PNGs).
///
/// Text uses cairo's "toy" font API with DejaVu Sans, hinting off, so text extents are
/// the same on every surface and at every scale.
final class CairoCanvas: Canvas {
  private let surface: CairoSurface
  let context: OpaquePointer
  /// Device pixels per point when rectilinear strokes and fills snap to the pixel grid
  /// (a raster surface), nil otherwise.
  let pixelGrid: Double?

  /// A canvas on `surface`, scaled by `scale` device units per point; `snapsToPixels` snaps
  /// rectilinear strokes and fills to the pixel grid and stamps dots.
  init(surface: CairoSurface, scale: Double, snapsToPixels: Bool = false) throws(CairoError) {
    guard let cr = cairo_create(surface.pointer) else {
      throw CairoError(call: "cairo_create", reason: "returned NULL", status: -1)
    }
    do {
      try check(cairo_status(cr), "cairo_create")
    } catch {
      cairo_destroy(cr)
      throw error
    }
    self.surface = surface
    pixelGrid = snapsToPixels && scale.isFinite && scale > 0 ? scale : nil
    context = cr
    cairo_scale(cr, scale, scale)
    CairoCanvas.configureText(cr)
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY)
  }

  deinit { cairo_destroy(context) }

  /// Sets the font family and options every context shares.
  static func configureText(_ cr: OpaquePointer) {
    guard let options = cairo_font_options_create() else { return }
    defer { cairo_font_options_destroy(options) }
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    cairo_set_font_options(cr, options)
  }

  /// Selects `font` on `cr`.
  static func select(_ font: Font, on cr: OpaquePointer) {
    cairo_select_font_face(cr, fontFamily, CAIRO_FONT_SLANT_NORMAL, font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(cr, font.size)
  }

  /// The family every figure uses; `fonts-dejavu-core` provides it.
  static let fontFamily = "DejaVu Sans"

  /// Measures with cairo's text and font extents on `cr`.
  static func measure(_ text: String, font: Font, on cr: OpaquePointer) -> TextExtent {
    select(font, on: cr)
    var fontExtents = cairo_font_extents_t()
    cairo_font_extents(cr, &fontExtents)
    var textExtents = cairo_text_extents_t()
    cairo_text_extents(cr, text, &textExtents)
    return TextExtent(width: textExtents.x_advance, ascent: fontExtents.ascent, descent: fontExtents.descent)
  }

  func measure(_ text: String, font: Font) -> TextExtent {
    CairoCanvas.measure(text, font: font, on: context)
  }

  private func setColor(_ c: Plotting.Color) {
    cairo_set_source_rgba(context, c.red, c.green, c.blue, c.alpha)
  }

  private func append(_ path: Path) {
    cairo_new_path(context)
    for element in path.elements {
      switch element {
      case .move(let p): cairo_move_to(context, p.x, p.y)
      case .line(let p): cairo_line_to(context, p.x, p.y)
      case .close: cairo_close_path(context)
      case .circle(let c, let r):
        cairo_new_sub_path(context)
        cairo_arc(context, c.x, c.y, r, 0, 2 * Double.pi)
        cairo_close_path(context)
      }
    }
  }

  func fill(_ path: Path, color: Plotting.Color) {
    if let grid = pixelGrid, let radius = path.dotRadius(painted: color), radius * grid <= DotStamps.largestRadius {
      stamp(path, radius: radius * grid, grid: grid, color: color)
      return
    }
    if let grid = pixelGrid, let snapped = Self.snapped(path, grid: grid, offset: 0) {
      append(snapped)
    } else {
      append(path)
    }
    setColor(color)
    cairo_set_fill_rule(context, CAIRO_FILL_RULE_WINDING)
    cairo_fill(context)
  }

  /// Whether stamps wholly inside the clip are blended here rather than by
  /// `cairo_mask_surface` (false only in the test that compares the two).
  var blendsStampsDirectly = true

  /// Dot masks of this canvas's raster fills of equal circles (``stamp(_:radius:grid:color:)``).
  private var stamps: DotStamps?

  /// Paints the circles of `path` (all of device radius `radius`) by stamping a mask of the
  /// disk, drawn once per position within its pixel (in eighths), in `color` at each centre:
  /// a scatter of thousands of points, each its own colour, cost a cairo path and fill per
  /// point (arcs flattened with sin and cos, a polygon scan-converted). A centre is at most
  /// 1/16 px from where cairo's fill would put it. Only the surface's visible dots are stamped.
  ///
  /// A stamp wholly inside the surface and the clip's fully covered pixels is blended into
  /// the pixels here (``DotStamps/blend(_:into:stride:left:top:source:)``, pixman's
  /// arithmetic, the same bytes as cairo's mask); one on an edge goes through
  /// `cairo_mask_surface`, whose per-call cost (a saved state, a compositor, a pixman
  /// composite) was most of a scatter strip's time.
  private func stamp(_ path: Path, radius: Double, grid: Double, color: Plotting.Color) {
    if stamps?.radius != radius { stamps = DotStamps(radius: radius) }
    guard let stamps else { return }
    let width = Int(cairo_image_surface_get_width(surface.pointer))
    let height = Int(cairo_image_surface_get_height(surface.pointer))
    let reach = stamps.pad + 1
    let side = stamps.side
    let pad = Int(stamps.pad)
    // The pixels a stamp may cover directly: inside the surface and the clip.
    let inside = (clips.last ?? PixelBox(left: 0, top: 0, right: width, bottom: height)).intersection(
      PixelBox(left: 0, top: 0, right: width, bottom: height))
    let source = DotStamps.premultiplied(color)
    cairo_surface_flush(surface.pointer)
    let pixels = cairo_image_surface_get_data(surface.pointer).map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: UInt32.self) }
    let stride = Int(cairo_image_surface_get_stride(surface.pointer)) / 4
    for case .circle(let c, _) in path.elements {
      let x = c.x * grid, y = c.y * grid
      // Also skips NaN: every comparison with it is false.
      guard x > -reach, x < Double(width) + reach, y > -reach, y < Double(height) + reach else { continue }
      let fx = (x * 8).rounded(.down), fy = (y * 8).rounded(.down)
      // x, y are within the surface's reach, so these are small whole numbers.
      let ix = Int(fx) >> 3, iy = Int(fy) >> 3
      let qx = Int(fx) & 7, qy = Int(fy) & 7
      let left = ix - pad, top = iy - pad
      if blendsStampsDirectly, let source, let pixels, let coverage = stamps.coverage(qx, qy),
        left >= inside.left, top >= inside.top, left + side <= inside.right, top + side <= inside.bottom
      {
        DotStamps.blend(coverage, side: side, into: pixels, stride: stride, left: left, top: top, source: source)
      } else if let mask = stamps.mask(qx, qy) {
        // In order: overlapping stamps composite one after another.
        cairo_surface_mark_dirty(surface.pointer)
        cairo_save(context)
        cairo_identity_matrix(context)
        setColor(color)
        cairo_mask_surface(context, mask.pointer, Double(left), Double(top))
        cairo_restore(context)
        cairo_surface_flush(surface.pointer)
      }
    }
    cairo_surface_mark_dirty(surface.pointer)
  }

  func stroke(_ path: Path, style: StrokeStyle) {
    var width = style.width
    if let grid = pixelGrid, style.width.isFinite, style.width > 0 {
      // Frames, grid lines and ticks crisp instead of two half-tone rows, as matplotlib's Agg
      // snaps them: at least a pixel wide, a whole number of pixels centred on pixel centres
      // (odd) or edges (even); thinner, its own width on a pixel centre, so that it keeps
      // its ink (a 0.28 px frame at 25 dpi is not a solid pixel).
      let device = style.width * grid
      let pixels = device >= 1 ? device.rounded() : device
      let offset = device >= 1 && pixels.truncatingRemainder(dividingBy: 2) == 0 ? 0 : 0.5
      if let snapped = Self.snapped(path, grid: grid, offset: offset) {
        append(snapped)
        width = pixels / grid
      } else {
        append(path)
      }
    } else {
      append(path)
    }
    setColor(style.color)
    cairo_set_line_width(context, width)
    style.dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
    cairo_stroke(context)
  }

  /// `path` with every vertex moved to the nearest device position `k + offset` (k whole)
  /// when the path is rectilinear: only moves, lines and closes, each line horizontal or
  /// vertical, at most 4 096 vertices (matplotlib's rule); nil otherwise, when a coordinate
  /// is not finite, or when a segment of some length would shrink to none (a bar or tick
  /// under a pixel keeps its antialiased ink instead of vanishing).
  static func snapped(_ path: Path, grid: Double, offset: Double) -> Path? {
    guard path.elements.count <= 4096 else { return nil }
    var result = Path()
    // The current and first vertex of the subpath, as given and snapped.
    var current: (given: Point, snapped: Point)?
    var start: (given: Point, snapped: Point)?
    func snap(_ p: Point) -> Point? {
      guard p.x.isFinite, p.y.isFinite else { return nil }
      let x = ((p.x * grid - offset).rounded() + offset) / grid
      let y = ((p.y * grid - offset).rounded() + offset) / grid
      return Point(x, y)
    }
    for element in path.elements {
      switch element {
      case .move(let p):
        guard let q = snap(p) else { return nil }
        result.move(to: q)
        current = (p, q)
        start = current
      case .line(let p):
        guard let c = current, c.given.x == p.x || c.given.y == p.y, let q = snap(p) else { return nil }
        if c.given != p, q == c.snapped { return nil }
        result.line(to: q)
        current = (p, q)
      case .close:
        if let c = current, let s = start {
          guard c.given.x == s.given.x || c.given.y == s.given.y else { return nil }
          if c.given != s.given, c.snapped == s.snapped { return nil }
        }
        result.close()
        current = start
      case .circle:
        return nil
      }
    }
    return result
  }

  func drawText(_ text: String, at position: Point, font: Font, color: Plotting.Color, anchor: TextAnchor, angle: Double) {
    let extent = measure(text, font: font)
    let (u, v) = anchor.offsets(for: extent)
    cairo_save(context)
    cairo_translate(context, position.x, position.y)
    // Counter-clockwise on the page is a negative angle in cairo's y-down space.
    cairo_rotate(context, -angle * Double.pi / 180)
    cairo_move_to(context, -u, extent.ascent - v)
    setColor(color)
    cairo_show_text(context, text)
    cairo_restore(context)
  }

  /// The device pixels each active clip covers fully (intersected with the clips around
  /// it), innermost last: where ``stamp(_:radius:grid:color:)`` may blend directly.
  private var clips: [PixelBox] = []

  func pushClip(_ rect: Rect) {
    let scale = pixelGrid ?? 1
    let full = PixelBox(fullyCovering: rect, scale: scale)
    clips.append(clips.last.map { $0.intersection(full) } ?? full)
    cairo_save(context)
    cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
    cairo_clip(context)
  }

  func popClip() {
    if !clips.isEmpty { clips.removeLast() }
    cairo_restore(context)
  }

  /// Reports any error cairo recorded while drawing (cairo's errors are sticky).
  func checkStatus() throws(CairoError) {
    try check(cairo_status(context), "drawing")
  }
}

/// Measures text exactly as ``CairoCanvas`` draws it, without a drawing surface, so
/// that a figure's layout is the same in PNG, PDF and SVG.
public final class CairoTextMeasurer: TextMeasuring {
  private let surface: OpaquePointer
  private let context: OpaquePointer

  /// A measurer on a 1 × 1 scratch image.
  public init() throws(CairoError) {
    guard let s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else {
      throw CairoError(call: "cairo_image_surface_create", reason: "returned NULL", status: -1)
    }
    try check(cairo_surface_status(s), "cairo_image_surface_create")
    guard let cr = cairo_create(s) else {
      cairo_surface_destroy(s)
      throw CairoError(call: "cairo_create", reason: "returned NULL", status: -1)
    }
    surface = s
    context = cr
    CairoCanvas.configureText(cr)
  }

  deinit {
    cairo_destroy(context)
    cairo_surface_destroy(surface)
  }

  public func measure(_ text: String, font: Font) -> TextExtent {
    CairoCanvas.measure(text, font: font, on: context)
  }
}

/// A8 masks of one disk, one per position of its centre within a pixel in eighths of a pixel
/// (the centre at (pad + (qx + ½)/8, pad + (qy + ½)/8) of a square of side 2·pad + 1), drawn
/// by cairo as it fills the disk, made when first used.
final class DotStamps {
  /// Dots wider than this (device pixels) are filled as paths.
  static let largestRadius = 24.0
  let radius: Double
  let pad: Double
  /// The masks' side in pixels, 2·pad + 1.
  let side: Int
  private var masks: [CairoSurface?]
  /// Each mask's coverage bytes, row after row (`side` × `side`, no padding).
  private var coverages: [[UInt8]?]

  init(radius: Double) {
    self.radius = radius
    pad = (radius + 1).rounded(.up)
    side = 2 * Int(pad) + 1
    masks = Array(repeating: nil, count: 64)
    coverages = Array(repeating: nil, count: 64)
  }

  func mask(_ qx: Int, _ qy: Int) -> CairoSurface? {
    let index = qy * 8 + qx
    guard masks.indices.contains(index) else { return nil }
    if let mask = masks[index] { return mask }
    let side = Int32(self.side)
    guard let pointer = cairo_image_surface_create(CAIRO_FORMAT_A8, side, side),
      let surface = try? CairoSurface(pointer, call: "cairo_image_surface_create")
    else { return nil }
    guard let cr = cairo_create(surface.pointer) else { return nil }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY)
    cairo_arc(cr, pad + (Double(qx) + 0.5) / 8, pad + (Double(qy) + 0.5) / 8, radius, 0, 2 * Double.pi)
    cairo_fill(cr)
    cairo_destroy(cr)
    cairo_surface_flush(surface.pointer)
    masks[index] = surface
    return surface
  }

  /// The coverage bytes of ``mask(_:_:)``, copied out once.
  func coverage(_ qx: Int, _ qy: Int) -> [UInt8]? {
    let index = qy * 8 + qx
    guard coverages.indices.contains(index) else { return nil }
    if let coverage = coverages[index] { return coverage }
    guard let mask = mask(qx, qy), let data = cairo_image_surface_get_data(mask.pointer) else { return nil }
    let stride = Int(cairo_image_surface_get_stride(mask.pointer))
    var bytes = [UInt8](repeating: 0, count: side * side)
    for y in 0..<side {
      for x in 0..<side { bytes[y * side + x] = data[y * stride + x] }
    }
    coverages[index] = bytes
    return bytes
  }

  /// `color` as the premultiplied ARGB32 pixel cairo composites it with: each channel
  /// clamped to [0, 1], times alpha, to 16 bits as cairo rounds (`d · 65535 + ½`), its top
  /// byte as pixman takes it. Nil for a channel that is not a number.
  static func premultiplied(_ color: Plotting.Color) -> UInt32? {
    func clamped(_ v: Double) -> Double? { v.isNaN ? nil : Swift.min(Swift.max(v, 0), 1) }
    guard let r = clamped(color.red), let g = clamped(color.green), let b = clamped(color.blue), let a = clamped(color.alpha) else { return nil }
    func byte(_ d: Double) -> UInt32 { UInt32(UInt16(d * 65535 + 0.5) >> 8) }
    return byte(a) << 24 | byte(r * a) << 16 | byte(g * a) << 8 | byte(b * a)
  }

  /// Composites premultiplied `source` through `coverage` (`side` × `side` bytes) OVER the
  /// ARGB32 pixels at (`left`, `top`), which the caller keeps inside the image: pixman's
  /// `over_n_8_8888`, rounding as its `MUL_UN8` (t = a·b + 128, (t + t >> 8) >> 8) and
  /// saturating the sum, so the bytes are those `cairo_mask_surface` writes.
  static func blend(
    _ coverage: [UInt8], side: Int, into pixels: UnsafeMutablePointer<UInt32>, stride: Int, left: Int, top: Int, source: UInt32
  ) {
    @inline(__always) func mul(_ a: UInt32, _ b: UInt32) -> UInt32 {
      let t = a &* b &+ 0x80
      return ((t >> 8) &+ t) >> 8
    }
    let sourceOpaque = source >> 24 == 0xFF
    coverage.withUnsafeBufferPointer { mask in
      for y in 0..<side {
        let row = pixels + (top + y) * stride + left
        for x in 0..<side {
          let m = UInt32(mask[y * side + x])
          if m == 0 { continue }
          var s = source
          if m != 0xFF {
            s = mul(source >> 24, m) << 24 | mul((source >> 16) & 0xFF, m) << 16 | mul((source >> 8) & 0xFF, m) << 8 | mul(source & 0xFF, m)
          } else if sourceOpaque {
            row[x] = source
            continue
          }
          let inverse = 255 - (s >> 24)
          let d = row[x]
          @inline(__always) func channel(_ shift: UInt32) -> UInt32 {
            Swift.min(mul((d >> shift) & 0xFF, inverse) &+ ((s >> shift) & 0xFF), 255) << shift
          }
          row[x] = channel(0) | channel(8) | channel(16) | channel(24)
        }
      }
    }
  }
}

/// A box of whole device pixels, `left..<right` by `top..<bottom` (empty when either range is).
struct PixelBox: Equatable {
  var left: Int, top: Int, right: Int, bottom: Int

  init(left: Int, top: Int, right: Int, bottom: Int) {
    (self.left, self.top, self.right, self.bottom) = (left, top, right, bottom)
  }

  /// The pixels that `rect` (in points, `scale` pixels a point) covers wholly; empty for a
  /// rectangle that is not finite or not positive, or that cairo cannot hold exactly.
  init(fullyCovering rect: Rect, scale: Double) {
    let x0 = (rect.x * scale).rounded(.up), y0 = (rect.y * scale).rounded(.up)
    let x1 = ((rect.x + rect.width) * scale).rounded(.down), y1 = ((rect.y + rect.height) * scale).rounded(.down)
    // cairo's clip takes the corner and the sides (`cairo_rectangle`'s relative lines) as
    // 24.8 fixed point in 32 bits, which wraps past ±2^23 px: a larger rectangle clips
    // wherever the wrapped values say, so it is left to cairo (empty here). Corner and sides
    // under 2^22 keep every edge, their sum, in range.
    let limit = Double(1 << 22)
    let given = [rect.x * scale, rect.y * scale, rect.width * scale, rect.height * scale]
    guard given.allSatisfy({ $0.isFinite && abs($0) < limit }), [x0, y0, x1, y1].allSatisfy({ $0.isFinite && abs($0) < 2 * limit }),
      x1 > x0, y1 > y0
    else {
      self.init(left: 0, top: 0, right: 0, bottom: 0)
      return
    }
    self.init(left: Int(x0), top: Int(y0), right: Int(x1), bottom: Int(y1))
  }

  func intersection(_ other: PixelBox) -> PixelBox {
    PixelBox(left: Swift.max(left, other.left), top: Swift.max(top, other.top), right: Swift.min(right, other.right), bottom: Swift.min(bottom, other.bottom))
  }
}

extension Path {
  /// The radius when the path is only circles of one positive finite radius that may be
  /// painted one by one in `color` (scatter points: stamped in a PNG, placed forms in a
  /// PDF): opaque, or a single circle. Overlapping translucent dots painted one by one would
  /// darken where a fill of the whole path (and the SVG) paints their union once, so such a
  /// path is nil and filled whole.
  func dotRadius(painted color: Plotting.Color) -> Double? {
    guard color.alpha >= 1 || elements.count == 1 else { return nil }
    var radius: Double?
    for element in elements {
      guard case .circle(_, let r) = element, r > 0, r.isFinite, radius == nil || radius == r else { return nil }
      radius = r
    }
    return radius
  }
}
