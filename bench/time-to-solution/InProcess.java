import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import java.nio.file.Path;
import java.util.Locale;

/**
 * descent's fit through the Java API, in process with the data loaded: the first fit of a fresh JVM and
 * then the same fit again (a service that fits repeatedly). Prints one line per fit: seconds, passes,
 * status, and the weights as JSON (coef, intercept) for the caller to evaluate.
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
            long start = System.nanoTime();
            FitResult result = Fitter.of(kind).l2(l2).l1(l1).fit(data);
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
            System.out.printf(Locale.ROOT, "{\"fit\": \"%s\", \"seconds\": %.4f, \"passes\": %d, \"status\": \"%s\", \"coef\": %s, \"intercept\": %s}%n",
                    which, seconds, result.epochs(), result.status(), coef, intercept);
        }
    }
}
