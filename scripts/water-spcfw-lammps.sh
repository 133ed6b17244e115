#!/usr/bin/env bash
# The same liquid-water run as inputs/water-spcfw.yaml in LAMMPS (same box, model, Nosé–Hoover chain at
# 300 K, 0.5 fs, 10 ps; independent velocities), as a reference trajectory for md analyze:
#   scripts/water-spcfw-lammps.sh out/water-spcfw-lammps
#   ./md analyze out/water-spcfw/trajectory.extxyz --reference out/water-spcfw-lammps/trajectory.extxyz --burn-in-ps 3
# Needs Debian's lammps package (lmp) and NumPy (/usr/bin/python3).
set -euo pipefail
out=${1:-out/water-spcfw-lammps}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
PY=${PYTHON:-/usr/bin/python3}
$PY - "$here/inputs/structures/water64.extxyz" "$out/water64.data" <<'PYEOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
n = int(lines[0]); lat = lines[1].split('Lattice="')[1].split('"')[0].split()
L = [float(lat[0]), float(lat[4]), float(lat[8])]
atoms = [l.split() for l in lines[2:2 + n]]
with open(sys.argv[2], "w") as f:
    f.write(f"water box from {sys.argv[1]}\n\n{n} atoms\n2 atom types\n{2 * n // 3} bonds\n1 bond types\n{n // 3} angles\n1 angle types\n\n")
    f.write(f"0 {L[0]!r} xlo xhi\n0 {L[1]!r} ylo yhi\n0 {L[2]!r} zlo zhi\n\nMasses\n\n1 15.999\n2 1.008\n\nAtoms # full\n\n")
    for i, a in enumerate(atoms):  # O H H per molecule, in order (scripts/water_box.py)
        t, q = (1, -0.82) if a[0] == "O" else (2, 0.41)
        f.write(f"{i + 1} {i // 3 + 1} {t} {q} {a[1]} {a[2]} {a[3]}\n")
    f.write("\nBonds\n\n" + "".join(f"{2*m+1} 1 {3*m+1} {3*m+2}\n{2*m+2} 1 {3*m+1} {3*m+3}\n" for m in range(n // 3)))
    f.write("\nAngles\n\n" + "".join(f"{m+1} 1 {3*m+2} {3*m+1} {3*m+3}\n" for m in range(n // 3)))
PYEOF
cat > "$out/in.water_nvt" <<'LMP'
units           metal
atom_style      full
boundary        p p p
read_data       water64.data
pair_style      lj/cut/coul/dsf 0.2 10.0 10.0
bond_style      harmonic
angle_style     harmonic
include         ${coeffs}
pair_modify     shift yes
special_bonds   lj/coul 0.0 0.0 0.0
velocity        all create 300.0 4928 mom yes rot no dist gaussian
timestep        0.0005
fix             nvt all nvt temp 300.0 300.0 0.1 tchain 3
thermo_style    custom step time temp pe ke etotal press
thermo          200
dump            traj all custom 20 trajectory.dump id type xu yu zu
dump_modify     traj sort id format float %.8f
run             20000
LMP
(cd "$out" && lmp -nocite -log log.lammps -screen none -in in.water_nvt -var coeffs "$here/lammps/coeffs_spcfw.lmp")
# LAMMPS dump -> extxyz (unwrapped positions, time_ps per frame)
$PY - "$out/trajectory.dump" "$out/trajectory.extxyz" <<'PYEOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
out = open(sys.argv[2], "w")
i = 0
while i < len(lines):
    step = int(lines[i + 1]); n = int(lines[i + 3])
    L = [float(b.split()[1]) - float(b.split()[0]) for b in lines[i + 5:i + 8]]
    out.write(f"{n}\nLattice=\"{L[0]} 0 0 0 {L[1]} 0 0 0 {L[2]}\" Properties=species:S:1:pos:R:3 pbc=\"T T T\" time_ps={step * 0.0005:.4f}\n")
    for l in lines[i + 9:i + 9 + n]:
        t = l.split()
        out.write(("O" if t[1] == "1" else "H") + f" {t[2]} {t[3]} {t[4]}\n")
    i += 9 + n
out.close()
PYEOF
echo "wrote $out/trajectory.extxyz"
