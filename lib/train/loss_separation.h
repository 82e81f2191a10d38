/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* loss_separation.h - the separation loss (TensorRec's SeparationLossGraph and
 * SeparationDenseLossGraph): scores of positive interactions (y > 0) and of
 * the others (y <= 0) are modelled as two normal distributions, and the loss
 * is the probability that a negative outscores a positive:
 *
 *   L = Phi((mean_neg - mean_pos) / sqrt(var_pos + var_neg))
 *
 * (population variances, as tf.nn.moments). `separation` uses the observed
 * entries only; `separation-dense` counts every unobserved user-item pair as
 * a negative and is fed blocks of dense scores. */
#ifndef TREC_LOSS_SEPARATION_H
#define TREC_LOSS_SEPARATION_H

#include <stdint.h>

#include "csr.h"

typedef struct trec_sep_stats {
    double n_pos, n_neg, sum_pos, sum_neg, sq_pos, sq_neg;
} trec_sep_stats;

/* The gradient of L with respect to a score p is a + b * p, with (a, b)
 * depending on whether p belongs to a positive or a negative. */
typedef struct trec_sep_grad {
    double a_pos, b_pos, a_neg, b_neg;
} trec_sep_grad;

void trec_sep_add_observed(trec_sep_stats *st, const float *y, const float *s, uint64_t n);
/* Dense block: S is (u1 - u0) x x->cols. */
void trec_sep_add_dense(trec_sep_stats *st, const trec_csr *x, uint64_t u0, uint64_t u1,
                        const float *S);

/* The loss, and the coefficients of its gradient. Returns 0 (no gradient)
 * when either group is empty or both have zero variance. */
double trec_sep_loss(const trec_sep_stats *st, trec_sep_grad *gr);

void trec_sep_grad_observed(const trec_sep_grad *gr, const float *y, const float *s,
                            uint64_t n, float *g);
void trec_sep_grad_dense(const trec_sep_grad *gr, const trec_csr *x, uint64_t u0,
                         uint64_t u1, const float *S, float *G);

#endif
