import Plotting

/// How many recorded marks a legend covers: every mark painted inside the plots' clips,
/// strokes sampled every ¼ pt (widened by half their width), circles by their radius,
/// filled outlines by containing a corner of the legend or its centre. Shared by the
/// plotting layer's tests and the report's, which check the figures users get.
public enum LegendCheck {
  public static func coveredMarks(_ operations: [RecordingCanvas.Operation], legend frame: Rect) -> Int {
    var clipped = false
    var hits = 0
    func points(_ path: Path) -> [[Point]] {
      var runs: [[Point]] = []
      for e in path.elements {
        switch e {
        case .move(let p): runs.append([p])
        case .line(let p): if !runs.isEmpty { runs[runs.count - 1].append(p) }
        case .close: if let first = runs.last?.first { runs[runs.count - 1].append(first) }
        case .circle: break
        }
      }
      return runs
    }
    func near(_ p: Point, _ margin: Double) -> Bool { frame.insetBy(-margin).contains(p) }
    for op in operations {
      switch op {
      case .pushClip: clipped = true
      case .popClip: clipped = false
      case .stroke(let path, let style) where clipped:
        for run in points(path) {
          for (a, b) in zip(run, run.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            let steps = Swift.max(1, Int(length * 4))
            for s in 0...steps {
              let f = Double(s) / Double(steps)
              if near(Point(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f), style.width / 2) { hits += 1 }
            }
          }
        }
        for case .circle(let c, let r) in path.elements where near(c, r + style.width / 2) { hits += 1 }
      case .fill(let path, _) where clipped:
        for case .circle(let c, let r) in path.elements where near(c, r) { hits += 1 }
        for run in points(path) where run.count >= 3 {
          if run.contains(where: { frame.contains($0) }) || contains(run, Point(frame.midX, frame.midY)) { hits += 1 }
        }
      default: break
      }
    }
    return hits
  }

  /// Even-odd point-in-polygon.
  static func contains(_ polygon: [Point], _ point: Point) -> Bool {
    var inside = false
    var j = polygon.count - 1
    for i in polygon.indices {
      let a = polygon[i], b = polygon[j]
      if (a.y > point.y) != (b.y > point.y), point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
      j = i
    }
    return inside
  }
}
