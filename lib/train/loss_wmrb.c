/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* loss_wmrb.c - WMRB and balanced WMRB over per-user item samples. */
#include "loss_wmrb.h"

#include <math.h>
#include <string.h>

uint64_t trec_wmrb_count_positive(const trec_csr *x, uint64_t u0, uint64_t u1)
{
    uint64_t n = 0;
    for (uint64_t e = x->rowptr[u0]; e < x->rowptr[u1]; e++)
        n += x->vals[e] > 0.0f;
    return n;
}

void trec_wmrb_item_sums(const trec_csr *x, uint64_t u0, uint64_t u1, float *sums)
{
    memset(sums, 0, x->cols * sizeof *sums);
    for (uint64_t e = x->rowptr[u0]; e < x->rowptr[u1]; e++)
        if (x->vals[e] > 0.0f)
            sums[x->colidx[e]] += x->vals[e];
}

typedef struct keyed {
    float v;
    uint32_t j;
} keyed;

/* Sorts a[0..n) by value (ties by index: a total order, so deterministic).
 * Shell sort: no allocation, fast for the sample sizes used here. */
static void sort_keyed(keyed *a, uint64_t n)
{
    static const uint64_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        uint64_t gap = gaps[g];
        for (uint64_t i = gap; i < n; i++) {
            keyed t = a[i];
            uint64_t j = i;
            while (j >= gap && (a[j - gap].v > t.v || (a[j - gap].v == t.v && a[j - gap].j > t.j))) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = t;
        }
    }
}

size_t trec_wmrb_scratch_bytes(uint64_t ns)
{
    /* suffix sums, gradient differences, sorted order */
    return (size_t)(2 * ns + 1) * sizeof(double) + (size_t)ns * sizeof(keyed);
}

double trec_wmrb_users(const trec_wmrb_args *a, uint64_t u0, uint64_t u1, void *scratch)
{
    const trec_csr *x = a->x;
    uint64_t ns = a->ns, e0 = x->rowptr[a->b0];
    double *suffix = scratch, *diff = suffix + ns + 1;
    keyed *key = (keyed *)(diff + ns);
    double ratio = (double)x->cols / (double)ns, total = 0;
    for (uint64_t u = u0; u < u1; u++) {
        if (a->unobserved) /* the sample stands for the user's other items */
            ratio = (double)(x->cols - trec_wmrb_count_positive(x, u, u + 1)) / (double)ns;
        const float *P = a->P + (u - a->b0) * ns;
        float *GP = a->GP + (u - a->b0) * ns;
        int sorted = 0;
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            float *g = &a->g[e - e0];
            *g = 0.0f;
            if (!(x->vals[e] > 0.0f))
                continue;
            if (!sorted) { /* sorted scores, and sums of each suffix */
                for (uint64_t j = 0; j < ns; j++) {
                    key[j] = (keyed){P[j], (uint32_t)j};
                    diff[j] = 0;
                }
                sort_keyed(key, ns);
                suffix[ns] = 0;
                for (uint64_t j = ns; j-- > 0;)
                    suffix[j] = suffix[j + 1] + key[j].v;
                sorted = 1;
            }
            /* active samples (1 - s + P_j > 0) form a suffix of the sorted order */
            float c1 = 1.0f - a->s[e - e0];
            uint64_t lo = 0, hi = ns;
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (c1 + key[mid].v > 0.0f)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            uint64_t active = ns - lo;
            double margin = (double)active * c1 + suffix[lo];
            double w = ratio;
            if (a->item_sum)
                w *= (double)x->vals[e] / a->item_sum[x->colidx[e]];
            total += log1p(w * margin);
            if (active == 0)
                continue;
            /* dl/dmargin = w / (1 + w margin); d margin/ds = -active, /dP_j = 1 if active */
            double q = a->inv_npos * w / (1.0 + w * margin);
            *g = (float)(-q * (double)active);
            diff[lo] += q;
        }
        if (!sorted) {
            memset(GP, 0, ns * sizeof *GP);
            continue;
        }
        double run = 0;
        for (uint64_t j = 0; j < ns; j++) {
            run += diff[j];
            GP[key[j].j] = (float)run;
        }
    }
    return total;
}

uint64_t trec_wmrb_sample_slots(uint64_t ns)
{
    uint64_t cap = 16;
    while (cap < 2 * ns)
        cap *= 2;
    return cap;
}

/* Inserts v into the open-addressing set; returns 0 if it was there. */
static int set_insert(uint32_t *set, uint64_t cap, uint32_t v)
{
    uint64_t h = ((uint64_t)v * 0x9E3779B97F4A7C15ull) >> 20;
    for (uint64_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (set[i] == UINT32_MAX) {
            set[i] = v;
            return 1;
        }
        if (set[i] == v)
            return 0;
    }
}

void trec_wmrb_sample(trec_rng *r, uint64_t n, uint64_t ns, uint32_t *out, uint32_t *seen)
{
    uint64_t cap = trec_wmrb_sample_slots(ns);
    memset(seen, 0xff, cap * sizeof *seen);
    uint64_t o = 0;
    for (uint64_t j = n - ns; j < n; j++) {
        uint32_t t = (uint32_t)trec_rng_below(r, j + 1);
        if (!set_insert(seen, cap, t)) {
            t = (uint32_t)j;
            set_insert(seen, cap, t);
        }
        out[o++] = t;
    }
}

/* The v-th (from 0) item of 0..n-1 that is not a positive of the row: every
 * positive at or below the candidate pushes it one further. */
static uint32_t nth_unobserved(uint64_t v, const uint32_t *cols, const float *vals, uint64_t len)
{
    uint64_t item = v;
    for (uint64_t k = 0; k < len; k++) {
        if (!(vals[k] > 0.0f))
            continue;
        if (cols[k] > item)
            break;
        item++;
    }
    return (uint32_t)item;
}

void trec_wmrb_sample_unobserved(trec_rng *r, uint64_t n, uint64_t ns, const uint32_t *cols,
                                 const float *vals, uint64_t len, uint32_t *out,
                                 uint32_t *seen)
{
    uint64_t npos = 0;
    for (uint64_t k = 0; k < len; k++)
        npos += vals[k] > 0.0f;
    trec_wmrb_sample(r, n - npos, ns, out, seen);
    for (uint64_t j = 0; j < ns; j++)
        out[j] = nth_unobserved(out[j], cols, vals, len);
}
