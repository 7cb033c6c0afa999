// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "generate-report",
  // Synchronization's Atomic (the EM pass hands out chunks to threads with it).
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "generate-report", targets: ["generate-report"]),
    // `swift package --allow-writing-to-package-directory generate-report CONFIG …` in a
    // package that depends on this one (README, "In a Swift package (DocC)").
    .plugin(name: "GenerateReportPlugin", targets: ["GenerateReportPlugin"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    // YAML experiment files: Yams' node tree keeps each key's and value's line:column.
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // System library: cairo through pkg-config; Debian's libcairo2-dev provides it.
    .systemLibrary(
      name: "CCairo",
      pkgConfig: "cairo",
      providers: [.apt(["libcairo2-dev"])]
    ),
    // System library: libdeflate (the PNG encoder's DEFLATE and CRC-32); Debian's libdeflate-dev.
    .systemLibrary(
      name: "CLibDeflate",
      pkgConfig: "libdeflate",
      providers: [.apt(["libdeflate-dev"])]
    ),
    .target(name: "MixtureModels"),
    .target(name: "Plotting"),
    .target(name: "CairoRendering", dependencies: ["CCairo", "CLibDeflate", "Plotting"]),
    .target(
      name: "ReportKit",
      dependencies: [
        "MixtureModels", "Plotting", "CairoRendering",
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "generate-report",
      dependencies: [
        "ReportKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The command plugin: builds the tool and runs it in the package's folder.
    .plugin(
      name: "GenerateReportPlugin",
      capability: .command(
        intent: .custom(
          verb: "generate-report",
          description: "Write a report folder (HTML, figures, data) from an experiment file."
        ),
        permissions: [
          .writeToPackageDirectory(reason: "generate-report writes the report folder given by --output.")
        ]
      )
    ),
    // Benchmarks (README): medians of EM, KDE, CSV and report timings beside baselines.
    .executableTarget(
      name: "generate-report-bench",
      dependencies: [
        "MixtureModels", "ReportKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Fuzz harnesses for the parsers of user bytes (scripts/fuzz.sh): a libFuzzer target
    // when built with -DFUZZING -sanitize=fuzzer, otherwise a replay tool for saved inputs.
    .executableTarget(name: "generate-report-fuzz", dependencies: ["ReportKit", "MixtureModels"]),
    .target(name: "TestSupport", dependencies: ["Plotting"], path: "Tests/TestSupport"),
    .testTarget(name: "MixtureModelsTests", dependencies: ["MixtureModels", "TestSupport"]),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting", "TestSupport"]),
    .testTarget(name: "CairoRenderingTests", dependencies: ["CairoRendering", "Plotting", "TestSupport"]),
    .testTarget(
      name: "ReportKitTests",
      dependencies: ["ReportKit", "MixtureModels", "Plotting", "TestSupport", .product(name: "Mustache", package: "swift-mustache")]),
    // Runs the built executable as a subprocess: exit codes and printed lines.
    .testTarget(name: "GenerateReportTests", dependencies: ["generate-report"]),
  ]
)
