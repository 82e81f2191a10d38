/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* align.h - matching a matrix to another file's users and items by their
 * labels (raw ids), not by shape: what lets files from different ingests
 * be used together (a model fitted yesterday, today's grown data).
 *
 * The rule everywhere (trec-eval, trec-recommend --exclude, ...): a row or
 * column of the matrix whose id the target does not have is skipped, and
 * counted; a target id the matrix does not have gets an empty row (column).
 * A side without labels on either file can only be matched by position: the
 * counts must then be equal. */
#ifndef TREC_ALIGN_H
#define TREC_ALIGN_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "labels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_align_stats {
    uint64_t rows_skipped;     /* rows with entries whose id the target lacks */
    uint64_t cols_skipped;     /* columns with entries whose id the target lacks */
    uint64_t entries_skipped;  /* their entries */
    uint64_t rows_missing;     /* target rows the matrix does not have */
    uint64_t cols_missing;
    int identical;             /* the matrix already had the target's ids, in order */
} trec_align_stats;

/* *out = m with nrows rows labelled rows (NULL: m's rows, unchanged) and
 * ncols columns labelled cols (NULL: m's columns), entries moved to their
 * ids' places; timestamps kept. out borrows the target labels (they must
 * outlive it) and owns its arrays. name (m's file) and target (the other
 * file) are used in messages. */
int trec_csr_align(const trec_csr *m, const char *name, const trec_labels *rows,
                   uint64_t nrows, const trec_labels *cols, uint64_t ncols,
                   const char *target, trec_csr *out, trec_align_stats *st,
                   trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
