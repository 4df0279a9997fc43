#!/usr/bin/env bash
# The optional second command of the GPU run: the benchmark alone (run.sh's bench mode) on larger shapes,
# longer, within one command's 10 minutes. Run it after run.sh, when device time is left.
#
#   ./run-large.sh [RESULTS_DIR]        (default ./results-large)
#
# The same three result files as run.sh; the environment variables of run.sh override these.
here="$(cd "$(dirname "$0")" && pwd)"
export DESCENT_BENCH_SHAPES="${DESCENT_BENCH_SHAPES:-1000000x256,4000000x64,4000000x256,8000000x256}"
export DESCENT_BENCH_SOFTMAX_SHAPES="${DESCENT_BENCH_SOFTMAX_SHAPES:-4000000x64,1000000x784}"
export DESCENT_BENCH_STEPS="${DESCENT_BENCH_STEPS:-50}"
export DESCENT_BENCH_WARMUP_SECONDS="${DESCENT_BENCH_WARMUP_SECONDS:-2}"
export DESCENT_TOTAL_SECONDS="${DESCENT_TOTAL_SECONDS:-540}"
export DESCENT_STAGE_SECONDS="${DESCENT_STAGE_SECONDS:-150}"
exec "$here/run.sh" "${1:-$here/results-large}" bench
