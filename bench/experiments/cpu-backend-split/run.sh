#!/usr/bin/env bash
# The cpu step before and after the CpuBackend split, same JVM, same X, both construction orders.
# Writes bench/results/<date>-cpu-split/ab.txt.   bench/experiments/cpu-backend-split/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="bench/results/$(date -u +%Y-%m-%d)-cpu-split"
mkdir -p "$out" /tmp/cpu-split
mvn -B -q -o compile
javac --add-modules jdk.incubator.vector -nowarn -cp target/classes -d /tmp/cpu-split bench/experiments/cpu-backend-split/*.java
jsig="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD) (+ working tree)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
  for order in afterfirst beforefirst; do
    for run in "1000000x64 linear 200" "1000000x64 logistic 200" "50000x1024 linear 200" "50000x1024 logistic 200" "20000x784 softmax 60"; do
      set -- $run
      java --add-modules jdk.incubator.vector -cp target/classes:/tmp/cpu-split SplitAB "$1" "$2" "$3" 2 "$order" 2>&1 | grep -v WARNING
    done
  done
} | tee "$out/ab.txt"
