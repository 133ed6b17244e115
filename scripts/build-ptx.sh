#!/usr/bin/env bash
# Builds the CUDA backend's PTX from the OpenCL C kernel sources (the text OpenCL compiles, with the CUDA
# prelude instead of the OpenCL one) and writes it as a class-path resource, so running on a GPU needs no
# CUDA toolkit: the driver JIT-compiles the PTX for the GPU at load.
#   scripts/build-ptx.sh            rewrite forcefields/src/main/resources/.../kernels/ops.ptx (float64)
#                                   and ops-float32.ptx (the same sources with -DMD_FLOAT32)
#   scripts/build-ptx.sh OUTDIR     write both into OUTDIR (the test that checks reproducibility does this)
# The first line of the output records the SHA-256 of the exact source text, so a test detects a stale PTX
# without nvcc; the second records nvcc's version and these pinned flags.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/forcefields/src/main/resources/md/forcefields/backend/kernels
outdir=${1:-$dir}
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
[ -x "$NVCC" ] || { echo "build-ptx: nvcc not found (set NVCC=/path/to/nvcc)" >&2; exit 2; }
# compute_80: Ampere and newer (A100, H100, H200); PTX, not SASS, so the driver compiles it for the GPU.
# No fast math: the kernels must agree with the float64 Java reference to rounding.
FLAGS=(-ptx -arch=compute_80 -O3 -std=c++17 -x cu)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=(prelude_cuda.h)
while read -r f; do
  case "$f" in ''|'#'*) ;; *) files+=("$f") ;; esac
done < "$dir/sources.txt"
(cd "$dir" && cat "${files[@]}") > "$tmp/kernels.cu"
hash=$(sha256sum "$tmp/kernels.cu" | cut -d' ' -f1)
version=$("$NVCC" --version | tail -1)
build() { # OUT EXTRA_FLAGS...
  local out=$1; shift
  (cd "$tmp" && "$NVCC" "${FLAGS[@]}" "$@" kernels.cu -o kernels.ptx)
  {
    echo "// md-kernel-sources-sha256: $hash"
    echo "// built by scripts/build-ptx.sh: nvcc ${FLAGS[*]}${*:+ $*} ($version)"
    cat "$tmp/kernels.ptx"
  } > "$out"
  echo "build-ptx: wrote $out ($(grep -c '^\.visible \.entry\|^\.entry' "$out") kernels)"
}
build "$outdir/ops.ptx"
build "$outdir/ops-float32.ptx" -DMD_FLOAT32
