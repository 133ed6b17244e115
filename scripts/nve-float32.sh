#!/usr/bin/env bash
# Energy conservation of float32 evaluation (issue 16): 10 ps of NVE (velocity Verlet, 0.5 fs, 500 K start) of rMD17
# ethanol with the shipped NequIP model, evaluated on the host in float64 and in float32 (the host executor's float32
# kernels), and on OpenCL (PoCL or a GPU) in float32 and in float64; prints the spread, the largest excursion and the
# linear drift of the total energy of each run.
#   scripts/nve-float32.sh [OUTPUT_DIR] [RUN ...]   (default out/nve-float32 and every run: host-float64 host-float32
#                                                    opencl-float32 opencl-float64; the OpenCL runs need an OpenCL
#                                                    platform; needs /usr/bin/python3 with NumPy)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/out/nve-float32}
shift || true
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(host-float64 host-float32 opencl-float32 opencl-float64)
mkdir -p "$out"
for name in "${runs[@]}"; do
  case "$name" in
    host-float64|host-float32) device=java ;;
    opencl-float64|opencl-float32) device=opencl ;;
    *) echo "nve-float32.sh: unknown run '$name' (expected host-float64, host-float32, opencl-float32 or opencl-float64)" >&2; exit 2 ;;
  esac
  precision=${name#*-}
  cat > "$out/$name.yaml" <<YAML
description: NVE energy conservation, ethanol NequIP, $device $precision
structure: {file: $root/inputs/structures/ethanol-rmd17.extxyz}
forcefield: {type: learned, model: $root/inputs/models/ethanol-nequip-l1.nqp, device: $device, precision: $precision}
velocities: {temperature_K: 500, seed: 17, remove_com: true, remove_rotation: true}
dynamics: {integrator: velocity-verlet, timestep_fs: 0.5, steps: 20000}
output: {directory: $name, trajectory: {every: 0}, thermo: {every: 10}, checkpoint: {every: 0}}
YAML
  "$root/md" run --quiet --overwrite "$out/$name.yaml"
done
cd "$out"
/usr/bin/python3 - "${runs[@]}" <<'PY'
import sys
import numpy as np
for n in sys.argv[1:]:
    d = np.genfromtxt(f"{n}/thermo.csv", delimiter=",", names=True)
    t, e = d["time_ps"], d["etot_eV"]
    slope = np.polyfit(t, e, 1)[0]
    print(f"{n:15s} {int(d['step'][-1])} steps: std(E_tot) {np.std(e)*1e3:.3f} meV, max|E_tot - E_0| {np.max(np.abs(e - e[0]))*1e3:.3f} meV, "
          f"drift {slope*1e3:+.4f} meV/ps (std(E_pot) {np.std(d['epot_eV'])*1e3:.1f} meV), {np.nanmedian(d['steps_per_s']):.0f} steps/s")
PY
