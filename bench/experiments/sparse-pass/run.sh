#!/usr/bin/env bash
# The cpu backend's sparse pass: against the memory floor and bare row-by-row / tiled copies of its loop
# (SparsePasses.java, at 1,000,000 and the issue's 10,000,000 rows x 1,000,000 features x 40 non-zeros),
# against the dense pass on the same rows by density (DensityCrossover.java), and the heap a fit holds
# beside the CSR arrays (FitMemory.java, on a LIBSVM file such as bench/sparse/run.py writes).
# Usage: bench/experiments/sparse-pass/run.sh [FILE.svm L2]   (writes bench/results/<date>-sparse/passes.txt; ~12 GB of heap)
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="bench/results/$(date -u +%Y-%m-%d)-sparse"
work=/tmp/descent-sparse-pass
mkdir -p "$out" "$work"
mvn -B -q package -DskipTests
javac --add-modules jdk.incubator.vector -nowarn -cp target/descent-cli.jar -d "$work" bench/experiments/sparse-pass/*.java
run() { java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "target/descent-cli.jar:$work" "$@" 2>&1 | grep -v WARNING; }
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
  run -Xmx4g SparsePasses 1000000 1000000 40 7
  run -Xmx12g SparsePasses 10000000 1000000 40 5
  run -Xmx4g DensityCrossover 200000 64 15
  run -Xmx4g DensityCrossover 20000 1024 15
  if [[ $# -ge 2 ]]; then run -Xmx8g FitMemory "$1" "$2"; fi
} | tee "$out/passes.txt"
