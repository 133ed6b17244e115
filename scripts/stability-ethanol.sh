#!/usr/bin/env bash
# The full MD17 stability benchmark of Fu et al. for ethanol: 5 runs x 600,000 steps (300 ps) at 500 K,
# Nose-Hoover 0.5 fs, with a NequIP model, against rMD17 ethanol's test split. Hours of CPU; run it in the
# background. Interrupted? Run the same command again: it continues from the checkpoints (--resume).
#   scripts/stability-ethanol.sh [MODEL.nqp] [OUTPUT_DIR] [extra md bench stability options, e.g. --parallel 2]
# Defaults: inputs/models/ethanol-nequip-l1.nqp, out/stability-ethanol. Results: OUTPUT_DIR/report.html, metrics.json;
# record them in docs/benchmarks.md (section "MD17 stability").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-$root/inputs/models/ethanol-nequip-l1.nqp}
out=${2:-$root/out/stability-ethanol}
shift $(( $# > 2 ? 2 : $# ))
data=${MD_SHARED_DATA:-$root/../shared/data}
resume=()
[ -f "$out/benchmark.properties" ] && resume=(--resume)
exec "$root/md" bench stability --model "$model" --molecule ethanol \
  --reference "$data/rmd17/rmd17_ethanol_test_01.npz" --runs 5 --steps 600000 --seed 123 \
  -o "$out" "${resume[@]}" "$@"
