package dev.descent.bench;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import dev.descent.optim.OptimizerKind;
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
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.descent.bench.DefaultsStudy /tmp/descent-defaults 1e-3
 * </pre>
 */
public final class DefaultsStudy {
    static final double ARRIVAL = 1e-6;
    static final int LONG_RUN = 5_000;
    /**
     * Ridge strength (second argument; default 1e-3, near scikit-learn's C = 1 at these sizes, l2 = 1/n);
     * some ridge keeps the separable sets (iris, digits) from having an optimum at infinity.
     */
    private static double l2 = 1e-3;
    /** Third argument "plain" turns the optimizer's change of variables off, to see what it buys. */
    private static boolean precondition = true;

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "/tmp/descent-defaults");
        l2 = args.length > 1 ? Double.parseDouble(args[1]) : l2;
        precondition = args.length <= 2 || !args[2].equals("plain");
        System.out.println("l2 = " + l2 + (precondition ? ", preconditioned (the default)" : ", plain coordinates"));
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        System.out.println("data set, scaling, optimizer: epochs and ms to f* (+1e-6 relative; never = not within "
                + LONG_RUN + " epochs), then a fit with the default stopping rule: status, epochs, relative gap to f*");
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
        OptimizerKind[] optimizers = OptimizerKind.values();
        FitResult[] runs = new FitResult[optimizers.length];
        double[] millisPerEpoch = new double[optimizers.length];
        double best = Double.POSITIVE_INFINITY;
        for (int o = 0; o < optimizers.length; o++) {
            long start = System.nanoTime();
            runs[o] = Fitter.of(kind).optimizer(optimizers[o]).l2(l2).precondition(precondition).maxEpochs(LONG_RUN).tolerance(0)
                    .gradientTolerance(0).fit(data);
            millisPerEpoch[o] = (System.nanoTime() - start) / 1e6 / runs[o].epochs();
            for (double f : runs[o].objectiveHistory()) {
                best = Math.min(best, f);
            }
        }
        for (int o = 0; o < optimizers.length; o++) {
            double[] history = runs[o].objectiveHistory();
            int arrival = -1;
            for (int e = 0; e < history.length && arrival < 0; e++) {
                if (history[e] <= best + ARRIVAL * Math.abs(best)) {
                    arrival = e + 1;
                }
            }
            FitResult defaults = Fitter.of(kind).optimizer(optimizers[o]).l2(l2).precondition(precondition).fit(data);
            System.out.printf(Locale.ROOT, "%-14s %-12s %-9s %7s epochs %9s ms   default rule: %-10s after %5d epochs, gap %.1e%n",
                    name, scaling, optimizers[o], arrival < 0 ? "never" : Integer.toString(arrival),
                    arrival < 0 ? "-" : String.format(Locale.ROOT, "%.1f", millisPerEpoch[o] * arrival),
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
