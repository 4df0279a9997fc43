// Session-7 experiment, kept as run; see README.md here. The gradient update of one 1,024-float row in L1, one thread, with x and the accumulator shifted by a few floats.
import jdk.incubator.vector.*;
public class AccAlign {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = 8;
  static void axpy(float[] acc, int ao, float[] x, int xo, float a, int d) {
    FloatVector sc=FloatVector.broadcast(S,a); int b=d-d%L; for(int j=0;j<b;j+=L){ FloatVector.fromArray(S,x,xo+j).fma(sc,FloatVector.fromArray(S,acc,ao+j)).intoArray(acc,ao+j);} }
  public static void main(String[] a){
    int d=1024; float[] x=new float[d+64]; float[] acc=new float[d+64];
    for(int i=0;i<x.length;i++)x[i]=i*1e-3f;
    int[] offs={0,1,2,3,4,5,6,7,8,12};
    for(int rep=0;rep<12;rep++){ StringBuilder sb=new StringBuilder();
      for(int xo: new int[]{0,4}) for(int ao: offs){ long t=System.nanoTime(); for(int k=0;k<100000;k++) axpy(acc,ao,x,xo,1e-7f,d); long e=System.nanoTime()-t; if(rep>=10) sb.append(String.format("x%d/acc%d %.0f  ",xo,ao,e/1e5)); }
      if(rep>=10) System.out.println(sb);
    }
    System.out.println(acc[5]);
  }
}
