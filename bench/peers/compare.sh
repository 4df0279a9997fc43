#!/usr/bin/env bash
# descent beside what a user would otherwise run, in one run on the same machine:
#   step time: `descent bench` (every backend) | numpy (two BLAS calls) | PyTorch (by hand, and autograd + Adam)
#   fit time and accuracy: `descent fit` | scikit-learn LogisticRegression and SGDClassifier (same .npy data)
# and the ratios of the step times. Writes bench/results/<date>-peers/.
# Needs Debian's python3-numpy, python3-sklearn, python3-torch (apt-get install them), and a JDK.
#   bench/peers/compare.sh [SHAPES] [STEPS]        e.g. bench/peers/compare.sh 1000000x64,50000x1024 30
set -euo pipefail
cd "$(dirname "$0")/../.."
shapes="${1:-1000000x64,50000x1024}"
steps="${2:-30}"
out="bench/results/$(date -u +%Y-%m-%d)-peers"
mkdir -p "$out"
py=/usr/bin/python3
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "commit: $(git rev-parse --short HEAD)"
  echo "command: bench/peers/compare.sh $shapes $steps"
} | tee "$out/machine.txt"
for model in linear logistic; do
  ./descent bench --model "$model" --shape "$shapes" --steps "$steps" --json "$out/descent-$model.json" --plot "$out/descent-$model.png" | tee "$out/descent-$model.txt"
done
$py bench/peers/numpy_step.py --shapes "$shapes" --steps "$steps" | tee "$out/numpy.txt"
$py bench/peers/torch_step.py --shapes "$shapes" --steps "$steps" | tee "$out/torch.txt"
$py bench/peers/sklearn_fit.py --shape 200000x64 | tee "$out/sklearn.txt"
$py - "$out" <<'PY' | tee "$out/ratios.txt"
import json, re, sys, pathlib
out = pathlib.Path(sys.argv[1])
peers = {}
for name in ("numpy.txt", "torch.txt"):
    for line in (out / name).read_text().splitlines():
        m = re.match(r"(\S+) (\S+) (\S+): median ([0-9.]+) ms", line)
        if m:
            peers[(m[1], m[2], m[3])] = float(m[4])
print("ratio = peer step time / descent step time (above 1: descent is faster)")
for model in ("linear", "logistic"):
    for row in json.loads((out / f"descent-{model}.json").read_text())["results"]:
        if not row["available"]:
            continue
        ratios = ", ".join(f"{peer} {peers[(peer, row['shape'], model)] / row['median_ms']:.2f}x"
                           for peer in ("numpy", "torch-manual", "torch-autograd") if (peer, row["shape"], model) in peers)
        print(f"{row['backend']:10s} {row['shape']:12s} {model:9s} {row['median_ms']:9.3f} ms   {ratios}")
PY
