// The streaming read with its pieces at 256 KiB (StreamingRead at 6b6a40e) against a copy whose piece size
// comes from -Dpiece (StreamingReadX: sed 's/\bStreamingRead\b/StreamingReadX/g' plus that one line), alternated.
// java -Dpiece=1048576 -Xmx6g --add-modules jdk.incubator.vector -cp target/classes:/tmp/ab/cls R2 1000000x64 400
import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.cpu.*; import dev.descent.cli.BenchmarkData;
import java.util.*;
public class R2 {
  public static void main(String[] a) throws Exception {
    Dataset data = BenchmarkData.generate(ModelKind.LINEAR, a[0], 2, 20261123L);
    int reps = Integer.parseInt(a[1]);
    StreamingRead base = new StreamingRead(data.features(), 2);
    StreamingReadX x = new StreamingReadX(data.features(), 2);
    double[][] t = new double[2][reps]; double[] q = new double[reps]; double sink = 0;
    for (int r = -reps / 4; r < reps; r++) {
      for (int k0 = 0; k0 < 2; k0++) { int k = (r & 1) == 0 ? k0 : 1 - k0;
        long t0 = System.nanoTime(); sink += k == 0 ? base.sum() : x.sum(); if (r >= 0) t[k][r] = (System.nanoTime() - t0) / 1e6; }
      if (r >= 0) q[r] = t[1][r] / t[0][r];
    }
    Arrays.sort(t[0]); Arrays.sort(t[1]); Arrays.sort(q);
    System.out.printf("%s read: base %.3f ms, x (piece %s) %.3f ms, x/base median %.3f (q1 %.3f q3 %.3f)%n", a[0], t[0][reps/2], System.getProperty("piece"), t[1][reps/2], q[reps/2], q[reps/4], q[3*reps/4]);
    base.close(); x.close(); if (sink == 1) System.out.println();
  }
}
