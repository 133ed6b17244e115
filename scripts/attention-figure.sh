#!/usr/bin/env bash
# The GeomAtt attention-map figure of docs/geomatt.md: `md eval --attention` of one frame, then the page in headless
# Chromium (scripts/report-screenshot.sh: screenshot plus a check that every heat map was drawn).
# Needs the Debian package `chromium` (apt-get install chromium).
#
#   scripts/attention-figure.sh MODEL.zip STRUCTURE [FRAME] [OUT.png] [WIDTHxHEIGHT]
#
# Defaults: frame 0, docs/img/geomatt-attention.png, a window of 1440 px wide and tall enough for three streams.
# The numbers (attention.npz/.json) and the page stay in out/attention-figure/ of the repository (ignored by git).
set -euo pipefail
model=${1:?usage: attention-figure.sh MODEL.zip STRUCTURE [FRAME] [OUT.png] [WIDTHxHEIGHT]}
structure=${2:?usage: attention-figure.sh MODEL.zip STRUCTURE [FRAME] [OUT.png] [WIDTHxHEIGHT]}
frame=${3:-0}
here=$(cd "$(dirname "$0")/.." && pwd)
out=${4:-$here/docs/img/geomatt-attention.png}
size=${5:-1440x1480}
"$here/md" eval --forcefield "$model" --attention --frame "$frame" -o "$here/out/attention-figure" "$structure"
"$here/scripts/report-screenshot.sh" "$here/out/attention-figure/attention.html" "$out" "$size"
