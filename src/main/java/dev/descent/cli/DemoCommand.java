package dev.descent.cli;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.Metrics;
import dev.descent.ModelKind;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.Backends;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Fits three models on data it generates (no files needed) and times a step on every available
 * backend. Finishes in a few seconds.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Fits linear, logistic and softmax models on generated data and times a step on each backend.")
final class DemoCommand implements Callable<Integer> {
    static final int DEMO_ROWS = 20_000;
    static final int TIMING_ROWS = 200_000;
    static final int TIMING_FEATURES = 64;
    static final int TIMING_STEPS = 30;
    /** Untimed steps before the timed ones: at least this many, for at least {@link #TIMING_WARMUP_SECONDS}. */
    static final int TIMING_WARMUP_STEPS = 5;
    /**
     * The JIT compiles the cpu step's kernels in the first 0.1-0.5 s; timed from the first step, the
     * median of 30 came out at about 4 ms, three times the compiled step (see {@link StepTimer}).
     */
    static final double TIMING_WARMUP_SECONDS = 1.0;

    @Option(names = "--backend", defaultValue = "auto", description = "Backend for the three fits (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        Backends.open(backend).backend().close();
        SplittableRandom random = new SplittableRandom(seed);

        out.println("1. linear: points normally distributed around the line y = x");
        float[] x = new float[DEMO_ROWS];
        float[] y = new float[DEMO_ROWS];
        for (int i = 0; i < DEMO_ROWS; i++) {
            x[i] = (float) (random.nextDouble() * 10 - 5);
            y[i] = (float) (x[i] + gaussian(random));
        }
        Dataset line = Dataset.rowMajor(x, DEMO_ROWS, 1, y);
        FitResult linear = fit(ModelKind.LINEAR, line);
        out.printf(Locale.ROOT, "   slope %.4f, intercept %.4f (the true line: slope 1, intercept 0); R^2 %.4f%n%n",
                linear.model().weights()[0][0], linear.model().intercepts()[0], linear.model().score(line));

        out.println("2. logistic: two Gaussian clouds centred at (-1, -1) and (1, 1)");
        Dataset clouds = blobs(random, 2, 2);
        FitResult logistic = fit(ModelKind.LOGISTIC, clouds);
        out.printf(Locale.ROOT, "   weights (%.4f, %.4f), intercept %.4f; accuracy %.4f, log-loss %.4f%n%n",
                logistic.model().weights()[0][0], logistic.model().weights()[0][1], logistic.model().intercepts()[0],
                logistic.model().score(clouds),
                Metrics.logLoss(clouds.labels(), logistic.predictProba(clouds), logistic.model().classes()));

        out.println("3. softmax: three Gaussian clouds in the plane");
        Dataset three = blobs(random, 3, 2);
        FitResult softmax = fit(ModelKind.SOFTMAX, three);
        out.printf(Locale.ROOT, "   accuracy %.4f over classes 0, 1, 2%n%n", softmax.model().score(three));

        out.printf(Locale.ROOT, "4. step time, full-batch logistic step on %,d x %d float32 (median of %d steps after %.0f s of warm-up)%n",
                TIMING_ROWS, TIMING_FEATURES, TIMING_STEPS, TIMING_WARMUP_SECONDS);
        Dataset timing = blobs(random, 2, TIMING_FEATURES, TIMING_ROWS);
        Problem problem = new Problem(ModelKind.LOGISTIC, 1, TIMING_FEATURES, true, 0, 0, Optimizer.of(OptimizerKind.GD));
        for (BackendProvider provider : Backends.all()) {
            if (!provider.availability().available()) {
                out.printf(Locale.ROOT, "   %-10s unavailable: %s%n", provider.name(), provider.availability().reason());
                continue;
            }
            try (Backend backend = provider.create()) {
                backend.upload(timing, problem);
                backend.setParameters(new double[problem.parameterCount()]);
                StepTimer.Timing timed = StepTimer.time(backend, timing.rows(), TIMING_WARMUP_STEPS, TIMING_WARMUP_SECONDS,
                        TIMING_STEPS, 1);
                out.printf(Locale.ROOT, "   %-10s %8.3f ms/step  (%s)%n", provider.name(), timed.median(), backend.device());
            }
        }
        return 0;
    }

    private FitResult fit(ModelKind kind, Dataset data) {
        FitResult result = Fitter.of(kind).backend(backend).listener((epoch, objective, gradientNorm, rate) -> {
            if (Integer.bitCount(epoch + 1) == 1) {
                out.printf(Locale.ROOT, "   iteration %4d  objective %.8f%n", epoch + 1, objective);
            }
        }).fit(data);
        out.printf(Locale.ROOT, "   %s: %s%n   %s%n", result.status(), result.reason(), result.progress());
        out.printf(Locale.ROOT, "   final objective %.8f on %s, %.3f ms a pass%n", result.objective(), result.backend(),
                result.medianStepMillis());
        return result;
    }

    private static Dataset blobs(SplittableRandom random, int classes, int features) {
        return blobs(random, classes, features, DEMO_ROWS);
    }

    /** Gaussian clouds of unit spread around centres spaced on a circle (two classes: at -1 and +1 on every axis). */
    private static Dataset blobs(SplittableRandom random, int classes, int features, int rows) {
        float[] x = new float[rows * features];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            int label = random.nextInt(classes);
            y[i] = label;
            for (int j = 0; j < features; j++) {
                double centre = classes == 2 ? (label == 0 ? -1 : 1)
                        : 2 * (j % 2 == 0 ? Math.cos(2 * Math.PI * label / classes) : Math.sin(2 * Math.PI * label / classes));
                x[i * features + j] = (float) (centre + gaussian(random));
            }
        }
        return Dataset.rowMajor(x, rows, features, y);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
