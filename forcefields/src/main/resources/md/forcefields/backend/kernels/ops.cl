/* Kernels of the model layer's ops (md.forcefields.ml.ops), keyed on the host by op name
   (DeviceOpKernels). Values are row-major (rows x width); features are component-major inside an irrep
   block (offset + c*mul + u), as the ops' own Java kernels. Backward kernels ADD the vector-Jacobian
   product into the input gradient (the executor zeroes gradients once per call). Every kernel writes
   disjoint elements per work item: sums over a graph neighbourhood run over the edges of the centre
   atom (edges are sorted by centre, edge_start) or over the two edges of a pair, so no atomics are
   needed and results do not depend on scheduling. */

#define OP_ACT_SILU 0
#define OP_ACT_TANH 1
#define OP_ACT_SIGMOID 2
#define OP_ACT_RELU 3
#define OP_ACT_SSP 4

DEVFN real op_act_value(int kind, real x) {
    switch (kind) {
        case OP_ACT_SILU: return x / ((real) 1 + exp(-x));
        case OP_ACT_TANH: return tanh(x);
        case OP_ACT_SIGMOID: return (real) 1 / ((real) 1 + exp(-x));
        case OP_ACT_RELU: return x > 0 ? x : (real) 0;
        default: return fmax(x, (real) 0) + log1p(exp(-fabs(x))) - log((real) 2);
    }
}

DEVFN real op_act_derivative(int kind, real x) {
    switch (kind) {
        case OP_ACT_SILU: { real s = (real) 1 / ((real) 1 + exp(-x)); return s * ((real) 1 + x * ((real) 1 - s)); }
        case OP_ACT_TANH: { real t = tanh(x); return (real) 1 - t * t; }
        case OP_ACT_SIGMOID: { real s = (real) 1 / ((real) 1 + exp(-x)); return s * ((real) 1 - s); }
        case OP_ACT_RELU: return x > 0 ? (real) 1 : (real) 0;
        default: return (real) 1 / ((real) 1 + exp(-x));
    }
}

/* ---- elementwise ------------------------------------------------------------------------------- */

__kernel void op_add(const int n, __global const real* restrict a, __global const real* restrict b, __global real* restrict out) {
    int i = get_global_id(0);
    if (i < n) out[i] = a[i] + b[i];
}

/* g_a += c * g */
__kernel void op_axpy(const int n, const real c, __global const real* restrict g, __global real* restrict ga) {
    int i = get_global_id(0);
    if (i < n) ga[i] += c * g[i];
}

__kernel void op_scale(const int n, const real c, __global const real* restrict a, __global real* restrict out) {
    int i = get_global_id(0);
    if (i < n) out[i] = c * a[i];
}

/* out = a * b with b of a's shape (wb = w) or one column (wb = 1) */
__kernel void op_mul(const int rows, const int w, const int wb, __global const real* restrict a, __global const real* restrict b,
                     __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * w) return;
    out[i] = a[i] * b[wb == 1 ? i / w : i];
}

/* g_a += g * b */
__kernel void op_mul_backward_a(const int rows, const int w, const int wb, __global const real* restrict b, __global const real* restrict g,
                                __global real* restrict ga) {
    int i = get_global_id(0);
    if (i >= rows * w) return;
    ga[i] += g[i] * b[wb == 1 ? i / w : i];
}

/* g_b += g * a (summed over the row when b is one column): one work item per element of b */
__kernel void op_mul_backward_b(const int rows, const int w, const int wb, __global const real* restrict a, __global const real* restrict g,
                                __global real* restrict gb) {
    int j = get_global_id(0);
    if (j >= rows * wb) return;
    if (wb != 1) { gb[j] += g[j] * a[j]; return; }
    real s = 0;
    for (int c = 0; c < w; c++) s += g[j * w + c] * a[j * w + c];
    gb[j] += s;
}

/* out = factor f(x); d = factor f'(x) kept for the backward pass */
__kernel void op_activation(const int n, const int kind, const real factor, __global const real* restrict x, __global real* restrict out,
                            __global real* restrict d) {
    int i = get_global_id(0);
    if (i >= n) return;
    out[i] = factor * op_act_value(kind, x[i]);
    d[i] = factor * op_act_derivative(kind, x[i]);
}

/* g_a += g * d */
__kernel void op_mul_add(const int n, __global const real* restrict g, __global const real* restrict d, __global real* restrict ga) {
    int i = get_global_id(0);
    if (i < n) ga[i] += g[i] * d[i];
}

/* out (rows x m) = c * x (rows x k) . W (k x m) */
__kernel void op_matmul(const int rows, const int k, const int m, const real c, __global const real* restrict x,
                        __global const real* restrict wt, __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * m) return;
    int r = i / m, j = i % m;
    real s = 0;
    for (int q = 0; q < k; q++) s += x[r * k + q] * wt[q * m + j];
    out[i] = c * s;
}

/* g_x (rows x k) += c * g (rows x m) . W^T */
__kernel void op_matmul_backward(const int rows, const int k, const int m, const real c, __global const real* restrict g,
                                 __global const real* restrict wt, __global real* restrict gx) {
    int i = get_global_id(0);
    if (i >= rows * k) return;
    int r = i / k, q = i % k;
    real s = 0;
    for (int j = 0; j < m; j++) s += g[r * m + j] * wt[q * m + j];
    gx[i] += c * s;
}

/* out (rows x n) = columns [start, start + n) of x (rows x w) */
__kernel void op_slice_columns(const int rows, const int w, const int start, const int n, __global const real* restrict x,
                               __global real* restrict out) {
    int i = get_global_id(0);
    if (i < rows * n) out[i] = x[(i / n) * w + start + i % n];
}

__kernel void op_slice_columns_backward(const int rows, const int w, const int start, const int n, __global const real* restrict g,
                                        __global real* restrict gx) {
    int i = get_global_id(0);
    if (i < rows * n) gx[(i / n) * w + start + i % n] += g[i];
}

/* ---- graph ------------------------------------------------------------------------------------- */

__kernel void op_species_one_hot(const int atoms, const int types, __global const int* restrict species, __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= atoms * types) return;
    out[i] = species[i / types] == i % types ? (real) 1 : (real) 0;
}

/* |r| per row; row q's vector is edge (per_pair ? pair_edge[q] : q) */
__kernel void op_lengths(const int rows, const int per_pair, __global const int* restrict pair_edge, __global const real* restrict v,
                         __global real* restrict out) {
    int q = get_global_id(0);
    if (q >= rows) return;
    int e = per_pair ? pair_edge[q] : q;
    out[q] = sqrt(v[3 * e] * v[3 * e] + v[3 * e + 1] * v[3 * e + 1] + v[3 * e + 2] * v[3 * e + 2]);
}

__kernel void op_lengths_backward(const int rows, const int per_pair, __global const int* restrict pair_edge, __global const real* restrict v,
                                  __global const real* restrict len, __global const real* restrict g, __global real* restrict gv) {
    int q = get_global_id(0);
    if (q >= rows) return;
    int e = per_pair ? pair_edge[q] : q;
    real s = g[q] / len[q];
    gv[3 * e] += s * v[3 * e];
    gv[3 * e + 1] += s * v[3 * e + 1];
    gv[3 * e + 2] += s * v[3 * e + 2];
}

/* out[e] = x[index[e]] (gather onto edges from atoms, or pairs to edges) */
__kernel void op_gather_rows(const int rows, const int w, __global const int* restrict index, __global const real* restrict x,
                             __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * w) return;
    out[i] = x[index[i / w] * w + i % w];
}

/* out[e] += x[index[e]] */
__kernel void op_gather_rows_add(const int rows, const int w, __global const int* restrict index, __global const real* restrict x,
                                 __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * w) return;
    out[i] += x[index[i / w] * w + i % w];
}

/* g_x[a] += sum of g over the edges e centred on a, taking row (reverse ? rev[e] : e) of g */
__kernel void op_sum_edges_of_atoms(const int atoms, const int w, const int reverse, __global const int* restrict edge_start,
                                    __global const int* restrict rev, __global const real* restrict g, __global real* restrict gx) {
    int i = get_global_id(0);
    if (i >= atoms * w) return;
    int a = i / w, c = i % w;
    real s = 0;
    for (int e = edge_start[a]; e < edge_start[a + 1]; e++) s += g[(reverse ? rev[e] : e) * w + c];
    gx[i] += s;
}

/* out[a] = sum over the edges centred on a of x[e] (overwrites) */
__kernel void op_scatter_to_centre(const int atoms, const int w, __global const int* restrict edge_start, __global const real* restrict x,
                                   __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= atoms * w) return;
    int a = i / w, c = i % w;
    real s = 0;
    for (int e = edge_start[a]; e < edge_start[a + 1]; e++) s += x[e * w + c];
    out[i] = s;
}

/* g_x[q] += g[first edge of q] + g[second edge of q] (a pair of its own has second == first: counted once) */
__kernel void op_pairs_to_edges_backward(const int pairs, const int w, __global const int* restrict pair_edge,
                                         __global const int* restrict pair_second, __global const real* restrict g, __global real* restrict gx) {
    int i = get_global_id(0);
    if (i >= pairs * w) return;
    int q = i / w, c = i % w, e0 = pair_edge[q], e1 = pair_second[q];
    gx[i] += g[e0 * w + c] + (e1 != e0 ? g[e1 * w + c] : (real) 0);
}

__kernel void op_species_affine(const int atoms, __global const int* restrict species, __global const real* restrict x,
                                __global const real* restrict scales, __global const real* restrict shifts, __global real* restrict out) {
    int a = get_global_id(0);
    if (a < atoms) out[a] = x[a] * scales[species[a]] + shifts[species[a]];
}

__kernel void op_species_affine_backward(const int atoms, __global const int* restrict species, __global const real* restrict scales,
                                         __global const real* restrict g, __global real* restrict gx) {
    int a = get_global_id(0);
    if (a < atoms) gx[a] += g[a] * scales[species[a]];
}

/* ---- radial ------------------------------------------------------------------------------------ */

/* (2/rc) sin(w_k r/rc)/r */
__kernel void op_bessel(const int rows, const int nb, const real rc, __global const real* restrict r, __global const real* restrict w,
                        __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * nb) return;
    real x = r[i / nb];
    out[i] = ((real) 2 / rc) * (sin(x * w[i % nb] * ((real) 1 / rc)) / x);
}

__kernel void op_bessel_backward(const int rows, const int nb, const real rc, __global const real* restrict r, __global const real* restrict w,
                                 __global const real* restrict g, __global real* restrict gr) {
    int p = get_global_id(0);
    if (p >= rows) return;
    real x = r[p], pref = (real) 2 / rc, s = 0;
    for (int k = 0; k < nb; k++) {
        real f = w[k] / rc, sn = sin(f * x), cs = cos(f * x);
        s += g[p * nb + k] * pref * (f * cs / x - sn / (x * x));
    }
    gr[p] += s;
}

__kernel void op_polynomial_cutoff(const int rows, const real rc, const real p, __global const real* restrict r, __global real* restrict out) {
    int k = get_global_id(0);
    if (k >= rows) return;
    if (!(r[k] < rc)) { out[k] = 0; return; }
    real x = r[k] / rc, xp = pow(x, p);
    out[k] = 1 - (p + 1) * (p + 2) / 2 * xp + p * (p + 2) * xp * x - p * (p + 1) / 2 * xp * x * x;
}

__kernel void op_polynomial_cutoff_backward(const int rows, const real rc, const real p, __global const real* restrict r,
                                            __global const real* restrict g, __global real* restrict gr) {
    int k = get_global_id(0);
    if (k >= rows || !(r[k] < rc)) return;
    real x = r[k] / rc, xm1 = pow(x, p - 1);
    real du = (-(p + 1) * (p + 2) / 2 * p * xm1 + p * (p + 2) * (p + 1) * xm1 * x - p * (p + 1) / 2 * (p + 2) * xm1 * x * x) / rc;
    gr[k] += g[k] * du;
}

/* ---- equivariant ------------------------------------------------------------------------------- */

/* Per-degree linear (optionally per species). col_paths[col_start[j] .. col_start[j+1]) are the paths into output
   column j; path fields (7 ints): x_off, mul_in, o_off, mul_out, w_off, c (component), v (channel) are those of
   the column; scale per entry. out[r, j] = sum_paths scale sum_u x[r, x_off + c mul_in + u] W[w_off + (u S + t_r) mul_out + v] */
__kernel void op_block_linear(const int rows, const int dim_in, const int dim_out, const int species_count,
                              __global const int* restrict species, __global const int* restrict col_start,
                              __global const int* restrict col_paths, __global const real* restrict col_scale,
                              __global const real* restrict x, __global const real* restrict wt, __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * dim_out) return;
    int r = i / dim_out, j = i % dim_out, t = species_count > 1 ? species[r] : 0;
    real s = 0;
    for (int k = col_start[j]; k < col_start[j + 1]; k++) {
        __global const int* p = col_paths + 7 * k;
        int x_off = p[0], mul_in = p[1], mul_out = p[3], w_off = p[4], c = p[5], v = p[6];
        real acc = 0;
        for (int u = 0; u < mul_in; u++)
            acc += x[r * dim_in + x_off + c * mul_in + u] * wt[w_off + (u * species_count + t) * mul_out + v];
        s += col_scale[k] * acc;
    }
    out[i] = s;
}

/* g_x[r, j] += sum over the paths out of input column j (fields as above, with c, u of the input column) */
__kernel void op_block_linear_backward(const int rows, const int dim_in, const int dim_out, const int species_count,
                                       __global const int* restrict species, __global const int* restrict col_start,
                                       __global const int* restrict col_paths, __global const real* restrict col_scale,
                                       __global const real* restrict g, __global const real* restrict wt, __global real* restrict gx) {
    int i = get_global_id(0);
    if (i >= rows * dim_in) return;
    int r = i / dim_in, j = i % dim_in, t = species_count > 1 ? species[r] : 0;
    real s = 0;
    for (int k = col_start[j]; k < col_start[j + 1]; k++) {
        __global const int* p = col_paths + 7 * k;
        int o_off = p[2], mul_out = p[3], w_off = p[4], c = p[5], u = p[6];
        real acc = 0;
        for (int v = 0; v < mul_out; v++)
            acc += g[r * dim_out + o_off + c * mul_out + v] * wt[w_off + (u * species_count + t) * mul_out + v];
        s += col_scale[k] * acc;
    }
    gx[i] += s;
}

/* Gate, per output column: fields (kind, y column, gate column, activation); kind 0: out = act(y); 1: out = y act(y_gate) */
__kernel void op_gate(const int rows, const int dim_in, const int dim_out, __global const int* restrict out_cols,
                      __global const real* restrict out_norm, __global const real* restrict y, __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= rows * dim_out) return;
    int r = i / dim_out, j = i % dim_out;
    __global const int* f = out_cols + 4 * j;
    const __global real* yr = y + r * dim_in;
    out[i] = f[0] == 0 ? out_norm[j] * op_act_value(f[3], yr[f[1]]) : yr[f[1]] * out_norm[j] * op_act_value(f[3], yr[f[2]]);
}

/* Per input column: fields (kind, out column, other column, activation, count, stride).
   kind 0 (scalar): g_y += g[out] act'(y); 1 (gated component): g_y += g[out] act(y[other]);
   2 (gate): g_y += act'(y) sum_{c < count} g[out + c stride] y[other + c stride]; -1: unused column */
__kernel void op_gate_backward(const int rows, const int dim_in, const int dim_out, __global const int* restrict in_cols,
                               __global const real* restrict in_norm, __global const real* restrict y, __global const real* restrict g,
                               __global real* restrict gy) {
    int i = get_global_id(0);
    if (i >= rows * dim_in) return;
    int r = i / dim_in, j = i % dim_in;
    __global const int* f = in_cols + 6 * j;
    const __global real* yr = y + r * dim_in;
    const __global real* gr = g + r * dim_out;
    real nrm = in_norm[j];
    if (f[0] == 0) gy[i] += gr[f[1]] * nrm * op_act_derivative(f[3], yr[j]);
    else if (f[0] == 1) gy[i] += gr[f[1]] * nrm * op_act_value(f[3], yr[f[2]]);
    else if (f[0] == 2) {
        real s = 0;
        for (int c = 0; c < f[4]; c++) s += gr[f[1] + c * f[5]] * yr[f[2] + c * f[5]];
        gy[i] += s * nrm * op_act_derivative(f[3], yr[j]);
    }
}

/* Real spherical harmonics Y^0..Y^lmax of each edge vector (e3nn order and 'component' normalisation) by the
   recursion Y^{l+1}_c = sum_k coef_k Y^l_{a_k} u_{b_k}, and dY/dv (3 per component) kept for the backward pass. */
__kernel void op_spherical_harmonics(const int edges, const int lmax, const int sh_dim, __global const real* restrict vec,
                                     __global const int* restrict rec_start, __global const int* restrict rec_abc,
                                     __global const real* restrict rec_coef, __global real* restrict y, __global real* restrict grad) {
    int e = get_global_id(0);
    if (e >= edges) return;
    __global real* Y = y + e * sh_dim;
    __global real* G = grad + 3 * e * sh_dim; /* dY/du first, converted to dY/dv at the end */
    real vx = vec[3 * e], vy = vec[3 * e + 1], vz = vec[3 * e + 2];
    real r = sqrt(vx * vx + vy * vy + vz * vz);
    real u[3];
    u[0] = vx / r; u[1] = vy / r; u[2] = vz / r;
    Y[0] = 1; G[0] = 0; G[1] = 0; G[2] = 0;
    if (lmax >= 1) {
        real s3 = sqrt((real) 3);
        for (int c = 0; c < 3; c++) {
            Y[1 + c] = s3 * u[c];
            for (int d = 0; d < 3; d++) G[3 * (1 + c) + d] = c == d ? s3 : 0;
        }
    }
    for (int l = 1; l < lmax; l++) {
        int in = l * l, out = (l + 1) * (l + 1), d3 = 2 * l + 3;
        for (int c = 0; c < d3; c++) { Y[out + c] = 0; G[3 * (out + c)] = 0; G[3 * (out + c) + 1] = 0; G[3 * (out + c) + 2] = 0; }
        for (int k = rec_start[l]; k < rec_start[l + 1]; k++) {
            int a = rec_abc[3 * k], b = rec_abc[3 * k + 1], c = rec_abc[3 * k + 2];
            real w = rec_coef[k], ya = Y[in + a], ub = w * u[b];
            int go = 3 * (out + c), gi = 3 * (in + a);
            Y[out + c] += ub * ya;
            G[go] += ub * G[gi];
            G[go + 1] += ub * G[gi + 1];
            G[go + 2] += ub * G[gi + 2];
            G[go + b] += w * ya;
        }
    }
    for (int k = 0; k < sh_dim; k++) {
        real gx = G[3 * k], gy = G[3 * k + 1], gz = G[3 * k + 2];
        real radial = u[0] * gx + u[1] * gy + u[2] * gz;
        G[3 * k] = (gx - u[0] * radial) / r;
        G[3 * k + 1] = (gy - u[1] * radial) / r;
        G[3 * k + 2] = (gz - u[2] * radial) / r;
    }
}

__kernel void op_spherical_harmonics_backward(const int edges, const int sh_dim, __global const real* restrict grad,
                                              __global const real* restrict g, __global real* restrict gv) {
    int e = get_global_id(0);
    if (e >= edges) return;
    real sx = 0, sy = 0, sz = 0;
    for (int c = 0; c < sh_dim; c++) {
        real go = g[e * sh_dim + c];
        sx += go * grad[3 * (e * sh_dim + c)];
        sy += go * grad[3 * (e * sh_dim + c) + 1];
        sz += go * grad[3 * (e * sh_dim + c) + 2];
    }
    gv[3 * e] += sx; gv[3 * e + 1] += sy; gv[3 * e + 2] += sz;
}

/* The 'uvu' convolution. Path fields (10 ints): x_off, mul, o_off, o_mul, ch_off, w_off, d_out, entry start, entry end, d_in;
   scale per path; entries (a, b, c) with b an absolute column of Y, value per entry.
   out[ctr, o_off + c o_mul + ch_off + u] = scale sum_{edges e into ctr} W[pair e, w_off + u] sum C[a,b,c] X[nbr e, x_off + a mul + u] Y[e, b] */
#define UVU_FIELDS 10

/* one work item per (atom, path, channel u): writes the d_out components of that channel (distinct per path) */
__kernel void op_uvu_forward(const int atoms, const int paths, const int max_mul, const int dim_x, const int dim_sh, const int dim_out,
                             const int weights, __global const int* restrict edge_start, __global const int* restrict nbr,
                             __global const int* restrict pair_of, __global const int* restrict path, __global const real* restrict scale,
                             __global const int* restrict entry, __global const real* restrict value,
                             __global const real* restrict x, __global const real* restrict y, __global const real* restrict w,
                             __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= atoms * paths * max_mul) return;
    int a = i / (paths * max_mul), n = (i / max_mul) % paths, u = i % max_mul;
    __global const int* p = path + UVU_FIELDS * n;
    int x_off = p[0], mul = p[1], o_off = p[2], o_mul = p[3], ch_off = p[4], w_off = p[5], d_out = p[6];
    if (u >= mul) return;
    real acc[MAX_IR_DIM];
    for (int c = 0; c < d_out; c++) acc[c] = 0;
    for (int e = edge_start[a]; e < edge_start[a + 1]; e++) {
        real wu = w[pair_of[e] * weights + w_off + u];
        const __global real* xr = x + nbr[e] * dim_x + x_off + u;
        const __global real* yr = y + e * dim_sh;
        for (int k = p[7]; k < p[8]; k++) acc[entry[3 * k + 2]] += wu * value[k] * xr[entry[3 * k] * mul] * yr[entry[3 * k + 1]];
    }
    for (int c = 0; c < d_out; c++) out[a * dim_out + o_off + c * o_mul + ch_off + u] = scale[n] * acc[c];
}

/* g_x[j, x column]: one work item per (atom j, x column); sums over the edges e whose neighbour is j (the reverses
   of the edges centred on j) and the paths reading that column */
__kernel void op_uvu_backward_x(const int atoms, const int paths, const int dim_x, const int dim_sh, const int dim_out, const int weights,
                                __global const int* restrict edge_start, __global const int* restrict rev, __global const int* restrict ctr,
                                __global const int* restrict pair_of, __global const int* restrict path, __global const real* restrict scale,
                                __global const int* restrict entry, __global const real* restrict value,
                                __global const real* restrict y, __global const real* restrict w, __global const real* restrict g,
                                __global real* restrict gx) {
    int i = get_global_id(0);
    if (i >= atoms * dim_x) return;
    int j = i / dim_x, col = i % dim_x;
    real s = 0;
    for (int n = 0; n < paths; n++) {
        __global const int* p = path + UVU_FIELDS * n;
        int x_off = p[0], mul = p[1], o_off = p[2], o_mul = p[3], ch_off = p[4], w_off = p[5];
        if (col < x_off || col >= x_off + p[9] * mul) continue;
        int rel = col - x_off, a_in = rel / mul, u = rel % mul;
        real ps = 0;
        for (int k = p[7]; k < p[8]; k++) {
            if (entry[3 * k] != a_in) continue;
            int b = entry[3 * k + 1], c = entry[3 * k + 2];
            for (int q = edge_start[j]; q < edge_start[j + 1]; q++) {
                int e = rev[q];
                ps += value[k] * w[pair_of[e] * weights + w_off + u] * y[e * dim_sh + b] * g[ctr[e] * dim_out + o_off + c * o_mul + ch_off + u];
            }
        }
        s += scale[n] * ps;
    }
    gx[i] += s;
}

/* g_Y[e, b]: one work item per (edge, Y column) */
__kernel void op_uvu_backward_y(const int edges, const int paths, const int dim_x, const int dim_sh, const int dim_out, const int weights,
                                __global const int* restrict ctr, __global const int* restrict nbr, __global const int* restrict pair_of,
                                __global const int* restrict path, __global const real* restrict scale,
                                __global const int* restrict entry, __global const real* restrict value,
                                __global const real* restrict x, __global const real* restrict w, __global const real* restrict g,
                                __global real* restrict gy) {
    int i = get_global_id(0);
    if (i >= edges * dim_sh) return;
    int e = i / dim_sh, b_col = i % dim_sh;
    const __global real* xr = x + nbr[e] * dim_x;
    const __global real* gr = g + ctr[e] * dim_out;
    const __global real* wr = w + pair_of[e] * weights;
    real s = 0;
    for (int n = 0; n < paths; n++) {
        __global const int* p = path + UVU_FIELDS * n;
        int x_off = p[0], mul = p[1], o_off = p[2], o_mul = p[3], ch_off = p[4], w_off = p[5];
        real ps = 0;
        for (int k = p[7]; k < p[8]; k++) {
            if (entry[3 * k + 1] != b_col) continue;
            int a = entry[3 * k], c = entry[3 * k + 2];
            real t = 0;
            for (int u = 0; u < mul; u++) t += wr[w_off + u] * xr[x_off + a * mul + u] * gr[o_off + c * o_mul + ch_off + u];
            ps += value[k] * t;
        }
        s += scale[n] * ps;
    }
    gy[i] += s;
}

/* g_W[q, w column]: one work item per (pair, weight column), over the pair's one or two edges */
__kernel void op_uvu_backward_w(const int pairs, const int paths, const int dim_x, const int dim_sh, const int dim_out, const int weights,
                                __global const int* restrict pair_edge, __global const int* restrict pair_second,
                                __global const int* restrict ctr, __global const int* restrict nbr, __global const int* restrict weight_path,
                                __global const int* restrict path, __global const real* restrict scale,
                                __global const int* restrict entry, __global const real* restrict value,
                                __global const real* restrict x, __global const real* restrict y, __global const real* restrict g,
                                __global real* restrict gw) {
    int i = get_global_id(0);
    if (i >= pairs * weights) return;
    int q = i / weights, col = i % weights, n = weight_path[col];
    __global const int* p = path + UVU_FIELDS * n;
    int x_off = p[0], mul = p[1], o_off = p[2], o_mul = p[3], ch_off = p[4], u = col - p[5];
    real s = 0;
    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? pair_edge[q] : pair_second[q];
        if (side == 1 && e == pair_edge[q]) break;
        const __global real* xr = x + nbr[e] * dim_x + x_off + u;
        const __global real* yr = y + e * dim_sh;
        const __global real* gr = g + ctr[e] * dim_out + o_off + ch_off + u;
        for (int k = p[7]; k < p[8]; k++)
            s += value[k] * xr[entry[3 * k] * mul] * yr[entry[3 * k + 1]] * gr[entry[3 * k + 2] * o_mul];
    }
    gw[i] += scale[n] * s;
}

/* ---- ops of the Equivariant Transformer and friends ---------------------------------------------- */

/* dst[r, dst_off + j] (= or +=) src[r, src_off + j], j < n: concatColumns forward (=) and backward (+=) */
__kernel void op_copy_columns(const int rows, const int n, const int w_src, const int src_off, const int w_dst, const int dst_off,
                              const int accumulate, __global const real* restrict src, __global real* restrict dst) {
    int i = get_global_id(0);
    if (i >= rows * n) return;
    int r = i / n, j = i % n;
    real v = src[r * w_src + src_off + j];
    if (accumulate) dst[r * w_dst + dst_off + j] += v; else dst[r * w_dst + dst_off + j] = v;
}

/* out[r, c] = s * x[c]: broadcastRows (s = 1), shareOverAtoms (s = 1/atoms) */
__kernel void op_broadcast_rows(const int rows, const int w, const real s, __global const real* restrict x, __global real* restrict out) {
    int i = get_global_id(0);
    if (i < rows * w) out[i] = s * x[i % w];
}

/* gx[c] += s * sum_r g[r, c] (rows summed in order) */
__kernel void op_column_sums_add(const int rows, const int w, const real s, __global const real* restrict g, __global real* restrict gx) {
    int c = get_global_id(0);
    if (c >= w) return;
    real t = 0;
    for (int r = 0; r < rows; r++) t += g[r * w + c];
    gx[c] += s * t;
}

/* out[q] (= or +=) sum_t x[q * d + t]: headSum forward (=), headRepeat backward (+=) */
__kernel void op_group_sums(const int groups, const int d, const int accumulate, __global const real* restrict x, __global real* restrict out) {
    int q = get_global_id(0);
    if (q >= groups) return;
    real t = 0;
    for (int k = 0; k < d; k++) t += x[q * d + k];
    if (accumulate) out[q] += t; else out[q] = t;
}

/* out[q * d + t] (= or +=) x[q]: headRepeat forward (=), headSum backward (+=) */
__kernel void op_group_repeat(const int groups, const int d, const int accumulate, __global const real* restrict x, __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= groups * d) return;
    if (accumulate) out[i] += x[i / d]; else out[i] = x[i / d];
}

/* out[r, i] = |(x[r, 0, i], x[r, 1, i], x[r, 2, i])| for vector features laid out [component][channel] */
__kernel void op_component_norm(const int rows, const int w, __global const real* restrict x, __global real* restrict out) {
    int k = get_global_id(0);
    if (k >= rows * w) return;
    int r = k / w, i = k % w, o = r * 3 * w + i;
    real a = x[o], b = x[o + w], c = x[o + 2 * w];
    out[k] = sqrt(a * a + b * b + c * c);
}

__kernel void op_component_norm_backward(const int rows, const int w, __global const real* restrict x, __global const real* restrict out,
                                         __global const real* restrict g, __global real* restrict gx) {
    int k = get_global_id(0);
    if (k >= rows * w) return;
    real n = out[k];
    if (n == 0) return;
    int r = k / w, i = k % w, o = r * 3 * w + i;
    real s = g[k] / n;
    for (int c = 0; c < 3; c++) gx[o + c * w] += s * x[o + c * w];
}

/* u = v / |v| per row of 3 */
__kernel void op_unit_vectors(const int rows, __global const real* restrict v, __global real* restrict out) {
    int e = get_global_id(0);
    if (e >= rows) return;
    real x = v[3 * e], y = v[3 * e + 1], z = v[3 * e + 2], r = sqrt(x * x + y * y + z * z);
    out[3 * e] = x / r;
    out[3 * e + 1] = y / r;
    out[3 * e + 2] = z / r;
}

__kernel void op_unit_vectors_backward(const int rows, __global const real* restrict v, __global const real* restrict u,
                                       __global const real* restrict g, __global real* restrict gv) {
    int e = get_global_id(0);
    if (e >= rows) return;
    real x = v[3 * e], y = v[3 * e + 1], z = v[3 * e + 2], r = sqrt(x * x + y * y + z * z);
    real gu = g[3 * e] * u[3 * e] + g[3 * e + 1] * u[3 * e + 1] + g[3 * e + 2] * u[3 * e + 2];
    for (int c = 0; c < 3; c++) gv[3 * e + c] += (g[3 * e + c] - gu * u[3 * e + c]) / r;
}

/* 0.5 (cos(w r) + 1) below rc, else 0 (r: rows x 1; w = pi / rc, computed on the host as the Java kernel does) */
__kernel void op_cosine_cutoff(const int rows, const real rc, const real w, __global const real* restrict r, __global real* restrict out) {
    int k = get_global_id(0);
    if (k >= rows) return;
    real x = r[k];
    out[k] = x < rc ? (real) 0.5 * (cos(x * w) + (real) 1) : (real) 0;
}

__kernel void op_cosine_cutoff_backward(const int rows, const real rc, const real w, __global const real* restrict r, __global const real* restrict g,
                                        __global real* restrict gr) {
    int k = get_global_id(0);
    if (k >= rows) return;
    real x = r[k];
    if (x < rc) gr[k] += g[k] * (real) -0.5 * sin(x * w) * w;
}

/* out[a, :] = table[row[species[a]], :] (ElementRows forward; the table is a constant in MD) */
__kernel void op_element_rows(const int atoms, const int w, __global const int* restrict species, __global const int* restrict type_row,
                              __global const real* restrict table, __global real* restrict out) {
    int i = get_global_id(0);
    if (i >= atoms * w) return;
    int a = i / w, c = i % w;
    out[i] = table[type_row[species[a]] * w + c];
}

/* TorchMD-Net's exp-normal basis times the cosine cutoff (lower bound 0), one work item per row of lengths:
   t = exp(alpha (lo - r)), out[p, k] = exp(-beta_k (t - mu_k)^2) * phi(r), phi = 0.5 (cos(w r) + 1) below up. */
__kernel void op_exp_normal(const int rows, const int n, const real lo, const real up, const real alpha, const real w,
                            __global const real* restrict r, __global const real* restrict mu, __global const real* restrict beta,
                            __global real* restrict out) {
    int p = get_global_id(0);
    if (p >= rows) return;
    real x = r[p], t = exp(alpha * (-x + lo)), phi = 0;
    if (x < up) phi = (real) 0.5 * (cos(w * x) + (real) 1);
    for (int k = 0; k < n; k++) {
        real d = t - mu[k], e = exp(-(d * d * beta[k]));
        out[p * n + k] = e * phi;
    }
}

/* gr[p] += sum_k g[p, k] d out[p, k] / dr (means and betas constant: the MD case); recomputes the forward values */
__kernel void op_exp_normal_backward(const int rows, const int n, const real lo, const real up, const real alpha, const real w,
                                     __global const real* restrict r, __global const real* restrict mu, __global const real* restrict beta,
                                     __global const real* restrict g, __global real* restrict gr) {
    int p = get_global_id(0);
    if (p >= rows) return;
    real x = r[p], t = exp(alpha * (-x + lo)), phi = 0, dphi = 0;
    if (x < up) {
        phi = (real) 0.5 * (cos(w * x) + (real) 1);
        dphi = (real) -0.5 * w * sin(w * x);
    }
    if (phi == 0 && dphi == 0) return;
    real dtdr = -alpha * t, dr = 0;
    for (int k = 0; k < n; k++) {
        real d = t - mu[k], e = exp(-(d * d * beta[k]));
        real ge = g[p * n + k] * e, dd = (real) -2 * beta[k] * d;
        dr += ge * (dphi + phi * dd * dtdr);
    }
    gr[p] += dr;
}

/* LayerNorm over the w columns of each row (one work item per row); stats[2r] = mean, stats[2r + 1] = sqrt(var + eps) */
__kernel void op_layer_norm(const int rows, const int w, const real eps, const int affine, __global const real* restrict x,
                            __global const real* restrict gamma, __global const real* restrict beta, __global real* restrict stats,
                            __global real* restrict out) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int o = r * w;
    real inv = (real) 1 / w, s = 0, q = 0;
    for (int c = 0; c < w; c++) s += x[o + c];
    real mean = inv * s;
    for (int c = 0; c < w; c++) { real d = x[o + c] - mean; q += d * d; }
    real sd = sqrt(inv * q + eps);
    stats[2 * r] = mean;
    stats[2 * r + 1] = sd;
    for (int c = 0; c < w; c++) out[o + c] = affine ? (x[o + c] - mean) / sd * gamma[c] + beta[c] : (x[o + c] - mean) / sd;
}

/* gx of LayerNorm (gamma and beta constant: the MD case): (gh - mean(gh) - xh mean(gh xh)) / sd, gh = g gamma */
__kernel void op_layer_norm_backward(const int rows, const int w, const int affine, __global const real* restrict x,
                                     __global const real* restrict gamma, __global const real* restrict stats,
                                     __global const real* restrict g, __global real* restrict gx) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int o = r * w;
    real inv = (real) 1 / w, mean = stats[2 * r], sd = stats[2 * r + 1], sg = 0, sgx = 0;
    for (int c = 0; c < w; c++) {
        real gh = affine ? g[o + c] * gamma[c] : g[o + c], xh = (x[o + c] - mean) / sd;
        sg += gh;
        sgx += gh * xh;
    }
    real mg = inv * sg, mgx = inv * sgx;
    for (int c = 0; c < w; c++) {
        real gh = affine ? g[o + c] * gamma[c] : g[o + c], xh = (x[o + c] - mean) / sd;
        gx[o + c] += (gh - mg - xh * mgx) / sd;
    }
}
