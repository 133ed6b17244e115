/* Edge geometry: pair vectors, radial embedding (Bessel basis x polynomial envelope) and real
   spherical harmonics of the directed edges with their gradients. */

__kernel void pair_geometry(const int pairs, __global const real* restrict pos,
                            __global const int* restrict pair_i, __global const int* restrict pair_j,
                            __global const real* restrict pair_shift, const real r_max, const real p,
                            const int num_basis, __global const real* restrict bessel,
                            __global real* restrict vec, __global real* restrict len,
                            __global real* restrict emb, __global real* restrict demb_dr) {
    int q = get_global_id(0);
    if (q >= pairs) return;
    int i = pair_i[q], j = pair_j[q];
    real dx = pos[3 * j] + pair_shift[3 * q] - pos[3 * i];
    real dy = pos[3 * j + 1] + pair_shift[3 * q + 1] - pos[3 * i + 1];
    real dz = pos[3 * j + 2] + pair_shift[3 * q + 2] - pos[3 * i + 2];
    real r = sqrt(dx * dx + dy * dy + dz * dz);
    vec[3 * q] = dx; vec[3 * q + 1] = dy; vec[3 * q + 2] = dz;
    len[q] = r;
    if (!pair_live(r, r_max)) {
        for (int k = 0; k < num_basis; k++) { emb[q * num_basis + k] = 0; demb_dr[q * num_basis + k] = 0; }
        return;
    }
    real x = r / r_max;
    real xp = pow(x, p), xp1 = pow(x, p + 1), xp2 = pow(x, p + 2), xm1 = pow(x, p - 1);
    real u = 1 - (p + 1) * (p + 2) / 2 * xp + p * (p + 2) * xp1 - p * (p + 1) / 2 * xp2;
    real du = (-(p + 1) * (p + 2) / 2 * p * xm1 + p * (p + 2) * (p + 1) * xp - p * (p + 1) / 2 * (p + 2) * xp1) / r_max;
    real pref = 2 / r_max;
    for (int k = 0; k < num_basis; k++) {
        real w = bessel[k] / r_max;
        real sn = sin(w * r), cs = cos(w * r);
        real b = pref * (sn / r);
        real db = pref * (w * cs / r - sn / (r * r));
        emb[q * num_basis + k] = b * u;
        demb_dr[q * num_basis + k] = db * u + b * du;
    }
}

/* Y(v/|v|) of edge e (vector +v for side 0, -v for side 1) by the recursion
   Y^{l+1}_c = sum_k coef_k Y^l_{a_k} u_{b_k} (rec_* for l -> l+1 at rec_start[l] ... rec_start[l+1]),
   and dY/dv (3 per component) through u = v/|v|. Dead pairs get zeros. */
__kernel void edge_sh(const int edges, const int lmax, const int sh_dim, const real r_max,
                      __global const real* restrict vec, __global const real* restrict len,
                      __global const int* restrict edge_pair, __global const int* restrict edge_side,
                      __global const int* restrict rec_start, __global const int* restrict rec_abc,
                      __global const real* restrict rec_coef,
                      __global real* restrict y, __global real* restrict grad) {
    int e = get_global_id(0);
    if (e >= edges) return;
    int q = edge_pair[e];
    __global real* Y = y + e * sh_dim;
    __global real* G = grad + 3 * e * sh_dim; /* dY/du first, converted to dY/dv at the end */
    real r = len[q];
    if (!pair_live(r, r_max)) {
        for (int c = 0; c < sh_dim; c++) { Y[c] = 0; G[3 * c] = 0; G[3 * c + 1] = 0; G[3 * c + 2] = 0; }
        return;
    }
    real sgn = edge_side[e] ? -1 : 1;
    real u[3];
    u[0] = sgn * vec[3 * q] / r; u[1] = sgn * vec[3 * q + 1] / r; u[2] = sgn * vec[3 * q + 2] / r;
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
