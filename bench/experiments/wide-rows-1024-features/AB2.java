// Session-7 experiment, kept as run; see README.md here. javac --add-modules jdk.incubator.vector -d /tmp/wr *.java
import java.util.*;
import java.util.concurrent.*;
import jdk.incubator.vector.*;
public class AB2 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = S.length();
  // dot and axpy are W512's (256 bits unless -Dbits=512), the same loops this class held when run.
  static float dot(float[] x, int xo, float[] w, int d) { return W512.dot(x, xo, w, d); }
  static void axpy(float[] acc, float[] x, int xo, float a, int d) { W512.axpy(acc, x, xo, a, d); }
  static void axpy2(float[] acc, float[] x, int xa, float a, int xb, float bb, int d) {
    FloatVector va=FloatVector.broadcast(S,a), vb=FloatVector.broadcast(S,bb); int b=d-d%L;
    for(int j=0;j<b;j+=L){ FloatVector.fromArray(S,x,xb+j).fma(vb, FloatVector.fromArray(S,x,xa+j).fma(va,FloatVector.fromArray(S,acc,j))).intoArray(acc,j);} }
  static double one(float[] x, float[] w, float[] acc, int from, int to, int d){ double s=0; for(int i=from;i<to;i++){int o=i*d; float z=dot(x,o,w,d); s+=z; axpy(acc,x,o,z*1e-6f,d);} return s; }
  static double two(float[] x, float[] w, float[] acc, int from, int to, int d){ double s=0; int i=from; for(;i+1<to;i+=2){int o=i*d; float za=dot(x,o,w,d); float zb=dot(x,o+d,w,d); s+=za+zb; axpy2(acc,x,o,za*1e-6f,o+d,zb*1e-6f,d);} for(;i<to;i++){int o=i*d; float z=dot(x,o,w,d); s+=z; axpy(acc,x,o,z*1e-6f,d);} return s; }
  public static void main(String[] a) throws Exception {
    int n=Integer.parseInt(a[0]), d=Integer.parseInt(a[1]), T=Integer.parseInt(a[2]);
    float[] x=new float[n*d]; float[] w=new float[d]; float[][] acc=new float[T][d+16];
    Random r=new Random(1); for(int i=0;i<x.length;i++)x[i]=r.nextFloat()-0.5f; for(int j=0;j<d;j++)w[j]=(r.nextFloat()-0.5f)*1e-3f;
    ExecutorService ex=Executors.newFixedThreadPool(T);
    int reps=61; long[] ta=new long[reps], tb=new long[reps]; double[] sink={0};
    for(int rep=0;rep<reps;rep++){ boolean af=rep%2==0;
      for(int k=0;k<2;k++){ final boolean A=(k==0)==af; long t=System.nanoTime();
        List<Future<Double>> fs=new ArrayList<>(); for(int th=0;th<T;th++){ final int tt=th; final int from=n/T*tt, to=tt==T-1?n:from+n/T; fs.add(ex.submit(() -> A?one(x,w,acc[tt],from,to,d):two(x,w,acc[tt],from,to,d))); }
        for(Future<Double> f:fs) sink[0]+=f.get(); long e=System.nanoTime()-t; if(A)ta[rep]=e; else tb[rep]=e; } }
    Arrays.sort(ta,11,reps); Arrays.sort(tb,11,reps); long ma=ta[11+(reps-11)/2], mb=tb[11+(reps-11)/2];
    System.out.printf("n=%d d=%d T=%d one %.2f ms, two %.2f ms, two/one %.3f%n",n,d,T,ma/1e6,mb/1e6,(double)mb/ma);
    if(sink[0]==1.2345)System.out.println(); ex.shutdown();
  }
}
