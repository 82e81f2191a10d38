/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* idmap.c - string -> dense id hash map (open addressing, linear probing). */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t trec_hash_bytes(const char *s, size_t n)
{
    /* 8 bytes at a time with a multiply-xorshift mix: ids are short, and this
     * is on the per-line path of trec-ingest. */
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h;
}

int trec_idmap_init(trec_idmap *m, trec_error *err)
{
    memset(m, 0, sizeof *m);
    /* Small to start with, doubled as needed: ingest makes two maps per
     * block, most of them for a few ids (small files, ids that are numbers). */
    m->nslots = 64;
    m->offsets_cap = 32;
    m->blob_cap = 256;
    m->slots = trec_calloc(m->nslots, sizeof *m->slots, err);
    m->slot_hash = trec_malloc(m->nslots * sizeof *m->slot_hash, err);
    m->offsets = trec_malloc((m->offsets_cap + 1) * sizeof *m->offsets, err);
    m->blob = trec_malloc(m->blob_cap, err);
    if (!m->slots || !m->slot_hash || !m->offsets || !m->blob) {
        trec_idmap_free(m);
        return -1;
    }
    m->offsets[0] = 0;
    return 0;
}

void trec_idmap_free(trec_idmap *m)
{
    free(m->offsets);
    free(m->blob);
    free(m->slots);
    free(m->slot_hash);
    memset(m, 0, sizeof *m);
}

int64_t trec_idmap_find_hashed(const trec_idmap *m, const char *s, size_t n, uint64_t h)
{
    uint64_t mask = m->nslots - 1;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t v = m->slots[i];
        if (v == 0)
            return -1;
        if (m->slot_hash[i] == h) {
            uint64_t id = v - 1;
            uint64_t a = m->offsets[id], b = m->offsets[id + 1];
            if (b - a == n && memcmp(m->blob + a, s, n) == 0)
                return (int64_t)id;
        }
    }
}

int64_t trec_idmap_find(const trec_idmap *m, const char *s, size_t n)
{
    return trec_idmap_find_hashed(m, s, n, trec_hash_bytes(s, n));
}

static int grow_slots(trec_idmap *m, trec_error *err)
{
    uint64_t n = m->nslots * 2, mask = n - 1;
    uint32_t *slots = trec_calloc(n, sizeof *slots, err);
    uint64_t *hashes = trec_malloc(n * sizeof *hashes, err);
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return -1;
    }
    for (uint64_t i = 0; i < m->nslots; i++) {
        if (!m->slots[i])
            continue;
        uint64_t j = m->slot_hash[i] & mask;
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = m->slots[i];
        hashes[j] = m->slot_hash[i];
    }
    free(m->slots);
    free(m->slot_hash);
    m->slots = slots;
    m->slot_hash = hashes;
    m->nslots = n;
    return 0;
}

static int append_string(trec_idmap *m, const char *s, size_t n, trec_error *err)
{
    if (m->count == m->offsets_cap) {
        uint64_t cap = m->offsets_cap * 2;
        uint64_t *o = trec_realloc(m->offsets, (cap + 1) * sizeof *o, err);
        if (!o)
            return -1;
        m->offsets = o;
        m->offsets_cap = cap;
    }
    if (m->blob_len + n > m->blob_cap) {
        uint64_t cap = m->blob_cap * 2;
        while (cap < m->blob_len + n)
            cap *= 2;
        char *b = trec_realloc(m->blob, cap, err);
        if (!b)
            return -1;
        m->blob = b;
        m->blob_cap = cap;
    }
    memcpy(m->blob + m->blob_len, s, n);
    m->blob_len += n;
    m->count++;
    m->offsets[m->count] = m->blob_len;
    return 0;
}

int trec_idmap_append_unhashed(trec_idmap *m, const char *s, size_t n, uint32_t *id,
                               trec_error *err)
{
    if (m->count >= UINT32_MAX - 1)
        return trec_fail(err, "more than %u distinct ids", UINT32_MAX - 1);
    if (append_string(m, s, n, err) != 0)
        return -1;
    *id = (uint32_t)(m->count - 1);
    return 0;
}

int trec_idmap_intern_hashed(trec_idmap *m, const char *s, size_t n, uint64_t h,
                             uint32_t *id, trec_error *err)
{
    int64_t found = trec_idmap_find_hashed(m, s, n, h);
    if (found >= 0) {
        *id = (uint32_t)found;
        return 0;
    }
    if (m->count >= UINT32_MAX - 1)
        return trec_fail(err, "more than %u distinct ids", UINT32_MAX - 1);
    if ((m->count + 1) * 2 > m->nslots && grow_slots(m, err) != 0)
        return -1;
    if (append_string(m, s, n, err) != 0)
        return -1;
    uint64_t mask = m->nslots - 1, i = h & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint32_t)m->count; /* id + 1 */
    m->slot_hash[i] = h;
    *id = (uint32_t)(m->count - 1);
    return 1;
}

int trec_idmap_intern(trec_idmap *m, const char *s, size_t n, uint32_t *id,
                      trec_error *err)
{
    return trec_idmap_intern_hashed(m, s, n, trec_hash_bytes(s, n), id, err);
}

trec_labels trec_idmap_labels(const trec_idmap *m)
{
    trec_labels l = {.count = m->count, .offsets = m->offsets, .blob = m->blob};
    return l;
}

int trec_idmap_from_labels(trec_idmap *m, const trec_labels *l, trec_error *err)
{
    if (trec_idmap_init(m, err) != 0)
        return -1;
    for (uint64_t i = 0; i < l->count; i++) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        uint32_t id;
        int r = trec_idmap_intern(m, s, n, &id, err);
        if (r < 0 || r == 0) {
            if (r == 0)
                trec_fail(err, "duplicate label \"%.*s\" (labels %u and %llu)",
                          (int)(n > 200 ? 200 : n), s, id, (unsigned long long)i);
            trec_idmap_free(m);
            return -1;
        }
    }
    return 0;
}
