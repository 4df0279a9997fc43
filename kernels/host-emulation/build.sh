#!/usr/bin/env bash
# Builds the CUDA kernels as host code (emulation.h) into OUT_DIR:
#   check_kernels         every kernel against double-precision sums, in several block and thread
#                         orders, under AddressSanitizer and UBSan (CudaKernelsOnTheHostTest runs it);
#   driver/libcuda.so.1   the stand-in CUDA driver that runs the JCuda host code against the same
#                         kernels (the cuda-on-the-host test run puts it on LD_LIBRARY_PATH).
#
#   kernels/host-emulation/build.sh OUT_DIR
#
# Run by Maven in generate-test-resources. Where it cannot build (no g++, not x86-64) it writes
# OUT_DIR/unavailable.txt with the reason, which the tests report as their skip reason; with
# DESCENT_REQUIRE_CUDA_EMULATION set (CI sets it) that is an error instead.
set -euo pipefail
out="${1:?usage: build.sh OUT_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
kernels="$(dirname "$here")"
mkdir -p "$out"
rm -f "$out/unavailable.txt"

unavailable() {
  if [[ -n "${DESCENT_REQUIRE_CUDA_EMULATION:-}" ]]; then
    echo "host-emulation: DESCENT_REQUIRE_CUDA_EMULATION is set but $1" >&2
    exit 1
  fi
  echo "$1" > "$out/unavailable.txt"
  echo "host-emulation: $1; the kernel checks on the host will be skipped"
  exit 0
}
[[ "$(uname -m)" == x86_64 ]] || unavailable "the fiber switch of the emulation is written for x86-64, not $(uname -m)"
command -v g++ >/dev/null 2>&1 || unavailable "g++ is not on the PATH"

# Up to date: both products newer than every source.
if [[ -f "$out/check_kernels" && -f "$out/driver/libcuda.so.1" ]] &&
   ! find "$kernels" -maxdepth 1 \( -name '*.cu' -o -name '*.h' \) -newer "$out/check_kernels" | grep -q . &&
   ! find "$here" -type f -newer "$out/check_kernels" | grep -q . &&
   ! find "$kernels" -maxdepth 1 \( -name '*.cu' -o -name '*.h' \) -newer "$out/driver/libcuda.so.1" | grep -q . &&
   ! find "$here" -type f -newer "$out/driver/libcuda.so.1" | grep -q .; then
  exit 0
fi

# Each `__shared__ type name[..];` becomes DESCENT_EMU_SHARED(type, name, [..]) and each
# `extern __shared__ type name[];` DESCENT_EMU_DYNAMIC_SHARED(type, name): shared memory the scheduler
# can fill before every block. Anything else spelled __shared__ stops the build.
mkdir -p "$out/src"
for source in "$kernels"/*.cu; do
  stem="$(basename "$source")"
  sed -E \
    -e 's/extern[[:space:]]+__shared__[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)\[\];/DESCENT_EMU_DYNAMIC_SHARED(\1, \2);/' \
    -e 's/__shared__[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)((\[[^];]*\])+);/DESCENT_EMU_SHARED(\1, \2, \3);/' \
    "$source" > "$out/src/$stem"
  if grep -n '__shared__' "$out/src/$stem" >&2; then
    echo "host-emulation: $stem declares shared memory in a form build.sh cannot rewrite (above)" >&2
    exit 1
  fi
done

flags=(-std=c++17 -Wall -Wextra -Wno-unknown-pragmas -Wno-unused-parameter -include "$here/emulation.h"
       -I "$out/src" -I "$kernels" -I "$here")
modules=("$here"/modules/*.cpp)

# The checks: sanitizers on, every error fatal.
g++ "${flags[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
    -o "$out/check_kernels.tmp" "$here/check_kernels.cpp" "$here/fibers.cpp" "$here/registry.cpp" "${modules[@]}"
mv "$out/check_kernels.tmp" "$out/check_kernels"

# The stand-in driver: optimized, one shared library named as the real driver's.
mkdir -p "$out/driver"
g++ "${flags[@]}" -O2 -fPIC -shared -Wl,-soname,libcuda.so.1 -Wl,--no-undefined -pthread \
    -o "$out/driver/libcuda.so.1.tmp" "$here/standin_driver.cpp" "$here/fibers.cpp" "$here/registry.cpp" "${modules[@]}"
mv "$out/driver/libcuda.so.1.tmp" "$out/driver/libcuda.so.1"
echo "host-emulation: $out/check_kernels and $out/driver/libcuda.so.1"
