// Session-7 experiment, kept as run; see README.md here. javac --add-modules jdk.incubator.vector -d /tmp/wr *.java
public class L1J {
  public static void main(String[] a) {
    int d=1024, n=Integer.parseInt(a[0]); float[] x=new float[n*d]; float[] w=new float[d]; float[] acc=new float[d+16];
    java.util.Random r=new java.util.Random(1); for(int i=0;i<x.length;i++)x[i]=r.nextFloat()-0.5f; for(int j=0;j<d;j++)w[j]=(r.nextFloat()-0.5f)*1e-3f;
    double sink=0; int inner=200000/n;
    for(int rep=0;rep<40;rep++){ long t0=System.nanoTime(); for(int k=0;k<inner;k++) sink+=AB2.one(x,w,acc,0,n,d); long t1=System.nanoTime(); for(int k=0;k<inner;k++) sink+=AB2.two(x,w,acc,0,n,d); long t2=System.nanoTime();
      if(rep>=30) System.out.printf("L1 n=%d one %.1f ns/row two %.1f ns/row%n", n, (t1-t0)/(double)(inner*n), (t2-t1)/(double)(inner*n)); }
    if(sink==1.5)System.out.println();
  }
}
