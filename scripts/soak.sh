#!/usr/bin/env bash
# Soak benchmark (issue 14): a long NequIP run (the README's ethanol example, 200,000 steps = 100 ps by default)
# with the resident memory (RSS) of the JVM sampled every few seconds; memory must be flat once warm.
#
#   scripts/soak.sh [STEPS] [OUT_DIR] [SAMPLE_SECONDS]
#
# Writes OUT_DIR/rss.csv (elapsed_s, rss_MiB, step) and prints the RSS at 10 %, 50 % and 100 % of the samples and
# the slope over the second half (MiB/min). MD_JAVA_OPTS is passed through (default: md's -Xmx8g).
set -euo pipefail
steps=${1:-200000}
here=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$here/out/soak}
every=${3:-5}
mkdir -p "$out"
sed -e "s#^  steps: .*#  steps: $steps#" -e "s#directory: ../out/ethanol-nequip-500K#directory: $out/run#" \
    -e "s#file: structures/#file: $here/inputs/structures/#" -e "s#model: models/#model: $here/inputs/models/#" \
    "$here/inputs/ethanol-nequip-500K.yaml" > "$out/input.yaml"
"$here/md" --version >/dev/null 2>&1 # build first, so that the sampled process is the run
"$here/md" run "$out/input.yaml" --overwrite > "$out/run.log" 2>&1 &
launcher=$!
echo "elapsed_s,rss_MiB,step" > "$out/rss.csv"
start=$(date +%s.%N)
pid=
while kill -0 "$launcher" 2>/dev/null; do
  [ -z "$pid" ] && pid=$(pgrep -f -n "java.*md.jar run $out/input.yaml" || true)
  if [ -n "$pid" ] && [ -r /proc/$pid/status ]; then
    rss=$(awk '/^VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || true)
    step=$(tail -n 1 "$out/run/thermo.csv" 2>/dev/null | cut -d, -f1 || true)
    [ -n "$rss" ] && printf '%.1f,%.1f,%s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(echo "$rss/1024" | bc -l)" "${step:-0}" >> "$out/rss.csv"
  fi
  sleep "$every"
done
wait "$launcher"
/usr/bin/python3 - "$out/rss.csv" <<'PY'
import sys, numpy as np
d = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
t, r = d["elapsed_s"], d["rss_MiB"]
n = len(r)
half = slice(n // 2, n)
slope = np.polyfit(t[half] / 60, r[half], 1)[0] if n > 4 else float("nan")
print(f"samples {n}, {t[-1]/60:.1f} min; RSS at 10% {r[n//10]:.0f} MiB, 50% {r[n//2]:.0f} MiB, end {r[-1]:.0f} MiB, max {r.max():.0f} MiB; "
      f"slope over the second half {slope:+.2f} MiB/min")
PY
