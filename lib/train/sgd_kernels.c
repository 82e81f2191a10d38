/* sgd_kernels.c - the sgd algorithm's k-length loops, written as blocks of
 * 8 independent lanes so that GCC vectorises them at -O2 (SSE on generic
 * x86-64, AVX2 in the avx2 clones) without reassociating anything: every
 * code path computes the same floats in the same order, so models do not
 * depend on the machine's vector unit. */
/* The Makefile compiles this file with -fno-math-errno (sqrtf without the
 * errno path, so that the Adagrad loop vectorises). */
#include "sgd.h"

#include <math.h>

#define LANES 8

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

HOT float trec_sgd_dot(const float *a, const float *b, uint64_t k)
{
    float acc[LANES] = {0};
    uint64_t c = 0;
    for (; c + LANES <= k; c += LANES)
        for (int l = 0; l < LANES; l++)
            acc[l] += a[c + l] * b[c + l];
    float tail = 0;
    for (; c < k; c++)
        tail += a[c] * b[c];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) +
           tail;
}

HOT void trec_sgd_axpby(float *restrict out, float ga, const float *restrict a, float gb,
                        const float *restrict b, uint64_t k)
{
    uint64_t c = 0;
    for (; c + LANES <= k; c += LANES)
        for (int l = 0; l < LANES; l++)
            out[c + l] = ga * a[c + l] + gb * b[c + l];
    for (; c < k; c++)
        out[c] = ga * a[c] + gb * b[c];
}

HOT void trec_sgd_axpy(float *restrict out, float s, const float *restrict a, uint64_t k)
{
    uint64_t c = 0;
    for (; c + LANES <= k; c += LANES)
        for (int l = 0; l < LANES; l++)
            out[c + l] += s * a[c + l];
    for (; c < k; c++)
        out[c] += s * a[c];
}

/* Adagrad: w -= lr / sqrt(G) * g, G += g^2; then the L2 shrink. */
static inline void adagrad_one(float *restrict w, float *restrict g2, float g, float lr, float alpha)
{
    float rate = lr / sqrtf(*g2);
    float nw = *w - rate * g;
    *w = alpha > 0 ? nw / (1.0f + alpha * rate) : nw;
    *g2 += g * g;
}

HOT static void adagrad(float *restrict w, float *restrict g2, float s,
                        const float *restrict v, uint64_t n, float lr, float alpha)
{
    uint64_t c = 0;
    if (alpha > 0) {
        for (; c + LANES <= n; c += LANES)
            for (int l = 0; l < LANES; l++) {
                float g = s * v[c + l], rate = lr / sqrtf(g2[c + l]);
                w[c + l] = (w[c + l] - rate * g) / (1.0f + alpha * rate);
                g2[c + l] += g * g;
            }
    } else {
        for (; c + LANES <= n; c += LANES)
            for (int l = 0; l < LANES; l++) {
                float g = s * v[c + l], rate = lr / sqrtf(g2[c + l]);
                w[c + l] -= rate * g;
                g2[c + l] += g * g;
            }
    }
    for (; c < n; c++)
        adagrad_one(w + c, g2 + c, s * v[c], lr, alpha);
}

HOT static void plain(float *restrict w, float s, const float *restrict v, uint64_t n,
                      float lr, float alpha)
{
    float step = lr * s, shrink = 1.0f / (1.0f + alpha * lr);
    uint64_t c = 0;
    if (alpha > 0)
        for (; c + LANES <= n; c += LANES)
            for (int l = 0; l < LANES; l++)
                w[c + l] = (w[c + l] - step * v[c + l]) * shrink;
    else
        for (; c + LANES <= n; c += LANES)
            for (int l = 0; l < LANES; l++)
                w[c + l] -= step * v[c + l];
    for (; c < n; c++)
        w[c] = alpha > 0 ? (w[c] - step * v[c]) * shrink : w[c] - step * v[c];
}

void trec_sgd_update(const trec_sgd_rule *r, float *w, float *g2, float s, const float *v,
                     uint64_t n)
{
    if (g2)
        adagrad(w, g2, s, v, n, r->lr, r->alpha);
    else
        plain(w, s, v, n, r->lr, r->alpha);
}
