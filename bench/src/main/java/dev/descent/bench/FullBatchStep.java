package dev.descent.bench;

import dev.descent.ModelKind;
import dev.descent.backend.Backend;
import dev.descent.backend.Backends;
import dev.descent.backend.cpu.StreamingRead;
import dev.descent.cli.BenchmarkData;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full-batch step of a backend (forward, loss, gradient, Adam update: one read of X) beside
 * the physical floor of the host, a plain multi-threaded streaming read of the same X, in the same run.
 * Bytes of X per step: rows * features * 4.
 *
 * <pre>
 * mvn -B -q -f bench/pom.xml package
 * java -jar bench/target/benchmarks.jar FullBatchStep
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class FullBatchStep {
    static final long SEED = 20261123L;

    @Param({"1000000x64", "50000x1024"})
    public String shape;

    @Param({"linear", "logistic"})
    public String model;

    /** cpu, or opencl (here PoCL on the same two cores: a correctness vehicle, timed for the record). */
    @Param({"cpu", "opencl"})
    public String backendName;

    private Dataset data;
    private Backend backend;
    private StreamingRead read;

    @Setup(Level.Trial)
    public void setUp() {
        ModelKind kind = ModelKind.parse(model);
        data = BenchmarkData.generate(kind, shape, 2, SEED);
        read = new StreamingRead(data.features(), Runtime.getRuntime().availableProcessors());
        backend = openAtStart(backendName, kind, data);
    }

    /** The benchmarked problem on a new backend: l2 = 1e-4, Adam, intercept, parameters at zero. */
    static Backend openAtStart(String backendName, ModelKind kind, Dataset data) {
        Backend opened = Backends.open(backendName).backend();
        opened.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM)));
        opened.setParameters(new double[data.columns() + 1]);
        return opened;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        read.close();
    }

    /** The whole step; the objective is returned so JMH consumes it (for a GPU backend, reading it waits for the step). */
    @Benchmark
    public double step() {
        return fullBatchStep(backend, data);
    }

    /** One full-batch step at learning rate 1e-3; its objective, so the caller consumes the step. */
    static double fullBatchStep(Backend backend, Dataset data) {
        backend.step(0, 0, data.rows(), 1e-3);
        return backend.lastObjective();
    }

    /** The floor: the threads stream X once, claiming 256 KiB pieces as the step claims its blocks, and sum it with vectors. */
    @Benchmark
    public double streamingRead() {
        return read.sum();
    }
}
