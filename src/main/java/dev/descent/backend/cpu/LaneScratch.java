package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;

/**
 * The layout of the per-worker lane scratch ({@link CpuPass#laneScratch}) that {@link LaneMath#logisticLanes}
 * and its scalar twin read and write, and the scalar helpers both use to fill and sum it. Free of
 * Vector API types, so that the twins run in a JVM without jdk.incubator.vector ({@link VectorSupport}).
 */
final class LaneScratch {
    private LaneScratch() {
    }

    /**
     * Where {@link LaneMath#logisticLanes} finds its lanes in the per-worker {@link CpuPass#laneScratch}: after the
     * first NARROW_FLOATS, where the register kernels store their gradient at the end of a chunk,
     * the group's z (then residuals), labels and sample weights, LANE_GROUP each, then one vector
     * each of running loss and residual sums for the chunk.
     */
    static final int Z_AT = NARROW_FLOATS;

    static final int LABEL_AT = Z_AT + LANE_GROUP;

    static final int WEIGHT_AT = LABEL_AT + LANE_GROUP;

    static final int LOSS_AT = WEIGHT_AT + LANE_GROUP;

    static final int RESIDUAL_SUM_AT = LOSS_AT + LANES;

    /** Puts row {@code row}'s z (without the bias), label and sample weight in lane {@code lane} of {@link LaneMath#logisticLanes}' input. */
    static void stageLogisticRow(float[] lanes, int[] rows, int lane, int row, double z, float[] labels, float[] s) {
        stageRow(lanes, rows, lane, row, labels, s);
        lanes[Z_AT + lane] = (float) z;
    }

    /** Records row {@code row} in lane {@code lane} and puts its label and sample weight in {@link LaneMath#logisticLanes}' input. */
    static void stageRow(float[] lanes, int[] rows, int lane, int row, float[] labels, float[] s) {
        rows[lane] = row;
        lanes[LABEL_AT + lane] = labels[row];
        lanes[WEIGHT_AT + lane] = s == null ? 1f : s[row];
    }

    /** A chunk's sums that {@link LaneMath#logisticLanes} kept lane by lane at {@code at}, summed in double in lane order. */
    static double laneSum(float[] lanes, int at) {
        double sum = 0;
        for (int lane = 0; lane < LANES; lane++) {
            sum += lanes[at + lane];
        }
        return sum;
    }
}
