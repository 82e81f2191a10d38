/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* prediction.c - dot, cosine and negative euclidean scores, pairwise and
 * dense (BLIS), with their gradients. */
#include "prediction.h"

#include <blis.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "model.h"

void trec_gemm(uint64_t m, uint64_t n, uint64_t k, float alpha,
               const float *a, int64_t rsa, int64_t csa,
               const float *b, int64_t rsb, int64_t csb,
               float beta, float *c, int64_t rsc, int64_t csc)
{
    if (m == 0 || n == 0)
        return;
    if (k == 0) { /* BLIS would only scale C; do it explicitly */
        for (uint64_t i = 0; i < m; i++)
            for (uint64_t j = 0; j < n; j++)
                c[i * rsc + j * csc] = beta == 0.0f ? 0.0f : beta * c[i * rsc + j * csc];
        return;
    }
    bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)m, (dim_t)n, (dim_t)k, &alpha,
              (float *)a, (inc_t)rsa, (inc_t)csa, (float *)b, (inc_t)rsb, (inc_t)csb,
              &beta, c, (inc_t)rsc, (inc_t)csc);
}

/* n floats (at least one, so a zero-sized request is not a failure). */
static float *floats(uint64_t n, trec_error *err)
{
    return trec_malloc((n ? n : 1) * sizeof(float), err);
}

/* The per-pair dot products are most of a sampled fit's time: linalg.h's
 * vectorised kernel (a fixed summation order, so still deterministic). */
static float dotk(const float *x, const float *y, uint64_t k)
{
    return trec_dot(x, y, (size_t)k);
}

float trec_l2_normalize(const float *x, uint64_t k, float *out)
{
    float ss = dotk(x, x, k);
    float inv = 1.0f / sqrtf(ss >= TREC_NORM_EPS ? ss : TREC_NORM_EPS);
    for (uint64_t c = 0; c < k; c++)
        out[c] = x[c] * inv;
    return inv;
}

void trec_l2_normalize_grad(const float *x, uint64_t k, const float *dout, float *dx)
{
    float ss = dotk(x, x, k);
    if (ss < TREC_NORM_EPS) { /* clamped: out = x * 1e6, a plain scaling */
        float inv = 1.0f / sqrtf(TREC_NORM_EPS);
        for (uint64_t c = 0; c < k; c++)
            dx[c] += dout[c] * inv;
        return;
    }
    /* out = x / |x|: d out / dx = (I - u u^T) / |x| with u = out */
    float inv = 1.0f / sqrtf(ss);
    float xd = dotk(x, dout, k) * inv;   /* u . dout */
    for (uint64_t c = 0; c < k; c++)
        dx[c] += (dout[c] - x[c] * inv * xd) * inv;
}

static float sqdist(const float *x, const float *y, uint64_t k)
{
    float s = 0;
    for (uint64_t c = 0; c < k; c++) {
        float d = x[c] - y[c];
        s += d * d;
    }
    return s;
}

float trec_predict_pair(uint32_t kind, const float *x, const float *y, uint64_t k)
{
    switch (kind) {
    case TREC_PREDICT_COSINE: {
        float sx = dotk(x, x, k), sy = dotk(y, y, k);
        float ix = 1.0f / sqrtf(sx >= TREC_NORM_EPS ? sx : TREC_NORM_EPS);
        float iy = 1.0f / sqrtf(sy >= TREC_NORM_EPS ? sy : TREC_NORM_EPS);
        return dotk(x, y, k) * ix * iy;
    }
    case TREC_PREDICT_EUCLIDEAN: {
        float d2 = sqdist(x, y, k);
        return -sqrtf(d2 >= TREC_DIST_EPS ? d2 : TREC_DIST_EPS);
    }
    default:
        return dotk(x, y, k);
    }
}

/* Gradient of cosine with respect to one side: g * N'(a)^T b_hat. */
static void cosine_side_grad(const float *a, const float *b, uint64_t k, float g, float *da)
{
    float sa = dotk(a, a, k), sb = dotk(b, b, k);
    float ib = 1.0f / sqrtf(sb >= TREC_NORM_EPS ? sb : TREC_NORM_EPS);
    if (sa < TREC_NORM_EPS) {
        float ia = 1.0f / sqrtf(TREC_NORM_EPS);
        for (uint64_t c = 0; c < k; c++)
            da[c] += g * ia * b[c] * ib;
        return;
    }
    float ia = 1.0f / sqrtf(sa);
    float cos = dotk(a, b, k) * ia * ib;
    for (uint64_t c = 0; c < k; c++)
        da[c] += g * ia * (b[c] * ib - a[c] * ia * cos);
}

void trec_predict_pair_grad(uint32_t kind, const float *x, const float *y, uint64_t k,
                            float g, float *dx, float *dy)
{
    switch (kind) {
    case TREC_PREDICT_COSINE:
        if (dx)
            cosine_side_grad(x, y, k, g, dx);
        if (dy)
            cosine_side_grad(y, x, k, g, dy);
        return;
    case TREC_PREDICT_EUCLIDEAN: {
        float d2 = sqdist(x, y, k);
        if (d2 < TREC_DIST_EPS)
            return; /* clamped to a constant */
        float f = -g / sqrtf(d2); /* d(-sqrt(d2)) = -(x - y)/sqrt(d2) dx */
        for (uint64_t c = 0; c < k; c++) {
            float d = x[c] - y[c];
            if (dx)
                dx[c] += f * d;
            if (dy)
                dy[c] -= f * d;
        }
        return;
    }
    default:
        if (dx)
            trec_axpy(g, y, dx, (size_t)k);
        if (dy)
            trec_axpy(g, x, dy, (size_t)k);
    }
}

/* Unit-length copies of the rows of A (n x k). */
static float *normalized_rows(const float *A, uint64_t n, uint64_t k, trec_error *err)
{
    float *u = floats(n * k, err);
    if (u)
        for (uint64_t i = 0; i < n; i++)
            trec_l2_normalize(A + i * k, k, u + i * k);
    return u;
}

static float *sqnorms(const float *A, uint64_t n, uint64_t k, trec_error *err)
{
    float *s = floats(n, err);
    if (s)
        for (uint64_t i = 0; i < n; i++)
            s[i] = dotk(A + i * k, A + i * k, k);
    return s;
}

int trec_predict_dense(uint32_t kind, const float *X, uint64_t nx, const float *Y,
                       uint64_t ny, uint64_t k, float *S, trec_error *err)
{
    int64_t K = (int64_t)k, N = (int64_t)ny;
    if (kind == TREC_PREDICT_COSINE) {
        float *ux = normalized_rows(X, nx, k, err);
        float *uy = ux ? normalized_rows(Y, ny, k, err) : NULL;
        if (uy)
            trec_gemm(nx, ny, k, 1.0f, ux, K, 1, uy, 1, K, 0.0f, S, N, 1);
        free(ux);
        free(uy);
        return uy ? 0 : -1;
    }
    trec_gemm(nx, ny, k, 1.0f, X, K, 1, Y, 1, K, 0.0f, S, N, 1);
    if (kind != TREC_PREDICT_EUCLIDEAN)
        return 0;
    float *rx = sqnorms(X, nx, k, err);
    float *ry = rx ? sqnorms(Y, ny, k, err) : NULL;
    if (ry)
        for (uint64_t i = 0; i < nx; i++)
            for (uint64_t j = 0; j < ny; j++) {
                float d2 = rx[i] - 2.0f * S[i * ny + j] + ry[j];
                S[i * ny + j] = -sqrtf(d2 >= TREC_DIST_EPS ? d2 : TREC_DIST_EPS);
            }
    free(rx);
    free(ry);
    return ry ? 0 : -1;
}

/* Dense cosine gradient: through the normalised rows, then the normalisation. */
static int cosine_dense_grad(const float *X, uint64_t nx, const float *Y, uint64_t ny,
                             uint64_t k, const float *G, float *dX, float *dY, trec_error *err)
{
    int64_t K = (int64_t)k, N = (int64_t)ny;
    float *ux = normalized_rows(X, nx, k, err);
    float *uy = ux ? normalized_rows(Y, ny, k, err) : NULL;
    uint64_t nmax = nx > ny ? nx : ny;
    float *d = uy ? floats(nmax * k, err) : NULL;
    if (d && dX) {
        trec_gemm(nx, k, ny, 1.0f, G, N, 1, uy, K, 1, 0.0f, d, K, 1);
        for (uint64_t i = 0; i < nx; i++)
            trec_l2_normalize_grad(X + i * k, k, d + i * k, dX + i * k);
    }
    if (d && dY) {
        trec_gemm(ny, k, nx, 1.0f, G, 1, N, ux, K, 1, 0.0f, d, K, 1);
        for (uint64_t j = 0; j < ny; j++)
            trec_l2_normalize_grad(Y + j * k, k, d + j * k, dY + j * k);
    }
    free(ux);
    free(uy);
    free(d);
    return d ? 0 : -1;
}

/* Dense euclidean gradient: with H = G * d score / d d2 (zero where clamped),
 * dX = 2 rowsum(H) X - 2 H Y and dY = 2 colsum(H) Y - 2 H^T X. */
static int euclid_dense_grad(const float *X, uint64_t nx, const float *Y, uint64_t ny,
                             uint64_t k, const float *G, float *dX, float *dY, trec_error *err)
{
    int64_t K = (int64_t)k, N = (int64_t)ny;
    float *H = floats(nx * ny, err);
    float *rx = H ? sqnorms(X, nx, k, err) : NULL;
    float *ry = rx ? sqnorms(Y, ny, k, err) : NULL;
    float *cs = ry ? trec_calloc(ny ? ny : 1, sizeof *cs, err) : NULL;
    if (cs) {
        trec_gemm(nx, ny, k, 1.0f, X, K, 1, Y, 1, K, 0.0f, H, N, 1);
        for (uint64_t i = 0; i < nx; i++) {
            float rs = 0;
            for (uint64_t j = 0; j < ny; j++) {
                float d2 = rx[i] - 2.0f * H[i * ny + j] + ry[j];
                float h = d2 >= TREC_DIST_EPS ? -0.5f * G[i * ny + j] / sqrtf(d2) : 0.0f;
                H[i * ny + j] = h;
                rs += h;
                cs[j] += h;
            }
            if (dX)
                for (uint64_t c = 0; c < k; c++)
                    dX[i * k + c] += 2.0f * rs * X[i * k + c];
        }
        if (dX)
            trec_gemm(nx, k, ny, -2.0f, H, N, 1, Y, K, 1, 1.0f, dX, K, 1);
        if (dY) {
            for (uint64_t j = 0; j < ny; j++)
                for (uint64_t c = 0; c < k; c++)
                    dY[j * k + c] += 2.0f * cs[j] * Y[j * k + c];
            trec_gemm(ny, k, nx, -2.0f, H, 1, N, X, K, 1, 1.0f, dY, K, 1);
        }
    }
    free(H);
    free(rx);
    free(ry);
    free(cs);
    return cs ? 0 : -1;
}

int trec_predict_dense_grad(uint32_t kind, const float *X, uint64_t nx, const float *Y,
                            uint64_t ny, uint64_t k, const float *G, float *dX,
                            float *dY, trec_error *err)
{
    int64_t K = (int64_t)k, N = (int64_t)ny;
    if (kind == TREC_PREDICT_COSINE)
        return cosine_dense_grad(X, nx, Y, ny, k, G, dX, dY, err);
    if (kind == TREC_PREDICT_EUCLIDEAN)
        return euclid_dense_grad(X, nx, Y, ny, k, G, dX, dY, err);
    if (dX)
        trec_gemm(nx, k, ny, 1.0f, G, N, 1, Y, K, 1, 1.0f, dX, K, 1);
    if (dY)
        trec_gemm(ny, k, nx, 1.0f, G, 1, N, X, K, 1, 1.0f, dY, K, 1);
    return 0;
}
