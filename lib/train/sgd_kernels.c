/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* sgd_kernels.c - the kernels of sgd_kernels.h as functions, for the test
 * hook and the tests. */
#include "sgd_kernels.h"

float trec_sgd_dot(const float *a, const float *b, uint64_t k)
{
    return sgd_dot(a, b, k);
}

void trec_sgd_update(const trec_sgd_rule *r, float *w, float *g2, float s, const float *v,
                     uint64_t n)
{
    sgd_update(r, w, g2, s, v, n);
}
