#!/usr/bin/env bash
# Regenerates the LAMMPS reference numbers in lammps/reference/ (committed; the Java test only reads them).
# The NVE cases (in.lj_nve_reference) run 1 ps in cells narrower than twice the cutoff.
# Needs Debian's lammps package (apt-get install lammps; binary lmp) and NumPy for the configurations.
set -euo pipefail
cd "$(dirname "$0")"
${PYTHON:-python3} generate_configurations.py  # needs NumPy (e.g. PYTHON=/usr/bin/python3)
mkdir -p reference
run() {  # name data coeffs "style cutoff" shift
  lmp -nocite -log "reference/$1.log" -screen none -in in.lj_reference \
      -var data "$2" -var coeffs "$3" -var style "$4" -var shift "$5" -var out "reference/$1"
}
run argon_cut         argon_fcc500.data      coeffs_ar.lmp   "lj/cut 8.5"               no
run argon_smooth      argon_fcc500.data      coeffs_ar.lmp   "lj/smooth/linear 8.5"     no
run arkr_tri_shifted  arkr_triclinic256.data coeffs_arkr.lmp "lj/cut 8.5"               yes
run arkr_tri_moving   arkr_triclinic256_moving.data coeffs_arkr.lmp "lj/cut 8.5"        yes
nve() {  # name data coeffs "style cutoff" shift steps: NVE trajectory (1 fs steps)
  lmp -nocite -log "reference/$1.log" -screen none -in in.lj_nve_reference \
      -var data "$2" -var coeffs "$3" -var style "$4" -var shift "$5" -var steps "$6" -var out "reference/$1"
}
nve argon_cube32_nve     argon_fcc32_nve.data   coeffs_ar.lmp   "lj/cut 8.5"  yes 1000
nve arkr_skewed32_nve    arkr_skewed32_nve.data coeffs_arkr.lmp "lj/cut 8.5"  yes 1000
# SPC/Fw water with DSF Coulomb (in.water_reference writes reference/water64_spcfw*.{dump,thermo})
${PYTHON:-python3} generate_water.py
lmp -nocite -log reference/water64_spcfw.log -screen none -in in.water_reference
lmp -h | sed -n '/^Large-scale/,/^$/p;/LAMMPS version/p' | head -3 > reference/lammps-version.txt || true
echo "reference numbers written to lammps/reference/"
