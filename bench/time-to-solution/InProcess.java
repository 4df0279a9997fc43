import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * descent's fit through the Java API, in process with the data loaded: the first fit of a fresh JVM and
 * then the same fit again (a service that fits repeatedly). Prints one JSON line per fit: seconds, passes,
 * status, the weights (coef, intercept) for the caller to evaluate, and the trace: [seconds since the fit
 * call, objective] after every iteration or epoch (the fit's own objective, from float32 sums: about 1e-7
 * relative).
 * Arguments: X.npy Y.npy linear|logistic|softmax L2 [L1]
 */
public class InProcess {
    public static void main(String[] args) {
        Dataset data = DataFile.read(Path.of(args[0]), DataFile.Format.NPY,
                DataFile.Request.forFit(null, null, Path.of(args[1]))).data();
        ModelKind kind = ModelKind.parse(args[2]);
        double l2 = Double.parseDouble(args[3]);
        double l1 = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        for (String which : new String[] {"first", "again"}) {
            List<double[]> trace = new ArrayList<>();
            long start = System.nanoTime();
            FitResult result = Fitter.of(kind).l2(l2).l1(l1)
                    .listener((epoch, objective, gradientNorm, rate) -> trace.add(new double[] {
                            (System.nanoTime() - start) / 1e9, objective}))
                    .fit(data);
            double seconds = (System.nanoTime() - start) / 1e9;
            StringBuilder coef = new StringBuilder("[");
            double[][] weights = result.model().weights();
            for (int c = 0; c < weights.length; c++) {
                coef.append(c == 0 ? "[" : ",[");
                for (int j = 0; j < weights[c].length; j++) {
                    coef.append(j == 0 ? "" : ",").append(weights[c][j]);
                }
                coef.append(']');
            }
            coef.append(']');
            StringBuilder intercept = new StringBuilder("[");
            double[] b = result.model().intercepts();
            for (int c = 0; c < b.length; c++) {
                intercept.append(c == 0 ? "" : ",").append(b[c]);
            }
            intercept.append(']');
            StringBuilder points = new StringBuilder("[");
            for (int k = 0; k < trace.size(); k++) {
                points.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%.5f,%.17g]", trace.get(k)[0],
                        trace.get(k)[1]));
            }
            points.append(']');
            System.out.printf(Locale.ROOT, "{\"fit\": \"%s\", \"seconds\": %.4f, \"passes\": %d, \"status\": \"%s\","
                    + " \"coef\": %s, \"intercept\": %s, \"trace\": %s}%n",
                    which, seconds, result.epochs(), result.status(), coef, intercept, points);
        }
    }
}
