#!/usr/bin/env python3
"""Before and after in one script: two (or more) builds of generate-report, interleaved.

    python3 scripts/benchmark/ab.py [--runs 15] [--config examples/article.json] \
        [--args "--format png"] BINARY_BEFORE BINARY_AFTER [MORE ...]

Each binary first runs once untimed (into its own folder under --work, default
/tmp/gr-ab), then the binaries take turns, --runs times each, every run with `--force` (so each
one writes the whole report) and `--quiet`. Prints for every binary the median wall time
(time.perf_counter around the subprocess), the smallest, and the median CPU time (user + system
from getrusage of the children), and every binary's ratio to the first one. Interleaving keeps
a shared machine's slow and fast minutes from falling on one build only; single runs still
swing by 15 % or more, so compare medians of one run of this script, never numbers of two.

Builds to compare: `git worktree add /tmp/before REV && (cd /tmp/before && swift build -c
release --product generate-report)`, then /tmp/before/.build/release/generate-report against
.build/release/generate-report.
"""

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+", help="generate-report executables; the first is the baseline")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each binary (default 15)")
    parser.add_argument("--config", default="examples/article.json", help="the experiment file (default examples/article.json)")
    parser.add_argument("--args", default="", help='more arguments for every run, e.g. "--format png"')
    parser.add_argument("--work", type=Path, default=Path("/tmp/gr-ab"), help="where the reports go (default /tmp/gr-ab)")
    options = parser.parse_args()
    if len(options.binaries) < 2:
        parser.error("give at least two binaries: the baseline first")
    options.work.mkdir(parents=True, exist_ok=True)
    extra = shlex.split(options.args)

    def command(index, binary):
        return [binary, options.config, "--output", str(options.work / f"report-{index}"), "--quiet", "--force"] + extra

    wall = {b: [] for b in options.binaries}
    cpu = {b: [] for b in options.binaries}
    for index, binary in enumerate(options.binaries):
        subprocess.run(command(index, binary), check=True)
    for _ in range(options.runs):
        for index, binary in enumerate(options.binaries):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command(index, binary), check=True)
            wall[binary].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[binary].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))

    load = os.getloadavg()[0]
    print(f"{options.config} {options.args}".strip() + f": {options.runs} interleaved runs each, load {load:.2f} at the end")
    baseline = statistics.median(wall[options.binaries[0]])
    for binary in options.binaries:
        median = statistics.median(wall[binary])
        print(
            f"  wall {median * 1e3:7.1f} ms (smallest {min(wall[binary]) * 1e3:6.1f})"
            f"  cpu {statistics.median(cpu[binary]) * 1e3:7.1f} ms"
            f"  {baseline / median:5.2f}x the first  {binary}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
