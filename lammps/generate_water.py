#!/usr/bin/env python3
"""Writes water64_spcfw.data (LAMMPS atom_style full, units metal) and coeffs_spcfw.lmp for the SPC/Fw + DSF
reference (in.water_reference): the 64-molecule box of scripts/water_box.py (seed 7, 0.997 g/cm3) with every atom
displaced by a Gaussian 0.04 Å, so bonds, angles and intermolecular distances are off their ideal values.
Parameters are SPC/Fw converted from kcal/mol to eV with md's constant (4184 J / N_A / e); LAMMPS' harmonic
K is half the paper's k (LAMMPS E = K (r - r0)^2, the paper E = k/2 (r - r0)^2). Needs NumPy."""
import os
import sys
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from water_box import build  # noqa: E402

KCAL = 4184.0 / 6.02214076e23 / 1.602176634e-19
symbols, x, length = build(4, 0.997, seed=7)
rng = np.random.default_rng(11)
x = x + rng.normal(scale=0.04, size=x.shape)
x = np.mod(x, length)  # wrapped: some H sit across the boundary from their O
n = len(symbols)
with open("water64_spcfw.data", "w") as f:
    f.write("64 SPC/Fw water molecules, perturbed (generate_water.py)\n\n")
    f.write(f"{n} atoms\n2 atom types\n{2 * n // 3} bonds\n1 bond types\n{n // 3} angles\n1 angle types\n\n")
    f.write(f"0 {length:.17g} xlo xhi\n0 {length:.17g} ylo yhi\n0 {length:.17g} zlo zhi\n\n")
    f.write("Masses\n\n1 15.999\n2 1.008\n\nAtoms # full\n\n")
    for i, s in enumerate(symbols):
        t, q = (1, -0.82) if s == "O" else (2, 0.41)
        f.write(f"{i + 1} {i // 3 + 1} {t} {q} {x[i, 0]:.17g} {x[i, 1]:.17g} {x[i, 2]:.17g}\n")
    f.write("\nBonds\n\n")
    for m in range(n // 3):
        f.write(f"{2 * m + 1} 1 {3 * m + 1} {3 * m + 2}\n{2 * m + 2} 1 {3 * m + 1} {3 * m + 3}\n")
    f.write("\nAngles\n\n")
    for m in range(n // 3):
        f.write(f"{m + 1} 1 {3 * m + 2} {3 * m + 1} {3 * m + 3}\n")
with open("coeffs_spcfw.lmp", "w") as f:
    f.write("# SPC/Fw (Wu, Tepper & Voth 2006) in units metal (eV); LAMMPS K = k/2\n")
    f.write(f"pair_coeff 1 1 {0.1554253 * KCAL:.17g} 3.165492\n")
    f.write("pair_coeff 1 2 0.0 1.0\npair_coeff 2 2 0.0 1.0\n")
    f.write(f"bond_coeff 1 {1059.162 / 2 * KCAL:.17g} 1.012\n")
    f.write(f"angle_coeff 1 {75.90 / 2 * KCAL:.17g} 113.24\n")
print("wrote water64_spcfw.data and coeffs_spcfw.lmp")
