#!/usr/bin/env bash
# Builds the self-contained bundle that runs descent's GPU tests and GPU benchmark on a machine with
# no network, no Maven and maybe no JDK (x86-64 Linux, like this one):
#
#   native-test/bundle.sh [OUT_DIR]          (default: target/native-bundle)
#
# OUT_DIR/
#   descent.jar          the CLI jar (target/descent-cli.jar, kernels included), natives for other platforms removed
#   test-classes/        the compiled tests (src/test) and their data files
#   junit-console.jar    the JUnit Platform console launcher (standalone)
#   runtime/             a jlink'ed Java runtime (java.base, ..., jdk.incubator.vector; no java.desktop)
#   sass/                the kernels' sm_90 cubins, built as the fatbins' sm_90 code is, for the SASS check
#                        (cuobjdump there), and their registers and spills (ptxas-sm_90.txt)
#   torch_step.py        the PyTorch peer step (bench/peers/torch_step.py)
#   run.sh               the one command: checks, tests, benchmark (see native-test/README.md)
#   run-large.sh         the optional second command: the benchmark on larger shapes
#
# Needs nvcc on the PATH (a bundle without PTX would test nothing) and a JDK with jlink.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/native-bundle}"
junit_console_version=1.14.1
command -v nvcc >/dev/null || { echo "bundle: nvcc is not on the PATH; the bundle needs the CUDA kernels' PTX" >&2; exit 1; }
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"

DESCENT_REQUIRE_PTX=1 mvn -B -q package -DskipTests
mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_console_version" \
  -DoutputDirectory=target/native-deps

rm -rf "$out"
mkdir -p "$out"
cp target/native-deps/junit-platform-console-standalone-$junit_console_version.jar "$out/junit-console.jar"
cp -r target/test-classes "$out/test-classes"
cp bench/peers/torch_step.py native-test/run.sh native-test/run-large.sh "$out/"
mkdir -p "$out/sass"
for source in kernels/*.cu; do
  stem="$(basename "$source" .cu)"
  echo "== $stem.cu" >> "$out/sass/ptxas-sm_90.txt"
  nvcc -cubin -std=c++17 -I kernels -gencode arch=compute_90,code=sm_90 -Xptxas -v \
    -o "$out/sass/$stem.sm_90.cubin" "$source" 2>> "$out/sass/ptxas-sm_90.txt"
done
# natives of other operating systems and architectures are dead weight on the x86-64 Linux target
/usr/bin/python3 - target/descent-cli.jar "$out/descent.jar" <<'PY'
import re, sys, zipfile
keep = re.compile(r"(linux-x86_64|Linux/x86_64/)")
native = re.compile(r"\.(so|dll|dylib|jnilib)$")
with zipfile.ZipFile(sys.argv[1]) as source, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as target:
    for item in source.infolist():
        if native.search(item.filename) and not keep.search(item.filename):
            continue
        target.writestr(item, source.read(item.filename))
PY
# the modules descent and its tests use, plus the Vector API; not java.desktop (14 MiB), which only
# the PNG charts need: the bundle runs no --plot, and its full-suite mode skips the tests tagged "desktop"
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/runtime" 2>&1 | grep -v "compress" || true
# Debian's JDK ships its native libraries with symbols; the runtime needs none of them
find "$out/runtime" -name '*.so' -exec strip --strip-unneeded {} +
chmod +x "$out/run.sh" "$out/run-large.sh"
du -sh "$out"
echo "bundle: $out ($(du -sm "$out" | cut -f1) MiB); on the GPU machine run: $out/run.sh [RESULTS_DIR]"
