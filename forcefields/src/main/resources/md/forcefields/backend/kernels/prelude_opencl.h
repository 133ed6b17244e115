/* OpenCL C prelude: the kernels are written in OpenCL C with these few portable names. */
#ifdef MD_FLOAT32
typedef float real;
#else
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
#endif
#define DEVFN static inline
