/*
 * Session-7 experiment (see README.md here): variants of the plain fused linear step of
 * bench/tools/fused-step.c, each alternated with a streaming read of the same X in one process,
 * two threads (OpenMP halves), medians. The runs used three copies of this file that each held
 * four of the variants; they are merged here, every variant's loop as it ran. now_ms, hsum and
 * streaming_read are fused-step.c's, copied so that the floor is the same loop.
 *
 *   plain        one row at a time: dot product (four sums), then the gradient update from L1
 *   prefetch     plain, plus _mm_prefetch of the row AHEAD rows on, spread over the dot loop
 *   pipelined    the next row's dot product (four sums) inside this row's gradient loop
 *   tworows      two rows' dot products one after the other, then one gradient pass for both
 *   twostreams   two rows' dot products in one loop (two 4 KB streams at once), one gradient pass
 *   tworegions   rows alternate between the two halves of the thread's range, one accumulator each
 *
 *   gcc -O3 -march=native -fopenmp FusedVariants.c -o /tmp/fv -lm
 *   OMP_NUM_THREADS=2 /tmp/fv 50000 1024 100 [AHEAD=2]
 */
#include <immintrin.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 128
#define VARIANTS 6
static const char *NAMES[VARIANTS] = {"plain", "prefetch", "pipelined", "tworows", "twostreams", "tworegions"};
static int AHEAD = 2;

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

static double streaming_read(const float *x, long count) {
    double total = 0;
#pragma omp parallel reduction(+ : total)
    {
        int t = omp_get_thread_num(), threads = omp_get_num_threads();
        long per = (count / threads) & ~31L;
        long from = t * per, to = t == threads - 1 ? count : from + per;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (long j = from; j + 32 <= to; j += 32) {
            a0 = _mm256_add_ps(a0, _mm256_load_ps(x + j));
            a1 = _mm256_add_ps(a1, _mm256_load_ps(x + j + 8));
            a2 = _mm256_add_ps(a2, _mm256_load_ps(x + j + 16));
            a3 = _mm256_add_ps(a3, _mm256_load_ps(x + j + 24));
        }
        total += hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    }
    return total;
}

/* row . w with four sums; with prefetch != NULL, also asks for the line at the same offset there. */
static inline float dot_row(const float *row, const float *w, int d, const char *prefetch) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < d; j += 32) {
        if (prefetch) {
            _mm_prefetch(prefetch + j * 4, _MM_HINT_T0);
            _mm_prefetch(prefetch + j * 4 + 64, _MM_HINT_T0);
        }
        s0 = _mm256_fmadd_ps(_mm256_load_ps(row + j), _mm256_load_ps(w + j), s0);
        s1 = _mm256_fmadd_ps(_mm256_load_ps(row + j + 8), _mm256_load_ps(w + j + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_load_ps(row + j + 16), _mm256_load_ps(w + j + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_load_ps(row + j + 24), _mm256_load_ps(w + j + 24), s3);
    }
    return hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

static inline void update_row(float *g, const float *row, float r, int d) {
    __m256 rv = _mm256_set1_ps(r);
    for (int j = 0; j < d; j += 8)
        _mm256_store_ps(g + j, _mm256_fmadd_ps(_mm256_load_ps(row + j), rv, _mm256_load_ps(g + j)));
}

/* One row the plain way; returns its squared error, adds its residual to *intercept. */
static inline double plain_row(const float *x, const float *y, const float *w, long n, int d, long i, float *g,
                               double *intercept, const char *prefetch) {
    const float *row = x + i * (long) d;
    float e = dot_row(row, w, d, prefetch) - y[i];
    float r = 2 * e / n;
    *intercept += r;
    update_row(g, row, r, d);
    return (double) e * e;
}

/* Rows [chunk, end) of one thread, variants plain to twostreams. */
static double chunk_rows(const float *x, const float *y, const float *w, long n, int d, long chunk, long end,
                         long to, float *g, double *p, int v) {
    double loss = 0;
    long i = chunk;
    if (v == 0 || v == 1) {
        for (; i < end; i++) {
            const char *ahead = v == 1 && i + AHEAD < to ? (const char *) (x + (i + AHEAD) * (long) d) : 0;
            loss += plain_row(x, y, w, n, d, i, g, &p[d], ahead);
        }
    } else if (v == 2) {
        float e = dot_row(x + chunk * (long) d, w, d, 0) - y[chunk];
        for (; i < end; i++) {
            const float *row = x + i * (long) d;
            loss += (double) e * e;
            float r = 2 * e / n;
            p[d] += r;
            if (i + 1 == end) {
                update_row(g, row, r, d);
                break;
            }
            __m256 rv = _mm256_set1_ps(r);
            const float *next = row + d;
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (int j = 0; j < d; j += 32) {
                s0 = _mm256_fmadd_ps(_mm256_load_ps(next + j), _mm256_load_ps(w + j), s0);
                s1 = _mm256_fmadd_ps(_mm256_load_ps(next + j + 8), _mm256_load_ps(w + j + 8), s1);
                s2 = _mm256_fmadd_ps(_mm256_load_ps(next + j + 16), _mm256_load_ps(w + j + 16), s2);
                s3 = _mm256_fmadd_ps(_mm256_load_ps(next + j + 24), _mm256_load_ps(w + j + 24), s3);
                for (int q = 0; q < 32; q += 8)
                    _mm256_store_ps(g + j + q, _mm256_fmadd_ps(_mm256_load_ps(row + j + q), rv, _mm256_load_ps(g + j + q)));
            }
            e = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) - y[i + 1];
        }
    } else {
        for (; i + 2 <= end; i += 2) {
            const float *a = x + i * (long) d, *b = a + d;
            float za, zb;
            if (v == 3) {
                za = dot_row(a, w, d, 0);
                zb = dot_row(b, w, d, 0);
            } else {
                __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
                for (int j = 0; j < d; j += 32) {
                    __m256 w0 = _mm256_load_ps(w + j), w1 = _mm256_load_ps(w + j + 8);
                    __m256 w2 = _mm256_load_ps(w + j + 16), w3 = _mm256_load_ps(w + j + 24);
                    s0 = _mm256_fmadd_ps(_mm256_load_ps(a + j), w0, s0);
                    s1 = _mm256_fmadd_ps(_mm256_load_ps(a + j + 8), w1, s1);
                    s2 = _mm256_fmadd_ps(_mm256_load_ps(a + j + 16), w2, s2);
                    s3 = _mm256_fmadd_ps(_mm256_load_ps(a + j + 24), w3, s3);
                    t0 = _mm256_fmadd_ps(_mm256_load_ps(b + j), w0, t0);
                    t1 = _mm256_fmadd_ps(_mm256_load_ps(b + j + 8), w1, t1);
                    t2 = _mm256_fmadd_ps(_mm256_load_ps(b + j + 16), w2, t2);
                    t3 = _mm256_fmadd_ps(_mm256_load_ps(b + j + 24), w3, t3);
                }
                za = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
                zb = hsum(_mm256_add_ps(_mm256_add_ps(t0, t1), _mm256_add_ps(t2, t3)));
            }
            float ea = za - y[i], eb = zb - y[i + 1];
            loss += (double) ea * ea + (double) eb * eb;
            float ra = 2 * ea / n, rb = 2 * eb / n;
            p[d] += ra + rb;
            __m256 va = _mm256_set1_ps(ra), vb = _mm256_set1_ps(rb);
            for (int j = 0; j < d; j += 8)
                _mm256_store_ps(g + j, _mm256_fmadd_ps(_mm256_load_ps(b + j), vb,
                                                       _mm256_fmadd_ps(_mm256_load_ps(a + j), va, _mm256_load_ps(g + j))));
        }
        for (; i < end; i++) loss += plain_row(x, y, w, n, d, i, g, &p[d], 0);
    }
    return loss;
}

/* tworegions: the thread's range in two halves, one row from each in turn, one accumulator each. */
static double two_regions(const float *x, const float *y, const float *w, long n, int d, long from, long to,
                          float *g, double *p) {
    double loss = 0;
    long half = (to - from) / 2;
    half -= half % CHUNK;
    long mid = from + half;
    float *g2 = g + d;
    double *p2 = p + d + 1;
    for (long c1 = from, c2 = mid; c1 < mid || c2 < to; c1 += CHUNK, c2 += CHUNK) {
        long e1 = c1 + CHUNK < mid ? c1 + CHUNK : mid, e2 = c2 + CHUNK < to ? c2 + CHUNK : to;
        memset(g, 0, d * 4);
        memset(g2, 0, d * 4);
        for (long i1 = c1, i2 = c2; i1 < e1 || i2 < e2; i1++, i2++) {
            if (i1 < e1) loss += plain_row(x, y, w, n, d, i1, g, &p[d], 0);
            if (i2 < e2) loss += plain_row(x, y, w, n, d, i2, g2, &p2[d], 0);
        }
        for (int j = 0; j < d; j++) {
            p[j] += g[j];
            p2[j] += g2[j];
        }
    }
    return loss;
}

static double step(const float *x, const float *y, const float *w, long n, int d, float **acc, double **partial, int v) {
    double loss = 0;
#pragma omp parallel reduction(+ : loss)
    {
        int t = omp_get_thread_num(), threads = omp_get_num_threads();
        long per = n / threads;
        long from = t * per, to = t == threads - 1 ? n : from + per;
        float *g = acc[t];
        double *p = partial[t];
        memset(p, 0, 2 * (d + 1) * sizeof(double));
        if (v == 5) {
            loss += two_regions(x, y, w, n, d, from, to, g, p);
        } else {
            for (long chunk = from; chunk < to; chunk += CHUNK) {
                long end = chunk + CHUNK < to ? chunk + CHUNK : to;
                memset(g, 0, d * 4);
                loss += chunk_rows(x, y, w, n, d, chunk, end, to, g, p, v);
                for (int j = 0; j < d; j++) p[j] += g[j];
            }
        }
    }
    return loss;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: fused-variants ROWS COLS REPS [AHEAD]  (COLS a multiple of 32)\n");
        return 2;
    }
    long n = atol(argv[1]);
    int d = atoi(argv[2]), reps = atoi(argv[3]);
    if (argc > 4) AHEAD = atoi(argv[4]);
    if (n < 2 || d < 32 || d % 32 != 0 || reps < 1) {
        fprintf(stderr, "fused-variants: ROWS >= 2, COLS a positive multiple of 32, REPS >= 1\n");
        return 2;
    }
    int threads = omp_get_max_threads();
    float *x = aligned_alloc(64, n * d * 4), *y = aligned_alloc(64, n * 4 + 64), *w = aligned_alloc(64, d * 4);
    float **acc = malloc(threads * sizeof(float *));
    double **partial = malloc(threads * sizeof(double *));
    for (int t = 0; t < threads; t++) {
        acc[t] = aligned_alloc(64, 2 * d * 4 + 64);
        partial[t] = malloc(2 * (d + 1) * sizeof(double));
    }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        uint64_t s = 20261123 + (uint64_t) i * 0x9E3779B97F4A7C15ULL;
        for (int j = 0; j < d; j++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            x[i * (long) d + j] = (float) ((s >> 40) * (1.0 / (1 << 24)) - 0.5);
        }
        y[i] = (i % 7) * 0.1f;
    }
    for (int j = 0; j < d; j++) w[j] = 0.01f * (j % 5);

    double *read = malloc(reps * sizeof(double)), *times[VARIANTS], *ratios[VARIANTS];
    for (int v = 0; v < VARIANTS; v++) {
        times[v] = malloc(reps * sizeof(double));
        ratios[v] = malloc(reps * sizeof(double));
    }
    double sink = 0;
    for (int r = -reps / 4; r < reps; r++) { /* a quarter of the reps again as warm-up */
        double t = now_ms();
        sink += streaming_read(x, n * d);
        double readTime = now_ms() - t;
        for (int v = 0; v < VARIANTS; v++) {
            t = now_ms();
            sink += step(x, y, w, n, d, acc, partial, v);
            double e = now_ms() - t;
            if (r >= 0) {
                times[v][r] = e;
                ratios[v][r] = e / readTime;
            }
        }
        if (r >= 0) read[r] = readTime;
    }
    qsort(read, reps, sizeof(double), compare);
    printf("%ldx%d, %d threads, ahead %d, %d rounds: read %.2f ms", n, d, threads, AHEAD, reps, read[reps / 2]);
    for (int v = 0; v < VARIANTS; v++) {
        qsort(times[v], reps, sizeof(double), compare);
        qsort(ratios[v], reps, sizeof(double), compare);
        printf(" | %s %.2f (%.2f)", NAMES[v], times[v][reps / 2], ratios[v][reps / 2]);
    }
    printf("  [medians, step/read in brackets; sink %d]\n", sink > 0);
    return 0;
}
