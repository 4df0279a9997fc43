package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.spark.examples.FitFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Spark example, on a LIBSVM file with -1/+1 labels as LIBSVM's own data sets have. */
class FitFileExampleTest {
    @TempDir
    Path directory;

    @Test
    void fitsALibsvmFileAndSavesTheModel() throws Exception {
        SparkTests.Data data = SparkTests.generate(2000, 6, 2, false, 2, 51);
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < data.y().length; i++) {
            file.append(data.y()[i] == 1 ? "+1" : "-1");
            for (int j = 0; j < data.x()[i].length; j++) {
                file.append(String.format(Locale.ROOT, " %d:%s", j + 1, data.x()[i][j]));
            }
            file.append('\n');
        }
        Path svm = directory.resolve("data.svm");
        Files.writeString(svm, file);
        Path model = directory.resolve("model");
        String report = FitFile.run(SparkTests.spark(), new String[] {svm.toString(), "logistic", "1e-4", model.toString()});
        assertTrue(report.contains("CONVERGED"), report);
        double accuracy = Double.parseDouble(report.replaceAll("(?s).*held-out accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.7, report);
        assertTrue(DescentLogisticRegressionModel.load(model.toString()).numFeatures() == 6);
    }
}
