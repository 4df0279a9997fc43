/* The core clock, from a chain of dependent adds (one cycle each).  gcc -O2 clk.c -o /tmp/clk && /tmp/clk */
#include <stdio.h>
#include <time.h>
int main(){for(int r=0;r<3;r++){struct timespec a,b;clock_gettime(CLOCK_MONOTONIC,&a);long n=1000000000;long x=0;
__asm__ volatile("1:\n add $1,%0\n add $1,%0\n add $1,%0\n add $1,%0\n sub $1,%1\n jnz 1b\n":"+r"(x),"+r"(n));
clock_gettime(CLOCK_MONOTONIC,&b);double s=(b.tv_sec-a.tv_sec)+(b.tv_nsec-a.tv_nsec)*1e-9;printf("%.2f GHz\n",4e9/s/1e9);}}
