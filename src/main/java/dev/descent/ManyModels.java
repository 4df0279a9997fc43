package dev.descent;

import dev.descent.backend.Backend;
import dev.descent.backend.Backends;
import dev.descent.backend.ModelSetSums;
import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.data.FeatureShift;
import dev.descent.fit.FitLoop;
import dev.descent.fit.Labels;
import dev.descent.loss.Loss;
import dev.descent.fit.ModelSetLoop;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Many fits of one Fitter's model on one data set ({@link Fitter#path}, {@link Fitter#l1Path},
 * {@link Fitter#crossValidate}): all in one read of X per pass on a backend with {@link ModelSetSums}
 * (the reference and the cpu backend on dense rows), one after the other elsewhere, a path warm-started
 * from the previous strength.
 */
final class ManyModels {
    /** The permutation key of the folds: epoch -2, which no fit and no validation split uses. */
    private static final int FOLD_EPOCH = -2;

    private ManyModels() {
    }

    /** Which penalty a grid varies. */
    enum Penalty {
        L2, L1
    }

    /** One fit per value of {@code grid} on every row, in the grid's order. */
    static List<FitResult> path(Fitter fitter, Dataset data, Penalty penalty, double[] grid) {
        checkGrid(penalty, grid);
        fitter.requireManyModelsFit(data);
        long start = System.nanoTime();
        Fitter.Prepared prepared = fitter.prepare(data);
        List<Fitter> each = new ArrayList<>();
        for (double value : grid) {
            each.add(penalty == Penalty.L2 ? fitter.copyWith(value, fitter.l1()) : fitter.copyWith(fitter.l2(), value));
        }
        Backends.Selection selection = fitter.openBackend(prepared.training());
        try (Backend backend = selection.backend()) {
            ModelSetSums set = modelSets(backend, prepared, fitter);
            if (set != null) {
                return jointly(backend, set, prepared, each, ModelSetSums.ModelSet.ALL_ROWS, start, selection.explanation())
                        .fits();
            }
        }
        // one after the other, each from the previous optimum
        List<FitResult> results = new ArrayList<>();
        LinearModel previous = null;
        for (Fitter one : each) {
            FitResult result = one.initialModel(previous).fit(data);
            results.add(result);
            previous = result.model();
        }
        return results;
    }

    /**
     * One binary model (the Fitter's kind: logistic or svm) per class against the rest, combined into one model of
     * k rows that predicts the class of highest score: on the cpu and reference backends all k share each pass
     * (the labels 1 for the class, 0 for the rest, made in the pass, not copied), elsewhere, or with first-order
     * settings, one after the other.
     */
    static FitResult oneVsRest(Fitter fitter, Dataset data) {
        if (data == null || !data.hasLabels()) {
            throw new InvalidInputException("fitting needs labels: the data set has none");
        }
        ModelKind kind = fitter.model();
        if (kind.loss().labels() != Loss.Labels.BINARY) {
            throw new InvalidInputException("one-vs-rest fits a binary model per class (logistic or svm), not " + kind);
        }
        long start = System.nanoTime();
        Fitter.Prepared prepared = fitter.prepareOneVsRest(data);
        double[] classes = prepared.classes();
        int k = classes.length;
        List<FitResult> fits = null;
        int sharedPasses = 0;
        if (fitter.quasiNewtonFullBatch(data.rows())) {
            Backends.Selection selection = fitter.openBackend(prepared.training());
            try (Backend backend = selection.backend()) {
                ModelSetSums set = modelSets(backend, prepared, fitter);
                if (set != null) {
                    List<Fitter> each = new ArrayList<>();
                    float[] positive = new float[k];
                    for (int c = 0; c < k; c++) {
                        each.add(fitter.copyWith(fitter.l2(), fitter.l1()));
                        positive[c] = c;
                    }
                    Shared shared = jointly(backend, set, prepared, each,
                            new ModelSetSums.ModelSet(null, null, false, positive), start, selection.explanation());
                    fits = shared.fits();
                    sharedPasses = shared.passes();
                }
            }
        }
        if (fits == null) {
            fits = new ArrayList<>();
            float[] labels = prepared.training().labels();
            for (int c = 0; c < k; c++) {
                float[] binary = new float[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    binary[i] = labels[i] == c ? 1f : 0f;
                }
                // the rows already carry any class weights, of the k classes
                fits.add(fitter.copyWith(fitter.l2(), fitter.l1()).withoutClassWeights()
                        .fit(prepared.training().withLabels(binary)));
            }
        }
        return combined(kind, classes, fits, sharedPasses);
    }

    /** The k binary fits as one model of k rows, with the worst status among them and the sum of their objectives. */
    private static FitResult combined(ModelKind kind, double[] classes, List<FitResult> fits, int sharedPasses) {
        int k = fits.size();
        double[][] weights = new double[k][];
        double[] intercepts = new double[k];
        double objective = 0;
        int passes = 0;
        long iterations = 0;
        FitResult worst = null;
        for (int c = 0; c < k; c++) {
            FitResult fit = fits.get(c);
            weights[c] = fit.model().weights()[0];
            intercepts[c] = fit.model().intercepts()[0];
            objective += fit.objective();
            passes += fit.epochs();
            iterations = Math.max(iterations, fit.steps());
            if (worst == null && fit.status() != FitStatus.CONVERGED) {
                worst = fit;
            }
        }
        FitResult first = fits.get(0);
        FitStatus status = worst == null ? FitStatus.CONVERGED : worst.status();
        String reason = worst == null ? "the " + k + " classes' models converged"
                : "class " + fits.indexOf(worst) + "'s model: " + worst.reason();
        return new FitResult(new LinearModel(kind, classes, weights, intercepts), status, reason,
                sharedPasses > 0 ? sharedPasses : passes, iterations, new double[0], objective, first.backend(),
                first.device(), first.backendChoice(), first.medianStepMillis(), first.uploadMillis(),
                first.timeToFirstStepMillis(), first.learningRate(), first.optimizer(), first.solver(), first.batchSize(),
                first.seed(), new double[0]);
    }

    /** Cross-validation over a grid of l2 values: folds models per value, then the best value refitted on every row. */
    static CrossValidation crossValidate(Fitter fitter, Dataset data, int folds, double[] grid) {
        checkGrid(Penalty.L2, grid);
        fitter.requireManyModelsFit(data);
        if (folds < 2 || folds > data.rows()) {
            throw new InvalidInputException("cross-validation needs 2 to " + data.rows() + " folds (the rows), got " + folds);
        }
        long start = System.nanoTime();
        byte[] fold = folds(data.rows(), folds, fitter.seed());
        Fitter.Prepared prepared = fitter.prepare(data);
        List<Fitter> each = new ArrayList<>();
        int[] heldOut = new int[grid.length * folds];
        for (int v = 0; v < grid.length; v++) {
            for (int f = 0; f < folds; f++) {
                each.add(fitter.copyWith(grid[v], fitter.l1()));
                heldOut[v * folds + f] = f;
            }
        }
        double[][] loss = new double[grid.length][folds];
        Backends.Selection selection = fitter.openBackend(prepared.training());
        boolean joint = false;
        try (Backend backend = selection.backend()) {
            ModelSetSums set = modelSets(backend, prepared, fitter);
            if (set != null) {
                joint = true;
                List<FitResult> fits = jointly(backend, set, prepared, each, new ModelSetSums.ModelSet(fold, heldOut, false, null),
                        start, selection.explanation()).fits();
                // each model's loss on the fold it did not see: one more pass, counting only those rows
                double[][] parameters = new double[fits.size()][];
                boolean[] active = new boolean[fits.size()];
                DataTermSums[] sums = new DataTermSums[fits.size()];
                for (int m = 0; m < fits.size(); m++) {
                    // the uploaded rows are held as x - shift: the models' parameters for them
                    parameters[m] = Fitter.parametersOf(
                            FeatureShift.toStored(fits.get(m).model(), prepared.training().featureShift()));
                    active[m] = true;
                    sums[m] = new DataTermSums(parameters[m].length);
                }
                set.modelSetSums(new ModelSetSums.ModelSet(fold, heldOut, true, null), parameters, active, sums);
                for (int m = 0; m < fits.size(); m++) {
                    loss[m / folds][m % folds] = sums[m].lossSum() / sums[m].weightTotal();
                }
            }
        }
        if (!joint) {
            for (int v = 0; v < grid.length; v++) {
                for (int f = 0; f < folds; f++) {
                    Dataset[] parts = split(data, fold, f);
                    FitResult result = each.get(v * folds + f).fit(parts[0]);
                    loss[v][f] = meanLoss(fitter, prepared, result.model(), parts[1]);
                }
            }
        }
        double[] mean = new double[grid.length];
        int best = 0;
        for (int v = 0; v < grid.length; v++) {
            mean[v] = Arrays.stream(loss[v]).average().orElse(Double.NaN);
            if (mean[v] < mean[best]) {
                best = v;
            }
        }
        FitResult refit = fitter.copyWith(grid[best], fitter.l1()).fit(data);
        return new CrossValidation(grid.clone(), folds, loss, mean, best, refit, joint);
    }

    /**
     * The backend as a model set, with the prepared rows uploaded, or null (nothing uploaded) when it cannot be one:
     * a backend without {@link ModelSetSums}, a softmax model (k outputs a model), or rows it does not take that way.
     */
    private static ModelSetSums modelSets(Backend backend, Fitter.Prepared prepared, Fitter fitter) {
        ModelSetSums set = backend.modelSets().orElse(null);
        Dataset rows = prepared.training();
        if (set == null || prepared.outputs() != 1 || !set.takesModelSets(rows) || rows.isSparse() && !backend.takesSparse()
                || rows.isFloat64() && !backend.takesFloat64()) {
            return null;
        }
        backend.upload(prepared.training(), fitter.problemFor(prepared, fitter.l2(), fitter.l1()));
        return set;
    }

    /** Models fitted together: their results, and the passes over X they shared. */
    private record Shared(List<FitResult> fits, int passes) {
    }

    /** The models in one read of X per pass, each with its own solver state and stopping rules. */
    private static Shared jointly(Backend backend, ModelSetSums set, Fitter.Prepared prepared, List<Fitter> each,
                                  ModelSetSums.ModelSet rows, long start, String explanation) {
        double uploadMillis = (System.nanoTime() - start) / 1e6;
        List<ModelSetLoop.Model> models = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (int m = 0; m < each.size(); m++) {
            Fitter one = each.get(m);
            Problem problem = one.problemFor(prepared, one.l2(), one.l1());
            problems.add(problem);
            models.add(new ModelSetLoop.Model(problem, new double[problem.parameterCount()], one.quasiNewtonSettings()));
        }
        ModelSetLoop loop = new ModelSetLoop(set, rows, models);
        List<FitLoop.Outcome> outcomes = loop.run(start);
        List<FitResult> results = new ArrayList<>();
        String shared = explanation + "; " + each.size() + " models fitted together in " + loop.passes() + " passes over X";
        for (int m = 0; m < outcomes.size(); m++) {
            results.add(each.get(m).result(problems.get(m), prepared.classes(), prepared.training().featureShift(),
                    outcomes.get(m), backend.name(),
                    backend.device(), shared, uploadMillis));
        }
        return new Shared(results, loop.passes());
    }

    /** (1/S) sum s_i loss_i of a model on rows it did not see (labels mapped as the kernels take them). */
    private static double meanLoss(Fitter fitter, Fitter.Prepared prepared, LinearModel model, Dataset rows) {
        float[] labels = prepared.relabel() ? Labels.classIndices(rows.labels(), prepared.classes()) : rows.labels();
        float[] s = rows.sampleWeights();
        Loss loss = fitter.model().loss();
        double parameter = fitter.lossParameter();
        double[][] z = model.decisionFunction(rows);
        double[] probabilities = new double[z.length == 0 ? 0 : z[0].length];
        double sum = 0;
        double weights = 0;
        for (int i = 0; i < z.length; i++) {
            double weight = s == null ? 1 : s[i];
            double value = loss.pointwise() ? loss.value(z[i][0], labels[i], parameter)
                    : Loss.softmax(z[i], z[i].length, (int) labels[i], probabilities);
            sum += weight * value;
            weights += weight;
        }
        return sum / weights;
    }

    /** Row i's fold: its position in the seed's row permutation, in folds equal to a row. */
    static byte[] folds(int rows, int folds, long seed) {
        long key = RowPermutation.epochKey(seed, FOLD_EPOCH);
        byte[] fold = new byte[rows];
        for (int p = 0; p < rows; p++) {
            fold[RowPermutation.row(key, rows, p)] = (byte) ((long) p * folds / rows);
        }
        return fold;
    }

    /** {rows outside fold f, rows of fold f}. */
    private static Dataset[] split(Dataset data, byte[] fold, int f) {
        int inside = 0;
        for (byte b : fold) {
            inside += b == f ? 1 : 0;
        }
        int[] kept = new int[fold.length - inside];
        int[] held = new int[inside];
        int k = 0;
        int h = 0;
        for (int i = 0; i < fold.length; i++) {
            if (fold[i] == f) {
                held[h++] = i;
            } else {
                kept[k++] = i;
            }
        }
        return new Dataset[] {data.select(kept), data.select(held)};
    }

    private static void checkGrid(Penalty penalty, double[] grid) {
        String name = penalty == Penalty.L2 ? "l2" : "l1";
        if (grid == null || grid.length == 0) {
            throw new InvalidInputException("the " + name + " grid is empty: give at least one value");
        }
        for (int v = 0; v < grid.length; v++) {
            if (!(grid[v] >= 0) || !Double.isFinite(grid[v])) {
                throw new InvalidInputException("the " + name + " grid's value " + grid[v] + " is not a non-negative number");
            }
            if (v > 0 && !(grid[v] > grid[v - 1])) {
                throw new InvalidInputException("the " + name + " grid must increase: " + grid[v - 1] + " then " + grid[v]);
            }
        }
    }
}
