#!/usr/bin/env bash
# Installs the Debian packages the PDF stack needs (and any named on the command line,
# such as chromium for the browser tests), only where they are missing.
# WeasyPrint needs Pango and HarfBuzz's subsetter (fast font subsetting); fonts-liberation2
# gives Liberation Sans, metric-compatible with Arial, the NHS.UK fallback font; poppler-utils
# gives pdftotext and pdftoppm, which the tests and docs use to read papers back; libcairo2
# draws the charts as pictures for the Word paper (CairoSVG); fonts-symbola draws the emoji
# and symbols people type that Liberation and DejaVu lack (without it the PDF prints a box
# in their place, and some readers, pypdf among them, cannot read its text back).
set -euo pipefail

packages=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-liberation2 fonts-dejavu-core fonts-symbola poppler-utils "$@")

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages: ${missing[*]}. Install them as root with apt-get." >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
