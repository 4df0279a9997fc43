package dev.descent.cli;

import dev.descent.FitResult;
import dev.descent.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG of the objective per epoch, on a log scale, so the convergence can be seen rather than read. */
final class ConvergencePlot {
    static final int WIDTH = 900;
    static final int HEIGHT = 540;

    private ConvergencePlot() {
    }

    /**
     * Plots objective - f* per epoch on a log scale, with f* the lowest objective of the fit: the
     * distance to the optimum is what shows a convergence rate (a straight line is linear convergence),
     * and it spans decades where the objective itself may not. Epochs at f* itself are left out (log 0).
     */
    static void write(FitResult result, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] history = result.objectiveHistory();
        double best = result.objective();
        for (double f : history) {
            best = Math.min(best, f);
        }
        List<Double> epochs = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        for (int e = 0; e < history.length; e++) {
            double gap = history[e] - best;
            if (gap > 0 && Double.isFinite(gap)) {
                epochs.add(e + 1.0);
                gaps.add(gap);
            }
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(String.format(Locale.ROOT, "objective - %.9g (log scale)", best)).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisTickMarkSpacingHint(80);
        if (gaps.isEmpty()) {
            epochs.add(1.0);
            gaps.add(1.0);
            chart.setTitle(title + " (no epoch above the best objective)");
        }
        chart.getStyler().setYAxisLogarithmic(true);
        chart.addSeries("objective - best", epochs, gaps).setMarker(SeriesMarkers.NONE);
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
    }
}
