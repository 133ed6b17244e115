/* CUDA prelude: maps the OpenCL C the kernels are written in onto CUDA C++ (1-D launches only). */
#ifdef MD_FLOAT32
typedef float real;
#else
typedef double real;
#endif
#define __kernel extern "C" __global__
#define __global
#define restrict __restrict__
#define DEVFN __device__ static inline
#define get_global_id(dim) ((int) (blockIdx.x * blockDim.x + threadIdx.x))
