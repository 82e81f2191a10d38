/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_features.h - item features from a delimited file such as MovieLens
 * movies.csv (movieId,title,genres): a multi-hot items x features CSR
 * matrix, one column per feature name (e.g. genre) with value 1, or with
 * the value a column gives (weighted features).
 *
 * Columns are the distinct feature names of the whole file sorted by byte
 * order (like scikit-learn's MultiLabelBinarizer), so ml-latest-small gives
 * 20 genre columns with "(no genres listed)" first. Rows are either the
 * file's items in file order, or aligned to the columns of a ratings matrix:
 * row i is the item whose raw id is that matrix's column label i. The same
 * reader serves user features (a file of users, aligned to the matrix's row
 * labels): "item" below is whatever entity the file lists.
 *
 * (Not named features.h: with -Ilib that would shadow glibc's <features.h>.) */
#ifndef TREC_INGEST_FEATURES_H
#define TREC_INGEST_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "labels.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TREC_FEATURES_WARNINGS 5

typedef struct trec_features_opts {
    const char *sep;          /* NULL: ","; as for trec_ingest_opts */
    const char *quote;        /* NULL: '"' */
    int header;               /* -1: detect; 0: no; 1: yes */
    const char *id_col;       /* NULL: "movieId"; a 1-based number or a name */
    const char *feature_col;  /* NULL: "genres" */
    const char *feature_sep;  /* NULL: "|"; separates names within the field */
    /* One-hot flag columns instead of a features column (ml-100k u.item:
     * "6-24"): a comma-separated list of 1-based column numbers, ranges
     * A-B, or header names; a value of 1 means the item has that feature,
     * 0 (or empty) that it has not. Features are named by the header line,
     * or "colN" without one, and kept in the order given. NULL: off. */
    const char *feature_flags;
    /* With feature_col: the column holding the value of the line's
     * feature(s) instead of 1 (a 1-based number or a header name), for a
     * long file of (id, feature, value) lines such as MovieLens'
     * genome-scores.csv (with merge_ids). A value is a finite decimal
     * number in float range; 0 stores nothing (the item lacks the
     * feature); the same feature of an item on two lines is an error.
     * NULL: every feature is 1 (multi-hot). */
    const char *feature_value;
    int skip_bad;
    int merge_ids;            /* lines with the same id unite their features
                               * (tags.csv: one tag a line); else an error */
    size_t block_size;        /* 0: 8 MiB */
} trec_features_opts;

void trec_features_opts_init(trec_features_opts *o);
/* Checks what the options say on their own, before any input is read
 * (separators, quote, columns); a failure here is a usage error. */
int trec_features_opts_check(const trec_features_opts *o, trec_error *err);

typedef struct trec_features_stats {
    uint64_t lines;           /* physical lines read */
    uint64_t items;           /* items (records) in the file */
    uint64_t missing;         /* aligned items not in the file: empty rows */
    uint64_t dropped;         /* items of the file not in the aligned matrix */
    uint64_t skipped;         /* bad records skipped (skip_bad) */
    int header;
    int nwarnings;
    char warnings[TREC_FEATURES_WARNINGS][600];
} trec_features_stats;

/* A features column whose values are only 0 and 1, in a file whose line 1
 * has at least 3 such fields, is refused (it would make the two features
 * "0" and "1" out of one of several one-hot flag columns): read such files
 * with feature_flags.
 *
 * Reads path ("-": stdin). align: the column labels of a ratings matrix, or
 * NULL for one row per item in file order. */
int trec_item_features(const char *path, const trec_features_opts *o,
                       const trec_labels *align, trec_csr *out,
                       trec_features_stats *st, trec_error *err);
int trec_item_features_mem(const char *data, size_t len, const char *name,
                           const trec_features_opts *o, const trec_labels *align,
                           trec_csr *out, trec_features_stats *st, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
