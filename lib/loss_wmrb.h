/* loss_wmrb.h - weighted margin-rank batch losses (TensorRec's WMRBLossGraph
 * and BalancedWMRBLossGraph; Liu & Natarajan, RecSys 2017 poster).
 *
 * For a batch of users, a sample S of items (uniform, with replacement,
 * shared by the whole batch) is scored for every user of the batch. For each
 * positive interaction (u, i) (y_ui > 0; others are ignored):
 *
 *   wmrb           l_ui = log(1 + (n_items / |S|) * sum_{j in S} max(0, 1 - s_ui + s_uj))
 *   balanced-wmrb  the sum is further weighted by y_ui / (sum of y_vi over the
 *                  batch's positive interactions (v, i) with item i)
 *
 * and the loss is the mean of l_ui over the batch's positive interactions. */
#ifndef TREC_LOSS_WMRB_H
#define TREC_LOSS_WMRB_H

#include <stdint.h>

#include "csr.h"

typedef struct trec_wmrb_args {
    const trec_csr *x;      /* interactions */
    uint64_t b0;            /* first user of the batch */
    const float *s;         /* scores of the batch's entries, from x->rowptr[b0] */
    const float *P;         /* (batch users) x ns sample scores */
    uint64_t ns;            /* sample size */
    const float *item_sum;  /* balanced: per-item sums of positive values, else NULL */
    double inv_npos;        /* 1 / number of positive interactions in the batch */
    float *g;               /* out: dL/ds per entry (0 for non-positives) */
    float *GP;              /* out: dL/dP, same shape as P */
} trec_wmrb_args;

/* Number of positive interactions of users u0..u1. */
uint64_t trec_wmrb_count_positive(const trec_csr *x, uint64_t u0, uint64_t u1);

/* sums[i] = sum of positive values in column i over users u0..u1 (n_items). */
void trec_wmrb_item_sums(const trec_csr *x, uint64_t u0, uint64_t u1, float *sums);

/* Loss terms and gradients for users u0..u1 of the batch (rows of g and GP
 * of other users are untouched, so disjoint ranges can run in parallel).
 * Returns the sum of l_ui over their positive interactions (not divided). */
double trec_wmrb_users(const trec_wmrb_args *a, uint64_t u0, uint64_t u1);

#endif
