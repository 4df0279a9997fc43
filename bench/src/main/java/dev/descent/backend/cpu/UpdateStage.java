package dev.descent.backend.cpu;

import dev.descent.ModelKind;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.ParameterUpdate;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stage 4 alone: the optimizer update on d + 1 parameters (ParameterUpdate, double, standardized
 * coordinates), O(d) per step against the O(n d) of the other stages.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class UpdateStage {
    @Param({"64", "1024"})
    public int features;

    @Param({"nesterov", "adam"})
    public String optimizer;

    private ParameterUpdate update;
    private double[] parameters;
    private double[] gradient;

    @Setup(Level.Trial)
    public void setUp() {
        double[] mean = new double[features];
        double[] scale = new double[features];
        java.util.Arrays.fill(scale, 2.0);
        Problem problem = new Problem(ModelKind.LOGISTIC, 1, features, true, 1e-4, 1e-5,
                Optimizer.of(OptimizerKind.parse(optimizer)), mean, scale);
        update = new ParameterUpdate(problem);
        parameters = new double[features + 1];
        gradient = new double[features + 1];
        for (int j = 0; j <= features; j++) {
            gradient[j] = Math.sin(j) * 1e-3;
        }
        update.start(parameters);
    }

    @Benchmark
    public double update() {
        return update.apply(parameters, gradient, 1e-3);
    }
}
