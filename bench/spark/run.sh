#!/usr/bin/env bash
# DescentLogisticRegression against MLlib's LogisticRegression on local[2], same cached DataFrame and
# objective, and against descent's single-machine fit of the same rows (SparkBenchmark.java says how).
# Needs descent installed (mvn install in the repository's root) and the spark module built
# (mvn -f spark package -DskipTests). Writes bench/results/<date>-spark/.
# Usage: bench/spark/run.sh [OUT_DIR]    (about 25 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-bench/results/$(date -u +%Y-%m-%d)-spark}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -f spark dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$work/cp.txt" >/dev/null
# provided scope leaves out descent itself (compile scope): add both
mvn -B -q -f spark dependency:build-classpath -Dmdep.outputFile="$work/cp-compile.txt" >/dev/null
cp="spark/target/classes:$(cat "$work/cp.txt"):$(cat "$work/cp-compile.txt")"
javac -nowarn -cp "$cp" -d "$work" bench/spark/SparkBenchmark.java
opts=(--add-modules jdk.incubator.vector -Xmx14g -XX:+UseParallelGC
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.configurationFile="$PWD/spark/src/test/resources/log4j2.properties")
{
  echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -1)"
  echo "command: bench/spark/run.sh $*"
} > "$out/README-run.txt"
# binary 1,000,000 x 64, regParam 1e-4; softmax 60,000 x 784 x 10, regParam 1/n
java "${opts[@]}" -Diterations="${BINARY_ITERATIONS:-100}" -cp "$work:$cp" SparkBenchmark binary 1000000 64 2 1e-4 "$out"
java "${opts[@]}" -Diterations="${SOFTMAX_ITERATIONS:-150}" -cp "$work:$cp" SparkBenchmark softmax 60000 784 10 1.6666666666666667e-5 "$out"
echo "wrote $out"
