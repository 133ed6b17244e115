"""A minimal stand-in for the few DGL pieces that se3-transformer-public's `equivariant_attention`
imports, so that its modules can run unmodified where DGL cannot be installed (as for the fixture
shared/data/se3t-reference/ethanol-basic, whose README describes the same stand-in).

It replaces DGL's graph plumbing ONLY: an explicit edge list (src -> dst), node/edge feature dicts,
`local_scope`, `apply_edges` (user functions and the builtin `e_dot_v`), `update_all` (user message
function + builtin `sum`/`mean` reducer) and `edge_softmax` per destination node. All model math
(kernels, attention, norms) stays in the public code. Reductions are `index_add` into the receiver;
nodes without incoming edges get 0 (DGL's convention for sum and mean).

Real DGL (>= 0.5) does the same operations with its C++ sparse kernels (gSDDMM for e_dot_v, gSpMM
copy_e_sum/mean for update_all, a custom autograd function for edge_softmax); se3t_speed.py says
what this may change in a timing. `install()` registers the modules `dgl`, `dgl.function`,
`dgl.nn.pytorch.softmax` and `dgl.nn.pytorch.glob` in sys.modules.
"""
import contextlib
import sys
import types
import warnings

import torch

warnings.filterwarnings("ignore", message="scatter_reduce.. is in beta")

__version__ = "0.5.3"  # the public code tests `dgl.__version__ > 0.4.4` to pick the DGL >= 0.5 shapes


class _Gathered(dict):
    """edges.src / edges.dst: node features gathered per edge on first access (DGL's frames are lazy too)."""

    def __init__(self, ndata, index):
        super().__init__()
        self._ndata, self._index = ndata, index

    def __missing__(self, key):
        value = self._ndata[key][self._index]
        self[key] = value
        return value


class EdgeBatch:
    def __init__(self, g):
        self.src = _Gathered(g.ndata, g.src)
        self.dst = _Gathered(g.ndata, g.dst)
        self.data = g.edata


class Graph:
    """A directed graph with an explicit edge list; features in `ndata` / `edata`."""

    def __init__(self, src, dst, num_nodes):
        self.src = torch.as_tensor(src, dtype=torch.long)
        self.dst = torch.as_tensor(dst, dtype=torch.long)
        self._num_nodes = int(num_nodes)
        self.ndata, self.edata = {}, {}
        self._in_degrees = torch.bincount(self.dst, minlength=self._num_nodes)

    def num_nodes(self):
        return self._num_nodes

    def num_edges(self):
        return int(self.src.shape[0])

    def in_degrees(self):
        return self._in_degrees

    @contextlib.contextmanager
    def local_scope(self):
        """Features set inside the scope are dropped at its end; existing ones stay visible."""
        ndata, edata = self.ndata, self.edata
        self.ndata, self.edata = dict(ndata), dict(edata)
        try:
            yield
        finally:
            self.ndata, self.edata = ndata, edata

    def apply_edges(self, func):
        out = func(self) if isinstance(func, _BuiltinEdgeFn) else func(EdgeBatch(self))
        self.edata.update(out)

    def update_all(self, message_func, reduce_func):
        if not isinstance(reduce_func, _Reducer):
            raise NotImplementedError("stand-in: only builtin sum/mean reducers")
        msg = message_func(EdgeBatch(self))[reduce_func.msg]
        out = torch.zeros((self._num_nodes,) + tuple(msg.shape[1:]), dtype=msg.dtype, device=msg.device)
        out = out.index_add(0, self.dst, msg)
        if reduce_func.op == "mean":
            deg = self._in_degrees.clamp(min=1).to(msg.dtype).view((-1,) + (1,) * (msg.dim() - 1))
            out = out / deg
        self.ndata[reduce_func.out] = out


class _Reducer:
    def __init__(self, op, msg, out):
        self.op, self.msg, self.out = op, msg, out


class _BuiltinEdgeFn:
    pass


class _EDotV(_BuiltinEdgeFn):
    def __init__(self, lhs, rhs, out):
        self.lhs, self.rhs, self.out = lhs, rhs, out

    def __call__(self, g):
        # DGL >= 0.5 keeps the reduced axis: (E, H, C) . (N, H, C)[dst] -> (E, H, 1)
        return {self.out: (g.edata[self.lhs] * g.ndata[self.rhs][g.dst]).sum(-1, keepdim=True)}


def _sum(msg, out):
    return _Reducer("sum", msg, out)


def _mean(msg, out):
    return _Reducer("mean", msg, out)


def _e_dot_v(lhs, rhs, out):
    return _EDotV(lhs, rhs, out)


def edge_softmax(g, logits):
    """Softmax of the logits over each destination node's incoming edges (per trailing index).

    The node's maximum logit is subtracted as a constant (DGL's EdgeSoftmax does the same)."""
    idx = g.dst.view((-1,) + (1,) * (logits.dim() - 1)).expand_as(logits)
    shape = (g.num_nodes(),) + tuple(logits.shape[1:])
    with torch.no_grad():
        node_max = torch.full(shape, -float("inf"), dtype=logits.dtype).scatter_reduce(0, idx, logits, reduce="amax")
    ex = torch.exp(logits - node_max[g.dst])
    node_sum = torch.zeros(shape, dtype=logits.dtype).index_add(0, g.dst, ex)
    return ex / node_sum[g.dst]


class _Pooling(torch.nn.Module):
    """Readout over all nodes of one (unbatched) graph; imported by the public modules, unused here."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def forward(self, g, feat):
        return feat.mean(0, keepdim=True) if self.op == "mean" else feat.max(0, keepdim=True)[0]


def install():
    """Register this stand-in as `dgl` (and the submodules the public code imports)."""
    if "dgl" in sys.modules and getattr(sys.modules["dgl"], "_md_standin", False):
        return sys.modules["dgl"]
    dgl = types.ModuleType("dgl")
    dgl._md_standin = True
    dgl.__version__ = __version__
    dgl.DGLGraph = Graph
    dgl.graph = lambda edges, num_nodes=None: Graph(edges[0], edges[1], num_nodes)
    function = types.ModuleType("dgl.function")
    function.sum, function.mean, function.e_dot_v = _sum, _mean, _e_dot_v
    nn = types.ModuleType("dgl.nn")
    nn_pt = types.ModuleType("dgl.nn.pytorch")
    softmax = types.ModuleType("dgl.nn.pytorch.softmax")
    softmax.edge_softmax = edge_softmax
    glob = types.ModuleType("dgl.nn.pytorch.glob")
    glob.AvgPooling = lambda: _Pooling("mean")
    glob.MaxPooling = lambda: _Pooling("max")
    nn_pt.softmax, nn_pt.glob, nn_pt.edge_softmax = softmax, glob, edge_softmax
    dgl.function, dgl.nn, nn.pytorch = function, nn, nn_pt
    for name, mod in {"dgl": dgl, "dgl.function": function, "dgl.nn": nn, "dgl.nn.pytorch": nn_pt,
                      "dgl.nn.pytorch.softmax": softmax, "dgl.nn.pytorch.glob": glob}.items():
        sys.modules[name] = mod
    return dgl
