/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest.h - turning delimited ratings files (MovieLens ratings.csv, u.data,
 * ratings.dat, ...) into a users x items CSR matrix (trec-ingest(1)).
 *
 * Rows are users, columns items, both numbered densely in order of first
 * appearance in the file; row and column labels hold the raw ids. Values are
 * the ratings (float32; 1 for implicit data), with timestamps when the input
 * has them. Within a row, entries are sorted by column.
 *
 * The input is read in blocks that are parsed in parallel (each with its own
 * id maps) and merged in file order, so the result never depends on the
 * thread count. Nothing is written here: the caller writes the matrix. */
#ifndef TREC_INGEST_H
#define TREC_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "csr.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TREC_INGEST_MAX_ID 256       /* bytes in one raw id */
#define TREC_INGEST_MAX_THREADS 8
#define TREC_INGEST_WARNINGS 5       /* skipped records described in stats */

/* What to do with a second rating of the same (user, item) pair. */
typedef enum trec_dup_policy {
    TREC_DUP_LAST,   /* the later line wins (value and timestamp) */
    TREC_DUP_MAX,    /* the larger value wins (a tie: the later line) */
    TREC_DUP_SUM,    /* values add up; timestamp: the latest */
    TREC_DUP_ERROR   /* an error naming both lines */
} trec_dup_policy;

/* "last", "max", "sum", "error" -> policy; -1 if unknown. */
int trec_dup_policy_parse(const char *s, trec_dup_policy *p);

/* Ingesting against a reference's ids (--align): what to do with a user or
 * item id the reference does not have. */
typedef enum trec_new_ids {
    TREC_NEW_IDS_APPEND,  /* a new row/column after the reference's, in first-seen order */
    TREC_NEW_IDS_DROP,    /* its entries are dropped and counted */
    TREC_NEW_IDS_ERROR    /* an error naming its line */
} trec_new_ids;

/* "append", "drop", "error" -> policy; -1 if unknown. */
int trec_new_ids_parse(const char *s, trec_new_ids *p);

typedef struct trec_ingest_opts {
    const char *sep;        /* NULL: ","; "tab", "::", one character, ... */
    const char *quote;      /* NULL: '"' (off for tab and "::"); "none"; a char */
    int header;             /* -1: detect (see trec-ingest(1)); 0: no; 1: yes */
    /* Columns: NULL for the default (1, 2, 3, 4; rating and time only if the
     * first line has that many fields), a 1-based number, a header name, or
     * "none" (rating: implicit data, every value 1; time: no timestamps). */
    const char *user_col, *item_col, *rating_col, *time_col;
    trec_dup_policy duplicates;
    int skip_bad;           /* skip and count bad records instead of failing */
    int threads;            /* 0: online cores; at most TREC_INGEST_MAX_THREADS */
    size_t block_size;      /* bytes read per block; 0: 8 MiB */
    /* A reference's raw ids (labels of a matrix's rows and columns, or of a
     * model's users and items; NULL: none): row i is align_users' id i,
     * column j align_items' id j, whether or not the input has them; ids not
     * in the reference are handled by new_ids. Borrowed for the call. */
    const trec_labels *align_users, *align_items;
    trec_new_ids new_ids;
} trec_ingest_opts;

void trec_ingest_opts_init(trec_ingest_opts *o);
/* Checks what the options say on their own, before any input is read: the
 * separator and quote, the column numbers (1 to 1024) and names, two roles
 * given the same column. A failure here is a usage error. */
int trec_ingest_opts_check(const trec_ingest_opts *o, trec_error *err);

typedef struct trec_ingest_stats {
    uint64_t lines;         /* physical lines in the input */
    uint64_t records;       /* data records (header excluded), skipped included */
    uint64_t duplicates;    /* entries merged into an earlier one of the same pair */
    uint64_t skipped;       /* bad records skipped (skip_bad) */
    int header;             /* line 1 was a header */
    int implicit;           /* no rating column */
    int has_time;
    int threads;            /* threads used */
    /* With a reference: ids the input has and the reference does not
     * (appended, or dropped with their entries), and entries dropped. */
    uint64_t new_users, new_items, dropped_entries;
    int nwarnings;
    char warnings[TREC_INGEST_WARNINGS][600]; /* "file:line: problem", file order */
} trec_ingest_stats;

/* Reads path ("-": stdin) into *out (which the caller frees with
 * trec_csr_free). Errors name the file, the physical line and the column. */
int trec_ingest_ratings(const char *path, const trec_ingest_opts *o, trec_csr *out,
                        trec_ingest_stats *st, trec_error *err);
/* The same from memory; name is used in messages. */
int trec_ingest_ratings_mem(const char *data, size_t len, const char *name,
                            const trec_ingest_opts *o, trec_csr *out,
                            trec_ingest_stats *st, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
