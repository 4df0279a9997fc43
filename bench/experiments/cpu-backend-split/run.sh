#!/usr/bin/env bash
# The cpu step before and after the CpuBackend split, same JVM, same X, both construction orders.
# Writes bench/results/<date>-cpu-split/ab.txt.   bench/experiments/cpu-backend-split/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="bench/results/$(date -u +%Y-%m-%d)-cpu-split"
mkdir -p "$out" /tmp/cpu-split
mvn -B -q compile -DskipTests
# the backend as one class at 9ac439d, renamed, and a second copy for the control
for name in CpuBackendBefore CpuBackendBefore2; do
  git show 9ac439d:src/main/java/dev/descent/backend/cpu/CpuBackend.java \
    | sed -e "s/\bCpuBackend\b/$name/g" > "/tmp/cpu-split/$name.java"
done
javac --add-modules jdk.incubator.vector -nowarn -cp target/classes -d /tmp/cpu-split \
  /tmp/cpu-split/CpuBackendBefore.java /tmp/cpu-split/CpuBackendBefore2.java bench/experiments/cpu-backend-split/SplitAB.java
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD) (+ working tree)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
  for order in afterfirst beforefirst; do
    for run in "1000000x64 linear 200" "1000000x64 logistic 200" "50000x1024 linear 200" "50000x1024 logistic 200" "20000x784 softmax 60"; do
      set -- $run
      java --add-modules jdk.incubator.vector -cp target/classes:/tmp/cpu-split SplitAB "$1" "$2" "$3" 2 "$order" 2>&1 | grep -v WARNING
    done
    # the control: the old class against a copy of itself
    java --add-modules jdk.incubator.vector -cp target/classes:/tmp/cpu-split SplitAB 20000x784 softmax 80 2 "$order" \
      dev.descent.backend.cpu.CpuBackendBefore2 2>&1 | grep -v WARNING
  done
} | tee "$out/ab.txt"
