import ArgumentParser
import CairoRendering
import Foundation
import ReportKit

/// Exit codes, documented in `--help` and the README.
enum ExitStatus {
  /// `--check`: the report folder is stale (or missing).
  static let stale: Int32 = 1
  /// A config or data file is invalid (BSD `EX_DATAERR`).
  static let invalidInput: Int32 = 65
  /// An internal failure (BSD `EX_SOFTWARE`).
  static let internalFailure: Int32 = 70
  /// Reading or writing files failed (BSD `EX_IOERR`).
  static let ioFailure: Int32 = 74

  /// The code for a failed run.
  static func code(for error: ReportError) -> Int32 {
    switch error {
    case .invalidInput: invalidInput
    case .io: ioFailure
    case .internal: internalFailure
    }
  }
}

/// The command: `generate-report CONFIG [options]` runs (``Run``, the default subcommand,
/// so the line is the same as before there were subcommands); `validate` checks a file and
/// `schema` prints the experiment file's JSON Schema.
@main
struct GenerateReport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-report",
    abstract: "Fit Gaussian mixtures with EM, estimate densities, and write a reproducible HTML report with figures.",
    usage: """
      generate-report CONFIG [--output DIR] [--format png,pdf,svg] [--template FILE] [--quiet] [--check] [--force]
      generate-report validate CONFIG
      generate-report schema
      """,
    discussion: """
      Reads an experiment file (JSON, or YAML for .yaml and .yml), runs each
      experiment, and writes the report to output/<config name>/ (or --output):
      index.html, results.json, figures/ and data/. The report is written aside
      and moved into place only when the whole run succeeds.

      Options of a run (the default subcommand; 'generate-report run CONFIG'):
        -o, --output DIR      The report folder (default: output/<config file
                              name without extension>).
        --format png,pdf,svg  Figure formats, comma-separated, overriding the
                              config's formats.
        --template FILE       A Mustache template instead of the built-in one.
        -q, --quiet           Print nothing on success but warnings.
        --check               Exit 0 if the report folder is what this config,
                              its data and this version produce, 1 naming
                              what is stale; writes nothing.
        --force               Recompute even when the report is up to date.
        --report html,markdown
                              The pages to write (index.html, index.md).
        --embed               One self-contained index.html.

      Exit codes:
        0   the report was written (or was up to date); validate: the file is valid;
            --check: the report is up to date
        1   --check: the report is stale or missing (the message says why)
        64  the command line is wrong
        65  the experiment file or a data file is invalid (the message says where)
        70  an internal failure
        74  a file could not be read or written, or the output folder holds files
            that generate-report did not write
        129, 130, 143  stopped by SIGHUP, SIGINT or SIGTERM (nothing is left half-written)
      """,
    version: Generator.version,
    subcommands: [Run.self, Validate.self, Schema.self],
    defaultSubcommand: Run.self)

  /// Parses and runs like `ParsableCommand.main()`, but a usage error is one line on
  /// standard error (`error: …; see 'generate-report --help'`), as every other error is,
  /// rather than the message followed by the usage text.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        // --help and --version.
        print(fullMessage(for: error))
        Foundation.exit(code.rawValue)
      }
      if !(error is ExitCode) {
        var message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
        if message.hasSuffix(".") { message.removeLast() }
        FileHandle.standardError.write(Data("error: \(message); see 'generate-report --help'\n".utf8))
      }
      Foundation.exit(code.rawValue)
    }
  }

  /// Writes a failed run's one line to standard error and gives its exit code.
  static func fail(_ error: ReportError) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
    return ExitCode(ExitStatus.code(for: error))
  }
}

/// `generate-report CONFIG`: runs the experiments and writes the report.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the experiments and write the report (the default: 'generate-report CONFIG').")

  @Argument(help: "The experiment file (JSON, or YAML for .yaml and .yml).")
  var config: String

  @Option(name: .shortAndLong, help: "The report folder (default: output/<config file name without extension>).")
  var output: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Figure formats, comma-separated, overriding the config's formats.", valueName: "png,pdf,svg"),
    transform: { value in
      try value.split(separator: ",").map { part in
        let name = part.trimmingCharacters(in: .whitespaces).lowercased()
        guard let format = ImageFormat(rawValue: name) else {
          throw ValidationError("Unknown format \"\(part)\"; please use png, pdf or svg, separated by commas.")
        }
        return format
      }
    })
  var format: [ImageFormat]?

  @Option(help: "A Mustache template to use instead of the built-in one (templates/report.html in the repository).")
  var template: String?

  @Flag(name: .shortAndLong, help: "Print nothing on success but warnings (on standard error).")
  var quiet = false

  @Flag(help: "Only check whether the report folder is what this config, its data and this version produce: exit 0 if so, 1 naming what is stale. Writes nothing.")
  var check = false

  @Flag(help: "Recompute and rewrite the report even when it is up to date.")
  var force = false

  @Option(
    name: .long,
    help: ArgumentHelp("The pages to write, comma-separated, overriding the config's report.", valueName: "html,markdown"),
    transform: { value in
      try value.split(separator: ",").map { part in
        let name = part.trimmingCharacters(in: .whitespaces).lowercased()
        guard let page = ReportPage(rawValue: name) else {
          throw ValidationError("Unknown page \"\(part)\"; please use html or markdown, separated by commas.")
        }
        return page
      }
    })
  var report: [ReportPage]?

  @Flag(help: "Write one self-contained index.html (every figure and data file inlined).")
  var embed = false

  func validate() throws {
    if let output, output.isEmpty {
      throw ValidationError("Please give a folder after --output, e.g. --output report; it cannot be empty.")
    }
    if config.isEmpty {
      throw ValidationError("Please give the experiment file's path; it cannot be empty.")
    }
    if let format, format.isEmpty {
      throw ValidationError("Please give at least one format after --format, e.g. --format png,pdf.")
    }
  }

  func run() throws {
    let environment = ProcessInfo.processInfo.environment
    var options = ReportOptions(
      configPath: config, outputFolder: output, formats: format, templatePath: template,
      sourceDateEpoch: environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) })
    options.force = force
    options.pages = report
    if embed { options.embed = true }
    options.checkOnly = check
    let terminal = check ? nil : TerminalProgress.forStandardError(quiet: quiet)
    if let terminal { options.fitProgress = { terminal.update($0) } }
    defer { terminal?.clear() }
    Interruption.install()
    let summary: ReportSummary
    do {
      summary = try ReportGenerator.run(
        options,
        progress: { line in
          terminal?.clear()
          if !quiet { print(line.description) }
          // Warnings go to standard error even with --quiet: a build log should show them.
          for warning in line.warningLines {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
          }
        },
        waiting: { notice in terminal?.clear(); if !quiet { FileHandle.standardError.write(Data("note: \(notice)\n".utf8)) } })
    } catch {
      terminal?.clear()
      throw GenerateReport.fail(error)
    }
    terminal?.clear()
    if check {
      guard summary.upToDate else {
        FileHandle.standardError.write(Data("stale: \(summary.outputFolder): \(summary.staleReasons.joined(separator: "; "))\n".utf8))
        throw ExitCode(ExitStatus.stale)
      }
      if !quiet { print("\(summary.outputFolder): up to date") }
    } else if summary.upToDate {
      if !quiet { print("\(summary.outputFolder): up to date (inputs unchanged since the last run; nothing rewritten; --force recomputes)") }
    } else if !quiet {
      print("Report: \(summary.indexPath)")
    }
  }
}

/// `generate-report validate CONFIG`: the checks a run makes before it computes anything.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check an experiment file without running it or writing anything.",
    discussion: """
      Reads and decodes the file as a run does (every key, type, range and
      cross-check of the decoder) and opens each CSV data file; nothing is
      fitted, drawn or written. Prints 'CONFIG: valid (N experiments)' and
      exits 0, or prints the error a run would print and exits with its code
      (65 for an invalid file, 74 for one that cannot be read).
      """)

  @Argument(help: "The experiment file (JSON, or YAML for .yaml and .yml).")
  var config: String

  func validate() throws {
    if config.isEmpty {
      throw ValidationError("Please give the experiment file's path; it cannot be empty.")
    }
  }

  func run() throws {
    do {
      print(ReportGenerator.validLine(config, try ReportGenerator.validate(config)))
    } catch {
      throw GenerateReport.fail(error)
    }
  }
}

/// `generate-report schema`: the experiment file's JSON Schema, as `docs/experiment.schema.json` holds it.
struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the experiment file's JSON Schema (draft-07), the text of docs/experiment.schema.json.",
    discussion: """
      Regenerate the committed copy with
        swift run generate-report schema > docs/experiment.schema.json
      """)

  func run() throws {
    print(ConfigSchema.text, terminator: "")
  }
}

extension ImageFormat: ExpressibleByArgument {}
extension ReportPage: ExpressibleByArgument {}
