import dev.descent.ModelKind;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The cpu backend's softmax pass (data-term sums: outputs, loss, gradient) at steady state: waits until
 * the backend is warmed up (its vector kernels chosen), then times PASSES passes; prints the median,
 * p10 and p90 in ms and GFLOP/s counting 4 n k d flops a pass (2 n k d for z = X W^T, 2 n k d for
 * G = R^T X). Arguments: ROWS COLUMNS CLASSES PASSES
 */
public class SoftmaxPass {
    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int columns = Integer.parseInt(args[1]);
        int classes = Integer.parseInt(args[2]);
        int passes = Integer.parseInt(args[3]);
        SplittableRandom random = new SplittableRandom(7);
        float[] x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(classes);
        }
        Problem problem = new Problem(ModelKind.SOFTMAX, classes, columns, true, 1.0 / rows, 0, Optimizer.of(OptimizerKind.GD));
        try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors())) {
            cpu.upload(Dataset.rowMajor(x, rows, columns, y), problem);
            double[] parameters = new double[problem.parameterCount()];
            for (int j = 0; j < parameters.length; j++) {
                parameters[j] = random.nextGaussian() * 0.01;
            }
            cpu.setParameters(parameters);
            DataTermSums sums = new DataTermSums(problem.parameterCount());
            long warmStart = System.nanoTime();
            int warmPasses = 0;
            while ((!cpu.warmedUp() || warmPasses < 20) && System.nanoTime() - warmStart < 60_000_000_000L) {
                cpu.dataTermSums(sums);
                warmPasses++;
            }
            double[] millis = new double[passes];
            for (int i = 0; i < passes; i++) {
                long start = System.nanoTime();
                cpu.dataTermSums(sums);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            double median = millis[passes / 2];
            System.out.printf(Locale.ROOT, "softmax pass %d x %d x %d: median %.2f ms (p10 %.2f, p90 %.2f), %.1f GFLOP/s,"
                            + " after %d warm-up passes (%.1f s); loss sum %.6g%n", rows, columns, classes, median,
                    millis[passes / 10], millis[passes * 9 / 10], 4.0 * rows * columns * classes / median / 1e6,
                    warmPasses, (System.nanoTime() - warmStart) / 1e9 - Arrays.stream(millis).sum() / 1e3, sums.lossSum());
        }
    }
}
