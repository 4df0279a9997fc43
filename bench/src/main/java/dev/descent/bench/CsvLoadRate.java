package dev.descent.bench;

import dev.descent.data.DataFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How fast `descent fit` reads CSV: writes a CSV of about the requested size (64 feature columns
 * with six decimals, and a 0/1 label) if it is not there, then times DataFile.read on it three
 * times. Run with a heap smaller than the file (-Xmx2g for 1 GB) to show the text is not held.
 *
 * <pre>
 * mvn -B -q -f bench/pom.xml package
 * java -Xmx2g --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.descent.bench.CsvLoadRate /tmp/descent-1g.csv 1000
 * </pre>
 */
public final class CsvLoadRate {
    static final int FEATURES = 64;

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/descent-1g.csv");
        long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        if (!Files.exists(file) || Files.size(file) < megabytes * 1_000_000 * 9 / 10) {
            write(file, megabytes * 1_000_000);
        }
        double size = Files.size(file) / 1e6;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            DataFile.Table table = DataFile.read(file, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "read %.0f MB, %d rows x %d features in %.2f s: %.0f MB/s (heap max %d MB)%n",
                    size, table.data().rows(), table.data().columns(), seconds, size / seconds,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static void write(Path file, long bytes) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < FEATURES; j++) {
                line.append('x').append(j).append(',');
            }
            line.append("label\n");
            long written = 0;
            while (written < bytes) {
                out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
                written += line.length();
                line.setLength(0);
                for (int j = 0; j < FEATURES; j++) {
                    line.append(String.format(Locale.ROOT, "%.6f", random.nextDouble() * 20 - 10)).append(',');
                }
                line.append(random.nextInt(2)).append('\n');
            }
        }
    }
}
