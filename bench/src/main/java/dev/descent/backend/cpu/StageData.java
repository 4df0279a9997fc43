package dev.descent.backend.cpu;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The data every stage benchmark works on, from a fixed seed: X (rows, columns) uniform in [-1, 1),
 * labels in {0, 1}, weights, linear outputs and residuals. The stage benchmarks live in the cpu
 * backend's package to time its package-private kernels (dot4, axpy4, weighted) one at a time, on
 * one thread; FullBatchStep times them fused, on every thread.
 */
@State(Scope.Benchmark)
public class StageData {
    static final long SEED = 20261123L;

    @Param({"1000000x64", "50000x1024"})
    public String shape;

    int rows;
    int columns;
    float[] x;
    float[] y;
    float[] w;
    double[] z;
    float[] residuals;
    float[] gradient;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x");
        rows = Integer.parseInt(parts[0]);
        columns = Integer.parseInt(parts[1]);
        SplittableRandom random = new SplittableRandom(SEED);
        x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        y = new float[rows];
        residuals = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(2);
            residuals[i] = (float) (random.nextDouble() - 0.5) / rows;
        }
        w = new float[columns];
        for (int j = 0; j < columns; j++) {
            w[j] = (float) (random.nextDouble() * 0.2 - 0.1);
        }
        z = new double[rows];
        gradient = new float[columns];
    }
}
