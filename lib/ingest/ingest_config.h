/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_config.h - how a ratings file is read, fixed before its blocks are
 * parsed (internal to libtrec): the dialect, which fields hold the user, the
 * item, the rating and the timestamp, and the bad-record and duplicate
 * policies. The columns and the header rule of trec-ingest(1) are decided
 * from the options and the file's first record. */
#ifndef TREC_INGEST_CONFIG_H
#define TREC_INGEST_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ingest.h"
#include "ingest_ids.h"
#include "ingest_reader.h"

enum {
    TREC_INGEST_COL_USER, TREC_INGEST_COL_ITEM, TREC_INGEST_COL_RATING,
    TREC_INGEST_COL_TIME, TREC_INGEST_NCOLS
};

/* "user", "item", "rating", "timestamp": a column's role in messages. */
static inline const char *trec_ingest_col_name(int col)
{
    static const char *const names[TREC_INGEST_NCOLS] = {"user", "item", "rating",
                                                         "timestamp"};
    return names[col];
}

typedef struct trec_ingest_config {
    const char *name;           /* the input, in messages */
    trec_ingest_dialect d;
    size_t nf;                  /* fields per record (as on line 1) */
    int col[TREC_INGEST_NCOLS]; /* 0-based field index, -1: not used */
    size_t maxstore;            /* fields the parser needs: max col + 1 */
    int skip_bad;
    int keep_lines;             /* remember each entry's line (--duplicates error, sum) */
    trec_ingest_reader *rd;     /* to give block buffers back */
    trec_ingest_ncpool *ncpool; /* to reuse number caches (NULL: none) */
} trec_ingest_config;

/* The first record of the input, copied out of its block. */
typedef struct trec_ingest_first {
    int got;
    size_t nf, nstored;
    char *buf;
    size_t off[TREC_INGEST_MAX_FIELDS + 1];
} trec_ingest_first;

/* A trec_ingest_record_fn for trec_ingest_tokenize: copies the first record
 * into ctx (a zeroed trec_ingest_first; free its buf) and stops. */
int trec_ingest_first_record(void *ctx, const trec_ingest_field *f, size_t nf,
                             uint64_t line, trec_error *err);

#define TREC_INGEST_COL_BY_NAME (-2)

/* A column option's value (opt names the option in messages): "none"
 * (*col = -1; an error unless allow_none), a number from 1 to
 * TREC_INGEST_MAX_FIELDS (*col = number - 1), or a header name
 * (*col = TREC_INGEST_COL_BY_NAME). */
int trec_ingest_column_spec(const char *opt, const char *spec, int allow_none, int *col,
                            trec_error *err);

/* Fills c's columns (nf, col, maxstore) from the options and the first
 * record h (on line line1), and decides *header: 1 if line 1 is a header. */
int trec_ingest_configure(trec_ingest_config *c, const trec_ingest_opts *o,
                          const trec_ingest_first *h, uint64_t line1, int *header,
                          trec_error *err);

/* When line 1 came out as a single field f[0..n): a hint naming the
 * separator it seems to use instead, such as " (the line looks
 * tab-separated: try --sep tab)", or "" (never NULL). */
const char *trec_ingest_sep_hint(const char *f, size_t n, const trec_ingest_dialect *d);

#endif
