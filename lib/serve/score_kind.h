/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* score_kind.h - what a scorer kind implements (internal to lib/serve). A
 * new model kind adds one file with its trec_scorer_ops and constructors,
 * and one row in score.c's table. */
#ifndef TREC_SCORE_KIND_H
#define TREC_SCORE_KIND_H

#include "score.h"

/* What a scorer kind implements (see score_factors.c for an example). */
typedef struct trec_scorer_ops {
    const char *name;
    int (*qblock_init)(trec_qblock *b, const trec_scorer *s, trec_error *err);
    void (*qblock_set)(trec_qblock *b, const trec_scorer *s);
    void (*qblock_free)(trec_qblock *b);
    void (*score_block)(const trec_scorer *s, const trec_qblock *b, uint64_t t0, uint64_t nt,
                        float *out, uint64_t ldo);
    /* optional: score_block fused with the selection (trec_score_block_select);
     * NULL: score_block, then trec_select_row on each row */
    void (*score_select)(const trec_scorer *s, const trec_qblock *b, uint64_t t0, uint64_t nt,
                         float *out, uint64_t ldo, const float *thr, trec_select_fn fn,
                         void *ctx);
    double (*score_pair)(const trec_scorer *s, uint64_t q, uint64_t t);
    void (*free)(trec_scorer *s);
} trec_scorer_ops;

/* One row per model kind (score.c). */
typedef struct trec_scorer_kind {
    int (*for_users)(trec_scorer *s, const trec_model *m, trec_error *err);
    /* Similar items: 0 if the kind scores them by similarity (-1: its
     * default, else an enum trec_predict), else fails with why; for_items is
     * only called with a similarity check_similarity accepted. */
    int (*check_similarity)(const trec_model *m, int similarity, trec_error *err);
    int (*for_items)(trec_scorer *s, const trec_model *m, int similarity, trec_error *err);
    int (*for_histories)(trec_scorer *s, const trec_model *m, const trec_csr *h,
                         trec_error *err); /* NULL: the kind cannot fold in */
} trec_scorer_kind;

extern const trec_scorer_kind trec_scorer_kind_factors, trec_scorer_kind_item_item;

/* For tests, process-wide: 1 makes the factors scorer finish and select
 * with its portable loop even where the CPU has AVX2 (the two are tested
 * against each other). */
void trec_scorer_portable_only(int on);

#endif
