package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.backend.TestBackends;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.data.Standardization;
import dev.descent.optim.OptimizerKind;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole fits on sparse data: the same optimum as on the same rows held dense, on every solver and the
 * backends that take sparse data (OpenCL included), bit for bit on repeat; -1/+1 labels as 0/1.
 */
class SparseFitTest {
    /**
     * Sparse and dense fits of float32 data both stop within about 1e-9 relative of one optimum, by
     * different float32 paths: their objectives agree to this.
     */
    static final double OBJECTIVE_RELATIVE = 1e-6;
    /** Their weights, of order 1, agree to this (the optimum is well conditioned with l2 = 1e-2). */
    static final double WEIGHT_ABSOLUTE = 2e-3;

    /** Rows x 300 features, about 5% non-zero, some columns never set, every 13th row empty; labels from a sparse truth. */
    static Dataset[] denseAndSparse(ModelKind kind, int rows, long seed) {
        int d = 300;
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * d];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d - 20 && i % 13 != 0; j++) {
                if (random.nextInt(20) == 0) {
                    x[i * d + j] = (float) (random.nextDouble(-1, 1) * (1 + j % 7));
                }
            }
        }
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double z = 0.3;
            for (int j = 0; j < d; j += 3) {
                z += x[i * d + j] * (j % 2 == 0 ? 0.5 : -0.5);
            }
            z += 0.3 * random.nextGaussian();
            y[i] = switch (kind) {
                case LINEAR -> (float) z;
                case HUBER -> (float) (i % 10 == 0 ? z + 4 : z);
                case LOGISTIC, SVM -> z > 0 ? 1 : 0;
                case SOFTMAX -> z < -0.5 ? 0 : z < 0.5 ? 1 : 2;
                case POISSON -> Math.round(Math.exp(0.5 * z));
            };
        }
        float[] weights = new float[rows];
        for (int i = 0; i < rows; i++) {
            weights[i] = 0.5f + (i % 4);
        }
        return new Dataset[] {Dataset.rowMajor(x, rows, d, y).withSampleWeights(weights),
            Dataset.csr(CsrMatrix.fromDense(x, rows, d), y).withSampleWeights(weights)};
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (ModelKind kind : ModelKind.values()) {
            for (String backend : new String[] {"cpu", "reference"}) {
                for (String solver : new String[] {"lbfgs", "owlqn", "first-order"}) {
                    cases.add(Arguments.of(kind, backend, solver));
                }
            }
        }
        return cases.build();
    }

    static Fitter fitter(ModelKind kind, String backend, String solver) {
        Fitter fitter = Fitter.of(kind).backend(backend).l2(1e-2);
        return switch (solver) {
            case "owlqn" -> fitter.l1(1e-3);
            // poisson's curvature has no bound, so no automatic rate: a small one given
            case "first-order" -> (kind == ModelKind.POISSON ? fitter.learningRate(TestData.POISSON_LEARNING_RATE) : fitter)
                    .optimizer(OptimizerKind.NESTEROV).maxEpochs(3000).tolerance(1e-10);
            default -> fitter;
        };
    }

    @ParameterizedTest(name = "{0} on {1}, {2}")
    @MethodSource("cases")
    void sparseFitsReachTheDenseOptimum(ModelKind kind, String backend, String solver) {
        Dataset[] data = denseAndSparse(kind, 600, kind.ordinal() * 31L + solver.length());
        FitResult dense = fitter(kind, backend, solver).fit(data[0]);
        FitResult sparse = fitter(kind, backend, solver).fit(data[1]);
        assertEquals(dense.objective(), sparse.objective(), OBJECTIVE_RELATIVE * Math.abs(dense.objective()),
                "objective; dense " + dense.status() + " " + dense.reason() + ", sparse " + sparse.status() + " " + sparse.reason());
        for (int c = 0; c < dense.model().weights().length; c++) {
            assertArrayEquals(dense.model().weights()[c], sparse.model().weights()[c], WEIGHT_ABSOLUTE, "weights of output " + c);
        }
        assertArrayEquals(dense.model().intercepts(), sparse.model().intercepts(), WEIGHT_ABSOLUTE, "intercepts");
        assertArrayEquals(dense.model().predict(data[0]), sparse.model().predict(data[1]), kind.classifies() ? 0 : 1e-2,
                "predictions on the dense and the sparse rows");
        FitResult again = fitter(kind, backend, solver).fit(data[1]);
        for (int c = 0; c < sparse.model().weights().length; c++) {
            assertArrayEquals(sparse.model().weights()[c], again.model().weights()[c], 0, "repeat, bit for bit");
        }
    }

    @Test
    void miniBatchStepsOnSparseRowsMatchDenseOnes() {
        Dataset[] data = denseAndSparse(ModelKind.LOGISTIC, 600, 9);
        Fitter fitter = Fitter.of(ModelKind.LOGISTIC).backend("cpu").optimizer(OptimizerKind.ADAM).batchSize(64)
                .maxEpochs(20).seed(3);
        FitResult dense = fitter.fit(data[0]);
        FitResult sparse = fitter.fit(data[1]);
        // the same batches in the same order; the two passes differ in float32 rounding only
        assertArrayEquals(dense.model().weights()[0], sparse.model().weights()[0], 1e-3);
        assertEquals(dense.epochs(), sparse.epochs());
    }

    @Test
    void signedLabelsFitAsZeroAndOne() {
        Dataset[] data = denseAndSparse(ModelKind.LOGISTIC, 400, 4);
        float[] signed = data[1].labels().clone();
        for (int i = 0; i < signed.length; i++) {
            signed[i] = signed[i] == 0 ? -1 : 1;
        }
        FitResult zeroOne = Fitter.of(ModelKind.LOGISTIC).l2(1e-2).fit(data[1]);
        FitResult plusMinus = Fitter.of(ModelKind.LOGISTIC).l2(1e-2).fit(data[1].withLabels(signed));
        assertArrayEquals(zeroOne.model().weights()[0], plusMinus.model().weights()[0], 0);
        assertArrayEquals(new double[] {-1, 1}, plusMinus.model().classes());
        double[] predicted = plusMinus.model().predict(data[1]);
        for (double label : predicted) {
            assertTrue(label == -1 || label == 1, "predicts the file's own labels, got " + label);
        }
        assertEquals(zeroOne.model().score(data[1]), plusMinus.model().score(data[1].withLabels(signed)), 0);
    }

    @Test
    void sparseStandardizationScalesWithoutCentring() {
        Dataset[] data = denseAndSparse(ModelKind.LINEAR, 300, 2);
        Standardization dense = Standardization.learn(data[0]);
        Standardization sparse = Standardization.learn(data[1]);
        assertArrayEquals(dense.scale(), sparse.scale(), 1e-9, "the same deviations about the column means");
        assertArrayEquals(new double[300], sparse.mean(), 0, "no centring: zeros stay zeros");
        CsrMatrix x = data[1].sparseFeatures();
        float first = x.values()[0];
        sparse.applyInPlace(data[1]);
        assertEquals(first / sparse.scale()[x.columnIndices()[0]], x.values()[0], 1e-6);
    }

    /**
     * The GPU backends take the sparse rows as they are (OpenCL on PoCL in the main run, CUDA under the stand-in
     * driver in cuda-on-the-host): the dense fit's optimum, without making them dense, bit for bit on repeat.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("deviceKinds")
    void deviceFitsSparseRowsToTheDenseOptimum(String backend, ModelKind kind) {
        TestBackends.require(backend);
        Dataset[] data = denseAndSparse(kind, 300, 6);
        FitResult dense = Fitter.of(kind).backend(backend).l2(1e-2).fit(data[0]);
        FitResult sparse = Fitter.of(kind).backend(backend).l2(1e-2).fit(data[1]);
        assertFalse(sparse.backendChoice().contains("made dense"), sparse.backendChoice());
        assertEquals(dense.objective(), sparse.objective(), OBJECTIVE_RELATIVE * Math.abs(dense.objective()));
        for (int c = 0; c < dense.model().weights().length; c++) {
            assertArrayEquals(dense.model().weights()[c], sparse.model().weights()[c], WEIGHT_ABSOLUTE);
        }
        FitResult again = Fitter.of(kind).backend(backend).l2(1e-2).fit(data[1]);
        assertArrayEquals(sparse.model().weights()[0], again.model().weights()[0], 0, "the same bits on repeat");
    }

    static Stream<Arguments> deviceKinds() {
        return TestBackends.selected().stream().map(p -> p.name()).filter(name -> name.equals("opencl") || name.equals("cuda"))
                .flatMap(name -> Stream.of(ModelKind.LINEAR, ModelKind.LOGISTIC, ModelKind.SOFTMAX)
                        .map(kind -> Arguments.of(name, kind)));
    }
}
