#!/usr/bin/env bash
# The ET-OREO two-model experiment at this machine's scale (docs/benchmarks.md, "ET-OREO at this machine's
# scale"): (a) ET from scratch on rMD17 ethanol forces, (b) force-centric pre-training on the mixed set, then
# fine-tuning on the same ethanol frames; each trained on one core, (a) and (b) side by side; then the MD17
# stability benchmark (5 x 300 ps, 500 K, Nose-Hoover 0.5 fs) of both, side by side. Hours of CPU: run it
# in the background. Interrupted? Run it again: finished steps are skipped, trainings and benchmarks resume
# from their checkpoints.
# "ablation" runs (c), ET-ORE: the same pre-training without the equilibrium structures (force loss on the
# off-equilibrium frames only), fine-tuned and benchmarked the same way; its configs are derived from the
# shipped ones into out/et-ore/.
#   scripts/et-oreo-experiment.sh [train|stability|all|ablation]   (default all)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/out
what=${1:-all}

train() { # CONFIG OUTPUT_DIR: skipped once finished (.finished is written after md train succeeds)
  [ -f "$2/.finished" ] && return
  local resume=()
  [ -f "$2/checkpoint-last.npz" ] && resume=(--resume)
  "$root/md" train "$1" --threads 1 "${resume[@]}"
  touch "$2/.finished"
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
  # the fine-tuned model of this experiment when trained here, else the shipped one
  oreo=$out/et-finetune/model.etm; [ -f "$out/et-finetune/.finished" ] || oreo=$root/inputs/models/ethanol-et.etm
  "$root/scripts/stability-ethanol.sh" "$oreo" "$out/stability-et-oreo" > "$out/stability-et-oreo.log" 2>&1
  wait $a
fi
if [ "$what" = ablation ]; then
  c=$out/et-ore
  mkdir -p "$c"
  # pre-training config without the equilibrium sources; fine-tune config starting from its result
  grep -v "objective: equilibrium" "$root/inputs/train-et-oreo-pretrain.yaml" \
    | sed -e "s#\.\./\.\./shared#$root/../shared#g" -e "s#\.\./out/et-pretrain#$c/pretrain#g" \
    -e "s#^loss: .*#loss: {forces: 1000}#" > "$c/pretrain.yaml"
  sed -e "s#\.\./\.\./shared#$root/../shared#g" -e "s#init_from: .*#init_from: $c/pretrain/model.etm#" \
    -e "s#directory: .*#directory: $c/finetune#" -e "s#^  model: .*#  model: $c/finetune/model.etm#" \
    "$root/inputs/train-ethanol-et-oreo-finetune.yaml" > "$c/finetune.yaml"
  train "$c/pretrain.yaml" "$c/pretrain" > "$c/pretrain.log" 2>&1
  train "$c/finetune.yaml" "$c/finetune" > "$c/finetune.log" 2>&1
  "$root/scripts/stability-ethanol.sh" "$c/finetune/model.etm" "$out/stability-et-ore" > "$out/stability-et-ore.log" 2>&1
fi
