/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_assemble.c - parsed blocks -> the ratings matrix. */
#include "ingest_assemble.h"

#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "ingest_ids.h"
#include "ingest_reader.h"
#include "ingest_sort.h"

typedef struct assembly {
    trec_idmap users, items;      /* global ids */
    int have_users, have_items;
    uint32_t **umap, **imap;      /* per part: local id -> global id */
    uint32_t *ulo, *uhi;          /* per part: the smallest and largest global
                                   * user id of its kept entries (ulo > uhi: none) */
    size_t nparts;
    uint64_t *lines;              /* per entry (keep_lines) */
    uint64_t keep_u, keep_i;      /* entries with global ids past these are dropped */
} assembly;

/* Interns a reference's ids, in order, into an empty global map; a
 * repeated id is an error. */
static int seed(trec_idmap *map, const trec_labels *ref, const char *what, trec_error *err)
{
    for (uint64_t i = 0; ref && i < ref->count; i++) {
        size_t n;
        const char *s = trec_label(ref, i, &n);
        uint32_t id;
        int added = trec_idmap_intern(map, s, n, &id, err);
        if (added < 0)
            return -1;
        if (!added)
            return trec_fail(err, "the reference has %s id '%.*s' twice", what, (int)n, s);
    }
    return 0;
}

static int assembly_init(assembly *A, size_t nparts, trec_error *err)
{
    memset(A, 0, sizeof *A);
    A->nparts = nparts;
    A->keep_u = A->keep_i = UINT64_MAX;
    A->umap = trec_calloc(nparts ? nparts : 1, sizeof *A->umap, err);
    A->imap = trec_calloc(nparts ? nparts : 1, sizeof *A->imap, err);
    A->ulo = trec_calloc(nparts ? nparts : 1, sizeof *A->ulo, err);
    A->uhi = trec_calloc(nparts ? nparts : 1, sizeof *A->uhi, err);
    if (!A->umap || !A->imap || !A->ulo || !A->uhi)
        return -1;
    if (trec_idmap_init(&A->users, err) != 0)
        return -1;
    A->have_users = 1;
    if (trec_idmap_init(&A->items, err) != 0)
        return -1;
    A->have_items = 1;
    return 0;
}

static void assembly_free(assembly *A)
{
    for (size_t b = 0; b < A->nparts; b++) {
        if (A->umap)
            free(A->umap[b]);
        if (A->imap)
            free(A->imap[b]);
    }
    free(A->umap);
    free(A->imap);
    free(A->ulo);
    free(A->uhi);
    free(A->lines);
    if (A->have_users)
        trec_idmap_free(&A->users);
    if (A->have_items)
        trec_idmap_free(&A->items);
}

/* Global ids for every part's local ids, in file order; *nnz receives the
 * number of entries. The parts' id maps are freed. */
static int global_ids(assembly *A, trec_ingest_part **parts, uint64_t *nnz,
                      trec_error *err)
{
    trec_ingest_numcache un = {0}, in = {0};
    /* Seeded from a reference: a number may be among its ids. */
    int hu = A->users.count > 0, hi = A->items.count > 0;
    int rc = 0;
    *nnz = 0;
    for (size_t b = 0; b < A->nparts && rc == 0; b++) {
        trec_ingest_part *p = parts[b];
        if (trec_ingest_remap(&A->users, &un, hu, &p->users, &A->umap[b], err) != 0 ||
            trec_ingest_remap(&A->items, &in, hi, &p->items, &A->imap[b], err) != 0)
            rc = -1;
        trec_ingest_localids_free(&p->users);
        trec_ingest_localids_free(&p->items);
        *nnz += p->n;
    }
    trec_ingest_numcache_free(&un);
    trec_ingest_numcache_free(&in);
    return rc;
}

/* The first entry in file order whose user or item is new (global id at or
 * past the reference's count): the --new-ids error. */
/* Entry k of part b is kept (its ids are not dropped). */
static inline int keep(const assembly *A, size_t b, const trec_ingest_part *P, size_t k)
{
    return A->umap[b][P->row[k]] < A->keep_u && A->imap[b][P->col[k]] < A->keep_i;
}

static int new_id_error(const trec_ingest_config *c, const assembly *A,
                        trec_ingest_part **parts, uint64_t nu, uint64_t ni, trec_error *err)
{
    for (size_t b = 0; b < A->nparts; b++) {
        const trec_ingest_part *P = parts[b];
        for (size_t k = 0; k < P->n; k++) {
            uint32_t u = A->umap[b][P->row[k]], i = A->imap[b][P->col[k]];
            int user = u >= nu;
            if (!user && i < ni)
                continue;
            trec_labels l = trec_idmap_labels(user ? &A->users : &A->items);
            size_t n;
            const char *s = trec_label(&l, user ? u : i, &n);
            int col = c->col[user ? TREC_INGEST_COL_USER : TREC_INGEST_COL_ITEM];
            return trec_fail(err, "%s:%llu: field %d: %s '%.*s' is not in the reference "
                             "(--new-ids error; append or drop take it)", c->name,
                             (unsigned long long)(P->line ? P->base + P->line[k] : 0),
                             col + 1, user ? "user" : "item", (int)n, s);
        }
    }
    return trec_fail(err, "%s: internal error: no new id found", c->name);
}

/* Applies the --new-ids policy once the global ids are known: counts the new
 * ids; drop sets the limits past which entries are dropped, removes the
 * new ids from the global maps (they become the reference's ids exactly) and subtracts their
 * entries from *nnz. */
static int new_ids(const trec_ingest_config *c, assembly *A, trec_ingest_part **parts,
                   const trec_ingest_opts *o, uint64_t *nnz, trec_ingest_stats *st,
                   trec_error *err)
{
    uint64_t nu = o->align_users ? o->align_users->count : 0;
    uint64_t ni = o->align_items ? o->align_items->count : 0;
    if (!o->align_users)
        nu = A->users.count;
    if (!o->align_items)
        ni = A->items.count;
    st->new_users = A->users.count - nu;
    st->new_items = A->items.count - ni;
    if (st->new_users + st->new_items == 0 || o->new_ids == TREC_NEW_IDS_APPEND)
        return 0;
    if (o->new_ids == TREC_NEW_IDS_ERROR)
        return new_id_error(c, A, parts, nu, ni, err);
    A->keep_u = nu;
    A->keep_i = ni;
    for (size_t b = 0; b < A->nparts; b++)
        for (size_t k = 0; k < parts[b]->n; k++)
            if (!keep(A, b, parts[b], k))
                st->dropped_entries++;
    *nnz -= st->dropped_entries;
    /* The reference's ids are a prefix of each map: keep that prefix. */
    A->users.count = nu;
    A->items.count = ni;
    return 0;
}

static int no_interactions(const trec_ingest_config *c, const trec_ingest_stats *st,
                           trec_error *err)
{
    if (st->dropped_entries)
        return trec_fail(err, "%s: no interactions (all %llu entries have a user or item "
                         "that is not in the reference, and --new-ids drop dropped them)",
                         c->name, (unsigned long long)st->dropped_entries);
    if (st->skipped)
        return trec_fail(err, "%s: no interactions (all %llu records were bad and "
                         "skipped)", c->name, (unsigned long long)st->skipped);
    return trec_fail(err, "%s: no interactions (the input has %s)", c->name,
                     st->header ? "only a header line" : "no records");
}

/* Row lengths, then each row's start, into out->rowptr; each part's range
 * of users. */
static void count_rows(assembly *A, trec_ingest_part **parts, trec_csr *out)
{
    uint64_t *rp = out->rowptr;
    for (size_t b = 0; b < A->nparts; b++) {
        uint32_t lo = UINT32_MAX, hi = 0;
        for (size_t k = 0; k < parts[b]->n; k++) {
            if (keep(A, b, parts[b], k)) {
                uint32_t u = A->umap[b][parts[b]->row[k]];
                rp[u + 1]++;
                lo = u < lo ? u : lo;
                hi = u > hi ? u : hi;
            }
        }
        A->ulo[b] = lo;
        A->uhi[b] = hi;
    }
    for (uint64_t r = 0; r < out->rows; r++)
        rp[r + 1] += rp[r];
}

/* Before part b's entries are copied: when its users' rows are a compact
 * range of the output (a file grouped or sorted by user), maps the pages of
 * that range in one call per array instead of one fault per page. Not
 * otherwise: the whole output would be taken while the parts still hold
 * theirs (the peak memory). */
static void populate_rows(const assembly *A, size_t b, const trec_ingest_part *P,
                          const trec_csr *out)
{
    if (A->ulo[b] > A->uhi[b])
        return;
    uint64_t lo = out->rowptr[A->ulo[b]], hi = out->rowptr[A->uhi[b] + 1];
    if (hi - lo > 2 * (uint64_t)P->n + 65536)
        return;
    trec_ingest_mem_populate(out->colidx + lo, (hi - lo) * sizeof *out->colidx);
    trec_ingest_mem_populate(out->vals + lo, (hi - lo) * sizeof *out->vals);
    if (out->times)
        trec_ingest_mem_populate(out->times + lo, (hi - lo) * sizeof *out->times);
    if (A->lines)
        trec_ingest_mem_populate(A->lines + lo, (hi - lo) * sizeof *A->lines);
}

/* Copies the entries in file order (so each row is in file order), freeing
 * each part's entries as soon as they are copied. */
static int scatter(assembly *A, trec_ingest_part **parts, trec_csr *out, trec_error *err)
{
    uint64_t *next = trec_malloc(out->rows * 8 + 8, err);
    if (!next)
        return -1;
    memcpy(next, out->rowptr, out->rows * 8);
    for (size_t b = 0; b < A->nparts; b++) {
        trec_ingest_part *P = parts[b];
        const uint32_t *um = A->umap[b], *im = A->imap[b];
        populate_rows(A, b, P, out);
        for (size_t k = 0; k < P->n; k++) {
            if (!keep(A, b, P, k))
                continue;
            uint64_t pos = next[um[P->row[k]]]++;
            out->colidx[pos] = im[P->col[k]];
            out->vals[pos] = P->val[k];
            if (out->times)
                out->times[pos] = P->time32 ? (int64_t)P->time32[k] : P->time[k];
            if (A->lines)
                A->lines[pos] = P->base + P->line[k];
        }
        trec_ingest_part_free_entries(P);
    }
    free(next);
    return 0;
}

/* Hands an id map's strings to m as labels (the map's hash table is freed). */
static int take_labels(trec_csr *m, trec_idmap *map, trec_labels *l, trec_error *err)
{
    *l = trec_idmap_labels(map);
    trec_ingest_idmap_drop_hash(map);
    void *off = map->offsets, *blob = map->blob;
    map->offsets = NULL;
    map->blob = NULL;
    int rc = trec_csr_own(m, off, err);
    if (trec_csr_own(m, blob, err) != 0)
        rc = -1;
    return rc;
}

int trec_ingest_assemble(const trec_ingest_config *c, trec_ingest_part **parts, size_t n,
                         const trec_ingest_opts *o, int threads, trec_csr *out,
                         trec_ingest_stats *st, trec_error *err)
{
    trec_dup_policy policy = o->duplicates;
    assembly A;
    uint64_t nnz;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (assembly_init(&A, n, err) != 0 || seed(&A.users, o->align_users, "user", err) != 0 ||
        seed(&A.items, o->align_items, "item", err) != 0 ||
        global_ids(&A, parts, &nnz, err) != 0 || new_ids(c, &A, parts, o, &nnz, st, err) != 0)
        goto done;
    if (nnz == 0) {
        no_interactions(c, st, err);
        goto done;
    }
    if (trec_csr_alloc(out, A.users.count, A.items.count, nnz,
                       c->col[TREC_INGEST_COL_TIME] >= 0, err) != 0)
        goto done;
    /* Written whole: 2 MiB pages (see trec_ingest_mem_alloc_huge). */
    trec_ingest_mem_hugepages(out->colidx, nnz * sizeof *out->colidx);
    trec_ingest_mem_hugepages(out->vals, nnz * sizeof *out->vals);
    if (out->times)
        trec_ingest_mem_hugepages(out->times, nnz * sizeof *out->times);
    count_rows(&A, parts, out);
    if (c->keep_lines && !(A.lines = trec_malloc(nnz * 8, err)))
        goto done;
    if (scatter(&A, parts, out, err) != 0 ||
        trec_ingest_sort_rows(out, A.lines, policy, threads, c, &A.users, &A.items,
                              &st->duplicates, err) != 0)
        goto done;
    if (take_labels(out, &A.users, &out->row_labels, err) != 0 ||
        take_labels(out, &A.items, &out->col_labels, err) != 0)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        trec_csr_free(out);
    assembly_free(&A);
    return rc;
}
