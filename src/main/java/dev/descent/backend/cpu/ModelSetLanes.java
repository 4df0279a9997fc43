package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.LaneScratch.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector part of a model-set row ({@link ModelSetPass}): the logistic loss and residual of one row under
 * every model, LANES models a vector, by {@link LaneMath#logisticLanes} on lanes that are models. The models'
 * running loss and residual sums stay in float arrays, a lane each, for the chunk, as the one-model pass keeps
 * its lanes' sums.
 */
final class ModelSetLanes {
    private ModelSetLanes() {
    }

    /**
     * Row r of the tile: z = tile[r k + c] + intercepts[c] for the padded model count {@code paddedK} (a multiple of
     * LANES; the padding models have weight 0), weights {@code sampleWeight * counted[c]}, labels the row's, or with
     * {@code positive} (one-vs-rest) 1 where the row's label is positive[c], else 0; writes the weighted
     * residuals to tile[coefficientsAt + r paddedK + c] and adds the weighted losses and residuals to
     * {@code lossSums} and {@code residualSums}.
     */
    static void logisticRow(float[] tile, int r, int paddedK, int coefficientsAt, float[] intercepts, float label,
                            float[] positive, float sampleWeight, float[] counted, float[] lanes, float[] lossSums,
                            float[] residualSums) {
        FloatVector labels = FloatVector.broadcast(SPECIES, label);
        FloatVector ones = FloatVector.broadcast(SPECIES, 1f);
        FloatVector zeros = FloatVector.zero(SPECIES);
        for (int group = 0; group < paddedK; group += LANES) {
            FloatVector.fromArray(SPECIES, tile, r * paddedK + group).add(FloatVector.fromArray(SPECIES, intercepts, group))
                    .intoArray(lanes, Z_AT);
            (positive == null ? labels : zeros.blend(ones, labels.compare(VectorOperators.EQ,
                    FloatVector.fromArray(SPECIES, positive, group)))).intoArray(lanes, LABEL_AT);
            FloatVector.fromArray(SPECIES, counted, group).mul(sampleWeight).intoArray(lanes, WEIGHT_AT);
            FloatVector.fromArray(SPECIES, lossSums, group).intoArray(lanes, LOSS_AT);
            FloatVector.fromArray(SPECIES, residualSums, group).intoArray(lanes, RESIDUAL_SUM_AT);
            LaneMath.logisticLanes(lanes, 0, 0f);
            FloatVector.fromArray(SPECIES, lanes, Z_AT).intoArray(tile, coefficientsAt + r * paddedK + group);
            FloatVector.fromArray(SPECIES, lanes, LOSS_AT).intoArray(lossSums, group);
            FloatVector.fromArray(SPECIES, lanes, RESIDUAL_SUM_AT).intoArray(residualSums, group);
        }
    }
}
