"""Independent reference for `md analyze` on a trajectory whose cell changes (NPT), from the extended XYZ
file read with ASE (not md's reader): per-frame cell volumes, the total g(r) as ASE's own get_rdf computes it
frame by frame (each frame normalised with its own volume) and averaged, and the MSD / diffusion coefficient
with NumPy from the folded positions, unwrapped the "toroidal-view-preserving" way (von Bulow, Bullerjahn and
Hummer, J. Chem. Phys. 153, 021101 (2020)): displacement = minimum image of w(t+1) - w(t) in the cell of t+1.

usage: npt_reference.py TRAJECTORY.extxyz RMAX NBINS MAX_LAG_FRAMES FIT_START_PS FIT_END_PS
prints one JSON object.
"""
import json
import sys

import numpy as np
from ase.io import read
from ase.ga.utilities import get_rdf

path, rmax, nbins, max_lag = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fit_start, fit_end = float(sys.argv[5]), float(sys.argv[6])
frames = read(path, index=':')
F, N = len(frames), len(frames[0])
vol = np.array([a.get_volume() for a in frames])

# g(r): ASE's get_rdf per frame (bins (k dr, (k+1) dr], exact shell volumes, N^2/V_f normalisation), averaged
g = np.mean([get_rdf(a, rmax, nbins, no_dists=True) for a in frames], axis=0)

# MSD: fold every frame into its own cell, add up minimum-image displacements in the later frame's cell
h = np.array([a.cell[:] for a in frames])
x = np.array([a.positions for a in frames])
s = np.einsum('fnj,fjk->fnk', x, np.linalg.inv(h))
w = np.einsum('fnj,fjk->fnk', s - np.floor(s), h)
u = np.empty_like(w)
u[0] = x[0] + frames[0].arrays['images'] @ h[0]
for t in range(1, F):
    d = (w[t] - w[t - 1]) @ np.linalg.inv(h[t])
    u[t] = u[t - 1] + (d - np.round(d)) @ h[t]
# the image counts' way, w + n h(t): an atom n cells away also moves by n times each change of the cell
naive = x + np.einsum('fnj,fjk->fnk', np.array([a.arrays['images'] for a in frames]), h)

def diffusion(pos):
    m = frames[0].get_masses()
    c = pos - (np.einsum('n,fnk->fk', m, pos) / m.sum())[:, None, :]
    t = np.array([a.info['time_fs'] for a in frames]) / 1000.0
    dt = np.median(np.diff(t))
    msd = np.zeros(max_lag + 1)
    for k in range(1, max_lag + 1):
        msd[k] = np.mean(np.sum((c[k:] - c[:-k]) ** 2, axis=2))
    lag = np.arange(max_lag + 1) * dt
    sel = (lag >= fit_start - 1e-9) & (lag <= fit_end + 1e-9)
    return np.polyfit(lag[sel], msd[sel], 1)[0] / 6, msd

D, msd = diffusion(u)
D_naive, _ = diffusion(naive)
print(json.dumps({"frames": F, "volume_mean": vol.mean(), "volume_std": vol.std(ddof=1), "volume_min": vol.min(),
                  "volume_max": vol.max(), "rdf": g.tolist(), "D": D, "msd": msd.tolist(), "D_image_counts": D_naive,
                  "max_displacement_per_frame": float(np.abs(np.diff(u, axis=0)).max())}))
