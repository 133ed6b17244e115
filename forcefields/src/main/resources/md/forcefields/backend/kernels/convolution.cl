/* NequIP's convolution: the channel-wise ('uvu') tensor product of neighbour features x1[j] with the
   edge spherical harmonics Y_e, weighted per edge by the radial MLP output, summed over the edges of
   each centre atom. Features use the batched layout: block at nodes*offset, element (row, comp, chan)
   at + (row*d + comp)*mul + chan. Edges are sorted by centre (edge_start is the CSR index), so the
   scatter-add over edges is a gather per atom: no atomics, a fixed summation order.

   Path table, PATH_FIELDS ints per path: */
#define PATH_FIELDS 11
#define P_D1 0      /* 2 l1 + 1 */
#define P_D3 1      /* 2 l_out + 1 */
#define P_MUL 2     /* channels of the input block (= channels of the path) */
#define P_XOFF 3    /* offset of the input block in irreps_in1 */
#define P_YOFF 4    /* offset of the SH block in irreps_in2 */
#define P_OUTOFF 5  /* offset of the output block in irreps_out */
#define P_MULOUT 6  /* channels of the output block */
#define P_CHOFF 7   /* channel offset of this path's slot inside the output block */
#define P_WOFF 8    /* first weight of the path; weight q = P_WOFF + u */
#define P_NNZ 9     /* first nonzero Wigner-3j entry (abc triples in nnz_abc, values in nnz_val) */
#define P_NNZN 10   /* number of nonzero entries */

/* agg[i][slot c][u] += scale pw sum_{e: centre i} w_e[q] sum_k C_k Y_e[b_k] x1[nbr e][a_k][u];
   work item (i, q) for weight column q = (path, u); each updates only its own output entries. */
__kernel void tp_forward(const int nodes, const int numel, const int sh_dim, const real scale,
                         __global const int* restrict edge_start, __global const int* restrict edge_nbr,
                         __global const int* restrict edge_pair,
                         __global const int* restrict paths, __global const real* restrict path_w,
                         __global const int* restrict chan_path,
                         __global const int* restrict nnz_abc, __global const real* restrict nnz_val,
                         __global const real* restrict x1, __global const real* restrict y,
                         __global const real* restrict w, __global real* restrict out) {
    int gid = get_global_id(0);
    if (gid >= nodes * numel) return;
    int i = gid / numel, q = gid - i * numel;
    int p = chan_path[q];
    if (p < 0) return; /* weight column of a path that was dropped (restricted product) */
    __global const int* P = paths + PATH_FIELDS * p;
    int d1 = P[P_D1], d3 = P[P_D3], mul = P[P_MUL], u = q - P[P_WOFF];
    int k0 = P[P_NNZ], k1 = k0 + P[P_NNZN];
    real acc[MAX_IR_DIM];
    for (int c = 0; c < d3; c++) acc[c] = 0;
    for (int e = edge_start[i]; e < edge_start[i + 1]; e++) {
        real we = w[edge_pair[e] * numel + q];
        __global const real* Y = y + e * sh_dim + P[P_YOFF];
        __global const real* X = x1 + nodes * P[P_XOFF] + edge_nbr[e] * d1 * mul + u;
        for (int k = k0; k < k1; k++)
            acc[nnz_abc[3 * k + 2]] += we * nnz_val[k] * Y[nnz_abc[3 * k + 1]] * X[nnz_abc[3 * k] * mul];
    }
    real s = scale * path_w[p];
    int mo = P[P_MULOUT];
    __global real* O = out + nodes * P[P_OUTOFF] + i * d3 * mo + P[P_CHOFF] + u;
    for (int c = 0; c < d3; c++) O[c * mo] += s * acc[c];
}

/* dw[pair][q] = scale pw sum_{both edges e of the pair} sum_k C_k Y_e[b_k] x1[nbr e][a_k][u] dOut[centre e][c_k][u];
   work item (pair, q). */
__kernel void tp_backward_weights(const int pairs, const int nodes, const int numel, const int sh_dim, const real scale,
                                  __global const int* restrict pair_edge, __global const int* restrict edge_centre,
                                  __global const int* restrict edge_nbr,
                                  __global const int* restrict paths, __global const real* restrict path_w,
                                  __global const int* restrict chan_path,
                                  __global const int* restrict nnz_abc, __global const real* restrict nnz_val,
                                  __global const real* restrict x1, __global const real* restrict y,
                                  __global const real* restrict d_out, __global real* restrict dw) {
    int gid = get_global_id(0);
    if (gid >= pairs * numel) return;
    int pr = gid / numel, q = gid - pr * numel;
    int p = chan_path[q];
    if (p < 0) { dw[pr * numel + q] = 0; return; }
    __global const int* P = paths + PATH_FIELDS * p;
    int d1 = P[P_D1], d3 = P[P_D3], mul = P[P_MUL], mo = P[P_MULOUT], u = q - P[P_WOFF];
    int k0 = P[P_NNZ], k1 = k0 + P[P_NNZN];
    real g = 0;
    for (int side = 0; side < 2; side++) {
        int e = pair_edge[2 * pr + side];
        __global const real* Y = y + e * sh_dim + P[P_YOFF];
        __global const real* X = x1 + nodes * P[P_XOFF] + edge_nbr[e] * d1 * mul + u;
        __global const real* D = d_out + nodes * P[P_OUTOFF] + edge_centre[e] * d3 * mo + P[P_CHOFF] + u;
        for (int k = k0; k < k1; k++)
            g += nnz_val[k] * Y[nnz_abc[3 * k + 1]] * X[nnz_abc[3 * k] * mul] * D[nnz_abc[3 * k + 2] * mo];
    }
    dw[pr * numel + q] = scale * path_w[p] * g;
}

/* dx1[j][a][u] = sum over edges e with neighbour j (the reverses of j's own edges) and over the paths
   reading input block b: scale pw w_e[q] sum_k C_k Y_e[b_k] dOut[centre e][c_k][u] (overwrites dx1).
   Work item (j, t) for input channel t; xchan holds (d1, mul, offset, u, block) per t and block_paths
   the paths of each input block (CSR by block_path_start). */
__kernel void tp_backward_input(const int nodes, const int nchan, const int numel, const int sh_dim, const real scale,
                                __global const int* restrict edge_start, __global const int* restrict edge_nbr,
                                __global const int* restrict edge_pair, __global const int* restrict edge_rev,
                                __global const int* restrict paths, __global const real* restrict path_w,
                                __global const int* restrict xchan, __global const int* restrict block_path_start,
                                __global const int* restrict block_paths,
                                __global const int* restrict nnz_abc, __global const real* restrict nnz_val,
                                __global const real* restrict y, __global const real* restrict w,
                                __global const real* restrict d_out, __global real* restrict dx1) {
    int gid = get_global_id(0);
    if (gid >= nodes * nchan) return;
    int j = gid / nchan, t = gid - j * nchan;
    int d1 = xchan[5 * t], mul = xchan[5 * t + 1], xoff = xchan[5 * t + 2], u = xchan[5 * t + 3], blk = xchan[5 * t + 4];
    real acc[MAX_IR_DIM];
    for (int a = 0; a < d1; a++) acc[a] = 0;
    for (int e2 = edge_start[j]; e2 < edge_start[j + 1]; e2++) {
        int e = edge_rev[e2], centre = edge_nbr[e2], pr = edge_pair[e2];
        for (int n = block_path_start[blk]; n < block_path_start[blk + 1]; n++) {
            int p = block_paths[n];
            __global const int* P = paths + PATH_FIELDS * p;
            int d3 = P[P_D3], mo = P[P_MULOUT];
            real sw = scale * path_w[p] * w[pr * numel + P[P_WOFF] + u];
            __global const real* Y = y + e * sh_dim + P[P_YOFF];
            __global const real* D = d_out + nodes * P[P_OUTOFF] + centre * d3 * mo + P[P_CHOFF] + u;
            for (int k = P[P_NNZ]; k < P[P_NNZ] + P[P_NNZN]; k++)
                acc[nnz_abc[3 * k]] += sw * nnz_val[k] * Y[nnz_abc[3 * k + 1]] * D[nnz_abc[3 * k + 2] * mo];
        }
    }
    __global real* X = dx1 + nodes * xoff + j * d1 * mul + u;
    for (int a = 0; a < d1; a++) X[a * mul] = acc[a];
}

/* dY_e[b] += scale sum_paths pw sum_k [b_k = b] C_k sum_u w_e[q] x1[nbr e][a_k][u] dOut[centre e][c_k][u];
   work item per edge (accumulates: the SH gradient collects all interaction blocks). */
__kernel void tp_backward_sh(const int edges, const int nodes, const int npaths, const int numel, const int sh_dim, const real scale,
                             __global const int* restrict edge_centre, __global const int* restrict edge_nbr,
                             __global const int* restrict edge_pair,
                             __global const int* restrict paths, __global const real* restrict path_w,
                             __global const int* restrict nnz_abc, __global const real* restrict nnz_val,
                             __global const real* restrict x1, __global const real* restrict w,
                             __global const real* restrict d_out, __global real* restrict dy) {
    int e = get_global_id(0);
    if (e >= edges) return;
    int centre = edge_centre[e], j = edge_nbr[e];
    __global const real* W = w + edge_pair[e] * numel;
    for (int p = 0; p < npaths; p++) {
        __global const int* P = paths + PATH_FIELDS * p;
        int d1 = P[P_D1], d3 = P[P_D3], mul = P[P_MUL], mo = P[P_MULOUT];
        real s = scale * path_w[p];
        __global const real* Wp = W + P[P_WOFF];
        __global const real* X = x1 + nodes * P[P_XOFF] + j * d1 * mul;
        __global const real* D = d_out + nodes * P[P_OUTOFF] + centre * d3 * mo + P[P_CHOFF];
        __global real* DY = dy + e * sh_dim + P[P_YOFF];
        for (int k = P[P_NNZ]; k < P[P_NNZ] + P[P_NNZN]; k++) {
            __global const real* Xa = X + nnz_abc[3 * k] * mul;
            __global const real* Dc = D + nnz_abc[3 * k + 2] * mo;
            real t = 0;
            for (int u = 0; u < mul; u++) t += Wp[u] * Xa[u] * Dc[u];
            DY[nnz_abc[3 * k + 1]] += s * nnz_val[k] * t;
        }
    }
}
