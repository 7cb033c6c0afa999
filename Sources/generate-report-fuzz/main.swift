// The entry point of both builds of generate-report-fuzz.
//
// SwiftPM compiles an executable module with `-entry-point-function-name <module>_main`,
// so this file's top-level code becomes the C function `generate_report_fuzz_main`, and
// it links the executable with `--defsym main=generate_report_fuzz_main` (so that test
// targets can link the module's objects without a second `main`). `-sanitize=fuzzer`
// links libFuzzer's runtime as a whole archive, `main` included: gold, the default
// linker, fails on the two definitions ("internal error in format_file_lineno"), while
// lld and bfd let the `--defsym` alias win. So scripts/fuzz.sh links with the toolchain's
// lld (`-use-ld=lld`), this code is the process entry, and it starts libFuzzer itself
// through `LLVMFuzzerRunDriver`; libFuzzer's own `main` is never called.
#if FUZZING
LibFuzzer.run()
#else
Replay.run()
#endif
