/* Forces: dE/dv per pair from the radial embedding and the SH gradients of its two edges, then a
   gather per atom over its edges (F_i = +g for the pair's first atom, -g for its second). */

__kernel void pair_gradient(const int pairs, const int num_basis, const int sh_dim, const real r_max,
                            __global const real* restrict vec, __global const real* restrict len,
                            __global const real* restrict d_emb, __global const real* restrict demb_dr,
                            __global const int* restrict pair_edge,
                            __global const real* restrict d_sh, __global const real* restrict sh_grad,
                            __global real* restrict g) {
    int q = get_global_id(0);
    if (q >= pairs) return;
    real r = len[q];
    if (!pair_live(r, r_max)) { g[3 * q] = 0; g[3 * q + 1] = 0; g[3 * q + 2] = 0; return; }
    real dedr = 0;
    for (int k = 0; k < num_basis; k++) dedr += d_emb[q * num_basis + k] * demb_dr[q * num_basis + k];
    real gx = dedr * vec[3 * q] / r, gy = dedr * vec[3 * q + 1] / r, gz = dedr * vec[3 * q + 2] / r;
    for (int side = 0; side < 2; side++) {
        int e = pair_edge[2 * q + side];
        real sx = 0, sy = 0, sz = 0;
        for (int c = 0; c < sh_dim; c++) {
            real d = d_sh[e * sh_dim + c];
            __global const real* G = sh_grad + 3 * (e * sh_dim + c);
            sx += d * G[0]; sy += d * G[1]; sz += d * G[2];
        }
        real sgn = side == 0 ? 1 : -1; /* edge 1 sees -v */
        gx += sgn * sx; gy += sgn * sy; gz += sgn * sz;
    }
    g[3 * q] = gx; g[3 * q + 1] = gy; g[3 * q + 2] = gz;
}

/* forces (3 per atom, overwritten); with want_virial also the atom's half share of -v (x) g of each of
   its pairs (9 per atom, row-major), so the virial is the sum over atoms. */
__kernel void atom_forces(const int nodes, __global const int* restrict edge_start,
                          __global const int* restrict edge_pair, __global const int* restrict edge_side,
                          __global const real* restrict g, __global const real* restrict vec,
                          __global real* restrict forces, const int want_virial, __global real* restrict virial) {
    int i = get_global_id(0);
    if (i >= nodes) return;
    real f[3] = {0, 0, 0}, wv[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int e = edge_start[i]; e < edge_start[i + 1]; e++) {
        int q = edge_pair[e];
        real sgn = edge_side[e] ? -1 : 1;
        for (int a = 0; a < 3; a++) f[a] += sgn * g[3 * q + a];
        if (want_virial)
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) wv[3 * a + b] -= (real) 0.5 * vec[3 * q + a] * g[3 * q + b];
    }
    for (int a = 0; a < 3; a++) forces[3 * i + a] = f[a];
    if (want_virial)
        for (int a = 0; a < 9; a++) virial[9 * i + a] = wv[a];
}
