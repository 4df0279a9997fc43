#!/usr/bin/env python3
"""Writes scikit-learn's bundled data sets as CSV (features..., label) for bench/defaults.

    /usr/bin/python3 bench/defaults/export_sklearn.py /tmp/descent-defaults

Needs Debian's python3-sklearn. The data ship inside the package; nothing is downloaded.
"""
import sys
from pathlib import Path

import numpy as np
from sklearn import datasets

out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/descent-defaults")
out.mkdir(parents=True, exist_ok=True)
for name, loader, kind in [("diabetes", datasets.load_diabetes, "linear"),
                           ("breast_cancer", datasets.load_breast_cancer, "logistic"),
                           ("iris", datasets.load_iris, "softmax"),
                           ("wine", datasets.load_wine, "softmax"),
                           ("digits", datasets.load_digits, "softmax")]:
    x, y = loader(return_X_y=True)
    table = np.column_stack([x, y])
    np.savetxt(out / f"{name}.{kind}.csv", table, delimiter=",", fmt="%.9g")
    print(f"{name}: {x.shape[0]} x {x.shape[1]}, {kind}")
