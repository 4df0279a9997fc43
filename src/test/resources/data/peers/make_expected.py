#!/usr/bin/env python3
"""
Regenerates the scikit-learn optima that LossesAgainstScikitLearnTest holds descent's huber, poisson and svm fits
to (run here with Debian's python3-sklearn; written with scikit-learn 1.2.1). Each data set is one of
scikit-learn's bundled ones, rounded to float32 (the precision descent stores) before scikit-learn fits it, so
that both fit the same numbers; the CSV files hold those float32 values exactly.

The mappings to descent's objective (1/n) sum loss + (l2/2) ||w||^2 are in expected.json beside each optimum:
- HuberRegressor(epsilon, alpha) fits a scale sigma with the weights; at its optimum the weights minimize
  (1/n) sum huber_delta(r) + (alpha sigma / (2 n)) ||w||^2 with delta = epsilon sigma, so l2 = alpha sigma / n.
- PoissonRegressor(alpha) minimizes (1/n) sum half-deviance + (alpha/2) ||w||^2: l2 = alpha.
- LinearSVC(C, squared hinge, primal, no intercept) minimizes (1/2) ||w||^2 + C sum loss: l2 = 1 / (C n).
"""
import json

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import HuberRegressor, PoissonRegressor
from sklearn.svm import LinearSVC


def as_float32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def write_csv(name, x, y, label):
    columns = ["x%d" % j for j in range(x.shape[1])]
    with open(name, "w") as out:
        out.write(",".join(columns + [label]) + "\n")
        for row, target in zip(x.astype(np.float32), y.astype(np.float32)):
            # the shortest text that reads back as the same float32
            out.write(",".join(str(v) for v in row) + "," + str(target) + "\n")


expected = {}

# diabetes: 442 x 10, a disease measure 25..346 one year on. Huber: every 20th label pushed up by 300 (outliers).
x, y = load_diabetes(return_X_y=True)
x = as_float32(x * 10)  # columns of deviation ~0.5, not ~0.05
y = as_float32(y)
outlying = y.copy()
outlying[::20] += 300
write_csv("diabetes_outliers.csv", x, outlying, "progression")
huber = HuberRegressor(epsilon=1.35, alpha=1.0, max_iter=100000, tol=1e-12).fit(x, outlying)
n = x.shape[0]
expected["huber"] = {"file": "diabetes_outliers.csv", "delta": 1.35 * huber.scale_, "l2": 1.0 * huber.scale_ / n,
                     "weights": huber.coef_.tolist(), "intercept": float(huber.intercept_),
                     "sklearn": "HuberRegressor(epsilon=1.35, alpha=1.0), scale_ %.12g" % huber.scale_}

write_csv("diabetes.csv", x, y, "progression")
poisson = PoissonRegressor(alpha=1e-3, max_iter=100000, tol=1e-12).fit(x, y)
expected["poisson"] = {"file": "diabetes.csv", "l2": 1e-3, "weights": poisson.coef_.tolist(),
                       "intercept": float(poisson.intercept_), "sklearn": "PoissonRegressor(alpha=1e-3)"}

# breast cancer: 569 x its first 10 columns (the cells' mean measures), standardized (they span 1e-3..2e3),
# labels 1 benign, 0 malignant
x, y = load_breast_cancer(return_X_y=True)
x = x[:, :10]
x = as_float32((x - x.mean(axis=0)) / x.std(axis=0))
write_csv("breast_cancer.csv", x, y, "benign")
c = 0.1
svm = LinearSVC(C=c, loss="squared_hinge", dual=False, fit_intercept=False, tol=1e-12, max_iter=100000).fit(x, y)
expected["svm"] = {"file": "breast_cancer.csv", "l2": 1 / (c * x.shape[0]), "weights": svm.coef_[0].tolist(),
                   "intercept": 0.0, "sklearn": "LinearSVC(C=0.1, squared hinge, dual=False, fit_intercept=False)"}

with open("expected.json", "w") as out:
    json.dump(expected, out, indent=1)
    out.write("\n")
