/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* features_matrix.h - one side's feature matrix (users or items) for
 * trec-fit: an optional identity block (one "indicator" feature per user or
 * item, features 0..rows-1) followed by the columns of a metadata matrix
 * (features rows..rows+n_extra-1).
 *
 * The identity block is never materialised: row r of F W for the identity
 * block is row r of W, so products with F cost the metadata entries only. */
#ifndef TREC_FEATURES_MATRIX_H
#define TREC_FEATURES_MATRIX_H

#include <stdint.h>

#include "csr.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_features {
    uint64_t rows;         /* users or items */
    int identity;          /* features 0..rows-1 are the identity block */
    uint64_t n_extra;      /* metadata features */
    const trec_csr *extra; /* rows x n_extra, or NULL when n_extra is 0 */
    uint64_t n_features;   /* (identity ? rows : 0) + n_extra */
} trec_features;

void trec_features_init(trec_features *f, uint64_t rows, int identity,
                        const trec_csr *extra);

/* Checks that a metadata matrix `extra` (read from file `name`) lines up with
 * one side of the interaction matrix: `rows` entities labelled `labels`
 * (count 0: unlabelled). side is "user" or "item", for messages. Rows must
 * match in number and, when labelled, label by label. */
int trec_features_check(const trec_csr *extra, const char *name, uint64_t rows,
                        const trec_labels *labels, const char *side,
                        trec_error *err);

/* out[(r - r0) * cols + c] = (F W)[r][c] for rows r0 <= r < r1, where W is
 * n_features x cols, row-major. */
void trec_features_mul(const trec_features *f, uint64_t r0, uint64_t r1,
                       const float *w, uint64_t cols, float *out);

/* dw += F[r0:r1]^T d, where d is (r1 - r0) x cols (the gradient of F W with
 * respect to W). Rows are visited in order, so the sums are deterministic. */
void trec_features_mul_t_acc(const trec_features *f, uint64_t r0, uint64_t r1,
                             const float *d, uint64_t cols, float *dw);

/* The dense rows r0..r1 of F: out is (r1 - r0) x n_features. */
void trec_features_dense(const trec_features *f, uint64_t r0, uint64_t r1, float *out);

#ifdef __cplusplus
}
#endif

#endif
