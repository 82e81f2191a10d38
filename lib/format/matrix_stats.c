/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* matrix_stats.c - the numbers trec-info prints about a matrix. */
#include "matrix_stats.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

trec_count_summary trec_count_summarize(uint64_t *counts, uint64_t n)
{
    trec_count_summary s = {0, 0, 0};
    if (n == 0)
        return s;
    qsort(counts, n, sizeof *counts, cmp_u64);
    s.min = counts[0];
    s.max = counts[n - 1];
    s.median = n % 2 ? (double)counts[n / 2]
                     : ((double)counts[n / 2 - 1] + (double)counts[n / 2]) / 2;
    return s;
}

/* Adds v to the sorted list of distinct values, until there are too many. */
static void note_distinct(trec_matrix_stats *s, float v)
{
    if (s->distinct_over)
        return;
    uint64_t lo = 0, hi = s->distinct;
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if (s->distinct_values[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->distinct && s->distinct_values[lo] == v)
        return;
    if (s->distinct == TREC_STATS_MAX_DISTINCT) {
        s->distinct_over = 1;
        s->distinct = TREC_STATS_MAX_DISTINCT + 1;
        return;
    }
    memmove(&s->distinct_values[lo + 1], &s->distinct_values[lo],
            (size_t)(s->distinct - lo) * sizeof s->distinct_values[0]);
    s->distinct_values[lo] = v == 0 ? 0.0f : v; /* -0 is stored as 0 */
    s->distinct++;
}

static void value_stats(const trec_csr *m, trec_matrix_stats *s)
{
    if (m->nnz == 0)
        return;
    double sum = 0;
    s->vmin = s->vmax = m->vals[0];
    for (uint64_t k = 0; k < m->nnz; k++) {
        float v = m->vals[k];
        if (v < s->vmin)
            s->vmin = v;
        if (v > s->vmax)
            s->vmax = v;
        sum += v;
        note_distinct(s, v);
    }
    s->vmean = sum / (double)m->nnz;
}

static void time_stats(const trec_csr *m, trec_matrix_stats *s)
{
    s->has_times = m->times != NULL;
    if (!m->times || m->nnz == 0)
        return;
    s->tmin = s->tmax = m->times[0];
    for (uint64_t k = 1; k < m->nnz; k++) {
        if (m->times[k] < s->tmin)
            s->tmin = m->times[k];
        if (m->times[k] > s->tmax)
            s->tmax = m->times[k];
    }
}

/* Entries per row and per column, and how many of them are zero. */
static int count_stats(const trec_csr *m, trec_matrix_stats *s, trec_error *err)
{
    uint64_t *rc = trec_malloc(m->rows * sizeof *rc, err);
    uint64_t *cc = trec_calloc(m->cols, sizeof *cc, err);
    if (!rc || !cc) {
        free(rc);
        free(cc);
        return -1;
    }
    for (uint64_t r = 0; r < m->rows; r++) {
        rc[r] = m->rowptr[r + 1] - m->rowptr[r];
        s->empty_rows += rc[r] == 0;
    }
    for (uint64_t k = 0; k < m->nnz; k++)
        cc[m->colidx[k]]++;
    for (uint64_t c = 0; c < m->cols; c++)
        s->empty_cols += cc[c] == 0;
    s->per_row = trec_count_summarize(rc, m->rows);
    s->per_col = trec_count_summarize(cc, m->cols);
    free(rc);
    free(cc);
    return 0;
}

int trec_matrix_stats_compute(const trec_csr *m, trec_matrix_stats *s, trec_error *err)
{
    memset(s, 0, sizeof *s);
    s->rows = m->rows;
    s->cols = m->cols;
    s->nnz = m->nnz;
    /* In double: rows * cols can overflow 64 bits. */
    double cells = (double)m->rows * (double)m->cols;
    s->density = cells > 0 ? (double)m->nnz / cells : 0;
    value_stats(m, s);
    time_stats(m, s);
    return count_stats(m, s, err);
}
