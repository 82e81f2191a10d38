/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* sgd_kernels.h - the sgd algorithm's k-length loops (internal), inlined
 * into the per-pair code (sgd_losses.c, whose stratum loop is compiled for
 * AVX2 and for generic x86-64). They are written as blocks of 8 independent
 * lanes so that GCC vectorises them at -O2 without reassociating anything:
 * every code path computes the same floats in the same order, so a model
 * does not depend on the machine's vector unit. A file that includes this
 * header is compiled with -fno-math-errno (see the Makefile), without which
 * sqrtf does not vectorise. */
#ifndef TREC_SGD_KERNELS_H
#define TREC_SGD_KERNELS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sgd.h"

#define SGD_LANES 8
#define SGD_KERNEL static inline __attribute__((always_inline))

typedef float sgd_v4 __attribute__((vector_size(16)));
typedef int32_t sgd_v4i __attribute__((vector_size(16)));

/* ((a0 + a4) + (a1 + a5)) + ((a2 + a6) + (a3 + a7)), as 4-lane vector
 * additions and shuffles (16 scalar instructions became 6, in a tenth of a
 * warp epoch), the same floats on every vector unit. */
SGD_KERNEL float sgd_lane_sum(const float acc[SGD_LANES])
{
    sgd_v4 lo, hi;
    memcpy(&lo, acc, sizeof lo);
    memcpy(&hi, acc + 4, sizeof hi);
    sgd_v4 x = lo + hi;                                        /* a_l + a_(l+4) */
    sgd_v4 y = x + __builtin_shuffle(x, (sgd_v4i){1, 1, 3, 3}); /* x0 + x1, x2 + x3 */
    return y[0] + y[2];
}

SGD_KERNEL void sgd_dot_lanes(float acc[SGD_LANES], const float *a, const float *b)
{
    for (int l = 0; l < SGD_LANES; l++)
        acc[l] += a[l] * b[l];
}

/* Unrolled where k is a constant (the stratum loop made for one k): the
 * scoring of warp's draws, most of an epoch. */
SGD_KERNEL float sgd_dot(const float *a, const float *b, uint64_t k)
{
    float acc[SGD_LANES] = {0};
    uint64_t c = 0;
    if (__builtin_constant_p(k)) {
#pragma GCC unroll 16
        for (; c + SGD_LANES <= k; c += SGD_LANES)
            sgd_dot_lanes(acc, a + c, b + c);
    } else {
        for (; c + SGD_LANES <= k; c += SGD_LANES)
            sgd_dot_lanes(acc, a + c, b + c);
    }
    float tail = 0;
    for (; c < k; c++)
        tail += a[c] * b[c];
    return sgd_lane_sum(acc) + tail;
}

SGD_KERNEL void sgd_axpby(float *restrict out, float ga, const float *restrict a,
                          float gb, const float *restrict b, uint64_t k)
{
    uint64_t c = 0;
    for (; c + SGD_LANES <= k; c += SGD_LANES)
        for (int l = 0; l < SGD_LANES; l++)
            out[c + l] = ga * a[c + l] + gb * b[c + l];
    for (; c < k; c++)
        out[c] = ga * a[c] + gb * b[c];
}

SGD_KERNEL void sgd_axpy(float *restrict out, float s, const float *restrict a, uint64_t k)
{
    uint64_t c = 0;
    for (; c + SGD_LANES <= k; c += SGD_LANES)
        for (int l = 0; l < SGD_LANES; l++)
            out[c + l] += s * a[c + l];
    for (; c < k; c++)
        out[c] += s * a[c];
}

/* Adagrad, with r = lr / sqrt(G): w = (w - r g) / (1 + alpha r), then
 * G += g^2; computed with one division, as (w sqrt(G) - lr g) /
 * (sqrt(G) + alpha lr) (alpha 0: w - lr g / sqrt(G)). */
SGD_KERNEL void sgd_adagrad_one(float *restrict w, float *restrict g2, float g, float lr,
                                float alpha)
{
    float root = sqrtf(*g2);
    *w = alpha > 0 ? (*w * root - lr * g) / (root + alpha * lr) : *w - lr * g / root;
    *g2 += g * g;
}

SGD_KERNEL void sgd_adagrad(float *restrict w, float *restrict g2, float s,
                            const float *restrict v, uint64_t n, float lr, float alpha)
{
    uint64_t c = 0;
    float shrink = alpha * lr;
    if (alpha > 0) {
        for (; c + SGD_LANES <= n; c += SGD_LANES)
            for (int l = 0; l < SGD_LANES; l++) {
                float g = s * v[c + l], root = sqrtf(g2[c + l]);
                w[c + l] = (w[c + l] * root - lr * g) / (root + shrink);
                g2[c + l] += g * g;
            }
    } else {
        for (; c + SGD_LANES <= n; c += SGD_LANES)
            for (int l = 0; l < SGD_LANES; l++) {
                float g = s * v[c + l];
                w[c + l] -= lr * g / sqrtf(g2[c + l]);
                g2[c + l] += g * g;
            }
    }
    for (; c < n; c++)
        sgd_adagrad_one(w + c, g2 + c, s * v[c], lr, alpha);
}

SGD_KERNEL void sgd_plain(float *restrict w, float s, const float *restrict v, uint64_t n,
                          float lr, float alpha)
{
    float step = lr * s, shrink = 1.0f / (1.0f + alpha * lr);
    uint64_t c = 0;
    if (alpha > 0)
        for (; c + SGD_LANES <= n; c += SGD_LANES)
            for (int l = 0; l < SGD_LANES; l++)
                w[c + l] = (w[c + l] - step * v[c + l]) * shrink;
    else
        for (; c + SGD_LANES <= n; c += SGD_LANES)
            for (int l = 0; l < SGD_LANES; l++)
                w[c + l] -= step * v[c + l];
    for (; c < n; c++)
        w[c] = alpha > 0 ? (w[c] - step * v[c]) * shrink : w[c] - step * v[c];
}

SGD_KERNEL void sgd_update(const trec_sgd_rule *r, float *w, float *g2, float s,
                           const float *v, uint64_t n)
{
    if (g2)
        sgd_adagrad(w, g2, s, v, n, r->lr, r->alpha);
    else
        sgd_plain(w, s, v, n, r->lr, r->alpha);
}

#endif
