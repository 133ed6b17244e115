"""Times the public SE(3)-Transformer code (FabianFuchsML/se3-transformer-public, `equivariant_attention`
modules, unmodified) as an interatomic potential: energy + conservative forces F = -dE/dx (forward +
autograd backward) per call, on rMD17 aspirin (21 atoms, fully connected graph, 420 edges), for the
side-by-side with `md bench model --family se3-transformer`. Nothing of the public code enters this
repository; run it with the Debian PyTorch and a source snapshot of the public code:

    SE3T=/tmp/se3t-public OMP_NUM_THREADS=1 /usr/bin/python3 scripts/reference/se3t_speed.py \
        --data ../shared/data [--preset basic|l1-dim32-depth4|l1-4x8-depth4] [--dtype float64,float32] \
        [--steps 20 --warmup 10 --frames 4 --threads 1] [--layers L --heads H --channels C --max-degree D]

What runs:
- DGL is replaced by scripts/reference/dgl_standin.py (graph plumbing only, index_add reductions), as for
  the fixture shared/data/se3t-reference/ethanol-basic; lie_learn is not needed: Q_J comes from the
  fixture's Q_J.npz (all l_in, l_out <= 2; a higher --max-degree falls back to the public code's own
  _basis_transformation_Q_J, which needs lie_learn). Q_J keeps the model's dtype (the public get_basis
  calls Q_J.float(), which breaks float64; in float32 this is exactly the public behaviour).
- The model is composed like the fixture (its config.yaml `blocks`): per layer GSE3Res(skip=None,
  edge_dim=0, n_heads=H, values/keys H*C channels per degree) + G1x1SE3 (+ GNormSE3 except after the last
  layer); hidden fiber C channels in degrees 0..D; the last layer outputs {0: 1, 1: 1}; E = sum of the
  type-0 outputs; get_basis_and_r(..., compute_gradients=True) so that autograd gives the full -dE/dx.
  This is md's se3-transformer family: md bench model --family se3-transformer num_layers=L n_heads=H
  num_channels=C max_degree=D is the same network (same parameter count with --species HCO).
- First (unless --no-verify) the fixture's basic model is loaded from weights.npz (float64) and its 12
  ethanol frames are checked against frames.npz (E, per-atom E, direct and conservative F); the script
  stops if anything is off by more than 1e-10 (float32, when timed: the same check at 1e-4, round-off only).

Presets: basic = the fixture's architecture and weights (3 layers, 4 heads x 4 channels, degree <= 2,
species one-hot H, C, N, O as in the fixture); l1-dim32-depth4 = the issue's "l=1, dim 32, depth 4" read
with the public code's flags (--num_degrees 2 --num_channels 32 --num_layers 4, --head 1) and random
weights, species H, C, O; l1-4x8-depth4 = 4 layers, 4 heads x 8 channels, degree <= 1 (the reading in
docs/se3-transformer.md), random weights, species H, C, O.

Fairness notes (measured with torch.profiler on the basic preset, float64): ~80% of a call is the public
PairwiseConv's dense kernel build, sum(R * basis, -1) over (edges, c_out, 2l_out+1, c_in, 2l_in+1, nJ),
and its backward; the stand-in's gathers, index_add reductions and edge softmax are ~1-2%. Real DGL
would run those few ops in C++ sparse kernels (gSDDMM/gSpMM, a fused edge_softmax backward) but with more
Python/dispatch overhead per call, so it should move the total by a few percent at most either way. The
public code computes the radial MLPs per directed edge (420 here); md computes them once per unordered
pair (210). The public get_basis/get_r register gradient-norm logging hooks (a .numpy() copy per backward);
they are part of the public code and kept. Graph construction (fixed edge list) is outside the timed call.

Prints one line per dtype: median and minimum ms per energy+forces call over --steps calls after
--warmup calls, cycling over the first --frames frames of rmd17_aspirin_test_01.npz.
"""
import argparse
import os
import sys
import time

p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
p.add_argument("--data", default="../shared/data", help="the shared data folder (rmd17/, se3t-reference/)")
p.add_argument("--preset", choices=["basic", "l1-dim32-depth4", "l1-4x8-depth4"], default="basic")
p.add_argument("--layers", type=int)
p.add_argument("--heads", type=int)
p.add_argument("--channels", type=int, help="hidden channels per degree (values/keys: heads x channels)")
p.add_argument("--max-degree", type=int)
p.add_argument("--species", choices=["HCO", "HCNO"], help="one-hot order; HCO = md bench's, HCNO = the fixture's")
p.add_argument("--weights", choices=["fixture", "random"], help="fixture = weights.npz (basic architecture only)")
p.add_argument("--dtype", default="float64,float32", help="comma-separated: float64, float32")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--warmup", type=int, default=10)
p.add_argument("--frames", type=int, default=4, help="aspirin frames cycled through (frame 0 first)")
p.add_argument("--no-verify", action="store_true", help="skip the fixture parity check")
args = p.parse_args()

PRESETS = {
    "basic": dict(layers=3, heads=4, channels=4, max_degree=2, species="HCNO", weights="fixture"),
    "l1-dim32-depth4": dict(layers=4, heads=1, channels=32, max_degree=1, species="HCO", weights="random"),
    "l1-4x8-depth4": dict(layers=4, heads=4, channels=8, max_degree=1, species="HCO", weights="random"),
}
cfg = dict(PRESETS[args.preset])
for k in cfg:
    if getattr(args, k) is not None:
        cfg[k] = getattr(args, k)
BASIC = PRESETS["basic"]
if cfg["weights"] == "fixture" and any(cfg[k] != BASIC[k] for k in ("layers", "heads", "channels", "max_degree", "species")):
    p.error("--weights fixture needs the basic architecture with --species HCNO")

if args.threads == 1:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dgl_standin  # noqa: E402

dgl_standin.install()
sys.path.insert(0, os.environ["SE3T"])
from equivariant_attention.fibers import Fiber  # noqa: E402
from equivariant_attention.from_se3cnn import utils_steerable  # noqa: E402
from equivariant_attention.modules import G1x1SE3, GNormSE3, GSE3Res, get_basis_and_r  # noqa: E402

torch.set_num_threads(args.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass

FIXTURE = os.path.join(args.data, "se3t-reference", "ethanol-basic")
ONEHOT = {"HCNO": [1, 6, 7, 8], "HCO": [1, 6, 8]}

# ---- Q_J from the fixture (replaces the lie_learn-based, disk-cached computation) --------------------
_QJ_TABLE = {k: torch.tensor(v) for k, v in np.load(os.path.join(FIXTURE, "Q_J.npz")).items()}
_public_Q_J = utils_steerable._basis_transformation_Q_J


class _QJ:
    """What get_basis receives: its `Q_J.float()` gives Q_J in the model's dtype (float64 stays float64)."""

    def __init__(self, q):
        self.q = q

    def float(self):
        return self.q.to(torch.get_default_dtype())


def _basis_transformation_Q_J(J, order_in, order_out, version=3):
    q = _QJ_TABLE.get(f"Q_J{J}_in{order_in}_out{order_out}")
    return _QJ(q if q is not None else _public_Q_J(J, order_in, order_out, version))  # the latter needs lie_learn


utils_steerable._basis_transformation_Q_J = _basis_transformation_Q_J


# ---- the potential, composed from the public modules as in the fixture ------------------------------
class Se3tPotential(torch.nn.Module):
    def __init__(self, n_species, layers, heads, channels, max_degree):
        super().__init__()
        self.max_degree = max_degree
        mid = Fiber(max_degree + 1, channels)
        fin, blocks = Fiber(1, n_species), []
        for i in range(layers):
            last = i == layers - 1
            fout = Fiber(dictionary={0: 1, 1: 1}) if last else mid
            res = GSE3Res(fin, fout, edge_dim=0, div=(1 if last else channels) / (heads * channels), n_heads=heads, skip=None)
            assert all(m == heads * channels for m in res.f_mid_out.multiplicities), res.f_mid_out.structure
            blocks += [res, G1x1SE3(res.f_mid_out, fout)]
            if not last:
                blocks.append(GNormSE3(mid, num_layers=0))
            fin = mid
        self.Gblock = torch.nn.ModuleList(blocks)

    def forward(self, G):
        basis, r = get_basis_and_r(G, self.max_degree, compute_gradients=True)
        h = {"0": G.ndata["f"]}
        for layer in self.Gblock:
            h = layer(h, G=G, r=r, basis=basis)
        return h


def make_graph(x, z, species, cutoff=float("inf")):
    """Receiver-major edge list (dst i ascending, then src j ascending, j != i, r < cutoff), one-hot input."""
    n = len(z)
    src, dst = [], []
    for i in range(n):
        for j in range(n):
            if j != i and np.linalg.norm(x[j] - x[i]) < cutoff:
                src.append(j)
                dst.append(i)
    G = dgl_standin.Graph(src, dst, n)
    onehot = torch.zeros(n, len(species), 1)
    for a, zi in enumerate(z):
        onehot[a, species.index(int(zi)), 0] = 1.0
    G.ndata["f"] = onehot
    return G


def energy_forces(model, G, x):
    """E, per-atom E, direct F (type-1 output) and conservative F = -dE/dx for positions x (N, 3)."""
    x = x.detach().requires_grad_(True)
    G.edata["d"] = x[G.src] - x[G.dst]  # sender minus receiver, as in the fixture
    out = model(G)
    E = out["0"].sum()
    (g,) = torch.autograd.grad(E, x)
    return E.detach(), out["0"][:, 0, 0].detach(), out["1"][:, 0, :].detach(), -g


def build(cfg, dtype):
    torch.set_default_dtype(dtype)
    torch.manual_seed(0)
    model = Se3tPotential(len(ONEHOT[cfg["species"]]), cfg["layers"], cfg["heads"], cfg["channels"], cfg["max_degree"])
    if cfg["weights"] == "fixture":
        w = np.load(os.path.join(FIXTURE, "weights.npz"))
        model.load_state_dict({k: torch.tensor(v) for k, v in w.items()}, strict=True)
    return model.eval()


def fixture_deviations(dtype):
    """Max |model - fixture| over the fixture's 12 frames of E, per-atom E, direct and conservative F."""
    model = build(BASIC, dtype)
    fr = np.load(os.path.join(FIXTURE, "frames.npz"))
    dev = dict(E=0.0, atomic_energy=0.0, F_direct=0.0, F_cons=0.0)
    for f in range(len(fr["E"])):
        x = torch.tensor(fr["R"][f], dtype=dtype)
        G = make_graph(fr["R"][f], fr["z"], ONEHOT["HCNO"], float(fr["graph_cutoff"][f]))
        assert G.num_edges() == int(fr["n_edges"][f])
        E, Ei, Fd, Fc = energy_forces(model, G, x)
        for key, val in (("E", E), ("atomic_energy", Ei), ("F_direct", Fd), ("F_cons", Fc)):
            dev[key] = max(dev[key], float(np.max(np.abs(val.double().numpy() - fr[key][f]))))
    return dev, sum(q.numel() for q in model.parameters()), len(fr["E"])


def verify():
    for name in ["float64"] + (["float32"] if "float32" in args.dtype else []):
        dev, params, n = fixture_deviations(getattr(torch, name))
        ok = all(v <= (1e-10 if name == "float64" else 1e-4) for v in dev.values()) and params == 174224
        print(f"fixture ethanol-basic, {n} frames, {name}, params={params}: max |dE| {dev['E']:.2e}, "
              f"|dE_i| {dev['atomic_energy']:.2e}, |dF_direct| {dev['F_direct']:.2e}, |dF_cons| {dev['F_cons']:.2e}: "
              f"{'OK' if ok else 'MISMATCH'} (tolerance {'1e-10' if name == 'float64' else '1e-4, float32 round-off'})", flush=True)
        if not ok:
            sys.exit(1)


if not args.no_verify:
    verify()

asp = np.load(os.path.join(args.data, "rmd17", "rmd17_aspirin_test_01.npz"))
z = asp["nuclear_charges"]
for name in args.dtype.split(","):
    dtype = getattr(torch, name.strip())
    model = build(cfg, dtype)
    G = make_graph(asp["coords"][0], z, ONEHOT[cfg["species"]])
    xs = [torch.tensor(asp["coords"][i], dtype=dtype) for i in range(args.frames)]
    times = []
    for i in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        E, _, _, F = energy_forces(model, G, xs[i % len(xs)])
        t1 = time.perf_counter()
        if i >= args.warmup:
            times.append((t1 - t0) * 1e3)
    params = sum(q.numel() for q in model.parameters())
    print(f"se3-transformer-public L{cfg['layers']} H{cfg['heads']}xC{cfg['channels']} lmax{cfg['max_degree']} "
          f"{cfg['species']} {cfg['weights']} weights {name.strip()} threads={torch.get_num_threads()} params={params} "
          f"atoms={len(z)} edges={G.num_edges()}: median {np.median(times):.1f} ms, min {np.min(times):.1f} ms "
          f"per energy+forces call ({args.steps} calls after {args.warmup}, {len(xs)} frames)", flush=True)
