#!/usr/bin/python3
"""Times the GeomAtt authors' own PyTorch code (github.com/thorben-frank/geomatt) per energy + forces call.

Usage: /usr/bin/python3 scripts/bench-geomatt-torch.py GEOMATT_SRC [--data DIR] [--atoms 50,100,200]
                                                       [--calls 30] [--warmup 20]

GEOMATT_SRC is a folder holding the authors' package `geomatt/` (e.g. from the mirror:
  git -C /work/.mirror/thorben-frank+geomatt/repo archive HEAD | tar -x -C /tmp/geomatt-src
then GEOMATT_SRC = /tmp/geomatt-src); it is put on sys.path, their code is not copied here.

What it measures, float64, torch.set_num_threads(1) (and OMP/OpenBLAS/MKL_NUM_THREADS=1), median wall-clock ms (also the\nminimum and the median process CPU ms) over --calls calls after --warmup:
  - "autograd": E = model.forward_energy(R); F = -torch.autograd.grad(E.sum(), R)   (one backward call)
  - "with_forces": their EnergyPredictor(with_forces=True) forward (energy, then forces through
    torch.autograd.functional.jacobian with create_graph=True, as their training does)
for the paper's MD17 architecture (streams of orders 2, 3, 4 with F = 128, 64, 32, three layers each,
F_v = 128, grid 0-5 A by 0.05 A, gamma 20 A^-2; random weights, seed 0) on rMD17 aspirin frame 0 (21
atoms) and on the synthetic clusters of `md bench model --atoms` (same generator: see synthetic_cluster).
First a sanity check: the fixture model shared/data/geomatt-reference/ethanol-k234 (its weights) must
reproduce the fixture's energy of frame 0 (model units).
"""
import argparse
import math
import os
import statistics
import sys
import time

# one thread in every math library, set before numpy/torch load them
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402


def synthetic_cluster(n, seed=12345):
    """The cluster `md bench model --atoms N` builds (md.engine.bench.SyntheticCluster, the same arithmetic):
    atoms placed one by one uniformly in a sphere holding 0.1 atoms per cubic angstrom, rejected when closer
    than 1 A to an earlier atom; species H (45 %), C (35 %), O (20 %); a 64-bit linear congruential
    generator (Knuth's MMIX constants), uniform doubles from its top 53 bits."""
    state = [(seed * 6364136223846793005 + 1442695040888963407) % 2**64]

    def uniform():
        state[0] = (state[0] * 6364136223846793005 + 1442695040888963407) % 2**64
        return (state[0] >> 11) * 2.0**-53

    radius = (3.0 * n / (4.0 * math.pi * 0.1)) ** (1.0 / 3.0)
    z, x = [], []
    while len(z) < n:
        p = [radius * (2 * uniform() - 1) for _ in range(3)]
        u = uniform()
        if p[0] * p[0] + p[1] * p[1] + p[2] * p[2] > radius * radius:
            continue
        if any((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2 < 1.0 for q in x):
            continue
        x.append(p)
        z.append(1 if u < 0.45 else 6 if u < 0.80 else 8)
    return np.array(z), np.array(x)


def build(streams_kw, F_v, atom_types, with_forces):
    from geomatt.network import EnergyPredictor, GeometricAttentionNetwork
    from geomatt.stream import Stream
    streams = [Stream(**kw) for kw in streams_kw]
    net = GeometricAttentionNetwork(streams, atom_types=None)
    return EnergyPredictor(net, F=F_v, atom_types=atom_types, linear=False, with_forces=with_forces)


def paper_streams():
    return [dict(order=k, N_L=3, F=f, F_v=128, d_min=0.0, d_max=5.0, interval=0.05, gamma=20.0, shared=False, bias=True)
            for k, f in ((2, 128), (3, 64), (4, 32))]


def median_ms(fn, calls, warmup):
    """Median and minimum wall-clock ms, and the median process CPU ms (robust to other jobs on the machine)."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(calls):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def sanity(torch, data):
    import yaml
    folder = os.path.join(data, "geomatt-reference", "ethanol-k234")
    with open(os.path.join(folder, "config.yaml")) as f:
        cfg = yaml.safe_load(f)
    kws = [{k: v for k, v in s.items() if k != "mode"} for s in cfg["streams"]]
    frames = np.load(os.path.join(folder, "frames.npz"))
    weights = np.load(os.path.join(folder, "weights.npz"))
    model = build(kws, cfg["EnergyPredictor"]["F"], np.array(cfg["EnergyPredictor"]["atom_types"]), False)
    state = {k: torch.tensor(weights[k]) for k in weights.files}
    model.load_state_dict(state, strict=True)
    n = len(frames["z"])
    r = torch.tensor(frames["R"][0].reshape(1, n, 3))
    e = model.forward_energy(r).item()
    ref = float(frames["E"][0])
    ok = abs(e - ref) <= 1e-12 * max(1.0, abs(ref))
    print(f"sanity: fixture ethanol-k234 frame 0 energy {e:.15g}, fixture {ref:.15g}, |diff| {abs(e - ref):.1e} -> {'ok' if ok else 'MISMATCH'}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", help="folder holding the authors' geomatt package")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"))
    ap.add_argument("--atoms", default="50,100,200", help="synthetic cluster sizes (comma-separated; empty: none)")
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--skip-with-forces-above", type=int, default=100,
                    help="skip their with_forces path for clusters larger than this (it is several times slower)")
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.source, "geomatt")):
        sys.exit(f"bench-geomatt-torch: {args.source} holds no geomatt/ package (give the authors' source folder)")
    sys.path.insert(0, os.path.abspath(args.source))
    try:
        import torch
    except ImportError:
        sys.exit("bench-geomatt-torch: needs torch (run with /usr/bin/python3)")
    torch.set_default_dtype(torch.float64)  # before construction: float64 grid and weights
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread, float64")
    aspirin_file = os.path.join(args.data, "rmd17", "rmd17_aspirin_test_01.npz")
    if not os.path.isfile(aspirin_file):
        sys.exit(f"bench-geomatt-torch: {aspirin_file} not found (give --data DIR)")
    if not sanity(torch, args.data):
        sys.exit(1)

    aspirin = np.load(aspirin_file)
    systems = [("aspirin", aspirin["nuclear_charges"], aspirin["coords"][0])]
    for s in filter(None, args.atoms.split(",")):
        z, x = synthetic_cluster(int(s))
        systems.append((f"cluster {int(s)}", z, x))

    print(f"paper-size model (orders 2,3,4; F 128/64/32; F_v 128; 3 layers); median (min) ms of {args.calls} calls after {args.warmup} warm-up")
    print(f"{'system':<14} {'N':>4} {'autograd ms':>12} {'(min)':>8} {'(cpu)':>8} {'with_forces ms':>15} {'(min)':>8} {'(cpu)':>8}")
    for name, z, x in systems:
        torch.manual_seed(0)
        model = build(paper_streams(), 128, np.asarray(z), True)
        if name == "aspirin":
            print(f"  parameters: {sum(p.numel() for p in model.parameters()):,}")
        r = torch.tensor(np.asarray(x, dtype=np.float64).reshape(1, len(z), 3))

        def autograd_call():
            rr = r.clone().requires_grad_(True)
            e = model.forward_energy(rr)
            f = -torch.autograd.grad(e.sum(), rr)[0]
            return e, f

        def with_forces_call():
            return model(r)

        # the two paths agree (same model)
        e1, f1 = autograd_call()
        e2, f2 = with_forces_call()
        assert abs(e1.item() - e2.item()) <= 1e-10 * max(1, abs(e1.item())) and torch.allclose(f1, f2, rtol=1e-9, atol=1e-12), "paths disagree"
        a_med, a_min, a_cpu = median_ms(autograd_call, args.calls, args.warmup)
        if len(z) <= args.skip_with_forces_above or name == "aspirin":
            w_med, w_min, w_cpu = median_ms(with_forces_call, args.calls, args.warmup)
            w = f"{w_med:15.2f} {w_min:8.2f} {w_cpu:8.2f}"
        else:
            w = f"{'skipped':>15} {'':>8} {'':>8}"
        print(f"{name:<14} {len(z):>4} {a_med:12.2f} {a_min:8.2f} {a_cpu:8.2f} {w}", flush=True)


if __name__ == "__main__":
    main()
