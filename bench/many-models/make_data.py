#!/usr/bin/env python3
"""Writes the benchmark's logistic problem: ROWS x 64 float32 N(0, 1) features, labels from a noisy linear score."""
import sys
import numpy as np

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "."
rng = np.random.default_rng(7)
x = rng.standard_normal((rows, 64), dtype=np.float32)
w = rng.standard_normal(64) / 8
z = x @ w + 0.3 + 0.5 * rng.standard_normal(rows)
y = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(np.float32)
np.save(out + "/x.npy", x)
np.save(out + "/y.npy", y)
