// Session-7 re-check of the 256-bit choice (CpuBackend.SPECIES): the one-row wide kernel and a read, alternated in one process, -Dbits=256 or 512.
import java.util.*;
import java.util.concurrent.*;
import jdk.incubator.vector.*;
public class W512 {
  static final VectorSpecies<Float> S = Integer.getInteger("bits", 256) == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
  static final int L = S.length();
  static float dot(float[] x, int xo, float[] w, int d) {
    FloatVector s0=FloatVector.zero(S),s1=s0,s2=s0,s3=s0; int b=d-d%(4*L); int j=0;
    for (; j<b; j+=4*L){ s0=FloatVector.fromArray(S,x,xo+j).fma(FloatVector.fromArray(S,w,j),s0);
      s1=FloatVector.fromArray(S,x,xo+j+L).fma(FloatVector.fromArray(S,w,j+L),s1);
      s2=FloatVector.fromArray(S,x,xo+j+2*L).fma(FloatVector.fromArray(S,w,j+2*L),s2);
      s3=FloatVector.fromArray(S,x,xo+j+3*L).fma(FloatVector.fromArray(S,w,j+3*L),s3);}
    return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
  }
  static void axpy(float[] acc, float[] x, int xo, float a, int d) {
    FloatVector sc=FloatVector.broadcast(S,a); int b=d-d%L; for(int j=0;j<b;j+=L){ FloatVector.fromArray(S,x,xo+j).fma(sc,FloatVector.fromArray(S,acc,j)).intoArray(acc,j);} }
  static double step(float[] x, float[] w, float[] acc, int from, int to, int d){ double s=0; for(int c=from;c<to;c+=128){ int e=Math.min(to,c+128); Arrays.fill(acc,0,d,0f); for(int i=c;i<e;i++){int o=i*d; float z=dot(x,o,w,d); s+=z; axpy(acc,x,o,z*1e-6f,d);} s+=acc[7]; } return s; }
  static double read(float[] x, int from, int to) {
    FloatVector a0=FloatVector.zero(S),a1=a0,a2=a0,a3=a0; int bound=from+((to-from)/(4*L))*(4*L);
    for(int j=from;j<bound;j+=4*L){ a0=a0.add(FloatVector.fromArray(S,x,j)); a1=a1.add(FloatVector.fromArray(S,x,j+L)); a2=a2.add(FloatVector.fromArray(S,x,j+2*L)); a3=a3.add(FloatVector.fromArray(S,x,j+3*L)); }
    return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] a) throws Exception {
    int n=Integer.parseInt(a[0]), d=Integer.parseInt(a[1]), T=Integer.parseInt(a[2]);
    float[] x=new float[n*d]; float[] w=new float[d]; float[][] acc=new float[T][d+16];
    Random r=new Random(1); for(int i=0;i<x.length;i++)x[i]=r.nextFloat()-0.5f; for(int j=0;j<d;j++)w[j]=(r.nextFloat()-0.5f)*1e-3f;
    ExecutorService ex=Executors.newFixedThreadPool(T);
    int reps=81; long[] ts=new long[reps], tr=new long[reps]; double[] ratio=new double[reps]; double sink=0;
    for(int rep=0;rep<reps;rep++){ for(int k=0;k<2;k++){ final boolean st=k==0; long t=System.nanoTime(); List<Future<Double>> fs=new ArrayList<>();
        for(int th=0;th<T;th++){ final int tt=th; final int from=n/T*tt, to=tt==T-1?n:from+n/T; fs.add(ex.submit(() -> st?step(x,w,acc[tt],from,to,d):read(x,from*d,to*d))); }
        for(Future<Double> f:fs) sink+=f.get(); long e=System.nanoTime()-t; if(st)ts[rep]=e; else tr[rep]=e; } ratio[rep]=(double)ts[rep]/tr[rep]; }
    Arrays.sort(ts,21,reps); Arrays.sort(tr,21,reps); Arrays.sort(ratio,21,reps); int m=21+(reps-21)/2;
    System.out.printf("bits=%d n=%d d=%d T=%d step %.2f ms read %.2f ms step/read %.3f%n",S.vectorBitSize(),n,d,T,ts[m]/1e6,tr[m]/1e6,ratio[m]);
    if(sink==1.5)System.out.println(); ex.shutdown();
  }
}
