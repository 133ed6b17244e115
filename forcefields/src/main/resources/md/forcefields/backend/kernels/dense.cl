/* Dense products of the equivariant linear layers, the radial MLP and the self-connection. */

/* C[i][j] = (accumulate ? C[i][j] : 0) + alpha sum_k A[i][k] B[k][j];
   A[i][k] = a[a_off + i*lda + k], B[k][j] = b[b_off + k*bsk + j*bsj] (strides allow B transposed),
   C[i][j] = c[c_off + i*ldc + j]. One work item per element of C. */
__kernel void gemm(const int m, const int n, const int kk, const real alpha,
                   __global const real* a, const int a_off, const int lda,
                   __global const real* b, const int b_off, const int bsk, const int bsj,
                   __global real* c, const int c_off, const int ldc, const int accumulate) {
    int gid = get_global_id(0);
    if (gid >= m * n) return;
    int i = gid / n, j = gid - i * n;
    __global const real* ai = a + a_off + i * lda;
    __global const real* bj = b + b_off + j * bsj;
    real s = 0;
    for (int k = 0; k < kk; k++) s += ai[k] * bj[k * bsk];
    int ci = c_off + i * ldc + j;
    c[ci] = (accumulate ? c[ci] : 0) + alpha * s;
}

__kernel void activate(const int n, const int kind, const real norm,
                       __global const real* restrict pre, __global real* restrict post) {
    int gid = get_global_id(0);
    if (gid < n) post[gid] = act_value(kind, norm, pre[gid]);
}

/* grad *= act'(pre) */
__kernel void activate_backward(const int n, const int kind, const real norm,
                                __global const real* restrict pre, __global real* restrict grad) {
    int gid = get_global_id(0);
    if (gid < n) grad[gid] *= act_derivative(kind, norm, pre[gid]);
}

/* One path of the self-connection (FullyConnectedTensorProduct with scalar attributes):
   y[(r,c), k] += pw sum_v attr[r][v] sum_u x[(r,c), u] W[u*s_in + v*s_attr + k*s_out]
   over rows r, components c < d; x element (r,c),u at x_base + (r*d + c)*mi + u, y likewise with mo.
   Strides (s_in, s_attr, s_out) read the (mul_in, V, mul_out) weight forwards or transposed. */
__kernel void self_connection(const int rows, const int d, const int mi, const int mo, const int nattr, const real pw,
                              __global const real* restrict attrs, __global const real* restrict x, const int x_base,
                              __global const real* restrict w, const int w_off,
                              const int s_in, const int s_attr, const int s_out,
                              __global real* restrict y, const int y_base) {
    int gid = get_global_id(0);
    if (gid >= rows * d * mo) return;
    int rc = gid / mo, k = gid - rc * mo, r = rc / d;
    real s = 0;
    for (int v = 0; v < nattr; v++) {
        real av = attrs[r * nattr + v];
        if (av == 0) continue;
        real t = 0;
        for (int u = 0; u < mi; u++) t += x[x_base + rc * mi + u] * w[w_off + u * s_in + v * s_attr + k * s_out];
        s += av * t;
    }
    y[y_base + rc * mo + k] += pw * s;
}
