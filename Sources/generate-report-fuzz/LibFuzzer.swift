#if FUZZING
import Glibc

/// libFuzzer's driver: `int LLVMFuzzerRunDriver(int *argc, char ***argv,
/// int (*callback)(const uint8_t *data, size_t size))`, in the runtime that
/// `-sanitize=fuzzer` links.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<Int32>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs one input through the selected target; a broken invariant is a crash, which
/// libFuzzer reports and saves. Exported under libFuzzer's usual name too, so a build
/// whose linker picked libFuzzer's `main` would still fuzz (the target then comes from
/// `FUZZ_TARGET`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
  let findings = LibFuzzer.target.check(bytes)
  if !findings.isEmpty {
    fatalError("generate-report-fuzz \(LibFuzzer.target.rawValue): invariant broken\n" + findings.map { "  - \($0)" }.joined(separator: "\n"))
  }
  return 0
}

/// The fuzzing build's command: `generate-report-fuzz TARGET [libFuzzer options and corpus folders]`.
enum LibFuzzer {
  /// The target every input goes to; set once, before the driver starts.
  nonisolated(unsafe) static var target = FuzzTarget.config

  /// Takes the target from the first argument (or `FUZZ_TARGET`), then hands the rest of
  /// the command line to libFuzzer and exits with its status.
  static func run() -> Never {
    var arguments = CommandLine.arguments
    var name = getenv("FUZZ_TARGET").map { String(cString: $0) }
    if arguments.count > 1, FuzzTarget(rawValue: arguments[1]) != nil {
      name = arguments.remove(at: 1)
    }
    guard let name, let selected = FuzzTarget(rawValue: name) else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
      print("usage: generate-report-fuzz TARGET [libFuzzer options] [corpus folders]; TARGET is one of \(names)")
      exit(64)
    }
    target = selected
    // libFuzzer re-runs itself for -minimize_crash, -merge and -fork without our first
    // argument; the environment carries the target to those children.
    setenv("FUZZ_TARGET", name, 1)
    var argc = Int32(arguments.count)
    let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
    for (i, argument) in arguments.enumerated() { argv[i] = strdup(argument) }
    argv[arguments.count] = nil
    var argvPointer = argv
    exit(LLVMFuzzerRunDriver(&argc, &argvPointer, fuzzOneInput))
  }
}
#endif
