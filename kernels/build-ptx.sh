#!/usr/bin/env bash
# Compiles every CUDA kernel (kernels/*.cu) for the CUDA backend and checks it.
#
#   kernels/build-ptx.sh OUT_DIR
#
# Writes, per kernel file:
#   OUT_DIR/<stem>.fatbin  what the backend loads: machine code for sm_80 and sm_90 (A100, H100/H200),
#                          and PTX for compute_75 that the driver compiles for any other GPU at load.
#                          Machine code spares every fresh process the driver's PTX compilation (about
#                          1.8 s for the four modules). Uncompressed, so the stand-in driver of
#                          kernels/host-emulation can read the entry points from its PTX.
#   OUT_DIR/<stem>.ptx     the same PTX on its own, for reading and for the build's checks.
# Each PTX goes through ptxas for sm_75 and sm_90, which finds what nvcc's front end does not
# (register limits, bad PTX) without a GPU; it must contain no double-precision instruction (the
# kernels are float32; a stray double literal would slow them), and its PTX ISA version must be one the
# oldest driver descent supports takes (CudaDevices.REQUIRED_DRIVER_VERSION: CUDA 13.0, r580, takes
# PTX ISA 9.0), or a newer nvcc would ship kernels that driver refuses.
# Run by Maven in generate-resources. Without nvcc it writes nothing and says so, and the CUDA backend
# then reports "this build has no PTX" — unless DESCENT_REQUIRE_PTX is set (CI sets it), which
# makes a missing nvcc an error.
set -euo pipefail
out="${1:?usage: build-ptx.sh OUT_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
nvcc="$(command -v nvcc || true)"
if [[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]]; then
  nvcc=/usr/local/cuda/bin/nvcc
fi
if [[ -z "$nvcc" ]]; then
  if [[ -n "${DESCENT_REQUIRE_PTX:-}" ]]; then
    echo "build-ptx: DESCENT_REQUIRE_PTX is set but nvcc is not on the PATH" >&2
    exit 1
  fi
  echo "build-ptx: nvcc not found; this build has no PTX (the cuda backend will say so)"
  exit 0
fi
ptxas="$(dirname "$nvcc")/ptxas"
# the newest PTX ISA the oldest supported driver (CUDA 13.0) takes
oldest_driver_ptx_isa=9.0
mkdir -p "$out"
for source in "$here"/*.cu; do
  stem="$(basename "$source" .cu)"
  ptx="$out/$stem.ptx"
  fatbin="$out/$stem.fatbin"
  # newer than its source and every header: nothing to do
  if [[ -f "$ptx" && -f "$fatbin" && "$ptx" -nt "$source" && "$fatbin" -nt "$source" ]] &&
     ! find "$here" -maxdepth 1 -name '*.h' -newer "$ptx" | grep -q . &&
     ! find "$here" -maxdepth 1 -name '*.h' -newer "$fatbin" | grep -q .; then
    continue
  fi
  "$nvcc" -ptx -arch=compute_75 -std=c++17 -I "$here" -o "$ptx.tmp" "$source"
  for arch in sm_75 sm_90; do
    "$ptxas" -arch="$arch" -o /dev/null "$ptx.tmp"
  done
  if grep -q '\.f64' "$ptx.tmp"; then
    echo "build-ptx: $stem.ptx contains double-precision instructions:" >&2
    grep -n '\.f64' "$ptx.tmp" | head -5 >&2
    exit 1
  fi
  isa="$(sed -n 's/^\.version \([0-9.]*\)$/\1/p' "$ptx.tmp")"
  if [[ -z "$isa" ]] || ! awk -v isa="$isa" -v oldest="$oldest_driver_ptx_isa" 'BEGIN { exit !(isa + 0 <= oldest + 0) }'; then
    echo "build-ptx: $stem.ptx is PTX ISA ${isa:-unknown}, newer than the $oldest_driver_ptx_isa that the oldest" \
      "supported driver (CUDA 13.0, r580) takes; build with nvcc 13.0 or raise CudaDevices.REQUIRED_DRIVER_VERSION" >&2
    exit 1
  fi
  "$nvcc" -fatbin -no-compress -std=c++17 -I "$here" -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code=sm_90 -gencode arch=compute_75,code=compute_75 -o "$fatbin.tmp" "$source"
  mv "$ptx.tmp" "$ptx"
  mv "$fatbin.tmp" "$fatbin"
  echo "build-ptx: $stem.cu -> $stem.ptx (ptxas sm_75, sm_90: ok; PTX ISA $isa) and $stem.fatbin (sm_80, sm_90, compute_75)"
done
