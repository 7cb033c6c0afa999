import Foundation
import Testing

/// Same config and seed, same bytes, whatever the processor: glibc picks FMA or non-FMA
/// versions of exp, log, pow, sin, cos and atan2 by the processor at run time, and the two
/// disagree in the last bit. `GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA` makes this
/// machine's glibc choose what it would on a processor without FMA; every file of the
/// report must come out the same.
@Suite struct ProcessorIndependenceTests {
  @Test(arguments: ["galaxies", "missing"])
  func aReportIsTheSameWithTheCLibrarysNonFMAFunctions(example: String) throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = repository.appendingPathComponent("examples/\(example).json").path
    let plain = try run([config, "--output", "a", "--format", "png,svg", "--quiet"], in: folder)
    let masked = try run(
      [config, "--output", "b", "--format", "png,svg", "--quiet"], in: folder, environment: ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA"])
    #expect(plain.status == 0 && masked.status == 0)
    let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
    let names = try FileManager.default.subpathsOfDirectory(atPath: a.path).sorted()
    #expect(names == (try FileManager.default.subpathsOfDirectory(atPath: b.path)).sorted())
    #expect(names.contains("results.json") && names.contains { $0.hasSuffix(".png") } && names.contains { $0.hasSuffix(".csv") })
    for name in names {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: a.appendingPathComponent(name).path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
      #expect(
        FileManager.default.contents(atPath: a.appendingPathComponent(name).path) == FileManager.default.contents(atPath: b.appendingPathComponent(name).path),
        "\(example): \(name)")
    }
  }
}
