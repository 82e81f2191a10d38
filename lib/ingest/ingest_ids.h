/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_ids.h - raw user and item ids -> dense ids while ingesting ratings
 * (internal to libtrec).
 *
 * Each block of the input numbers its users and items locally (0, 1, ... in
 * first-seen order) while it is parsed, in parallel with the other blocks;
 * the blocks' local ids are then interned IN FILE ORDER into global maps
 * (trec_ingest_remap), so that dense ids are first-seen order whatever the
 * thread count.
 *
 * Ids that are plain decimal numbers below TREC_INGEST_NUM_LIMIT (no sign, no
 * leading zero: exactly the MovieLens ids) are looked up in a direct array by
 * value, a number cache, before any hash map: no hashing, no string compare,
 * one cache line. */
#ifndef TREC_INGEST_IDS_H
#define TREC_INGEST_IDS_H

#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include "error.h"
#include "idmap.h"

#define TREC_INGEST_NUM_LIMIT (1u << 22)

typedef struct trec_ingest_numcache {
    uint32_t *id1;          /* id + 1 by value; 0: not seen */
    size_t cap;             /* entries mapped */
} trec_ingest_numcache;

/* 1 (and *v) if s[0..n) is a canonical decimal below TREC_INGEST_NUM_LIMIT,
 * else 0. Inline: it runs for every id of every record. */
static inline int trec_ingest_canon_number(const char *s, size_t n, uint32_t *v)
{
    if (n == 0 || n > 7 || (s[0] == '0' && n > 1))
        return 0;
    uint32_t x = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        x = x * 10 + d;
    }
    if (x >= TREC_INGEST_NUM_LIMIT)
        return 0;
    *v = x;
    return 1;
}

/* The cached id of value v, or -1. */
static inline int64_t trec_ingest_numcache_get(const trec_ingest_numcache *c, uint32_t v)
{
    return v < c->cap && c->id1[v] ? (int64_t)c->id1[v] - 1 : -1;
}

int trec_ingest_numcache_put(trec_ingest_numcache *c, uint32_t v, uint32_t id,
                             trec_error *err);
void trec_ingest_numcache_free(trec_ingest_numcache *c);

/* Number caches given back by parsed blocks, cleared, for the next blocks:
 * a fresh cache per block would take fresh pages (a fault each, on first
 * use, at random places). Thread-safe. */
#define TREC_INGEST_NCPOOL 16
typedef struct trec_ingest_ncpool {
    pthread_mutex_t mu;
    trec_ingest_numcache c[TREC_INGEST_NCPOOL];
    int n;
} trec_ingest_ncpool;

void trec_ingest_ncpool_init(trec_ingest_ncpool *p);
/* Frees the caches kept (the pool stays usable). */
void trec_ingest_ncpool_drain(trec_ingest_ncpool *p);
void trec_ingest_ncpool_destroy(trec_ingest_ncpool *p);

/* A block's users (or items): local ids 0, 1, ... in first-seen order.
 * Numeric ids live only in the number cache and key[] (no hashing, no
 * string copy); other ids in a hash map. key[l] is the value of local id l,
 * or TREC_INGEST_STR_KEY | its index in strs. */
#define TREC_INGEST_STR_KEY 0x80000000u

typedef struct trec_ingest_localids {
    trec_ingest_numcache num;
    trec_idmap strs;
    uint32_t *str_local;      /* strs id -> local id */
    size_t str_cap;
    uint32_t *key;
    size_t count, cap;
} trec_ingest_localids;

int trec_ingest_localids_init(trec_ingest_localids *l, trec_error *err);
void trec_ingest_localids_free(trec_ingest_localids *l);
/* Adds a new id s[0..n) (h: its trec_hash_bytes, unused if it is numeric);
 * *id receives its local id. */
int trec_ingest_localids_add(trec_ingest_localids *l, const char *s, size_t n,
                             uint64_t h, uint32_t *id, trec_error *err);
/* Frees what only lookups need (the number cache and the hash table), most of
 * the memory; the ids themselves stay for trec_ingest_remap. */
void trec_ingest_localids_drop_lookup(trec_ingest_localids *l);
/* Takes a cleared number cache for l from pool, if one is kept (l has
 * none yet). */
void trec_ingest_localids_take_cache(trec_ingest_localids *l, trec_ingest_ncpool *pool);
/* The same as trec_ingest_localids_drop_lookup, but l's number cache is
 * cleared (only the entries l set) and given to pool, or freed if it is
 * full. */
void trec_ingest_localids_give_cache(trec_ingest_localids *l, trec_ingest_ncpool *pool);

/* Frees an id map's hash table, keeping its strings (labels). */
void trec_ingest_idmap_drop_hash(trec_idmap *m);

/* *out[l] = the global id of local id l, interning the ids into global (and
 * the numeric ones into its number cache nc) in local-id order. *out is
 * malloc'd. Numeric ids are told apart by value (nc), a canonical number's
 * text is never looked up as a string: they go into global's hash table
 * only with hash_numbers (global holds a reference's ids, which may be
 * numbers). */
int trec_ingest_remap(trec_idmap *global, trec_ingest_numcache *nc, int hash_numbers,
                      const trec_ingest_localids *local, uint32_t **out, trec_error *err);

#endif
