#!/usr/bin/env python3
"""scikit-learn's LogisticRegressionCV on the same data, grid and number of folds (lbfgs, as its default)."""
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import KFold

x = np.load(sys.argv[1]).astype(np.float64)
y = np.load(sys.argv[2])
n_train = x.shape[0] * 4 / 5
# descent's l2 in (1/n) sum loss + (l2/2)||w||^2 is scikit-learn's C = 1 / (l2 n), n the rows a fold fits on
grid = [10 ** (-6 + 5.0 * v / 19) for v in range(20)]
cs = sorted(1 / (l2 * n_train) for l2 in grid)
start = time.perf_counter()
cv = LogisticRegressionCV(Cs=cs, cv=KFold(5, shuffle=True, random_state=0), scoring="neg_log_loss", max_iter=1000,
                          tol=1e-6, n_jobs=1).fit(x, y)
elapsed = time.perf_counter() - start
print("scikit-learn LogisticRegressionCV: %.3f s, 5 folds x 20 Cs, chose C %.4g (l2 %.3g)"
      % (elapsed, cv.C_[0], 1 / (cv.C_[0] * n_train)))
