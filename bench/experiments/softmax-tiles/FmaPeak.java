import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import java.util.Locale;

/**
 * The machine's fp32 FMA peak as the Java Vector API reaches it: every core runs 12 independent
 * 256-bit FMA chains (enough to cover the FMA latency on two pipes) for a fixed time; prints GFLOP/s
 * (2 flops per lane per FMA). The first rounds run before C2 has compiled the loop: read the last ones.
 * Arguments: [SECONDS]
 */
public class FmaPeak {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int round = 0; round < 6; round++) {
            long[] fmas = new long[threads];
            Thread[] workers = new Thread[threads];
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int index = t;
                workers[t] = new Thread(() -> fmas[index] = chains(start + (long) (seconds * 1e9)));
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long total = 0;
            for (long f : fmas) {
                total += f;
            }
            System.out.printf(Locale.ROOT, "fp32 FMA peak, %d threads, round %d: %.1f GFLOP/s%n", threads, round,
                    total * 2.0 * S.length() / elapsed / 1e9);
        }
    }

    /** FMAs done (vectors) until {@code deadline}; 12 chains, 1,000 rounds between clock reads. */
    static long chains(long deadline) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector a = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        long count = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                c0 = c0.fma(m, a); c1 = c1.fma(m, a); c2 = c2.fma(m, a); c3 = c3.fma(m, a);
                c4 = c4.fma(m, a); c5 = c5.fma(m, a); c6 = c6.fma(m, a); c7 = c7.fma(m, a);
                c8 = c8.fma(m, a); c9 = c9.fma(m, a); c10 = c10.fma(m, a); c11 = c11.fma(m, a);
            }
            count += 12_000;
        }
        float sink = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        return sink == 42f ? count + 1 : count;
    }
}
