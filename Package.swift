// swift-tools-version:6.0
import PackageDescription

// The numerical kernels (EM's fused pass, KDE binning, vectorised exp and log) are
// compiled with optimisation even in debug builds, where unoptimised SIMD code runs a
// hundred times slower and would make the tests crawl, and for the building machine's
// vector instructions (FMA, AVX2, AVX-512). Results do not depend on the instructions:
// the kernels use only IEEE operations with explicit fused multiply-adds, in a fixed order.
#if arch(x86_64)
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", "native"])]
#else
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
  name: "generate-report",
  // Synchronization's Atomic (the EM pass hands out chunks to threads with it).
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "generate-report", targets: ["generate-report"])
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
    .target(name: "MixtureModels", swiftSettings: kernelSettings),
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
    .testTarget(name: "ReportKitTests", dependencies: ["ReportKit", "MixtureModels", "Plotting", "TestSupport"]),
    // Runs the built executable as a subprocess: exit codes and printed lines.
    .testTarget(name: "GenerateReportTests", dependencies: ["generate-report"]),
  ]
)
