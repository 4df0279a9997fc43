#!/usr/bin/env python3
"""Sparse logistic regression, time to solution: descent's whole command-line run against scikit-learn's
LogisticRegression (lbfgs, saga) and LIBLINEAR's primal trust-region Newton solver (-s 0), fit calls alone,
on one generated click-log-like LIBSVM file.

The data: ROWS rows, FEATURES features, NNZ non-zeros a row, all 1.0, at columns drawn with a power-law
frequency (column = floor(FEATURES * u^3)); labels -1/+1 from a sparse linear truth plus noise. The file is
written 0-based by scikit-learn's dump_svmlight_file, as a user would write it.

The objective, for every system, evaluated here in float64 from the weights it returns:
    f(w, b) = mean_i log(1 + exp(-y_i (w . x_i + b))) + (l2/2) ||w||^2      (l2 = 1 / (C n), C = 1)
LIBLINEAR penalizes its bias as a weight (-B 1), so its own optimum differs from f's: its gap is to the
lowest objective its own runs reach on f, and f's gap is shown beside it. Each system runs at a ladder of
tolerances; "time to 1e-6" is the first rung whose gap to f* (the lowest f any run reached) is at most
1e-6. Needs Debian's python3-sklearn and python3-liblinear.

    /usr/bin/python3 bench/sparse/run.py [ROWS] [FEATURES] [NNZ] [OUT_DIR]

PEERS=liblinear (or sklearn) runs only those peers beside descent: scikit-learn's runs take most of the time.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
DESCENT = os.path.join(HERE, "..", "..", "descent")


def generate(rows, features, nnz, seed=20261205):
    rng = np.random.default_rng(seed)
    cols = np.minimum((features * rng.random((rows, nnz)) ** 3).astype(np.int64), features - 1)
    x = sp.csr_matrix((np.ones(rows * nnz), (np.repeat(np.arange(rows), nnz), cols.ravel())), shape=(rows, features))
    x.sum_duplicates()
    x.data[:] = 1.0
    truth = rng.normal(size=features) * (rng.random(features) < 0.1)
    z = x @ truth + 0.5 * rng.normal(size=rows)
    y = np.where(z > 0, 1.0, -1.0)
    return x, y


def objective(x, y, w, b, l2):
    margin = y * (x @ w + b)
    return float(np.mean(np.logaddexp(0, -margin)) + l2 / 2 * w @ w)


def timed(fit):
    start = time.perf_counter()
    out = fit()
    return time.perf_counter() - start, out


def sklearn_runs(x, y, l2):
    c = 1.0 / (l2 * x.shape[0])
    for solver, tols in (("lbfgs", (1e-4, 1e-6, 1e-8)), ("saga", (1e-3, 1e-4, 1e-5))):
        for tol in tols:
            model = LogisticRegression(C=c, solver=solver, tol=tol, max_iter=10000)
            seconds, _ = timed(lambda: model.fit(x, y))
            yield f"scikit-learn {solver}, tol {tol:g}", seconds, model.coef_[0], model.intercept_[0], int(model.n_iter_[0])


def liblinear_runs(x, y, l2):
    import scipy
    scipy.ctypeslib = np.ctypeslib  # Debian's python3-liblinear still calls numpy's ctypeslib by scipy's old name
    import liblinearutil
    c = 1.0 / (l2 * x.shape[0])
    for eps in (1e-2, 1e-4, 1e-6):
        seconds, model = timed(lambda: liblinearutil.train(y, x, f"-s 0 -c {c} -e {eps} -B 1 -q"))
        w, b = model.get_decfun()
        # LIBLINEAR's label order is the order of first appearance; its decision function is for the first label
        sign = 1.0 if model.get_labels()[0] == 1 else -1.0
        yield f"LIBLINEAR -s 0 (TRON), -e {eps:g}", seconds, sign * np.array(w), sign * b, None


def descent_runs(svm, folder, l2):
    for tol in (None, 1e-12):
        out = os.path.join(folder, "model.json")
        command = [DESCENT, "fit", "--train", svm, "--model", "logistic", "--l2", repr(l2), "--quiet", "--out", out]
        if tol is not None:
            command += ["--tol", repr(tol)]
        seconds, result = timed(lambda: subprocess.run(command, capture_output=True, text=True))
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        with open(out) as f:
            model = json.load(f)
        assert model["classes"] == [-1, 1], model["classes"]
        yield ("descent CLI whole run" + ("" if tol is None else f", --tol {tol:g}"), seconds,
               np.array(model["weights"]), model["intercept"], model["fit"]["epochs"])


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    features = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    nnz = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    folder = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="descent-sparse-")
    os.makedirs(folder, exist_ok=True)
    x, y = generate(rows, features, nnz)
    svm = os.path.join(folder, "train.svm")
    dump_svmlight_file(x, y, svm, zero_based=True)
    l2 = 1e-6 if rows >= 1000000 else 1.0 / rows
    print(f"{rows:,} rows x {features:,} features, {x.nnz:,} non-zeros ({x.nnz / rows:.1f} a row), "
          f"{os.path.getsize(svm) / 2**20:.0f} MiB LIBSVM, l2 = {l2:g}", flush=True)
    results = []
    peers = os.environ.get("PEERS", "sklearn,liblinear").split(",")
    runs = [descent_runs(svm, folder, l2)]
    runs += [sklearn_runs(x, y, l2)] if "sklearn" in peers else []
    runs += [liblinear_runs(x, y, l2)] if "liblinear" in peers else []
    for run in runs:
        for name, seconds, w, b, iterations in run:
            f = objective(x, y, w, b, l2)
            accuracy = float(np.mean(np.where(x @ w + b >= 0, 1.0, -1.0) == y))
            results.append((name, seconds, f, accuracy, iterations))
            print(f"  {name}: {seconds:.2f} s, f {f:.10f}, accuracy {accuracy:.5f}, iterations {iterations}", flush=True)
    best = min(r[2] for r in results)
    print(f"\nf* = {best:.12f} (the lowest f reached)")
    print("| system | wall s | iterations | gap (f - f*) / f* | training accuracy |")
    print("|---|---|---|---|---|")
    for name, seconds, f, accuracy, iterations in results:
        print(f"| {name} | {seconds:.2f} | {iterations if iterations is not None else '-'} | {(f - best) / best:.2e} "
              f"| {accuracy:.5f} |")


if __name__ == "__main__":
    main()
