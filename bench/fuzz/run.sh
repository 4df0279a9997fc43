#!/usr/bin/env bash
# The long fuzzing run of descent's readers: each Jazzer target (src/test/java/dev/descent/io/fuzz)
# for SECONDS, standalone (the JUnit integration fuzzes one test per JVM and stops at maxDuration).
#
#   bench/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET ...]     (default 600, all five targets)
#
# Corpora grow in target/fuzz-corpus/<target>/ (seeded from the regression inputs in
# src/test/resources/dev/descent/io/fuzz/<target>Inputs); a finding is written to
# target/fuzz-findings/<target>/ and stops that target with a non-zero status. Writes a summary with
# each target's executions, duration and final coverage to bench/results/<date>-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(CsvFuzzTest LibsvmFuzzTest NpyFuzzTest NpzFuzzTest ModelFileFuzzTest)
mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
out="bench/results/$(date -u +%Y-%m-%d)-fuzz"
mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "commit: $(git rev-parse --short HEAD)"
  echo "command: bench/fuzz/run.sh $seconds ${targets[*]}"
  echo "java: $(java -version 2>&1 | head -1)"
} > "$out/machine.txt"
status=0
for target in "${targets[@]}"; do
  corpus="target/fuzz-corpus/$target"
  findings="target/fuzz-findings/$target"
  mkdir -p "$corpus" "$findings"
  cp -r src/test/resources/dev/descent/io/fuzz/"$target"Inputs/. "$corpus/" 2>/dev/null || true
  find "$corpus" -mindepth 1 -type d -exec sh -c 'cp "$0"/* "$(dirname "$0")"/ 2>/dev/null; rm -rf "$0"' {} \; 2>/dev/null || true
  log="$out/$target.log"
  echo "fuzzing $target for $seconds s"
  if ! java --add-modules jdk.incubator.vector -Xmx1g -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
      --target_class="dev.descent.io.fuzz.$target" --instrumentation_includes='dev.descent.**' \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=6144 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$corpus" > "$log" 2>&1; then
    status=1
    echo "$target: FINDING, see $log and $findings" | tee -a "$out/summary.txt"
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -E '#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || echo "?")
  echo "$target: $runs executions in $seconds s ($cov)" | tee -a "$out/summary.txt"
done
exit "$status"
