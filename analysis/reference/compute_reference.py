#!/usr/bin/env python3
"""Independent NumPy reference values for the analysis module's tests.

Written from the definitions in Fu et al., "Forces are not enough" (TMLR 2023) and their observable
notebook (kyonofx/MDsim, observable.ipynb), not from the Java code: h(r) is np.histogram over the full
distance matrix (self-distances included, as torch.cdist gives them), bonds come from an all-pairs
covalent-radius test, periodic distances from a brute-force search over 5x5x5 images.

Run from the repository root (needs only python3 + numpy and ../shared/data):
    python3 analysis/reference/compute_reference.py
It rewrites analysis/src/test/resources/reference/*.csv and the synthetic trajectory it uses
(synthetic_periodic.npz); commit the output together with any change of this script.
"""
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("MD_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "analysis", "src", "test", "resources", "reference")

# ASE covalent_radii (Cordero et al. 2008) for the elements used here, Å; natural_cutoffs = these radii.
COVALENT_RADIUS = {1: 0.31, 6: 0.76, 7: 0.71, 8: 0.66}
MASS = {1: 1.008, 6: 12.011, 7: 14.007, 8: 15.999}   # ASE atomic_masses (IUPAC 2016)
SKIN = 0.3                                            # ase.neighborlist.NeighborList default skin

scalars = []


def scalar(name, value):
    scalars.append((name, value))
    print(f"{name} = {value}")


def write_csv(name, header, columns):
    data = np.column_stack(columns)
    np.savetxt(os.path.join(OUT, name), data, delimiter=",", header=",".join(header), comments="", fmt="%.17g")


# ---------------------------------------------------------------- h(r), as get_hr in the notebook
HR_BINS = np.linspace(1e-6, 10.0, 501)


def h_of_r(traj):
    """traj: T x N x 3. Full distance matrix per frame, flattened, density histogram."""
    diff = traj[:, :, None, :] - traj[:, None, :, :]
    pdist = np.sqrt((diff ** 2).sum(-1)).ravel()
    hist, _ = np.histogram(pdist, HR_BINS, density=True)
    return hist


def benchmark_mae(x, y, xlim):
    return np.abs(x - y).mean() * xlim


# ---------------------------------------------------------------- bonds, as NeighborList(natural_cutoffs)
def bonds_of(pos, z):
    n = len(z)
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            d = np.linalg.norm(pos[j] - pos[i])
            if d < (COVALENT_RADIUS[z[i]] + SKIN) + (COVALENT_RADIUS[z[j]] + SKIN):
                out.append((i, j))
    return np.array(out)


def bond_lengths(traj, bonds):
    return np.linalg.norm(traj[:, bonds[:, 1]] - traj[:, bonds[:, 0]], axis=-1)


def angle_distribution(traj, bonds, n_atoms, bins=180):
    nb = [[] for _ in range(n_atoms)]
    for i, j in bonds:
        nb[i].append(j)
        nb[j].append(i)
    angles = []
    for j in range(n_atoms):
        for p in range(len(nb[j])):
            for q in range(p + 1, len(nb[j])):
                u = traj[:, nb[j][p]] - traj[:, j]
                v = traj[:, nb[j][q]] - traj[:, j]
                c = (u * v).sum(-1) / np.linalg.norm(u, axis=-1) / np.linalg.norm(v, axis=-1)
                angles.append(np.degrees(np.arccos(np.clip(c, -1, 1))))
    hist, _ = np.histogram(np.concatenate(angles), np.linspace(0, 180, bins + 1), density=True)
    return hist


def ethanol():
    path = os.path.join(DATA, "md17", "md17_ethanol_first2000_consecutive.npz")
    d = np.load(path)
    traj, z = d["R"].astype(np.float64), d["z"].astype(int)
    T = len(traj)
    h_all = h_of_r(traj)
    h_a, h_b = h_of_r(traj[: T // 2]), h_of_r(traj[T // 2:])
    centres = 0.5 * (HR_BINS[1:] + HR_BINS[:-1])
    write_csv("hr_md17_ethanol.csv", ["r_centre", "h_all", "h_first_half", "h_second_half"], [centres, h_all, h_a, h_b])
    scalar("md17_ethanol_hr_mae_halves", benchmark_mae(h_a, h_b, 10.0))

    bonds = bonds_of(traj[0], z)
    mean_len = bond_lengths(traj, bonds).mean(0)
    write_csv("bonds_md17_ethanol.csv", ["i", "j", "mean_length"], [bonds[:, 0], bonds[:, 1], mean_len])

    # A deliberately broken run: the first 400 frames, with the O atom and its hydroxyl H pulled 0.6 Å
    # further along the C-O bond from frame 250 on. The C-O bond then deviates by about 0.6 Å
    # (threshold 0.5 Å); all other bonds keep their lengths.
    broken = traj[:400].copy()
    o_idx = int(np.nonzero(z == 8)[0][0])
    partners = [j for (i, j) in bonds if i == o_idx] + [i for (i, j) in bonds if j == o_idx]
    oh = [a for a in partners if z[a] == 1]
    co = [a for a in partners if z[a] == 6]
    assert len(oh) == 1 and len(co) == 1, (z, bonds)
    c_idx = co[0]
    for f in range(250, 400):
        u = broken[f, o_idx] - broken[f, c_idx]
        shift = 0.6 * u / np.linalg.norm(u)
        broken[f, o_idx] += shift
        broken[f, oh[0]] += shift
    max_dev = np.abs(bond_lengths(broken, bonds) - mean_len).max(1)
    collapse = int(np.argmax(max_dev > 0.5)) if (max_dev > 0.5).any() else -1
    write_csv("broken_md17_ethanol.csv", ["frame", "max_deviation"], [np.arange(len(max_dev)), max_dev])
    scalar("md17_ethanol_broken_collapse_frame", collapse)
    scalar("md17_ethanol_broken_oxygen", o_idx)
    scalar("md17_ethanol_broken_carbon", c_idx)
    scalar("md17_ethanol_broken_hydroxyl_h", oh[0])
    # h(r) of the broken run up to and including the collapse frame, against the full reference.
    h_run = h_of_r(broken[: collapse + 1])
    scalar("md17_ethanol_broken_hr_mae", benchmark_mae(h_run, h_all, 10.0))

    adf = angle_distribution(traj, bonds, len(z))
    write_csv("adf_md17_ethanol.csv", ["theta_centre", "adf"], [np.arange(180) + 0.5, adf])

    # rMD17 ethanol: frames are random samples of a long trajectory; the two halves of split 01 are
    # its train (1000 frames) and test (1000 frames) sets, disjoint.
    train = np.load(os.path.join(DATA, "rmd17", "rmd17_ethanol_train_01.npz"))["coords"].astype(np.float64)
    test = np.load(os.path.join(DATA, "rmd17", "rmd17_ethanol_test_01.npz"))["coords"].astype(np.float64)
    scalar("rmd17_ethanol_split01_hr_mae_train_vs_test", benchmark_mae(h_of_r(train), h_of_r(test), 10.0))


# ---------------------------------------------------------------- periodic RDF and MSD (synthetic)
def synthetic():
    """A two-species random walk in a periodic cell, saved unwrapped (frames every 0.1 ps)."""
    rng = np.random.default_rng(20230917)
    n_o, n_h, frames = 14, 26, 60
    z = np.array([8] * n_o + [1] * n_h)
    rng.shuffle(z)
    cell = np.array([[9.0, 0.0, 0.0], [2.0, 10.0, 0.0], [1.5, -2.0, 11.0]])
    start = rng.random((len(z), 3)) @ cell
    steps = rng.normal(0.0, 0.3, (frames - 1, len(z), 3))
    steps[:, z == 8] *= 0.5
    unwrapped = np.concatenate([start[None], start[None] + np.cumsum(steps, axis=0)])
    np.savez(os.path.join(OUT, "synthetic_periodic.npz"), R=unwrapped, z=z, cell=cell)
    return unwrapped, z, cell


def wrap(pos, cell):
    frac = pos @ np.linalg.inv(cell)
    return (frac % 1.0) @ cell


def min_image_distances(x, cell, i_idx, j_idx):
    """Brute force: positions wrapped into the cell, then the nearest of the 5x5x5 images."""
    d = x[j_idx][None, :, :] - x[i_idx][:, None, :]          # ni x nj x 3
    shifts = np.array([[a, b, c] for a in range(-2, 3) for b in range(-2, 3) for c in range(-2, 3)]) @ cell
    best = np.full(d.shape[:2], np.inf)
    for s in shifts:
        best = np.minimum(best, np.linalg.norm(d + s, axis=-1))
    return best


def rdf(traj, z, cell, a, b, bins):
    """g_ab as get_water_rdfs: ordered pairs of the two index sets, zeros dropped, rho = F n_a n_b / V."""
    ia = np.nonzero(z == a)[0] if a else np.arange(len(z))
    ib = np.nonzero(z == b)[0] if b else np.arange(len(z))
    dist = np.concatenate([min_image_distances(x, cell, ia, ib).ravel() for x in traj])
    shape = dist.shape[0]
    dist = dist[dist != 0]
    hist, _ = np.histogram(dist, bins)
    rho = shape / abs(np.linalg.det(cell))
    return hist / (rho * 4 / 3 * np.pi * (bins[1:] ** 3 - bins[:-1] ** 3))


def msd(unwrapped, z, max_lag):
    m = np.array([MASS[x] for x in z])
    com = (unwrapped * m[None, :, None]).sum(1) / m.sum()
    u = unwrapped - com[:, None, :]
    out = {}
    for key, sel in (("all", np.ones(len(z), bool)), ("H", z == 1), ("O", z == 8)):
        vals = [0.0]
        for k in range(1, max_lag + 1):
            vals.append(((u[k:, sel] - u[:-k, sel]) ** 2).sum(-1).mean())
        out[key] = np.array(vals)
    return out


def periodic():
    unwrapped, z, tric = synthetic()
    ortho = np.diag([9.0, 10.0, 11.0])
    columns, header = [], []
    for name, cell, rmax in (("orth", ortho, 4.5), ("tric", tric, 4.0), ("tric_far", tric, 6.0)):
        bins = np.linspace(1e-6, rmax, 101)
        traj = np.array([wrap(x, cell) for x in unwrapped])
        for key, (a, b) in (("all", (None, None)), ("H-H", (1, 1)), ("H-O", (1, 8)), ("O-O", (8, 8))):
            g = rdf(traj, z, cell, a, b, bins)
            header.append(f"{name}_{key}")
            columns.append(g)
    write_csv("rdf_synthetic.csv", header, columns)
    dt, max_lag = 0.1, 30
    m = msd(unwrapped, z, max_lag)
    lag = np.arange(max_lag + 1) * dt
    write_csv("msd_synthetic.csv", ["lag_ps", "all", "H", "O"], [lag, m["all"], m["H"], m["O"]])
    fit = (lag >= 0.5 - 1e-9) & (lag <= 3.0 + 1e-9)   # both window ends included
    for key in ("all", "H", "O"):
        slope, _ = np.polyfit(lag[fit], m[key][fit], 1)
        scalar(f"synthetic_D_{key}_A2_per_ps", slope / 6)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    if not os.path.isdir(DATA):
        sys.exit(f"shared data not found at {DATA}; set MD_SHARED_DATA")
    ethanol()
    periodic()
    with open(os.path.join(OUT, "scalars.csv"), "w") as f:
        f.write("name,value\n")
        for k, v in scalars:
            f.write(f"{k},{float(v)!r}\n")
