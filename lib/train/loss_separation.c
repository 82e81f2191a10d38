/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* loss_separation.c - overlap of the positive and negative score distributions. */
#include "loss_separation.h"

#include <math.h>

static void add(trec_sep_stats *st, int pos, double p)
{
    if (pos) {
        st->n_pos += 1;
        st->sum_pos += p;
        st->sq_pos += p * p;
    } else {
        st->n_neg += 1;
        st->sum_neg += p;
        st->sq_neg += p * p;
    }
}

void trec_sep_add_observed(trec_sep_stats *st, const float *y, const float *s, uint64_t n)
{
    for (uint64_t e = 0; e < n; e++)
        add(st, y[e] > 0.0f, s[e]);
}

void trec_sep_add_dense(trec_sep_stats *st, const trec_csr *x, uint64_t u0, uint64_t u1,
                        const float *S)
{
    uint64_t ni = x->cols;
    for (uint64_t u = u0; u < u1; u++) {
        const float *row = S + (u - u0) * ni;
        double n = 0, sum = 0, sq = 0;
        for (uint64_t i = 0; i < ni; i++) {
            sum += row[i];
            sq += (double)row[i] * row[i];
        }
        n = (double)ni;
        /* move the positive cells from the negative sums to the positive ones */
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            if (x->vals[e] > 0.0f) {
                double p = row[x->colidx[e]];
                n -= 1;
                sum -= p;
                sq -= p * p;
                add(st, 1, p);
            }
        st->n_neg += n;
        st->sum_neg += sum;
        st->sq_neg += sq;
    }
}

double trec_sep_loss(const trec_sep_stats *st, trec_sep_grad *gr)
{
    *gr = (trec_sep_grad){0, 0, 0, 0};
    if (st->n_pos == 0 || st->n_neg == 0)
        return 0.0;
    double mp = st->sum_pos / st->n_pos, mn = st->sum_neg / st->n_neg;
    double vp = fmax(st->sq_pos / st->n_pos - mp * mp, 0.0);
    double vn = fmax(st->sq_neg / st->n_neg - mn * mn, 0.0);
    double var = vp + vn, d = mn - mp;
    if (var <= 0)
        return d > 0 ? 1.0 : d < 0 ? 0.0 : 0.5;
    double sd = sqrt(var), z = d / sd;
    double phi = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
    /* dz/dp for a positive p: -1/(n_pos sd) - z (p - mp) / (n_pos var);
     * for a negative: 1/(n_neg sd) - z (p - mn) / (n_neg var). */
    gr->b_pos = -phi * z / (st->n_pos * var);
    gr->a_pos = -phi / (st->n_pos * sd) - gr->b_pos * mp;
    gr->b_neg = -phi * z / (st->n_neg * var);
    gr->a_neg = phi / (st->n_neg * sd) - gr->b_neg * mn;
    return 0.5 * erfc(-z / sqrt(2.0));
}

void trec_sep_grad_observed(const trec_sep_grad *gr, const float *y, const float *s,
                            uint64_t n, float *g)
{
    for (uint64_t e = 0; e < n; e++)
        g[e] = y[e] > 0.0f ? (float)(gr->a_pos + gr->b_pos * s[e])
                           : (float)(gr->a_neg + gr->b_neg * s[e]);
}

void trec_sep_grad_dense(const trec_sep_grad *gr, const trec_csr *x, uint64_t u0,
                         uint64_t u1, const float *S, float *G)
{
    uint64_t ni = x->cols;
    for (uint64_t u = u0; u < u1; u++) {
        const float *row = S + (u - u0) * ni;
        float *grow = G + (u - u0) * ni;
        for (uint64_t i = 0; i < ni; i++)
            grow[i] = (float)(gr->a_neg + gr->b_neg * row[i]);
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            if (x->vals[e] > 0.0f) {
                uint64_t i = x->colidx[e];
                grow[i] = (float)(gr->a_pos + gr->b_pos * row[i]);
            }
    }
}
