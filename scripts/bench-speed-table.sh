#!/usr/bin/env bash
# Issue 16's NequIP speed table in one sitting (docs/benchmarks.md "The speed table"): BASE_REV's md against this
# tree's, every part alternating, so that ratios compare like with like on this noisy 2-core machine.
#   1. steady state per energy + forces call, `md bench model` (median of the calls after a warm-up), 1 and 2 threads,
#      random-weight NequIP l_max=1 (32 features, 4 layers) and l_max=3 (32 features, 5 layers) on rMD17 aspirin:
#      BASE_REV in float64, this tree in float64 and in float32 (host float32 arithmetic);
#   2. a user's `md run` in a fresh JVM: the shipped aspirin model (l_max=1), Nosé–Hoover chain at 500 K, 0.5 fs,
#      6,000 steps, 1 and 2 threads: BASE_REV's launcher, and this tree's with its JIT warm-up cache off and on;
#      steps/s over steps 0-2,000 (JIT warm-up included) and over steps 4,000-6,000 (steady state), from thermo.csv.
# BASE_REV's tree is exported into a temporary folder and built there by its own launcher (nothing is installed).
# Usage: scripts/bench-speed-table.sh OUT_DIR [BASE_REV (5e1febf: main before issue 16's speed work)] [ROUNDS (3)]
# Run it on an otherwise idle machine; the raw outputs go to OUT_DIR (1-per-call.txt, 2-md-run.txt).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: scripts/bench-speed-table.sh OUT_DIR [BASE_REV] [ROUNDS]}
rev=${2:-5e1febf}
rounds=${3:-3}
data=$(cd "${MD_SHARED_DATA:-$root/../shared/data}" 2>/dev/null && pwd) \
  || { echo "bench-speed-table: no shared data folder (../shared/data or MD_SHARED_DATA)" >&2; exit 2; }
[ -f "$data/rmd17/rmd17_aspirin_test_01.npz" ] || { echo "bench-speed-table: no $data/rmd17/rmd17_aspirin_test_01.npz" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
base=$(mktemp -d /tmp/md-speed-table.XXXXXX)
trap 'rm -rf "$base"' EXIT
(cd "$root" && git archive "$rev") | tar -x -C "$base"
mkdir -p "$base/runs"
# build both jars (and train this tree's warm-up cache) before anything is timed
"$base/md" --version >/dev/null 2>&1 || { echo "bench-speed-table: $rev does not build" >&2; exit 1; }
"$root/md" --version >/dev/null 2>&1
here=$(git -C "$root" rev-parse --short HEAD)
git -C "$root" diff --quiet HEAD || here="$here+changes"

l1=(l_max=1 num_features=32 num_layers=4 r_max=4.0 --steps 300 --warmup 500)
l3=(l_max=3 num_features=32 num_layers=5 r_max=4.0 --steps 60 --warmup 100)
echo "== per call: $rev float64, $here float64, $here float32; $rounds rounds" | tee "$out/1-per-call.txt"
for ((r = 1; r <= rounds; r++)); do
  for model in l1 l3; do
    declare -n args=$model
    for which in "$rev float64" "$here float64" "$here float32"; do
      read -r build precision <<<"$which"
      launcher=$root/md; [ "$build" = "$rev" ] && launcher=$base/md
      echo "-- round $r, $model, $build, $precision" | tee -a "$out/1-per-call.txt"
      "$launcher" bench model --family nequip "${args[@]}" --data "$data" --threads 1,2 --precision "$precision" 2>&1 \
        | grep -v '^WARNING: Using incubator' | tee -a "$out/1-per-call.txt"
    done
  done
done

for threads in 1 2; do
  cat > "$base/runs/aspirin-$threads.yaml" <<EOF
description: rMD17 aspirin, shipped NequIP l_max=1 model, Nose-Hoover chain at 500 K (speed table, $threads threads)
structure: {file: $data/rmd17/rmd17_aspirin_test_01.npz, frame: 0}
forcefield: {type: learned, model: $root/inputs/models/aspirin-nequip-l1.nqp, threads: $threads}
velocities: {temperature_K: 500, seed: 17, remove_com: true, remove_rotation: true}
dynamics: {integrator: nose-hoover-chain, timestep_fs: 0.5, steps: 6000, temperature_K: 500, tau_fs: 50, chain_length: 3}
output: {directory: $base/runs/out, thermo: {every: 100}}
EOF
done
# steps/s over (from, to]: thermo.csv's steps_per_s is the rate since the previous line
rate() { awk -F, -v from="$2" -v to="$3" '
  NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "step") s = i; if ($i == "steps_per_s") v = i }; next }
  NR == 2 { prev = $s; next }
  { if ($s > from && $s <= to) t += ($s - prev) / $v; prev = $s }
  END { printf "%.0f", (to - from) / t }' "$1"; }
echo "== md run, 6,000 steps of aspirin: steps/s over the first 2,000 and over steps 4,000-6,000; $rounds rounds" | tee "$out/2-md-run.txt"
printf '%-5s %-7s %-22s %10s %10s\n' round threads build first_2000 4000_6000 | tee -a "$out/2-md-run.txt"
for ((r = 1; r <= rounds; r++)); do
  for threads in 1 2; do
    for which in "$rev" "$here cache-off" "$here cache-on"; do
      launcher=$root/md; aot=on
      case "$which" in "$rev") launcher=$base/md ;; *cache-off) aot=off ;; esac
      MD_AOT_CACHE=$aot "$launcher" run --quiet --overwrite --output "$base/runs/out" "$base/runs/aspirin-$threads.yaml" >/dev/null 2>"$base/runs/err" \
        || { echo "md run failed ($which, $threads threads):" >&2; cat "$base/runs/err" >&2; exit 1; }
      printf '%-5s %-7s %-22s %10s %10s\n' "$r" "$threads" "$which" "$(rate "$base/runs/out/thermo.csv" 0 2000)" \
        "$(rate "$base/runs/out/thermo.csv" 4000 6000)" | tee -a "$out/2-md-run.txt"
    done
  done
done
