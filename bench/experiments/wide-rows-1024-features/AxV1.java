// Session-7 check, kept as run: four forms of the gradient update in L1, one form per process (java ... AxV1 0..3: fma, loads first, 512-bit, scalar auto-vectorized). One process running all four in one method allocated and ran 15x slower: the trap-limit effect of bench/results/2026-11-23-trap-limit.
import jdk.incubator.vector.*;
public class AxV1 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = 8;
  static final VectorSpecies<Float> S5 = FloatVector.SPECIES_512;
  static void a(float[] acc, float[] x, int xo, float s, int d) {
    FloatVector sc=FloatVector.broadcast(S,s); int b=d-d%L; for(int j=0;j<b;j+=L){ FloatVector.fromArray(S,x,xo+j).fma(sc,FloatVector.fromArray(S,acc,j)).intoArray(acc,j);} }
  static void loadsFirst(float[] acc, float[] x, int xo, float s, int d) {
    FloatVector sc=FloatVector.broadcast(S,s); int b=d-d%(4*L);
    for(int j=0;j<b;j+=4*L){
      FloatVector x0=FloatVector.fromArray(S,x,xo+j), x1=FloatVector.fromArray(S,x,xo+j+L), x2=FloatVector.fromArray(S,x,xo+j+2*L), x3=FloatVector.fromArray(S,x,xo+j+3*L);
      FloatVector g0=FloatVector.fromArray(S,acc,j), g1=FloatVector.fromArray(S,acc,j+L), g2=FloatVector.fromArray(S,acc,j+2*L), g3=FloatVector.fromArray(S,acc,j+3*L);
      x0.fma(sc,g0).intoArray(acc,j); x1.fma(sc,g1).intoArray(acc,j+L); x2.fma(sc,g2).intoArray(acc,j+2*L); x3.fma(sc,g3).intoArray(acc,j+3*L);} }
  static void wide(float[] acc, float[] x, int xo, float s, int d) {
    FloatVector sc=FloatVector.broadcast(S5,s); int b=d-d%16; for(int j=0;j<b;j+=16){ FloatVector.fromArray(S5,x,xo+j).fma(sc,FloatVector.fromArray(S5,acc,j)).intoArray(acc,j);} }
  static void scalar(float[] acc, float[] x, int xo, float s, int d) { for(int j=0;j<d;j++) acc[j]=Math.fma(x[xo+j],s,acc[j]); }
  public static void main(String[] args){
    int d=1024; float[] x=new float[d+64]; float[] acc=new float[d+64]; for(int i=0;i<x.length;i++)x[i]=i*1e-3f;
    String[] names={"fma","loadsFirst","512bit","scalar"}; double[][] t=new double[4][20]; int only=Integer.parseInt(args[0]);
    for(int rep=0;rep<30;rep++) for(int v=0;v<4;v++){ if(v!=only) continue; long t0=System.nanoTime(); for(int k=0;k<100000;k++){ switch(v){case 0: a(acc,x,0,1e-7f,d); break; case 1: loadsFirst(acc,x,0,1e-7f,d); break; case 2: wide(acc,x,0,1e-7f,d); break; default: scalar(acc,x,0,1e-7f,d);} } if(rep>=10) t[v][rep-10]=(System.nanoTime()-t0)/1e5; }
    StringBuilder sb=new StringBuilder(); for(int v=only;v<=only;v++){ java.util.Arrays.sort(t[v]); sb.append(String.format("%s %.0f  ",names[v],t[v][10])); } System.out.println(sb+" "+acc[3]);
  }
}
