"""Reference pressure of a periodic Lennard-Jones argon configuration, by ASE (3.22.1), for PressureTest.

Writes argon108.extxyz (positions, cell, momenta: what md run starts from) and argon108.ase-pressure.txt:
the pressure with and without the kinetic (ideal-gas) term, in eV/Å³, from ASE's own Lennard-Jones calculator
(plain cut at rc, smooth=False: the forces of md's shift: energy) and Atoms.get_stress(include_ideal_gas=True).
Run with /usr/bin/python3 (ase, numpy): python3 make_reference.py
"""
import numpy as np
from ase.build import bulk
from ase.calculators.lj import LennardJones
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase import units
import ase.io

atoms = bulk("Ar", "fcc", a=5.78, cubic=True).repeat((3, 3, 3))     # 108 atoms, 17.34 Å box
rng = np.random.default_rng(11)
atoms.positions += rng.normal(scale=0.15, size=atoms.positions.shape)
MaxwellBoltzmannDistribution(atoms, temperature_K=94.4, rng=np.random.default_rng(12))
ase.io.write("argon108.extxyz", atoms, format="extxyz", columns=["symbols", "positions", "momenta"], write_results=False)
atoms = ase.io.read("argon108.extxyz")       # the reference is that of the numbers in the file (8 decimals)
atoms.calc = LennardJones(sigma=3.4, epsilon=0.010341, rc=8.5, smooth=False)
# in eV/Å³ (ASE's units are CODATA 2014: its bar differs from md's exact-e bar by 8e-9)
virial_only = -np.trace(atoms.get_stress(voigt=False, include_ideal_gas=False)) / 3
total = -np.trace(atoms.get_stress(voigt=False, include_ideal_gas=True)) / 3
with open("argon108.ase-pressure.txt", "w") as f:
    f.write("# ASE 3.22.1 LennardJones(sigma=3.4, epsilon=0.010341, rc=8.5, smooth=False), get_stress(include_ideal_gas=...)\n")
    f.write("pressure_eV_per_A3 %.17g\n" % total)
    f.write("virial_pressure_eV_per_A3 %.17g\n" % virial_only)
    f.write("kinetic_energy_eV %.17g\n" % atoms.get_kinetic_energy())
print(total, virial_only)
