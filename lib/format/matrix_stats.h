/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* matrix_stats.h - summaries of a matrix, as trec-info(1) prints them:
 * density, value range, distinct values, empty rows and columns, entries per
 * row and per column, time range. */
#ifndef TREC_MATRIX_STATS_H
#define TREC_MATRIX_STATS_H

#include <stdint.h>

#include "csr.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Distinct values are counted (and listed) only up to this many; ratings
 * have a handful, implicit feedback one, real-valued features too many. */
#define TREC_STATS_MAX_DISTINCT 32

/* min / median / max of a count over rows or columns (median of an even
 * number of counts: the mean of the two middle ones). All 0 when there are
 * no rows (columns). */
typedef struct trec_count_summary {
    uint64_t min, max;
    double median;
} trec_count_summary;

typedef struct trec_matrix_stats {
    uint64_t rows, cols, nnz;
    double density;            /* nnz / (rows * cols); 0 for an empty shape */
    /* Values (meaningful only when nnz > 0). mean is summed in entry order
     * in double precision, so it is the same on every run. */
    float vmin, vmax;
    double vmean;
    /* Number of distinct values and those values in increasing order, or
     * distinct_over set when there are more than TREC_STATS_MAX_DISTINCT
     * (distinct is then TREC_STATS_MAX_DISTINCT + 1). -0 and 0 count as one. */
    uint64_t distinct;
    int distinct_over;
    float distinct_values[TREC_STATS_MAX_DISTINCT];
    uint64_t empty_rows, empty_cols;
    trec_count_summary per_row, per_col;
    int has_times;             /* tmin, tmax set when has_times and nnz > 0 */
    int64_t tmin, tmax;
} trec_matrix_stats;

/* Computes the summary of m (memory: one count per row and per column). */
int trec_matrix_stats_compute(const trec_csr *m, trec_matrix_stats *s, trec_error *err);

/* min / median / max of counts[0..n) (sorts counts in place). */
trec_count_summary trec_count_summarize(uint64_t *counts, uint64_t n);

#ifdef __cplusplus
}
#endif

#endif
