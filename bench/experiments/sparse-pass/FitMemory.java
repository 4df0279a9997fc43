import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;

/**
 * The heap a sparse fit holds beside its CSR arrays: live heap after a full GC with nothing loaded, with
 * the data loaded, and at the first, the middle and the last iteration of a default logistic fit (lbfgs),
 * each against the bytes of the CSR arrays. Also the GC's peak heap use over the whole run.
 *
 *   java --add-modules jdk.incubator.vector -Xmx8g -cp target/classes:/tmp/x FitMemory FILE.svm L2
 */
public class FitMemory {
    static long live() {
        System.gc();
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    public static void main(String[] args) {
        long empty = live();
        Dataset data = DataFile.read(Path.of(args[0]), DataFile.Format.LIBSVM, DataFile.Request.forFit(null, null, null)).data();
        long loaded = live();
        double csr = data.featureBytes();
        long labelsAndWeights = 4L * data.rows();
        long[] during = new long[3];
        int[] epochs = {0};
        FitResult result = Fitter.of(ModelKind.LOGISTIC).l2(Double.parseDouble(args[1]))
                .listener((epoch, objective, gradientNorm, rate) -> {
                    epochs[0] = epoch;
                    if (epoch == 1 || epoch == 15 || epoch == 25) {
                        during[epoch == 1 ? 0 : epoch == 15 ? 1 : 2] = live();
                    }
                })
                .fit(data);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%,d rows x %,d features, CSR arrays %.1f MiB (labels %.1f MiB); %s after %d iterations%n",
                data.rows(), data.columns(), csr / 1048576, labelsAndWeights / 1048576.0, result.status(), result.epochs());
        System.out.printf("live heap: empty %.1f MiB; loaded %.1f MiB (%.2fx the CSR bytes above empty)%n",
                empty / 1048576.0, loaded / 1048576.0, (loaded - empty) / csr);
        for (int i = 0; i < 3; i++) {
            if (during[i] > 0) {
                System.out.printf("  during the fit (iteration %d): %.1f MiB, %.2fx the CSR bytes above empty%n",
                        new int[] {1, 15, 25}[i], during[i] / 1048576.0, (during[i] - empty) / csr);
            }
        }
        System.out.printf("peak heap in use over the run (loading included, garbage included): %.1f MiB, %.2fx the CSR bytes%n",
                peak / 1048576.0, peak / csr);
    }
}
