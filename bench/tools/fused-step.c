/*
 * The yardstick in C: a plain fused full-batch step of linear regression (per row: z = x.w + b,
 * r = 2 (z - y) / n, g += r x while the row is in L1), beside a streaming read of X, alternated
 * in one process on the same data, so that the Java step's distance from the floor and from numpy
 * can be compared with what a hand-written native loop reaches on the same machine in the same run.
 *
 * Two threads (OpenMP, static halves of the rows), AVX2 and FMA intrinsics, float32 data, per-thread
 * gradient in float folded into double every 128 rows as the cpu backend does. The "prefetch"
 * variant also asks for the row eight rows ahead with _mm_prefetch, which Java cannot.
 *
 *   gcc -O3 -march=native -fopenmp bench/tools/fused-step.c -o /tmp/fused-step -lm
 *   OMP_NUM_THREADS=2 /tmp/fused-step 50000 1024 200
 */
#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 128
#define AHEAD 8

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/* Sum of every float of X: the floor, one read of X and nothing else. */
static double streaming_read(const float *x, long count) {
    double total = 0;
#pragma omp parallel reduction(+ : total)
    {
        int t = omp_get_thread_num(), threads = omp_get_num_threads();
        long per = (count / threads) & ~31L;
        long from = t * per, to = t == threads - 1 ? count : from + per;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        long j = from;
        for (; j + 32 <= to; j += 32) {
            a0 = _mm256_add_ps(a0, _mm256_load_ps(x + j));
            a1 = _mm256_add_ps(a1, _mm256_load_ps(x + j + 8));
            a2 = _mm256_add_ps(a2, _mm256_load_ps(x + j + 16));
            a3 = _mm256_add_ps(a3, _mm256_load_ps(x + j + 24));
        }
        float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        for (; j < to; j++) s += x[j];
        total += s;
    }
    return total;
}

/* One fused step; gradient (d + 1 values) into out, returns the loss. d a multiple of 8. */
static double fused_step(const float *x, const float *y, const float *w, float b, long n, int d,
                         float **acc, double **partial, double *out, int prefetch) {
    double loss = 0;
    int threads = 0;
#pragma omp parallel reduction(+ : loss)
    {
        int t = omp_get_thread_num();
#pragma omp single
        threads = omp_get_num_threads();
        long per = n / omp_get_num_threads();
        long from = t * per, to = t == omp_get_num_threads() - 1 ? n : from + per;
        float *g = acc[t];
        double *p = partial[t];
        memset(p, 0, (d + 1) * sizeof(double));
        for (long chunk = from; chunk < to; chunk += CHUNK) {
            long end = chunk + CHUNK < to ? chunk + CHUNK : to;
            memset(g, 0, d * sizeof(float));
            for (long i = chunk; i < end; i++) {
                const float *row = x + i * (long) d;
                if (prefetch && i + AHEAD < to) {
                    const char *ahead = (const char *) (row + AHEAD * (long) d);
                    for (int k = 0; k < d * 4; k += 64) _mm_prefetch(ahead + k, _MM_HINT_T0);
                }
                __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
                int j = 0;
                for (; j + 32 <= d; j += 32) {
                    s0 = _mm256_fmadd_ps(_mm256_load_ps(row + j), _mm256_load_ps(w + j), s0);
                    s1 = _mm256_fmadd_ps(_mm256_load_ps(row + j + 8), _mm256_load_ps(w + j + 8), s1);
                    s2 = _mm256_fmadd_ps(_mm256_load_ps(row + j + 16), _mm256_load_ps(w + j + 16), s2);
                    s3 = _mm256_fmadd_ps(_mm256_load_ps(row + j + 24), _mm256_load_ps(w + j + 24), s3);
                }
                for (; j < d; j += 8) s0 = _mm256_fmadd_ps(_mm256_load_ps(row + j), _mm256_load_ps(w + j), s0);
                float z = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) + b;
                float e = z - y[i];
                loss += (double) e * e;
                float r = 2 * e / n;
                p[d] += r;
                __m256 rv = _mm256_set1_ps(r);
                for (j = 0; j < d; j += 8)
                    _mm256_store_ps(g + j, _mm256_fmadd_ps(_mm256_load_ps(row + j), rv, _mm256_load_ps(g + j)));
            }
            for (int j = 0; j < d; j++) p[j] += g[j];
        }
    }
    memset(out, 0, (d + 1) * sizeof(double));
    for (int t = 0; t < threads; t++)
        for (int j = 0; j <= d; j++) out[j] += partial[t][j];
    return loss / n;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: fused-step ROWS COLS REPS  (COLS a multiple of 8)\n");
        return 2;
    }
    long n = atol(argv[1]);
    int d = atoi(argv[2]), reps = atoi(argv[3]);
    if (n < 1 || d < 8 || d % 8 != 0 || reps < 1) {
        fprintf(stderr, "fused-step: ROWS >= 1, COLS a positive multiple of 8, REPS >= 1\n");
        return 2;
    }
    int threads = omp_get_max_threads();
    float *x = aligned_alloc(64, ((n * d * 4 + 63) / 64) * 64);
    float *y = aligned_alloc(64, ((n * 4 + 63) / 64) * 64);
    float *w = aligned_alloc(64, ((d * 4 + 63) / 64) * 64);
    float **acc = malloc(threads * sizeof(float *));
    double **partial = malloc(threads * sizeof(double *));
    double *gradient = malloc((d + 1) * sizeof(double));
    for (int t = 0; t < threads; t++) {
        acc[t] = aligned_alloc(64, ((d * 4 + 63) / 64) * 64);
        partial[t] = malloc((d + 1) * sizeof(double));
    }
    uint64_t state = 20261123;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { /* first touch by the thread that reads the row later */
        uint64_t s = state + (uint64_t) i * 0x9E3779B97F4A7C15ULL;
        for (int j = 0; j < d; j++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            x[i * (long) d + j] = (float) ((s >> 40) * (1.0 / (1 << 24)) - 0.5);
        }
        y[i] = (float) (i % 7) * 0.1f;
    }
    for (int j = 0; j < d; j++) w[j] = 0.01f * (j % 5);

    double *read = malloc(reps * sizeof(double)), *step = malloc(reps * sizeof(double));
    double *pstep = malloc(reps * sizeof(double)), *ratio = malloc(reps * sizeof(double));
    double *pratio = malloc(reps * sizeof(double));
    double sink = 0;
    for (int r = -reps / 4; r < reps; r++) { /* a quarter of the reps again as warm-up */
        double t0 = now_ms();
        sink += streaming_read(x, n * d);
        double t1 = now_ms();
        sink += fused_step(x, y, w, 0.1f, n, d, acc, partial, gradient, 0);
        double t2 = now_ms();
        sink += fused_step(x, y, w, 0.1f, n, d, acc, partial, gradient, 1);
        double t3 = now_ms();
        if (r >= 0) {
            read[r] = t1 - t0;
            step[r] = t2 - t1;
            pstep[r] = t3 - t2;
            ratio[r] = step[r] / read[r];
            pratio[r] = pstep[r] / read[r];
        }
    }
    qsort(read, reps, sizeof(double), compare);
    qsort(step, reps, sizeof(double), compare);
    qsort(pstep, reps, sizeof(double), compare);
    qsort(ratio, reps, sizeof(double), compare);
    qsort(pratio, reps, sizeof(double), compare);
    printf("C %ldx%d linear, %d threads, %d alternated triples: read %.3f ms (%.1f GB/s), fused step %.3f ms "
           "(step/read %.3f), with prefetch %.3f ms (%.3f)  [medians; sink %g]\n",
           n, d, threads, reps, read[reps / 2], n * (double) d * 4 / read[reps / 2] / 1e6, step[reps / 2],
           ratio[reps / 2], pstep[reps / 2], pratio[reps / 2], sink > 0 ? 1.0 : 0.0);
    return 0;
}
