/* score.h - scoring blocks of (query, target) pairs with a model's
 * prediction function, through BLIS sgemm.
 *
 * Queries are users (or items, for "similar items"), targets are items:
 *     score(q, t) = predict(q_repr[q], t_repr[t]) + q_bias[q] + t_bias[t]
 * with predict one of (as in TensorRec's prediction graphs)
 *     dot        u . i
 *     cosine     (u . i) / (|u| |i|), a norm below 1e-6 counting as 1e-6
 *     euclidean  -sqrt(max(|u|^2 - 2 u . i + |i|^2, 1e-16))
 * Every score is computed from one sgemm block product; nothing ever holds a
 * dense queries x targets matrix. A NaN score (only from overflowing
 * representations) is replaced by -infinity so that rankings stay total.
 *
 * Determinism: BLIS runs single-threaded inside each call, with its
 * small-matrix ("sup") path disabled, so a score depends only on its query and
 * target rows, never on the block it was computed in or on the thread. */
#ifndef TREC_SCORE_H
#define TREC_SCORE_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "model.h"

typedef struct trec_scorer {
    uint32_t predict;             /* enum trec_predict */
    uint64_t k;                   /* components */
    uint64_t nq, nt;              /* queries, targets */
    const float *q_repr, *t_repr; /* n x k, row-major */
    const float *q_bias, *t_bias; /* n, or NULL for no bias */
    float *q_aux, *t_aux;         /* cosine: 1/norm; euclidean: squared norm */
} trec_scorer;

/* A scorer over arbitrary representations (borrowed: they must outlive it). */
int trec_scorer_init(trec_scorer *s, uint32_t predict, uint64_t k,
                     const float *q_repr, const float *q_bias, uint64_t nq,
                     const float *t_repr, const float *t_bias, uint64_t nt,
                     trec_error *err);
/* Users x items of a model, biases included (the model's score). */
int trec_scorer_for_users(trec_scorer *s, const trec_model *m, trec_error *err);
/* Items x items of a model: the prediction function on item representations,
 * no biases (TensorRec's predict_similar_items). */
int trec_scorer_for_items(trec_scorer *s, const trec_model *m, trec_error *err);
void trec_scorer_free(trec_scorer *s);

/* A block of up to cap queries, gathered into contiguous rows. */
typedef struct trec_qblock {
    uint64_t cap, n;
    const uint64_t *idx;  /* the n query indices */
    float *repr;          /* cap x k gathered rows */
    const float *rows;    /* repr, or the scorer's rows when idx is a run */
} trec_qblock;

int trec_qblock_init(trec_qblock *b, const trec_scorer *s, uint64_t cap, trec_error *err);
/* Sets the block's queries (n <= cap; idx must stay valid while used). */
void trec_qblock_set(trec_qblock *b, const trec_scorer *s, const uint64_t *idx, uint64_t n);
void trec_qblock_free(trec_qblock *b);

/* Scores the block's queries against targets [t0, t0 + nt): row r of out
 * (leading dimension ldo >= nt) receives the scores of query b->idx[r]. */
void trec_score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                      uint64_t nt, float *out, uint64_t ldo);

/* One score, computed naively in double precision from the definition above:
 * the reference the block scores are tested against. */
double trec_score_pair(const trec_scorer *s, uint64_t q, uint64_t t);

/* Checks that matrix m (named name in messages) has one row per model user and
 * one column per model item, with the same labels in the same order when both
 * carry labels. */
int trec_score_check_matrix(const trec_model *model, const char *model_name,
                            const trec_csr *m, const char *name, trec_error *err);

#endif
