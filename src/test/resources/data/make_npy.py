#!/usr/bin/env python3
"""Regenerates the .npy test files in this folder (run here with Debian's python3-numpy)."""
import struct

import numpy as np

np.save('x_f4.npy', np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32))
np.save('x_f8.npy', np.array([[1.5, 2], [3, 4.25], [5, 6]], dtype=np.float64))
np.save('y_i8.npy', np.array([0, 1, 1], dtype=np.int64))
np.save('x_i4.npy', np.array([[1, 2], [3, 4]], dtype=np.int32))
np.save('x_fortran.npy', np.asfortranarray(np.array([[1, 2], [3, 4]], dtype=np.float32)))
# a header that claims 10^12 rows over a 16-byte body: must be refused before any allocation
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 2), }"
header += ' ' * (118 - len(header)) + '\n'
with open('huge_claim.npy', 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode() + b'\x00' * 16)
with open('not_npy.npy', 'wb') as f:
    f.write(b'hello world, not numpy')
