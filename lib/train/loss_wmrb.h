/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* loss_wmrb.h - weighted margin-rank batch losses (TensorRec's WMRBLossGraph
 * and BalancedWMRBLossGraph; Liu & Natarajan, RecSys 2017 poster).
 *
 * Every user u of a batch gets a sample S_u of items (uniform, without
 * replacement, as TensorRec's sample_items), drawn from all items, or with
 * `unobserved` from the items u has no positive interaction with. For each
 * positive interaction (u, i) (y_ui > 0; others are ignored):
 *
 *   wmrb           l_ui = log(1 + (N_u / |S_u|) * sum_{j in S_u} max(0, 1 - s_ui + s_uj))
 *
 * where N_u, the number of items the sample stands for, is n_items, or with
 * `unobserved` n_items minus u's positive items.
 *   balanced-wmrb  the sum is further weighted by y_ui / (sum of y_vi over the
 *                  batch's positive interactions (v, i) with item i)
 *
 * and the loss is the mean of l_ui over the batch's positive interactions. */
#ifndef TREC_LOSS_WMRB_H
#define TREC_LOSS_WMRB_H

#include <stdint.h>

#include <stddef.h>

#include "csr.h"
#include "rng.h"

typedef struct trec_wmrb_args {
    const trec_csr *x;      /* interactions */
    uint64_t b0;            /* first user of the batch */
    const float *s;         /* scores of the batch's entries, from x->rowptr[b0] */
    const float *P;         /* (batch users) x ns: scores of each user's sample */
    uint64_t ns;            /* sample size */
    int unobserved;         /* samples exclude each user's positive items */
    const float *item_sum;  /* balanced: per-item sums of positive values, else NULL */
    double inv_npos;        /* 1 / number of positive interactions in the batch */
    float *g;               /* out: dL/ds per entry (0 for non-positives) */
    float *GP;              /* out: dL/dP, same shape as P */
} trec_wmrb_args;

/* Number of positive interactions of users u0..u1. */
uint64_t trec_wmrb_count_positive(const trec_csr *x, uint64_t u0, uint64_t u1);

/* sums[i] = sum of positive values in column i over users u0..u1 (n_items). */
void trec_wmrb_item_sums(const trec_csr *x, uint64_t u0, uint64_t u1, float *sums);

/* Scratch bytes trec_wmrb_users needs for samples of ns items. */
size_t trec_wmrb_scratch_bytes(uint64_t ns);

/* Loss terms and gradients for users u0..u1 of the batch (rows of g and GP
 * of other users are untouched, so disjoint ranges can run in parallel).
 * Returns the sum of l_ui over their positive interactions (not divided).
 * Each user's sampled scores are sorted once, so an interaction costs a
 * binary search rather than a pass over the sample. */
double trec_wmrb_users(const trec_wmrb_args *a, uint64_t u0, uint64_t u1, void *scratch);

/* Draws ns distinct items of n uniformly (Floyd's algorithm) into out, in a
 * deterministic order; `seen` is scratch for trec_wmrb_sample_slots(ns) ids. */
uint64_t trec_wmrb_sample_slots(uint64_t ns);
void trec_wmrb_sample(trec_rng *r, uint64_t n, uint64_t ns, uint32_t *out, uint32_t *seen);
/* The same over the items of 0..n-1 that are not positive in a row: cols
 * (sorted) and vals of its len entries; entries with vals > 0 are left out.
 * Needs ns <= n - (number of positives). */
void trec_wmrb_sample_unobserved(trec_rng *r, uint64_t n, uint64_t ns, const uint32_t *cols,
                                 const float *vals, uint64_t len, uint32_t *out,
                                 uint32_t *seen);

#endif
