package dev.descent.backend.cpu;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** Stage 3 alone: g += sum_i r_i x_i, four rows per accumulator update (CpuBackend.axpy4), one thread. */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class GradientStage {
    @Benchmark
    public float gradient(StageData data) {
        int d = data.columns;
        float[] r = data.residuals;
        java.util.Arrays.fill(data.gradient, 0f);
        for (int i = 0; i + 4 <= data.rows; i += 4) {
            CpuBackend.axpy4(data.gradient, data.x, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, r[i], r[i + 1], r[i + 2],
                    r[i + 3], d);
        }
        return data.gradient[0];
    }
}
