#!/usr/bin/env python3
"""The step a numpy user would write, on data of the same shape as descent's FullBatchStep benchmark.

Full-batch gradient of a linear or logistic model with numpy's two BLAS calls per step:
    z = X @ w + b ; r = dloss/dz ; g = X.T @ r / n
Needs Debian's python3-numpy (OpenBLAS via libopenblas0-pthread). Prints one line per shape and model:
median and quartiles of the step time in milliseconds over --steps steps, after warm-up.

    /usr/bin/python3 bench/peers/numpy_step.py --shapes 1000000x64,50000x1024 --steps 50
"""
import argparse
import platform
import time

import numpy as np


def step(x, y, w, b, model):
    z = x @ w + b
    if model == "linear":
        r = 2.0 * (z - y)
    else:
        r = 1.0 / (1.0 + np.exp(-z)) - y
    g = x.T @ r
    return g / x.shape[0], r.mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default="1000000x64,50000x1024")
    parser.add_argument("--models", default="linear,logistic")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    try:
        from threadpoolctl import threadpool_info
        blas = ", ".join(f"{i['internal_api']} {i.get('version')} {i.get('architecture')} x{i['num_threads']}"
                         for i in threadpool_info())
    except ImportError:
        blas = "unknown BLAS (threadpoolctl missing)"
    print(f"# numpy {np.__version__}, {blas}, python {platform.python_version()}")
    rng = np.random.default_rng(args.seed)
    for shape in args.shapes.split(","):
        n, d = (int(v) for v in shape.split("x"))
        x = rng.uniform(-1, 1, size=(n, d)).astype(np.float32)
        y = rng.integers(0, 2, size=n).astype(np.float32)
        w = np.zeros(d, dtype=np.float32)
        for model in args.models.split(","):
            for _ in range(5):
                step(x, y, w, np.float32(0), model)
            times = []
            for _ in range(args.steps):
                start = time.perf_counter()
                g, gb = step(x, y, w, np.float32(0), model)
                w -= np.float32(1e-3) * g
                times.append((time.perf_counter() - start) * 1e3)
            q = np.percentile(times, [25, 50, 75])
            print(f"numpy {shape} {model}: median {q[1]:.3f} ms (quartiles {q[0]:.3f} .. {q[2]:.3f}), {args.steps} steps")


if __name__ == "__main__":
    main()
