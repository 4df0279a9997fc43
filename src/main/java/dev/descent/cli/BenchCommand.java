package dev.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.InvalidInputException;
import dev.descent.ModelKind;
import dev.descent.backend.Availability;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.Backends;
import dev.descent.backend.Instrumentation;
import dev.descent.backend.cpu.StreamingRead;
import dev.descent.data.Dataset;
import dev.descent.io.AtomicFiles;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code descent bench}: the step time of each backend on generated data, against the memory read
 * bandwidth measured in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        // picocli starts a line at each element and lists a command by its first: one element per paragraph
        description = {"Times a full-batch step on every backend (or the ones named) on generated data.",
            "For each: the median and spread over many steps after a warm-up (device events where the backend has"
                + " them, else the wall clock), rows/s, bytes of X per second and that as a fraction of the memory read"
                + " bandwidth measured in the same run (host memory for cpu, the device's for a device), and the time to"
                + " the first step (start-up, kernel build, upload). Unavailable backends are listed with the reason."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "logistic", paramLabel = "linear|logistic|softmax", description = "Loss (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--shape", defaultValue = "1000000x64,50000x1024", split = ",", paramLabel = "ROWSxCOLUMNS",
            description = "Shapes, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Option(names = "--backends", defaultValue = "all", split = ",", paramLabel = "all|NAME", description = "Backends (default: all).")
    List<String> backends;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "Timed steps per backend and shape (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "Untimed steps first, at least (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "2", paramLabel = "S",
            description = "And untimed steps (and reads of X) for at least this long: the JIT compiles the cpu kernels in the first 0.1-0.5 s (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--read-every", defaultValue = "1", paramLabel = "N",
            description = "Read the objective back after every N-th step (default: ${DEFAULT-VALUE}, as a full-batch fit"
                + " does). More lets a GPU backend queue the steps in between (cuda replays captured graphs); each timed"
                + " sample is then N steps, and the step time is the sample's time divided by N.")
    int readEvery;

    @Option(names = "--classes", defaultValue = "10", paramLabel = "K", description = "Classes for softmax (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a bar chart of step time per backend and shape.")
    Path plot;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One line of the table. */
    record Result(String backend, String device, String shape, boolean available, String reason, double medianMillis,
                  double p10Millis, double p90Millis, double rowsPerSecond, double xBytesPerSecond,
                  double bandwidthBytesPerSecond, String bandwidthOf, double timeToFirstStepMillis, String clock) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ModelKind kind = ModelKind.parse(model);
        if (steps < 1 || warmup < 0 || readEvery < 1 || !(warmupSeconds >= 0 && warmupSeconds <= 3600)) {
            throw new InvalidInputException(
                    "--steps and --read-every must be at least 1, --warmup at least 0 and --warmup-seconds from 0 to 3600");
        }
        List<BackendProvider> chosen = chosenBackends();
        List<Result> results = new ArrayList<>();
        out.printf(Locale.ROOT, "%s step, %d timed samples of %d step%s after at least %d warm-up steps and %s s, seed %d, %s%n",
                kind, steps, readEvery, readEvery == 1 ? "" : "s", warmup, warmupSeconds, seed, machine());
        out.printf(Locale.ROOT, "%-10s %-14s %10s %17s %12s %10s %16s %12s  %s%n", "backend", "shape", "median ms",
                "p10..p90 ms", "rows/s", "X GB/s", "of read GB/s", "first step", "step clock");
        for (String shape : shapes) {
            Dataset data = BenchmarkData.generate(kind, shape, classes, seed);
            // Without jdk.incubator.vector (a JVM started without the launcher) there is no read to
            // compare with: the "of read" column shows NaN.
            double hostBandwidth = Double.NaN;
            if (StreamingRead.available()) {
                try (StreamingRead read = new StreamingRead(data.features(), Runtime.getRuntime().availableProcessors())) {
                    hostBandwidth = read.bytesPerSecond(7, warmupSeconds);
                }
            }
            for (BackendProvider provider : chosen) {
                Result result = time(provider, kind, shape, data, hostBandwidth);
                results.add(result);
                if (result.available()) {
                    out.printf(Locale.ROOT, "%-10s %-14s %10.3f %8.3f..%-8.3f %12.3g %10.2f %6.0f%% of %5.1f %10.1f ms  %s%n",
                            result.backend(), shape, result.medianMillis(), result.p10Millis(), result.p90Millis(),
                            result.rowsPerSecond(), result.xBytesPerSecond() / 1e9,
                            100 * result.xBytesPerSecond() / result.bandwidthBytesPerSecond(),
                            result.bandwidthBytesPerSecond() / 1e9, result.timeToFirstStepMillis(), result.clock());
                } else {
                    out.printf(Locale.ROOT, "%-10s %-14s unavailable: %s%n", result.backend(), shape, result.reason());
                }
            }
        }
        if (json != null) {
            writeJson(kind, results);
            out.println("results written to " + json);
        }
        if (plot != null) {
            writePlot(kind, results);
            out.println("chart written to " + plot);
        }
        return 0;
    }

    private List<BackendProvider> chosenBackends() {
        if (backends.size() == 1 && backends.get(0).equalsIgnoreCase("all")) {
            return Backends.all();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : backends) {
            names.add(name.trim().toLowerCase(Locale.ROOT));
        }
        List<BackendProvider> chosen = new ArrayList<>();
        for (String name : names) {
            BackendProvider match = Backends.all().stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("unknown backend '" + name + "': expected all or some of "
                            + Backends.all().stream().map(BackendProvider::name).toList()));
            chosen.add(match);
        }
        return chosen;
    }

    private Result time(BackendProvider provider, ModelKind kind, String shape, Dataset data, double hostBandwidth) {
        Availability availability = provider.availability();
        if (!availability.available()) {
            return new Result(provider.name(), "", shape, false, availability.reason(), 0, 0, 0, 0, 0, 0, "", 0, "");
        }
        int outputs = kind == ModelKind.SOFTMAX ? classes : 1;
        Problem problem = new Problem(kind, outputs, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM));
        long start = System.nanoTime();
        try (Backend backend = provider.create()) {
            backend.upload(data, problem);
            backend.setParameters(new double[problem.parameterCount()]);
            Optional<Instrumentation> instruments = backend.instrumentation();
            instruments.ifPresent(i -> i.measureDeviceTime(true));
            backend.step(0, 0, data.rows(), 1e-3);
            double sink = backend.lastObjective();
            double firstStep = (System.nanoTime() - start) / 1e6;
            StepTimer.Timing timing = StepTimer.time(backend, data.rows(), warmup, warmupSeconds, steps, readEvery);
            double median = timing.median();
            double deviceBandwidth = instruments.map(Instrumentation::measureReadBandwidth).orElse(Double.NaN);
            boolean onDevice = !Double.isNaN(deviceBandwidth);
            if (!Double.isFinite(sink + timing.objectiveSum())) {
                throw new IllegalStateException("the benchmark's objective became " + (sink + timing.objectiveSum()));
            }
            double xBytes = (double) Float.BYTES * data.rows() * data.columns();
            return new Result(provider.name(), backend.device(), shape, true, "", median, timing.percentile(10),
                    timing.percentile(90), data.rows() / (median / 1e3), xBytes / (median / 1e3),
                    onDevice ? deviceBandwidth : hostBandwidth, onDevice ? "device" : "host", firstStep, timing.clock());
        }
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // keep "unknown CPU"
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", Java " + Runtime.version();
    }

    private void writeJson(ModelKind kind, List<Result> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("date", Instant.now().toString());
        root.put("machine", machine());
        root.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        root.put("command", "descent " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        root.put("model", kind.toString());
        root.put("seed", seed);
        root.put("steps", steps);
        root.put("warmup", warmup);
        root.put("warmup_seconds", warmupSeconds);
        root.put("read_every", readEvery);
        root.put("precision", "float32 data");
        ArrayNode rows = root.putArray("results");
        for (Result r : results) {
            ObjectNode row = rows.addObject();
            row.put("backend", r.backend());
            row.put("shape", r.shape());
            row.put("available", r.available());
            if (!r.available()) {
                row.put("reason", r.reason());
                continue;
            }
            row.put("device", r.device());
            row.put("median_ms", r.medianMillis());
            row.put("p10_ms", r.p10Millis());
            row.put("p90_ms", r.p90Millis());
            row.put("rows_per_s", r.rowsPerSecond());
            row.put("x_bytes_per_s", r.xBytesPerSecond());
            row.put("read_bandwidth_bytes_per_s", r.bandwidthBytesPerSecond());
            row.put("read_bandwidth_of", r.bandwidthOf());
            row.put("fraction_of_read_bandwidth", r.xBytesPerSecond() / r.bandwidthBytesPerSecond());
            row.put("time_to_first_step_ms", r.timeToFirstStepMillis());
            row.put("step_clock", r.clock());
        }
        byte[] bytes = mapper.writeValueAsBytes(root);
        AtomicFiles.write(json, output -> output.write(bytes));
    }

    private void writePlot(ModelKind kind, List<Result> results) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(ConvergencePlot.WIDTH).height(ConvergencePlot.HEIGHT)
                .title(kind + " full-batch step, median ms (" + Runtime.getRuntime().availableProcessors() + " cores)")
                .xAxisTitle("shape (rows x features, float32)").yAxisTitle("ms per step").build();
        Set<String> names = new LinkedHashSet<>();
        results.stream().filter(Result::available).forEach(r -> names.add(r.backend()));
        for (String name : names) {
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (String shape : shapes) {
                results.stream().filter(r -> r.available() && r.backend().equals(name) && r.shape().equals(shape))
                        .findFirst().ifPresent(r -> {
                            xs.add(shape);
                            ys.add(r.medianMillis());
                        });
            }
            if (!xs.isEmpty()) {
                chart.addSeries(name, xs, ys);
            }
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(plot, output -> output.write(png));
    }
}
