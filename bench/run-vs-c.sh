#!/usr/bin/env bash
# The cpu step against the issue's yardstick, the fused C loop (bench/tools/fused-step.c, linear),
# in alternation: ROUNDS times at each shape, the C loop (100 triples) then PairedStep (100 pairs,
# linear), each beside its own streaming read. run-step.sh runs the C loop once, minutes away from
# the Java step, and this machine's memory bandwidth moves by a third in that time; here each
# round's two processes run seconds apart, and the summary is the median over rounds of the ratio
# of the two steps (Java / C) and of the two reads.
# Writes bench/results/<date>-vs-c/ with the raw outputs, the summary and the command.
#   bench/run-vs-c.sh [ROUNDS, 6]          (about 4 minutes at 6 rounds on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-6}"
out="bench/results/$(date -u +%Y-%m-%d)-vs-c"
run=1
while [ -e "$out" ]; do run=$((run + 1)); out="bench/results/$(date -u +%Y-%m-%d)-vs-c-$run"; done
mkdir -p "$out"
mvn -B -q -f bench/pom.xml package
gcc -O3 -march=native -fopenmp bench/tools/fused-step.c -o bench/target/fused-step -lm
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "gcc: $(gcc --version | head -1)"
  echo "commit: $(git rev-parse --short HEAD)"
  echo "command: bench/run-vs-c.sh $rounds"
} > "$out/machine.txt"
for shape in 1000000x64 50000x1024; do
  for round in $(seq "$rounds"); do
    OMP_NUM_THREADS="$(nproc)" bench/target/fused-step "${shape%x*}" "${shape#*x}" 100 | tee -a "$out/c-fused.txt"
    java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.descent.bench.PairedStep 100 "$shape" linear \
      | grep "^$shape" | tee -a "$out/paired.txt"
  done
done
/usr/bin/python3 - "$out" <<'EOF' | tee "$out/summary.txt"
import re, statistics, sys
out = sys.argv[1]
c = [(m.group(1), float(m.group(2)), float(m.group(3)))
     for m in re.finditer(r"^C (\S+) linear.*?read ([\d.]+) ms.*?fused step ([\d.]+) ms", open(out + "/c-fused.txt").read(), re.M)]
j = [(m.group(1), float(m.group(2)), float(m.group(3)))
     for m in re.finditer(r"^(\S+)\s+linear\s+([\d.]+)\s+([\d.]+)", open(out + "/paired.txt").read(), re.M)]
assert len(c) == len(j) and all(a[0] == b[0] for a, b in zip(c, j)), "unmatched rounds"
print("linear full-batch step, the cpu backend (PairedStep) against the fused C loop, rounds seconds apart; ms")
print(f"{'shape':<12} {'round':>5} {'C read':>8} {'C step':>8} {'C/read':>7} {'J read':>8} {'J step':>8} {'J/read':>7} {'J/C step':>9}")
for shape in dict.fromkeys(s for s, _, _ in c):
    rows = [(a, b) for a, b in zip(c, j) if a[0] == shape]
    for k, (a, b) in enumerate(rows, 1):
        print(f"{shape:<12} {k:>5} {a[1]:8.3f} {a[2]:8.3f} {a[2] / a[1]:7.3f} {b[1]:8.3f} {b[2]:8.3f} {b[2] / b[1]:7.3f} {b[2] / a[2]:9.3f}")
    med = lambda f: statistics.median(f(a, b) for a, b in rows)
    print(f"{shape:<12} median: C step/read {med(lambda a, b: a[2] / a[1]):.3f}, Java step/read {med(lambda a, b: b[2] / b[1]):.3f}, "
          f"Java step / C step {med(lambda a, b: b[2] / a[2]):.3f}, Java read / C read {med(lambda a, b: b[1] / a[1]):.3f}")
EOF
