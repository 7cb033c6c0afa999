// The command plugin that a package depending on this one runs as
//
//     swift package --allow-writing-to-package-directory generate-report CONFIG [--output DIR] [...]
//
// It builds the generate-report product in release mode through the package manager (a debug
// build's EM kernels are many times slower; the plugin declares no tool dependency, which
// SwiftPM would build in debug mode first), runs it with the arguments as given, in the
// package's folder (so CONFIG and --output are relative to the package, from wherever
// `swift package` was started), lets the tool's output through, and fails naming the tool's
// exit code when the tool fails. README: "In a Swift package (DocC)"; scripts/plugin-test.sh
// runs it from a package that depends on a version tag.

import Foundation
import PackagePlugin

@main
struct GenerateReportPlugin: CommandPlugin {
  func performCommand(context: PluginContext, arguments: [String]) async throws {
    let tool = try buildTool(context: context)
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.currentDirectoryURL = context.package.directoryURL
    // Standard output is inherited: the tool's lines reach the terminal as it prints them.
    // Standard error is collected and passed on after the run, so that a failure's message
    // is the plugin's error itself (SwiftPM prints a plugin's error and its output through
    // different channels, in no fixed order).
    let errors = Pipe()
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw PluginFailure("could not start \(tool.path): \(error)")
    }
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let status = process.terminationStatus
    if process.terminationReason == .exit, status == 0 {
      FileHandle.standardError.write(Data(text.utf8))
      return
    }
    var message = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if message.hasPrefix("error: ") { message.removeFirst("error: ".count) }
    let how = process.terminationReason == .exit ? "exit code \(status)" : "signal \(status)"
    throw PluginFailure(message.isEmpty ? "generate-report failed (\(how))" : "\(message) (generate-report: \(how))")
  }

  /// The release build of the generate-report product (up to date after the first run).
  private func buildTool(context: PluginContext) throws -> URL {
    let result = try packageManager.build(
      .product("generate-report"),
      parameters: .init(configuration: .release, logging: .concise, echoLogs: true)
    )
    guard result.succeeded else {
      throw PluginFailure("building generate-report failed:\n\(result.logText)")
    }
    guard let built = result.builtArtifacts.first(where: {
      $0.kind == .executable && $0.url.lastPathComponent == "generate-report"
    }) else {
      throw PluginFailure("the build of generate-report made no executable: \(result.builtArtifacts.map(\.url.path))")
    }
    return built.url
  }
}

struct PluginFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
