import CairoRendering
import Foundation
import MixtureModels
import Plotting
import Testing

@testable import ReportKit

/// Figures for docs: `figure.scales` (`name@2x.png`) and `theme` (`name~dark.png`): their
/// defaults, the files a run writes, results.json and the report's `srcset` and `<picture>`
/// (their errors are among ``ConfigDecodingTests/errorCases``).
@Suite struct DocsFiguresTests {
  // MARK: Decoding

  static let experiment = #"{"name": "x", "seed": 2, "data": {"generate": [{"mean": 0, "sd": 1, "count": 60}, {"mean": 4, "sd": 1, "count": 40}]}, "figures": ["density", "fit"]}"#

  @Test func scalesAndThemeDefaultToOneAndLight() throws {
    let config = try ReportConfig.decode(#"{"experiments": [\#(Self.experiment)]}"#, file: "c.json")
    #expect(config.figure.scales == [1])
    #expect(config.theme == .light)
  }

  @Test func scalesAreSortedAndThemeIsRead() throws {
    let config = try ReportConfig.decode(
      #"{"theme": "both", "figure": {"scales": [3, 1, 2], "width": 50, "dpi": 100}, "experiments": [\#(Self.experiment)]}"#, file: "c.json")
    #expect(config.figure.scales == [1, 2, 3])
    #expect(config.theme == .both)
    #expect(try ReportConfig.decode(#"{"theme": "dark", "experiments": [\#(Self.experiment)]}"#, file: "c.json").theme == .dark)
  }

  // MARK: A run

  /// Runs `top` (members before "experiments") into a new folder: its files and its report.
  static func run(_ top: String, formats: [ImageFormat]) throws -> [String: Data] {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try write(#"{\#(top), "experiments": [\#(experiment)]}"#, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("out")
    _ = try ReportGenerator.run(options(path, output: output, formats: formats))
    return try snapshot(output)
  }

  static func text(_ data: Data?) -> String { String(decoding: data ?? Data(), as: UTF8.self) }

  @Test func bothThemesAtTwoScalesWriteDocCsNames() throws {
    let files = try Self.run(#""theme": "both", "figure": {"width": 4, "height": 3, "dpi": 50, "scales": [2, 1]}"#, formats: [.png, .svg, .pdf])
    let expected = ["density", "fit"].flatMap { id in
      ["\(id).png", "\(id)@2x.png", "\(id)~dark.png", "\(id)~dark@2x.png", "\(id).svg", "\(id)~dark.svg", "\(id).pdf", "\(id)~dark.pdf"]
        .map { "figures/x-\($0)" }
    }
    #expect(Set(files.keys.filter { $0.hasPrefix("figures/") }) == Set(expected))

    // A scale multiplies the dpi: 4 × 3 in at 50 dpi is 200 × 150 pixels, at 2× 400 × 300.
    for name in expected where name.hasSuffix(".png") {
      let png = try #require(files[name])
      let size = (bigEndianInt(png, at: 16), bigEndianInt(png, at: 20))
      #expect(name.contains("@2x") ? size == (400, 300) : size == (200, 150), "\(name): \(size)")
    }
    #expect(files["figures/x-fit.png"] != files["figures/x-fit~dark.png"])

    // The dark SVG paints a dark background and light text; the light one is as before.
    let dark = Self.text(files["figures/x-fit~dark.svg"]), light = Self.text(files["figures/x-fit.svg"])
    #expect(dark.split(separator: "\n")[2].hasSuffix(##"fill="#1e1e1e"/>"##))
    #expect(light.split(separator: "\n")[2].hasSuffix(##"fill="#ffffff"/>"##))
    #expect(dark.contains(##"fill="#e6e6e6">Kernel Density Estimation</text>"##))
    #expect(light.contains(##"fill="#1a1a1a">Kernel Density Estimation</text>"##))
    #expect(dark.contains(##"stroke="#4cc24c""##) && light.contains(##"stroke="#008000""##))
    #expect(dark.contains(##"stroke="#ff6b6b""##) && light.contains(##"stroke="#ff0000""##))

    // results.json's figure map lists every file, by format, then theme, then scale.
    let results = try #require(files["results.json"])
    let json = try #require(try JSONSerialization.jsonObject(with: results) as? [String: Any])
    let experiment = try #require((json["experiments"] as? [[String: Any]])?.first)
    let map = try #require(experiment["figures"] as? [String: [String]])
    #expect(
      map["fit"] == [
        "figures/x-fit.png", "figures/x-fit@2x.png", "figures/x-fit~dark.png", "figures/x-fit~dark@2x.png", "figures/x-fit.svg",
        "figures/x-fit~dark.svg", "figures/x-fit.pdf", "figures/x-fit~dark.pdf",
      ])
    let listed = try #require(json["files"] as? [String])
    #expect(Set(expected).isSubset(of: Set(listed)))

    // The report shows the light 1× PNG, with its 2× in srcset and the dark ones for dark pages.
    let html = Self.text(files["index.html"])
    #expect(
      html.contains(
        #"<picture><source media="(prefers-color-scheme: dark)" srcset="figures/x-fit~dark.png 1x, figures/x-fit~dark@2x.png 2x"><img src="figures/x-fit.png" srcset="figures/x-fit.png 1x, figures/x-fit@2x.png 2x" alt="Mixture Fit against the Kernel Density Estimate of X"></picture>"#
      ))
    #expect(html.contains(#"<a href="figures/x-fit@2x.png">PNG @2x</a>"#))
    #expect(html.contains(#"<a href="figures/x-fit~dark@2x.png">PNG dark @2x</a>"#))
    #expect(html.contains(#"<a href="figures/x-fit~dark.svg">SVG dark</a>"#))
    for reference in localReferences(in: html) + Self.srcsetReferences(in: html) {
      #expect(files[reference] != nil, "index.html refers to \(reference), which does not exist")
    }
  }

  /// Every URL in the page's `srcset` attributes.
  static func srcsetReferences(in html: String) -> [String] {
    var result: [String] = []
    var rest = Substring(html)
    while let start = rest.range(of: "srcset=\"") {
      rest = rest[start.upperBound...]
      guard let end = rest.firstIndex(of: "\"") else { break }
      result += rest[..<end].split(separator: ",").compactMap { $0.split(separator: " ").first.map(String.init) }
      rest = rest[end...]
    }
    return result
  }

  @Test func darkThemeAloneDrawsDarkUnderThePlainNames() throws {
    let files = try Self.run(#""theme": "dark", "figure": {"width": 4, "height": 3, "dpi": 50}"#, formats: [.png, .svg])
    #expect(Set(files.keys.filter { $0.hasPrefix("figures/") }) == ["figures/x-density.png", "figures/x-density.svg", "figures/x-fit.png", "figures/x-fit.svg"])
    #expect(Self.text(files["figures/x-fit.svg"]).split(separator: "\n")[2].hasSuffix(##"fill="#1e1e1e"/>"##))
    let html = Self.text(files["index.html"])
    #expect(html.contains(#"<img src="figures/x-fit.png" alt="Mixture Fit against the Kernel Density Estimate of X">"#))
    #expect(!html.contains("<picture>") && !html.contains("srcset"))
  }

  @Test func aScaleWithoutOneShowsTheSmallestAndWritesPDFOnce() throws {
    let files = try Self.run(#""figure": {"width": 4, "height": 3, "dpi": 50, "scales": [3, 2]}"#, formats: [.png, .pdf])
    #expect(
      Set(files.keys.filter { $0.hasPrefix("figures/x-fit") })
        == ["figures/x-fit@2x.png", "figures/x-fit@3x.png", "figures/x-fit.pdf"])
    let png = try #require(files["figures/x-fit@3x.png"])
    #expect(bigEndianInt(png, at: 16) == 600 && bigEndianInt(png, at: 20) == 450)
    let html = Self.text(files["index.html"])
    #expect(html.contains(#"<img src="figures/x-fit@2x.png" srcset="figures/x-fit@2x.png 2x, figures/x-fit@3x.png 3x" alt="Mixture Fit against the Kernel Density Estimate of X">"#))
  }

  @Test func svgOnlyBothThemesShowTheLightSVGWithADarkSource() throws {
    let files = try Self.run(#""theme": "both""#, formats: [.svg])
    let html = Self.text(files["index.html"])
    #expect(
      html.contains(
        #"<picture><source media="(prefers-color-scheme: dark)" srcset="figures/x-fit~dark.svg 1x"><img src="figures/x-fit.svg" alt="Mixture Fit against the Kernel Density Estimate of X"></picture>"#
      ))
  }

  // MARK: Contrast of every figure the report draws

  /// Every mark's colour in every figure of the 1-D catalogue (bound and steps too) and of
  /// the 2-D one, drawn dark, keeps 3:1 against the background; only the background
  /// itself, the grid, the legend's frame and a halo in the background's grey are exempt.
  @Test func everyDarkFigureMarkKeepsThreeToOne() throws {
    let oneD = try EMFiguresTests.outcome(EMFiguresTests.articleConfig(figures: #"["density", "log-likelihood", "fit", "components", "bound", "steps"]"#))
    let twoD = try EMFiguresTests.outcome2D(
      EMFiguresTests.config(EMFiguresTests.plane, #", "fit": {"components": {"from": 1, "to": 3}}, "figures": ["clusters", "density", "fit", "uncertainty", "log-likelihood", "selection", "steps"]"#))
    let figures = ExperimentFigures.make(oneD, size: EMFiguresTests.size) + MultivariateFigures.make(twoD, size: EMFiguresTests.size)
    #expect(figures.count == 13)
    let dark = Theme.dark
    let exempt = Set([dark.background, dark.background.withAlpha(0.9), dark.gridColor, dark.legendFrameColor].map(\.hexString))
    var checked = 0
    for named in figures {
      let canvas = RecordingCanvas(measuring: try CairoTextMeasurer())
      switch named.drawing(in: dark) {
      case .single(let f): f.draw(on: canvas)
      case .panels(let p): p.draw(on: canvas)
      }
      for op in canvas.operations {
        let color: Color
        switch op {
        case .fill(_, let c): color = c
        case .stroke(_, let s): color = s.color
        default: continue
        }
        guard !exempt.contains(color.hexString), color.alpha > 0 else { continue }
        #expect(color.contrastRatio(with: dark.background) >= 3 - 1e-9, "\(named.id): \(color.hexString)")
        checked += 1
      }
    }
    #expect(checked > 100)
  }
}
