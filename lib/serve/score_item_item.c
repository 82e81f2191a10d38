/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* score_item_item.c - the item-item scorer (EASE): a query's history row
 * times the weights B (see score.h), for both forms of B (model_item_item.h):
 *   explicit: score[t] = sum over history items j of h[j] B[j][t];
 *   dual:     a = h W X^T (users), b = K a, c = b X (items), then for
 *             active t: score[t] = (c[t] - h[t] C[t][t]) / (1 - C[t][t]);
 *             inactive items score 0 (their columns of X are empty); W is
 *             the model's column weights (I when it has none).
 * The dual scores a whole block of queries at once when the block is set
 * (qblock_set), one dense row of all items per query; blocks of targets are
 * then copies. */
#include <blis.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_item_item.h"
#include "score_kind.h"

enum { Q_USERS, Q_ITEMS };

typedef struct item_item {
    const trec_model *m;
    const trec_item_item *ii;
    int64_t *pos;                 /* n_items: position in ii->active, or -1 */
    int queries;                  /* Q_USERS (histories below) or Q_ITEMS */
    const uint64_t *ptr;          /* the queries' histories, CSR */
    const uint32_t *idx;
    const float *val;
    float *scaled;                /* histories given: their values scaled as the
                                   * model's rows were (--user-exponent), or NULL */
    /* dual: the model's X by item (items x users) */
    uint64_t *xt_ptr;
    uint32_t *xt_idx;
    float *xt_val;
} item_item;

/* A dual block: the scores of its queries for every item. */
typedef struct dual_block {
    float *a, *b;                 /* cap x n_users */
    float *rows;                  /* cap x n_items */
} dual_block;

static const trec_scorer_ops item_item_ops;

/* Query q's history: n entries of items idx[] with weights val[]. */
static uint64_t history(const item_item *x, uint64_t q, const uint32_t **idx,
                        const float **val, uint32_t *one_idx)
{
    static const float one = 1.0f;
    if (x->queries == Q_ITEMS) {
        *one_idx = (uint32_t)q;
        *idx = one_idx;
        *val = &one;
        return 1;
    }
    *idx = x->idx + x->ptr[q];
    *val = x->val + x->ptr[q];
    return x->ptr[q + 1] - x->ptr[q];
}

static void ii_free(trec_scorer *s)
{
    item_item *x = s->state;
    if (x) {
        free(x->pos);
        free(x->scaled);
        free(x->xt_ptr);
        free(x->xt_idx);
        free(x->xt_val);
    }
    free(x);
}

/* The model's histories by item, for the dual form. */
static int transpose_history(item_item *x, trec_error *err)
{
    const trec_model *m = x->m;
    const trec_item_item *ii = x->ii;
    uint64_t nnz = ii->hist_nnz;
    x->xt_ptr = trec_calloc(m->n_items + 1, sizeof *x->xt_ptr, err);
    x->xt_idx = trec_malloc((nnz ? nnz : 1) * sizeof *x->xt_idx, err);
    x->xt_val = trec_malloc((nnz ? nnz : 1) * sizeof *x->xt_val, err);
    uint64_t *fill = trec_malloc((m->n_items ? m->n_items : 1) * sizeof *fill, err);
    if (!x->xt_ptr || !x->xt_idx || !x->xt_val || !fill) {
        free(fill);
        return -1;
    }
    for (uint64_t e = 0; e < nnz; e++)
        x->xt_ptr[ii->hist_idx[e] + 1]++;
    for (uint64_t i = 0; i < m->n_items; i++)
        x->xt_ptr[i + 1] += x->xt_ptr[i];
    memcpy(fill, x->xt_ptr, m->n_items * sizeof *fill);
    for (uint64_t u = 0; u < m->n_users; u++)
        for (uint64_t e = ii->hist_ptr[u]; e < ii->hist_ptr[u + 1]; e++) {
            uint64_t at = fill[ii->hist_idx[e]]++;
            x->xt_idx[at] = (uint32_t)u;
            x->xt_val[at] = ii->hist_val[e];
        }
    free(fill);
    return 0;
}

static int make(trec_scorer *s, const trec_model *m, int queries, uint64_t nq,
                trec_error *err)
{
    item_item *x = trec_calloc(1, sizeof *x, err);
    if (!x)
        return -1;
    *s = (trec_scorer){.ops = &item_item_ops, .nq = nq, .nt = m->n_items, .state = x};
    const trec_item_item *ii = trec_model_item_item(m);
    x->m = m;
    x->ii = ii;
    x->queries = queries;
    x->ptr = ii->hist_ptr;
    x->idx = ii->hist_idx;
    x->val = ii->hist_val;
    x->pos = trec_malloc((m->n_items ? m->n_items : 1) * sizeof *x->pos, err);
    if (!x->pos || (ii->dual && transpose_history(x, err) != 0)) {
        trec_scorer_free(s);
        return -1;
    }
    for (uint64_t i = 0; i < m->n_items; i++)
        x->pos[i] = -1;
    for (uint64_t a = 0; a < ii->n_active; a++)
        x->pos[ii->active[a]] = (int64_t)a;
    return 0;
}

static int for_users(trec_scorer *s, const trec_model *m, trec_error *err)
{
    return make(s, m, Q_USERS, m->n_users, err);
}

/* Similar items: by B alone, whatever similarity is asked for. */
static int check_similarity(const trec_model *m, int similarity, trec_error *err)
{
    if (similarity >= 0)
        return trec_fail(err, "a %s model scores similar items by its own weights",
                         trec_model_kind_name(m->kind));
    return 0;
}

static int for_items(trec_scorer *s, const trec_model *m, int similarity, trec_error *err)
{
    (void)similarity; /* -1: checked before */
    return make(s, m, Q_ITEMS, m->n_items, err);
}

/* The --user-exponent the model was fitted with (its META; 0: none). */
static double user_exponent(const trec_model *m)
{
    cJSON *meta = m->meta_json ? cJSON_Parse(m->meta_json) : NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, "user_exponent");
    double e = cJSON_IsNumber(v) ? v->valuedouble : 0;
    cJSON_Delete(meta);
    return e;
}

/* Histories from outside (fold-in) are rows of X as trec-fit made them: with
 * --user-exponent e, each is scaled by its weight sum^-e, as the model's own
 * rows are, so that a folded-in user scores exactly as a known one. */
static int scale_histories(item_item *x, const trec_csr *h, double e, trec_error *err)
{
    x->scaled = trec_malloc((h->nnz ? h->nnz : 1) * sizeof *x->scaled, err);
    if (!x->scaled)
        return -1;
    for (uint64_t u = 0; u < h->rows; u++) {
        double sum = 0;
        for (uint64_t k = h->rowptr[u]; k < h->rowptr[u + 1]; k++)
            sum += h->vals[k];
        double f = sum > 0 ? pow(sum, -e) : 1;
        for (uint64_t k = h->rowptr[u]; k < h->rowptr[u + 1]; k++)
            x->scaled[k] = (float)(h->vals[k] * f);
    }
    x->val = x->scaled;
    return 0;
}

static int for_histories(trec_scorer *s, const trec_model *m, const trec_csr *h,
                         trec_error *err)
{
    if (make(s, m, Q_USERS, h->rows, err) != 0)
        return -1;
    item_item *x = s->state;
    x->ptr = h->rowptr;
    x->idx = h->colidx;
    x->val = h->vals;
    double e = user_exponent(m);
    if (e > 0 && scale_histories(x, h, e, err) != 0) {
        trec_scorer_free(s);
        return -1;
    }
    return 0;
}

/* ---- explicit form ---- */

/* First position in the ascending list a[0..n) that is >= v. */
static uint64_t lower_bound(const uint32_t *a, uint64_t n, uint64_t v)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* row[t - t0] += w B[pj][t] for the active targets t in positions [lo, hi). */
static void add_row(const item_item *x, float w, int64_t pj, uint64_t lo, uint64_t hi,
                    uint64_t t0, int contiguous, float *row)
{
    const float *brow = x->ii->b + (uint64_t)pj * x->ii->n_active;
    if (contiguous) { /* targets t0 + (a - lo): a plain axpy */
        float *dst = row + (x->ii->active[lo] - t0);
        for (uint64_t a = lo; a < hi; a++)
            dst[a - lo] += w * brow[a];
        return;
    }
    for (uint64_t a = lo; a < hi; a++)
        row[x->ii->active[a] - t0] += w * brow[a];
}

static void explicit_block(const item_item *x, const trec_qblock *b, uint64_t t0, uint64_t nt,
                           float *out, uint64_t ldo)
{
    const uint32_t *active = x->ii->active;
    uint64_t lo = lower_bound(active, x->ii->n_active, t0);
    uint64_t hi = lower_bound(active, x->ii->n_active, t0 + nt);
    int contiguous = hi > lo && active[hi - 1] - active[lo] == hi - 1 - lo;
    for (uint64_t r = 0; r < b->n; r++) {
        float *row = out + r * ldo;
        memset(row, 0, nt * sizeof *row);
        const uint32_t *idx;
        const float *val;
        uint32_t one;
        uint64_t n = history(x, b->idx[r], &idx, &val, &one);
        for (uint64_t e = 0; e < n && hi > lo; e++)
            if (x->pos[idx[e]] >= 0 && val[e] != 0.0f)
                add_row(x, val[e], x->pos[idx[e]], lo, hi, t0, contiguous, row);
    }
}

/* ---- dual form ---- */

static int qblock_init(trec_qblock *b, const trec_scorer *s, trec_error *err)
{
    const item_item *x = s->state;
    if (!x->ii->dual)
        return 0;
    uint64_t cap = b->cap ? b->cap : 1, m = x->m->n_users, n = x->m->n_items;
    dual_block *d = trec_calloc(1, sizeof *d, err);
    if (!d)
        return -1;
    b->state = d;
    d->a = trec_aligned_alloc(cap * (m ? m : 1) * sizeof *d->a, err);
    d->b = trec_aligned_alloc(cap * (m ? m : 1) * sizeof *d->b, err);
    d->rows = trec_aligned_alloc(cap * n * sizeof *d->rows, err);
    return d->a && d->b && d->rows ? 0 : -1;
}

static void qblock_free(trec_qblock *b)
{
    dual_block *d = b->state;
    if (d) {
        free(d->a);
        free(d->b);
        free(d->rows);
    }
    free(d);
}

/* h[j] W[j][j]: a history entry's weight in a = h W X^T (inactive items
 * have no column in X, so any value does). */
static float weighed(const item_item *x, uint32_t j, float h)
{
    const double *w = x->ii->w;
    return w && x->pos[j] >= 0 ? (float)(h * w[x->pos[j]]) : h;
}

/* a = h W X^T for one query. */
static void user_weights(const item_item *x, uint64_t q, float *a)
{
    const uint32_t *idx;
    const float *val;
    uint32_t one;
    uint64_t n = history(x, q, &idx, &val, &one);
    memset(a, 0, x->m->n_users * sizeof *a);
    for (uint64_t e = 0; e < n; e++) {
        float hw = weighed(x, idx[e], val[e]);
        for (uint64_t f = x->xt_ptr[idx[e]]; f < x->xt_ptr[idx[e] + 1]; f++)
            a[x->xt_idx[f]] += hw * x->xt_val[f];
    }
}

/* row = b X, then the diagonal correction and the denominators. */
static void dual_row(const item_item *x, uint64_t q, const float *bq, float *row)
{
    const trec_item_item *ii = x->ii;
    memset(row, 0, x->m->n_items * sizeof *row);
    for (uint64_t u = 0; u < x->m->n_users; u++) {
        float w = bq[u];
        if (w == 0.0f)
            continue;
        for (uint64_t e = ii->hist_ptr[u]; e < ii->hist_ptr[u + 1]; e++)
            row[ii->hist_idx[e]] += w * ii->hist_val[e];
    }
    const uint32_t *idx;
    const float *val;
    uint32_t one;
    uint64_t n = history(x, q, &idx, &val, &one);
    for (uint64_t e = 0; e < n; e++)
        if (x->pos[idx[e]] >= 0)
            row[idx[e]] -= (float)(val[e] * ii->c_diag[x->pos[idx[e]]]);
    for (uint64_t a = 0; a < ii->n_active; a++)
        row[ii->active[a]] = (float)(row[ii->active[a]] / (1.0 - ii->c_diag[a]));
}

static void qblock_set(trec_qblock *b, const trec_scorer *s)
{
    const item_item *x = s->state;
    if (!x->ii->dual || b->n == 0)
        return;
    dual_block *d = b->state;
    uint64_t m = x->m->n_users;
    for (uint64_t r = 0; r < b->n; r++)
        user_weights(x, b->idx[r], d->a + r * m);
    /* b = a K (K symmetric), single-threaded and without BLIS's small-matrix
     * path, so that a row does not depend on its block (score.h) */
    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    bli_rntm_set_num_threads(1, &rntm);
    bli_rntm_disable_l3_sup(&rntm);
    float one = 1.0f, zero = 0.0f;
    bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)b->n, (dim_t)m, (dim_t)m, &one,
                 d->a, (inc_t)m, 1, x->ii->k, (inc_t)m, 1, &zero, d->b, (inc_t)m, 1, NULL,
                 &rntm);
    for (uint64_t r = 0; r < b->n; r++)
        dual_row(x, b->idx[r], d->b + r * m, d->rows + r * x->m->n_items);
}

static void score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                        uint64_t nt, float *out, uint64_t ldo)
{
    const item_item *x = s->state;
    if (x->ii->dual) {
        const dual_block *d = b->state;
        for (uint64_t r = 0; r < b->n; r++)
            memcpy(out + r * ldo, d->rows + r * x->m->n_items + t0, nt * sizeof *out);
    } else {
        explicit_block(x, b, t0, nt, out, ldo);
    }
    for (uint64_t r = 0; r < b->n; r++) {
        float *row = out + r * ldo;
        for (uint64_t j = 0; j < nt; j++)
            row[j] = row[j] != row[j] ? -INFINITY : row[j];
    }
}

/* ---- the double-precision reference ---- */

static double explicit_pair(const item_item *x, uint64_t q, uint64_t t)
{
    const uint32_t *idx;
    const float *val;
    uint32_t one;
    uint64_t n = history(x, q, &idx, &val, &one);
    int64_t pt = x->pos[t];
    double v = 0;
    for (uint64_t e = 0; e < n && pt >= 0; e++)
        if (x->pos[idx[e]] >= 0)
            v += (double)val[e] * x->ii->b[(uint64_t)x->pos[idx[e]] * x->ii->n_active + pt];
    return v;
}

static double dual_pair(const item_item *x, uint64_t q, uint64_t t)
{
    const trec_item_item *ii = x->ii;
    uint64_t m = x->m->n_users;
    int64_t pt = x->pos[t];
    if (pt < 0)
        return 0;
    const uint32_t *idx;
    const float *val;
    uint32_t one;
    uint64_t n = history(x, q, &idx, &val, &one);
    double c = 0, ht = 0;
    for (uint64_t u = 0; u < m; u++) {
        double bu = 0; /* (K a)[u], a[v] = sum_j h_j W[j][j] X[v][j] */
        for (uint64_t e = 0; e < n; e++) {
            double hw = ii->w && x->pos[idx[e]] >= 0 ? val[e] * ii->w[x->pos[idx[e]]] : val[e];
            for (uint64_t f = x->xt_ptr[idx[e]]; f < x->xt_ptr[idx[e] + 1]; f++)
                bu += (double)ii->k[u * m + x->xt_idx[f]] * hw * x->xt_val[f];
        }
        for (uint64_t f = x->xt_ptr[t]; f < x->xt_ptr[t + 1]; f++)
            if (x->xt_idx[f] == u)
                c += bu * x->xt_val[f];
    }
    for (uint64_t e = 0; e < n; e++)
        if (idx[e] == t)
            ht = val[e];
    return (c - ht * ii->c_diag[pt]) / (1.0 - ii->c_diag[pt]);
}

static double score_pair(const trec_scorer *s, uint64_t q, uint64_t t)
{
    const item_item *x = s->state;
    double v = x->ii->dual ? dual_pair(x, q, t) : explicit_pair(x, q, t);
    return v != v ? -INFINITY : v;
}

static const trec_scorer_ops item_item_ops = {
    .name = "item-item",
    .qblock_init = qblock_init,
    .qblock_set = qblock_set,
    .qblock_free = qblock_free,
    .score_block = score_block,
    .score_pair = score_pair,
    .free = ii_free,
};

const trec_scorer_kind trec_scorer_kind_item_item = {
    .for_users = for_users,
    .check_similarity = check_similarity,
    .for_items = for_items,
    .for_histories = for_histories,
};
