/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* loss_rmse.c - RMSE over observed interactions and over the dense matrix. */
#include "loss_rmse.h"

#include <math.h>

double trec_rmse_observed(const float *y, const float *s, uint64_t n, float *g)
{
    if (n == 0)
        return 0.0;
    double sum = 0;
    for (uint64_t e = 0; e < n; e++) {
        double d = (double)s[e] - y[e];
        sum += d * d;
    }
    double loss = sqrt(sum / (double)n);
    /* dL/ds = (s - y) / (n L); at L = 0 the loss is at its minimum. */
    double scale = loss > 0 ? 1.0 / ((double)n * loss) : 0.0;
    for (uint64_t e = 0; e < n; e++)
        g[e] = (float)(scale * ((double)s[e] - y[e]));
    return loss;
}

double trec_rmse_dense_sumsq(const trec_csr *x, uint64_t u0, uint64_t u1, const float *S)
{
    uint64_t ni = x->cols;
    double sum = 0;
    for (uint64_t u = u0; u < u1; u++) {
        const float *row = S + (u - u0) * ni;
        double rs = 0;
        for (uint64_t i = 0; i < ni; i++)
            rs += (double)row[i] * row[i];
        /* observed cells: replace s^2 by (y - s)^2 */
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            double s = row[x->colidx[e]], d = (double)x->vals[e] - s;
            rs += d * d - s * s;
        }
        sum += rs;
    }
    return sum;
}

double trec_rmse_dense_loss(double sumsq, double count)
{
    return count > 0 ? sqrt(sumsq / count) : 0.0;
}

void trec_rmse_dense_grad(const trec_csr *x, uint64_t u0, uint64_t u1, const float *S,
                          double loss, double count, float *G)
{
    uint64_t ni = x->cols;
    double scale = loss > 0 && count > 0 ? 1.0 / (count * loss) : 0.0;
    for (uint64_t u = u0; u < u1; u++) {
        const float *row = S + (u - u0) * ni;
        float *grow = G + (u - u0) * ni;
        for (uint64_t i = 0; i < ni; i++)
            grow[i] = (float)(scale * row[i]);
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            uint64_t i = x->colidx[e];
            grow[i] = (float)(scale * ((double)row[i] - x->vals[e]));
        }
    }
}
