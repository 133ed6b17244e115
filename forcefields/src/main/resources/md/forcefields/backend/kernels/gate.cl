/* e3nn's Gate: scalars -> act(scalars); gated block k -> V_k * act(gate_k), per channel.
   Segment table, SEG_FIELDS ints per segment (a scalar block or a gated block with its gates):
   kind (0 scalar, 1 gated), d (components of the output), mul, activation,
   gate/scalar source: block offset, block channels, channel offset;
   gated source: block offset, block channels, channel offset (unused for scalars); output block offset.
   chan_seg maps a flat channel index (over all segments) to its segment; seg_chan0 is its first. */
#define SEG_FIELDS 11

DEVFN int gate_index(int rows, int off, int bmul, int ch, int d, int r, int c, int u) {
    return rows * off + (r * d + c) * bmul + ch + u;
}

__kernel void gate_forward(const int rows, const int nchan, __global const int* restrict segs,
                           __global const real* restrict norms, __global const int* restrict chan_seg,
                           __global const int* restrict seg_chan0,
                           __global const real* restrict x, __global real* restrict out) {
    int gid = get_global_id(0);
    if (gid >= rows * nchan) return;
    int r = gid / nchan, t = gid - r * nchan, s = chan_seg[t];
    __global const int* S = segs + SEG_FIELDS * s;
    int d = S[1], mul = S[2], u = t - seg_chan0[s];
    real g = act_value(S[3], norms[s], x[gate_index(rows, S[4], S[5], S[6], 1, r, 0, u)]);
    if (S[0] == 0) { out[gate_index(rows, S[10], mul, 0, 1, r, 0, u)] = g; return; }
    for (int c = 0; c < d; c++)
        out[gate_index(rows, S[10], mul, 0, d, r, c, u)] = x[gate_index(rows, S[7], S[8], S[9], d, r, c, u)] * g;
}

/* dx from dOut (overwrites every input entry). */
__kernel void gate_backward(const int rows, const int nchan, __global const int* restrict segs,
                            __global const real* restrict norms, __global const int* restrict chan_seg,
                            __global const int* restrict seg_chan0,
                            __global const real* restrict x, __global const real* restrict d_out,
                            __global real* restrict dx) {
    int gid = get_global_id(0);
    if (gid >= rows * nchan) return;
    int r = gid / nchan, t = gid - r * nchan, s = chan_seg[t];
    __global const int* S = segs + SEG_FIELDS * s;
    int d = S[1], mul = S[2], u = t - seg_chan0[s];
    int gi = gate_index(rows, S[4], S[5], S[6], 1, r, 0, u);
    real xg = x[gi];
    if (S[0] == 0) { dx[gi] = d_out[gate_index(rows, S[10], mul, 0, 1, r, 0, u)] * act_derivative(S[3], norms[s], xg); return; }
    real g = act_value(S[3], norms[s], xg), dg = 0;
    for (int c = 0; c < d; c++) {
        int vi = gate_index(rows, S[7], S[8], S[9], d, r, c, u);
        real o = d_out[gate_index(rows, S[10], mul, 0, d, r, c, u)];
        dx[vi] = o * g;
        dg += o * x[vi];
    }
    dx[gi] = dg * act_derivative(S[3], norms[s], xg);
}
