/* score_item_item.c - the item-item scorer (EASE): a query's history row
 * times the weights B (see score.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score_kind.h"

enum { Q_USERS, Q_ITEMS };

typedef struct item_item {
    const trec_item_item *ii;
    int64_t *pos;                 /* n_items: position in ii->active, or -1 */
    int queries;                  /* Q_USERS (histories below) or Q_ITEMS */
    const uint64_t *ptr;          /* the users' histories, CSR */
    const uint32_t *idx;
    const float *val;
} item_item;

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
    if (x)
        free(x->pos);
    free(x);
}

static int make(trec_scorer *s, const trec_model *m, int queries, uint64_t nq,
                trec_error *err)
{
    item_item *x = trec_calloc(1, sizeof *x, err);
    if (!x)
        return -1;
    *s = (trec_scorer){.ops = &item_item_ops, .nq = nq, .nt = m->n_items, .state = x};
    x->ii = &m->ii;
    x->queries = queries;
    x->ptr = m->ii.hist_ptr;
    x->idx = m->ii.hist_idx;
    x->val = m->ii.hist_val;
    x->pos = trec_malloc((m->n_items ? m->n_items : 1) * sizeof *x->pos, err);
    if (!x->pos) {
        trec_scorer_free(s);
        return -1;
    }
    for (uint64_t i = 0; i < m->n_items; i++)
        x->pos[i] = -1;
    for (uint64_t a = 0; a < m->ii.n_active; a++)
        x->pos[m->ii.active[a]] = (int64_t)a;
    return 0;
}

static int for_users(trec_scorer *s, const trec_model *m, trec_error *err)
{
    return make(s, m, Q_USERS, m->n_users, err);
}

static int for_items(trec_scorer *s, const trec_model *m, trec_error *err)
{
    return make(s, m, Q_ITEMS, m->n_items, err);
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
    return 0;
}

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

static void score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                        uint64_t nt, float *out, uint64_t ldo)
{
    const item_item *x = s->state;
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
        for (uint64_t j = 0; j < nt; j++)
            row[j] = row[j] != row[j] ? -INFINITY : row[j];
    }
}

static double score_pair(const trec_scorer *s, uint64_t q, uint64_t t)
{
    const item_item *x = s->state;
    const uint32_t *idx;
    const float *val;
    uint32_t one;
    uint64_t n = history(x, q, &idx, &val, &one);
    int64_t pt = x->pos[t];
    double v = 0;
    for (uint64_t e = 0; e < n && pt >= 0; e++)
        if (x->pos[idx[e]] >= 0)
            v += (double)val[e] * x->ii->b[(uint64_t)x->pos[idx[e]] * x->ii->n_active + pt];
    return v != v ? -INFINITY : v;
}

static const trec_scorer_ops item_item_ops = {
    .name = "item-item",
    .score_block = score_block,
    .score_pair = score_pair,
    .free = ii_free,
};

const trec_scorer_kind trec_scorer_kind_item_item = {
    .for_users = for_users,
    .for_items = for_items,
    .for_histories = for_histories,
};
