/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* score.h - scoring blocks of (query, target) pairs, one scorer per model
 * kind behind one interface.
 *
 * Queries are users (or items, for "similar items"), targets are items. A
 * scorer is made from a model by trec_scorer_for_users / _for_items /
 * _for_histories, which pick the model kind's implementation; callers
 * (trec-eval, trec-recommend, the top-K driver) only use the functions here:
 *
 *     trec_qblock_init(&b, s, cap)      per thread: room for cap queries
 *     trec_qblock_set(&b, s, idx, n)    the block's queries
 *     trec_score_block(s, &b, t0, nt, out, ldo)   their scores for targets
 *                                       [t0, t0 + nt), row r for idx[r]
 *
 * Nothing ever holds a dense queries x targets matrix. A NaN score (only from
 * overflow) is replaced by -infinity so that rankings stay total. A score
 * depends only on its query and target, never on the block it was computed
 * in or on the thread (so results do not depend on the thread count).
 *
 * factors models (score_factors.c), through BLIS sgemm:
 *     score(q, t) = predict(q_repr[q], t_repr[t]) + q_bias[q] + t_bias[t]
 * with predict one of (as in TensorRec's prediction graphs)
 *     dot        u . i
 *     cosine     (u . i) / (|u| |i|), a norm below 1e-6 counting as 1e-6
 *     euclidean  -sqrt(max(|u|^2 - 2 u . i + |i|^2, 1e-16))
 * BLIS runs single-threaded inside each call, with its small-matrix ("sup")
 * path disabled, so that a score does not depend on the block.
 * Similar items: a prediction function on item representations, no biases,
 * cosine by default (TensorRec's predict_similar_items uses the model's
 * prediction function: pass m->predict for that).
 *
 * item-item models (score_item_item.c):
 *     score(q, t) = sum over the query's history items j of h[q][j] B[j][t]
 * summed in ascending j. Users' histories are those stored in the model;
 * the history of item j for similar items is j alone (score = B[j][t]), the
 * only similarity this kind has. */
#ifndef TREC_SCORE_H
#define TREC_SCORE_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_scorer trec_scorer;

/* A block of up to cap queries and the kind's working memory for it. */
typedef struct trec_qblock {
    uint64_t cap, n;
    const uint64_t *idx;      /* the n query indices */
    void *state;              /* the scorer kind's */
} trec_qblock;

struct trec_scorer_ops;
struct trec_scorer {
    const struct trec_scorer_ops *ops; /* the kind's (score_kind.h) */
    uint64_t nq, nt;          /* queries, targets */
    void *state;              /* the kind's */
};

/* Users x items of a model: the model's score. */
int trec_scorer_for_users(trec_scorer *s, const trec_model *m, trec_error *err);
/* Items x items of a model: similar items (see above) by similarity, an enum
 * trec_predict, or -1 for the model kind's default. Fails, as
 * trec_scorer_check_similarity does, for a similarity the kind cannot do. */
int trec_scorer_for_items(trec_scorer *s, const trec_model *m, int similarity,
                          trec_error *err);
/* 0 if m's kind scores similar items by similarity (as above), else fails
 * with why (an item-item model has only its own weights). */
int trec_scorer_check_similarity(const trec_model *m, int similarity, trec_error *err);
/* Users given by their histories, rows of h (columns: the model's items,
 * values: weights), not by the model's own users: fold-in. Fails with a
 * message for model kinds that cannot fold in. h must outlive s. */
int trec_scorer_for_histories(trec_scorer *s, const trec_model *m, const trec_csr *h,
                              trec_error *err);
void trec_scorer_free(trec_scorer *s);

/* A factors scorer over arbitrary representations (borrowed: they must
 * outlive it): predict is an enum trec_predict; q_bias/t_bias may be NULL. */
int trec_scorer_factors(trec_scorer *s, uint32_t predict, uint64_t k,
                        const float *q_repr, const float *q_bias, uint64_t nq,
                        const float *t_repr, const float *t_bias, uint64_t nt,
                        trec_error *err);

int trec_qblock_init(trec_qblock *b, const trec_scorer *s, uint64_t cap, trec_error *err);
/* Sets the block's queries (n <= cap; idx must stay valid while used). */
void trec_qblock_set(trec_qblock *b, const trec_scorer *s, const uint64_t *idx, uint64_t n);
void trec_qblock_free(trec_qblock *b, const trec_scorer *s);

/* Scores the block's queries against targets [t0, t0 + nt): row r of out
 * (leading dimension ldo >= nt) receives the scores of query b->idx[r]. */
void trec_score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                      uint64_t nt, float *out, uint64_t ldo);

/* Called for a selected score: row r of the block, target t, score v. */
typedef void (*trec_select_fn)(void *ctx, uint64_t r, uint32_t t, float v);

/* trec_score_block fused with a threshold selection (the top-K driver's):
 * scores the block into out as trec_score_block does and, row by row in
 * ascending target order, calls fn(ctx, r, t, v) for every score v with
 * !(v <= thr[r]) - thr[r] re-read after each call, which may change it; a NaN
 * threshold selects every score. The test is the only per-score work after
 * the multiply (scorer kinds fuse it with their own finishing pass). */
void trec_score_block_select(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                             uint64_t nt, float *out, uint64_t ldo, const float *thr,
                             trec_select_fn fn, void *ctx);

/* The selection alone, over the finished scores row[0..nt) of block row r
 * (targets t0..t0+nt): what kinds without a fused pass use. */
void trec_select_row(const float *row, uint64_t nt, uint64_t t0, uint64_t r,
                     const float *thr, trec_select_fn fn, void *ctx);

/* One score, computed naively in double precision from the definition above:
 * the reference the block scores are tested against. */
double trec_score_pair(const trec_scorer *s, uint64_t q, uint64_t t);

/* Checks that matrix m (named name in messages) has one row per model user and
 * one column per model item, with the same labels in the same order when both
 * carry labels. */
/* The columns alone: m's items are the model's (fold-in's --exclude, whose
 * rows are matched to new users by label). */
int trec_score_check_items(const trec_model *model, const char *model_name,
                           const trec_csr *m, const char *name, trec_error *err);
int trec_score_check_matrix(const trec_model *model, const char *model_name,
                            const trec_csr *m, const char *name, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
