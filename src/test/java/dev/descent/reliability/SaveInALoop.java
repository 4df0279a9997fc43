package dev.descent.reliability;

import dev.descent.LinearModel;
import dev.descent.ModelKind;
import dev.descent.io.ModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves a large model (WEIGHTS weights, about 20 MB of JSON) to args[0] again and again, printing
 * "saving N" before each save, until killed: the victim of {@link FailureAndResourceTest}'s kill -9.
 * Save N has every weight equal to N, so a reader can tell which save a file came from.
 */
public final class SaveInALoop {
    static final int WEIGHTS = 1_000_000;

    private SaveInALoop() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        List<String> names = new ArrayList<>(WEIGHTS);
        for (int j = 0; j < WEIGHTS; j++) {
            names.add("f" + j);
        }
        for (int save = 1; ; save++) {
            double[] weights = new double[WEIGHTS];
            java.util.Arrays.fill(weights, save + 0.123456789);
            LinearModel model = new LinearModel(ModelKind.LINEAR, new double[0], new double[][] {weights}, new double[] {save});
            System.out.println("saving " + save);
            System.out.flush();
            ModelFile.write(target, new ModelFile.SavedModel(model, names, "y", null, 0, 0, null));
        }
    }
}
