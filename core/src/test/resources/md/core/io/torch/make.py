# Writes the fixtures of TorchStateDictTest with PyTorch itself (Debian python3-torch 1.13):
#   state_dict.pth  torch.save of an OrderedDict of tensors (float64, float32 views with an offset and
#                   strides, int64, bool, empty and 0-d tensors, with the _metadata attribute state_dict() has)
#   expected.npz    the same tensors as float64 arrays, written by NumPy
#   not_tensors.pth torch.save of a dict holding a collections.Counter (must be refused, naming it)
# Run: cd core/src/test/resources/md/core/io/torch && /usr/bin/python3 make.py
import collections
import numpy as np
import torch

g = torch.Generator().manual_seed(5)
big = torch.randn(5, 4, dtype=torch.float64, generator=g)
sd = collections.OrderedDict()
sd["layer.weight"] = torch.randn(2, 3, dtype=torch.float64, generator=g)
sd["layer.bias"] = torch.randn(7, dtype=torch.float32, generator=g)[2:6]        # offset 2
sd["transposed"] = big.t()                                                        # strides (1, 4)
sd["every_other"] = big[1:, ::2]                                                  # offset 4, strides (4, 2)
sd["counts"] = torch.tensor([3, -2, 1 << 40], dtype=torch.int64)
sd["mask"] = torch.tensor([True, False, True])
sd["_empty"] = torch.zeros(0)
sd["scale"] = torch.tensor(1.25, dtype=torch.float64)                             # 0-d
sd._metadata = collections.OrderedDict({"": {"version": 1}, "layer": {"version": 1}})
torch.save(sd, "state_dict.pth")
np.savez("expected.npz", **{k: np.ascontiguousarray(v.detach().double().numpy()) for k, v in sd.items()})
torch.save({"weights": torch.ones(2), "counter": collections.Counter("aab")}, "not_tensors.pth")
