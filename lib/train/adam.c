/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* adam.c - Adam steps on float arrays. */
#include "adam.h"

#include <math.h>

void trec_adam_init(trec_adam *a, double learning_rate)
{
    *a = (trec_adam){.lr = learning_rate, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
}

void trec_adam_begin_step(trec_adam *a)
{
    a->t++;
    double t = (double)a->t;
    a->lr_t = a->lr * sqrt(1.0 - pow(a->beta2, t)) / (1.0 - pow(a->beta1, t));
}

void trec_adam_update(const trec_adam *a, float *p, const float *g, float *m, float *v,
                      uint64_t n)
{
    float b1 = (float)a->beta1, b2 = (float)a->beta2, eps = (float)a->eps;
    float lr = (float)a->lr_t;
    for (uint64_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        p[i] -= lr * m[i] / (sqrtf(v[i]) + eps);
    }
}
