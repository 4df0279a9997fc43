package dev.descent.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs every kind of Vector API operation the kernels use, interleaved, before any kernel runs, so
 * that the JIT's profiles of the Vector API's shared methods see all of them from the start.
 *
 * <p>Why, on JDK 17 (bench/results/2026-11-23-trap-limit): every vector operation passes through a
 * few JDK methods ({@code VectorOperators.opCode}, {@code FloatVector.lanewiseTemplate}) profiled
 * once for the whole process. If the first code to make them hot uses one kind of operation (the
 * benchmark's streaming read, all adds; a linear pass), C2 compiles them standalone speculating on
 * that kind, and the next kind to arrive (the logistic kernel's subtractions) traps: class-check
 * traps, recorded in those methods' profiles. When C2 then compiles a kernel, it adds a method's
 * recorded traps to the compilation's total at each inlining of it, once per vector operation: 4
 * traps and 25 operations reach PerMethodTrapLimit (100), and C2 compiles the whole kernel without
 * class-check speculation. Some vector's exact class is then unknown where a store is expanded, the
 * store's intrinsic fails ("missing constant"), and every vector feeding it is allocated: 8-56 MB a
 * step at 1,000,000 x 64 logistic, in about half of the processes. Primed here, those shared
 * methods are compiled without the one-kind speculation and nothing traps (22 of 22 processes clean
 * across three versions of this loop, against 2 of 4 the same hour without).
 *
 * <p>Run before the first vector kernel block of a process ({@link KernelWarmUp}) or the first
 * StreamingRead, not when the class loads or a backend opens, so that neither a probe of the
 * backend's availability ({@code descent devices}) nor a fit done by the scalar twins pays for it:
 * about 0.1 s once, most of it the first use of each operation. Results are discarded.
 */
final class VectorProfiles {
    /** Rounds of the mixed loop: each shared method is profiled thousands of times with every kind (1,000 and 3,000 both measured clean). */
    private static final int ROUNDS = 1_000;

    /** The mixed loop's result: computed once, when this class initializes (JLS 12.4: at most once, thread-safe). */
    private static final float PRIMED = prime(CpuTuning.SPECIES);

    private VectorProfiles() {
    }

    /** Runs the mixed loop unless this process already has; call before any of the package's vector code runs. */
    static float ensurePrimed() {
        return PRIMED;
    }

    /** Runs the mixed loop on {@code species}; returns a number made from every round's results, so none is dead code. */
    private static float prime(VectorSpecies<Float> species) {
        int lanes = species.length();
        float[] values = new float[2 * lanes];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1f + i;
        }
        float sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            FloatVector a = FloatVector.fromArray(species, values, 0);
            FloatVector b = FloatVector.fromArray(species, values, lanes);
            FloatVector c = a.add(b).sub(a).mul(b).div(b).max(a).min(b).abs().neg().fma(a, b);
            VectorMask<Float> ge = c.compare(VectorOperators.GE, a);
            FloatVector d = c.blend(a, ge).add(1f).sub(1f).mul(1f).div(1f).max(0f).min(1f).fma(1f, 0f)
                    .rearrange(VectorOps.SWAP_HALVES).rearrange(VectorOps.SWAP_QUARTERS).rearrange(VectorOps.SWAP_EIGHTHS);
            d.intoArray(values, lanes);
            sink += d.reduceLanes(VectorOperators.ADD) + FloatVector.zero(species).add(FloatVector.broadcast(species, (float) round))
                    .reduceLanes(VectorOperators.MIN);
            a.intoArray(values, 0);
        }
        return sink;
    }
}
