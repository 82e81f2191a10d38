/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* init_map.h - an --init model on a grown matrix (internal to libtrec):
 * which of the model's users (items) each user (item) of the new data is,
 * matched by raw id, so that trainers keep the known rows' weights and
 * initialise the new ones. */
#ifndef TREC_INIT_MAP_H
#define TREC_INIT_MAP_H

#include <stdint.h>

#include "error.h"
#include "fit.h"
#include "labels.h"
#include "model.h"

/* *map (malloc'd, n entries) = the init model's index of each of the n
 * entities labelled l, or -1 for a new one; *known counts the others. Both
 * sides must have labels unless the counts are equal (then by position).
 * what ("user"/"item") is used in messages. */
int trec_init_map(const trec_labels *init_l, uint64_t n_init, const trec_labels *l,
                  uint64_t n, const char *what, int64_t **map, uint64_t *known,
                  trec_error *err);

/* 1 if map is the identity over n == n_init entities. */
int trec_init_map_is_identity(const int64_t *map, uint64_t n, uint64_t n_init);

/* Copies side src's parameters into dst (same representation, k, extras)
 * where dst has n entities, src n_src, and the identity block's rows follow
 * map (rows of new entities are left as they are): w1 rows and feature
 * biases by map, the metadata rows after them, b1 and w2 whole. */
void trec_init_copy_side(trec_side *dst, uint64_t n, const trec_side *src, uint64_t n_src,
                         const int64_t *map, uint64_t k);

/* An --init model fits a new model of shape m (k, prediction, biases,
 * representations, identity and metadata features) or says what differs. */
int trec_init_check(const trec_model *init, const trec_model *m, trec_error *err);

/* The init model's index of each user and item of m (identity sides only:
 * the others have no per-entity weights; NULL maps for them); sets
 * res->init_grown and the new/gone counts when they differ. */
int trec_init_maps(const trec_model *init, const trec_model *m, int64_t **umap,
                   int64_t **imap, trec_fit_result *res, trec_error *err);

#endif
