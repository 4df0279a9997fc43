package dev.descent.cli;

import dev.descent.InvalidInputException;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** The benchmarks' data: X uniform in [-1, 1), labels that suit the model, all from one seed. Timing does not depend on the values. */
public final class BenchmarkData {
    /** Values of X drawn from one generator: blocks are filled in parallel, each from its own seed, so the
     *  data do not depend on the thread count (4,000,000 x 256 took seconds from one generator). */
    private static final int BLOCK = 1 << 16;

    private BenchmarkData() {
    }

    /** A shape such as "1000000x64" as {rows, columns}. */
    public static int[] parseShape(String shape) {
        String[] parts = shape.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            int rows = Integer.parseInt(parts[0].replace("_", ""));
            int columns = Integer.parseInt(parts[1].replace("_", ""));
            if (parts.length != 2 || rows < 1 || columns < 1 || (long) rows * columns > Integer.MAX_VALUE - 8) {
                throw new NumberFormatException();
            }
            return new int[] {rows, columns};
        } catch (RuntimeException e) {
            throw new InvalidInputException("shape '" + shape + "' is not ROWSxCOLUMNS with at most "
                    + (Integer.MAX_VALUE - 8) + " values, e.g. 1000000x64");
        }
    }

    public static Dataset generate(ModelKind kind, String shape, int classes, long seed) {
        int[] size = parseShape(shape);
        float[] x = new float[size[0] * size[1]];
        IntStream.range(0, (x.length + BLOCK - 1) / BLOCK).parallel().forEach(block -> {
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (block + 1L)));
            for (int i = block * BLOCK, end = Math.min(x.length, i + BLOCK); i < end; i++) {
                x[i] = (float) (random.nextDouble() * 2 - 1);
            }
        });
        SplittableRandom random = new SplittableRandom(seed);
        float[] y = new float[size[0]];
        for (int i = 0; i < y.length; i++) {
            y[i] = switch (kind) {
                case LINEAR, HUBER -> (float) random.nextDouble();
                case LOGISTIC, SVM -> random.nextInt(2);
                case SOFTMAX -> random.nextInt(classes);
                case POISSON -> random.nextInt(4);
            };
        }
        return Dataset.rowMajor(x, size[0], size[1], y);
    }
}
