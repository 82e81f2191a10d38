/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* representation.h - representation functions: one side's features -> its
 * representations (n x k), forward and backward (TensorRec's representation
 * graphs), plus the side's bias (sum of its features' learned biases).
 *
 *   linear                 R = F W                (W n_features x k)
 *   normalized-linear      R = rows of F W scaled to length 1 (l2_normalize)
 *   pass-through           R = F                  (k = n_features, no weights)
 *   weighted-pass-through  R = F diag(w)          (k = n_features, w n_features)
 *   relu                   R = relu(F W1 + b1) W2 (W1 n_features x hidden)
 *
 * Parameters live in a trec_side (model.h); gradients are accumulated into a
 * second trec_side of the same shapes. Every function works on rows r0..r1 of
 * the side, so a mini-batch of users costs only its rows. */
#ifndef TREC_REPRESENTATION_H
#define TREC_REPRESENTATION_H

#include <stdint.h>

#include "error.h"
#include "features_matrix.h"
#include "model.h"
#include "rng.h"

/* Initialises s's parameters as TensorRec: linear weights are rows of
 * standard normal draws scaled to unit length; relu weights are normal with
 * standard deviation 0.5 and zero hidden biases; pass-through weights are 1;
 * feature biases are 0. Draws are made in row-major order, W1 then W2. */
void trec_repr_init(trec_side *s, uint64_t k, trec_rng *rng);

/* Floats of scratch a forward pass over `rows` rows keeps for the backward. */
uint64_t trec_repr_cache_floats(const trec_side *s, uint64_t k, uint64_t rows);

/* R[(r - r0) * k + c] = representation of row r (r0 <= r < r1). cache holds
 * trec_repr_cache_floats(s, k, r1 - r0) floats (NULL if that is 0). */
void trec_repr_forward(const trec_side *s, const trec_features *f, uint64_t k,
                       uint64_t r0, uint64_t r1, float *R, float *cache);

/* Adds to g the gradient of the loss with respect to s's weights, given
 * dR = dL/dR for rows r0..r1 and the forward pass's R and cache. */
int trec_repr_backward(const trec_side *s, const trec_features *f, uint64_t k,
                       uint64_t r0, uint64_t r1, const float *R, const float *cache,
                       const float *dR, trec_side *g, trec_error *err);

/* bias[r - r0] = sum over features of F[r][f] * feature_bias[f] (0 when the
 * side has no biases), and its backward: g->feature_bias += F^T dbias. */
void trec_bias_forward(const trec_side *s, const trec_features *f, uint64_t r0,
                       uint64_t r1, float *bias);
void trec_bias_backward(const trec_side *s, const trec_features *f, uint64_t r0,
                        uint64_t r1, const float *dbias, trec_side *g);

#endif
