package dev.descent.cli;

import dev.descent.FitResult;
import dev.descent.FitStatus;
import dev.descent.io.AtomicFiles;
import dev.descent.optim.Solver;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of a fit's convergence: the objective per epoch (or iteration) above, its gradient norm on a
 * log scale below, and a line where the fit stopped with its status. Both are what the stopping rules
 * look at; a fit stopped by its limit shows a gradient still falling, where a plot of the distance to
 * the last objective would make it look converged.
 */
final class ConvergencePlot {
    /** The size of descent's PNGs (this plot, and the bench command's). */
    static final int WIDTH = 900;
    static final int HEIGHT = 600;
    /** Each of this plot's two panels. */
    static final int PANEL_HEIGHT = HEIGHT / 2;

    private ConvergencePlot() {
    }

    static void write(FitResult result, FitTrace trace, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String unit = result.solver() == Solver.FIRST_ORDER ? "epoch" : "iteration";
        double[] objectives = trace.objectives();
        double[] gradients = trace.gradientNorms();
        String stop = "stopped: " + result.status() + (result.status() == FitStatus.CONVERGED ? "" : " (not converged)");
        XYChart objective = panel(title, unit, "objective", objectives, false, stop);
        XYChart gradient = panel(null, unit, "gradient norm (log scale)", gradients, true, stop);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.drawImage(BitmapEncoder.getBufferedImage(objective), 0, 0, null);
        graphics.drawImage(BitmapEncoder.getBufferedImage(gradient), 0, PANEL_HEIGHT, null);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        AtomicFiles.write(file, out -> png.writeTo(out));
    }

    /** One panel: a value per epoch, from epoch 1, with the stop marked at the last one. */
    private static XYChart panel(String title, String unit, String what, double[] values, boolean logarithmic, String stop) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int e = 0; e < values.length; e++) {
            double value = values[e];
            if (Double.isFinite(value) && (!logarithmic || value > 0)) {
                x.add(e + 1.0);
                y.add(value);
            }
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT).title(title == null ? "" : title)
                .xAxisTitle(unit).yAxisTitle(what).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisTickMarkSpacingHint(80);
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        if (x.isEmpty()) {
            x.add(1.0);
            y.add(1.0);
            chart.setTitle(chart.getTitle() + " (no " + what + " was reported)");
        }
        chart.addSeries(what, x, y).setMarker(x.size() <= 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        double last = x.get(x.size() - 1);
        chart.addAnnotation(new AnnotationLine(last, true, false));
        chart.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%s after %d %ss", stop, (int) last, unit),
                WIDTH * 0.72, PANEL_HEIGHT - 70.0, true)); // screen space, from the bottom: top right of the plot
        return chart;
    }
}
