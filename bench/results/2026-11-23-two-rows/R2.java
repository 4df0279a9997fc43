import dev.descent.backend.cpu.*; import java.util.*;
public class R2 { public static void main(String[] a) { float[] x = new float[Integer.parseInt(a[0])]; Random r = new Random(1); for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
  StreamingRead s0 = new StreamingRead(x, 2); StreamingReadX s1 = new StreamingReadX(x, 2); int reps = 200; double[][] t = new double[2][reps]; double[] q = new double[reps]; double sink = 0;
  for (int rep = -100; rep < reps; rep++) { for (int k0 = 0; k0 < 2; k0++) { int k = (rep & 1) == 0 ? k0 : 1 - k0; long t0 = System.nanoTime(); sink += k == 0 ? s0.sum() : s1.sum(); if (rep >= 0) t[k][rep] = (System.nanoTime() - t0) / 1e6; } if (rep >= 0) q[rep] = t[1][rep] / t[0][rep]; }
  Arrays.sort(t[0]); Arrays.sort(t[1]); Arrays.sort(q); System.out.printf("old %.2f new %.2f ms, new/old %.3f (q1 %.3f q3 %.3f)%s%n", t[0][reps/2], t[1][reps/2], q[reps/2], q[reps/4], q[3*reps/4], sink == 1 ? "!" : ""); s0.close(); s1.close(); } }
