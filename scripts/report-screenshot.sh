#!/usr/bin/env bash
# Renders an `md analyze` report.html (or `md eval --attention`'s attention.html) in headless Chromium: saves a
# PNG screenshot (to look at) and checks the layout the browser computed: every <figure> must hold an <svg> drawn
# with a non-zero size and with painted shapes (paths; rects for heat-map cells). Prints one line per figure;
# exits 1 if any plot is missing or empty.
# Not part of the test suite: it needs the Debian package `chromium` (apt-get install chromium).
#
#   scripts/report-screenshot.sh DIR/report.html [OUT.png] [WIDTHxHEIGHT]
#
# The default window is tall enough for a report with a dozen plots; pass a larger height if the
# screenshot is cut off. The browser profile lives in a throw-away folder; no network access is made.
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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile"
       --window-size="${size/x/,}")

"$browser" "${flags[@]}" --screenshot="$(realpath -m "$out")" "file://$(realpath "$html")" 2>/dev/null
[ -s "$out" ] || { echo "report-screenshot: chromium wrote no screenshot" >&2; exit 1; }
echo "screenshot: $out"

# Layout check: a copy of the report with a script that measures each figure after layout and writes
# the result into the page, which --dump-dom prints. (The report itself carries no script.)
probe="$work/probe.html"
sed 's#</body>#<script>window.onload=function(){var o=[];document.querySelectorAll("figure").forEach(function(f){var s=f.querySelector("svg");var r=s?s.getBoundingClientRect():{width:0,height:0};var p=s?s.querySelectorAll("path,rect").length:0;o.push(f.id+" "+Math.round(r.width)+"x"+Math.round(r.height)+" shapes="+p)});var e=document.createElement("pre");e.id="layout-check";e.textContent="\\n"+o.join("\\n")+"\\n";document.body.appendChild(e)};</script></body>#' "$html" > "$probe"
layout=$("$browser" "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$probe" 2>/dev/null \
  | sed -n '/<pre id="layout-check">/,/<\/pre>/p' | grep '^fig-' || true)
if [ -z "$layout" ]; then echo "report-screenshot: no figures found in $html" >&2; exit 1; fi
bad=0
while read -r id dims paths; do
  w=${dims%x*}; h=${dims#*x}; n=${paths#shapes=}
  if [ "$w" -gt 100 ] && [ "$h" -gt 100 ] && [ "$n" -gt 10 ]; then echo "ok   $id $dims $paths"
  else echo "FAIL $id $dims $paths"; bad=1; fi
done <<< "$layout"
exit $bad
