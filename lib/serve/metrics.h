/* metrics.h - ranking metrics at K: recall, precision, NDCG, F1, for a
 * model's top-K lists and for two baselines (most-popular, random).
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
 * Most-popular baseline: every user gets the items in decreasing order of
 * their number of positive training entries (equal counts: lower index first),
 * minus the user's excluded items. */
#ifndef TREC_METRICS_H
#define TREC_METRICS_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "topk.h"

enum trec_gain {
    TREC_GAIN_EXP = 0,     /* 2^rating - 1 */
    TREC_GAIN_BINARY = 1,  /* 1 */
};

enum { TREC_RECALL = 0, TREC_PRECISION, TREC_NDCG, TREC_F1, TREC_N_METRICS };
extern const char *const trec_metric_names[TREC_N_METRICS]; /* "recall", ... */

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
    double *per_user;         /* n_users x nk x TREC_N_METRICS (0 when skipped) */
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
 * k >= the largest cut-off, or from trec_popular_lists). */
int trec_eval_lists(const trec_positives *p, const trec_topk_lists *lists,
                    const trec_eval_config *cfg, trec_eval_result *out, trec_error *err);

/* Items by decreasing number of positives in train (equal: lower index
 * first); *order has n_items entries, to be freed with free(). */
int trec_popularity_order(const trec_positives *train, uint32_t **order, trec_error *err);
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

#endif
