/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* representation.c - forward and backward passes of the representation
 * functions, on rows r0..r1 of a side. */
#include "representation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prediction.h"

void trec_repr_init(trec_side *s, uint64_t k, trec_rng *rng)
{
    uint64_t cols = trec_side_w1_cols(s, k), n = s->n_features;
    switch (s->repr) {
    case TREC_REPR_LINEAR:
    case TREC_REPR_NORMALIZED_LINEAR:
        for (uint64_t f = 0; f < n; f++) {
            float *w = s->w1 + f * cols;
            for (uint64_t c = 0; c < cols; c++)
                w[c] = (float)trec_rng_normal(rng);
            trec_l2_normalize(w, cols, w);
        }
        break;
    case TREC_REPR_WEIGHTED_PASS_THROUGH:
        for (uint64_t f = 0; f < n; f++)
            s->w1[f] = 1.0f;
        break;
    case TREC_REPR_RELU:
        for (uint64_t i = 0; i < n * cols; i++)
            s->w1[i] = (float)(0.5 * trec_rng_normal(rng));
        memset(s->b1, 0, s->hidden * sizeof *s->b1);
        for (uint64_t i = 0; i < s->hidden * k; i++)
            s->w2[i] = (float)(0.5 * trec_rng_normal(rng));
        break;
    default:
        break;
    }
    if (s->feature_bias)
        memset(s->feature_bias, 0, n * sizeof *s->feature_bias);
}

uint64_t trec_repr_cache_floats(const trec_side *s, uint64_t k, uint64_t rows)
{
    if (s->repr == TREC_REPR_NORMALIZED_LINEAR)
        return rows * k;            /* F W before normalising */
    if (s->repr == TREC_REPR_RELU)
        return 2 * rows * s->hidden; /* pre-activations, activations */
    return 0;
}

/* R = F diag(w) (w NULL: ones), without building the identity block. */
static void pass_through(const trec_features *f, uint64_t r0, uint64_t r1,
                         const float *w, float *R)
{
    uint64_t n = f->n_features, base = f->identity ? f->rows : 0;
    memset(R, 0, (r1 - r0) * n * sizeof *R);
    for (uint64_t r = r0; r < r1; r++) {
        float *o = R + (r - r0) * n;
        if (f->identity)
            o[r] = w ? w[r] : 1.0f;
        if (!f->extra)
            continue;
        for (uint64_t e = f->extra->rowptr[r]; e < f->extra->rowptr[r + 1]; e++) {
            uint64_t c = base + f->extra->colidx[e];
            o[c] += f->extra->vals[e] * (w ? w[c] : 1.0f);
        }
    }
}

void trec_repr_forward(const trec_side *s, const trec_features *f, uint64_t k,
                       uint64_t r0, uint64_t r1, float *R, float *cache)
{
    uint64_t rows = r1 - r0;
    switch (s->repr) {
    case TREC_REPR_LINEAR:
        trec_features_mul(f, r0, r1, s->w1, k, R);
        break;
    case TREC_REPR_NORMALIZED_LINEAR:
        trec_features_mul(f, r0, r1, s->w1, k, cache);
        for (uint64_t r = 0; r < rows; r++)
            trec_l2_normalize(cache + r * k, k, R + r * k);
        break;
    case TREC_REPR_PASS_THROUGH:
        pass_through(f, r0, r1, NULL, R);
        break;
    case TREC_REPR_WEIGHTED_PASS_THROUGH:
        pass_through(f, r0, r1, s->w1, R);
        break;
    case TREC_REPR_RELU: {
        uint64_t h = s->hidden;
        float *Z = cache, *H = cache + rows * h;
        trec_features_mul(f, r0, r1, s->w1, h, Z);
        for (uint64_t r = 0; r < rows; r++)
            for (uint64_t j = 0; j < h; j++) {
                float z = Z[r * h + j] + s->b1[j];
                Z[r * h + j] = z;
                H[r * h + j] = z > 0.0f ? z : 0.0f;
            }
        trec_gemm(rows, k, h, 1.0f, H, (int64_t)h, 1, s->w2, (int64_t)k, 1, 0.0f, R,
                  (int64_t)k, 1);
        break;
    }
    default:
        break;
    }
}

/* dw[f] += sum over rows of F[r][f] * dR[r][f] (k = n_features). */
static void weighted_pass_through_grad(const trec_features *f, uint64_t r0, uint64_t r1,
                                       const float *dR, float *dw)
{
    uint64_t n = f->n_features, base = f->identity ? f->rows : 0;
    for (uint64_t r = r0; r < r1; r++) {
        const float *d = dR + (r - r0) * n;
        if (f->identity)
            dw[r] += d[r];
        if (!f->extra)
            continue;
        for (uint64_t e = f->extra->rowptr[r]; e < f->extra->rowptr[r + 1]; e++) {
            uint64_t c = base + f->extra->colidx[e];
            dw[c] += f->extra->vals[e] * d[c];
        }
    }
}

static int relu_grad(const trec_side *s, const trec_features *f, uint64_t k, uint64_t r0,
                     uint64_t r1, const float *cache, const float *dR, trec_side *g,
                     trec_error *err)
{
    uint64_t rows = r1 - r0, h = s->hidden;
    const float *Z = cache, *H = cache + rows * h;
    uint64_t nz = rows * h;
    float *dZ = trec_malloc((nz ? nz : 1) * sizeof *dZ, err);
    if (!dZ)
        return -1;
    /* dW2 += H^T dR; dH = dR W2^T, masked by the ReLU into dZ. */
    trec_gemm(h, k, rows, 1.0f, H, 1, (int64_t)h, dR, (int64_t)k, 1, 1.0f, g->w2,
              (int64_t)k, 1);
    trec_gemm(rows, h, k, 1.0f, dR, (int64_t)k, 1, s->w2, 1, (int64_t)k, 0.0f, dZ,
              (int64_t)h, 1);
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t j = 0; j < h; j++) {
            float *d = &dZ[r * h + j];
            if (Z[r * h + j] <= 0.0f)
                *d = 0.0f;
            g->b1[j] += *d;
        }
    trec_features_mul_t_acc(f, r0, r1, dZ, h, g->w1);
    free(dZ);
    return 0;
}

int trec_repr_backward(const trec_side *s, const trec_features *f, uint64_t k,
                       uint64_t r0, uint64_t r1, const float *R, const float *cache,
                       const float *dR, trec_side *g, trec_error *err)
{
    (void)R;
    uint64_t rows = r1 - r0;
    switch (s->repr) {
    case TREC_REPR_LINEAR:
        trec_features_mul_t_acc(f, r0, r1, dR, k, g->w1);
        return 0;
    case TREC_REPR_NORMALIZED_LINEAR: {
        uint64_t nl = rows * k;
        float *dL = trec_calloc(nl ? nl : 1, sizeof *dL, err);
        if (!dL)
            return -1;
        for (uint64_t r = 0; r < rows; r++)
            trec_l2_normalize_grad(cache + r * k, k, dR + r * k, dL + r * k);
        trec_features_mul_t_acc(f, r0, r1, dL, k, g->w1);
        free(dL);
        return 0;
    }
    case TREC_REPR_WEIGHTED_PASS_THROUGH:
        weighted_pass_through_grad(f, r0, r1, dR, g->w1);
        return 0;
    case TREC_REPR_RELU:
        return relu_grad(s, f, k, r0, r1, cache, dR, g, err);
    default:
        return 0; /* pass-through has no weights */
    }
}

void trec_bias_forward(const trec_side *s, const trec_features *f, uint64_t r0,
                       uint64_t r1, float *bias)
{
    if (s->feature_bias)
        trec_features_mul(f, r0, r1, s->feature_bias, 1, bias);
    else
        memset(bias, 0, (r1 - r0) * sizeof *bias);
}

void trec_bias_backward(const trec_side *s, const trec_features *f, uint64_t r0,
                        uint64_t r1, const float *dbias, trec_side *g)
{
    if (s->feature_bias && g->feature_bias)
        trec_features_mul_t_acc(f, r0, r1, dbias, 1, g->feature_bias);
}
