#!/usr/bin/env bash
# Runs descent's GPU checks, tests and benchmark from a bundle made by native-test/bundle.sh. Needs only
# this folder, an NVIDIA driver and, for the peer, python3 with torch; uses cuobjdump and compute-sanitizer
# where the machine has them.
#
#   ./run.sh [RESULTS_DIR] [native|tests|bench|all]
#     native (default), in this order, each stage within what is left of DESCENT_TOTAL_SECONDS (300):
#       the machine (nvidia-smi, descent devices); the SASS check of fused_narrow (cuobjdump);
#       the CUDA tests (DESCENT_REQUIRE_CUDA=1: no skipping; DESCENT_CUDA_CYCLES open/close cycles, 100);
#       descent bench beside the read floor and PyTorch, and the summary against the goals;
#       compute-sanitizer memcheck and racecheck on a subset of the CUDA tests
#     tests:  the machine and the CUDA tests only
#     bench:  the machine and the benchmark only (run-large.sh uses it)
#     all:    every test of the suite (CPU, OpenCL where there is a platform, CUDA) but the two that draw
#             PNGs (the runtime has no java.desktop); no benchmark
#
# A lent GPU machine returns at most 8 files and gives a command at most 10 minutes, so RESULTS_DIR
# (default ./results) receives three files, rewritten after every stage (a run cut short still returns
# what it finished):
#   results.tar.gz     everything: machine.txt, sass/ and sass-check.txt, tests.txt, junit/ (XML reports),
#                      descent-<model>.json/.txt (cuda, the cublas baseline where cuBLAS 12 loads, cpu; step by
#                      step), descent-<model>-graph.json/.txt (32 steps per read: graph replay),
#                      descent-softmax-*.json/.txt, torch.txt, summary.txt, sanitizer-<tool>.txt, stages.txt
#   tests-summary.txt  the machine, the SASS check, the tests' totals and failures, the sanitizers' verdicts
#   summary.txt        step times side by side, ratios, bandwidth, and each goal met or missed
# Settings (defaults fit 5 minutes): DESCENT_BENCH_SHAPES (10000x64,1000000x64,1000000x256,4000000x256),
#   DESCENT_BENCH_SOFTMAX_SHAPES (1000000x64,60000x784; 10 classes, each kernel the shape takes beside those it
#   replaced), DESCENT_BENCH_STEPS (20),
#   DESCENT_BENCH_WARMUP_SECONDS (0.5), DESCENT_CUDA_CYCLES (100), DESCENT_TOTAL_SECONDS (300; 3600 for all),
#   DESCENT_STAGE_SECONDS (the most any one stage may take, 150; 3600 for all)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
results="$(mkdir -p "${1:-$here/results}" && cd "${1:-$here/results}" && pwd)"
mode="${2:-native}"
work="$(mktemp -d)"
java="$here/runtime/bin/java"
[[ -x "$java" ]] || java="$(command -v java)"
# Signal chaining, as the ./descent launcher does (a driver's compiler may replace the JVM's handlers).
jsig="$(dirname "$(dirname "$(readlink -f "$java")")")/lib/libjsig.so"
[[ -f "$jsig" ]] && export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}"
shapes="${DESCENT_BENCH_SHAPES:-10000x64,1000000x64,1000000x256,4000000x256}"
softmax_shapes="${DESCENT_BENCH_SOFTMAX_SHAPES:-1000000x64,60000x784}"
steps="${DESCENT_BENCH_STEPS:-20}"
warmup_seconds="${DESCENT_BENCH_WARMUP_SECONDS:-0.5}"
cycles="${DESCENT_CUDA_CYCLES:-100}"
total_seconds="${DESCENT_TOTAL_SECONDS:-$([[ "$mode" == all ]] && echo 3600 || echo 300)}"
stage_seconds="${DESCENT_STAGE_SECONDS:-$([[ "$mode" == all ]] && echo 3600 || echo 150)}"
jvm=(--add-modules jdk.incubator.vector -Xmx48g -XX:+UseParallelGC -Ddescent.test.cudaCycles="$cycles"
  -Ddescent.cpu.kernels=vector)
cuda_tests=dev.descent.backend.gpu.cuda.CudaBackendTest
cd "$here"

# CUDA's tools, on the PATH or where the toolkit keeps them
tool() {
  command -v "$1" 2>/dev/null || { [[ -x "/usr/local/cuda/bin/$1" ]] && echo "/usr/local/cuda/bin/$1"; } || true
}

# A benchmark stage's limit: N seconds in the checks' run (native), the stage limit in bench mode (larger shapes)
cap() {
  [[ "$mode" == bench ]] && echo "$stage_seconds" || echo "$1"
}

# Packs the work folder into RESULTS_DIR's three files; run after every stage and on exit.
pack() {
  tar czf "$results/results.tar.gz.part" -C "$work" . && mv "$results/results.tar.gz.part" "$results/results.tar.gz"
  {
    cat "$work/machine.txt" 2>/dev/null
    cat "$work/sass-check.txt" 2>/dev/null
    echo "--- tests ($mode): totals, then the first failures"
    grep -E "(tests|containers) (successful|failed|aborted|skipped|found)" "$work/tests.txt" 2>/dev/null
    grep -E "MethodSource|=> " "$work/tests.txt" 2>/dev/null | head -60
    cat "$work/sanitizers.txt" 2>/dev/null
    echo "--- stages (seconds, exit status; 124: stopped at its limit)"
    cat "$work/stages.txt" 2>/dev/null
  } > "$results/tests-summary.txt"
  [[ -f "$work/summary.txt" ]] && cp "$work/summary.txt" "$results/summary.txt"
  return 0
}
trap pack EXIT

# stage NAME OUTPUT CAP COMMAND...: runs COMMAND within CAP seconds, the stage limit and what is left of
# the run's total, its output to the screen and to OUTPUT; notes its time and status in stages.txt and
# packs. A stage with under 5 seconds left is not run (status 125).
stage() {
  local name="$1" output="$2" cap="$3" left=$((total_seconds - SECONDS)) started=$SECONDS status
  shift 3
  ((cap > stage_seconds)) && cap=$stage_seconds
  ((cap > left)) && cap=$left
  if ((cap < 5)); then
    echo "$name: not run, the run's $total_seconds s are spent" | tee -a "$output"
    status=125
  else
    timeout "$cap" "$@" 2>&1 | tee -a "$output"
    status=${PIPESTATUS[0]}
  fi
  printf '%-28s %4d s  exit %d\n' "$name" $((SECONDS - started)) "$status" >> "$work/stages.txt"
  pack
  return "$status"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "bundle: $here"
  uname -srm
  "$java" -version 2>&1 | head -1
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.memory --format=csv 2>&1
  else
    echo "nvidia-smi: not found"
  fi
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "settings: mode $mode, shapes $shapes, softmax $softmax_shapes, steps $steps, warm-up ${warmup_seconds} s, cuda cycles $cycles, run limit ${total_seconds} s, stage limit ${stage_seconds} s"
  echo "--- descent devices"
  timeout 60 "$java" "${jvm[@]}" -jar descent.jar devices 2>&1 | grep -v "^WARNING: Using incubator\|^OpenJDK VM warning: the use of signal"
} | tee "$work/machine.txt"
pack

# The SASS check (fused_step.cu's version 2 of fused_narrow: a round's loads back to back, no branch between)
if [[ "$mode" == native ]]; then
  cuobjdump="$(tool cuobjdump)"
  if [[ -z "$cuobjdump" ]]; then
    echo "--- SASS check: not run, no cuobjdump on this machine" > "$work/sass-check.txt"
  elif [[ ! -d "$here/sass" ]]; then
    echo "--- SASS check: not run, the bundle has no sass/ (an older bundle.sh)" > "$work/sass-check.txt"
  else
    mkdir -p "$work/sass"
    cp "$here/sass/ptxas-sm_90.txt" "$work/sass/" 2>/dev/null
    for cubin in "$here"/sass/*.cubin; do
      "$cuobjdump" -sass "$cubin" > "$work/sass/$(basename "$cubin" .cubin).sass" 2>&1
    done
    echo "--- SASS check (sm_90, $("$cuobjdump" --version 2>&1 | tail -1))" > "$work/sass-check.txt"
    timeout 60 "$java" -cp test-classes dev.descent.backend.gpu.cuda.SassLoadCheck "$work/sass/fused_step.sm_90.sass" \
      >> "$work/sass-check.txt" 2>&1
    echo "SASS check exit status $? (0: back to back, 1: serialized, 2: no fused_narrow in the listing)" >> "$work/sass-check.txt"
  fi
  cat "$work/sass-check.txt"
  pack
fi

status=0
if [[ "$mode" != bench ]]; then
  case "$mode" in
    all) selection=(--scan-class-path test-classes --exclude-tag desktop) ;;
    # the CUDA package, and the sparse kernels against the reference (their first run on a GPU)
    *) export DESCENT_REQUIRE_CUDA=1; jvm+=(-Ddescent.test.backends=cuda)
       selection=(--select-package dev.descent.backend.gpu.cuda
         --select-method 'dev.descent.backend.SparseSumsTest#deviceSparseSumsMatchTheReference(java.lang.String, dev.descent.loss.Loss, int, int, int, int)'
         --select-method 'dev.descent.backend.SparseSumsTest#deviceSparseStepsMatchTheReference(java.lang.String, dev.descent.loss.Loss, int, int, int, int)') ;;
  esac
  stage tests "$work/tests.txt" "$stage_seconds" "$java" "${jvm[@]}" -jar junit-console.jar execute \
    --class-path "descent.jar:test-classes" "${selection[@]}" --reports-dir "$work/junit" --details=tree --disable-banner
  status=$?
  [[ "$mode" == native ]] || exit "$status"
fi

# the cublas baseline needs CUDA 12's libcublas.so.12; a CUDA 13 machine may have one inside PyTorch's wheels
if ! ldconfig -p 2>/dev/null | grep -q 'libcublas.so.12'; then
  for dir in $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
    found="$(find "$dir" -name 'libcublas.so.12' 2>/dev/null | head -1)"
    if [[ -n "$found" ]]; then
      export LD_LIBRARY_PATH="$(dirname "$found")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      echo "cublas baseline: using $found" | tee -a "$work/machine.txt"
      break
    fi
  done
fi

for model in linear logistic; do
  stage "bench $model" "$work/descent-$model.txt" "$(cap 90)" "$java" "${jvm[@]}" -jar descent.jar bench \
    --backends cuda,cublas,cpu --model "$model" --shape "$shapes" --steps "$steps" --warmup 10 \
    --warmup-seconds "$warmup_seconds" --json "$work/descent-$model.json"
  stage "bench $model graph" "$work/descent-$model-graph.txt" "$(cap 60)" "$java" "${jvm[@]}" -jar descent.jar bench \
    --backends cuda --model "$model" --shape "$shapes" --steps "$steps" --warmup 2 --warmup-seconds "$warmup_seconds" \
    --read-every 32 --json "$work/descent-$model-graph.json"
done
# softmax: the kernel chosen by shape (fused_softmax at 64 features, fused_tiled at 784) beside those it replaced
# unmeasured (-Ddescent.cuda.kernels=tiled: fused_tiled; wide: fused_wide), and the cpu
for kernels in auto tiled wide; do
  backends="cuda"; [[ "$kernels" == auto ]] && backends="cuda,cpu"
  stage "bench softmax $kernels" "$work/descent-softmax-$kernels.txt" "$(cap 45)" "$java" "${jvm[@]}" \
    -Ddescent.cuda.kernels="$kernels" -jar descent.jar bench --backends "$backends" --model softmax --classes 10 \
    --shape "$softmax_shapes" --steps "$steps" --warmup 5 --warmup-seconds "$warmup_seconds" \
    --json "$work/descent-softmax-$kernels.json"
done
stage torch "$work/torch.txt" "$(cap 60)" env -u LD_PRELOAD python3 torch_step.py --shapes "$shapes" --models linear,logistic --steps "$steps"

python3 - "$work" <<'PY' | tee "$work/summary.txt"
import json, math, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
# the goals of the GPU run (issue 22): the fraction of the read floor and the speed-up over PyTorch's step
READ_GOAL, TORCH_GOAL_LARGE, TORCH_GOAL_SMALL = 0.85, 1.8, 5.0
def rows_of(name):
    path = out / name
    return json.loads(path.read_text())["results"] if path.exists() else []
def available_rows(name, backend="cuda"):
    return {r["shape"]: r for r in rows_of(name) if r["backend"] == backend and r["available"]}
def values(shape):
    rows, columns = (int(v) for v in shape.split("x"))
    return rows * columns
torch = {}
if (out / "torch.txt").exists():
    for line in (out / "torch.txt").read_text().splitlines():
        m = re.match(r"(torch-\S+) (\S+) (\S+): median ([0-9.]+) ms", line)
        if m:
            key = (m[2], m[3])
            torch[key] = min(torch.get(key, float("inf")), float(m[4]))
print("descent cuda step time against PyTorch's faster variant (manual or autograd) on the same GPU; ratio > 1: descent faster")
print(f"{'model':9} {'shape':13} {'descent ms':>11} {'graph ms':>9} {'cublas ms':>9} {'torch ms':>9} {'ratio':>6} {'graph ratio':>11} {'X GB/s':>8} {'read GB/s':>9} {'of read':>7} {'first step ms':>13}")
goals = []
for model in ("linear", "logistic"):
    rows = rows_of(f"descent-{model}.json")
    if not rows:
        print(f"{model:9} no benchmark results (the stage failed or ran out of time: see descent-{model}*.txt)")
        continue
    plain = {r["shape"]: r for r in rows if r["backend"] == "cuda"}
    baseline = available_rows(f"descent-{model}.json", "cublas")
    graph = available_rows(f"descent-{model}-graph.json")
    for shape, r in plain.items():
        if not r["available"]:
            print(f"{model:9} {shape:13} cuda unavailable: {r['reason']}")
            continue
        g = graph.get(shape, {})
        t = torch.get((shape, model), float("nan"))
        gm = g.get("median_ms", float("nan"))
        cb = baseline.get(shape, {}).get("median_ms", float("nan"))
        print(f"{model:9} {shape:13} {r['median_ms']:11.4f} {gm:9.4f} {cb:9.4f} {t:9.4f} {t / r['median_ms']:6.2f} {t / gm:11.2f} "
              f"{r['x_bytes_per_s'] / 1e9:8.1f} {r['read_bandwidth_bytes_per_s'] / 1e9:9.1f} {100 * r['fraction_of_read_bandwidth']:6.1f}% "
              f"{r['time_to_first_step_ms']:13.1f}")
        # each goal judged on the faster of step by step and graph replay, and says which
        chosen, way = (g, "graph replay") if gm < r["median_ms"] else (r, "step by step")
        best, of_read = chosen["median_ms"], chosen["fraction_of_read_bandwidth"]
        if values(shape) >= 1_000_000 * 256:
            goals.append((f"{model} {shape}: X read at {100 * of_read:.1f}% of the measured read bandwidth ({way})", of_read, READ_GOAL))
            goals.append((f"{model} {shape}: {t / best:.2f}x PyTorch's step ({way})", t / best, TORCH_GOAL_LARGE))
        elif shape == "10000x64":
            goals.append((f"{model} {shape}: {t / best:.2f}x PyTorch's step ({way})", t / best, TORCH_GOAL_SMALL))
print()
print("softmax, 10 classes: the kernel chosen by shape (auto: fused_softmax up to 128 features, else fused_tiled) against")
print("those it replaced (-Ddescent.cuda.kernels=tiled, wide); ratio > 1: auto faster")
print(f"{'shape':13} {'auto ms':>9} {'tiled ms':>9} {'wide ms':>9} {'/tiled':>6} {'/wide':>6} {'cpu ms':>9} {'X GB/s':>8} {'of read':>7}")
auto, tiled, wide = (available_rows(f"descent-softmax-{k}.json") for k in ("auto", "tiled", "wide"))
cpu = available_rows("descent-softmax-auto.json", "cpu")
if not auto:
    print("no softmax results (the stage failed or ran out of time: see descent-softmax-*.txt)")
for shape, r in auto.items():
    t, w, c = (rows.get(shape, {}).get("median_ms", float("nan")) for rows in (tiled, wide, cpu))
    print(f"{shape:13} {r['median_ms']:9.4f} {t:9.4f} {w:9.4f} {t / r['median_ms']:6.2f} {w / r['median_ms']:6.2f} {c:9.4f} "
          f"{r['x_bytes_per_s'] / 1e9:8.1f} {100 * r['fraction_of_read_bandwidth']:6.1f}%")
print()
print(f"goals: at least {READ_GOAL:.0%} of the read bandwidth and {TORCH_GOAL_LARGE}x PyTorch at 1,000,000 x 256 and above, "
      f"{TORCH_GOAL_SMALL}x PyTorch at 10,000 x 64")
if not goals:
    print("  none judged: no cuda benchmark row of those shapes")
for text, value, goal in goals:
    verdict = "unmeasured" if math.isnan(value) else ("met" if value >= goal else "MISSED")
    print(f"  {verdict:10} {text} (goal {goal:g})")
PY
pack

# compute-sanitizer on a subset of the CUDA tests: every fused kernel's odd shapes, many classes, the tiled and
# warp softmax kernels, sparse rows under graph replay (memcheck); all but the odd shapes (racecheck)
sanitizer="$(tool compute-sanitizer)"
if [[ "$mode" == native ]]; then
  if [[ -z "$sanitizer" ]]; then
    echo "--- compute-sanitizer: not run, not on this machine" > "$work/sanitizers.txt"
  else
    echo "--- compute-sanitizer (exit 0: no error; 7: errors, see sanitizer-<tool>.txt; 124: stopped at its limit)" > "$work/sanitizers.txt"
    many="--select-method=$cuda_tests#manyClassesMatchTheReference(int, int)"
    tiled="--select-method=$cuda_tests#theTiledKernelAgreesWithTheWideKernelItReplaced()"
    warp="--select-method=$cuda_tests#theWarpSoftmaxKernelAgreesWithTheKernelsItReplaced()"
    sparse="--select-method=$cuda_tests#graphReplayGivesTheSameBitsAsStepByStepOnSparseRows()"
    odd="--select-method=$cuda_tests#objectiveGradientAndGramMatchTheReferenceOnOddShapes(dev.descent.loss.Loss, int, int)"
    for tool_name in memcheck racecheck; do
      subset=("$many" "$tiled" "$warp" "$sparse")
      [[ "$tool_name" == memcheck ]] && subset+=("$odd")
      stage "compute-sanitizer $tool_name" "$work/sanitizer-$tool_name.txt" 75 "$sanitizer" --tool "$tool_name" \
        --error-exitcode 7 --print-limit 20 "$java" "${jvm[@]}" -jar junit-console.jar execute \
        --class-path "descent.jar:test-classes" "${subset[@]}" --details=summary --disable-banner
      code=$?
      echo "$tool_name: exit $code; $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$work/sanitizer-$tool_name.txt" | tail -1);" \
        "tests: $(grep -E 'tests (successful|failed)' "$work/sanitizer-$tool_name.txt" | tr -s ' []' ' ' | xargs)" >> "$work/sanitizers.txt"
    done
    cat "$work/sanitizers.txt"
  fi
fi
exit "$status"
