package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.LinearSystems;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** L-BFGS and OWL-QN on functions whose minimizers are known in closed form. */
class LbfgsTest {
    /** In double precision and on smooth problems the solvers reach the minimizer to near rounding; 1e-7 leaves room. */
    static final double POINT_TOLERANCE = 1e-7;

    /** f = 1/2 x'Ax - b'x with A = Q diag(1 .. 1e4) Q' (condition number 1e4): minimizer A^-1 b. */
    @Test
    void illConditionedQuadraticReachesItsMinimizer() {
        int n = 20;
        SplittableRandom random = new SplittableRandom(7);
        double[][] a = new double[n][n];
        double[] expected = new double[n];
        for (int j = 0; j < n; j++) {
            expected[j] = random.nextDouble(-1, 1);
        }
        // A = sum_k lambda_k q_k q_k' with q_k the columns of a Householder reflection I - 2 v v' / v'v
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = random.nextDouble(-1, 1);
        }
        double vv = 0;
        for (double value : v) {
            vv += value * value;
        }
        for (int k = 0; k < n; k++) {
            double lambda = Math.pow(1e4, k / (n - 1.0));
            for (int i = 0; i < n; i++) {
                double qi = (i == k ? 1 : 0) - 2 * v[i] * v[k] / vv;
                for (int j = 0; j < n; j++) {
                    double qj = (j == k ? 1 : 0) - 2 * v[j] * v[k] / vv;
                    a[i][j] += lambda * qi * qj;
                }
            }
        }
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i] += a[i][j] * expected[j];
            }
        }
        SmoothFunction f = (x, g) -> {
            double value = 0;
            for (int i = 0; i < n; i++) {
                double ax = 0;
                for (int j = 0; j < n; j++) {
                    ax += a[i][j] * x[j];
                }
                g[i] = ax - b[i];
                value += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return value;
        };
        Lbfgs.Result result = new Lbfgs(10, 2000, 0, 1e-12).minimize(f, new double[n], null, null);
        // x is known to the condition number times the gradient's rounding: 1e4 * 1e-12 relative
        assertArrayEquals(expected, result.x(), POINT_TOLERANCE * 100, "stopped by " + result.stop());
    }

    /** Rosenbrock's valley in 10 dimensions: minimizer all ones, from the usual start (-1.2, 1, ...). */
    @Test
    void rosenbrockReachesAllOnes() {
        int n = 10;
        SmoothFunction f = (x, g) -> {
            double value = 0;
            java.util.Arrays.fill(g, 0);
            for (int i = 0; i + 1 < n; i++) {
                double t = x[i + 1] - x[i] * x[i];
                double u = 1 - x[i];
                value += 100 * t * t + u * u;
                g[i] += -400 * t * x[i] - 2 * u;
                g[i + 1] += 200 * t;
            }
            return value;
        };
        double[] start = new double[n];
        for (int i = 0; i < n; i++) {
            start[i] = i % 2 == 0 ? -1.2 : 1;
        }
        Lbfgs.Result result = new Lbfgs(10, 2000, 0, 1e-12).minimize(f, start, null, null);
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, result.x(), 1e-6, "stopped by " + result.stop() + " after " + result.iterations());
    }

    /**
     * OWL-QN on a separable lasso, f = 1/2 sum a_j (x_j - m_j)^2 + sum c_j |x_j|: the minimizer is
     * soft(m_j, c_j / a_j), with exact zeros where |m_j| <= c_j / a_j.
     */
    @Test
    void orthantWiseGivesTheLassoSolutionWithExactZeros() {
        int n = 12;
        SplittableRandom random = new SplittableRandom(3);
        double[] a = new double[n];
        double[] m = new double[n];
        double[] c = new double[n];
        double[] expected = new double[n];
        int zeros = 0;
        for (int j = 0; j < n; j++) {
            a[j] = random.nextDouble(0.5, 50);
            m[j] = random.nextDouble(-2, 2);
            c[j] = j == n - 1 ? 0 : random.nextDouble(0, 30);
            double threshold = c[j] / a[j];
            expected[j] = Math.signum(m[j]) * Math.max(Math.abs(m[j]) - threshold, 0);
            zeros += expected[j] == 0 ? 1 : 0;
        }
        assertTrue(zeros >= 2, "the case needs zeros to check: " + zeros);
        SmoothFunction f = (x, g) -> {
            double value = 0;
            for (int j = 0; j < n; j++) {
                g[j] = a[j] * (x[j] - m[j]);
                value += 0.5 * a[j] * (x[j] - m[j]) * (x[j] - m[j]);
            }
            return value;
        };
        Lbfgs.Result result = new Lbfgs(10, 500, 0, 1e-12).minimize(f, new double[n], c, null);
        for (int j = 0; j < n; j++) {
            if (expected[j] == 0) {
                assertEquals(0.0, result.x()[j], 0.0, "coordinate " + j + " must be exactly zero");
            } else {
                assertEquals(expected[j], result.x()[j], POINT_TOLERANCE, "coordinate " + j);
            }
        }
    }

    @Test
    void aNonFiniteStartIsReportedNotStepped() {
        Lbfgs.Result result = new Lbfgs(5, 10, 0, 0).minimize((x, g) -> Double.NaN, new double[3], null, null);
        assertEquals(Lbfgs.Stop.NOT_FINITE, result.stop());
        assertEquals(0, result.iterations());
    }

    /** A function that is +infinity past |x| = 2: the line search backs off and still reaches the minimizer 1.5. */
    @Test
    void theLineSearchBacksOffFromNonFiniteValues() {
        SmoothFunction f = (x, g) -> {
            if (Math.abs(x[0]) > 2) {
                g[0] = Double.NaN;
                return Double.POSITIVE_INFINITY;
            }
            g[0] = 2 * (x[0] - 1.5);
            return (x[0] - 1.5) * (x[0] - 1.5);
        };
        Lbfgs.Result result = new Lbfgs(5, 100, 0, 1e-12).minimize(f, new double[] {-1.9}, null, null);
        assertEquals(1.5, result.x()[0], POINT_TOLERANCE);
    }

    @Test
    void twoRunsGiveTheSameBits() {
        SmoothFunction f = (x, g) -> {
            g[0] = 4 * x[0] * x[0] * x[0] - 3;
            g[1] = 2 * (x[1] + x[0]);
            return x[0] * x[0] * x[0] * x[0] - 3 * x[0] + (x[1] + x[0]) * (x[1] + x[0]);
        };
        double[] first = new Lbfgs(4, 100, 0, 1e-10).minimize(f, new double[] {3, -2}, null, null).x();
        double[] second = new Lbfgs(4, 100, 0, 1e-10).minimize(f, new double[] {3, -2}, null, null).x();
        assertArrayEquals(first, second, 0.0);
    }

    /**
     * Least squares plus a ridge term whose curvature k_j spans 1e-4..1e2 across coordinates, as the l2 term
     * does in the optimizer's coordinates when feature scales differ (the data's curvature is about 1 in every
     * coordinate): told the ridge, the solver guesses a diagonal first Hessian and reaches the same minimizer,
     * (U'U/m + K)^-1 U't/m, in at most two thirds of the scalar guess's evaluations (61 against 127 when written).
     */
    @Test
    void aKnownRidgeTermShortensTheRunToTheSameMinimizer() {
        int rows = 2000;
        int n = 30;
        SplittableRandom random = new SplittableRandom(11);
        double[][] u = new double[rows][n];
        double[] t = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                u[i][j] = random.nextDouble(-1, 1) * Math.sqrt(3);
            }
            t[i] = random.nextDouble(-1, 1);
        }
        double[] ridge = new double[n];
        for (int j = 0; j < n; j++) {
            ridge[j] = Math.pow(10, -4 + 6.0 * j / (n - 1));
        }
        // the minimizer solves (U'U/m + K) x = U't/m: Gaussian elimination on the normal equations
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[j][k] += u[i][j] * u[i][k] / rows;
                }
                a[j][n] += u[i][j] * t[i] / rows;
            }
        }
        for (int j = 0; j < n; j++) {
            a[j][j] += ridge[j];
        }
        double[] expected = LinearSystems.solve(a);
        SmoothFunction f = (x, g) -> {
            double value = 0;
            for (int j = 0; j < n; j++) {
                g[j] = ridge[j] * x[j];
                value += ridge[j] * x[j] * x[j] / 2;
            }
            for (int i = 0; i < rows; i++) {
                double r = -t[i];
                for (int j = 0; j < n; j++) {
                    r += u[i][j] * x[j];
                }
                value += r * r / (2 * rows);
                for (int j = 0; j < n; j++) {
                    g[j] += r * u[i][j] / rows;
                }
            }
            return value;
        };
        Lbfgs solver = new Lbfgs(5, 2000, 0, 1e-10);
        Lbfgs.Result scalar = solver.minimize(f, new double[n], null, null, Double.NaN, null);
        Lbfgs.Result diagonal = solver.minimize(f, new double[n], null, ridge, Double.NaN, null);
        assertArrayEquals(expected, scalar.x(), POINT_TOLERANCE, "scalar guess stopped by " + scalar.stop());
        assertArrayEquals(expected, diagonal.x(), POINT_TOLERANCE, "diagonal guess stopped by " + diagonal.stop());
        assertTrue(diagonal.evaluations() * 3 <= scalar.evaluations() * 2,
                "diagonal guess " + diagonal.evaluations() + " evaluations, scalar " + scalar.evaluations());
    }
}
