#!/usr/bin/env bash
# What a Spark job costs by itself on local[2] (JobOverhead.java): the floor under every pass of a
# distributed fit. Needs the spark module's dependencies (mvn -f spark dependency:resolve).
# Usage: bench/experiments/spark-job-overhead/run.sh [PARAMETERS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -f spark dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$work/cp.txt" >/dev/null
javac -nowarn -cp "$(cat "$work/cp.txt")" -d "$work" bench/experiments/spark-job-overhead/JobOverhead.java
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
java -Xmx${HEAP:-4g} "${opens[@]}" -Dlog4j2.configurationFile="$PWD/spark/src/test/resources/log4j2.properties" \
  -cp "$work:$(cat "$work/cp.txt")" JobOverhead "${1:-65}"
