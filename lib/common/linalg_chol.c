/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* linalg_chol.c - the inverse of a large SPD matrix in place (EASE), as
 * LAPACK's spotrf + spotri do it, on BLIS level-3 calls:
 *
 *   1. Cholesky G = L L^T, right-looking by blocks of columns: factor the
 *      diagonal block (trec_chol_lower), trsm the panel below it, syrk the
 *      trailing matrix;                                         n^3/3 flops
 *   2. L := L^-1 by blocks from the bottom right (trmm with the already
 *      inverted trailing part, trsm with the diagonal block);   n^3/3
 *   3. P = L^-T L^-1 in the lower triangle by blocks from the top (trmm,
 *      gemm, syrk), as LAPACK's slauum;                          n^3/3
 *   4. the upper triangle mirrored from the lower.
 *
 * Row-major lower triangle throughout: BLIS takes any strides (rs = n,
 * cs = 1), so no transposition is needed. The only scratch is the saved
 * diagonal (n floats, to restore G when it is not positive definite) and
 * one block row of doubles for the unblocked diagonal-block kernels.
 *
 * Threading and determinism: given a thread count, BLIS 0.9 factors it
 * over the m and n loops of its level-3 algorithms (JC, IC, JR, IR) and
 * sets the k loop's ways (PC) to 1, for the conventional and the "sup"
 * small-matrix paths alike (bli_rntm_set_ways_from_rntm{,_sup}), and a
 * right-side trsm is split over rows of B only, which are independent.
 * No sum is split between threads, so each element sees the same
 * operations in the same order whatever the thread count. The unit tests
 * check bit equality of 1 and 2 threads; threads 1 to 4 were also
 * compared on BLIS's generic, haswell and zen3 kernels (n = 333, 800,
 * 1500; blocks 48, 128, 256): no difference. */
#include "linalg.h"

#include <blis.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct spd_ctx {
    float *g;
    size_t n, block;
    rntm_t rntm;
    double *tmp; /* block doubles */
} spd_ctx;

static float *at(const spd_ctx *c, size_t i, size_t j)
{
    return c->g + i * c->n + j;
}

size_t trec_spd_inverse_bytes(size_t n, int threads)
{
    size_t nt = threads > 1 ? (size_t)threads : 1;
    if (n && n > SIZE_MAX / sizeof(float) / n)
        return SIZE_MAX;
    size_t matrix = n * n * sizeof(float);
    size_t scratch = n * sizeof(float) + TREC_SPD_INVERSE_BLOCK * sizeof(double);
    /* BLIS packs an MC x KC block of A per thread and a KC x NC panel of
     * B per thread group; count both per thread (an upper estimate). */
    cntx_t *cntx = bli_gks_query_cntx();
    size_t mc = (size_t)bli_cntx_get_blksz_max_dt(BLIS_FLOAT, BLIS_MC, cntx);
    size_t kc = (size_t)bli_cntx_get_blksz_max_dt(BLIS_FLOAT, BLIS_KC, cntx);
    size_t nc = (size_t)bli_cntx_get_blksz_max_dt(BLIS_FLOAT, BLIS_NC, cntx);
    size_t pack = nt * (mc * kc + kc * nc) * sizeof(float);
    if (matrix > SIZE_MAX - scratch - pack)
        return SIZE_MAX;
    return matrix + scratch + pack;
}

/* ---- 1. Cholesky ---------------------------------------------------- */

/* Puts back G from its untouched strict upper triangle and the saved
 * diagonal, after a failed factorization. */
static void restore_lower(spd_ctx *c, const float *diag)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = 0; j < i; j++)
            *at(c, i, j) = *at(c, j, i);
        *at(c, i, i) = diag[i];
    }
}

static int cholesky(spd_ctx *c, trec_error *err)
{
    size_t n = c->n;
    float one = 1.0f, minus_one = -1.0f;
    for (size_t j = 0; j < n; j += c->block) {
        size_t jb = n - j < c->block ? n - j : c->block, m = n - j - jb;
        float v = 0;
        size_t bad = trec_chol_lower(at(c, j, j), jb, n, &v);
        if (bad < jb)
            return trec_fail(err, "matrix is not positive definite: pivot %zu "
                             "(0-based, of %zu) is %g", j + bad, n, (double)v);
        if (m == 0)
            break;
        /* L21 = A21 L11^-T, then A22 -= L21 L21^T (lower triangle only) */
        bli_strsm_ex(BLIS_RIGHT, BLIS_LOWER, BLIS_TRANSPOSE, BLIS_NONUNIT_DIAG,
                     (dim_t)m, (dim_t)jb, &one, at(c, j, j), (inc_t)n, 1,
                     at(c, j + jb, j), (inc_t)n, 1, NULL, &c->rntm);
        bli_ssyrk_ex(BLIS_LOWER, BLIS_NO_TRANSPOSE, (dim_t)m, (dim_t)jb, &minus_one,
                     at(c, j + jb, j), (inc_t)n, 1, &one, at(c, j + jb, j + jb),
                     (inc_t)n, 1, NULL, &c->rntm);
    }
    return 0;
}

/* ---- 2. triangular inverse ------------------------------------------ */

/* Inverts the lower-triangular b x b block at a (lda) in place, row by
 * row: row i of L^-1 is -(1/l_ii) sum_{p<i} l_ip (row p of L^-1), with
 * the sum in doubles (tmp) so row i of L can be read while it is built. */
static void trtri_block(float *a, size_t b, size_t lda, double *tmp)
{
    for (size_t i = 0; i < b; i++) {
        float *li = a + i * lda;
        memset(tmp, 0, i * sizeof *tmp);
        for (size_t p = 0; p < i; p++) {
            const float *xp = a + p * lda;
            double s = li[p];
            for (size_t q = 0; q <= p; q++)
                tmp[q] += s * xp[q];
        }
        double inv = 1.0 / li[i];
        for (size_t q = 0; q < i; q++)
            li[q] = (float)(-inv * tmp[q]);
        li[i] = (float)inv;
    }
}

static void invert_factor(spd_ctx *c)
{
    size_t n = c->n, nb = (n + c->block - 1) / c->block;
    float one = 1.0f, minus_one = -1.0f;
    for (size_t bi = nb; bi-- > 0;) {
        size_t j = bi * c->block, jb = n - j < c->block ? n - j : c->block;
        size_t m = n - j - jb;
        if (m > 0) {
            /* X21 = -X22 L21 L11^-1, X22 = L22^-1 already in place */
            bli_strmm_ex(BLIS_LEFT, BLIS_LOWER, BLIS_NO_TRANSPOSE, BLIS_NONUNIT_DIAG,
                         (dim_t)m, (dim_t)jb, &one, at(c, j + jb, j + jb), (inc_t)n,
                         1, at(c, j + jb, j), (inc_t)n, 1, NULL, &c->rntm);
            bli_strsm_ex(BLIS_RIGHT, BLIS_LOWER, BLIS_NO_TRANSPOSE, BLIS_NONUNIT_DIAG,
                         (dim_t)m, (dim_t)jb, &minus_one, at(c, j, j), (inc_t)n, 1,
                         at(c, j + jb, j), (inc_t)n, 1, NULL, &c->rntm);
        }
        trtri_block(at(c, j, j), jb, n, c->tmp);
    }
}

/* ---- 3. P = L^-T L^-1 ----------------------------------------------- */

/* The lower triangle of X^T X for the lower-triangular b x b block X at a
 * (lda), in place: row i of the result is sum_{p>=i} x_pi (row p of X,
 * columns 0..i), built in doubles (tmp) from rows not yet overwritten. */
static void lauum_block(float *a, size_t b, size_t lda, double *tmp)
{
    for (size_t i = 0; i < b; i++) {
        memset(tmp, 0, (i + 1) * sizeof *tmp);
        for (size_t p = i; p < b; p++) {
            const float *xp = a + p * lda;
            double s = xp[i];
            for (size_t q = 0; q <= i; q++)
                tmp[q] += s * xp[q];
        }
        float *ri = a + i * lda;
        for (size_t q = 0; q <= i; q++)
            ri[q] = (float)tmp[q];
    }
}

static void multiply_inverse(spd_ctx *c)
{
    size_t n = c->n;
    float one = 1.0f;
    for (size_t i = 0; i < n; i += c->block) {
        size_t ib = n - i < c->block ? n - i : c->block, m = n - i - ib;
        /* row strip left of the diagonal block: X_ii^T X_i0 */
        if (i > 0)
            bli_strmm_ex(BLIS_LEFT, BLIS_LOWER, BLIS_TRANSPOSE, BLIS_NONUNIT_DIAG,
                         (dim_t)ib, (dim_t)i, &one, at(c, i, i), (inc_t)n, 1,
                         at(c, i, 0), (inc_t)n, 1, NULL, &c->rntm);
        lauum_block(at(c, i, i), ib, n, c->tmp);
        if (m == 0)
            break;
        /* plus the rows below: X_ki^T X_k0 and X_ki^T X_ki over k > i */
        if (i > 0)
            bli_sgemm_ex(BLIS_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)ib, (dim_t)i,
                         (dim_t)m, &one, at(c, i + ib, i), (inc_t)n, 1,
                         at(c, i + ib, 0), (inc_t)n, 1, &one, at(c, i, 0), (inc_t)n,
                         1, NULL, &c->rntm);
        bli_ssyrk_ex(BLIS_LOWER, BLIS_TRANSPOSE, (dim_t)ib, (dim_t)m, &one,
                     at(c, i + ib, i), (inc_t)n, 1, &one, at(c, i, i), (inc_t)n, 1,
                     NULL, &c->rntm);
    }
}

/* ---- 4. mirror ------------------------------------------------------ */

/* Copies the strict lower triangle onto the upper one by 64 x 64 tiles
 * (so both sides stay in cache) and reports whether all is finite. */
static int mirror_lower(spd_ctx *c)
{
    const size_t t = 64;
    size_t n = c->n;
    int finite = 1;
    for (size_t i0 = 0; i0 < n; i0 += t) {
        size_t i1 = n - i0 < t ? n : i0 + t;
        for (size_t j0 = 0; j0 <= i0; j0 += t)
            for (size_t i = i0; i < i1; i++) {
                size_t j1 = j0 + t < i ? j0 + t : i;
                for (size_t j = j0; j < j1; j++)
                    *at(c, j, i) = *at(c, i, j);
            }
        for (size_t i = i0; i < i1; i++)
            for (size_t j = 0; j <= i; j++)
                finite &= isfinite(*at(c, i, j)) != 0;
    }
    return finite;
}

int trec_spd_inverse_ex(float *g, size_t n, size_t block, int threads,
                        trec_error *err)
{
    if (n == 0)
        return 0;
    if (!g || block == 0)
        return trec_fail(err, "spd inverse: %s", g ? "block size 0" : "no matrix");
    if (n > SIZE_MAX / sizeof(float) / n)
        return trec_fail(err, "spd inverse: %zu x %zu matrix too large", n, n);
    spd_ctx c = {.g = g, .n = n, .block = block < n ? block : n};
    float *diag = trec_malloc(n * sizeof *diag, err);
    c.tmp = diag ? trec_malloc(c.block * sizeof *c.tmp, err) : NULL;
    if (!c.tmp) {
        free(diag);
        return -1;
    }
    bli_rntm_init(&c.rntm);
    bli_rntm_set_num_threads(threads > 1 ? threads : 1, &c.rntm);
    for (size_t i = 0; i < n; i++)
        diag[i] = *at(&c, i, i);
    int rc = cholesky(&c, err);
    if (rc != 0) {
        restore_lower(&c, diag);
    } else {
        invert_factor(&c);
        multiply_inverse(&c);
        if (!mirror_lower(&c))
            rc = trec_fail(err, "spd inverse of a %zu x %zu matrix overflowed: the "
                           "matrix is singular to float precision", n, n);
    }
    free(diag);
    free(c.tmp);
    return rc;
}

int trec_spd_inverse(float *g, size_t n, int threads, trec_error *err)
{
    return trec_spd_inverse_ex(g, n, TREC_SPD_INVERSE_BLOCK, threads, err);
}
