#!/usr/bin/env python3
"""scikit-learn's LogisticRegression and SGDClassifier against `descent fit` on the same data, in one run.

Writes a logistic problem (X float32 from a seed, labels drawn from a true linear model) to .npy
files, fits it with descent (the command line, so its time includes the JVM's start), with
LogisticRegression (C = 1 / (l2 n), lbfgs) and with SGDClassifier (log loss, alpha = l2), and
prints each fit's wall time, training accuracy and log-loss. Needs Debian's python3-sklearn.

    /usr/bin/python3 bench/peers/sklearn_fit.py --shape 200000x64 --l2 1e-4
"""
import argparse
import os
import subprocess
import tempfile
import time

import numpy as np
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, log_loss

HERE = os.path.dirname(os.path.abspath(__file__))
DESCENT = os.path.join(HERE, "..", "..", "descent")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", default="200000x64")
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    n, d = (int(v) for v in args.shape.split("x"))
    rng = np.random.default_rng(args.seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    truth = rng.normal(size=d) / np.sqrt(d)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ truth) * 3))).astype(np.float32)
    folder = tempfile.mkdtemp(prefix="descent-peers-")
    np.save(os.path.join(folder, "x.npy"), x)
    np.save(os.path.join(folder, "y.npy"), y)
    print(f"# logistic, {n} x {d} float32, l2 = {args.l2}, seed {args.seed}, data in {folder}")

    model = os.path.join(folder, "model.json")
    begin = time.perf_counter()
    completed = subprocess.run([DESCENT, "fit", "--train", os.path.join(folder, "x.npy"), "--labels",
                                os.path.join(folder, "y.npy"), "--model", "logistic", "--l2", str(args.l2),
                                "--quiet", "--out", model], capture_output=True, text=True)
    seconds = time.perf_counter() - begin
    summary = [line for line in completed.stdout.splitlines() if "training" in line]
    print(f"descent fit (cli, jvm start included): {seconds:.2f} s, exit {completed.returncode}, {summary[0] if summary else completed.stderr.strip()}")

    for name, estimator in (
            ("sklearn LogisticRegression(lbfgs)", LogisticRegression(C=1 / (args.l2 * n), max_iter=1000)),
            ("sklearn SGDClassifier(log_loss)", SGDClassifier(loss="log_loss", alpha=args.l2, random_state=0))):
        begin = time.perf_counter()
        estimator.fit(x, y)
        seconds = time.perf_counter() - begin
        p = estimator.predict_proba(x)[:, 1]
        print(f"{name}: {seconds:.2f} s, training accuracy {accuracy_score(y, p >= 0.5):.6f}, log-loss {log_loss(y, p):.6f}")


if __name__ == "__main__":
    main()
