/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* loss_rmse.h - root mean square error losses (TensorRec's RMSELossGraph and
 * RMSEDenseLossGraph).
 *
 *   rmse        sqrt(mean over observed entries (u,i) of (y_ui - s_ui)^2)
 *   rmse-dense  sqrt(mean over all users x items of (y_ui - s_ui)^2), with
 *               y_ui = 0 where nothing was observed
 *
 * s_ui is the full score (prediction plus biases). The dense form is fed
 * blocks of users' dense scores, so users x items is never held at once. */
#ifndef TREC_LOSS_RMSE_H
#define TREC_LOSS_RMSE_H

#include <stdint.h>

#include "csr.h"

/* Observed: y and s are n values; fills g[e] = dL/ds[e]; returns the loss. */
double trec_rmse_observed(const float *y, const float *s, uint64_t n, float *g);

/* Dense: S is the (u1 - u0) x x->cols block of scores of users u0..u1;
 * returns sum of (y - s)^2 over the block. */
double trec_rmse_dense_sumsq(const trec_csr *x, uint64_t u0, uint64_t u1, const float *S);
/* The loss from the sum of squares over `count` cells. */
double trec_rmse_dense_loss(double sumsq, double count);
/* G = dL/dS for the block, given the loss over `count` cells. */
void trec_rmse_dense_grad(const trec_csr *x, uint64_t u0, uint64_t u1, const float *S,
                          double loss, double count, float *G);

#endif
