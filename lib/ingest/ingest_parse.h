/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_parse.h - parsing one block of a ratings file (internal to
 * libtrec): records -> entries (local user id, local item id, rating,
 * timestamp, line) with the block's own id maps (ingest_ids.h). Blocks are
 * independent, so they are parsed in parallel; a bad record fails the block,
 * or with skip_bad is counted and described. Line numbers are relative to the
 * block until the driver sets base. */
#ifndef TREC_INGEST_PARSE_H
#define TREC_INGEST_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ingest.h"
#include "ingest_config.h"
#include "ingest_ids.h"
#include "ingest_reader.h"

/* One block of the input: its text while parsing, then its entries and
 * local id maps until they are assembled. */
typedef struct trec_ingest_part {
    trec_ingest_block text;
    const trec_ingest_config *c;
    /* Entries: slices of one region (region_size bytes) of cap each. */
    uint32_t *row, *col, *line;  /* local ids; line relative to the block */
    float *val;
    /* Timestamps take 4 bytes while they fit in [0, 2^32) (Unix seconds
     * until 2106: the usual case), a third of an entry's memory at the peak;
     * the first one that does not widens the block's to int64_t. */
    uint32_t *time32;
    int64_t *time;
    int wide_time;
    void *region;
    size_t region_size;
    size_t n, cap;
    size_t lim;             /* entries [0, lim) have their pages mapped */
    trec_ingest_localids users, items;
    uint64_t nlines, records, skipped;
    int skip_header;
    int failed;
    uint64_t err_line;
    trec_error err;
    int nwarn;
    uint64_t warn_line[TREC_INGEST_WARNINGS];
    char warn[TREC_INGEST_WARNINGS][400];
    /* The previous record's user: ratings files are grouped by user, so
     * this skips most user-id hash lookups. */
    char prev[TREC_INGEST_MAX_ID];
    size_t prev_len;
    uint32_t prev_id;
    int have_prev;
    uint64_t base;          /* absolute number of the block's first line */
} trec_ingest_part;

/* A part that takes over text (which is zeroed). */
trec_ingest_part *trec_ingest_part_new(const trec_ingest_config *c,
                                       trec_ingest_block *text, trec_error *err);
void trec_ingest_part_free(trec_ingest_part *p);
/* Frees the entry arrays (once they are assembled). */
void trec_ingest_part_free_entries(trec_ingest_part *p);

/* Parses p's text into its entries; sets p->failed, p->err and p->err_line
 * on an error. The text goes back to the reader and the lookup structures
 * are freed: only the entries and the ids remain. */
void trec_ingest_parse(trec_ingest_part *p);

#endif
