/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* coldstart.h - representations from features at recommendation time.
 *
 * A model with metadata features (genres, occupations, ...) can score users
 * and items it never saw in training: their representations come from their
 * features through the learned weights (the identity block counts only for
 * users and items the model knows). trec_coldstart_apply builds a scoring
 * model from m and feature matrices whose rows are raw user (item) ids and
 * whose columns are metadata features of the model, matched by name (any
 * subset, in any order; by position when either side has no names):
 *   - a row whose id the model knows: that user's (item's) representation
 *     and bias are recomputed from the row (its identity feature included);
 *   - a row with a new id: a new user (item) is appended, after the model's
 *     own, in the matrix's row order.
 * The result has representations, biases and labels only (it is for
 * scoring; it is not a model to save or to train further). Models of other
 * kinds than factors have no feature weights: with no features given the
 * result is a view of m, with features it is an error. */
#ifndef TREC_COLDSTART_H
#define TREC_COLDSTART_H

#include "csr.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* user_features / item_features may be NULL (that side is kept as it is);
 * names are the files', for messages. out must be freed with trec_model_free
 * and must not outlive m. */
int trec_coldstart_apply(const trec_model *m, const trec_csr *user_features,
                         const char *user_name, const trec_csr *item_features,
                         const char *item_name, trec_model *out, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
