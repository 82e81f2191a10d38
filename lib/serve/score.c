/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* score.c - the scorer interface: model kind -> scorer kind, and the calls
 * every kind shares (see score.h). */
#include "score.h"

#include <stdlib.h>
#include <string.h>

#include "score_kind.h"

/* One row per model kind, indexed by enum trec_model_kind. */
static const trec_scorer_kind *const kinds[TREC_MODEL_KIND_COUNT] = {
    [TREC_MODEL_FACTORS] = &trec_scorer_kind_factors,
    [TREC_MODEL_ITEM_ITEM] = &trec_scorer_kind_item_item,
};

static const trec_scorer_kind *kind_of(const trec_model *m, trec_error *err)
{
    if (m->kind >= TREC_MODEL_KIND_COUNT || !kinds[m->kind]) {
        trec_fail(err, "no scorer for model kind %u", m->kind);
        return NULL;
    }
    return kinds[m->kind];
}

int trec_scorer_for_users(trec_scorer *s, const trec_model *m, trec_error *err)
{
    memset(s, 0, sizeof *s);
    const trec_scorer_kind *k = kind_of(m, err);
    return k ? k->for_users(s, m, err) : -1;
}

int trec_scorer_check_similarity(const trec_model *m, int similarity, trec_error *err)
{
    const trec_scorer_kind *k = kind_of(m, err);
    return k ? k->check_similarity(m, similarity, err) : -1;
}

int trec_scorer_for_items(trec_scorer *s, const trec_model *m, int similarity,
                          trec_error *err)
{
    memset(s, 0, sizeof *s);
    if (trec_scorer_check_similarity(m, similarity, err) != 0)
        return -1;
    return kind_of(m, err)->for_items(s, m, similarity, err);
}

int trec_scorer_for_histories(trec_scorer *s, const trec_model *m, const trec_csr *h,
                              trec_error *err)
{
    memset(s, 0, sizeof *s);
    const trec_scorer_kind *k = kind_of(m, err);
    if (!k)
        return -1;
    const char *kind = trec_model_kind_name(m->kind);
    if (!k->for_histories)
        return trec_fail(err, "%s %s model cannot score users from their histories (fold-in); "
                         "refit with them", strchr("aeiou", kind[0]) ? "an" : "a", kind);
    if (h->cols != m->n_items)
        return trec_fail(err, "histories have %llu item columns, the model %llu items",
                         (unsigned long long)h->cols, (unsigned long long)m->n_items);
    return k->for_histories(s, m, h, err);
}

void trec_scorer_free(trec_scorer *s)
{
    if (s->ops && s->ops->free)
        s->ops->free(s);
    memset(s, 0, sizeof *s);
}

int trec_qblock_init(trec_qblock *b, const trec_scorer *s, uint64_t cap, trec_error *err)
{
    memset(b, 0, sizeof *b);
    b->cap = cap;
    return s->ops->qblock_init ? s->ops->qblock_init(b, s, err) : 0;
}

void trec_qblock_set(trec_qblock *b, const trec_scorer *s, const uint64_t *idx, uint64_t n)
{
    b->idx = idx;
    b->n = n;
    if (s->ops->qblock_set)
        s->ops->qblock_set(b, s);
}

void trec_qblock_free(trec_qblock *b, const trec_scorer *s)
{
    if (s->ops && s->ops->qblock_free)
        s->ops->qblock_free(b);
    memset(b, 0, sizeof *b);
}

void trec_score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                      uint64_t nt, float *out, uint64_t ldo)
{
    if (b->n == 0 || nt == 0)
        return;
    s->ops->score_block(s, b, t0, nt, out, ldo);
}

/* Scores in chunks of SELECT_CHUNK: one vectorisable test per score, a
 * scalar look only into the (rare) chunks with a selected score. */
#define SELECT_CHUNK 16

void trec_select_row(const float *row, uint64_t nt, uint64_t t0, uint64_t r,
                     const float *thr, trec_select_fn fn, void *ctx)
{
    uint64_t j = 0;
    for (; j + SELECT_CHUNK <= nt; j += SELECT_CHUNK) {
        const float *p = row + j;
        float th = thr[r];
        int any = 0;
        for (int x = 0; x < SELECT_CHUNK; x++)
            any |= !(p[x] <= th);
        if (!any)
            continue;
        for (int x = 0; x < SELECT_CHUNK; x++)
            if (!(p[x] <= thr[r]))
                fn(ctx, r, (uint32_t)(t0 + j + (uint64_t)x), p[x]);
    }
    for (; j < nt; j++)
        if (!(row[j] <= thr[r]))
            fn(ctx, r, (uint32_t)(t0 + j), row[j]);
}

void trec_score_block_select(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                             uint64_t nt, float *out, uint64_t ldo, const float *thr,
                             trec_select_fn fn, void *ctx)
{
    if (b->n == 0 || nt == 0)
        return;
    if (s->ops->score_select) {
        s->ops->score_select(s, b, t0, nt, out, ldo, thr, fn, ctx);
        return;
    }
    s->ops->score_block(s, b, t0, nt, out, ldo);
    for (uint64_t r = 0; r < b->n; r++)
        trec_select_row(out + r * ldo, nt, t0, r, thr, fn, ctx);
}

double trec_score_pair(const trec_scorer *s, uint64_t q, uint64_t t)
{
    return s->ops->score_pair(s, q, t);
}

/* Compares the labels of one side; "what" is "row"/"column", "side"
 * "user"/"item". */
static int same_labels(const trec_labels *model, const char *model_name,
                       const trec_labels *m, const char *name, const char *what,
                       const char *side, trec_error *err)
{
    if (!model->count || !m->count)
        return 0;
    for (uint64_t i = 0; i < m->count; i++) {
        size_t la, lb;
        const char *a = trec_label(model, i, &la), *b = trec_label(m, i, &lb);
        if (la != lb || memcmp(a, b, la) != 0)
            return trec_fail(err, "%s: %s %llu is '%.*s' but %s %llu of %s is '%.*s' "
                             "(the matrix and the model must come from the same ingest)",
                             name, what, (unsigned long long)i, (int)lb, b, side,
                             (unsigned long long)i, model_name, (int)la, a);
    }
    return 0;
}

int trec_score_check_items(const trec_model *model, const char *model_name,
                           const trec_csr *m, const char *name, trec_error *err)
{
    if (m->cols != model->n_items)
        return trec_fail(err, "%s: %llu items, but %s has %llu items (the matrix and the "
                         "model must come from the same ingest)", name,
                         (unsigned long long)m->cols, model_name,
                         (unsigned long long)model->n_items);
    return same_labels(&model->item_labels, model_name, &m->col_labels, name, "column",
                       "item", err);
}

int trec_score_check_matrix(const trec_model *model, const char *model_name,
                            const trec_csr *m, const char *name, trec_error *err)
{
    if (m->rows != model->n_users || m->cols != model->n_items)
        return trec_fail(err, "%s: %llu users x %llu items, but %s has %llu users x "
                         "%llu items (the matrix and the model must come from the same "
                         "ingest)", name, (unsigned long long)m->rows,
                         (unsigned long long)m->cols, model_name,
                         (unsigned long long)model->n_users, (unsigned long long)model->n_items);
    if (same_labels(&model->user_labels, model_name, &m->row_labels, name, "row", "user",
                    err) != 0 ||
        same_labels(&model->item_labels, model_name, &m->col_labels, name, "column", "item",
                    err) != 0)
        return -1;
    return 0;
}
