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

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sgd.h"

#define SGD_LANES 8
#define SGD_KERNEL static inline __attribute__((always_inline))

SGD_KERNEL float sgd_dot(const float *a, const float *b, uint64_t k)
{
    float acc[SGD_LANES] = {0};
    uint64_t c = 0;
    for (; c + SGD_LANES <= k; c += SGD_LANES)
        for (int l = 0; l < SGD_LANES; l++)
            acc[l] += a[c + l] * b[c + l];
    float tail = 0;
    for (; c < k; c++)
        tail += a[c] * b[c];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) +
           tail;
}

/* ---- WARP's screen (sgd_losses.c) ----
 * Its sums are bounded for any order of the additions, so these loops are
 * written with GCC's vector extensions, 4 lanes (GCC 12 turns int8 to float
 * conversions into scalar code otherwise), without the lane discipline of
 * the kernels above. The vectors live only inside these functions. */
typedef float sgd_v4f __attribute__((vector_size(16)));
typedef int32_t sgd_v4i __attribute__((vector_size(16)));
typedef int8_t sgd_v16b __attribute__((vector_size(16)));
typedef int64_t sgd_v2l __attribute__((vector_size(16)));

/* sum of |a[c]|, and max |a[c]| into *mx. */
SGD_KERNEL float sgd_abs_sum_max(const float *a, uint64_t k, float *mx)
{
    const sgd_v4i magnitude = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX};
    sgd_v4f acc0 = {0}, acc1 = {0}, top0 = {0}, top1 = {0};
    uint64_t c = 0;
    for (; c + 8 <= k; c += 8) {
        sgd_v4f v0, v1;
        memcpy(&v0, a + c, sizeof v0);
        memcpy(&v1, a + c + 4, sizeof v1);
        v0 = (sgd_v4f)((sgd_v4i)v0 & magnitude);
        v1 = (sgd_v4f)((sgd_v4i)v1 & magnitude);
        sgd_v4i more0 = v0 > top0, more1 = v1 > top1; /* NaN: never (the sum has it) */
        top0 = (sgd_v4f)(((sgd_v4i)v0 & more0) | ((sgd_v4i)top0 & ~more0));
        top1 = (sgd_v4f)(((sgd_v4i)v1 & more1) | ((sgd_v4i)top1 & ~more1));
        acc0 += v0;
        acc1 += v1;
    }
    sgd_v4f acc = acc0 + acc1;
    float sum = (acc[0] + acc[2]) + (acc[1] + acc[3]), m = 0;
    for (int l = 0; l < 4; l++) {
        m = top0[l] > m ? top0[l] : m;
        m = top1[l] > m ? top1[l] : m;
    }
    for (; c < k; c++) {
        float v = fabsf(a[c]);
        sum += v;
        m = v > m ? v : m;
    }
    *mx = m;
    return sum;
}

/* a . q for q in 8-bit codes. */
SGD_KERNEL float sgd_dot_i8(const float *a, const int8_t *q, uint64_t k)
{
    /* bytes 0..3 (4..7) to the top of 32-bit lanes, then shifted down with
     * their sign (lane 15 of b is 0) */
    const sgd_v16b lo = {15, 15, 15, 0, 15, 15, 15, 1, 15, 15, 15, 2, 15, 15, 15, 3};
    const sgd_v16b hi = {15, 15, 15, 4, 15, 15, 15, 5, 15, 15, 15, 6, 15, 15, 15, 7};
    sgd_v4f acc0 = {0}, acc1 = {0};
    uint64_t c = 0;
    for (; c + 8 <= k; c += 8) {
        int64_t bytes;
        sgd_v4f a0, a1;
        memcpy(&bytes, q + c, sizeof bytes);
        sgd_v16b b = (sgd_v16b)(sgd_v2l){bytes, 0};
        memcpy(&a0, a + c, sizeof a0);
        memcpy(&a1, a + c + 4, sizeof a1);
        sgd_v4i i0 = (sgd_v4i)__builtin_shuffle(b, lo) >> 24;
        sgd_v4i i1 = (sgd_v4i)__builtin_shuffle(b, hi) >> 24;
        acc0 += a0 * __builtin_convertvector(i0, sgd_v4f);
        acc1 += a1 * __builtin_convertvector(i1, sgd_v4f);
    }
    sgd_v4f v = acc0 + acc1;
    float sum = (v[0] + v[2]) + (v[1] + v[3]);
    for (; c < k; c++)
        sum += a[c] * (float)q[c];
    return sum;
}

/* Weights smaller than this in magnitude are not coded (see sgd_quantize). */
#define SGD_CODE_MIN 0x1p-60f

/* w as codes in [-127, 127] times the returned scale sc = max |w[c]| / 127,
 * so that |w[c] - sc code[c]| <= sc (1/2 + 508 u), u = 2^-24 (the roundings
 * of 127 / max, w[c] times that and sc; the codes are rounded to nearest by
 * adding and subtracting 1.5 2^23). When w is not finite (or its sum of
 * magnitudes overflows), or max |w[c]| < SGD_CODE_MIN (sc would lose
 * precision), the codes are 0 and the scale infinite: no bound holds. */
SGD_KERNEL float sgd_quantize(int8_t *restrict code, const float *restrict w, uint64_t k)
{
    float mx, sum = sgd_abs_sum_max(w, k, &mx);
    if (!(sum <= FLT_MAX) || !(mx >= SGD_CODE_MIN)) {
        memset(code, 0, k);
        return INFINITY;
    }
    /* the low byte of each 32-bit lane of two vectors */
    const sgd_v16b pick = {0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0};
    const float magic = 0x1.8p23f;
    float inv = 127.0f / mx;
    uint64_t c = 0;
    for (; c + 8 <= k; c += 8) {
        sgd_v4f v0, v1;
        memcpy(&v0, w + c, sizeof v0);
        memcpy(&v1, w + c + 4, sizeof v1);
        v0 = (v0 * inv + magic) - magic;
        v1 = (v1 * inv + magic) - magic;
        sgd_v4i i0 = __builtin_convertvector(v0, sgd_v4i), i1 = __builtin_convertvector(v1, sgd_v4i);
        sgd_v2l b = (sgd_v2l)__builtin_shuffle((sgd_v16b)i0, (sgd_v16b)i1, pick);
        int64_t bytes = b[0];
        memcpy(code + c, &bytes, sizeof bytes);
    }
    for (; c < k; c++)
        code[c] = (int8_t)((w[c] * inv + magic) - magic);
    return mx / 127.0f;
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
