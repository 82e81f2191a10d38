/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* idmap.h - maps raw id strings to dense internal ids 0, 1, 2, ... in
 * first-seen order, and back (the strings become matrix labels). */
#ifndef TREC_IDMAP_H
#define TREC_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "labels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_idmap {
    uint64_t count;
    uint64_t *offsets;      /* count + 1 */
    char *blob;
    uint64_t blob_len, blob_cap, offsets_cap;
    uint32_t *slots;        /* open addressing: id + 1, 0 = empty */
    uint64_t *slot_hash;    /* full hash per slot, to skip most compares */
    uint64_t nslots;        /* power of two */
} trec_idmap;

int trec_idmap_init(trec_idmap *m, trec_error *err);
void trec_idmap_free(trec_idmap *m);

uint64_t trec_hash_bytes(const char *s, size_t n);

/* The id of s, or -1 if absent. */
int64_t trec_idmap_find(const trec_idmap *m, const char *s, size_t n);
/* Looks s up with a precomputed hash. */
int64_t trec_idmap_find_hashed(const trec_idmap *m, const char *s, size_t n, uint64_t h);
/* Adds s if absent; *id receives its id. Returns 1 if added, 0 if it was
 * there, -1 on error (out of memory, more than 2^32-1 ids). */
int trec_idmap_intern(trec_idmap *m, const char *s, size_t n, uint32_t *id,
                      trec_error *err);
int trec_idmap_intern_hashed(trec_idmap *m, const char *s, size_t n, uint64_t h,
                             uint32_t *id, trec_error *err);

/* Adds s as a new id without entering it in the hash table, for a caller
 * that knows s is absent and will never look it up (trec-ingest's numeric
 * ids, kept apart by value): find does not see it. 0 or -1 on error. */
int trec_idmap_append_unhashed(trec_idmap *m, const char *s, size_t n, uint32_t *id,
                               trec_error *err);

/* A view of the strings as labels (valid until the map changes). */
trec_labels trec_idmap_labels(const trec_idmap *m);
/* Builds a map over existing labels (for looking up raw ids); duplicate
 * labels are an error. */
int trec_idmap_from_labels(trec_idmap *m, const trec_labels *l, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
