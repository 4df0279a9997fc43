package dev.descent.backend.cpu;
// The float32 logistic lane math (CpuBackend.logisticLanes) against double: the largest error of
// the residual and of the loss in float32 ulps over z in [-87, 87] (label 0, weight 1).
//   javac --release 17 --add-modules jdk.incubator.vector -cp target/classes -d /tmp/ulp Ulp.java
//   java --add-modules jdk.incubator.vector -cp target/classes:/tmp/ulp dev.descent.backend.cpu.Ulp
public class Ulp {
  public static void main(String[] a) {
    int L = CpuBackend.SPECIES.length();
    float[] lanes = new float[CpuBackend.RESIDUAL_SUM_AT + L];
    double worstR = 0, worstL = 0;
    for (long i = 0; i < 4_000_000; i += L) {
      double[] expR = new double[L]; double[] expL = new double[L];
      for (int l = 0; l < L; l++) {
        float z = (float) (-87 + 174.0 * (i + l) / 4_000_000);
        lanes[CpuBackend.Z_AT + l] = z; lanes[CpuBackend.LABEL_AT + l] = 0; lanes[CpuBackend.WEIGHT_AT + l] = 1;
        double e = Math.exp(-Math.abs((double) z));
        expR[l] = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        expL[l] = Math.max(z, 0) + Math.log1p(e);
      }
      java.util.Arrays.fill(lanes, CpuBackend.LOSS_AT, CpuBackend.RESIDUAL_SUM_AT + L, 0f);
      CpuBackend.logisticLanes(lanes, 0, 0f);
      for (int l = 0; l < L; l++) {
        double r = lanes[CpuBackend.Z_AT + l];
        if (expR[l] > 1e-30) worstR = Math.max(worstR, Math.abs(r - expR[l]) / Math.ulp((float) expR[l]));
      }
    }
    // The loss one lane at a time: the other lanes have weight 0, so the lane sums hold lane 0's loss.
    for (long i = 0; i < 400_000; i++) {
      float z = (float) (-87 + 174.0 * i / 400_000);
      java.util.Arrays.fill(lanes, 0f);
      lanes[CpuBackend.Z_AT] = z; lanes[CpuBackend.WEIGHT_AT] = 1;
      CpuBackend.logisticLanes(lanes, 0, 0f);
      double e = Math.exp(-Math.abs((double) z));
      double ex = Math.max(z, 0) + Math.log1p(e);
      double got = lanes[CpuBackend.LOSS_AT] ;
      if (ex > 1e-30) worstL = Math.max(worstL, Math.abs(got - ex) / Math.ulp((float) ex));
    }
    System.out.printf("max residual error %.2f ulp, max loss error %.2f ulp%n", worstR, worstL);
  }
}
