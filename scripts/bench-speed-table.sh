#!/usr/bin/env bash
# Issue 16's NequIP speed table in one sitting (docs/benchmarks.md "The speed table"): every number below comes from
# the same session, its parts alternating, so that ratios compare like with like on this noisy 2-core machine.
#   1. steady state, float64, per energy + forces call: BASE_REV's evaluator against this tree's, 1 and 2 threads,
#      random-weight l_max=1 (32 features, 4 layers) and l_max=3 (32 features, 5 layers) on rMD17 aspirin
#      (scripts/bench-nequip-baseline.sh, best block of each);
#   2. float32 against float64 on the host, this tree, the same two models (md bench model, median of the calls);
#   3. a user's md run in a fresh JVM: the shipped aspirin model (l_max=1), Nosé–Hoover at 500 K, 0.5 fs, 6,000 steps,
#      1 and 2 threads, the launcher's JIT warm-up cache off and on: steps/s over steps 0-2,000 (JIT warm-up included)
#      and over steps 4,000-6,000 (steady state), from thermo.csv.
# Usage: scripts/bench-speed-table.sh OUT_DIR [BASE_REV (77c8862: before the performance work)] [ROUNDS (3)]
# Run it on an otherwise idle machine (e.g. under a script that stops other jobs); the raw outputs go to OUT_DIR.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: scripts/bench-speed-table.sh OUT_DIR [BASE_REV] [ROUNDS]}
rev=${2:-77c8862}
rounds=${3:-3}
data=${MD_SHARED_DATA:-$root/../shared/data}
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -f "$data/rmd17/rmd17_aspirin_test_01.npz" ] || { echo "bench-speed-table: no $data/rmd17/rmd17_aspirin_test_01.npz (set MD_SHARED_DATA)" >&2; exit 2; }
"$root/md" --version >/dev/null 2>&1   # builds the jar and trains the launcher's cache before anything is timed

l1=(l_max=1 num_features=32 num_layers=4 r_max=4.0 --steps 300 --warmup 500)
l3=(l_max=3 num_features=32 num_layers=5 r_max=4.0 --steps 60 --warmup 100)

echo "== 1. float64 steady state: $rev against $(git -C "$root" rev-parse --short HEAD)" | tee "$out/1-float64-vs-baseline.txt"
"$root/scripts/bench-nequip-baseline.sh" "$rev" "$rounds" --seconds 3 2>&1 | tee -a "$out/1-float64-vs-baseline.txt"

echo "== 2. float32 against float64 (this tree)" | tee "$out/2-float32.txt"
for ((r = 1; r <= rounds; r++)); do
  for model in l1 l3; do
    declare -n args=$model
    for precision in float64 float32; do
      echo "-- round $r, $model, $precision" | tee -a "$out/2-float32.txt"
      "$root/md" bench model --family nequip "${args[@]}" --threads 1,2 --precision "$precision" 2>&1 \
        | grep -v '^WARNING: Using incubator' | tee -a "$out/2-float32.txt"
    done
  done
done

echo "== 3. md run in a fresh JVM: first 2,000 steps and steps 4,000-6,000" | tee "$out/3-md-run.txt"
runs=$(mktemp -d /tmp/md-speed-table.XXXXXX)
trap 'rm -rf "$runs"' EXIT
for threads in 1 2; do
  cat > "$runs/aspirin-$threads.yaml" <<EOF
description: rMD17 aspirin, shipped NequIP l_max=1 model, Nose-Hoover chain at 500 K (speed table, $threads threads)
structure: {file: $data/rmd17/rmd17_aspirin_test_01.npz, frame: 0}
forcefield: {type: learned, model: $root/inputs/models/aspirin-nequip-l1.nqp, threads: $threads}
velocities: {temperature_K: 500, seed: 17, remove_com: true, remove_rotation: true}
dynamics: {integrator: nose-hoover-chain, timestep_fs: 0.5, steps: 6000, temperature_K: 500, tau_fs: 50, chain_length: 3}
output: {directory: $runs/out, thermo: {every: 100}}
EOF
done
# steps/s over (from, to]: thermo.csv's steps_per_s is the rate since the previous line
rate() { awk -F, -v from="$2" -v to="$3" '
  NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "step") s = i; if ($i == "steps_per_s") v = i }; next }
  NR == 2 { prev = $s; next }
  { if ($s > from && $s <= to) t += ($s - prev) / $v; prev = $s }
  END { printf "%.0f", (to - from) / t }' "$1"; }
printf '%-5s %-7s %-5s %16s %16s\n' round threads cache first_2000_steps_s steps_4000_6000_s | tee -a "$out/3-md-run.txt"
for ((r = 1; r <= rounds; r++)); do
  for threads in 1 2; do
    for aot in off on; do
      MD_AOT_CACHE=$aot "$root/md" run --quiet --overwrite --output "$runs/out" "$runs/aspirin-$threads.yaml" >/dev/null 2>"$runs/err" \
        || { echo "md run failed ($threads threads, cache $aot):" >&2; cat "$runs/err" >&2; exit 1; }
      printf '%-5s %-7s %-5s %16s %16s\n' "$r" "$threads" "$aot" "$(rate "$runs/out/thermo.csv" 0 2000)" \
        "$(rate "$runs/out/thermo.csv" 4000 6000)" | tee -a "$out/3-md-run.txt"
    done
  done
done
