/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* model_item_item.h - the item-item model kind's own data (internal: for
 * lib/format, lib/serve, lib/train and the unit tests, never installed).
 *
 * A user's score is its history row times an item-item weight matrix B
 * (EASE):
 *     score(u, i) = sum over items j of h[u][j] B[j][i]
 * B is defined over the "active" items only (those with training data; the
 * others have zero rows and columns): IIAC (u32 n_active, ascending item
 * indices). The known users' histories h, the weighted training rows X the
 * model was fitted on, are stored as CSR: HPTR (u64 n_users + 1), HIDX (u32
 * nnz, ascending per row), HVAL (f32 nnz). B itself is stored in one of two
 * forms (MDIM word 2):
 *   explicit (0): IIMX, f32 n_active x n_active, row-major, row = history
 *     item;
 *   dual (1), for fewer users than active items: B = C / (1 - diag C) off
 *     the diagonal, 0 on it, with C = W X^T K X over the active items: DUAK
 *     (f32 n_users x n_users, K, symmetric), DUAC (f64 n_active, the
 *     diagonal of C) and, when MDIM word 3 is 1, DUAW (f64 n_active, the
 *     diagonal of W; without it W = I). n_users^2 + n_active numbers
 *     instead of n_active^2.
 * trec-formats(5) is the specification. */
#ifndef TREC_MODEL_ITEM_ITEM_H
#define TREC_MODEL_ITEM_ITEM_H

#include "model.h"

/* The item-item kind's weights and the known users' histories: the block
 * trec_model.kind_data points at. */
typedef struct trec_item_item {
    uint64_t n_active;        /* items with a row and column in B */
    uint32_t *active;         /* n_active item indices, ascending */
    int dual;                 /* B's form: 0 explicit (b), 1 dual (k, c_diag) */
    float *b;                 /* explicit: n_active x n_active, row-major */
    float *k;                 /* dual: n_users x n_users */
    double *c_diag;           /* dual: n_active */
    int weighted;             /* dual: W is stored (w below), else W = I */
    double *w;                /* dual, weighted: n_active column weights W */
    uint64_t hist_nnz;
    uint64_t *hist_ptr;       /* n_users + 1 */
    uint32_t *hist_idx;       /* hist_nnz item indices, ascending per user */
    float *hist_val;          /* hist_nnz weights */
} trec_item_item;

/* m's item-item data, or NULL when m is of another kind (or has none yet). */
trec_item_item *trec_model_item_item(const trec_model *m);
/* Makes m (zeroed, or of this kind already) an item-item model and returns
 * its data, zeroed when new and owned by m: set the shapes (n_active, dual,
 * weighted, hist_nnz), then trec_model_alloc, or hand m the arrays
 * (trec_model_own). NULL on failure. */
trec_item_item *trec_model_item_item_init(trec_model *m, trec_error *err);

#endif
