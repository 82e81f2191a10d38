/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* score_factors.c - the factors scorer: block scores with BLIS sgemm (see
 * score.h). */
#include <blis.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algorithm.h" /* fold-in settings: the model's algorithm's */
#include "linalg.h"
#include "parallel.h"
#include "score_kind.h"

/* TensorRec's constants: l2_normalize's epsilon on the squared norm, and the
 * floor of the squared distance in its Euclidean prediction graph. */
#define COS_EPS 1e-12
#define EUC_EPS 1e-16f

typedef struct factors {
    float *owned_q;               /* fold-in: the computed query rows */
    uint32_t predict;             /* enum trec_predict */
    uint64_t k;                   /* components */
    const float *q_repr, *t_repr; /* n x k, row-major */
    const float *q_bias, *t_bias; /* n, or NULL for no bias */
    float *q_aux, *t_aux;         /* cosine: 1/norm; euclidean: squared norm */
} factors;

/* A block's query rows: gathered, or the scorer's own when they are a run. */
typedef struct block {
    float *repr;                  /* cap x k */
    const float *rows;
} block;

static const trec_scorer_ops factors_ops;

/* Per-row auxiliary values: 1/norm for cosine, squared norm for Euclidean. */
static float *row_aux(uint32_t predict, const float *repr, uint64_t n, uint64_t k,
                      trec_error *err)
{
    if (predict == TREC_PREDICT_DOT)
        return NULL;
    float *aux = trec_malloc((n ? n : 1) * sizeof *aux, err);
    if (!aux)
        return NULL;
    for (uint64_t r = 0; r < n; r++) {
        double ss = 0;
        for (uint64_t c = 0; c < k; c++)
            ss += (double)repr[r * k + c] * repr[r * k + c];
        if (predict == TREC_PREDICT_COSINE)
            aux[r] = (float)(1.0 / sqrt(ss > COS_EPS ? ss : COS_EPS));
        else
            aux[r] = (float)ss;
    }
    return aux;
}

static void factors_free(trec_scorer *s)
{
    factors *f = s->state;
    if (f) {
        free(f->owned_q);
        free(f->q_aux);
        free(f->t_aux);
        free(f);
    }
}

int trec_scorer_factors(trec_scorer *s, uint32_t predict, uint64_t k,
                        const float *q_repr, const float *q_bias, uint64_t nq,
                        const float *t_repr, const float *t_bias, uint64_t nt,
                        trec_error *err)
{
    memset(s, 0, sizeof *s);
    if (predict >= TREC_PREDICT_COUNT)
        return trec_fail(err, "unknown prediction function %u", predict);
    if (k == 0)
        return trec_fail(err, "scoring needs at least one component");
    factors *f = trec_calloc(1, sizeof *f, err);
    if (!f)
        return -1;
    *f = (factors){.predict = predict, .k = k, .q_repr = q_repr, .t_repr = t_repr,
                   .q_bias = q_bias, .t_bias = t_bias};
    *s = (trec_scorer){.ops = &factors_ops, .nq = nq, .nt = nt, .state = f};
    if (predict != TREC_PREDICT_DOT) {
        f->q_aux = row_aux(predict, q_repr, nq, k, err);
        f->t_aux = f->q_aux ? row_aux(predict, t_repr, nt, k, err) : NULL;
        if (!f->q_aux || !f->t_aux) {
            trec_scorer_free(s);
            return -1;
        }
    }
    return 0;
}

static int for_users(trec_scorer *s, const trec_model *m, trec_error *err)
{
    return trec_scorer_factors(s, m->predict, m->k, m->user_repr, m->user_bias, m->n_users,
                               m->item_repr, m->item_bias, m->n_items, err);
}

/* Similar items: any prediction function on the item representations,
 * cosine by default (whatever the model predicts with). */
static int check_similarity(const trec_model *m, int similarity, trec_error *err)
{
    (void)m;
    if (similarity < -1 || similarity >= TREC_PREDICT_COUNT)
        return trec_fail(err, "unknown similarity %d", similarity);
    return 0;
}

static int for_items(trec_scorer *s, const trec_model *m, int similarity, trec_error *err)
{
    uint32_t predict = similarity >= 0 ? (uint32_t)similarity : TREC_PREDICT_COSINE;
    return trec_scorer_factors(s, predict, m->k, m->item_repr, NULL, m->n_items,
                               m->item_repr, NULL, m->n_items, err);
}

static int qblock_init(trec_qblock *b, const trec_scorer *s, trec_error *err)
{
    const factors *f = s->state;
    block *bl = trec_calloc(1, sizeof *bl, err);
    if (!bl)
        return -1;
    b->state = bl;
    bl->repr = trec_aligned_alloc((b->cap ? b->cap : 1) * f->k * sizeof(float), err);
    return bl->repr ? 0 : -1;
}

static void qblock_set(trec_qblock *b, const trec_scorer *s)
{
    const factors *f = s->state;
    block *bl = b->state;
    int run = 1;
    for (uint64_t r = 1; r < b->n && run; r++)
        run = b->idx[r] == b->idx[0] + r;
    /* A run of consecutive queries is used in place; others are gathered. */
    if (b->n > 0 && run) {
        bl->rows = f->q_repr + b->idx[0] * f->k;
        return;
    }
    for (uint64_t r = 0; r < b->n; r++)
        memcpy(bl->repr + r * f->k, f->q_repr + b->idx[r] * f->k, f->k * sizeof(float));
    bl->rows = bl->repr;
}

static void qblock_free(trec_qblock *b)
{
    block *bl = b->state;
    if (bl)
        free(bl->repr);
    free(bl);
}

/* out = rows (n x k) times targets [t0, t0+nt) transposed, single-threaded
 * and through BLIS's conventional (packed) path only: see score.h. */
static void gemm_block(const factors *f, const float *rows, uint64_t n, uint64_t t0,
                       uint64_t nt, float *out, uint64_t ldo)
{
    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    bli_rntm_set_num_threads(1, &rntm);
    bli_rntm_disable_l3_sup(&rntm);
    float one = 1.0f, zero = 0.0f;
    inc_t k = (inc_t)f->k;
    bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)n, (dim_t)nt, k, &one,
                 (float *)rows, k, 1, (float *)(f->t_repr + t0 * f->k), 1, k, &zero,
                 out, (inc_t)ldo, 1, NULL, &rntm);
}

/* Cosine and Euclidean: the prediction from the dot products, in place. */
static void predict_row(const factors *f, uint64_t q, uint64_t t0, float *row, uint64_t nt)
{
    float qa = f->q_aux[q];
    const float *ta = f->t_aux + t0;
    if (f->predict == TREC_PREDICT_COSINE) {
        for (uint64_t j = 0; j < nt; j++)
            row[j] = row[j] * qa * ta[j];
    } else {
        for (uint64_t j = 0; j < nt; j++) {
            float d = qa - 2.0f * row[j] + ta[j];
            /* NaN (overflow) must not fall to the floor: it is ranked last */
            row[j] = d != d ? d : -sqrtf(d > EUC_EPS ? d : EUC_EPS);
        }
    }
}

/* The scores of one row: v = (row + q bias) + target bias (+ 0 without
 * target biases: the same arithmetic, -0 included), NaN -> -infinity. */
static inline float finish(float v, float qb, float tb)
{
    v = v + qb + tb;
    return v != v ? -INFINITY : v;
}

/* Scores in chunks of CHUNK: the finishing arithmetic and the selection's
 * threshold test in one vectorisable loop; a scalar look only into the
 * (rare) chunks with a selected score. */
#define CHUNK 16

/* One chunk, finished in place; 1 if a score passes the test. */
static inline int finish_chunk(float *restrict p, const float *restrict tb, float qb, float th)
{
    int any = 0;
    for (int x = 0; x < CHUNK; x++) {
        p[x] = finish(p[x], qb, tb[x]);
        any |= !(p[x] <= th);
    }
    return any;
}

static inline int finish_chunk_nb(float *restrict p, float qb, float th)
{
    int any = 0;
    for (int x = 0; x < CHUNK; x++) {
        p[x] = finish(p[x], qb, 0.0f);
        any |= !(p[x] <= th);
    }
    return any;
}

/* The portable row loop (SSE2 on x86-64, what the compiler vectorises). */
static void finish_row_generic(float *row, uint64_t nt, float qb, const float *tb,
                               uint64_t t0, uint64_t r, const float *thr, trec_select_fn fn,
                               void *ctx)
{
    uint64_t j = 0;
    for (; j + CHUNK <= nt; j += CHUNK) {
        float *p = row + j;
        float th = thr[r];
        if (!(tb ? finish_chunk(p, tb + j, qb, th) : finish_chunk_nb(p, qb, th)))
            continue;
        for (int x = 0; x < CHUNK; x++)
            if (!(p[x] <= thr[r]))
                fn(ctx, r, (uint32_t)(t0 + j + (uint64_t)x), p[x]);
    }
    for (; j < nt; j++) {
        row[j] = finish(row[j], qb, tb ? tb[j] : 0.0f);
        if (!(row[j] <= thr[r]))
            fn(ctx, r, (uint32_t)(t0 + j), row[j]);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The same loop with AVX2 intrinsics, 16 scores a step: the same arithmetic
 * element by element ((v + qb) + tb, NaN -> -infinity), so the same floats.
 * The test's result is a bit mask (movemask), and only its set bits are
 * looked at again: a compiler-vectorised "any" costs a horizontal reduction
 * per chunk, which was half of this loop's time. Looking only at the set
 * bits is the same selection, since a threshold only rises (or starts as
 * NaN, which sets every bit). */
__attribute__((target("avx2")))
static inline __m256 finish8(const float *p, __m256 qb, const float *tb)
{
    __m256 v = _mm256_add_ps(_mm256_loadu_ps(p), qb);
    v = _mm256_add_ps(v, tb ? _mm256_loadu_ps(tb) : _mm256_setzero_ps());
    return _mm256_blendv_ps(v, _mm256_set1_ps(-INFINITY), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
}

__attribute__((target("avx2")))
static void finish_row_avx2(float *row, uint64_t nt, float qb, const float *tb, uint64_t t0,
                            uint64_t r, const float *thr, trec_select_fn fn, void *ctx)
{
    const __m256 vqb = _mm256_set1_ps(qb);
    uint64_t j = 0;
    for (; j + 16 <= nt; j += 16) {
        __m256 a = finish8(row + j, vqb, tb ? tb + j : NULL);
        __m256 b = finish8(row + j + 8, vqb, tb ? tb + j + 8 : NULL);
        _mm256_storeu_ps(row + j, a);
        _mm256_storeu_ps(row + j + 8, b);
        __m256 th = _mm256_set1_ps(thr[r]);
        unsigned m = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a, th, _CMP_NLE_UQ)) |
                     (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(b, th, _CMP_NLE_UQ)) << 8;
        while (m) {
            unsigned x = (unsigned)__builtin_ctz(m);
            m &= m - 1;
            if (!(row[j + x] <= thr[r]))
                fn(ctx, r, (uint32_t)(t0 + j + x), row[j + x]);
        }
    }
    finish_row_generic(row + j, nt - j, qb, tb ? tb + j : NULL, t0 + j, r, thr, fn, ctx);
}
#endif

typedef void (*finish_row_fn)(float *row, uint64_t nt, float qb, const float *tb,
                              uint64_t t0, uint64_t r, const float *thr, trec_select_fn fn,
                              void *ctx);

/* AVX2 where the CPU has it, chosen once. */
static finish_row_fn pick_finish_row(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return finish_row_avx2;
#endif
    return finish_row_generic;
}

static int portable_only; /* trec_scorer_portable_only */

void trec_scorer_portable_only(int on)
{
    __atomic_store_n(&portable_only, on, __ATOMIC_RELAXED);
}

static void finish_row(float *row, uint64_t nt, float qb, const float *tb, uint64_t t0,
                       uint64_t r, const float *thr, trec_select_fn fn, void *ctx)
{
    static finish_row_fn chosen;
    finish_row_fn f = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (!f) {
        f = pick_finish_row();
        __atomic_store_n(&chosen, f, __ATOMIC_RELAXED);
    }
    if (__atomic_load_n(&portable_only, __ATOMIC_RELAXED))
        f = finish_row_generic;
    f(row, nt, qb, tb, t0, r, thr, fn, ctx);
}

static void score_select(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                         uint64_t nt, float *out, uint64_t ldo, const float *thr,
                         trec_select_fn fn, void *ctx)
{
    const factors *f = s->state;
    const block *bl = b->state;
    gemm_block(f, bl->rows, b->n, t0, nt, out, ldo);
    for (uint64_t r = 0; r < b->n; r++) {
        uint64_t q = b->idx[r];
        float *row = out + r * ldo;
        if (f->predict != TREC_PREDICT_DOT)
            predict_row(f, q, t0, row, nt);
        finish_row(row, nt, f->q_bias ? f->q_bias[q] : 0.0f, f->t_bias ? f->t_bias + t0 : NULL,
                   t0, r, thr, fn, ctx);
    }
}

static void select_none(void *ctx, uint64_t r, uint32_t t, float v)
{
    (void)ctx, (void)r, (void)t, (void)v;
}

static void score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                        uint64_t nt, float *out, uint64_t ldo)
{
    /* +infinity selects nothing */
    float thr[1] = {INFINITY};
    const factors *f = s->state;
    const block *bl = b->state;
    gemm_block(f, bl->rows, b->n, t0, nt, out, ldo);
    for (uint64_t r = 0; r < b->n; r++) {
        uint64_t q = b->idx[r];
        float *row = out + r * ldo;
        if (f->predict != TREC_PREDICT_DOT)
            predict_row(f, q, t0, row, nt);
        finish_row(row, nt, f->q_bias ? f->q_bias[q] : 0.0f, f->t_bias ? f->t_bias + t0 : NULL,
                   t0, 0, thr, select_none, NULL);
    }
}

static double score_pair(const trec_scorer *s, uint64_t q, uint64_t t)
{
    const factors *f = s->state;
    const float *u = f->q_repr + q * f->k, *i = f->t_repr + t * f->k;
    double dot = 0, uu = 0, ii = 0, dd = 0;
    for (uint64_t c = 0; c < f->k; c++) {
        dot += (double)u[c] * i[c];
        uu += (double)u[c] * u[c];
        ii += (double)i[c] * i[c];
        dd += ((double)u[c] - i[c]) * ((double)u[c] - i[c]);
    }
    double v;
    if (f->predict == TREC_PREDICT_COSINE)
        v = dot / (sqrt(uu > COS_EPS ? uu : COS_EPS) * sqrt(ii > COS_EPS ? ii : COS_EPS));
    else if (f->predict == TREC_PREDICT_EUCLIDEAN)
        v = -sqrt(dd > EUC_EPS ? dd : EUC_EPS);
    else
        v = dot;
    v += (f->q_bias ? f->q_bias[q] : 0.0) + (f->t_bias ? f->t_bias[t] : 0.0);
    return v != v ? -INFINITY : v;
}

static const trec_scorer_ops factors_ops = {
    .name = "factors",
    .qblock_init = qblock_init,
    .qblock_set = qblock_set,
    .qblock_free = qblock_free,
    .score_block = score_block,
    .score_select = score_select,
    .score_pair = score_pair,
    .free = factors_free,
};

/* ---- fold-in ---- */

/* The least-squares settings of a fold-in: those the model's algorithm
 * records (ALS: its own), else confidence 1 + w and lambda 0.1 (see
 * trec-recommend(1); algorithm.h). */
typedef struct foldin {
    const trec_csr *h;
    const float *y, *yty;
    uint64_t k, n_items;
    trec_foldin_settings set;
    float *q;
    int failed;
} foldin;

/* Y^T Y in double, stored in full as float. */
static float *gram(const float *y, uint64_t n, uint64_t k, trec_error *err)
{
    double *acc = trec_calloc(k * k, sizeof *acc, err);
    float *g = acc ? trec_malloc(k * k * sizeof *g, err) : NULL;
    if (g) {
        for (uint64_t i = 0; i < n; i++)
            for (uint64_t r = 0; r < k; r++)
                for (uint64_t c = 0; c <= r; c++)
                    acc[r * k + c] += (double)y[i * k + r] * y[i * k + c];
        for (uint64_t r = 0; r < k; r++)
            for (uint64_t c = 0; c <= r; c++)
                g[r * k + c] = g[c * k + r] = (float)acc[r * k + c];
    }
    free(acc);
    return g;
}

#define FOLDIN_ROWS 64

static void foldin_task(void *ctx, uint64_t t)
{
    foldin *F = ctx;
    const trec_csr *h = F->h;
    uint64_t k = F->k, a = t * FOLDIN_ROWS, b = a + FOLDIN_ROWS < h->rows ? a + FOLDIN_ROWS : h->rows;
    uint64_t most = 1;
    for (uint64_t r = a; r < b; r++)
        most = h->rowptr[r + 1] - h->rowptr[r] > most ? h->rowptr[r + 1] - h->rowptr[r] : most;
    float *c = malloc(most * sizeof *c), *d = malloc(most * sizeof *d);
    float *work = malloc(k * k * sizeof *work);
    for (uint64_t r = a; r < b && c && d && work; r++) {
        uint64_t e0 = h->rowptr[r], n = h->rowptr[r + 1] - e0;
        double total = (double)F->n_items;
        for (uint64_t j = 0; j < n; j++) {
            double w = h->vals[e0 + j];
            double conf = 1 + F->set.scale * (F->set.log_conf ? log1p(w / F->set.eps) : w);
            c[j] = (float)(conf - 1);
            d[j] = (float)conf;
            total += conf - 1;
        }
        trec_als_rows rows = {.y = F->y, .ldy = k, .idx = h->colidx + e0, .c = c, .d = d, .n = n};
        float reg = (float)(F->set.lambda * (F->set.exponent ? pow(total, F->set.exponent) : 1));
        if (trec_als_solve_exact(F->yty, k, reg, &rows, work, F->q + r * k, NULL) != 0)
            __atomic_store_n(&F->failed, 1, __ATOMIC_RELAXED);
    }
    if (!c || !d || !work)
        __atomic_store_n(&F->failed, 1, __ATOMIC_RELAXED);
    free(c);
    free(d);
    free(work);
}

/* A user vector per history row: implicit ALS's least-squares solve with the
 * item representations fixed; user biases 0 (they do not change a ranking). */
static int for_histories(trec_scorer *s, const trec_model *m, const trec_csr *h,
                         trec_error *err)
{
    if (m->predict != TREC_PREDICT_DOT)
        return trec_fail(err, "fold-in solves for dot-product scores; this model predicts "
                         "with %s", trec_predict_name(m->predict));
    foldin F = {.h = h, .y = m->item_repr, .k = m->k, .n_items = m->n_items};
    trec_foldin_settings_of(m->meta_json, &F.set);
    float *yty = gram(m->item_repr, m->n_items, m->k, err);
    F.yty = yty;
    F.q = yty ? trec_calloc((h->rows ? h->rows : 1) * m->k, sizeof *F.q, err) : NULL;
    /* rows are independent: any thread count gives the same vectors */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (F.q)
        trec_parallel_for(cores < 1 ? 1 : cores > 8 ? 8 : (int)cores,
                          (h->rows + FOLDIN_ROWS - 1) / FOLDIN_ROWS, foldin_task, &F);
    free(yty);
    if (!F.q || F.failed) {
        free(F.q);
        return F.q ? trec_fail(err, "fold-in: a history's system is not positive definite") : -1;
    }
    if (trec_scorer_factors(s, TREC_PREDICT_DOT, m->k, F.q, NULL, h->rows, m->item_repr,
                            m->item_bias, m->n_items, err) != 0) {
        free(F.q);
        return -1;
    }
    ((factors *)s->state)->owned_q = F.q;
    return 0;
}

const trec_scorer_kind trec_scorer_kind_factors = {
    .for_users = for_users,
    .check_similarity = check_similarity,
    .for_items = for_items,
    .for_histories = for_histories,
};
