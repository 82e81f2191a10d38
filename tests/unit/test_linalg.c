/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_linalg.c - the dense kernels of linalg.h against naive double
 * references, with error bounds from rounding-error analysis:
 *
 * - SPD inverse: per-column residual ||G p_j - e_j||_2 against
 *   sqrt(n) u ||G||_2 ||P||_2 (see spd_check), the forward error against a
 *   double Cholesky inverse, exact symmetry, 1 vs 2 threads bit for bit,
 *   non-SPD input (error naming the pivot, G restored);
 * - small kernels: the classical componentwise bounds (Higham, Accuracy and
 *   Stability of Numerical Algorithms, 2nd ed.: inner products 3.5, Cholesky
 *   backward error Thm 10.3, Cholesky solve Thm 10.4), which hold for any
 *   summation order and with or without FMA, so they are rigorous for both
 *   the AVX2 and the baseline code; CG against the Cholesky solution and
 *   against a double CG. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "linalg.h"
#include "rng.h"

static const double U = 0x1p-24; /* unit roundoff of float */

/* gamma_m = m u / (1 - m u), the bound on m successive roundings. */
static double gamma_u(double m)
{
    return m * U / (1 - m * U);
}

/* ---- SPD test matrices and the double reference ---------------------- */

/* G = X^T X + lambda I for a random 0/1 matrix X of `rows` rows with
 * `ones` ones per row in distinct columns (EASE's Gram matrix); gd gets it
 * in double, gf in float (the same values: integers < 2^24 plus lambda,
 * rounded to float once). */
static void make_gram(size_t n, size_t rows, size_t ones, double lambda,
                      uint64_t seed, double *gd, float *gf)
{
    trec_rng r;
    trec_rng_seed(&r, seed);
    size_t *perm = malloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    memset(gd, 0, n * n * sizeof *gd);
    for (size_t t = 0; t < rows; t++) {
        for (size_t a = 0; a < ones; a++) { /* partial Fisher-Yates */
            size_t b = a + trec_rng_below(&r, n - a), tmp = perm[a];
            perm[a] = perm[b];
            perm[b] = tmp;
        }
        for (size_t a = 0; a < ones; a++)
            for (size_t b = 0; b < ones; b++)
                gd[perm[a] * n + perm[b]] += 1;
    }
    for (size_t i = 0; i < n; i++)
        gd[i * n + i] += lambda;
    for (size_t i = 0; i < n * n; i++) {
        gf[i] = (float)gd[i];
        gd[i] = gf[i];
    }
    free(perm);
}

/* sum_p a[p] b[p], four partial sums (the reference's time is the
 * test's time). */
static double ref_dot(const double *a, const double *b, size_t m)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t p = 0;
    for (; p + 4 <= m; p += 4) {
        s0 += a[p] * b[p];
        s1 += a[p + 1] * b[p + 1];
        s2 += a[p + 2] * b[p + 2];
        s3 += a[p + 3] * b[p + 3];
    }
    for (; p < m; p++)
        s0 += a[p] * b[p];
    return (s0 + s1) + (s2 + s3);
}

/* Unblocked Cholesky in double, lower, row-major (upper set to 0); 0 if
 * not SPD. */
static int ref_chol(double *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j <= i; j++) {
            double s = l[i * n + j] - ref_dot(l + i * n, l + j * n, j);
            if (j < i) {
                l[i * n + j] = s / l[j * n + j];
            } else {
                if (!(s > 0))
                    return 0;
                l[i * n + i] = sqrt(s);
            }
        }
        for (size_t j = i + 1; j < n; j++)
            l[i * n + j] = 0;
    }
    return 1;
}

/* x := (L L^T)^-1 x. */
static void ref_solve(const double *l, size_t n, double *x)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t p = 0; p < i; p++)
            x[i] -= l[i * n + p] * x[p];
        x[i] /= l[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        x[i] /= l[i * n + i];
        for (size_t p = 0; p < i; p++)
            x[p] -= l[i * n + p] * x[i];
    }
}

static double norm2(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return sqrt(s);
}

/* ||A||_2 of a symmetric positive semi-definite matrix (float entries
 * in af, or double in ad) by 40 steps of power iteration from a fixed
 * positive start (A's entries are positive, so that start is not
 * orthogonal to the leading eigenvector). A slight underestimate. */
static double spd_norm2(const double *ad, const float *af, size_t n)
{
    double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w), lam = 0;
    double *row = malloc(n * sizeof *row);
    for (size_t i = 0; i < n; i++)
        v[i] = 1.0 + (double)(i % 7) / 7;
    for (int it = 0; it < 40; it++) {
        double nv = norm2(v, n);
        for (size_t i = 0; i < n; i++)
            v[i] /= nv;
        for (size_t i = 0; i < n; i++) {
            if (af)
                for (size_t j = 0; j < n; j++)
                    row[j] = af[i * n + j];
            w[i] = ref_dot(af ? row : ad + i * n, v, n);
        }
        lam = norm2(w, n);
        double *t = v;
        v = w;
        w = t;
    }
    free(v);
    free(w);
    free(row);
    return lam;
}

/* The columns a test looks at: all of them up to n = 130, else 40 spread
 * evenly over the matrix, both ends included. */
static size_t pick_columns(size_t n, size_t *cols)
{
    if (n <= 130) {
        for (size_t j = 0; j < n; j++)
            cols[j] = j;
        return n;
    }
    size_t m = 0;
    for (size_t j = 0; j < 40; j++)
        cols[m++] = j * (n - 1) / 39;
    return m;
}

typedef struct spd_report {
    double resid;  /* max_j ||G p_j - e_j|| / (sqrt(n) u ||G|| ||P||) */
    double fwd;    /* max_j ||p_j - ref_j|| / (sqrt(n) u kappa ||ref_j||) */
    double kappa;  /* ||G||_2 ||P||_2 */
} spd_report;

/* Checks P (float, n x n) as the inverse of G (double, exact copy of the
 * float input) against the double Cholesky reference ld. */
static spd_report spd_check(const double *g, const double *ld, const float *p, size_t n)
{
    spd_report rep = {0, 0, 0};
    double ng = spd_norm2(g, NULL, n), np = spd_norm2(NULL, p, n);
    rep.kappa = ng * np;
    size_t *cols = malloc(n * sizeof *cols);
    size_t m = pick_columns(n, cols);
    double *r = malloc(n * sizeof *r), *x = malloc(n * sizeof *x);
    for (size_t c = 0; c < m; c++) {
        size_t j = cols[c];
        for (size_t q = 0; q < n; q++)
            x[q] = p[q * n + j];
        for (size_t i = 0; i < n; i++)
            r[i] = ref_dot(g + i * n, x, n) - (i == j);
        double res = norm2(r, n) / (sqrt((double)n) * U * ng * np);
        for (size_t i = 0; i < n; i++)
            x[i] = i == j;
        ref_solve(ld, n, x);
        double nx = norm2(x, n);
        for (size_t i = 0; i < n; i++)
            x[i] -= p[i * n + j];
        double fwd = norm2(x, n) / (sqrt((double)n) * U * rep.kappa * nx);
        rep.resid = res > rep.resid ? res : rep.resid;
        rep.fwd = fwd > rep.fwd ? fwd : rep.fwd;
    }
    free(cols);
    free(r);
    free(x);
    return rep;
}

/* Inverts a Gram matrix of size n with the given block and threads and
 * checks it; returns the report. */
static spd_report spd_case(size_t n, size_t rows, size_t ones, double lambda,
                           size_t block, uint64_t seed)
{
    double *gd = malloc(n * n * sizeof *gd), *ld = malloc(n * n * sizeof *ld);
    float *p = malloc(n * n * sizeof *p);
    make_gram(n, rows, ones, lambda, seed, gd, p);
    memcpy(ld, gd, n * n * sizeof *ld);
    ck_assert(ref_chol(ld, n));
    trec_error err = {{0}};
    ck_assert_msg(trec_spd_inverse_ex(p, n, block, 1, &err) == 0, "%s", err.msg);
    size_t asym = 0; /* (no ck_assert in loops: each one writes to a pipe) */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            asym += memcmp(&p[i * n + j], &p[j * n + i], sizeof(float)) != 0;
    ck_assert_uint_eq(asym, 0);
    spd_report rep = spd_check(gd, ld, p, n);
    if (getenv("TREC_TEST_VERBOSE"))
        printf("spd n=%zu block=%zu kappa=%.3g resid=%.3g fwd=%.3g\n", n, block,
               rep.kappa, rep.resid, rep.fwd);
    free(gd);
    free(ld);
    free(p);
    return rep;
}

/* Bounds. A first-order analysis of Cholesky inversion (Higham, ch. 14;
 * Du Croz & Higham 1992) gives |P G - I| <= c_n u |P| |L| |L^T| with c_n
 * of order n for the three phases' inner products of length <= n; as P
 * is exactly symmetric, G P - I is its transpose, so column j satisfies
 * ||G p_j - e_j|| <= c_n u ||G|| ||P|| and the forward error
 * ||p_j - G^-1 e_j|| <= c_n u kappa ||G^-1 e_j||. The worst case c_n ~ 3n
 * is far from what happens: rounding errors of independent signs grow as
 * sqrt(n) (Higham & Mary, SIAM J. Sci. Comput. 2019, probabilistic
 * bounds lambda sqrt(n) u, lambda a small constant). We assert the
 * probabilistic form with lambda = 2, i.e. report values <= 2. Measured
 * (TREC_TEST_VERBOSE=1 prints them): 0.62 at n = 2 down to 0.002 at
 * n = 1000, 0.03 at kappa = 1.7e4. Loose at large n, but a wrong or
 * missing block update leaves O(1) relative residuals, i.e. values of
 * 1 / (sqrt(n) u kappa): over 1e3 in every case here but the
 * ill-conditioned one (about 60). */
static const double SPD_BOUND = 2.0;

START_TEST(spd_inverse_sizes)
{
    static const size_t sizes[] = {1, 2, 3, 7, 64, 129, 300, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        size_t ones = n < 10 ? n : 10 + n / 20;
        spd_report rep = spd_case(n, 2 * n + 3, ones, 5.0, TREC_SPD_INVERSE_BLOCK, s + 1);
        ck_assert_msg(rep.resid <= SPD_BOUND, "n=%zu resid %g", n, rep.resid);
        ck_assert_msg(rep.fwd <= SPD_BOUND, "n=%zu fwd %g", n, rep.fwd);
    }
}
END_TEST

/* Block sizes that do not divide n, and block 1 (every update in BLIS). */
START_TEST(spd_inverse_blocks)
{
    static const size_t cases[][2] = {{2, 1}, {3, 2}, {7, 1}, {7, 3}, {64, 5},
                                      {129, 16}, {129, 64}, {300, 32}, {300, 128},
                                      {450, 96}};
    for (size_t s = 0; s < sizeof cases / sizeof *cases; s++) {
        size_t n = cases[s][0], block = cases[s][1];
        size_t ones = n < 10 ? n : 10 + n / 20;
        spd_report rep = spd_case(n, 2 * n + 3, ones, 5.0, block, 100 + s);
        ck_assert_msg(rep.resid <= SPD_BOUND, "n=%zu b=%zu resid %g", n, block,
                      rep.resid);
        ck_assert_msg(rep.fwd <= SPD_BOUND, "n=%zu b=%zu fwd %g", n, block, rep.fwd);
    }
}
END_TEST

/* Harder conditioning: fewer rows than columns, so X^T X is singular and
 * lambda alone keeps G definite (kappa ~ 1e5): the bounds scale with
 * kappa as derived. */
START_TEST(spd_inverse_ill_conditioned)
{
    spd_report rep = spd_case(300, 150, 40, 0.05, 64, 7);
    ck_assert_msg(rep.kappa > 1e4, "kappa %g", rep.kappa);
    ck_assert_msg(rep.resid <= SPD_BOUND, "resid %g", rep.resid);
    ck_assert_msg(rep.fwd <= SPD_BOUND, "fwd %g", rep.fwd);
}
END_TEST

/* A leading principal 2 x 2 minor made indefinite at rows (lo, hi):
 * Cholesky must stop at pivot hi and give back G unchanged. */
static void spd_expect_failure(size_t n, size_t block, size_t lo, size_t hi,
                               float value, const char *want)
{
    double *gd = malloc(n * n * sizeof *gd);
    float *g = malloc(n * n * sizeof *g), *g0 = malloc(n * n * sizeof *g0);
    make_gram(n, 2 * n + 3, n < 10 ? n : 10, 5.0, 11, gd, g);
    g[hi * n + lo] = g[lo * n + hi] = value;
    memcpy(g0, g, n * n * sizeof *g);
    trec_error err = {{0}};
    ck_assert_int_eq(trec_spd_inverse_ex(g, n, block, 2, &err), -1);
    ck_assert_msg(strstr(err.msg, want) != NULL, "message: %s", err.msg);
    ck_assert(strstr(err.msg, "not positive definite") != NULL);
    ck_assert(memcmp(g, g0, n * n * sizeof *g) == 0);
    free(gd);
    free(g);
    free(g0);
}

START_TEST(spd_inverse_not_positive_definite)
{
    /* |g_lo,hi| > sqrt(g_lo,lo g_hi,hi): fails at pivot hi, after blocks
     * before it were factored and the trailing matrix updated */
    spd_expect_failure(300, 64, 50, 200, 1e4f, "pivot 200 ");
    spd_expect_failure(300, TREC_SPD_INVERSE_BLOCK, 3, 257, 1e4f, "pivot 257 ");
    spd_expect_failure(7, 2, 0, 0, -1.0f, "pivot 0 ");
    spd_expect_failure(7, 3, 3, 5, NAN, "pivot 5 ");
    float z[9] = {0};
    trec_error err = {{0}};
    ck_assert_int_eq(trec_spd_inverse(z, 3, 1, &err), -1);
    ck_assert_msg(strstr(err.msg, "pivot 0 ") != NULL, "%s", err.msg);
    ck_assert_int_eq(trec_spd_inverse(z, 0, 1, &err), 0);
    ck_assert_int_eq(trec_spd_inverse_ex(z, 3, 0, 1, &err), -1);
}
END_TEST

/* Same bytes for 1 and 2 BLIS threads, and from run to run. */
START_TEST(spd_inverse_thread_independent)
{
    static const size_t cases[][2] = {{520, TREC_SPD_INVERSE_BLOCK}, {300, 64}};
    for (size_t c = 0; c < 2; c++) {
        size_t n = cases[c][0], block = cases[c][1];
        double *gd = malloc(n * n * sizeof *gd);
        float *g1 = malloc(n * n * sizeof *g1), *g2 = malloc(n * n * sizeof *g2);
        float *g3 = malloc(n * n * sizeof *g3);
        make_gram(n, 2 * n, 30, 5.0, 21 + c, gd, g1);
        memcpy(g2, g1, n * n * sizeof *g1);
        memcpy(g3, g1, n * n * sizeof *g1);
        trec_error err;
        ck_assert_int_eq(trec_spd_inverse_ex(g1, n, block, 1, &err), 0);
        ck_assert_int_eq(trec_spd_inverse_ex(g2, n, block, 2, &err), 0);
        ck_assert_int_eq(trec_spd_inverse_ex(g3, n, block, 2, &err), 0);
        ck_assert(memcmp(g1, g2, n * n * sizeof *g1) == 0);
        ck_assert(memcmp(g2, g3, n * n * sizeof *g1) == 0);
        free(gd);
        free(g1);
        free(g2);
        free(g3);
    }
}
END_TEST

START_TEST(spd_inverse_bytes)
{
    size_t b = trec_spd_inverse_bytes(1000, 1);
    ck_assert_uint_ge(b, 4000000 + 4000);
    ck_assert_uint_le(b, 4000000 + ((size_t)256 << 20));
    ck_assert_uint_ge(trec_spd_inverse_bytes(1000, 2), b);
    ck_assert_uint_eq(trec_spd_inverse_bytes((size_t)1 << 40, 1), SIZE_MAX);
    ck_assert_uint_gt(trec_spd_inverse_bytes(40000, 2), (size_t)6400000000u);
}
END_TEST

/* ---- small kernels ----------------------------------------------------- */

static const size_t KS[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 128, 255, 256};
#define NKS (sizeof KS / sizeof *KS)

static void fill_normal(trec_rng *r, float *v, size_t m, double scale)
{
    for (size_t i = 0; i < m; i++)
        v[i] = (float)(scale * trec_rng_normal(r));
}

START_TEST(small_vector_helpers)
{
    trec_rng r;
    trec_rng_seed(&r, 3);
    size_t bad = 0;
    for (size_t t = 0; t < NKS; t++) {
        size_t k = KS[t];
        float *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y);
        float *a = malloc(k * (k + 2) * sizeof *a), *out = malloc(k * sizeof *out);
        fill_normal(&r, x, k, 1);
        fill_normal(&r, y, k, 3);
        fill_normal(&r, a, k * (k + 2), 1);
        for (size_t i = 0; i < k; i++) /* symmetric, lda = k + 2 */
            for (size_t j = 0; j < i; j++)
                a[j * (k + 2) + i] = a[i * (k + 2) + j];
        /* dot: |fl - exact| <= gamma_k sum |x_i y_i| (any order, FMA or not) */
        double ref = 0, mag = 0;
        for (size_t i = 0; i < k; i++) {
            ref += (double)x[i] * y[i];
            mag += fabs((double)x[i] * y[i]);
        }
        bad += fabs(trec_dot(x, y, k) - ref) > gamma_u((double)k) * mag;
        /* axpy: one or two roundings per element */
        memcpy(out, y, k * sizeof *out);
        trec_axpy(-0.7f, x, out, k);
        for (size_t i = 0; i < k; i++) {
            double e = y[i] - 0.7 * x[i];
            double m = fabs((double)y[i]) + fabs(0.7 * x[i]);
            bad += fabs(out[i] - e) > gamma_u(2) * m + 0x1p-24 * 0.7 * fabs(x[i]);
        }
        /* symv: row dot products */
        trec_symv(a, k, k + 2, x, out);
        for (size_t i = 0; i < k; i++) {
            double e = 0, m = 0;
            for (size_t j = 0; j < k; j++) {
                e += (double)a[i * (k + 2) + j] * x[j];
                m += fabs((double)a[i * (k + 2) + j] * x[j]);
            }
            bad += fabs(out[i] - e) > gamma_u((double)k) * m;
        }
        free(x);
        free(y);
        free(a);
        free(out);
    }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* A random SPD k x k matrix (lda), B B^T / k + shift I, lower triangle
 * valid, the strict upper triangle set to NaN (must not be read). */
static void make_small_spd(trec_rng *r, size_t k, size_t lda, double shift, float *a)
{
    float *b = malloc(k * k * sizeof *b);
    fill_normal(r, b, k * k, 1);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < lda; j++) {
            double s = i == j ? shift : 0;
            if (j <= i)
                for (size_t p = 0; p < k; p++)
                    s += (double)b[i * k + p] * b[j * k + p] / (double)k;
            a[i * lda + j] = j <= i ? (float)s : NAN;
        }
    free(b);
}

/* Checks L L^T = A + dA, |dA| <= gamma_{k+1} |L||L^T| (Higham Thm 10.3)
 * and, for x solving L L^T x = b, |b - A x| <= gamma_{3k+1} |L||L^T||x|
 * (Thm 10.4). Returns the number of violations. */
static size_t chol_violations(const float *a, const float *l, size_t k, size_t lda,
                              const float *b, const float *x)
{
    size_t bad = 0;
    double *llx = calloc(k, sizeof *llx), *ax = calloc(k, sizeof *ax);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double s = 0, m = 0;
            for (size_t p = 0; p <= (i < j ? i : j); p++) {
                s += (double)l[i * lda + p] * l[j * lda + p];
                m += fabs((double)l[i * lda + p] * l[j * lda + p]);
            }
            double aij = j <= i ? a[i * lda + j] : a[j * lda + i];
            if (j <= i)
                bad += fabs(s - aij) > gamma_u((double)k + 1) * m;
            llx[i] += m * fabs((double)x[j]);
            ax[i] += aij * x[j];
        }
    for (size_t i = 0; i < k; i++)
        bad += fabs(b[i] - ax[i]) > gamma_u(3.0 * k + 1) * llx[i];
    free(llx);
    free(ax);
    return bad;
}

START_TEST(small_cholesky)
{
    trec_rng r;
    trec_rng_seed(&r, 4);
    size_t bad = 0;
    for (size_t t = 0; t < NKS; t++) {
        size_t k = KS[t], lda = k + 3;
        float *a = malloc(k * lda * sizeof *a), *l = malloc(k * lda * sizeof *l);
        float *b = malloc(k * sizeof *b), *x = malloc(k * sizeof *x);
        make_small_spd(&r, k, lda, 0.01, a);
        memcpy(l, a, k * lda * sizeof *a);
        fill_normal(&r, b, k, 1);
        memcpy(x, b, k * sizeof *x);
        ck_assert_uint_eq(trec_chol_lower(l, k, lda, NULL), k);
        trec_chol_solve(l, k, lda, x);
        bad += chol_violations(a, l, k, lda, b, x);
        for (size_t i = 0; i < k; i++) /* upper triangle untouched */
            for (size_t j = i + 1; j < lda; j++)
                bad += !isnan(l[i * lda + j]);
        free(a);
        free(l);
        free(b);
        free(x);
    }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(small_cholesky_not_positive_definite)
{
    float a1 = -2.0f, v = 0;
    ck_assert_uint_eq(trec_chol_lower(&a1, 1, 1, &v), 0);
    ck_assert(v == -2.0f);
    /* [[4, 2, 0], [2, 1, 0], [0, 0, 1]]: second pivot 1 - 1 = 0 */
    float a[9] = {4, NAN, NAN, 2, 1, NAN, 0, 0, 1};
    ck_assert_uint_eq(trec_chol_lower(a, 3, 3, &v), 1);
    ck_assert(v == 0.0f);
    float b[4] = {1, NAN, NAN, 1};
    trec_error err = {{0}};
    ck_assert_int_eq(trec_chol_factor(b, 2, 2, &err), -1);
    ck_assert_msg(strstr(err.msg, "pivot 1 is nan") != NULL, "%s", err.msg);
}
END_TEST

/* ---- ALS kernels ------------------------------------------------------- */

typedef struct als_case {
    size_t k, items, n;
    float *y, *yty, *c, *d;
    uint32_t *idx;
    float reg;
} als_case;

/* Items x k factors (ldy = k + 1), YtY their Gram matrix (full), n rows
 * (indices with repeats, some weights 0). */
static als_case als_make(trec_rng *r, size_t k, size_t n)
{
    als_case a = {.k = k, .items = 50, .n = n, .reg = 0.1f};
    size_t ldy = k + 1;
    a.y = malloc(a.items * ldy * sizeof *a.y);
    a.yty = malloc(k * k * sizeof *a.yty);
    a.c = malloc((n + 1) * sizeof *a.c);
    a.d = malloc((n + 1) * sizeof *a.d);
    a.idx = malloc((n + 1) * sizeof *a.idx);
    fill_normal(r, a.y, a.items * ldy, 1.0 / sqrt((double)k));
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double s = 0;
            for (size_t t = 0; t < a.items; t++)
                s += (double)a.y[t * ldy + i] * a.y[t * ldy + j];
            a.yty[i * k + j] = (float)s;
        }
    for (size_t j = 0; j < n; j++) {
        a.idx[j] = (uint32_t)trec_rng_below(r, a.items);
        a.c[j] = j % 5 == 3 ? 0.0f : (float)(40 * trec_rng_uniform(r));
        a.d[j] = 1 + a.c[j];
    }
    return a;
}

static void als_free(als_case *a)
{
    free(a->y);
    free(a->yty);
    free(a->c);
    free(a->d);
    free(a->idx);
}

static trec_als_rows als_rows(const als_case *a)
{
    return (trec_als_rows){a->y, a->k + 1, a->idx, a->c, a->d, a->n};
}

/* The system in double: A (full) and b. */
static void als_ref(const als_case *a, double *ad, double *bd)
{
    size_t k = a->k, ldy = k + 1;
    for (size_t i = 0; i < k; i++) {
        bd[i] = 0;
        for (size_t j = 0; j < k; j++)
            ad[i * k + j] = a->yty[i * k + j] + (i == j ? a->reg : 0);
    }
    for (size_t t = 0; t < a->n; t++) {
        const float *y = a->y + a->idx[t] * ldy;
        for (size_t i = 0; i < k; i++) {
            bd[i] += (double)a->d[t] * y[i];
            for (size_t j = 0; j < k; j++)
                ad[i * k + j] += (double)a->c[t] * y[i] * y[j];
        }
    }
}

/* trec_als_build: each entry a sum of n + 2 terms, each product with two
 * roundings: |error| <= gamma_{n+3} sum |terms|; b: gamma_{n+1}. */
START_TEST(als_build_matches_reference)
{
    trec_rng r;
    trec_rng_seed(&r, 5);
    static const size_t ns[] = {0, 1, 3, 4, 5, 20, 33};
    size_t bad = 0;
    for (size_t t = 0; t < NKS; t++)
        for (size_t q = 0; q < sizeof ns / sizeof *ns; q++) {
            size_t k = KS[t];
            als_case c = als_make(&r, k, ns[q]);
            trec_als_rows rows = als_rows(&c);
            float *a = malloc(k * k * sizeof *a), *b = malloc(k * sizeof *b);
            for (size_t i = 0; i < k * k; i++)
                a[i] = NAN;
            trec_als_build(c.yty, k, c.reg, &rows, a, b);
            for (size_t i = 0; i < k; i++) {
                double be = 0, bm = 0;
                for (size_t j = 0; j <= i; j++) { /* only the lower part is specified */
                    double e = c.yty[i * k + j] + (i == j ? c.reg : 0);
                    double m = fabs(e);
                    for (size_t s = 0; s < c.n; s++) {
                        const float *y = c.y + c.idx[s] * (k + 1);
                        e += (double)c.c[s] * y[i] * y[j];
                        m += fabs((double)c.c[s] * y[i] * y[j]);
                    }
                    bad += fabs(a[i * k + j] - e) > gamma_u((double)c.n + 3) * m;
                }
                for (size_t s = 0; s < c.n; s++) {
                    const float *y = c.y + c.idx[s] * (k + 1);
                    be += (double)c.d[s] * y[i];
                    bm += fabs((double)c.d[s] * y[i]);
                }
                bad += fabs(b[i] - be) > gamma_u((double)c.n + 1) * bm;
            }
            free(a);
            free(b);
            als_free(&c);
        }
    ck_assert_uint_eq(bad, 0);
}
END_TEST
/* ||x - y|| / ||y|| in double. */
static double rel_diff(const float *x, const double *y, size_t k)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < k; i++) {
        d += (x[i] - y[i]) * (x[i] - y[i]);
        m += y[i] * y[i];
    }
    return m > 0 ? sqrt(d / m) : sqrt(d);
}

/* kappa_2 of the SPD k x k double matrix ad: power iteration on A and on
 * A^-1 (through the reference Cholesky). */
static double small_cond(const double *ad, size_t k)
{
    double *l = malloc(k * k * sizeof *l), *v = malloc(k * sizeof *v);
    memcpy(l, ad, k * k * sizeof *l);
    ck_assert(ref_chol(l, k));
    for (size_t i = 0; i < k; i++)
        v[i] = 1.0 + (double)(i % 5) / 5;
    double lmin = 0;
    for (int it = 0; it < 100; it++) {
        double nv = norm2(v, k);
        for (size_t i = 0; i < k; i++)
            v[i] /= nv;
        ref_solve(l, k, v);
        lmin = 1 / norm2(v, k);
    }
    double lmax = spd_norm2(ad, NULL, k);
    free(l);
    free(v);
    return lmax / lmin;
}

/* Exact solve: the same bytes as build + factor + solve, and the residual
 * against the true system within the sum of the build's and Cholesky's
 * bounds: |b - A x| <= gamma_{3k+1}|L||L^T||x| + |dA||x| + |db|. */
START_TEST(als_exact_solve)
{
    trec_rng r;
    trec_rng_seed(&r, 6);
    size_t bad = 0;
    for (size_t t = 0; t < NKS; t++) {
        size_t k = KS[t], n = 5 + t;
        als_case c = als_make(&r, k, n);
        trec_als_rows rows = als_rows(&c);
        float *work = malloc(k * k * sizeof *work), *l = malloc(k * k * sizeof *l);
        float *x = malloc(k * sizeof *x), *x2 = malloc(k * sizeof *x2);
        double *ad = malloc(k * k * sizeof *ad), *bd = malloc(k * sizeof *bd);
        trec_error err;
        ck_assert_int_eq(trec_als_solve_exact(c.yty, k, c.reg, &rows, work, x, &err), 0);
        trec_als_build(c.yty, k, c.reg, &rows, l, x2);
        ck_assert_uint_eq(trec_chol_lower(l, k, k, NULL), k);
        trec_chol_solve(l, k, k, x2);
        ck_assert(memcmp(x, x2, k * sizeof *x) == 0);
        als_ref(&c, ad, bd);
        for (size_t i = 0; i < k; i++) {
            double res = bd[i], bound = 0;
            for (size_t j = 0; j < k; j++) {
                res -= ad[i * k + j] * x[j];
                double llt = 0, am = fabs(c.yty[i * k + j]) + (i == j ? c.reg : 0);
                for (size_t p = 0; p <= (i < j ? i : j); p++)
                    llt += fabs((double)l[i * k + p] * l[j * k + p]);
                for (size_t q = 0; q < n; q++) {
                    const float *y = c.y + c.idx[q] * (k + 1);
                    am += fabs((double)c.c[q] * y[i] * y[j]);
                }
                bound += (gamma_u(3.0 * k + 1) * llt + gamma_u(n + 3.0) * am) * fabs(x[j]);
            }
            for (size_t q = 0; q < n; q++)
                bound += gamma_u(n + 1.0) * fabs((double)c.d[q] * c.y[c.idx[q] * (k + 1) + i]);
            bad += fabs(res) > bound;
        }
        free(work);
        free(l);
        free(x);
        free(x2);
        free(ad);
        free(bd);
        als_free(&c);
    }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* The CG iteration in double, the same steps as trec_als_solve_cg. */
static void ref_cg(const double *ad, const double *bd, size_t k, int steps, double *x)
{
    double *r = malloc(k * sizeof *r), *p = malloc(k * sizeof *p);
    double *ap = malloc(k * sizeof *ap), rs = 0;
    for (size_t i = 0; i < k; i++) {
        r[i] = bd[i] - ref_dot(ad + i * k, x, k);
        p[i] = r[i];
        rs += r[i] * r[i];
    }
    for (int it = 0; it < steps && rs >= 1e-20; it++) {
        double pap = 0, rs_new = 0;
        for (size_t i = 0; i < k; i++) {
            ap[i] = ref_dot(ad + i * k, p, k);
            pap += p[i] * ap[i];
        }
        double alpha = rs / pap;
        for (size_t i = 0; i < k; i++) {
            x[i] += alpha * p[i];
            r[i] -= alpha * ap[i];
            rs_new += r[i] * r[i];
        }
        if (rs_new < 1e-20)
            break;
        for (size_t i = 0; i < k; i++)
            p[i] = r[i] + rs_new / rs * p[i];
        rs = rs_new;
    }
    free(r);
    free(p);
    free(ap);
}

/* CG: 3 steps follow the double CG; 3k steps reach the exact solution.
 * A backward-stable solve has a forward error of at most kappa times its
 * backward error, a multiple of u that grows at worst like k and in
 * practice like sqrt(k) (the residual of float CG stagnates near
 * u ||A|| ||x||); 3 float steps differ from 3 double steps by errors of
 * the same kind, plus a few roundings per step whatever k (alpha, beta,
 * the updates). We allow 4 (1 + sqrt(k)) u kappa for both; measured
 * (TREC_TEST_VERBOSE=1 prints them): 1.9 u kappa at k = 1, at most
 * 1.0 u kappa for k >= 2. */
START_TEST(als_cg_solve)
{
    trec_rng r;
    trec_rng_seed(&r, 7);
    size_t bad = 0;
    for (size_t t = 0; t < NKS; t++) {
        size_t k = KS[t], n = (t % 3 == 0) ? 2 : 20;
        als_case c = als_make(&r, k, n);
        trec_als_rows rows = als_rows(&c);
        float *work = malloc(3 * k * sizeof *work), *x = malloc(k * sizeof *x);
        double *ad = malloc(k * k * sizeof *ad), *bd = malloc(k * sizeof *bd);
        double *xd = malloc(k * sizeof *xd), *l = malloc(k * k * sizeof *l);
        als_ref(&c, ad, bd);
        double kappa = small_cond(ad, k), tol = 4 * (1 + sqrt((double)k)) * U * kappa;
        /* warm start: a random point */
        fill_normal(&r, x, k, 0.1);
        for (size_t i = 0; i < k; i++)
            xd[i] = x[i];
        trec_als_solve_cg(c.yty, k, c.reg, &rows, 3, work, x);
        ref_cg(ad, bd, k, 3, xd);
        double e3 = rel_diff(x, xd, k);
        /* converged */
        trec_als_solve_cg(c.yty, k, c.reg, &rows, (int)(3 * k), work, x);
        memcpy(l, ad, k * k * sizeof *l);
        ck_assert(ref_chol(l, k));
        memcpy(xd, bd, k * sizeof *xd);
        ref_solve(l, k, xd);
        double ec = rel_diff(x, xd, k);
        if (getenv("TREC_TEST_VERBOSE"))
            printf("cg k=%zu n=%zu kappa=%.3g 3-step %.3g converged %.3g (tol %.3g)\n",
                   k, n, kappa, e3, ec, tol);
        bad += e3 > tol;
        bad += ec > tol;
        free(work);
        free(x);
        free(ad);
        free(bd);
        free(xd);
        free(l);
        als_free(&c);
    }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* Rows of weight 0 in A and b change nothing; no rows gives x = 0; an
 * exact start (b = 0, x = 0) stays put; rows by index or by position
 * give the same bytes. */
START_TEST(als_edge_cases)
{
    trec_rng r;
    trec_rng_seed(&r, 8);
    size_t k = 37;
    als_case c = als_make(&r, k, 12);
    float *work = malloc(k * k * sizeof *work), *x1 = malloc(k * sizeof *x1);
    float *x2 = malloc(k * sizeof *x2), *g = malloc(12 * (k + 1) * sizeof *g);
    trec_error err;

    /* zero-weight rows appended: CG identical in value, exact within bounds */
    trec_als_rows rows = als_rows(&c);
    rows.n = 8;
    memset(x1, 0, k * sizeof *x1);
    trec_als_solve_cg(c.yty, k, c.reg, &rows, 3, work, x1);
    for (size_t j = 8; j < 12; j++)
        c.c[j] = c.d[j] = 0;
    rows.n = 12;
    memset(x2, 0, k * sizeof *x2);
    trec_als_solve_cg(c.yty, k, c.reg, &rows, 3, work, x2);
    for (size_t i = 0; i < k; i++)
        ck_assert(x1[i] == x2[i]);

    /* no rows: x = 0 from any start, both solvers */
    rows.n = 0;
    for (size_t i = 0; i < k; i++)
        x1[i] = x2[i] = 1;
    trec_als_solve_cg(c.yty, k, c.reg, &rows, 3, work, x1);
    ck_assert_int_eq(trec_als_solve_exact(c.yty, k, c.reg, &rows, work, x2, &err), 0);
    for (size_t i = 0; i < k; i++)
        ck_assert(x1[i] == 0 && x2[i] == 0);

    /* b = 0 (no d) and x = 0: the residual is 0, CG stops at once */
    rows = als_rows(&c);
    rows.d = NULL;
    memset(x1, 0, k * sizeof *x1);
    trec_als_solve_cg(c.yty, k, c.reg, &rows, 3, work, x1);
    for (size_t i = 0; i < k; i++)
        ck_assert(x1[i] == 0);
    /* c NULL: A = YtY + reg I */
    rows = als_rows(&c);
    rows.c = NULL;
    ck_assert_int_eq(trec_als_solve_exact(c.yty, k, c.reg, &rows, work, x1, &err), 0);
    ck_assert(isfinite(x1[0]));

    /* gathered rows with idx NULL: the same bytes */
    rows = als_rows(&c);
    for (size_t j = 0; j < 12; j++)
        memcpy(g + j * (k + 1), c.y + c.idx[j] * (k + 1), k * sizeof *g);
    trec_als_rows gathered = rows;
    gathered.y = g;
    gathered.idx = NULL;
    ck_assert_int_eq(trec_als_solve_exact(c.yty, k, c.reg, &rows, work, x1, &err), 0);
    ck_assert_int_eq(trec_als_solve_exact(c.yty, k, c.reg, &gathered, work, x2, &err), 0);
    ck_assert(memcmp(x1, x2, k * sizeof *x1) == 0);
    memset(x1, 0, k * sizeof *x1);
    memset(x2, 0, k * sizeof *x2);
    trec_als_solve_cg(c.yty, k, c.reg, &rows, 3, work, x1);
    trec_als_solve_cg(c.yty, k, c.reg, &gathered, 3, work, x2);
    ck_assert(memcmp(x1, x2, k * sizeof *x1) == 0);

    /* a negative weight making A indefinite: the exact solver says so */
    c.c[0] = -1e6f;
    ck_assert_int_eq(trec_als_solve_exact(c.yty, k, c.reg, &rows, work, x1, &err), -1);
    ck_assert(strstr(err.msg, "not positive definite") != NULL);

    free(work);
    free(x1);
    free(x2);
    free(g);
    als_free(&c);
}
END_TEST
static Suite *linalg_suite(void)
{
    Suite *s = suite_create("linalg");
    TCase *tc = tcase_create("spd");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, spd_inverse_sizes);
    tcase_add_test(tc, spd_inverse_blocks);
    tcase_add_test(tc, spd_inverse_ill_conditioned);
    tcase_add_test(tc, spd_inverse_not_positive_definite);
    tcase_add_test(tc, spd_inverse_thread_independent);
    tcase_add_test(tc, spd_inverse_bytes);
    suite_add_tcase(s, tc);
    tc = tcase_create("small");
    tcase_add_test(tc, small_vector_helpers);
    tcase_add_test(tc, small_cholesky);
    tcase_add_test(tc, small_cholesky_not_positive_definite);
    tcase_add_test(tc, als_build_matches_reference);
    tcase_add_test(tc, als_exact_solve);
    tcase_add_test(tc, als_cg_solve);
    tcase_add_test(tc, als_edge_cases);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(linalg_suite)
