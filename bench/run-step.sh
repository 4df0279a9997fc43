#!/usr/bin/env bash
# The step benchmark, with its peer, in one run: JMH's FullBatchStep (each backend's
# full-batch step beside a plain streaming read of X, the floor), numpy's two BLAS calls on the
# same shapes, then PairedStep (the cpu step and the read alternated in one process, so their ratio
# does not carry the drift of a shared machine's memory bandwidth between JMH's forks), then the
# same step as a plain fused C loop beside its own streaming read (bench/tools/fused-step.c), the
# yardstick the issue names, where gcc is installed.
# Writes bench/results/<date>-step/ with the raw outputs and the command.
#   bench/run-step.sh            (about 10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
# A new folder per run: an earlier run of the same day keeps its numbers.
out="bench/results/$(date -u +%Y-%m-%d)-step"
run=1
while [ -e "$out" ]; do run=$((run + 1)); out="bench/results/$(date -u +%Y-%m-%d)-step-$run"; done
mkdir -p "$out"
mvn -B -q -f bench/pom.xml package
# Signal chaining for the JMH forks (they inherit the environment), as the ./descent launcher does:
# the opencl forks load PoCL's LLVM, which replaces the JVM's signal handlers (SignalChaining).
jsig="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so"
if [ -f "$jsig" ]; then export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}"; fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "commit: $(git rev-parse --short HEAD)"
  echo "command: bench/run-step.sh"
} > "$out/machine.txt"
java -jar bench/target/benchmarks.jar FullBatchStep -rf json -rff "$out/jmh.json" | tee "$out/jmh.txt"
/usr/bin/python3 bench/peers/numpy_step.py --shapes 1000000x64,50000x1024 --steps 50 | tee "$out/numpy.txt"
java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.descent.bench.PairedStep 200 | tee "$out/paired.txt"
if command -v gcc > /dev/null; then
  gcc -O3 -march=native -fopenmp bench/tools/fused-step.c -o bench/target/fused-step -lm
  for shape in "1000000 64" "50000 1024"; do
    OMP_NUM_THREADS="$(nproc)" bench/target/fused-step $shape 200
  done | tee "$out/c-fused.txt"
else
  echo "gcc not found: the C yardstick was not run" | tee "$out/c-fused.txt"
fi
