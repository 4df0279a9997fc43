package dev.descent.backend.cpu;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Stage 2 alone: loss and weighted residual per row from z (CpuBackend.weighted), one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class ResidualStage {
    /** 0 linear, 1 logistic (CpuBackend's loss codes). */
    @Param({"0", "1"})
    public int lossCode;

    private final double[] loss = new double[1];

    @Benchmark
    public double residuals(StageData data) {
        double sum = 0;
        for (int i = 0; i < data.rows; i++) {
            sum += CpuBackend.weighted(lossCode, data.z[i], i, data.y, null, loss, 0) + loss[0];
        }
        return sum;
    }
}
