/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* linalg-bench.c - speed of the dense kernels of lib/common/linalg.h.
 *
 *   linalg-bench [options]
 *     --sizes N,N,...    SPD inverse sizes (default 2000,5000; 10000 only
 *                        when asked, e.g. --sizes 2000,5000,10000)
 *     --threads T,T,...  BLIS thread counts (default 1,2)
 *     --block B          block size of the inverse (default the library's)
 *     --ks K,K,...       small-kernel sizes (default 32,64,128)
 *     --rows R           rows per ALS solve (default 20)
 *     --repeat R         inverse and sgemm runs per size, best kept (default 3)
 *     --seconds S        time per small-kernel measurement (default 0.5)
 *     --no-inverse, --no-small
 *
 * (i) The SPD inverse of G = X^T X + 50 I (X random 0/1, like EASE's Gram
 * matrix) next to a BLIS sgemm of the same n and thread count in the same
 * run: seconds, GFLOP/s (inverse n^3 flops, sgemm 2 n^3) and their ratio,
 * which is what to compare across runs on a shared machine (r_cpu: the
 * same ratio from CPU seconds, which other processes do not inflate when
 * BLIS runs one thread); plus the
 * inverse's worst relative residual ||G p_j - e_j|| / (||G||_1 ||p_j||_1)
 * over a few columns, the process's peak RSS during the inverses (the
 * matrix, BLIS's buffers and the process's baseline) and
 * trec_spd_inverse_bytes.
 * (ii) ALS row solves per CPU second (CPU time: one thread, and not
 * inflated by other processes on a shared machine): exact (build + Cholesky + solve) and CG
 * with 3 steps (warm-started from the previous solution), for rows of a
 * 100000 x k factor matrix picked at random, best of 3. */
#include <blis.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linalg.h"
#include "rng.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU seconds of the whole process (all threads; BLIS's spinning
 * barriers included): with one thread, the time not lost to other
 * processes on a shared machine. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A timing: wall and CPU seconds of the fastest (wall) run. */
typedef struct timing {
    double wall, cpu;
} timing;

static void keep_best(timing *best, double wall, double cpu)
{
    if (wall < best->wall)
        *best = (timing){wall, cpu};
}

/* Peak resident memory since the last reset_peak_rss(), in MiB (Linux:
 * VmHWM of /proc/self/status; -1 if unavailable). */
static long peak_rss_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}

/* Resets the peak to the current resident size (Linux >= 4.0). */
static void reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static int parse_list(const char *s, long *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        out[n++] = strtol(s, &end, 10);
        if (end == s)
            return 0;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "linalg-bench: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

/* ---- (i) SPD inverse ---------------------------------------------------- */

/* G = X^T X + 50 I, X: 2n rows of 40 ones in distinct random columns. */
static void make_gram(float *g, size_t n, uint64_t seed)
{
    trec_rng r;
    trec_rng_seed(&r, seed);
    size_t ones = n < 40 ? n : 40, *perm = xmalloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    memset(g, 0, n * n * sizeof *g);
    for (size_t t = 0; t < 2 * n; t++) {
        for (size_t a = 0; a < ones; a++) {
            size_t b = a + trec_rng_below(&r, n - a), tmp = perm[a];
            perm[a] = perm[b];
            perm[b] = tmp;
        }
        for (size_t a = 0; a < ones; a++)
            for (size_t b = 0; b < ones; b++)
                g[perm[a] * n + perm[b]] += 1;
    }
    for (size_t i = 0; i < n; i++)
        g[i * n + i] += 50;
    free(perm);
}

/* Worst ||G p_j - e_j||_inf / (||G||_inf ||p_j||_inf) over 8 columns, G
 * regenerated from its seed (P overwrote it). */
static double residual(const float *p, size_t n, uint64_t seed)
{
    float *g = xmalloc(n * n * sizeof *g);
    make_gram(g, n, seed);
    double worst = 0, gnorm = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t q = 0; q < n; q++)
            s += fabs(g[i * n + q]);
        gnorm = s > gnorm ? s : gnorm;
    }
    for (int c = 0; c < 8; c++) {
        size_t j = (size_t)c * (n - 1) / 7;
        double rmax = 0, pmax = 0;
        for (size_t i = 0; i < n; i++) {
            double s = i == j ? -1.0 : 0.0;
            for (size_t q = 0; q < n; q++)
                s += (double)g[i * n + q] * p[q * n + j];
            rmax = fabs(s) > rmax ? fabs(s) : rmax;
            pmax = fabs(p[i * n + j]) > pmax ? fabs(p[i * n + j]) : pmax;
        }
        double rel = rmax / (gnorm * pmax);
        worst = rel > worst ? rel : worst;
    }
    free(g);
    return worst;
}

static timing time_sgemm(size_t n, int threads, int repeat)
{
    float *a = xmalloc(n * n * sizeof *a), *b = xmalloc(n * n * sizeof *b);
    float *c = xmalloc(n * n * sizeof *c), one = 1, zero = 0;
    for (size_t i = 0; i < n * n; i++) {
        a[i] = (float)(i % 7) / 7;
        b[i] = (float)(i % 5) / 5;
        c[i] = 0;
    }
    rntm_t rntm;
    bli_rntm_init(&rntm);
    bli_rntm_set_num_threads(threads, &rntm);
    timing best = {INFINITY, INFINITY};
    for (int r = 0; r < repeat; r++) {
        double t = now(), u = cpu_now();
        bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)n, (dim_t)n,
                     (dim_t)n, &one, a, (inc_t)n, 1, b, (inc_t)n, 1, &zero, c,
                     (inc_t)n, 1, NULL, &rntm);
        keep_best(&best, now() - t, cpu_now() - u);
    }
    free(a);
    free(b);
    free(c);
    return best;
}

/* Best wall time of `repeat` inverses of the same matrix (regenerated
 * each time); leaves the last inverse in g. */
static timing time_inverse(float *g, size_t n, size_t block, int threads, int repeat)
{
    timing best = {INFINITY, INFINITY};
    for (int r = 0; r < repeat; r++) {
        make_gram(g, n, 7 + n);
        trec_error err;
        double t0 = now(), u0 = cpu_now();
        int rc = trec_spd_inverse_ex(g, n, block, threads, &err);
        double t = now() - t0, u = cpu_now() - u0;
        if (rc != 0) {
            fprintf(stderr, "linalg-bench: %s\n", err.msg);
            exit(1);
        }
        keep_best(&best, t, u);
    }
    return best;
}

static void bench_inverse(const long *sizes, int ns, const long *threads, int nt,
                          size_t block, int repeat)
{
    printf("BLIS %s, sub-configuration %s; block %zu\n", bli_info_get_version_str(),
           bli_arch_string(bli_arch_query_id()), block);
    printf("%6s %3s %8s %8s %8s %8s %8s %8s %6s %6s %9s %7s %7s\n", "n", "thr",
           "inv_s", "inv_cpu", "inv_GF/s", "gemm_s", "gemm_cpu", "gemmGF/s", "ratio",
           "r_cpu", "resid", "rss_MiB", "est_MiB");
    for (int s = 0; s < ns; s++) {
        size_t n = (size_t)sizes[s];
        for (int t = 0; t < nt; t++) {
            reset_peak_rss();
            float *g = xmalloc(n * n * sizeof *g);
            timing ti = time_inverse(g, n, block, (int)threads[t], repeat);
            long rss = peak_rss_mib();
            double res = t == 0 ? residual(g, n, 7 + n) : NAN;
            free(g);
            timing tg = time_sgemm(n, (int)threads[t], repeat);
            double f = (double)n * n * n / 1e9;
            printf("%6zu %3ld %8.3f %8.3f %8.1f %8.3f %8.3f %8.1f %6.2f %6.2f %9.2e %7ld "
                   "%7.0f\n", n, threads[t], ti.wall, ti.cpu, f / ti.wall, tg.wall,
                   tg.cpu, 2 * f / tg.wall, (f / ti.wall) / (2 * f / tg.wall),
                   (f / ti.cpu) / (2 * f / tg.cpu), res, rss,
                   (double)trec_spd_inverse_bytes(n, (int)threads[t]) / 1048576.0);
            fflush(stdout);
        }
    }
}

/* ---- (ii) small kernels ------------------------------------------------- */

typedef struct als_bench {
    size_t k, items, rows, users;
    float *y, *yty, *c, *d, *x, *work;
    uint32_t *idx;
} als_bench;

static void als_setup(als_bench *b, size_t k, size_t rows)
{
    trec_rng r;
    trec_rng_seed(&r, 11);
    *b = (als_bench){.k = k, .items = 100000, .rows = rows, .users = 4096};
    b->y = xmalloc(b->items * k * sizeof *b->y);
    b->yty = xmalloc(k * k * sizeof *b->yty);
    b->idx = xmalloc(b->users * rows * sizeof *b->idx);
    b->c = xmalloc(b->users * rows * sizeof *b->c);
    b->d = xmalloc(b->users * rows * sizeof *b->d);
    b->x = calloc(b->users * k, sizeof *b->x);
    b->work = xmalloc(k * k * sizeof *b->work);
    for (size_t i = 0; i < b->items * k; i++)
        b->y[i] = (float)(0.1 * trec_rng_normal(&r));
    float one = 1, zero = 0; /* YtY with BLIS, as ALS will */
    bli_sgemm(BLIS_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)k, (dim_t)k, (dim_t)b->items,
              &one, b->y, (inc_t)k, 1, b->y, (inc_t)k, 1, &zero, b->yty, (inc_t)k, 1);
    for (size_t j = 0; j < b->users * rows; j++) {
        b->idx[j] = (uint32_t)trec_rng_below(&r, b->items);
        b->c[j] = (float)(40 * (1 + trec_rng_below(&r, 5))); /* alpha r, r in 1..5 */
        b->d[j] = 1 + b->c[j];
    }
}

static void als_teardown(als_bench *b)
{
    free(b->y);
    free(b->yty);
    free(b->idx);
    free(b->c);
    free(b->d);
    free(b->x);
    free(b->work);
}

/* Solves per second over `seconds`, best of 3; method 0 exact, else CG
 * with `method` steps. */
static double als_rate(als_bench *b, int method, double seconds)
{
    double best = 0;
    trec_error err;
    for (int rep = 0; rep < 3; rep++) {
        size_t done = 0;
        double t0 = cpu_now(), t;
        do {
            for (size_t u = 0; u < 256; u++, done++) {
                size_t v = done % b->users, o = v * b->rows;
                trec_als_rows rows = {b->y, b->k, b->idx + o, b->c + o, b->d + o, b->rows};
                float *x = b->x + v * b->k;
                if (method == 0) {
                    if (trec_als_solve_exact(b->yty, b->k, 0.1f, &rows, b->work, x, &err)) {
                        fprintf(stderr, "linalg-bench: %s\n", err.msg);
                        exit(1);
                    }
                } else {
                    trec_als_solve_cg(b->yty, b->k, 0.1f, &rows, method, b->work, x);
                }
            }
            t = cpu_now() - t0;
        } while (t < seconds);
        best = (double)done / t > best ? (double)done / t : best;
    }
    return best;
}

static void bench_small(const long *ks, int nk, size_t rows, double seconds)
{
    printf("\nALS row solves per CPU second (%zu rows each, 1 thread, best of 3)\n", rows);
    printf("%5s %12s %12s %12s %8s\n", "k", "exact", "cg3", "chol_only", "cg/exact");
    for (int i = 0; i < nk; i++) {
        als_bench b;
        als_setup(&b, (size_t)ks[i], rows);
        double exact = als_rate(&b, 0, seconds), cg = als_rate(&b, 3, seconds);
        /* the factor + solve alone, on a built system */
        size_t k = b.k, reps = 0;
        float *a = xmalloc(k * k * sizeof *a), *a0 = xmalloc(k * k * sizeof *a0);
        float *x = xmalloc(k * sizeof *x);
        trec_als_rows r0 = {b.y, k, b.idx, b.c, b.d, rows};
        trec_als_build(b.yty, k, 0.1f, &r0, a0, x);
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            double t0 = cpu_now(), t;
            reps = 0;
            do {
                for (int q = 0; q < 64; q++, reps++) {
                    memcpy(a, a0, k * k * sizeof *a);
                    trec_chol_lower(a, k, k, NULL);
                    trec_chol_solve(a, k, k, x);
                }
                t = cpu_now() - t0;
            } while (t < seconds);
            best = (double)reps / t > best ? (double)reps / t : best;
        }
        printf("%5ld %12.0f %12.0f %12.0f %8.2f\n", ks[i], exact, cg, best, cg / exact);
        free(a);
        free(a0);
        free(x);
        als_teardown(&b);
    }
}

int main(int argc, char **argv)
{
    long sizes[16] = {2000, 5000}, threads[8] = {1, 2}, ks[16] = {32, 64, 128};
    int ns = 2, nt = 2, nk = 3, inverse = 1, small = 1;
    size_t block = TREC_SPD_INVERSE_BLOCK, rows = 20;
    int repeat = 3;
    double seconds = 0.5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-inverse"))
            inverse = 0;
        else if (!strcmp(a, "--no-small"))
            small = 0;
        else if (v && !strcmp(a, "--sizes") && (ns = parse_list(v, sizes, 16)))
            i++;
        else if (v && !strcmp(a, "--threads") && (nt = parse_list(v, threads, 8)))
            i++;
        else if (v && !strcmp(a, "--ks") && (nk = parse_list(v, ks, 16)))
            i++;
        else if (v && !strcmp(a, "--block") && atol(v) > 0)
            block = (size_t)atol(v), i++;
        else if (v && !strcmp(a, "--rows") && atol(v) >= 0)
            rows = (size_t)atol(v), i++;
        else if (v && !strcmp(a, "--repeat") && atoi(v) > 0)
            repeat = atoi(v), i++;
        else if (v && !strcmp(a, "--seconds") && atof(v) > 0)
            seconds = atof(v), i++;
        else {
            fprintf(stderr, "usage: linalg-bench [--sizes N,..] [--threads T,..] "
                            "[--block B] [--repeat R] [--ks K,..] [--rows R] [--seconds S] "
                            "[--no-inverse] [--no-small]\n");
            return 2;
        }
    }
    /* a fixed mmap threshold: freed matrices go back to the system instead
     * of staying resident in the heap and inflating the next peak RSS */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    bli_init(); /* before bli_arch_query_id, which does not initialise */
    if (inverse)
        bench_inverse(sizes, ns, threads, nt, block, repeat);
    if (small)
        bench_small(ks, nk, rows, seconds);
    return 0;
}
