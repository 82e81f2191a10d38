/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* prediction.h - prediction functions: a pair of representations -> score,
 * and their gradients (TensorRec's prediction graphs).
 *
 *   dot        x . y
 *   cosine     (x / |x|) . (y / |y|), with |v| = sqrt(max(v . v, 1e-12))
 *              as tf.nn.l2_normalize
 *   euclidean  -sqrt(max(|x - y|^2, 1e-16))
 *
 * Scores here exclude biases. The dense forms score every row of X against
 * every row of Y with BLIS; they are what the dense and sampled losses use.
 * Gradients are those of the formulas above, including where the max()
 * clamps (the clamped branch has zero gradient for euclidean and a 1e6 scale
 * for cosine, as in TensorFlow). */
#ifndef TREC_PREDICTION_H
#define TREC_PREDICTION_H

#include <stdint.h>

#include "error.h"

#define TREC_NORM_EPS 1e-12f  /* tf.nn.l2_normalize's epsilon */
#define TREC_DIST_EPS 1e-16f  /* TensorRec's euclidean epsilon */

/* Row-major single-precision GEMM through BLIS with explicit strides:
 * C = alpha * A B + beta * C, A m x k, B k x n, C m x n. */
void trec_gemm(uint64_t m, uint64_t n, uint64_t k, float alpha,
               const float *a, int64_t rsa, int64_t csa,
               const float *b, int64_t rsb, int64_t csb,
               float beta, float *c, int64_t rsc, int64_t csc);

/* out = x / sqrt(max(x . x, eps)); returns that inverse norm factor. out may be x. */
float trec_l2_normalize(const float *x, uint64_t k, float *out);
/* dx += gradient of l2_normalize at x given d(out) = dout. */
void trec_l2_normalize_grad(const float *x, uint64_t k, const float *dout, float *dx);

float trec_predict_pair(uint32_t kind, const float *x, const float *y, uint64_t k);
/* dx += g * d score / dx, dy += g * d score / dy (either may be NULL). */
void trec_predict_pair_grad(uint32_t kind, const float *x, const float *y, uint64_t k,
                            float g, float *dx, float *dy);

/* S[i * ny + j] = score(X_i, Y_j) for X nx x k and Y ny x k (row-major). */
int trec_predict_dense(uint32_t kind, const float *X, uint64_t nx, const float *Y,
                       uint64_t ny, uint64_t k, float *S, trec_error *err);
/* Given G = dL/dS (nx x ny): dX += dL/dX, dY += dL/dY (either may be NULL). */
int trec_predict_dense_grad(uint32_t kind, const float *X, uint64_t nx, const float *Y,
                            uint64_t ny, uint64_t k, const float *G, float *dX,
                            float *dY, trec_error *err);

#endif
