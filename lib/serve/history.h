/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* history.h - histories of users a model does not know, for fold-in
 * (trec-recommend --liked / --history): a CSR matrix whose rows are those
 * users and whose columns are the model's items, matched by raw item id.
 *
 * A history file is CSV (libcsv, comma-separated): lines
 *     user,item[,value[,anything...]]
 * (a MovieLens ratings.csv is one); a first line whose first field starts
 * with "user" (any case) is a header. Without a value column every entry is
 * 1. Users are numbered in the order they first appear; an item given twice
 * for a user keeps its last value. Items the model does not know are
 * skipped and counted (the caller warns). */
#ifndef TREC_HISTORY_H
#define TREC_HISTORY_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_history {
    trec_csr h;                 /* users x the model's items, values */
    trec_labels users;          /* the users' raw ids (owned) */
    int has_values;             /* some line had a value column */
    uint64_t unknown;           /* entries skipped: item not in the model */
    uint64_t first_unknown_line;/* 1-based line of the first (0: --liked) */
    char first_unknown[64];     /* its item id (truncated) */
    void *owned[2];
} trec_history;

/* One user, "liked", who has each of the comma-separated item ids. */
int trec_history_liked(trec_history *hs, const trec_model *m, const char *ids,
                       trec_error *err);
/* The users of a history file ("-": stdin). */
int trec_history_read(trec_history *hs, const trec_model *m, const char *path,
                      trec_error *err);
/* The same from memory (buf[0..len), no terminator needed); name is used in
 * messages. */
int trec_history_parse(trec_history *hs, const trec_model *m, const char *name,
                       const char *buf, size_t len, trec_error *err);
void trec_history_free(trec_history *hs);

/* Turns values into the weights the model was trained with (its META:
 * min_rating, other_weight, values), dropping entries of weight 0, as
 * trec-fit did with its interactions. Models whose META names no such
 * settings keep the values. A history without values (--liked, or lines
 * user,item) is positives only: every weight is 1. */
int trec_history_weights(trec_history *hs, const trec_model *m, trec_error *err);

/* The same for any matrix of values (rows: users, columns: the model's
 * items), in place; has_values 0 means every entry is a positive. */
void trec_history_weigh(trec_csr *h, const trec_model *m, int has_values);

/* The rows of x (columns: the model's items) of the history's users, matched
 * by raw user id (x's row labels; without labels, by number); a user x
 * does not have gets an empty row. For fold-in with --exclude. */
int trec_history_rows_of(trec_csr *out, const trec_history *hs, const trec_csr *x,
                         trec_error *err);

/* A copy of m (values, not times; labels shared) for weighing. */
int trec_history_from_csr(trec_csr *out, const trec_csr *m, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
