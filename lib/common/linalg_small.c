/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* linalg_small.c - k x k kernels for ALS (k ~ 8..256, called millions of
 * times): vector helpers, Cholesky factor and solve, the explicit
 * normal-equation build and the implicit conjugate-gradient solve.
 *
 * Vectorisation. The build is -O2 for any x86-64. At -O2 GCC's vectorizer
 * only takes loops whose trip count it knows, and never reassociates a
 * float sum, so plain loops stay scalar here. The hot loops are therefore
 * written on 8-float vectors (GCC vector extensions; two SSE registers on
 * baseline x86-64, one AVX register otherwise), with a fixed summation
 * order, and every exported kernel is built twice by target_clones:
 * x86-64-v3 (AVX2 + FMA) and the baseline, picked once per process by the
 * CPU. -std=c11 turns GCC's FMA contraction off; the pragma below turns it
 * back on for this file so the AVX2 clone uses FMA (the baseline has no
 * FMA). Results are thus reproducible on one machine, and may differ in
 * the last bits between a machine with AVX2 and one without. */
#include "linalg.h"

#include <math.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif
/* The static helpers below pass 8-float vectors by value; they are always
 * inlined into the kernels, so the AVX calling-convention note is moot. */
#if defined(__GNUC__) /* GCC and clang */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#if defined(__x86_64__) && !defined(TREC_NO_CLONES)
#define TREC_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TREC_CLONES
#endif

/* Helpers must be inlined into each clone to be compiled for its target. */
#define INLINE static inline __attribute__((always_inline))

typedef float v8f __attribute__((vector_size(32)));

INLINE v8f ld8(const float *p)
{
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void st8(float *p, v8f v)
{
    memcpy(p, &v, sizeof v);
}

INLINE v8f splat8(float a)
{
    return (v8f){a, a, a, a, a, a, a, a};
}

/* Horizontal sum in a fixed order (the same in both clones):
 * ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7)), by halves. */
INLINE float hsum8(v8f v)
{
    typedef float v4f __attribute__((vector_size(16)));
    v4f h = __builtin_shufflevector(v, v, 0, 1, 2, 3) +
            __builtin_shufflevector(v, v, 4, 5, 6, 7);
    v4f q = h + __builtin_shufflevector(h, h, 2, 3, 2, 3);
    return q[0] + q[1];
}

INLINE float dot_in(const float *x, const float *y, size_t k)
{
    v8f a0 = splat8(0), a1 = splat8(0);
    size_t i = 0;
    /* two accumulators: the FMA latency, not the loads, bounds one */
    for (; i + 16 <= k; i += 16) {
        a0 += ld8(x + i) * ld8(y + i);
        a1 += ld8(x + i + 8) * ld8(y + i + 8);
    }
    if (i + 8 <= k) {
        a0 += ld8(x + i) * ld8(y + i);
        i += 8;
    }
    float s = hsum8(a0 + a1);
    for (; i < k; i++)
        s += x[i] * y[i];
    return s;
}

/* y[i] = x[i] + a * y[i]. */
INLINE void xpay_in(const float *x, float a, float *y, size_t k)
{
    v8f va = splat8(a);
    size_t i = 0;
    for (; i + 8 <= k; i += 8)
        st8(y + i, ld8(x + i) + va * ld8(y + i));
    for (; i < k; i++)
        y[i] = x[i] + a * y[i];
}

INLINE void axpy_in(float a, const float *x, float *y, size_t k)
{
    v8f va = splat8(a);
    size_t i = 0;
    for (; i + 8 <= k; i += 8)
        st8(y + i, ld8(y + i) + va * ld8(x + i));
    for (; i < k; i++)
        y[i] += a * x[i];
}

/* out[q] = dot(r[q], x) for four rows r[0..3] sharing the loads of x. */
INLINE void dot4_in(const float *const r[4], const float *x, size_t k,
                    float out[4])
{
    v8f a0 = splat8(0), a1 = splat8(0), a2 = splat8(0), a3 = splat8(0);
    size_t i = 0;
    for (; i + 8 <= k; i += 8) {
        v8f vx = ld8(x + i);
        a0 += ld8(r[0] + i) * vx;
        a1 += ld8(r[1] + i) * vx;
        a2 += ld8(r[2] + i) * vx;
        a3 += ld8(r[3] + i) * vx;
    }
    out[0] = hsum8(a0);
    out[1] = hsum8(a1);
    out[2] = hsum8(a2);
    out[3] = hsum8(a3);
    for (; i < k; i++)
        for (int q = 0; q < 4; q++)
            out[q] += r[q][i] * x[i];
}

INLINE void symv_in(const float *a, size_t k, size_t lda, const float *x,
                    float *y)
{
    size_t i = 0;
    for (; i + 4 <= k; i += 4) {
        const float *r[4] = {a + i * lda, a + (i + 1) * lda, a + (i + 2) * lda,
                             a + (i + 3) * lda};
        dot4_in(r, x, k, y + i);
    }
    for (; i < k; i++)
        y[i] = dot_in(a + i * lda, x, k);
}

TREC_CLONES
float trec_dot(const float *x, const float *y, size_t k)
{
    return dot_in(x, y, k);
}

TREC_CLONES
void trec_axpy(float a, const float *x, float *y, size_t k)
{
    axpy_in(a, x, y, k);
}

TREC_CLONES
void trec_symv(const float *a, size_t k, size_t lda, const float *x, float *y)
{
    symv_in(a, k, lda, x, y);
}

/* ---- Cholesky ----------------------------------------------------------- */

/* Right-looking by panels of 4 columns, so that the O(k^3) part is one
 * vectorised rank-4 update of contiguous rows instead of k^2/2 short dot
 * products, each ending in a horizontal sum (that dot-product form was
 * 3-4x slower for k = 32..128 in linalg-bench). The
 * panel's columns are strided in a row-major lower triangle, so they are
 * staged in contiguous buffers of CHOL_SEG rows, after CHOL_PAD zeros. */
#define CHOL_W 4
#define CHOL_SEG 256
#define CHOL_PAD 8

typedef float chol_stage[CHOL_W][CHOL_PAD + CHOL_SEG];

/* Factors the w x w diagonal block at a (lda) in place, the updates of
 * the previous panels applied. Returns w, or the index of a pivot that is
 * not positive (or NaN) with its value in *bad. */
INLINE size_t chol_diag(float *a, size_t lda, size_t w, float *bad)
{
    for (size_t q = 0; q < w; q++) {
        float *aq = a + q * lda;
        for (size_t r = 0; r < q; r++) {
            const float *ar = a + r * lda;
            float s = aq[r];
            for (size_t t = 0; t < r; t++)
                s -= aq[t] * ar[t];
            aq[r] = s / ar[r];
        }
        float d = aq[q];
        for (size_t t = 0; t < q; t++)
            d -= aq[t] * aq[t];
        if (!(d > 0)) { /* also catches NaN */
            *bad = d;
            return q;
        }
        aq[q] = sqrtf(d);
    }
    return w;
}

/* Rows lo..hi-1 (hi - lo <= CHOL_SEG), columns p..p+3, to or from c. */
INLINE void chol_stage_rows(float *a, size_t lda, size_t p, size_t lo, size_t hi,
                            chol_stage c, int to_stage)
{
    for (size_t i = lo; i < hi; i++)
        for (size_t q = 0; q < CHOL_W; q++) {
            float *e = &a[i * lda + p + q], *s = &c[q][CHOL_PAD + i - lo];
            if (to_stage)
                *s = *e;
            else
                *e = *s;
        }
}

/* The panel below the factored diagonal block d (lda): each staged row
 * solves x L_d^T = row, lanes of 8 rows at a time (the lanes past the
 * last row compute on stale values and are never stored). */
INLINE void chol_panel(const float *d, size_t lda, size_t rows, chol_stage c)
{
    const float *d1 = d + lda, *d2 = d + 2 * lda, *d3 = d + 3 * lda;
    for (size_t j = CHOL_PAD; j < CHOL_PAD + rows; j += 8) {
        v8f x0 = ld8(c[0] + j) / splat8(d[0]);
        v8f x1 = (ld8(c[1] + j) - x0 * splat8(d1[0])) / splat8(d1[1]);
        v8f x2 = (ld8(c[2] + j) - x0 * splat8(d2[0]) - x1 * splat8(d2[1])) /
                 splat8(d2[2]);
        v8f x3 = (ld8(c[3] + j) - x0 * splat8(d3[0]) - x1 * splat8(d3[1]) -
                  x2 * splat8(d3[2])) / splat8(d3[3]);
        st8(c[0] + j, x0);
        st8(c[1] + j, x1);
        st8(c[2] + j, x2);
        st8(c[3] + j, x3);
    }
}

/* ai[j] -= sum_q s[q] L[j][p+q] for j in j0..e-1, from the staged columns
 * (row j at c[q][CHOL_PAD + j - j0]). Chunks of 8 end at e, so row i's
 * chunks never pass its diagonal; the leftmost may start below j0, where
 * the staged values are the zero padding and ai is stored unchanged. */
INLINE void chol_rank4_row(float *ai, const chol_stage c, const float s[CHOL_W],
                           size_t j0, size_t e)
{
    v8f s0 = splat8(s[0]), s1 = splat8(s[1]), s2 = splat8(s[2]), s3 = splat8(s[3]);
    size_t end = e;
    for (; end > j0 && end >= 8; end -= 8) {
        size_t o = CHOL_PAD + end - 8 - j0;
        v8f t = (s0 * ld8(c[0] + o) + s1 * ld8(c[1] + o)) +
                (s2 * ld8(c[2] + o) + s3 * ld8(c[3] + o));
        st8(ai + end - 8, ld8(ai + end - 8) - t);
    }
    for (size_t j = j0; j < end; j++) { /* only at the matrix's first rows */
        size_t o = CHOL_PAD + j - j0;
        ai[j] -= (s[0] * c[0][o] + s[1] * c[1][o]) + (s[2] * c[2][o] + s[3] * c[3][o]);
    }
}

/* One panel step at column p (p + 4 < k): the panel of rows p+4..k-1,
 * then the trailing lower triangle minus the panel's rank-4 product. */
INLINE void chol_step(float *a, size_t k, size_t lda, size_t p, chol_stage c)
{
    size_t first = p + CHOL_W;
    for (size_t lo = first; lo < k; lo += CHOL_SEG) {
        size_t hi = k - lo < CHOL_SEG ? k : lo + CHOL_SEG;
        chol_stage_rows(a, lda, p, lo, hi, c, 1);
        chol_panel(a + p * lda + p, lda, hi - lo, c);
        chol_stage_rows(a, lda, p, lo, hi, c, 0);
    }
    for (size_t j0 = first; j0 < k; j0 += CHOL_SEG) {
        size_t j1 = k - j0 < CHOL_SEG ? k : j0 + CHOL_SEG;
        if (k - first > CHOL_SEG) /* else c still holds this segment */
            chol_stage_rows(a, lda, p, j0, j1, c, 1);
        for (size_t i = j0; i < k; i++) {
            float *ai = a + i * lda;
            chol_rank4_row(ai, c, ai + p, j0, i + 1 < j1 ? i + 1 : j1);
        }
    }
}

TREC_CLONES
size_t trec_chol_lower(float *a, size_t k, size_t lda, float *bad_value)
{
    chol_stage c; /* zeroed where used: the padding must stay 0 */
    size_t used = CHOL_PAD + ((k < CHOL_SEG ? k : CHOL_SEG) + 7) / 8 * 8;
    for (size_t q = 0; q < CHOL_W; q++)
        memset(c[q], 0, used * sizeof c[q][0]);
    float bad = 0;
    for (size_t p = 0; p < k; p += CHOL_W) {
        size_t w = k - p < CHOL_W ? k - p : CHOL_W;
        size_t r = chol_diag(a + p * lda + p, lda, w, &bad);
        if (r < w) {
            if (bad_value)
                *bad_value = bad;
            return p + r;
        }
        if (p + w < k)
            chol_step(a, k, lda, p, c);
    }
    return k;
}

int trec_chol_factor(float *a, size_t k, size_t lda, trec_error *err)
{
    float v = 0;
    size_t i = trec_chol_lower(a, k, lda, &v);
    if (i < k)
        return trec_fail(err, "matrix is not positive definite: pivot %zu is %g",
                         i, (double)v);
    return 0;
}

TREC_CLONES
void trec_chol_solve(const float *l, size_t k, size_t lda, float *x)
{
    for (size_t i = 0; i < k; i++) { /* L z = b */
        const float *li = l + i * lda;
        x[i] = (x[i] - dot_in(li, x, i)) / li[i];
    }
    for (size_t i = k; i-- > 0;) { /* L^T x = z, by columns of L^T */
        const float *li = l + i * lda;
        x[i] /= li[i];
        axpy_in(-x[i], li, x, i);
    }
}

/* ---- ALS ---------------------------------------------------------------- */

INLINE const float *row_of(const trec_als_rows *rows, size_t j)
{
    size_t r = rows->idx ? rows->idx[j] : j;
    return rows->y + r * rows->ldy;
}

INLINE float weight_of(const float *w, size_t j)
{
    return w ? w[j] : 0.0f;
}

/* Rows of Y staged at a time by trec_als_build (a multiple of 4). */
#define BUILD_BATCH 16

/* A (lower part, k x k) += sum_q c_q y_q y_q^T for four rows y_q: one
 * pass over A's rows with the four rows' pointers and weights in
 * registers. Row i is computed up to the end of the 8-float vector
 * holding the diagonal (capped at k) rather than up to the diagonal
 * itself: whole vectors, no scalar tail (the extra entries are upper-
 * triangle ones, which the contract leaves unspecified). */
INLINE void build_rank4(float *a, size_t k, const float *const y[4], const float c[4])
{
    for (size_t i = 0; i < k; i++) {
        float *ai = a + i * k;
        float s0 = c[0] * y[0][i], s1 = c[1] * y[1][i];
        float s2 = c[2] * y[2][i], s3 = c[3] * y[3][i];
        v8f v0 = splat8(s0), v1 = splat8(s1), v2 = splat8(s2), v3 = splat8(s3);
        size_t len = (i + 8) / 8 * 8, p = 0;
        len = len < k ? len : k;
        for (; p + 8 <= len; p += 8) {
            v8f t = (v0 * ld8(y[0] + p) + v1 * ld8(y[1] + p)) +
                    (v2 * ld8(y[2] + p) + v3 * ld8(y[3] + p));
            st8(ai + p, ld8(ai + p) + t);
        }
        for (; p < len; p++)
            ai[p] += (s0 * y[0][p] + s1 * y[1][p]) + (s2 * y[2][p] + s3 * y[3][p]);
    }
}

TREC_CLONES
void trec_als_build(const float *yty, size_t k, float reg,
                    const trec_als_rows *rows, float *a, float *b)
{
    for (size_t i = 0; i < k; i++) {
        size_t len = (i + 8) / 8 * 8;
        memcpy(a + i * k, yty + i * k, (len < k ? len : k) * sizeof *a);
        a[i * k + i] += reg;
    }
    memset(b, 0, k * sizeof *b);
    for (size_t j0 = 0; j0 < rows->n; j0 += BUILD_BATCH) {
        const float *y[BUILD_BATCH];
        float c[BUILD_BATCH];
        size_t nb = rows->n - j0 < BUILD_BATCH ? rows->n - j0 : BUILD_BATCH;
        for (size_t q = 0; q < nb; q++) {
            y[q] = row_of(rows, j0 + q);
            c[q] = weight_of(rows->c, j0 + q);
            axpy_in(weight_of(rows->d, j0 + q), y[q], b, k);
        }
        for (; nb % 4; nb++) { /* pad with weight-0 terms (adding +-0) */
            y[nb] = y[0];
            c[nb] = 0;
        }
        if (rows->c)
            for (size_t g = 0; g < nb; g += 4)
                build_rank4(a, k, y + g, c + g);
    }
}

int trec_als_solve_exact(const float *yty, size_t k, float reg,
                         const trec_als_rows *rows, float *work, float *x,
                         trec_error *err)
{
    if (rows->n == 0) {
        memset(x, 0, k * sizeof *x);
        return 0;
    }
    trec_als_build(yty, k, reg, rows, work, x);
    if (trec_chol_factor(work, k, k, err) != 0)
        return -1;
    trec_chol_solve(work, k, k, x);
    return 0;
}

/* r = b - A x = sum_j (d_j - c_j y_j.x) y_j - (YtY + reg I) x. */
INLINE void cg_residual(const float *yty, size_t k, float reg,
                        const trec_als_rows *rows, const float *x, float *r)
{
    symv_in(yty, k, k, x, r);
    axpy_in(reg, x, r, k);
    for (size_t i = 0; i < k; i++)
        r[i] = -r[i];
    for (size_t j = 0; j < rows->n; j++) {
        const float *y = row_of(rows, j);
        float c = weight_of(rows->c, j);
        float t = weight_of(rows->d, j) - (c != 0 ? c * dot_in(y, x, k) : 0.0f);
        axpy_in(t, y, r, k);
    }
}

/* ap = A p = (YtY + reg I) p + sum_j c_j (y_j.p) y_j. */
INLINE void cg_apply(const float *yty, size_t k, float reg,
                     const trec_als_rows *rows, const float *p, float *ap)
{
    symv_in(yty, k, k, p, ap);
    axpy_in(reg, p, ap, k);
    if (!rows->c)
        return;
    for (size_t j = 0; j < rows->n; j++) {
        const float *y = row_of(rows, j);
        if (rows->c[j] != 0)
            axpy_in(rows->c[j] * dot_in(y, p, k), y, ap, k);
    }
}

/* The CG iteration of Hu, Koren & Volinsky's ALS as implicit's
 * least_squares_cg runs it (same update order and the same absolute 1e-20
 * stopping threshold on r.r), on float vectors. */
TREC_CLONES
void trec_als_solve_cg(const float *yty, size_t k, float reg,
                       const trec_als_rows *rows, int steps, float *work,
                       float *x)
{
    if (rows->n == 0) {
        memset(x, 0, k * sizeof *x);
        return;
    }
    float *r = work, *p = work + k, *ap = work + 2 * k;
    cg_residual(yty, k, reg, rows, x, r);
    memcpy(p, r, k * sizeof *p);
    float rs = dot_in(r, r, k);
    for (int it = 0; it < steps && rs >= 1e-20f; it++) {
        cg_apply(yty, k, reg, rows, p, ap);
        float pap = dot_in(p, ap, k);
        if (!(pap > 0))
            break;
        float alpha = rs / pap;
        axpy_in(alpha, p, x, k);
        axpy_in(-alpha, ap, r, k);
        float rs_new = dot_in(r, r, k);
        if (rs_new < 1e-20f)
            break;
        xpay_in(r, rs_new / rs, p, k);
        rs = rs_new;
    }
}
