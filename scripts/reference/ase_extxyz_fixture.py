#!/usr/bin/env python3
"""Writes engine/src/test/resources/md/engine/io/written-by-ase.extxyz with ASE (Debian python3-ase 3.22.1).

The Java test ExtxyzReaderTest reads it and checks the values set below, so the reader is tested
against files made by the reference implementation of the format, not by our own writer.
Regenerate: /usr/bin/python3 scripts/reference/ase_extxyz_fixture.py
"""
import numpy as np
import ase
from ase import Atoms, units
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write

out = "engine/src/test/resources/md/engine/io/written-by-ase.extxyz"

# Frame 0: triclinic cell periodic in x and y, energy, forces, velocities (ASE stores momenta), info.
a = Atoms("ArCH",
          positions=[[0.5, 1.25, -2.0], [3.0, 0.125, 1.5], [-1.75, 2.5, 0.0625]],
          cell=[[10.0, 0.0, 0.0], [2.5, 9.0, 0.0], [-1.0, 1.5, 8.0]],
          pbc=[True, True, False])
velocities_A_per_fs = np.array([[0.01, -0.02, 0.03], [0.0, 0.005, -0.0025], [0.1, 0.0, -0.05]])
a.set_velocities(velocities_A_per_fs / units.fs)   # ASE velocity unit: Å per (Å sqrt(amu/eV))
a.info["step"] = 42
a.info["note"] = "hello world"
a.info["dipole_guess"] = np.array([0.1, 0.2, 0.3])
a.calc = SinglePointCalculator(a, energy=-12.5, forces=[[0.1, 0.2, 0.3], [-0.1, 0.0, 0.05], [0.0, -0.2, -0.35]])

# Frame 1: isolated water, no cell, energy only.
b = Atoms("OH2", positions=[[0.0, 0.0, 0.1173], [0.0, 0.7572, -0.4692], [0.0, -0.7572, -0.4692]])
b.calc = SinglePointCalculator(b, energy=-2078.5)

write(out, [a, b], format="extxyz")
print("ase", ase.__version__, "wrote", out)

# A masses column: ASE divides momenta by the masses of the file (here deuterium), not by its table's.
out_masses = "engine/src/test/resources/md/engine/io/written-by-ase-masses.extxyz"
d = Atoms("OH2", positions=[[0.0, 0.0, 0.1173], [0.0, 0.7572, -0.4692], [0.0, -0.7572, -0.4692]])
d.set_masses([15.999, 2.014102, 2.014102])
d.set_velocities(np.array([[0.001, 0.002, -0.003], [0.02, -0.01, 0.005], [-0.015, 0.0, 0.025]]) / units.fs)
write(out_masses, d, format="extxyz")
print("ase", ase.__version__, "wrote", out_masses)
