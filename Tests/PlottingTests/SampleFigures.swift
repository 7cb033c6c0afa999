import Foundation
import Testing

@testable import Plotting

/// A named figure for table-driven layout and drawing tests.
struct SampleFigure: Sendable, CustomTestStringConvertible {
  var name: String
  var figure: Figure

  var testDescription: String { name }
}

/// The figures the layout must handle: the tutorial's three, then awkward ones.
enum SampleFigures {
  static let tutorialSize = Figure.inches(width: 6.4, height: 4.8)

  /// A two-group normal mixture density, like the tutorial's data.
  static func mixtureDensity(_ x: Double) -> Double {
    func phi(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }
    return 0.25 * phi((x - 2) / 1.0) / 1.0 + 0.75 * phi((x + 1.1) / 0.8) / 0.8
  }

  static let densityXs = (0..<200).map { -4.7 + 10.35 * Double($0) / 199 }

  /// The tutorial's green KDE curve.
  static let kdeLine = Layer.line(
    LineSeries(xs: densityXs, ys: densityXs.map(mixtureDensity), color: .green, width: 2, label: "Kernel Density Estimation"))

  /// A few data points along the x axis, in red.
  static let dataPoints = Layer.points(
    PointSeries(xs: [-2.1, -1.2, -0.4, 1.7, 2.6], ys: [0, 0, 0, 0, 0], colors: [.red], label: "Data"))

  /// The tutorial's first figure: a KDE curve over the data.
  static let density = SampleFigure(
    name: "density curve",
    figure: Figure(
      size: tutorialSize, title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
      layers: [
        kdeLine,
        dataPoints,
      ], yStartsAtZero: true))

  /// Log-likelihoods rising from −1387.04 to −1386.86 over epochs 1…20.
  static let epochs = (1...20).map(Double.init)
  static let logLikelihoods = epochs.map { -1386.86 - 0.18 * exp(-0.35 * ($0 - 1)) }

  /// The tutorial's second figure: log-likelihood per epoch, integer ticks.
  static let logLikelihood = SampleFigure(
    name: "log-likelihood per epoch",
    figure: Figure(
      size: tutorialSize, title: "Log-likelihood over EM epochs", xLabel: "Epoch", yLabel: "Log-likelihood",
      layers: [.line(LineSeries(xs: epochs, ys: logLikelihoods, color: Color.cycle(0), markers: true))],
      xIntegerTicks: true, legend: .none))

  /// The tutorial's third figure: two curves with a legend.
  static let twoLines = SampleFigure(
    name: "two lines with legend",
    figure: Figure(
      size: tutorialSize, title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
      layers: [
        kdeLine,
        .line(
          LineSeries(
            xs: densityXs, ys: densityXs.map { 1.05 * mixtureDensity($0 * 0.97) }, color: .red, width: 2, dash: [6, 3],
            label: "Gaussian Mixture Model")),
      ], yStartsAtZero: true))

  /// A title three times wider than the figure.
  static let longTitle = SampleFigure(
    name: "long title",
    figure: Figure(
      size: tutorialSize,
      title: String(repeating: "A very long title that cannot possibly fit on one line of the figure ", count: 3),
      xLabel: "X", yLabel: "Density", layers: density.figure.layers, yStartsAtZero: true))

  /// One data point: both domains must be padded around it.
  static let singlePoint = SampleFigure(
    name: "single point",
    figure: Figure(
      size: tutorialSize, title: "One point", xLabel: "x", yLabel: "y",
      layers: [.points(PointSeries(xs: [3], ys: [5], colors: [.red], label: "the point"))]))

  /// Every figure the table-driven tests run over.
  static let all: [SampleFigure] = [
    density, logLikelihood, twoLines,
    longTitle,
    SampleFigure(
      name: "huge values",
      figure: Figure(
        size: tutorialSize, title: "Huge", xLabel: "x", yLabel: "y",
        layers: [.line(LineSeries(xs: [1e7, 2e7, 3e7, 4e7], ys: [1.2e7, 3.9e7, 2.2e7, 5e7], color: .black, label: "huge"))])),
    SampleFigure(
      name: "tiny values",
      figure: Figure(
        size: tutorialSize, title: "Tiny", xLabel: "x", yLabel: "y",
        layers: [.line(LineSeries(xs: [1e-6, 2e-6, 3e-6, 4e-6], ys: [1.2e-6, 3.9e-6, 2.2e-6, 5e-6], color: .black, label: "tiny"))])),
    singlePoint,
    SampleFigure(
      name: "negative ranges",
      figure: Figure(
        size: tutorialSize, title: "Negative", xLabel: "x", yLabel: "y",
        layers: [.line(LineSeries(xs: [-50, -40, -25, -10], ys: [-0.8, -0.1, -0.5, -0.3], color: .black, label: "below zero"))])),
    SampleFigure(
      name: "small 3×2 in density",
      figure: Figure(
        size: Figure.inches(width: 3, height: 2), title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
        layers: [
          .line(LineSeries(xs: densityXs, ys: densityXs.map(mixtureDensity), color: .green, width: 2, label: "KDE")),
          dataPoints,
        ], yStartsAtZero: true)),
    SampleFigure(
      name: "small 3×2 in log-likelihood",
      figure: Figure(
        size: Figure.inches(width: 3, height: 2), title: "Log-likelihood", xLabel: "Epoch", yLabel: "Log-likelihood",
        layers: logLikelihood.figure.layers, xIntegerTicks: true, legend: .none)),
  ]

  /// A title wide enough to reach over the y tick labels, above a top tick that sits
  /// exactly at the top of the plot area (fixed domain 0…1).
  static let wideTitleOverTopTick = SampleFigure(
    name: "wide title over the top y tick",
    figure: Figure(
      size: tutorialSize,
      title: String(repeating: "A title as wide as the figure, running over the y tick labels ", count: 2),
      xLabel: "p", yLabel: "share",
      layers: [.line(LineSeries(xs: [0, 0.5, 1], ys: [0, 1, 0.5], color: .black))],
      xDomain: 0...1, yDomain: 0...1, legend: .none))

  /// The tutorial's legend labels on a 3 × 2 in figure: the legend is wider than the plot area.
  static let smallWithTutorialLegend = SampleFigure(
    name: "small 3×2 in with the tutorial's legend",
    figure: Figure(
      size: Figure.inches(width: 3, height: 2), title: "Density Estimation of X", xLabel: "X", yLabel: "Density",
      layers: density.figure.layers, yStartsAtZero: true))
}
