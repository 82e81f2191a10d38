/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* labels.h - string labels for the rows or columns of a matrix (raw user and
 * item ids, genre names, feature names).
 *
 * On disk and in memory a label list is: count, count+1 offsets into a byte
 * blob, and the blob (UTF-8, no terminators). Label i is
 * blob[offsets[i] .. offsets[i+1]). A label is non-empty valid UTF-8 without
 * control characters (so it can be printed in TSV). */
#ifndef TREC_LABELS_H
#define TREC_LABELS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "container.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_labels {
    uint64_t count;          /* 0 with offsets NULL: no labels */
    const uint64_t *offsets; /* count + 1 entries */
    const char *blob;
} trec_labels;

/* Label i (not NUL-terminated) and its length. */
static inline const char *trec_label(const trec_labels *l, uint64_t i, size_t *len)
{
    *len = (size_t)(l->offsets[i + 1] - l->offsets[i]);
    return l->blob + l->offsets[i];
}

/* Checks that s[0..n) is non-empty valid UTF-8 with no control characters;
 * returns NULL if fine, else a short reason ("empty", "invalid UTF-8", ...). */
const char *trec_label_problem(const char *s, size_t n);

/* Size in bytes of the on-disk section for l. */
uint64_t trec_labels_section_size(const trec_labels *l);
/* A section (tag given) that writes l. */
trec_section trec_labels_section(uint32_t tag, const trec_labels *l);
/* Parses and validates a label section read from a file; l points into data.
 * what names the section in messages (e.g. "row labels"). */
int trec_labels_parse(const void *data, uint64_t size, const char *file,
                      const char *what, trec_labels *l, trec_error *err);

/* Descriptions (trec-info): the count and the first TREC_LABELS_SAMPLE
 * labels, as the line "WHAT N: a, b, c, ..." (or "WHAT none (DIM numbered
 * from 0)"), or as a new JSON object {"count": N, "sample": [...]}. */
#define TREC_LABELS_SAMPLE 5
struct cJSON;
void trec_labels_describe_text(FILE *out, const char *what, const trec_labels *l,
                               const char *dim);
struct cJSON *trec_labels_describe_json(const trec_labels *l);

#ifdef __cplusplus
}
#endif

#endif
