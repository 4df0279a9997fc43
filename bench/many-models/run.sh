#!/bin/bash
# Many models per pass: one fit, a 20-value l2 path, 20 separate fits and a 5-fold cross-validation on the
# cpu backend (Bench.java, one JVM), then scikit-learn's LogisticRegressionCV on the same data and grid.
# PassTime.java times one pass of 20 and of 100 models against one model's, and FmaPeak the machine's fp32 FMA peak,
# the floor of a model-set pass.
# Usage: bench/many-models/run.sh [ROWS] [REPEATS]  (from the repository root, after mvn package)
set -euo pipefail
rows=${1:-1000000}
repeats=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/make_data.py" "$rows" "$work"
cp=$(cd "$root" && mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout | tr -d "\033" | sed "s/\[0m//g")
echo "$(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $rows x 64 logistic"
java --add-modules jdk.incubator.vector -Xmx8g -cp "$root/target/classes:$cp" "$here/Bench.java" "$work/x.npy" "$work/y.npy" "$repeats" 2>&1 \
    | grep -v "WARNING: Using incubator"
java --add-modules jdk.incubator.vector -Xmx8g -cp "$root/target/classes:$cp" "$here/Bench.java" "$work/x.npy" "$work/y.npy" \
    "$repeats" ovr 2>&1 | grep -v "WARNING: Using incubator\|warning"
for k in 20 100; do
  java --add-modules jdk.incubator.vector -Xmx8g -cp "$root/target/classes:$cp" "$here/PassTime.java" "$k" "$rows" 2>&1 \
      | grep -v "WARNING\|warning" | tail -1
done
javac --add-modules jdk.incubator.vector -nowarn -d "$work" "$root/bench/experiments/softmax-tiles/FmaPeak.java" 2>/dev/null
java --add-modules jdk.incubator.vector -cp "$work" FmaPeak 1 2>&1 | grep -v WARNING | tail -1
/usr/bin/python3 "$here/sklearn_cv.py" "$work/x.npy" "$work/y.npy"
