// Session-7 experiment, kept as run; see README.md here. javac --add-modules jdk.incubator.vector -d /tmp/wr *.java
public class AB {
  // The row kernels are AB2's (dot: four sums; axpy: one pass over the accumulator).
  static double pass(float[] x, float[] w, float[] acc, int n, int d, int pad){ double s=0; for(int i=0;i<n;i++){int o=i*d+pad; float z=AB2.dot(x,o,w,d); s+=z; AB2.axpy(acc,x,o,z*1e-6f,d);} return s; }
  public static void main(String[] a){
    int d=Integer.parseInt(a[1]); int n=Integer.parseInt(a[0]); int padB=Integer.parseInt(a[2]);
    float[] x=new float[n*d+64]; float[] w=new float[d]; float[] acc=new float[d];
    java.util.Random r=new java.util.Random(1); for(int i=0;i<x.length;i++)x[i]=r.nextFloat()-0.5f; for(int j=0;j<d;j++)w[j]=(r.nextFloat()-0.5f)*1e-3f;
    double sink=0; int reps=41; long[] ta=new long[reps], tb=new long[reps];
    for(int rep=0;rep<reps;rep++){ boolean af=rep%2==0;
      for(int k=0;k<2;k++){ boolean A=(k==0)==af; long t=System.nanoTime(); sink+=pass(x,w,acc,n,d,A?0:padB); long e=System.nanoTime()-t; if(A)ta[rep]=e; else tb[rep]=e; } }
    java.util.Arrays.sort(ta,10,reps); java.util.Arrays.sort(tb,10,reps); long ma=ta[10+(reps-10)/2], mb=tb[10+(reps-10)/2];
    System.out.printf("n=%d d=%d pad0 %.1f ns/row, pad%d %.1f ns/row, ratio %.3f%n",n,d,(double)ma/n,padB,(double)mb/n,(double)mb/ma);
    System.out.println(sink+acc[3]);
  }
}
