#!/usr/bin/env bash
# Installs the Debian packages generate-report needs to build and run, when missing:
# cairo's headers (libcairo2-dev, which brings FreeType's, libfreetype-dev: the PDF writer
# reads the fonts' tables through it), libdeflate's (libdeflate-dev: the PNG and PDF
# compression) and the DejaVu fonts every figure uses.
set -euo pipefail
missing=()
pkg-config --exists cairo 2>/dev/null || missing+=(libcairo2-dev)
pkg-config --exists freetype2 2>/dev/null || missing+=(libfreetype-dev)
pkg-config --exists libdeflate 2>/dev/null || missing+=(libdeflate-dev)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
