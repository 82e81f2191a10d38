/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* adam.h - the Adam optimiser, as TensorFlow's AdamOptimizer (the one
 * TensorRec uses): beta1 0.9, beta2 0.999, epsilon 1e-8, and the bias
 * correction folded into the step size:
 *
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps) */
#ifndef TREC_ADAM_H
#define TREC_ADAM_H

#include <stdint.h>

typedef struct trec_adam {
    double lr, beta1, beta2, eps;
    uint64_t t;      /* steps taken */
    double lr_t;     /* step size of the current step */
} trec_adam;

void trec_adam_init(trec_adam *a, double learning_rate);
/* Starts a step (t += 1); then call trec_adam_update on every parameter array. */
void trec_adam_begin_step(trec_adam *a);
/* One step on n parameters p with gradient g and moments m, v (start at 0). */
void trec_adam_update(const trec_adam *a, float *p, const float *g, float *m, float *v,
                      uint64_t n);

#endif
