#!/usr/bin/env bash
# The SE(3)-Transformer's two force heads on ONE trained network (docs/benchmarks.md, "SE(3)-Transformer:
# direct vs conservative forces in MD"): the model of inputs/train-ethanol-se3t.yaml (force loss on both heads)
# run with forces: conservative (-dE/dr) and forces: direct (the type-1 output), side by side:
#   1. NVE from an rMD17 ethanol test frame, Maxwell-Boltzmann velocities at 500 K, velocity Verlet 0.5 fs,
#      20 ps: E_tot drift, and nonconservative_work_eV for the direct head;
#   2. md bench stability (Fu et al. protocol: 500 K Nose-Hoover, 0.5 fs, bond criterion 0.5 A), RUNS runs of
#      STEPS steps each.
# Then writes out/se3t-heads/summary.txt and the E_tot plot docs/img/se3t-heads-nve.svg.
#   scripts/se3t-direct-vs-conservative.sh [MODEL] [RUNS] [STEPS]   (defaults out/ethanol-se3t/model.zip, 3, 100000)
# Interrupted? Run it again: finished parts are skipped, benchmarks resume from their checkpoints.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=$(realpath "${1:-$root/out/ethanol-se3t/model.zip}")
runs=${2:-3}
steps=${3:-100000}
out=$root/out/se3t-heads
shared=$(realpath "$root/../shared/data")
mkdir -p "$out"
"$root/md" --version > /dev/null   # builds md.jar once, before the parallel jobs start (two builds at once clobber each other)

nve() { # HEAD
  local dir=$out/nve-$1
  [ -f "$dir/.finished" ] && return
  cat > "$out/nve-$1.yaml" <<YAML
description: SE(3)-Transformer, $1 forces, NVE at 500 K initial temperature
structure: {file: $shared/rmd17/rmd17_ethanol_test_01.npz, frame: 0}
forcefield: {type: learned, model: $model, forces: $1}
velocities: {temperature_K: 500, seed: 1, remove_com: true, remove_rotation: true}
dynamics: {integrator: velocity-verlet, timestep_fs: 0.5, steps: ${NVE_STEPS:-40000}}
output: {directory: $dir, trajectory: {every: 100, formats: [extxyz]}, thermo: {every: 20}, checkpoint: {every: 10000}}
safety: {bond_deviation_A: 0.5}
YAML
  local rc=0
  "$root/md" run --quiet --overwrite "$out/nve-$1.yaml" || rc=$?
  echo "$rc" > "$dir/.finished"   # 4: stopped by the bond criterion (the molecule fell apart)
}

stability() { # HEAD
  local dir=$out/stability-$1 resume=()
  [ -f "$dir/.finished" ] && return
  [ -d "$dir" ] && resume=(--resume)
  "$root/md" bench stability --forcefield "{type: learned, model: '$model', forces: $1}" \
    --reference "$shared/rmd17/rmd17_ethanol_test_01.npz" --molecule ethanol --runs "$runs" --steps "$steps" \
    --max-test-frames 1000 -o "$dir" "${resume[@]}"
  touch "$dir/.finished"
}

(nve direct > "$out/nve-direct.log" 2>&1; stability direct > "$out/stability-direct.log" 2>&1) &
a=$!
nve conservative > "$out/nve-conservative.log" 2>&1
stability conservative > "$out/stability-conservative.log" 2>&1
wait $a

python3 "$root/scripts/se3t_heads_summary.py" "$out" "$root/docs/img/se3t-heads-nve.svg" "$root/docs/img/se3t-heads-hr.svg" | tee "$out/summary.txt"
