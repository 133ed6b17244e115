/* Shared helpers. Every kernel is 1-D: work item gid < count, extra items return at once. */

#define ACT_SILU 0
#define ACT_TANH 1
/* Largest irrep dimension 2l+1 the private accumulators hold (l <= 7). */
#define MAX_IR_DIM 15

/* e3nn's normalised activations: norm * f(x). */
DEVFN real act_value(int kind, real norm, real x) {
    if (kind == ACT_SILU) return norm * x / ((real) 1 + exp(-x));
    return norm * tanh(x);
}

DEVFN real act_derivative(int kind, real norm, real x) {
    if (kind == ACT_SILU) {
        real s = (real) 1 / ((real) 1 + exp(-x));
        return norm * s * ((real) 1 + x * ((real) 1 - s));
    }
    real t = tanh(x);
    return norm * ((real) 1 - t * t);
}

/* A pair takes part when 0 < r < r_max; others (list skin, zero distance) contribute exactly zero. */
DEVFN int pair_live(real r, real r_max) { return r > 0 && r < r_max; }

__kernel void fill(const int n, __global real* restrict a, const real value) {
    int gid = get_global_id(0);
    if (gid < n) a[gid] = value;
}

__kernel void add_into(const int n, __global const real* restrict src, __global real* restrict dst) {
    int gid = get_global_id(0);
    if (gid < n) dst[gid] += src[gid];
}
