/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* metrics.h - ranking metrics at K: recall, precision, NDCG, F1, MAP, MRR,
 * hit rate, catalogue coverage, and AUC, for a model's top-K lists (AUC: its
 * full ranking) and for two baselines (most-popular, random).
 *
 * Definitions (TensorRec's tensorrec/eval.py, which extends LightFM's
 * lightfm/evaluation.py). For one user with P positives (test entries with
 * value >= the minimum rating) and ranked list L (best first):
 *     hits@K      = positives among L[1..K]
 *     recall@K    = hits@K / P
 *     precision@K = hits@K / K              (K, even when fewer items exist)
 *     DCG@K       = sum over positives i at rank r <= K of gain(i) / log2(r + 1)
 *     IDCG@K      = the same for the best order: the min(K, P) largest gains
 *     NDCG@K      = DCG@K / IDCG@K
 *     gain(i)     = 2^rating(i) - 1 (TensorRec, graded) or 1 (binary)
 *     AP@K        = (sum over positives at rank r <= K of hits@r / r) / min(K, P)
 *     MAP@K       = the mean of AP@K
 *     MRR@K       = 1 / (rank of the first positive) if it is <= K, else 0
 *     hit-rate@K  = 1 if hits@K > 0, else 0
 *     AUC         = the share of (positive, negative) pairs the ranking puts in
 *                   the right order, over the user's candidate items
 *                   (negatives: candidates that are not positives; a positive
 *                   that is not a candidate counts as ranked after every
 *                   negative); 0.5 when the user has no negative candidate.
 *                   Needs the full ranking: trec_eval_auc.
 *     coverage@K  = the share of all items that appear in the top K of at
 *                   least one evaluated user (one figure for the split).
 * Users without positives are skipped. A split's recall/precision/NDCG are
 * means over the evaluated users; its F1@K is 2 P R / (P + R) of the mean
 * precision P and mean recall R (TensorRec's f1_score_at_k), while the
 * per-user F1 is the same formula on that user's values.
 *
 * Random baseline: exact expectations under a uniformly random order of the
 * user's N candidate items (all items, or those not excluded). Every item
 * then has rank r with probability 1/N, so with m = min(K, N) and P' the
 * positives among the candidates (sum of their gains G'):
 *     E[hits@K] = P' m / N,  E[recall] = P' m / (N P),  E[precision] = P' m / (N K)
 *     E[NDCG@K] = G' (sum_{r=1..m} 1/log2(r + 1)) / (N IDCG@K)
 *     E[AP@K]   = (P'/N) sum_{r=1..m} (1 + (r - 1)(P' - 1)/(N - 1)) / r / min(K, P)
 *     E[MRR@K]  = sum_{r=1..m} a_r P' / ((N - r + 1) r),  E[hit-rate@K] = 1 - a_{m+1}
 *               with a_r = prod_{j<r-1} (N - P' - j)/(N - j), the chance that the
 *               first r - 1 ranks hold no positive
 *     E[AUC]    = P' / (2 P) (0.5 when every positive is a candidate, or when the
 *               user has no negative candidate)
 *     E[coverage@K] = the mean over items i of 1 - prod over evaluated users u
 *               with i among their candidates of (1 - m_u / N_u)
 * Most-popular baseline: every user gets the items in decreasing order of
 * their number of positive training entries (equal counts: lower index first),
 * minus the user's excluded items. */
#ifndef TREC_METRICS_H
#define TREC_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "topk.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trec_gain {
    TREC_GAIN_EXP = 0,     /* 2^rating - 1 */
    TREC_GAIN_BINARY = 1,  /* 1 */
};

enum {
    TREC_RECALL = 0, TREC_PRECISION, TREC_NDCG, TREC_F1, /* the classic four */
    TREC_MAP, TREC_MRR, TREC_HIT_RATE, TREC_COVERAGE, TREC_AUC,
    TREC_N_METRICS
};
#define TREC_N_CLASSIC_METRICS 4
/* "recall", "precision", "ndcg", "f1", "map", "mrr", "hit-rate", "coverage",
 * "auc" */
extern const char *const trec_metric_names[TREC_N_METRICS];
/* The metric called name ("hit-rate"), -1 if none. */
int trec_metric_from_name(const char *name);
/* "ndcg@10", or "auc" (AUC does not depend on K), into buf. */
const char *trec_metric_label(int metric, uint32_t k, char *buf, size_t size);
/* Parses "ndcg@10", "recall" (K = 10) or "auc" (evaluate.c). */
int trec_metric_parse(const char *s, int *metric, uint32_t *k, trec_error *err);

typedef struct trec_eval_config {
    const uint32_t *ks;       /* the cut-offs, each >= 1 */
    int nk;
    int has_min_rating;       /* else every stored entry is a positive */
    double min_rating;
    int gain;                 /* enum trec_gain */
} trec_eval_config;

/* The positives of a split: per user, sorted item indices and their gains. */
typedef struct trec_positives {
    uint64_t n_users, n_items, n;
    uint64_t *rowptr;         /* n_users + 1 */
    uint32_t *items;          /* n */
    double *gains;            /* n */
} trec_positives;

/* Selects the positives of m (named name in messages). With the graded gain a
 * positive entry must have a value > 0 (its gain would be <= 0). */
int trec_positives_from_csr(trec_positives *p, const trec_csr *m, const char *name,
                            const trec_eval_config *cfg, trec_error *err);
void trec_positives_free(trec_positives *p);

/* Number of positives that are also entries of m (same shape); the first one
 * found (lowest user, then item) goes to *user, *item. */
uint64_t trec_positives_overlap(const trec_positives *p, const trec_csr *m,
                                uint64_t *user, uint32_t *item);

/* The error trec-eval --exclude-train gives when n test positives are
 * train entries, the first one (user, item) named by its labels (at most
 * 40 bytes each; count 0: by index). Returns -1. */
int trec_overlap_error(trec_error *err, uint64_t n, uint64_t user, uint32_t item,
                       const trec_labels *user_labels, const trec_labels *item_labels,
                       const char *test, const char *train);

/* Metric values of one ranker on one split. */
typedef struct trec_eval_result {
    int nk;
    uint64_t n_users, evaluated, skipped, n_positives;
    uint8_t *has;             /* n_users: 1 if evaluated */
    double *per_user;         /* n_users x nk x TREC_N_METRICS (0 when skipped;
                               * coverage: 0, a split's figure; AUC: 0 until
                               * trec_eval_auc, the same for every K) */
    double *mean;             /* nk x TREC_N_METRICS; F1 from the means */
} trec_eval_result;

void trec_eval_result_free(trec_eval_result *r);

/* The two steps of the means, for callers that hold the users in blocks
 * (distributed evaluation): adds the per-user values of r's evaluated users
 * to sum (nk x TREC_N_METRICS) in user order, so that blocks added in order
 * give the sum of the whole; then sets r->mean from sum and r->evaluated
 * (F1 from the mean precision and recall). */
void trec_eval_add_users(const trec_eval_result *r, double *sum);
void trec_eval_set_means(trec_eval_result *r, const double *sum);

/* Scores a ranker from its lists (one per user, e.g. from trec_topk_run with
 * k >= the largest cut-off, or from trec_popular_lists): every metric but
 * AUC. */
int trec_eval_lists(const trec_positives *p, const trec_topk_lists *lists,
                    const trec_eval_config *cfg, trec_eval_result *out, trec_error *err);

/* Adds AUC to r (from trec_eval_lists or trec_eval_random on the same
 * positives) from the full ranking of scorer s (users x items), each user's
 * entries in exclude (NULL: none) left out; threads >= 1 (the result does
 * not depend on it). */
int trec_eval_auc(const trec_positives *p, const trec_scorer *s, const trec_csr *exclude,
                  int threads, trec_eval_result *r, trec_error *err);

/* A model's metrics on positives p (the model's users and items): every
 * user's top max(K) with its entries in exclude (NULL: none) left out, and
 * with_auc AUC from the full ranking (evaluate.c). */
int trec_eval_model(const trec_model *m, const trec_positives *p, const trec_csr *exclude,
                    const trec_eval_config *cfg, int with_auc, int threads,
                    trec_eval_result *out, trec_error *err);

/* Items by decreasing number of positives in train (equal: lower index
 * first); *order has n_items entries, to be freed with free(). */
int trec_popularity_order(const trec_positives *train, uint32_t **order, trec_error *err);
/* The same ranking as a scorer (users x items, score = the item's count of
 * positives), for trec_eval_auc; *counts (the counts and zeros the scorer
 * borrows: free() it after s) must outlive s. */
int trec_popularity_scorer(const trec_positives *train, trec_scorer *s, float **counts,
                           trec_error *err);
/* Its two steps, for callers that add up the counts of blocks of users:
 * the positives per item (n_items counts, free()), and the order from
 * counts of n items. */
int trec_popularity_counts(const trec_positives *train, uint64_t **counts, trec_error *err);
int trec_popularity_order_of(const uint64_t *counts, uint64_t n, uint32_t **order,
                             trec_error *err);
/* The first k items of order for every user, skipping the user's entries in
 * exclude (NULL: none). */
int trec_popular_lists(const uint32_t *order, uint64_t n_users, uint64_t n_items,
                       const trec_csr *exclude, uint32_t k, trec_topk_lists *out,
                       trec_error *err);

/* The exact expected metrics of a uniformly random ranking of every user's
 * candidates (all items minus its entries in exclude, NULL: none). */
int trec_eval_random(const trec_positives *p, const trec_csr *exclude,
                     const trec_eval_config *cfg, trec_eval_result *out, trec_error *err);

/* 2 p r / (p + r), 0 when both are 0. */
double trec_f1(double precision, double recall);

/* How every tool prints a metric value (an evaluation mean, a validation
 * value, a per-user figure, a history cell, a change between runs): fixed
 * TREC_METRIC_DECIMALS decimals, so that the table, TSV, JSON, the history,
 * the tune leaderboard and the report show the same digits for the same
 * value; JSON writes this text as the number. Model scores and matrix
 * values are floats and go through trec_format_float instead. sign: 1
 * writes a leading '+' on positive values (a change); "-0.000000" comes out
 * without its sign. NaN and infinities as nan, inf, -inf. Returns the
 * length; buf should have at least TREC_METRIC_TEXT bytes. */
#define TREC_METRIC_DECIMALS 6
#define TREC_METRIC_TEXT 48
size_t trec_format_metric(double v, int sign, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
