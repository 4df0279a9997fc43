#!/usr/bin/env bash
# The softmax pass before the register tiles (BEFORE, a commit) and now, alternated, against the
# machine's fp32 FMA peak and numpy's two matrix products, at 60,000 x 784 x 10.
# Usage: bench/experiments/softmax-tiles/run.sh [BEFORE]   (default 04cbcfe; writes bench/results/<date>-softmax-tiles/passes.txt)
set -euo pipefail
cd "$(dirname "$0")/../../.."
before="${1:-04cbcfe}"
out="bench/results/$(date -u +%Y-%m-%d)-softmax-tiles"
work=/tmp/descent-softmax-tiles
mkdir -p "$out" "$work/classes"
rm -rf "$work/before" && git worktree add -f -q "$work/before" "$before"
(cd "$work/before" && mvn -B -q compile -DskipTests)
mvn -B -q compile -DskipTests
javac --add-modules jdk.incubator.vector -nowarn -cp target/classes -d "$work/classes" \
  bench/experiments/softmax-tiles/SoftmaxPass.java bench/experiments/softmax-tiles/FmaPeak.java
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD) (+ working tree), before: $before"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
  java --add-modules jdk.incubator.vector -cp "$work/classes" FmaPeak 1 2>&1 | grep -v WARNING | tail -3
  for round in 1 2 3; do
    for version in before now; do
      classes=$([ $version = before ] && echo "$work/before/target/classes" || echo target/classes)
      echo -n "$version: "
      java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$classes:$work/classes" SoftmaxPass 60000 784 10 30 2>&1 | grep -v WARNING
    done
  done
  /usr/bin/python3 - <<'PY'
import numpy as np, time
n, d, k = 60000, 784, 10
rng = np.random.default_rng(0)
X = rng.random((n, d), dtype=np.float32); W = (rng.standard_normal((k, d)) * 0.01).astype(np.float32)
R = rng.standard_normal((n, k)).astype(np.float32)
times = []
for i in range(30):
    t = time.perf_counter(); Z = X @ W.T; G = R.T @ X; times.append(time.perf_counter() - t)
times.sort()
print("numpy %s, X @ W.T and R.T @ X: median %.2f ms, %.1f GFLOP/s" % (np.__version__, times[15] * 1e3, 4 * n * d * k / times[15] / 1e9))
PY
} | tee "$out/passes.txt"
git worktree remove --force "$work/before"
