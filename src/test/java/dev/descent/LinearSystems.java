package dev.descent;

/** Closed-form answers for tests: the solution of a small dense linear system, in double. */
public final class LinearSystems {
    private LinearSystems() {
    }

    /**
     * Solves the n x (n + 1) augmented system [A | b] by Gauss-Jordan elimination with partial pivoting;
     * {@code augmented} is overwritten.
     */
    public static double[] solve(double[][] augmented) {
        double[][] a = augmented;
        int n = a.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double factor = a[r][col] / a[col][col];
                    for (int k = col; k <= n; k++) {
                        a[r][k] -= factor * a[col][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = a[j][n] / a[j][j];
        }
        return x;
    }
}
