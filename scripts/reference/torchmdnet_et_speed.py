"""Times TorchMD-Net's own Equivariant Transformer (energy + forces, one call as in MD) on rMD17 aspirin
frame 0, for the side-by-side benchmark in docs/benchmarks.md. Run with the Debian PyTorch and a
torchmd-net source tree (nothing of it enters this repository):

    TMDNET=/path/to/torchmd-net-2.4.10 /usr/bin/python3 scripts/reference/torchmdnet_et_speed.py \
        --data ../shared/data [--threads 1] [--channels 128 --layers 6 --rbf 32 --heads 8 --cutoff 5]

The torchmd-net tree needs its CPU extension built (see docs/benchmarks.md) and the one-function
`lightning_utilities.core.rank_zero.rank_zero_warn` it imports, provided here by a shim if missing.
Prints one line: median and minimum ms per call over --steps calls after --warmup calls.
"""
import argparse
import os
import sys
import tempfile
import time
import types
import warnings

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--channels", type=int, default=128)
p.add_argument("--layers", type=int, default=6)
p.add_argument("--rbf", type=int, default=32)
p.add_argument("--heads", type=int, default=8)
p.add_argument("--cutoff", type=float, default=5.0)
p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
p.add_argument("--steps", type=int, default=40)
p.add_argument("--warmup", type=int, default=20)
args = p.parse_args()

try:
    import lightning_utilities.core.rank_zero  # noqa: F401
except ImportError:  # torchmd-net imports only this warning helper from lightning_utilities
    shim = types.ModuleType("lightning_utilities.core.rank_zero")
    shim.rank_zero_warn = lambda *a, **k: warnings.warn(*a)
    for name in ("lightning_utilities", "lightning_utilities.core"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["lightning_utilities.core.rank_zero"] = shim

sys.path.insert(0, os.environ["TMDNET"])
import torch  # noqa: E402
from torchmdnet.models.model import create_model  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(0)
dtype = getattr(torch, args.dtype)
hp = dict(
    model="equivariant-transformer", embedding_dimension=args.channels, num_layers=args.layers,
    num_rbf=args.rbf, rbf_type="expnorm", trainable_rbf=True, activation="silu", attn_activation="silu",
    neighbor_embedding=True, num_heads=args.heads, distance_influence="both", cutoff_lower=0.0,
    cutoff_upper=args.cutoff, max_z=100, max_num_neighbors=64, derivative=True, output_model="Scalar",
    reduce_op="add", prior_model=None, atom_filter=-1, precision=32 if args.dtype == "float32" else 64,
    equivariance_invariance_group="O(3)", box_vecs=None, check_errors=True, static_shapes=False,
    vector_cutoff=False,
)
model = create_model(hp).eval()

d = np.load(os.path.join(args.data, "rmd17", "rmd17_aspirin_train_01.npz"))
z = torch.tensor(d["nuclear_charges"], dtype=torch.long)
pos = torch.tensor(d["coords"][0], dtype=dtype)
batch = torch.zeros(len(z), dtype=torch.long)

times = []
for i in range(args.warmup + args.steps):
    t0 = time.perf_counter()
    energy, forces = model(z, pos, batch)
    t1 = time.perf_counter()
    if i >= args.warmup:
        times.append((t1 - t0) * 1e3)
params = sum(p.numel() for p in model.parameters())
print(f"torchmd-net ET {args.channels}ch {args.layers}L {args.rbf}rbf {args.heads}h r{args.cutoff} {args.dtype} "
      f"threads={args.threads} params={params} atoms={len(z)}: median {np.median(times):.2f} ms, "
      f"min {np.min(times):.2f} ms per energy+forces call ({args.steps} calls after {args.warmup})")
