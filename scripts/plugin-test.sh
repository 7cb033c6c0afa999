#!/usr/bin/env bash
# The command plugin, end to end, as a package that depends on a released version uses it
# (README, "In a Swift package (DocC)"). In a temporary folder (removed on exit) it:
#
#   1. clones this repository's committed HEAD (uncommitted changes are not tested) and tags
#      the clone with the generator's version (Sources/ReportKit/ResultsDocument.swift);
#   2. writes a package MyLib that depends on that clone by its file:// URL and the version
#      (`from:`), and on swift-docc-plugin, with a documented public function and a DocC
#      catalog whose landing page shows a figure the plugin is to write;
#   3. runs `swift package --allow-writing-to-package-directory generate-report docs/em.json
#      --output Sources/MyLib/MyLib.docc/Resources/em` there (docs/em.json is
#      examples/galaxies.json, its data file beside it as the config names it);
#   4. builds the documentation with `swift package generate-documentation --target MyLib`
#      and checks that the figure is in the archive and that the page's JSON references it.
#
# Usage: bash scripts/plugin-test.sh   (CI: .ci/run, after swift test). PLUGIN_TEST_KEEP=1
# keeps the temporary folder and prints its path. Offline: every package comes from this
# machine (its github.com mirror). A step that fails says which and exits 1. 3 to 4.5 minutes
# on 2 cores (seen: 164 to 256 s), most of it the release build of the tool in the consumer's
# fresh build folder (the plugin's first run: 130 to 230 s, by the machine's load);
# swift-docc-plugin's own build is some 15 seconds more.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
started=$SECONDS

fail() {
  echo "plugin-test: FAILED: $*" >&2
  exit 1
}
step() { echo "plugin-test: $* ($((SECONDS - started)) s)"; }

version="$(sed -n 's/.*static let version = "\([^"]*\)".*/\1/p' "$repo/Sources/ReportKit/ResultsDocument.swift")"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  fail "no semantic version in Sources/ReportKit/ResultsDocument.swift (read: '$version')"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/plugin-test.XXXXXX")"
if [[ "${PLUGIN_TEST_KEEP:-}" == 1 ]]; then
  trap 'echo "plugin-test: kept $tmp"' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi

# 1. The dependency: a clone of the committed HEAD, tagged with the version.
step "cloning $repo at HEAD as version $version"
git clone --quiet --no-hardlinks "$repo" "$tmp/generate-report" ||
  fail "git clone $repo"
git -C "$tmp/generate-report" checkout --quiet --detach "$(git -C "$repo" rev-parse HEAD)" ||
  fail "checking out HEAD in the clone"
git -C "$tmp/generate-report" tag --force "$version" >/dev/null ||
  fail "git tag $version"

# 2. The consumer package.
pkg="$tmp/MyLib"
mkdir -p "$pkg/Sources/MyLib/MyLib.docc" "$pkg/docs/data"
cat >"$pkg/Package.swift" <<EOF
// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "MyLib",
  platforms: [.macOS(.v15)],
  products: [.library(name: "MyLib", targets: ["MyLib"])],
  dependencies: [
    .package(url: "file://$tmp/generate-report", from: "$version"),
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [.target(name: "MyLib")]
)
EOF
cat >"$pkg/Sources/MyLib/MyLib.swift" <<'EOF'
/// The number of galaxy clusters that BIC chooses for Roeder's velocities.
///
/// See the selection figure in the landing page.
public func galaxyClusterCount() -> Int { 3 }
EOF
cat >"$pkg/Sources/MyLib/MyLib.docc/MyLib.md" <<'EOF'
# ``MyLib``

Galaxy clusters, counted by a Gaussian mixture.

## Overview

The number of components is chosen by BIC, as the generated figure shows:

![BIC and AIC against K for the galaxy velocities](galaxies-selection.png)

## Topics

- ``galaxyClusterCount()``
EOF
cp "$tmp/generate-report/examples/galaxies.json" "$pkg/docs/em.json"
cp "$tmp/generate-report/examples/data/galaxies.csv" "$pkg/docs/data/galaxies.csv"

# SwiftPM's options: a build folder and a repository cache inside the temporary folder, so
# nothing outlives the run and nothing from an earlier run is reused.
swiftpm=(--package-path "$pkg" --scratch-path "$tmp/build" --cache-path "$tmp/cache")

# 3. The plugin, from outside the package: the paths are the package's own all the same.
step "running the plugin in MyLib"
(cd "$tmp" && swift package "${swiftpm[@]}" --allow-writing-to-package-directory \
  generate-report docs/em.json --output Sources/MyLib/MyLib.docc/Resources/em) ||
  fail "swift package generate-report (the plugin) exited with $?"
figure="$pkg/Sources/MyLib/MyLib.docc/Resources/em/figures/galaxies-selection.png"
[[ -f "$figure" ]] || fail "the plugin wrote no $figure"
[[ -f "$pkg/Sources/MyLib/MyLib.docc/Resources/em/results.json" ]] ||
  fail "the plugin wrote no results.json"

# A failing run fails the plugin, with the tool's message.
step "running the plugin on a missing config"
if out="$(cd "$tmp" && swift package "${swiftpm[@]}" --allow-writing-to-package-directory \
  generate-report docs/missing.json --output unused 2>&1)"; then
  fail "the plugin succeeded on a missing config"
fi
sed 's/^/  | /' <<<"$out"
grep -q '^error: docs/missing.json: cannot read the experiment file.*(generate-report: exit code 74)$' <<<"$out" ||
  fail "the plugin's error is not the tool's message with its exit code (74)"

# 4. The documentation.
step "building the documentation with swift-docc-plugin"
(cd "$tmp" && swift package "${swiftpm[@]}" generate-documentation --target MyLib) ||
  fail "swift package generate-documentation exited with $?"
archive="$(find "$tmp/build" -type d -name 'MyLib.doccarchive' | head -1)"
[[ -n "$archive" ]] || fail "no MyLib.doccarchive under $tmp/build"
image="$(find "$archive" -type f -name 'galaxies-selection.png' | head -1)"
[[ -n "$image" ]] || fail "galaxies-selection.png is not in $archive"
cmp -s "$image" "$figure" || fail "$image differs from the generated figure"
page="$archive/data/documentation/mylib.json"
[[ -f "$page" ]] || fail "no landing page JSON $page"
grep -q '"galaxies-selection.png"' "$page" ||
  fail "the landing page JSON does not reference galaxies-selection.png"

step "passed: the figure is in ${archive#"$tmp/"}${image#"$archive"}"
