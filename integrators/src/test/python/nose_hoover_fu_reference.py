#!/usr/bin/env python3
"""Independent reference for md.integrators.NoseHooverFu.

Implements, from the equations, the single-thermostat Nose-Hoover step of Fu et al., "Forces are not
Enough" (TMLR 2023), class NoseHoover in mdsim/md/integrator.py of github.com/kyonofx/MDsim, in that
code's own unit system (ASE: eV, Angstrom, amu, time unit Angstrom*sqrt(amu/eV)), for a two-atom Morse
molecule, and prints the state after each of three steps converted to fs units.

Regenerate:  python3 integrators/src/test/python/nose_hoover_fu_reference.py \
               > integrators/src/test/resources/nose_hoover_fu_reference.txt
"""
import numpy as np

E = 1.602176634e-19          # C (exact)
AMU = 1.66053906660e-27      # kg (CODATA 2018)
KB_EV = 1.380649e-23 / E     # eV/K
FS = 1e-15 / (1e-10 * np.sqrt(AMU / E))   # one fs in ASE time units

D, A, R0 = 4.6, 2.2, 0.97    # Morse bond: eV, 1/Angstrom, Angstrom
masses = np.array([15.999, 1.008])


def energy_forces(x):
    d = x[1] - x[0]
    r = np.linalg.norm(d)
    e = np.exp(-A * (r - R0))
    energy = D * (1 - e) ** 2
    dudr = 2 * D * A * e * (1 - e)
    f1 = -dudr * d / r
    return energy, np.array([-f1, f1])


def kinetic(v):
    return 0.5 * np.sum(masses[:, None] * v * v)


# settings as MDsim's simulate.py passes them: timestep * units.fs, temperature * units.kB
dt_fs, temperature_k, ttime = 0.5, 500.0, 20.0
dt = dt_fs * FS
kT = temperature_k * KB_EV
n = len(masses)
target = 0.5 * 3 * n * kT
Q = 3 * n * kT * (ttime * dt) ** 2

x = np.array([[0.01, -0.02, 0.03], [0.95, 0.31, -0.12]])
v = np.array([[0.0012, -0.0007, 0.0004], [-0.011, 0.019, 0.006]]) / FS   # given in Angstrom/fs
zeta = 0.0
_, f = energy_forces(x)

print(f"# dt_fs={dt_fs} T_K={temperature_k} ttime={ttime}; per step: x (6), v in A/fs (6), zeta in 1/fs, epot eV")
for step in range(3):
    a = f / masses[:, None]
    x = x + v * dt + (a - zeta * v) * (0.5 * dt ** 2)
    ke0 = kinetic(v)
    v_half = v + 0.5 * dt * (a - zeta * v)
    epot, f = energy_forces(x)
    a = f / masses[:, None]
    zeta = zeta + 0.5 * dt / Q * (ke0 - target)
    zeta = zeta + 0.5 * dt / Q * (kinetic(v_half) - target)
    v = (v_half + 0.5 * dt * a) / (1 + 0.5 * dt * zeta)
    print(" ".join(repr(float(c)) for c in [*x.ravel(), *(v * FS).ravel(), zeta * FS, epot]))
