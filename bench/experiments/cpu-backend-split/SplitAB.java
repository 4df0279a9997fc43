// The cpu step before and after the split of CpuBackend into CpuPass, CpuTuning and the kernel families:
// both backends on the same X in one JVM, stepping alternately (order flipped every repetition), after
// warm-up; prints each one's median ns a row, the median of the per-pair ratios (after / before) with
// quartiles, and whether their parameters are the same bits after every step. "Before" is
// dev.descent.backend.cpu.CpuBackendBefore, which run.sh makes from git; "after" is CpuBackend, or the
// class named last (the control: a second renamed copy of the old class, CpuBackendBefore2).
//   java --add-modules jdk.incubator.vector -cp target/classes:/tmp/cpu-split SplitAB SHAPE MODEL REPS THREADS ORDER [AFTER]
//   e.g. SplitAB 1000000x64 logistic 200 2 afterfirst
import dev.descent.ModelKind;
import dev.descent.backend.Backend;
import dev.descent.cli.BenchmarkData;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.Arrays;

public class SplitAB {
    public static void main(String[] a) throws ReflectiveOperationException {
        String shape = a[0];
        ModelKind kind = ModelKind.parse(a[1]);
        int reps = Integer.parseInt(a[2]);
        int threads = Integer.parseInt(a[3]);
        boolean afterFirst = a[4].equals("afterfirst");
        int classes = kind == ModelKind.SOFTMAX ? 10 : 2;
        Dataset data = BenchmarkData.generate(kind, shape, classes, 20261205L);
        int outputs = kind == ModelKind.SOFTMAX ? classes : 1;
        Problem problem = new Problem(kind, outputs, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM));
        String after = a.length > 5 ? a[5] : "dev.descent.backend.cpu.CpuBackend";
        Backend[] b = new Backend[2]; // 0: before, 1: after
        if (afterFirst) {
            b[1] = create(after, threads);
            b[0] = create("dev.descent.backend.cpu.CpuBackendBefore", threads);
        } else {
            b[0] = create("dev.descent.backend.cpu.CpuBackendBefore", threads);
            b[1] = create(after, threads);
        }
        for (Backend backend : b) {
            backend.upload(data, problem);
            backend.setParameters(new double[problem.parameterCount()]);
        }
        double[][] t = new double[2][reps];
        double[] q = new double[reps];
        boolean same = true;
        for (int r = -reps / 2; r < reps; r++) {
            for (int k0 = 0; k0 < 2; k0++) {
                int k = (r & 1) == 0 ? k0 : 1 - k0;
                long t0 = System.nanoTime();
                b[k].step(0, 0, data.rows(), 1e-3);
                double objective = b[k].lastObjective();
                if (r >= 0) {
                    t[k][r] = (System.nanoTime() - t0) * 1.0 / data.rows();
                }
                if (Double.isNaN(objective)) {
                    throw new IllegalStateException("NaN objective");
                }
            }
            same &= Arrays.equals(b[0].readParameters(), b[1].readParameters());
            if (r >= 0) {
                q[r] = t[1][r] / t[0][r];
            }
        }
        Arrays.sort(t[0]);
        Arrays.sort(t[1]);
        Arrays.sort(q);
        System.out.printf("%s %s threads=%d %s: before %.2f, after %.2f ns/row; after/before median %.3f (q1 %.3f, q3 %.3f); "
                        + "same bits every step: %s%n", shape, a[1], threads, a[4], t[0][reps / 2], t[1][reps / 2], q[reps / 2],
                q[reps / 4], q[3 * reps / 4], same);
        for (Backend backend : b) {
            backend.close();
        }
    }

    private static Backend create(String className, int threads) throws ReflectiveOperationException {
        return (Backend) Class.forName(className).getConstructor(int.class).newInstance(threads);
    }
}
