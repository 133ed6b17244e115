/* Shared helpers. Every kernel is 1-D: work item gid < count, extra items return at once. */

/* Largest irrep dimension 2l+1 the private accumulators hold (l <= 7). */
#define MAX_IR_DIM 15

__kernel void fill(const int n, __global real* restrict a, const real value) {
    int gid = get_global_id(0);
    if (gid < n) a[gid] = value;
}

__kernel void add_into(const int n, __global const real* restrict src, __global real* restrict dst) {
    int gid = get_global_id(0);
    if (gid < n) dst[gid] += src[gid];
}
