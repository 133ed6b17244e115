#!/usr/bin/env bash
# The ET-OREO two-model experiment at this machine's scale (docs/benchmarks.md, "ET-OREO at this machine's
# scale"): (a) ET from scratch on rMD17 ethanol forces, (b) force-centric pre-training on the mixed set, then
# fine-tuning on the same ethanol frames; each trained on one core, (a) and (b) side by side; then the MD17
# stability benchmark (5 x 300 ps, 500 K, Nose-Hoover 0.5 fs) of both, side by side. Hours of CPU: run it
# in the background. Interrupted? Run it again: finished steps are skipped, trainings and benchmarks resume
# from their checkpoints.
#   scripts/et-oreo-experiment.sh [train|stability|all]   (default all)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/out
what=${1:-all}

train() { # CONFIG OUTPUT_DIR: skipped once finished (md train writes the test report last)
  [ -f "$2/test-report.json" ] && return
  local resume=()
  [ -f "$2/checkpoint-last.npz" ] && resume=(--resume)
  "$root/md" train "$1" --threads 1 "${resume[@]}"
}

if [ "$what" = train ] || [ "$what" = all ]; then
  train "$root/inputs/train-ethanol-et-scratch.yaml" "$out/et-scratch" > "$out/et-scratch.log" 2>&1 &
  a=$!
  # (b) fine-tunes from the pre-trained model shipped in inputs/models; to redo the pre-training too, train
  # inputs/train-et-oreo-pretrain.yaml first and point the fine-tune's init_from at out/et-pretrain/model.etm
  train "$root/inputs/train-ethanol-et-oreo-finetune.yaml" "$out/et-finetune" > "$out/et-finetune.log" 2>&1
  wait $a
fi
if [ "$what" = stability ] || [ "$what" = all ]; then
  "$root/scripts/stability-ethanol.sh" "$out/et-scratch/model.etm" "$out/stability-et-scratch" > "$out/stability-et-scratch.log" 2>&1 &
  a=$!
  "$root/scripts/stability-ethanol.sh" "$out/et-finetune/model.etm" "$out/stability-et-oreo" > "$out/stability-et-oreo.log" 2>&1
  wait $a
fi
