/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_ids.c - block-local id maps and their merge into global ids. */
#include "ingest_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_reader.h"

int trec_ingest_numcache_put(trec_ingest_numcache *c, uint32_t v, uint32_t id,
                             trec_error *err)
{
    if (v >= c->cap) {
        /* From 256 entries: ids of a small block fit in a small array (it
         * is cleared, from the heap); large ones double into mmap. */
        size_t cap = c->cap ? c->cap : 256;
        while (cap <= v)
            cap *= 2;
        /* The new entries read as zero (trec_ingest_mem_grow). */
        uint32_t *p = trec_ingest_mem_grow(c->id1, c->cap * 4, cap * 4, err);
        if (!p)
            return -1;
        c->id1 = p;
        c->cap = cap;
    }
    c->id1[v] = id + 1;
    return 0;
}

void trec_ingest_numcache_free(trec_ingest_numcache *c)
{
    trec_ingest_mem_free(c->id1, c->cap * 4);
    c->id1 = NULL;
    c->cap = 0;
}

void trec_ingest_ncpool_init(trec_ingest_ncpool *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
}

void trec_ingest_ncpool_drain(trec_ingest_ncpool *p)
{
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->n; i++)
        trec_ingest_numcache_free(&p->c[i]);
    p->n = 0;
    pthread_mutex_unlock(&p->mu);
}

void trec_ingest_ncpool_destroy(trec_ingest_ncpool *p)
{
    trec_ingest_ncpool_drain(p);
    pthread_mutex_destroy(&p->mu);
}

void trec_ingest_localids_take_cache(trec_ingest_localids *l, trec_ingest_ncpool *pool)
{
    if (!pool || l->num.id1)
        return;
    pthread_mutex_lock(&pool->mu);
    if (pool->n > 0)
        l->num = pool->c[--pool->n];
    pthread_mutex_unlock(&pool->mu);
}

void trec_ingest_localids_give_cache(trec_ingest_localids *l, trec_ingest_ncpool *pool)
{
    trec_ingest_idmap_drop_hash(&l->strs);
    if (!pool || !l->num.id1) {
        trec_ingest_numcache_free(&l->num);
        return;
    }
    /* Every entry set is the value of a numeric local id. */
    for (size_t k = 0; k < l->count; k++)
        if (!(l->key[k] & TREC_INGEST_STR_KEY))
            l->num.id1[l->key[k]] = 0;
    pthread_mutex_lock(&pool->mu);
    int kept = pool->n < TREC_INGEST_NCPOOL;
    if (kept)
        pool->c[pool->n++] = l->num;
    pthread_mutex_unlock(&pool->mu);
    if (!kept)
        trec_ingest_numcache_free(&l->num);
    memset(&l->num, 0, sizeof l->num);
}

int trec_ingest_localids_init(trec_ingest_localids *l, trec_error *err)
{
    memset(l, 0, sizeof *l);
    return trec_idmap_init(&l->strs, err);
}

void trec_ingest_localids_free(trec_ingest_localids *l)
{
    trec_ingest_numcache_free(&l->num);
    trec_idmap_free(&l->strs);
    free(l->str_local);
    free(l->key);
    memset(l, 0, sizeof *l);
}

static int grow_keys(trec_ingest_localids *l, trec_error *err)
{
    size_t cap = l->cap ? l->cap * 2 : 1024;
    uint32_t *k = trec_realloc(l->key, cap * 4, err);
    if (!k)
        return -1;
    l->key = k;
    l->cap = cap;
    return 0;
}

/* A non-numeric id: into the hash map, remembering its local id. */
static int add_string(trec_ingest_localids *l, const char *s, size_t n, uint64_t h,
                      uint32_t local, trec_error *err)
{
    uint32_t sid;
    if (trec_idmap_intern_hashed(&l->strs, s, n, h, &sid, err) < 0)
        return -1;
    if (sid >= l->str_cap) {
        size_t cap = l->str_cap ? l->str_cap * 2 : 256;
        uint32_t *sl = trec_realloc(l->str_local, cap * 4, err);
        if (!sl)
            return -1;
        l->str_local = sl;
        l->str_cap = cap;
    }
    l->str_local[sid] = local;
    l->key[local] = TREC_INGEST_STR_KEY | sid;
    return 0;
}

int trec_ingest_localids_add(trec_ingest_localids *l, const char *s, size_t n,
                             uint64_t h, uint32_t *id, trec_error *err)
{
    if (l->count == l->cap && grow_keys(l, err) != 0)
        return -1;
    if (l->count >= UINT32_MAX - 1)
        return trec_fail(err, "more than %u distinct ids", UINT32_MAX - 1);
    uint32_t local = (uint32_t)l->count, v;
    if (trec_ingest_canon_number(s, n, &v)) {
        if (trec_ingest_numcache_put(&l->num, v, local, err) != 0)
            return -1;
        l->key[local] = v;
    } else if (add_string(l, s, n, h, local, err) != 0) {
        return -1;
    }
    l->count++;
    *id = local;
    return 0;
}

void trec_ingest_idmap_drop_hash(trec_idmap *m)
{
    free(m->slots);
    free(m->slot_hash);
    m->slots = NULL;
    m->slot_hash = NULL;
    m->nslots = 0;
}

void trec_ingest_localids_drop_lookup(trec_ingest_localids *l)
{
    trec_ingest_numcache_free(&l->num);
    trec_ingest_idmap_drop_hash(&l->strs);
}

/* The decimal digits of k into buf (at least 10 bytes); returns their count. */
static int utoa(uint32_t k, char *buf)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + k % 10);
        k /= 10;
    } while (k);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* The global id of the numeric id k: from the cache, or added (as text;
 * hashed only when the map may hold it already, from a reference). */
static int remap_number(trec_idmap *global, trec_ingest_numcache *nc, int hash_numbers,
                        uint32_t k, uint32_t *g, trec_error *err)
{
    int64_t got = trec_ingest_numcache_get(nc, k);
    if (got >= 0) {
        *g = (uint32_t)got;
        return 0;
    }
    char num[16];
    int n = utoa(k, num);
    if (hash_numbers ? trec_idmap_intern(global, num, (size_t)n, g, err) < 0
                     : trec_idmap_append_unhashed(global, num, (size_t)n, g, err) != 0)
        return -1;
    return trec_ingest_numcache_put(nc, k, *g, err);
}

int trec_ingest_remap(trec_idmap *global, trec_ingest_numcache *nc, int hash_numbers,
                      const trec_ingest_localids *local, uint32_t **out, trec_error *err)
{
    *out = trec_malloc(local->count * 4, err);
    if (!*out)
        return -1;
    trec_labels strs = trec_idmap_labels(&local->strs);
    for (size_t l = 0; l < local->count; l++) {
        uint32_t k = local->key[l], *g = &(*out)[l];
        if (!(k & TREC_INGEST_STR_KEY)) {
            if (remap_number(global, nc, hash_numbers, k, g, err) != 0)
                return -1;
            continue;
        }
        size_t n;
        const char *s = trec_label(&strs, k & ~TREC_INGEST_STR_KEY, &n);
        if (trec_idmap_intern(global, s, n, g, err) < 0)
            return -1;
    }
    return 0;
}
