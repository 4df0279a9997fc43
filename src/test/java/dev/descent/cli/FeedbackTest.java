package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.FitResult;
import dev.descent.FitStatus;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import dev.descent.optim.Solver;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user watching a fit sees: the progress bar's measure and width, and the convergence plot. */
class FeedbackTest {
    @TempDir
    Path folder;

    /** The rendered lines of a bar, at most {@link FitCommand.Progress#WIDTH} columns. */
    static final class Lines implements ProgressBarConsumer {
        final List<String> lines = new ArrayList<>();

        @Override
        public int getMaxRenderedLength() {
            return FitCommand.Progress.WIDTH;
        }

        @Override
        public synchronized void accept(String rendered) {
            lines.add(rendered);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theBarMeasuresDecadesOfGradientTowardTheStoppingRule() {
        // L-BFGS stops at 1e-7 of the starting gradient: seven decades, whatever the iteration limit
        FitCommand.Progress progress = new FitCommand.Progress(null, 1000,
                new Fitter.StoppingTarget(Solver.LBFGS, 1e-7, true), 0);
        assertEquals(0, progress.percent(0, 2.0));
        assertEquals(43, progress.percent(1, 2.0 * 1e-3));
        assertEquals(100, progress.percent(2, 2.0 * 1e-7));
        // first-order steps stop at an absolute gradient norm, and at the epoch limit
        FitCommand.Progress epochs = new FitCommand.Progress(null, 10,
                new Fitter.StoppingTarget(Solver.FIRST_ORDER, 1e-6, false), 0);
        assertEquals(10, epochs.percent(0, 1.0));
        assertEquals(50, epochs.percent(1, 1e-3));
        assertEquals(60, epochs.percent(5, 0.5));
    }

    @Test
    void theBarStaysWithinEightyColumnsAndEndsAtItsMeasure() {
        Lines lines = new Lines();
        try (FitCommand.Progress progress = new FitCommand.Progress(lines, 100000,
                new Fitter.StoppingTarget(Solver.LBFGS, 1e-7, true), 0)) {
            for (int k = 0; k <= 7; k++) {
                progress.onEpoch(k, 0.6 + Math.pow(10, -k), Math.pow(10, -k), Double.NaN);
            }
        }
        assertTrue(!lines.lines.isEmpty(), "the bar rendered");
        String last = lines.lines.get(lines.lines.size() - 1);
        assertTrue(last.contains("100%") && last.contains("iteration 8") && last.contains("|g| 1.0e-07"), last);
        for (String line : lines.lines) {
            assertTrue(line.strip().length() <= FitCommand.Progress.WIDTH, line.length() + " columns: " + line);
        }
    }

    @Test
    void aFitThatConvergedByAnotherRuleEndsAtFull() {
        Lines lines = new Lines();
        try (FitCommand.Progress progress = new FitCommand.Progress(lines, 1000,
                new Fitter.StoppingTarget(Solver.LBFGS, 1e-7, true), 0)) {
            progress.onEpoch(0, 1.0, 1.0, Double.NaN);
            progress.onEpoch(1, 0.5, 1e-3, Double.NaN);
            progress.converged(); // e.g. the objective stopped improving first
        }
        String last = lines.lines.get(lines.lines.size() - 1);
        assertTrue(last.contains("100%"), last);
    }

    /** A CSV of a few MiB: a header and rows of numbers. */
    private Path csv(String name) throws java.io.IOException {
        Path file = folder.resolve(name);
        StringBuilder text = new StringBuilder("a,b,c,label\n");
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 60_000; i++) {
            text.append(random.nextDouble()).append(',').append(random.nextDouble()).append(',').append(random.nextDouble())
                    .append(',').append(random.nextInt(2)).append('\n');
        }
        java.nio.file.Files.writeString(file, text);
        return file;
    }

    @Test
    void aLoadCountsTheFilesBytesAndItsBarReachesTheEnd() throws Exception {
        Path file = csv("rows.csv");
        long size = java.nio.file.Files.size(file);
        Lines lines = new Lines();
        try (LoadProgress loading = new LoadProgress(file, lines, 0)) {
            dev.descent.data.DataFile.Table table = dev.descent.data.DataFile.read(file, dev.descent.data.DataFile.Format.CSV,
                    dev.descent.data.DataFile.Request.forFit("label", null, null), loading.bytesRead());
            assertEquals(60_000, table.data().rows());
            assertEquals(size, loading.bytesRead().get(), "every byte of the file counted once");
        }
        String last = lines.lines.get(lines.lines.size() - 1);
        assertTrue(last.contains("load rows.csv") && last.contains("100%") && last.contains("MiB"), last);
    }

    @Test
    void aGzipFileCountsItsCompressedBytes() throws Exception {
        Path plain = csv("plain.csv");
        Path packed = folder.resolve("packed.csv.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(packed))) {
            java.nio.file.Files.copy(plain, out);
        }
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
        dev.descent.data.DataFile.read(packed, dev.descent.data.DataFile.Format.CSV,
                dev.descent.data.DataFile.Request.forFit("label", null, null), counter);
        assertEquals(java.nio.file.Files.size(packed), counter.get());
    }

    @Test
    @Tag("desktop") // draws a PNG: needs java.desktop, which the GPU bundle's runtime leaves out
    void thePlotShowsObjectiveAndGradientOfAFitStoppedByItsLimit() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        double[][] x = new double[500][6];
        double[] y = new double[500];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 6; j++) {
                x[i][j] = random.nextGaussian() * (1 + j);
            }
            y[i] = x[i][0] - x[i][3] > 0 ? 1 : 0;
        }
        FitTrace trace = new FitTrace();
        FitResult result = Fitter.of(ModelKind.LOGISTIC).maxEpochs(3).listener(trace).fit(Dataset.of(x, y));
        assertEquals(FitStatus.MAX_EPOCHS, result.status());
        assertEquals(3, trace.objectives().length);
        assertTrue(trace.gradientNorms()[2] > 0 && trace.gradientNorms()[2] < trace.gradientNorms()[0],
                java.util.Arrays.toString(trace.gradientNorms()));
        Path file = folder.resolve("convergence.png");
        ConvergencePlot.write(result, trace, "logistic on test data", file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(ConvergencePlot.WIDTH, image.getWidth());
        assertEquals(ConvergencePlot.HEIGHT, image.getHeight());
    }
}
