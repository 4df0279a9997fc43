#!/usr/bin/env bash
# Compiles every CUDA kernel (kernels/*.cu) to PTX for the CUDA backend and checks it with ptxas.
#
#   kernels/build-ptx.sh OUT_DIR
#
# Writes OUT_DIR/<stem>.ptx (PTX for compute_75, the lowest target; the driver compiles it for the
# GPU at hand when the module loads). Each PTX then goes through ptxas for sm_75 and sm_90, which
# finds what nvcc's front end does not (register limits, bad PTX) without a GPU, and must contain no
# double-precision instruction (the kernels are float32; a stray double literal would slow them).
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
mkdir -p "$out"
for source in "$here"/*.cu; do
  stem="$(basename "$source" .cu)"
  ptx="$out/$stem.ptx"
  # newer than its source and every header: nothing to do
  if [[ -f "$ptx" && "$ptx" -nt "$source" ]] && ! find "$here" -name '*.h' -newer "$ptx" | grep -q .; then
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
  mv "$ptx.tmp" "$ptx"
  echo "build-ptx: $stem.cu -> $ptx (ptxas sm_75, sm_90: ok)"
done
