#!/usr/bin/env bash
# Renders an `md analyze` report.html in headless Chromium and saves a PNG screenshot, to check by eye
# (or with an image viewer) that every plot is drawn. Not part of the test suite: it needs the Debian
# package `chromium` (apt-get install chromium).
#
#   scripts/report-screenshot.sh DIR/report.html [OUT.png] [WIDTHxHEIGHT]
#
# The window is tall enough by default for a report with a dozen plots; pass a larger height if the
# screenshot is cut off. The profile lives in a throw-away folder and no network access is attempted.
set -euo pipefail
html=${1:?usage: report-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]}
out=${2:-${html%.html}.png}
size=${3:-1360x2600}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "report-screenshot: no chromium found; install it with: apt-get install chromium" >&2
  exit 2
fi
[ -f "$html" ] || { echo "report-screenshot: $html does not exist" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars \
  --window-size="${size/x/,}" --screenshot="$(realpath -m "$out")" "file://$(realpath "$html")" 2>/dev/null
[ -s "$out" ] || { echo "report-screenshot: chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
