#!/usr/bin/env python3
"""Writes a cubic box of water molecules (extxyz) for md: n^3 molecules on a simple cubic lattice at a
given density, each a rigid SPC/Fw-geometry molecule (O-H 1.012 Å, H-O-H 113.24°) with a random
orientation. Needs NumPy. The lattice spacing at 1 g/cm³ is 3.1 Å, so molecules start apart
(nearest O-O 3.1 Å) and no H of one molecule comes within 1.2 Å of another's O.

    /usr/bin/python3 scripts/water_box.py --per-side 4 --seed 1 -o water64.extxyz
"""
import argparse
import numpy as np

AVOGADRO = 6.02214076e23
MASS_H2O_AMU = 2 * 1.008 + 15.999          # the masses md uses (IUPAC conventional)


def random_rotation(rng):
    """A uniformly random rotation matrix (from a random unit quaternion)."""
    q = rng.normal(size=4)
    a, b, c, d = q / np.linalg.norm(q)
    return np.array([[a*a + b*b - c*c - d*d, 2*(b*c - a*d), 2*(b*d + a*c)],
                     [2*(b*c + a*d), a*a - b*b + c*c - d*d, 2*(c*d - a*b)],
                     [2*(b*d - a*c), 2*(c*d + a*b), a*a - b*b - c*c + d*d]])


def build(per_side, density_g_cm3, seed, r_oh=1.012, angle_deg=113.24):
    n = per_side ** 3
    volume_a3 = n * MASS_H2O_AMU / AVOGADRO / density_g_cm3 * 1e24
    length = volume_a3 ** (1 / 3)
    spacing = length / per_side
    half = np.radians(angle_deg) / 2
    # molecule frame: O at the origin, H in the xz plane
    local = np.array([[0, 0, 0], [r_oh * np.sin(half), 0, r_oh * np.cos(half)], [-r_oh * np.sin(half), 0, r_oh * np.cos(half)]])
    rng = np.random.default_rng(seed)
    symbols, positions = [], []
    for i in range(per_side):
        for j in range(per_side):
            for k in range(per_side):
                centre = (np.array([i, j, k]) + 0.5) * spacing
                xyz = local @ random_rotation(rng).T + centre
                symbols += ["O", "H", "H"]
                positions += list(xyz)
    return symbols, np.array(positions), length


def write_extxyz(path, symbols, positions, length, comment):
    with open(path, "w") as f:
        f.write(f"{len(symbols)}\n")
        f.write(f'Lattice="{length:.10f} 0 0 0 {length:.10f} 0 0 0 {length:.10f}" Properties=species:S:1:pos:R:3 pbc="T T T" comment="{comment}"\n')
        for s, p in zip(symbols, positions):
            f.write(f"{s} {p[0]:.10f} {p[1]:.10f} {p[2]:.10f}\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-side", type=int, default=4, help="molecules per box edge (n^3 molecules; default 4 = 64)")
    ap.add_argument("--density", type=float, default=0.997, help="g/cm^3 (default 0.997, water at 298 K)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    symbols, positions, length = build(a.per_side, a.density, a.seed)
    write_extxyz(a.output, symbols, positions, length, f"{a.per_side ** 3} water molecules, {a.density} g/cm3, seed {a.seed}")
    print(f"wrote {a.output}: {a.per_side ** 3} molecules, cubic box {length:.4f} Å")
