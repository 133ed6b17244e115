/* CUDA prelude: maps the OpenCL C the kernels are written in onto CUDA C++ (1-D launches only). */
typedef double real;
#define __kernel extern "C" __global__
#define __global
#define restrict __restrict__
#define DEVFN __device__ static inline
#define get_global_id(dim) ((int) (blockIdx.x * blockDim.x + threadIdx.x))
