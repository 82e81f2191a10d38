/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* idlist.h - a list of raw ids, one a line (trec-recommend --users,
 * --allow-items, --deny-items), and its ids looked up in a model's labels.
 *
 * Lines are stripped of a final CR and of surrounding spaces and tabs;
 * blank lines and lines starting with '#' are skipped. An id must be valid
 * UTF-8 without control characters, at most 256 bytes. */
#ifndef TREC_IDLIST_H
#define TREC_IDLIST_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "labels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_idlist {
    trec_labels ids;          /* in file order, repeats kept */
    uint64_t *line;           /* the line of each id */
    uint64_t *offsets;        /* owned storage behind ids */
    char *blob;
} trec_idlist;

/* Reads path ("-": stdin). Errors name file:line. */
int trec_idlist_read(const char *path, trec_idlist *l, trec_error *err);
/* The same from memory; name is used in messages. */
int trec_idlist_parse(const char *name, const char *buf, size_t len, trec_idlist *l,
                      trec_error *err);
void trec_idlist_free(trec_idlist *l);

/* Looks the ids up in labels (count 0: ids are indices 0..n-1 written in
 * decimal): idx[i] = the index of id i, or -1; *unknown counts the -1s and
 * *first_unknown is the first one's position in the list (or -1).
 * idx is malloc'd. */
int trec_idlist_lookup(const trec_idlist *l, const trec_labels *labels, uint64_t n,
                       int64_t **idx, uint64_t *unknown, int64_t *first_unknown,
                       trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
