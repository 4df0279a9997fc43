#!/usr/bin/env python3
"""Regenerates the scipy.sparse .npz test files in this folder (run here with Debian's python3-scipy)."""
import numpy as np
import scipy.sparse as sp

# 3 x 5, row 1 empty; labels y_i8.npy (3 rows)
x = sp.csr_matrix(np.array([[0, 1.5, 0, 0, 2], [0, 0, 0, 0, 0], [3, 0, 0, 4, 0]], dtype=np.float32))
sp.save_npz('x_csr.npz', x)
sp.save_npz('x_csr_plain.npz', x.astype(np.float64), compressed=False)
sp.save_npz('x_csc.npz', x.tocsc())
# row 0's indices out of order (scipy allows it): read as sorted
unsorted = sp.csr_matrix((np.array([2, 1.5, 3, 4], dtype=np.float32), np.array([4, 1, 0, 3]), np.array([0, 2, 2, 4])),
                         shape=(3, 5))
sp.save_npz('x_unsorted.npz', unsorted)
# row 2 holds column 3 twice
repeated = sp.csr_matrix((np.array([1.5, 2, 3, 4], dtype=np.float32), np.array([1, 4, 3, 3]), np.array([0, 2, 2, 4])),
                         shape=(3, 5))
sp.save_npz('x_repeated.npz', repeated)
