#!/usr/bin/env python3
"""Reads engine/src/test/resources/md/engine/io/written-by-md.extxyz (written by our ExtxyzWriter) with ASE and
records what ASE sees in written-by-md.ase.json beside it (Debian python3-ase 3.22.1).

The Java test AseReadsOurExtxyzTest compares these values, which come from ASE, with the frames it wrote:
velocities (atoms.get_velocities(), converted to Å/fs with ase.units.fs), kinetic energy and temperature
(atoms.get_kinetic_energy(), atoms.get_temperature()), the masses ASE used, and ASE's atomic mass table.
Regenerate: /usr/bin/python3 scripts/reference/ase_reads_md_extxyz.py
"""
import json

import ase
from ase import units
from ase.data import atomic_masses
from ase.io import read

folder = "engine/src/test/resources/md/engine/io/"
frames = read(folder + "written-by-md.extxyz", index=":")
out = {
    "ase_version": ase.__version__,
    "ase_codata_version": units.__codata_version__,
    "ase_atomic_masses_H_to_Xe": [float(m) for m in atomic_masses[1:55]],
    "frames": [],
}
for a in frames:
    out["frames"].append({
        "symbols": a.get_chemical_symbols(),
        "positions": a.get_positions().tolist(),
        "cell": a.cell.array.tolist(),
        "pbc": a.pbc.tolist(),
        "energy": float(a.get_potential_energy()),
        "forces": a.get_forces().tolist(),
        "step": int(a.info["step"]),
        "masses": a.get_masses().tolist(),
        "velocities_A_per_fs": (a.get_velocities() * units.fs).tolist(),
        "kinetic_energy_eV": float(a.get_kinetic_energy()),
        "temperature_K": float(a.get_temperature()),
    })
with open(folder + "written-by-md.ase.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("ase", ase.__version__, "read", len(frames), "frames; wrote", folder + "written-by-md.ase.json")
