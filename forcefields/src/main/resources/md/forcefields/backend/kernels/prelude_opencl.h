/* OpenCL C prelude: the kernels are written in OpenCL C with these few portable names. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
#define DEVFN static inline
