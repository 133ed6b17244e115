#!/usr/bin/env python3
"""Writes the LAMMPS data files of the LJ cross-check (needs only NumPy).

argon_fcc500.data       500 Ar, fcc 5x5x5 (a = 5.72 Å, liquid density) with Gaussian displacements
                        (σ = 0.25 Å), orthorhombic periodic box.
arkr_triclinic256.data  256 atoms, 30 % Kr, fcc 4x4x4 in a triclinic box (LAMMPS tilt factors xy, xz, yz),
                        displacements σ = 0.2 Å.
argon_fcc32_nve.data    32 Ar, fcc 2x2x2 (a = 5.72 Å): an 11.44 Å cube, narrower than twice the 8.5 Å
                        cutoff (each atom meets several images of a partner and images of itself);
                        displacements σ = 0.15 Å and Maxwell-Boltzmann velocities at 60 K (NVE run).
arkr_skewed32_nve.data  32 atoms, 30 % Kr, fcc 2x2x2 in a strongly skewed triclinic cell whose
                        perpendicular widths (9.6, 10.9 and 11.6 Å) are all below twice the cutoff; velocities at 60 K.
arkr_triclinic256_moving.data  the atoms of arkr_triclinic256.data with Maxwell-Boltzmann velocities at 300 K,
                        for the pressure tensor with its kinetic part.
Coordinates are written with repr() so LAMMPS and the Java test read the same doubles. Velocities are
in LAMMPS metal units (Å/ps).
"""
import numpy as np

FCC = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])


def fcc_fractional(n):
    cells = np.array([[i, j, k] for i in range(n) for j in range(n) for k in range(n)], dtype=float)
    return ((cells[:, None, :] + FCC[None, :, :]).reshape(-1, 3)) / n


def write(path, title, lattice, positions, types, masses, velocities=None):
    (lx, _, _), (xy, ly, _), (xz, yz, lz) = [[float(v) for v in row] for row in lattice]
    lines = [title, "", f"{len(positions)} atoms", f"{len(masses)} atom types", "",
             f"0.0 {lx!r} xlo xhi", f"0.0 {ly!r} ylo yhi", f"0.0 {lz!r} zlo zhi"]
    if xy or xz or yz:
        lines.append(f"{xy!r} {xz!r} {yz!r} xy xz yz")
    lines += ["", "Masses", ""] + [f"{t + 1} {float(m)!r}" for t, m in enumerate(masses)]
    lines += ["", "Atoms # atomic", ""]
    lines += [f"{i + 1} {types[i]} {x!r} {y!r} {z!r}" for i, (x, y, z) in enumerate(positions)]
    if velocities is not None:
        lines += ["", "Velocities", ""]
        lines += [f"{i + 1} {float(vx)!r} {float(vy)!r} {float(vz)!r}" for i, (vx, vy, vz) in enumerate(velocities)]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def wrapped(frac, lattice):
    return (frac - np.floor(frac)) @ lattice


rng = np.random.default_rng(20240607)

a = 5.72
lattice = np.diag([5 * a] * 3)
frac = fcc_fractional(5)
pos = frac @ lattice + rng.normal(0, 0.25, (len(frac), 3))
pos = wrapped(pos @ np.linalg.inv(lattice), lattice)
write("argon_fcc500.data", "Ar fcc 5x5x5, a = 5.72 A, displaced (LJ cross-check)", lattice, [tuple(map(float, p)) for p in pos],
      [1] * len(pos), [39.948])

lattice = np.array([[22.8, 0.0, 0.0], [4.0, 22.0, 0.0], [-3.0, 2.5, 23.2]])
frac = fcc_fractional(4)
pos = frac @ lattice + rng.normal(0, 0.2, (len(frac), 3))
pos = wrapped(pos @ np.linalg.inv(lattice), lattice)
types = [2 if u < 0.3 else 1 for u in rng.random(len(pos))]
write("arkr_triclinic256.data", "Ar/Kr fcc 4x4x4 in a triclinic box (LJ cross-check)", lattice, [tuple(map(float, p)) for p in pos],
      types, [39.948, 83.798])


# Each later file is drawn from the random state right after the two files above (as when it was first made),
# so adding a file never changes another's numbers.
after_first_two = rng.bit_generator.state

masses = np.array([39.948, 83.798])[np.array(types) - 1]
sigma = np.sqrt(8.617333262e-5 * 300.0 / masses / 1.0364269e-4)  # Å/ps: sqrt(kT/m), metal units' mvv2e
vel = rng.normal(0, 1, (len(pos), 3)) * sigma[:, None]
write("arkr_triclinic256_moving.data", "Ar/Kr fcc 4x4x4 in a triclinic box, 300 K velocities (pressure tensor cross-check)", lattice,
      [tuple(map(float, p)) for p in pos], types, [39.948, 83.798], [tuple(map(float, v)) for v in vel])

rng.bit_generator.state = after_first_two

KB_EV = 8.617333262e-5            # Boltzmann constant, eV/K
MVV2E_METAL = 1.0364269e-4        # LAMMPS metal: amu Å²/ps² in eV


def thermal_velocities(masses_amu, temperature_k):
    """Maxwell-Boltzmann velocities in Å/ps, net momentum removed."""
    m = np.asarray(masses_amu, dtype=float)[:, None]
    v = rng.normal(0, 1, (len(m), 3)) * np.sqrt(KB_EV * temperature_k / (m * MVV2E_METAL))
    return v - (m * v).sum(axis=0) / m.sum()


lattice = np.diag([2 * a] * 3)
frac = fcc_fractional(2)
pos = wrapped((frac @ lattice + rng.normal(0, 0.15, (len(frac), 3))) @ np.linalg.inv(lattice), lattice)
vel = thermal_velocities([39.948] * len(pos), 60.0)
write("argon_fcc32_nve.data", "Ar fcc 2x2x2 cube (11.44 A) narrower than twice the cutoff, 60 K velocities (NVE cross-check)", lattice,
      [tuple(map(float, p)) for p in pos], [1] * len(pos), [39.948], vel)

lattice = np.array([[12.4, 0.0, 0.0], [5.8, 11.8, 0.0], [-5.2, 4.8, 11.6]])
frac = fcc_fractional(2)
pos = wrapped((frac @ lattice + rng.normal(0, 0.15, (len(frac), 3))) @ np.linalg.inv(lattice), lattice)
types = [2 if u < 0.3 else 1 for u in rng.random(len(pos))]
vel = thermal_velocities([[39.948, 83.798][t - 1] for t in types], 60.0)
write("arkr_skewed32_nve.data", "Ar/Kr fcc 2x2x2 in a skewed triclinic cell with short perpendicular widths, 60 K velocities (NVE cross-check)",
      lattice, [tuple(map(float, p)) for p in pos], types, [39.948, 83.798], vel)
print("wrote argon_fcc500.data, arkr_triclinic256.data, arkr_triclinic256_moving.data, argon_fcc32_nve.data, arkr_skewed32_nve.data")
