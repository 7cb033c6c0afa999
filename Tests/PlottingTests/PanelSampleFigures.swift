import Foundation
import Testing
import TestSupport

@testable import Plotting

/// A named panel figure for table-driven layout tests.
struct PanelSample: Sendable, CustomTestStringConvertible {
  var name: String
  var figure: PanelFigure
  var testDescription: String { name }
}

/// Panel figures the layout must handle: a pair plot, a contour figure with a colour bar,
/// facets with an empty cell, and a panel too crowded for any inside legend.
enum PanelSamples {
  static let clusters = [
    SampleClusters.normal(count: 60, meanX: -1, meanY: 0, a: 0.5, b: 0.2, c: 0.3, seed: 7),
    SampleClusters.normal(count: 60, meanX: 1.5, meanY: 1, a: 0.4, b: -0.1, c: 0.6, seed: 8),
  ]

  static func scatter(swapped: Bool) -> [Layer] {
    clusters.enumerated().flatMap { k, c -> [Layer] in
      let e = Ellipse(centerX: swapped ? c.ys.mean : c.xs.mean, centerY: swapped ? c.xs.mean : c.ys.mean, a: 0.4, b: 0.1, c: 0.4, radius: 2)
      return [
        .points(
          PointSeries(
            xs: swapped ? c.ys : c.xs, ys: swapped ? c.xs : c.ys, colors: [Color.categorical(k)], label: "Group \(k + 1)",
            radii: c.xs.indices.map { 1 + Double($0 % 3) })),
        .polygon(PolygonSeries(outline: e?.polygon() ?? Polyline(xs: [], ys: [], isClosed: true), fill: Color.categorical(k).withAlpha(0.1), stroke: StrokeStyle(color: Color.categorical(k), width: 1))),
      ]
    } + [.markers(MarkerSeries(xs: [-1, 1.5], ys: [0, 1], colors: [.black], label: "Centres"))]
  }

  static func density(_ values: [Double]) -> [Layer] {
    let grid = (0...60).map { -3 + 6 * Double($0) / 60 }
    return [.line(LineSeries(xs: grid, ys: grid.map { g in values.reduce(0) { $0 + Foundation.exp(-($1 - g) * ($1 - g) / 0.5) } / Double(values.count) }, color: .black))]
  }

  static let pairs = PanelSample(
    name: "pairs 2 × 2",
    figure: PanelFigure(
      size: Figure.inches(width: 6, height: 6), title: "Pairs", columns: 2,
      panels: [
        Panel(yLabel: "density", layers: density(clusters.flatMap(\.xs)), yStartsAtZero: true, sharesY: false),
        Panel(yLabel: "x", layers: scatter(swapped: true)),
        Panel(xLabel: "x", yLabel: "y", layers: scatter(swapped: false)),
        Panel(xLabel: "y", yLabel: "density", layers: density(clusters.flatMap(\.ys)), yStartsAtZero: true, sharesY: false),
      ]))

  static let contourField: (xs: [Double], ys: [Double], z: [Double]) = {
    let xs = (0..<41).map { -3 + 6 * Double($0) / 40 }
    var z: [Double] = []
    for y in xs { for x in xs { z.append(Foundation.exp(-(x * x + 2 * y * y) / 2)) } }
    return (xs, xs, z)
  }()

  static let contourScale = ColorScale.viridis(domain: 0...1)

  static let contours = PanelSample(
    name: "contours with a colour bar",
    figure: PanelFigure(
      size: Figure.inches(width: 6.4, height: 4.8), title: "Contours", columns: 1,
      panels: [
        Panel(
          xLabel: "x", yLabel: "y",
          layers: [
            .contour(
              ContourSeries(
                xs: contourField.xs, ys: contourField.ys, z: contourField.z,
                levels: Contours.levels(contourField.z, fractionsOfMaximum: [0.1, 0.3, 0.5, 0.7, 0.9]),
                scale: contourScale, label: "Density")),
            .markers(MarkerSeries(xs: [0], ys: [0], shape: .disk, colors: [.red], label: "Mode")),
          ],
          colorBar: ColorBar(scale: contourScale, label: "density"))
      ]))

  static let facets = PanelSample(
    name: "facets 3 × 2 with an empty cell",
    figure: PanelFigure(
      size: Figure.inches(width: 7, height: 6), title: "Facets", columns: 2,
      panels: (0..<5).map { i -> Panel? in
        Panel(
          title: "Panel \(i + 1)", xLabel: "time", yLabel: "value",
          layers: [.line(LineSeries(xs: (0...20).map(Double.init), ys: (0...20).map { 100 * Double(i + 1) + Double($0 * $0) }, color: Color.categorical(i), label: "Series \(i + 1)"))])
      } + [nil]))

  /// Points everywhere: no corner is free, so the legend goes outside.
  static let crowded = PanelSample(
    name: "crowded single panel",
    figure: PanelFigure(
      size: Figure.inches(width: 6.4, height: 4.8), columns: 1,
      panels: [
        Panel(
          xLabel: "x", yLabel: "y",
          layers: [
            .points(
              PointSeries(
                xs: (0..<400).map { Double($0 % 20) }, ys: (0..<400).map { Double($0 / 20) }, colors: [Color.categorical(4)],
                label: "A grid of points", fill: .hollow(lineWidth: 1)))
          ])
      ]))

  /// Categories on y (named ticks, one past the range), bands filling the plot, white
  /// rules between blocks as segments, the legend outside.
  static func band(_ c: Int) -> Layer {
    let y = Double(c)
    let outline = Polyline(xs: [0, 90, 90, 0], ys: [y - 0.4, y - 0.4, y + 0.4, y + 0.4], isClosed: true)
    let fill = c == 1 ? Color(hex: 0x3B3B3B) : Color(hex: 0xDADADA)
    let label: String? = c == 0 ? "Observed" : c == 1 ? "Missing" : nil
    return .polygon(PolygonSeries(outline: outline, fill: fill, label: label))
  }

  static let matrixLayers: [Layer] =
    (0..<3).map(band) + [
      .segments(SegmentSeries(x0s: [30, 60], y0s: [-0.5, -0.5], x1s: [30, 60], y1s: [2.5, 2.5], style: StrokeStyle(color: .white, width: 1)))
    ]

  static let matrixTicks: [TickLabel] = [TickLabel(2, "first column"), TickLabel(1, "second"), TickLabel(0, "a third, longer name"), TickLabel(3, "outside")]

  /// Categories on y (named ticks, one past the range), bands filling the plot, white
  /// rules between blocks as segments, the legend outside.
  static let matrix = PanelSample(
    name: "matrix with named y ticks",
    figure: PanelFigure(
      size: Figure.inches(width: 6.4, height: 4.8), title: "Matrix", columns: 1,
      panels: [
        Panel(xLabel: "rows", layers: matrixLayers, xDomain: 0...90, yDomain: -0.5...2.5, xIntegerTicks: true, yTickLabels: matrixTicks)
      ], legend: .outsideRight))

  static let all = [pairs, contours, facets, crowded, matrix]
}

extension Array where Element == Double {
  var mean: Double { isEmpty ? 0 : reduce(0, +) / Double(count) }
}
