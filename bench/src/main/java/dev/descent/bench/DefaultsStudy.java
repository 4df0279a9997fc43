package dev.descent.bench;

import dev.descent.Dataset;
import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.OptimizerKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How fast each optimizer, at its auto learning rate and full batch, gets to the optimum on real
 * data (scikit-learn's bundled sets, raw and standardized) and on a synthetic set. The optimum f* is
 * the lowest objective any optimizer reaches in a long run; a fit "arrives" at the first epoch with
 * f <= f* + 1e-6 |f*|. Prints one line per data set, scaling and optimizer.
 *
 * <pre>
 * /usr/bin/python3 bench/defaults/export_sklearn.py /tmp/descent-defaults
 * mvn -B -q -f bench/pom.xml package
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.descent.bench.DefaultsStudy /tmp/descent-defaults
 * </pre>
 */
public final class DefaultsStudy {
    static final double ARRIVAL = 1e-6;
    static final int LONG_RUN = 20_000;
    /** A little ridge keeps the separable sets (iris, digits) from having an optimum at infinity. */
    static final double L2 = 1e-4;

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "/tmp/descent-defaults");
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        System.out.println("data set, scaling, optimizer: epochs to f* (+1e-6 rel), ms to f*, status at the default stopping rule");
        for (Path file : files) {
            String[] parts = file.getFileName().toString().split("\\.");
            ModelKind kind = ModelKind.parse(parts[1]);
            Dataset raw = read(file);
            for (boolean standardize : new boolean[] {false, true}) {
                Dataset data = standardize ? standardized(raw) : raw;
                study(parts[0], standardize ? "standardized" : "raw", kind, data);
            }
        }
    }

    private static void study(String name, String scaling, ModelKind kind, Dataset data) {
        double best = Double.POSITIVE_INFINITY;
        for (OptimizerKind optimizer : OptimizerKind.values()) {
            FitResult longRun = Fitter.of(kind).optimizer(optimizer).l2(L2).maxEpochs(LONG_RUN).tolerance(0)
                    .gradientTolerance(0).fit(data);
            for (double f : longRun.objectiveHistory()) {
                best = Math.min(best, f);
            }
        }
        for (OptimizerKind optimizer : OptimizerKind.values()) {
            long start = System.nanoTime();
            FitResult run = Fitter.of(kind).optimizer(optimizer).l2(L2).maxEpochs(LONG_RUN).tolerance(0)
                    .gradientTolerance(0).fit(data);
            double millis = (System.nanoTime() - start) / 1e6;
            double[] history = run.objectiveHistory();
            int arrival = -1;
            for (int e = 0; e < history.length; e++) {
                if (history[e] <= best + ARRIVAL * Math.abs(best)) {
                    arrival = e + 1;
                    break;
                }
            }
            FitResult defaults = Fitter.of(kind).optimizer(optimizer).l2(L2).fit(data);
            System.out.printf(Locale.ROOT, "%-14s %-12s %-9s %s  %8s ms  default rule: %s after %d epochs, gap %.1e%n",
                    name, scaling, optimizer, arrival < 0 ? "  never" : String.format(Locale.ROOT, "%7d", arrival),
                    arrival < 0 ? "-" : String.format(Locale.ROOT, "%.1f", millis * arrival / history.length),
                    defaults.status(), defaults.epochs(), (defaults.objective() - best) / Math.abs(best));
        }
    }

    private static Dataset read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int columns = lines.get(0).split(",").length - 1;
        float[] x = new float[lines.size() * columns];
        float[] y = new float[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            for (int j = 0; j < columns; j++) {
                x[i * columns + j] = Float.parseFloat(cells[j]);
            }
            y[i] = Float.parseFloat(cells[columns]);
        }
        return Dataset.rowMajor(x, lines.size(), columns, y);
    }

    private static Dataset standardized(Dataset data) {
        int n = data.rows();
        int d = data.columns();
        float[] x = data.features().clone();
        for (int j = 0; j < d; j++) {
            double mean = 0;
            double square = 0;
            for (int i = 0; i < n; i++) {
                mean += x[i * d + j];
                square += (double) x[i * d + j] * x[i * d + j];
            }
            mean /= n;
            double scale = Math.sqrt(Math.max(square / n - mean * mean, 0));
            for (int i = 0; i < n; i++) {
                x[i * d + j] = (float) (scale > 0 ? (x[i * d + j] - mean) / scale : 0);
            }
        }
        return Dataset.rowMajor(x, n, d, data.labels());
    }

    private DefaultsStudy() {
    }

}
