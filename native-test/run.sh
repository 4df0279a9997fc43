#!/usr/bin/env bash
# Runs descent's GPU tests, then its GPU benchmark beside PyTorch's, from a bundle made by
# native-test/bundle.sh. Needs only this folder, an NVIDIA driver and, for the peer, python3 with torch.
#
#   ./run.sh [RESULTS_DIR] [native|all|tests]
#     native (default): the CUDA tests (DESCENT_REQUIRE_CUDA=1: no skipping), then the benchmark
#     all:              every test of the suite (CPU, OpenCL where there is a platform, CUDA) but the two
#                       that draw PNGs (the runtime has no java.desktop); no benchmark
#     tests:            the CUDA tests only
#
# A lent GPU machine returns at most 8 files and gives a command at most 10 minutes, so RESULTS_DIR
# (default ./results) receives three files, rewritten after every stage (a run cut short still
# returns what it finished):
#   results.tar.gz     everything: machine.txt, tests.txt, junit/ (XML reports), descent-<model>.json/.txt
#                      (cuda, the cublas baseline where cuBLAS 12 loads, cpu; step by step),
#                      descent-<model>-graph.json/.txt (32 steps per read: graph replay), torch.txt, summary.txt
#   tests-summary.txt  the machine and the test run's totals and failures
#   summary.txt        step times side by side, ratios, bandwidth
# The defaults fit about 5 minutes in all; for a longer run raise them:
#   DESCENT_BENCH_SHAPES (10000x64,1000000x64,1000000x256), DESCENT_BENCH_SOFTMAX_SHAPE (60000x784, 10 classes:
#   fused_tiled beside fused_wide), DESCENT_BENCH_STEPS (20),
#   DESCENT_BENCH_WARMUP_SECONDS (0.5), DESCENT_CUDA_CYCLES (open/close cycles of the leak test, 200),
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
shapes="${DESCENT_BENCH_SHAPES:-10000x64,1000000x64,1000000x256}"
softmax_shape="${DESCENT_BENCH_SOFTMAX_SHAPE:-60000x784}"
steps="${DESCENT_BENCH_STEPS:-20}"
warmup_seconds="${DESCENT_BENCH_WARMUP_SECONDS:-0.5}"
# the whole suite (all) takes minutes of its own; the GPU run's stages get 150 s each
stage_seconds="${DESCENT_STAGE_SECONDS:-$([[ "$mode" == all ]] && echo 3600 || echo 150)}"
jvm=(--add-modules jdk.incubator.vector -Xmx48g -XX:+UseParallelGC -Ddescent.test.cudaCycles="${DESCENT_CUDA_CYCLES:-200}"
  -Ddescent.cpu.kernels=vector)
cd "$here"

# Packs the work folder into RESULTS_DIR's three files; run after every stage and on exit.
pack() {
  tar czf "$results/results.tar.gz.part" -C "$work" . && mv "$results/results.tar.gz.part" "$results/results.tar.gz"
  {
    cat "$work/machine.txt" 2>/dev/null
    echo "--- tests ($mode): totals, then the first failures"
    grep -E "(tests|containers) (successful|failed|aborted|skipped|found)" "$work/tests.txt" 2>/dev/null
    grep -E "MethodSource|=> " "$work/tests.txt" 2>/dev/null | head -60
  } > "$results/tests-summary.txt"
  [[ -f "$work/summary.txt" ]] && cp "$work/summary.txt" "$results/summary.txt"
  return 0
}
trap pack EXIT

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "bundle: $here"
  uname -srm
  "$java" -version 2>&1 | head -1
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.memory --format=csv 2>&1 || echo "nvidia-smi: not found"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "settings: shapes $shapes, steps $steps, warm-up ${warmup_seconds} s, stage limit ${stage_seconds} s, cuda cycles ${DESCENT_CUDA_CYCLES:-200}"
} | tee "$work/machine.txt"
pack

status=0
case "$mode" in
  all) selection=(--scan-class-path test-classes --exclude-tag desktop) ;;
  # the CUDA package, and the sparse kernels against the reference (their first run on a GPU)
  *) export DESCENT_REQUIRE_CUDA=1; jvm+=(-Ddescent.test.backends=cuda)
     selection=(--select-package dev.descent.backend.gpu.cuda
       --select-method 'dev.descent.backend.SparseSumsTest#deviceSparseSumsMatchTheReference(java.lang.String, dev.descent.loss.Loss, int, int, int, int)'
       --select-method 'dev.descent.backend.SparseSumsTest#deviceSparseStepsMatchTheReference(java.lang.String, dev.descent.loss.Loss, int, int, int, int)') ;;
esac
timeout "$stage_seconds" "$java" "${jvm[@]}" -jar junit-console.jar execute --class-path "descent.jar:test-classes" \
  "${selection[@]}" --reports-dir "$work/junit" --details=tree --disable-banner 2>&1 | tee "$work/tests.txt"
status=${PIPESTATUS[0]}
pack
[[ "$mode" == native ]] || exit "$status"

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
  timeout "$stage_seconds" "$java" "${jvm[@]}" -jar descent.jar bench --backends cuda,cublas,cpu --model "$model" --shape "$shapes" \
    --steps "$steps" --warmup 10 --warmup-seconds "$warmup_seconds" --json "$work/descent-$model.json" 2>&1 | tee "$work/descent-$model.txt"
  pack
  timeout "$stage_seconds" "$java" "${jvm[@]}" -jar descent.jar bench --backends cuda --model "$model" --shape "$shapes" \
    --steps "$steps" --warmup 2 --warmup-seconds "$warmup_seconds" --read-every 32 --json "$work/descent-$model-graph.json" 2>&1 \
    | tee "$work/descent-$model-graph.txt"
  pack
done
# softmax: fused_tiled (chosen by shape) beside fused_wide, which it replaced unmeasured, and the cpu
for kernels in auto wide; do
  backends="cuda"; [[ "$kernels" == auto ]] && backends="cuda,cpu"
  timeout "$stage_seconds" "$java" "${jvm[@]}" -Ddescent.cuda.kernels="$kernels" -jar descent.jar bench --backends "$backends" \
    --model softmax --classes 10 --shape "$softmax_shape" --steps "$steps" --warmup 5 --warmup-seconds "$warmup_seconds" \
    --json "$work/descent-softmax-$kernels.json" 2>&1 | tee "$work/descent-softmax-$kernels.txt"
  pack
done
timeout "$stage_seconds" python3 torch_step.py --shapes "$shapes" --models linear,logistic --steps "$steps" 2>&1 | tee "$work/torch.txt"
pack

python3 - "$work" <<'PY' | tee "$work/summary.txt"
import json, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
torch = {}
for line in (out / "torch.txt").read_text().splitlines():
    m = re.match(r"(torch-\S+) (\S+) (\S+): median ([0-9.]+) ms", line)
    if m:
        key = (m[2], m[3])
        torch[key] = min(torch.get(key, float("inf")), float(m[4]))
print("descent cuda step time against PyTorch's faster variant (manual or autograd) on the same GPU; ratio > 1: descent faster")
print(f"{'model':9} {'shape':13} {'descent ms':>11} {'graph ms':>9} {'cublas ms':>9} {'torch ms':>9} {'ratio':>6} {'graph ratio':>11} {'X GB/s':>8} {'read GB/s':>9} {'of read':>7} {'first step ms':>13}")
for model in ("linear", "logistic"):
    if not (out / f"descent-{model}.json").exists() or not (out / f"descent-{model}-graph.json").exists():
        print(f"{model:9} no benchmark results (the stage failed or ran out of time: see descent-{model}*.txt)")
        continue
    rows = json.loads((out / f"descent-{model}.json").read_text())["results"]
    plain = {r["shape"]: r for r in rows if r["backend"] == "cuda"}
    baseline = {r["shape"]: r for r in rows if r["backend"] == "cublas" and r["available"]}
    graph = {r["shape"]: r for r in json.loads((out / f"descent-{model}-graph.json").read_text())["results"] if r["backend"] == "cuda"}
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
print()
print("softmax, 10 classes: fused_tiled (auto) against fused_wide (-Ddescent.cuda.kernels=wide); ratio > 1: tiled faster")
print(f"{'shape':13} {'tiled ms':>9} {'wide ms':>9} {'ratio':>6} {'cpu ms':>9} {'X GB/s tiled':>12}")
def rows_of(name):
    path = out / name
    return json.loads(path.read_text())["results"] if path.exists() else []
tiled = {r["shape"]: r for r in rows_of("descent-softmax-auto.json") if r["backend"] == "cuda" and r["available"]}
wide = {r["shape"]: r for r in rows_of("descent-softmax-wide.json") if r["backend"] == "cuda" and r["available"]}
cpu = {r["shape"]: r for r in rows_of("descent-softmax-auto.json") if r["backend"] == "cpu" and r["available"]}
if not tiled:
    print("no softmax results (the stage failed or ran out of time: see descent-softmax-*.txt)")
for shape, r in tiled.items():
    w = wide.get(shape, {}).get("median_ms", float("nan"))
    c = cpu.get(shape, {}).get("median_ms", float("nan"))
    print(f"{shape:13} {r['median_ms']:9.4f} {w:9.4f} {w / r['median_ms']:6.2f} {c:9.4f} {r['x_bytes_per_s'] / 1e9:12.1f}")
PY
exit "$status"
