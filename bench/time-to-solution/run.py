#!/usr/bin/env python3
"""Time to solution: descent's whole command-line run against scikit-learn's fit call, same data, same objective.

For each problem: every system's wall time, passes or iterations, and relative gap (f - f*) / f* of the
objective, where f* is the lowest objective any run reached (scikit-learn's LogisticRegression with lbfgs in
float64 at tol 1e-10, or Ridge for the linear problem, included; on ill-conditioned problems lbfgs stops above
what descent reaches), of
    f(w, b) = mean_i loss_i + (l2/2) ||w||^2      (scikit-learn: C = 1 / (l2 n))
    (+ l1 ||w||_1 on the L1 problem)
evaluated here in float64 from the weights each system returns. descent is timed from the shell
(JVM start, .npy load, fit, model write) and through its Java API in one JVM with the data loaded
(InProcess.java: the first fit, then the same fit again); scikit-learn's fit call alone. Needs Debian's
python3-sklearn.

    /usr/bin/python3 bench/time-to-solution/run.py [OUT_DIR]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.datasets import load_digits, load_wine
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
DESCENT = os.path.join(HERE, "..", "..", "descent")
JAR = os.path.join(HERE, "..", "..", "target", "descent-cli.jar")


def problems():
    rng = np.random.default_rng(20261123)
    n, d = 200000, 64
    x = rng.normal(size=(n, d)).astype(np.float32)
    truth = rng.normal(size=d) / np.sqrt(d)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ truth) * 3))).astype(np.float32)
    yield "generated logistic 200,000 x 64", "logistic", x, y, 1e-4, 0
    n, d = 1000000, 64
    x = rng.normal(size=(n, d)).astype(np.float32)
    truth = rng.normal(size=d) / np.sqrt(d)
    y = (x @ truth + 0.5 + 0.3 * rng.normal(size=n)).astype(np.float32)
    yield "generated linear 1,000,000 x 64", "linear", x, y, 1e-4, 0
    digits = load_digits()
    yield "digits softmax (1,797 x 64, 10 classes)", "softmax", digits.data.astype(np.float32), \
        digits.target.astype(np.float32), 1.0 / len(digits.target), 0
    yield "digits softmax with l1 = 1e-3 (OWL-QN; scikit-learn saga)", "softmax", digits.data.astype(np.float32), \
        digits.target.astype(np.float32), 0.0, 1e-3
    wine = load_wine()
    yield "wine softmax (178 x 13, 3 classes, unscaled)", "softmax", wine.data.astype(np.float32), \
        wine.target.astype(np.float32), 1.0 / len(wine.target), 0
    # image-like: 80% zeros, the rest in (0.8, 1); labels the argmax of linear scores plus Gumbel noise
    n, d, k = 60000, 784, 10
    x = rng.random((n, d), dtype=np.float32)
    x[x < 0.8] = 0
    truth = rng.normal(size=(k, d)) * 0.3
    y = (x @ truth.T + rng.gumbel(size=(n, k))).argmax(axis=1).astype(np.float32)
    yield "generated softmax 60,000 x 784 x 10", "softmax", x, y, 1.0 / n, 0
    # ill-conditioned: feature scales from 1e-3 to 1e3
    n, d = 100000, 32
    scales = 10.0 ** rng.uniform(-3, 3, size=d)
    z = rng.normal(size=(n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-(z @ (rng.normal(size=d) / np.sqrt(d))) * 3))).astype(np.float32)
    yield "ill-conditioned logistic 100,000 x 32 (scales 1e-3..1e3)", "logistic", (z * scales).astype(np.float32), y, 1e-4, 0


def objective(kind, x, y, coef, intercept, l2, l1=0.0):
    z = x.astype(np.float64) @ np.asarray(coef, dtype=np.float64).T + np.asarray(intercept, dtype=np.float64)
    if kind == "linear":
        loss = np.mean((z.ravel() - y) ** 2)
    elif kind == "logistic":
        z = z.ravel()
        loss = np.mean(np.logaddexp(0, z) - y * z)
    else:
        classes = np.unique(y)
        zmax = z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z - zmax).sum(axis=1)) + zmax.ravel()
        loss = np.mean(lse - z[np.arange(len(y)), np.searchsorted(classes, y)])
    w = np.asarray(coef, dtype=np.float64)
    return loss + l2 / 2 * np.sum(w ** 2) + l1 * np.sum(np.abs(w))


def sklearn_fit(kind, x, y, l2, l1, tol):
    # descent's linear loss is the mean squared error, twice scikit-learn's 1/(2n) convention: alpha = l2 n / 2
    if kind == "linear":
        model = Ridge(alpha=l2 * len(y) / 2, tol=tol)
    elif l1 > 0:
        model = LogisticRegression(penalty="l1", solver="saga", C=1 / (l1 * len(y)), tol=tol, max_iter=100000)
    else:
        model = LogisticRegression(C=1 / (l2 * len(y)), tol=tol, max_iter=100000)
    return timed(model, x, y)


def timed(model, x, y):
    start = time.perf_counter()
    model.fit(x, y)
    seconds = time.perf_counter() - start
    iterations = int(np.max(model.n_iter_)) if getattr(model, "n_iter_", None) is not None else 0
    coef = np.atleast_2d(model.coef_)
    return seconds, iterations, coef, np.atleast_1d(model.intercept_)


def in_process(kind, folder, l2, l1, classes):
    """descent's Java API in one JVM with the data loaded: the fresh JVM's first fit, then the same fit again."""
    command = ["java", "--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-cp",
               JAR + os.pathsep + classes, "InProcess", os.path.join(folder, "x.npy"), os.path.join(folder, "y.npy"),
               kind, repr(l2), repr(l1)]
    # as the launcher does: PoCL's LLVM, loaded when auto probes OpenCL, replaces the JVM's signal
    # handlers unless the JDK's libjsig chains them (without it this JVM died with SIGSEGV)
    java_home = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("java"))))
    env = dict(os.environ, LD_PRELOAD=os.path.join(java_home, "lib", "libjsig.so"))
    run = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def descent_fit(kind, folder, l2, l1, extra):
    out = os.path.join(folder, "model.json")
    command = [DESCENT, "fit", "--train", os.path.join(folder, "x.npy"), "--labels", os.path.join(folder, "y.npy"),
               "--model", kind, "--l2", repr(l2), "--l1", repr(l1), "--out", out, "--quiet"] + extra
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit("descent failed: " + run.stderr)
    model = json.load(open(out))
    coef = model["weights"] if kind == "softmax" else [model["weights"]]
    intercept = model["intercept"] if kind == "softmax" else [model["intercept"]]
    fit = model["fit"]
    return seconds, fit["epochs"], coef, intercept, fit["status"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    # the launcher builds the jar when the sources are newer: do that before anything is timed
    subprocess.run([DESCENT, "--help"], capture_output=True, check=True)
    classes = tempfile.mkdtemp(prefix="descent-tts-classes-")
    subprocess.run(["javac", "--add-modules", "jdk.incubator.vector", "-nowarn", "-cp", JAR, "-d", classes,
                    os.path.join(HERE, "InProcess.java")], capture_output=True, check=True)
    lines = ["| problem | system | wall s | passes (iterations) | relative gap | status |", "|---|---|---|---|---|---|"]
    for name, kind, x, y, l2, l1 in problems():
        folder = tempfile.mkdtemp(prefix="descent-tts-")
        np.save(os.path.join(folder, "x.npy"), x)
        np.save(os.path.join(folder, "y.npy"), y)
        rows = []
        _, _, coef, intercept = sklearn_fit(kind, x, y, l2, l1, 1e-10)
        objectives = [objective(kind, x, y, coef, intercept, l2, l1)]
        seconds, iterations, coef, intercept = sklearn_fit(kind, x, y, l2, l1, 1e-4)
        peer = "Ridge" if kind == "linear" else "saga" if l1 > 0 else "lbfgs"
        rows.append((f"scikit-learn {peer} (defaults), fit call", seconds, f"({iterations})",
                     objective(kind, x, y, coef, intercept, l2, l1), ""))
        if kind == "logistic":
            seconds, iterations, coef, intercept = timed(SGDClassifier(loss="log_loss", alpha=l2, tol=1e-4), x, y)
            rows.append(("scikit-learn SGDClassifier (defaults), fit call", seconds, f"({iterations})",
                         objective(kind, x, y, coef, intercept, l2, l1), ""))
        for label, extra in (("descent defaults (lbfgs, owlqn with l1), whole CLI run", []),
                             ("descent --solver first-order, whole CLI run", ["--solver", "first-order"])):
            seconds, passes, coef, intercept, status = descent_fit(kind, folder, l2, l1, extra)
            rows.append((label, seconds, str(passes), objective(kind, x, y, coef, intercept, l2, l1), status))
        for fit in in_process(kind, folder, l2, l1, classes):
            rows.append((f"descent Java API in process ({fit['fit']} fit, data loaded)", fit["seconds"],
                         str(fit["passes"]), objective(kind, x, y, fit["coef"], fit["intercept"], l2, l1), fit["status"]))
        best = min(objectives + [r[3] for r in rows])
        for label, seconds, passes, value, status in rows:
            lines.append(f"| {name} | {label} | {seconds:.3f} | {passes} | {(value - best) / abs(best):.1e} | {status} |")
        print("\n".join(lines[-len(rows):]), flush=True)
    if out:
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "table.md"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
