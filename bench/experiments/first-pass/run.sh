#!/usr/bin/env bash
# A fresh JVM's first passes on the cpu backend: vector kernels from the start, scalar twins only, and
# twins with the warm-up (the default); then whole `descent fit` runs against the reference backend.
# Writes bench/results/<date>-first-pass/runs.txt.   bench/experiments/first-pass/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="bench/results/$(date -u +%Y-%m-%d)-first-pass"
data=/tmp/descent-first-pass
mkdir -p "$out" "$data/classes"
mvn -B -q package -DskipTests
javac --add-modules jdk.incubator.vector -nowarn -cp target/classes -d "$data/classes" bench/experiments/first-pass/FirstPasses.java
/usr/bin/python3 - "$data" <<'PY'
import numpy as np, sys
out = sys.argv[1]
rng = np.random.default_rng(20261205)
for n in (20000, 200000):
    x = rng.normal(size=(n, 64)).astype(np.float32)
    truth = rng.normal(size=64) / 8
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ truth) * 3))).astype(np.float32)
    np.save(f"{out}/x{n}.npy", x); np.save(f"{out}/y{n}.npy", y)
PY
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD) (+ working tree)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
  echo "## pass times in a fresh JVM (ms; w: warmed up, the code it keeps)"
  for run in "20000 64 logistic 40" "200000 64 logistic 120" "200000 64 linear 40" "20000 64 softmax 40 10"; do
    for kernels in vector scalar warm-up; do
      java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Ddescent.cpu.kernels=$kernels \
        -cp target/classes:"$data/classes" FirstPasses $run 2>&1 | grep -v WARNING
    done
  done
  echo "## whole runs: descent fit --model logistic --l2 1e-4 (wall seconds), alternated"
  for n in 20000 200000; do
    for round in 1 2 3; do
      for backend in cpu reference; do
        /usr/bin/time -f "$n x 64 $backend round $round: wall %e s" ./descent fit --train "$data/x$n.npy" --labels "$data/y$n.npy" \
          --model logistic --l2 1e-4 --backend $backend --quiet --out "$data/m-$backend.json" 2>&1 | grep -v WARNING | grep "wall\|time:"
      done
      DESCENT_JAVA_OPTS=-Ddescent.cpu.kernels=vector /usr/bin/time -f "$n x 64 cpu (vector kernels from the start) round $round: wall %e s" \
        ./descent fit --train "$data/x$n.npy" --labels "$data/y$n.npy" --model logistic --l2 1e-4 --backend cpu --quiet \
        --out "$data/m-vector.json" 2>&1 | grep -v WARNING | grep "wall\|time:"
    done
    if cmp -s <(grep -v '"median_step_ms"\|seconds' "$data/m-cpu.json") <(grep -v '"median_step_ms"\|seconds' "$data/m-vector.json"); then
      echo "$n x 64: the model files of the default and the vector-only runs agree byte for byte (timings aside)"
    else
      echo "$n x 64: the model files of the default and the vector-only runs DIFFER"
    fi
  done
} | tee "$out/runs.txt"
