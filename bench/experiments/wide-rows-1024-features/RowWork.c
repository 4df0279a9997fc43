/* Session-7 experiment: the fused row work at d = 1,024 with the rows in L1 (ROWS rows repeated), one thread. MODE 0 one row at a time, 1 two rows sharing the w loads and one accumulator pass, 2 dot only, 3 gradient update only; OFFSET shifts the accumulator (floats).
   gcc -O3 -march=native RowWork.c -o /tmp/rw && /tmp/rw 4 0 0 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
#define F _mm256_fmadd_ps
#define LD _mm256_load_ps
static float hs(__m256 s){return s[0]+s[1]+s[2]+s[3]+s[4]+s[5]+s[6]+s[7];}
int main(int c,char**v){int d=1024,rows=atoi(v[1]),mode=atoi(v[2]);float*x=aligned_alloc(4096,rows*d*4),*w=aligned_alloc(64,d*4),*g=(float*)aligned_alloc(4096,d*4+8192)+atoi(v[3]);for(int j=0;j<rows*d;j++)x[j]=(j%13)*0.01f;for(int j=0;j<d;j++){w[j]=0.001f;g[j]=0;}
 float sink=0;int total=200000;double best=1e30;
 for(int rep=0;rep<5;rep++){double t0=now();
 if(mode==0) for(int k=0;k<total;k++){const float*row=x+(k%rows)*d;__m256 s0=_mm256_setzero_ps(),s1=s0,s2=s0,s3=s0;for(int j=0;j<d;j+=32){s0=F(LD(row+j),LD(w+j),s0);s1=F(LD(row+j+8),LD(w+j+8),s1);s2=F(LD(row+j+16),LD(w+j+16),s2);s3=F(LD(row+j+24),LD(w+j+24),s3);}
  float z=hs(_mm256_add_ps(_mm256_add_ps(s0,s1),_mm256_add_ps(s2,s3)));sink+=z;__m256 rv=_mm256_set1_ps(z*1e-9f);for(int j=0;j<d;j+=8)_mm256_store_ps(g+j,F(LD(row+j),rv,LD(g+j)));}
 else if(mode==1) for(int k=0;k<total;k+=2){const float*a=x+(k%rows)*d,*b=x+((k+1)%rows)*d;__m256 s0=_mm256_setzero_ps(),s1=s0,s2=s0,s3=s0,t0=s0,t1=s0,t2=s0,t3=s0;
  for(int j=0;j<d;j+=32){__m256 w0=LD(w+j),w1=LD(w+j+8),w2=LD(w+j+16),w3=LD(w+j+24);s0=F(LD(a+j),w0,s0);s1=F(LD(a+j+8),w1,s1);s2=F(LD(a+j+16),w2,s2);s3=F(LD(a+j+24),w3,s3);t0=F(LD(b+j),w0,t0);t1=F(LD(b+j+8),w1,t1);t2=F(LD(b+j+16),w2,t2);t3=F(LD(b+j+24),w3,t3);}
  float za=hs(_mm256_add_ps(_mm256_add_ps(s0,s1),_mm256_add_ps(s2,s3))),zb=hs(_mm256_add_ps(_mm256_add_ps(t0,t1),_mm256_add_ps(t2,t3)));sink+=za+zb;__m256 va=_mm256_set1_ps(za*1e-9f),vb=_mm256_set1_ps(zb*1e-9f);
  for(int j=0;j<d;j+=8)_mm256_store_ps(g+j,F(LD(b+j),vb,F(LD(a+j),va,LD(g+j))));}
 else if(mode==2) for(int k=0;k<total;k++){const float*row=x+(k%rows)*d;__m256 s0=_mm256_setzero_ps(),s1=s0,s2=s0,s3=s0;for(int j=0;j<d;j+=32){s0=F(LD(row+j),LD(w+j),s0);s1=F(LD(row+j+8),LD(w+j+8),s1);s2=F(LD(row+j+16),LD(w+j+16),s2);s3=F(LD(row+j+24),LD(w+j+24),s3);}
  float z=hs(_mm256_add_ps(_mm256_add_ps(s0,s1),_mm256_add_ps(s2,s3)));sink+=z;}
 else for(int k=0;k<total;k++){const float*row=x+(k%rows)*d;__m256 rv=_mm256_set1_ps(1e-9f);for(int j=0;j<d;j+=8)_mm256_store_ps(g+j,F(LD(row+j),rv,LD(g+j)));}
 double e=(now()-t0)/total;if(e<best)best=e;}
 printf("rows=%d mode=%d %.1f ns/row %g\n",rows,mode,best,sink+g[1]);}
