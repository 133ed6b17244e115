#!/usr/bin/env bash
# md bench stability, batched against one by one, in the same session: 5 runs of ethanol (trained l1 model)
# x 2,000 steps and of aspirin (the aspirin-l2 fixture) x 600 steps on each device, with --parallel 1,
# --parallel 2 (java only) and --batched.
# Prints one row per configuration: wall seconds of the whole command, MD steps of all runs, end-to-end
# steps/s (all runs' steps / wall), steps/s of the MD phase alone (runs' timed steps / their timed
# seconds, summed for --parallel 1, the longest for --batched), and the mean per-run FPS of the table.
#   scripts/bench-batched-stability.sh ETHANOL_MODEL.nqp [OUT_DIR] [DEVICES (default "java opencl")]
# ETHANOL_MODEL: inputs/models/ethanol-nequip-l1.nqp (branch train). Results: docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ethanol_model=${1:?usage: $0 ETHANOL_MODEL.nqp [OUT_DIR] [DEVICES]}
out=${2:-$root/out/bench-batched}
devices=${3:-java opencl}
data=${MD_SHARED_DATA:-$root/../shared/data}
md="$root/md"
mkdir -p "$out"
aspirin_model="$out/aspirin-l2.nqp"
[ -f "$aspirin_model" ] || "$md" import nequip "$data/nequip-reference/aspirin-l2/config.yaml" \
  "$data/nequip-reference/aspirin-l2/weights.npz" -o "$aspirin_model" >/dev/null

bench() { # name model reference steps device mode...
  local name=$1 model=$2 ref=$3 steps=$4 device=$5; shift 5
  local mode="$*"
  local dir="$out/$name-$device${mode//[ -]/}"
  local t0 t1
  t0=$(date +%s.%N)
  "$md" bench stability --model "$model" --reference "$ref" --runs 5 --steps "$steps" --seed 123 --run-past-collapse \
    --max-test-frames 20 --save-every 50 --device "$device" --overwrite -o "$dir" "$@" >"$dir.log" 2>&1
  t1=$(date +%s.%N)
  python3 - "$dir/metrics.json" "$t0" "$t1" "$name" "$device" "$*" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); t = float(sys.argv[3]) - float(sys.argv[2])
runs = m["runs"]; steps = sum(r["steps_run"] for r in runs); fps = [r["fps"] for r in runs]
mode = sys.argv[6]; timed = [r["timed_seconds"] for r in runs]; timed_steps = sum(r["timed_steps"] for r in runs)
# MD phase alone: one run after another (--parallel 1) or all in lock step (--batched); not defined for --parallel 2
md = timed_steps / sum(timed) if mode == "--parallel 1" else timed_steps / max(timed) if mode == "--batched" else None
print(f"| {sys.argv[4]} | {sys.argv[5]} | {mode} | {t:.1f} | {steps} | {steps / t:.1f} | {'—' if md is None else f'{md:.1f}'} | {sum(fps) / len(fps):.1f} |")
PY
}

echo "| molecule | device | mode | wall s | MD steps | steps/s, wall | steps/s, MD phase | per-run FPS (mean) |"
echo "|---|---|---|---|---|---|---|---|"
for device in $devices; do
  modes=("--parallel 1" "--parallel 2" "--batched")
  # two OpenCL (PoCL) contexts in one process at once sometimes fail their kernel build (kcache rename error)
  [ "$device" = java ] || modes=("--parallel 1" "--batched")
  for mode in "${modes[@]}"; do
    # shellcheck disable=SC2086
    bench ethanol "$ethanol_model" "$data/rmd17/rmd17_ethanol_test_01.npz" 2000 "$device" $mode
    # shellcheck disable=SC2086
    bench aspirin "$aspirin_model" "$data/rmd17/rmd17_aspirin_test_01.npz" 600 "$device" $mode
  done
done
