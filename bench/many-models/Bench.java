import dev.descent.CrossValidation;
import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Many models against one: a 20-value l2 path and a 5-fold cross-validation of it, each sharing every pass
 * over X on the cpu backend, against one fit and against the 20 fits one by one, in one JVM after a warm-up
 * fit. Run by run.sh: java -cp target/classes:... Bench.java X.npy Y.npy
 */
public class Bench {
    public static void main(String[] args) {
        Dataset data = DataFile.read(Path.of(args[0]), DataFile.Format.NPY,
                DataFile.Request.forFit(null, null, Path.of(args[1]))).data();
        double[] grid = new double[20];
        for (int v = 0; v < grid.length; v++) {
            grid[v] = Math.pow(10, -6 + 5.0 * v / (grid.length - 1));
        }
        Fitter fitter = Fitter.of(ModelKind.LOGISTIC).backend("cpu");
        fitter.l2(grid[10]).fit(data); // warm-up: the JIT's kernels
        int repeats = Integer.parseInt(args.length > 2 ? args[2] : "3");
        if (args.length > 3 && args[3].equals("ovr")) {
            oneVsRest(data, repeats);
            return;
        }
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            FitResult one = Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(grid[10]).fit(data);
            long t1 = System.nanoTime();
            List<FitResult> path = Fitter.of(ModelKind.LOGISTIC).backend("cpu").path(data, grid);
            long t2 = System.nanoTime();
            int separatePasses = 0;
            for (double l2 : grid) {
                separatePasses += Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(l2).fit(data).epochs();
            }
            long t3 = System.nanoTime();
            CrossValidation cv = Fitter.of(ModelKind.LOGISTIC).backend("cpu").crossValidate(data, 5, grid);
            long t4 = System.nanoTime();
            double fit = (t1 - t0) / 1e9;
            System.out.printf(Locale.ROOT, "run %d: one fit %.3f s (%d passes); path of 20 %.3f s = %.2fx one fit (%s);"
                            + " 20 fits one by one %.3f s (%d passes) = %.2fx; 5-fold cv of 20 (100 fits + refit) %.3f s = %.2fx,"
                            + " chose l2 %.3g%n",
                    r, fit, one.epochs(), (t2 - t1) / 1e9, (t2 - t1) / 1e9 / fit,
                    path.get(0).backendChoice().replaceAll(".*; ", ""), (t3 - t2) / 1e9, separatePasses, (t3 - t2) / 1e9 / fit,
                    (t4 - t3) / 1e9, (t4 - t3) / 1e9 / fit, cv.bestL2());
        }
    }

    /**
     * One-vs-rest over 10 classes (each row's class the argmax of 10 fixed projections of its features, plus noise):
     * the 10 binary fits sharing each pass, against the 10 fits one by one and against one softmax fit.
     */
    static void oneVsRest(Dataset data, int repeats) {
        int d = data.columns();
        float[] x = data.features();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        double[] projections = new double[10 * d];
        for (int j = 0; j < projections.length; j++) {
            projections[j] = random.nextGaussian() / Math.sqrt(d);
        }
        float[] classes = new float[data.rows()];
        for (int i = 0; i < classes.length; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 10; c++) {
                double score = 0.5 * random.nextGaussian();
                for (int j = 0; j < d; j++) {
                    score += projections[c * d + j] * x[i * d + j];
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            classes[i] = best;
        }
        Dataset labelled = data.withLabels(classes);
        Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(1e-4).oneVsRest(labelled); // warm-up
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            FitResult ovr = Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(1e-4).oneVsRest(labelled);
            long t1 = System.nanoTime();
            int passes = 0;
            for (int c = 0; c < 10; c++) {
                float[] binary = new float[classes.length];
                for (int i = 0; i < binary.length; i++) {
                    binary[i] = classes[i] == c ? 1 : 0;
                }
                passes += Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(1e-4).fit(data.withLabels(binary)).epochs();
            }
            long t2 = System.nanoTime();
            FitResult softmax = Fitter.of(ModelKind.SOFTMAX).backend("cpu").l2(1e-4).fit(labelled);
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "run %d: one-vs-rest of 10 classes %.3f s (%d shared passes, accuracy %.4f); the 10"
                            + " binary fits one by one %.3f s (%d passes); softmax %.3f s (%d passes, accuracy %.4f)%n",
                    r, (t1 - t0) / 1e9, ovr.epochs(), ovr.model().score(labelled), (t2 - t1) / 1e9, passes,
                    (t3 - t2) / 1e9, softmax.epochs(), softmax.model().score(labelled));
        }
    }
}
