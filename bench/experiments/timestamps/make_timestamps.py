"""The issue's new-user case: a Unix-timestamp column one thousand seconds wide, where float32 keeps 9 values.

Writes ts.csv (time, x, y) and prints scikit-learn's LinearRegression R^2 on the same rows in float64.
Run: python3 make_timestamps.py OUT_FOLDER; then descent fit --train OUT_FOLDER/ts.csv --label y --model linear.
"""
import sys

import numpy as np
from sklearn.linear_model import LinearRegression

folder = sys.argv[1] if len(sys.argv) > 1 else "."
rng = np.random.default_rng(0)
n = 2000
t = 1.7e9 + np.sort(rng.uniform(0, 1000, n))
x = rng.normal(size=n)
y = 0.01 * (t - 1.7e9) + 2 * x + 1 + 0.5 * rng.normal(size=n)
with open(f"{folder}/ts.csv", "w") as out:
    out.write("time,x,y\n")
    for a, b, c in zip(t, x, y):
        out.write(f"{a:.3f},{b:.17g},{c:.17g}\n")
print("distinct float32 timestamps:", len(np.unique(t.astype(np.float32))))
X = np.c_[t, x]
model = LinearRegression().fit(X, y)
print("scikit-learn R^2", model.score(X, y), "weights", model.coef_, "intercept", model.intercept_)
