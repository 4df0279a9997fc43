import dev.descent.ModelKind;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The first passes of a fresh JVM's cpu backend, one line of pass times (ms; "v" once the backend is
 * warmed up). Run it under -Ddescent.cpu.kernels=vector, scalar or warm-up to compare the three.
 * Arguments: ROWS COLUMNS linear|logistic|softmax PASSES [CLASSES]
 */
public class FirstPasses {
    public static void main(String[] args) {
        long begin = System.nanoTime();
        int rows = Integer.parseInt(args[0]);
        int columns = Integer.parseInt(args[1]);
        ModelKind kind = ModelKind.valueOf(args[2].toUpperCase(Locale.ROOT));
        int passes = Integer.parseInt(args[3]);
        int outputs = kind == ModelKind.SOFTMAX ? Integer.parseInt(args[4]) : 1;
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = switch (kind) {
                case LINEAR -> (float) random.nextGaussian();
                case LOGISTIC -> random.nextInt(2);
                case SOFTMAX -> random.nextInt(outputs);
            };
        }
        Problem problem = new Problem(kind, outputs, columns, true, 1e-4, 0, Optimizer.of(OptimizerKind.GD));
        StringBuilder line = new StringBuilder();
        try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors())) {
            cpu.upload(Dataset.rowMajor(x, rows, columns, y), problem);
            double[] parameters = new double[problem.parameterCount()];
            DataTermSums sums = new DataTermSums(problem.parameterCount());
            for (int pass = 0; pass < passes; pass++) {
                parameters[pass % parameters.length] += 0.01;
                cpu.setParameters(parameters);
                long start = System.nanoTime();
                cpu.dataTermSums(sums);
                line.append(String.format(Locale.ROOT, "%.1f%s ", (System.nanoTime() - start) / 1e6, cpu.warmedUp() ? "w" : ""));
            }
        }
        System.out.printf(Locale.ROOT, "%s %d x %d, %s: %s%n  whole program %.3f s%n", kind, rows, columns,
                System.getProperty("descent.cpu.kernels", "warm-up"), line, (System.nanoTime() - begin) / 1e9);
    }
}
