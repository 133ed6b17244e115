#!/usr/bin/env python3
"""Reads an extended XYZ file written by this engine with ASE and prints what ASE sees (manual check).

Usage: /usr/bin/python3 scripts/reference/ase_reads_extxyz.py out/traj.extxyz   (Debian python3-ase)
"""
import sys
from ase.io import read

frames = read(sys.argv[1], index=":")
print(f"{len(frames)} frames")
for k, a in enumerate(frames[:3] + frames[-1:] if len(frames) > 3 else frames):
    calc = a.calc.results if a.calc is not None else {}
    print(f"frame: {len(a)} atoms {a.get_chemical_formula()} pbc={a.pbc.tolist()} cell={a.cell.lengths().round(4).tolist()} "
          f"energy={calc.get('energy')} forces={'forces' in calc} arrays={sorted(a.arrays)} info={sorted(a.info)}")
