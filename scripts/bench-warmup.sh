#!/usr/bin/env bash
# JIT warm-up of md run: the launcher's JIT warm-up cache (JDK 25 AOT cache) off and on, alternating, each run in a
# fresh JVM as a user starts it (docs/benchmarks.md "JIT warm-up").
# Usage: scripts/bench-warmup.sh INPUT.yaml [ROUNDS (4)] [FIRST_STEPS (2000)]
# Per run: process wall and CPU seconds (user + sys of all threads, JIT compilers included), wall seconds of steps
# 0..FIRST_STEPS of the dynamics loop (from thermo.csv's steps_per_s: thermo.every must divide FIRST_STEPS, and the
# run should have at least FIRST_STEPS steps) and the load average; then each column's median per arm and the
# ratio off/on (> 1: the cache helps). Writes nothing outside a temporary folder.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
input=${1:?usage: scripts/bench-warmup.sh INPUT.yaml [ROUNDS] [FIRST_STEPS]}
rounds=${2:-4}
first=${3:-2000}
out=$(mktemp -d /tmp/md-bench-warmup.XXXXXX)
trap 'rm -rf "$out"' EXIT
# build the jar and train the cache before the first timed run
"$root/md" --version >/dev/null 2>&1
TIMEFORMAT='%R %U %S'
printf '%-4s %-6s %9s %9s %14s %6s\n' round cache wall_s cpu_s first_steps_s load
for ((r = 1; r <= rounds; r++)); do
  for aot in off on; do
    t=$( { time MD_AOT_CACHE=$aot "$root/md" run --quiet --overwrite --output "$out/run-$aot" "$input" >/dev/null 2>"$out/err"; } 2>&1 ) \
      || { echo "md run failed (MD_AOT_CACHE=$aot):" >&2; cat "$out/err" >&2; exit 1; }
    read -r wall user sys <<<"$t"
    loop=$(awk -F, -v first="$first" '
      NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "step") s = i; if ($i == "steps_per_s") v = i }; next }
      NR == 2 { prev = $s; next }
      $s <= first { t += ($s - prev) / $v; prev = $s; if ($s == first) { printf "%.3f", t; exit } }' "$out/run-$aot/thermo.csv")
    [ -n "$loop" ] || loop=NaN
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo NaN)
    printf '%-4s %-6s %9.2f %9.2f %14s %6s\n' "$r" "$aot" "$wall" "$cpu" "$loop" "$load" | tee -a "$out/all"
  done
done
awk '
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { k = $2; n[k]++; w[k, n[k]] = $3; c[k, n[k]] = $4; l[k, n[k]] = $5 }
  END {
    for (k in n) { for (i = 1; i <= n[k]; i++) { x[i] = w[k, i]; y[i] = c[k, i]; z[i] = l[k, i] }; mw[k] = median(x, n[k]); mc[k] = median(y, n[k]); ml[k] = median(z, n[k]) }
    printf "median  off: wall %.2f s, CPU %.2f s, first steps %.2f s; on: wall %.2f s, CPU %.2f s, first steps %.2f s\n", mw["off"], mc["off"], ml["off"], mw["on"], mc["on"], ml["on"]
    printf "ratio off/on (> 1: the cache helps): wall %.2f, CPU %.2f, first steps %.2f\n", mw["off"] / mw["on"], mc["off"] / mc["on"], ml["off"] / ml["on"]
  }' "$out/all"
