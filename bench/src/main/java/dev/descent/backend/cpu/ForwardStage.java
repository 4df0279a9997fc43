package dev.descent.backend.cpu;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Stage 1 of the fused step alone: z = X w for every row, four rows at a time (CpuBackend.dot4), one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class ForwardStage {
    private final double[] four = new double[4];

    @Benchmark
    public double forward(StageData data) {
        int d = data.columns;
        double sum = 0;
        for (int i = 0; i + 4 <= data.rows; i += 4) {
            CpuBackend.dot4(data.x, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, data.w, d, four);
            sum += four[0] + four[1] + four[2] + four[3];
        }
        return sum;
    }
}
