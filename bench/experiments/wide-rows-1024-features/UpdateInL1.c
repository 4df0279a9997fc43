/* Session-7 experiment: the same gradient update in C (intrinsics, unaligned loads), x and g shifted by floats from 4 KB-aligned bases. gcc -O3 -march=native UpdateInL1.c -o /tmp/u && /tmp/u */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
__attribute__((noinline)) void axpy(float*g,const float*x,float a,int d){__m256 rv=_mm256_set1_ps(a);for(int j=0;j<d;j+=8)_mm256_storeu_ps(g+j,_mm256_fmadd_ps(_mm256_loadu_ps(x+j),rv,_mm256_loadu_ps(g+j)));}
int main(int c,char**v){int d=1024;float*xb=aligned_alloc(4096,16384),*gb=aligned_alloc(4096,16384);
 int offs[]={0,1,2,4,8,16,64,256,512};
 for(int xo=0;xo<=4;xo+=4){for(int k=0;k<9;k++){float*x=xb+xo,*g=gb+offs[k];for(int j=0;j<d;j++){x[j]=j*1e-3f;g[j]=0;}
  double best=1e30;for(int r=0;r<5;r++){double t=now();for(int i=0;i<100000;i++)axpy(g,x,1e-7f,d);double e=(now()-t)/1e5;if(e<best)best=e;}
  printf("x%d/g%d %.0f  ",xo,offs[k],best);}printf("\n");}}
