/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* topk.c - top-K heaps, rank counting, and the blocked multi-threaded top-K
 * driver (see topk.h). */
#include "topk.h"

#include "parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int trec_topk_init(trec_topk *t, uint32_t k, trec_error *err)
{
    memset(t, 0, sizeof *t);
    t->k = k;
    t->score = trec_malloc((k ? k : 1) * sizeof *t->score, err);
    t->item = trec_malloc((k ? k : 1) * sizeof *t->item, err);
    if (!t->score || !t->item) {
        trec_topk_free(t);
        return -1;
    }
    return 0;
}

void trec_topk_free(trec_topk *t)
{
    free(t->score);
    free(t->item);
    memset(t, 0, sizeof *t);
}

/* The heap keeps the worst pair at the root: a parent never ranks before
 * its children. */
static void sift_down(float *s, uint32_t *it, uint32_t n, uint32_t i)
{
    float sv = s[i];
    uint32_t iv = it[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        /* pick the worse child */
        if (c + 1 < n && trec_ranks_before(s[c], it[c], s[c + 1], it[c + 1]))
            c++;
        if (!trec_ranks_before(sv, iv, s[c], it[c]))
            break;
        s[i] = s[c];
        it[i] = it[c];
        i = c;
    }
    s[i] = sv;
    it[i] = iv;
}

void trec_topk_push_slow(trec_topk *t, float score, uint32_t item)
{
    if (t->k == 0)
        return;
    if (t->n < t->k) {
        /* sift up: the new pair rises while it ranks after its parent */
        uint32_t i = t->n++;
        while (i > 0) {
            uint32_t p = (i - 1) / 2;
            if (!trec_ranks_before(t->score[p], t->item[p], score, item))
                break;
            t->score[i] = t->score[p];
            t->item[i] = t->item[p];
            i = p;
        }
        t->score[i] = score;
        t->item[i] = item;
        return;
    }
    if (!trec_ranks_before(score, item, t->score[0], t->item[0]))
        return;
    t->score[0] = score;
    t->item[0] = item;
    sift_down(t->score, t->item, t->n, 0);
}

void trec_topk_sort(trec_topk *t)
{
    /* Heap sort: repeatedly move the worst pair to the end. */
    for (uint32_t n = t->n; n > 1; n--) {
        float s = t->score[0];
        uint32_t i = t->item[0];
        t->score[0] = t->score[n - 1];
        t->item[0] = t->item[n - 1];
        t->score[n - 1] = s;
        t->item[n - 1] = i;
        sift_down(t->score, t->item, n - 1, 0);
    }
}

uint64_t trec_rank_count(const float *scores, uint64_t n, uint32_t item,
                         const uint32_t *skip, size_t nskip)
{
    uint64_t before = 0;
    size_t c = 0;
    for (uint64_t j = 0; j < n; j++) {
        while (c < nskip && skip[c] < j)
            c++;
        if (c < nskip && skip[c] == j)
            continue;
        if (j != item && trec_ranks_before(scores[j], (uint32_t)j, scores[item], item))
            before++;
    }
    return before + 1;
}

/* ---- the driver ---- */

typedef struct job {
    const trec_topk_request *req;
    trec_topk_lists *out;
    uint64_t qb, tb;          /* block sizes */
    uint64_t n_blocks;
    uint64_t next;            /* next query block to take (atomic) */
    size_t skip_cap;          /* merged skip entries one block may need */
    int failed;
    trec_error err;
} job;

typedef struct worker {
    job *j;
    trec_qblock qblock;
    float *buf;               /* qb x tb scores */
    trec_topk *heaps;         /* qb */
    float *thr;               /* qb: selection thresholds (score.h) */
    uint64_t *idx;            /* qb query indices */
    const uint32_t **skip;    /* qb */
    size_t *nskip, *cur;      /* qb */
    uint32_t *merged;         /* skip_cap */
} worker;

static uint64_t query_at(const trec_topk_request *r, uint64_t i)
{
    return r->queries ? r->queries[i] : i;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Points skip[r] at the sorted, duplicate-free targets to leave out for query
 * q: a matrix row in place when it is the only source, else a merged copy. */
static void set_skip(worker *w, uint64_t r, uint64_t q, size_t *used)
{
    const trec_topk_request *req = w->j->req;
    if (req->n_exclude == 1 && !req->exclude_self) {
        const trec_csr *m = req->exclude[0];
        w->skip[r] = m->colidx + m->rowptr[q];
        w->nskip[r] = (size_t)(m->rowptr[q + 1] - m->rowptr[q]);
        return;
    }
    uint32_t *dst = w->merged + *used;
    size_t n = 0;
    for (int e = 0; e < req->n_exclude; e++) {
        const trec_csr *m = req->exclude[e];
        for (uint64_t p = m->rowptr[q]; p < m->rowptr[q + 1]; p++)
            dst[n++] = m->colidx[p];
    }
    if (req->exclude_self)
        dst[n++] = (uint32_t)q;
    if (req->n_exclude > 1 || (req->n_exclude == 1 && req->exclude_self))
        qsort(dst, n, sizeof *dst, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || dst[i] != dst[u - 1])
            dst[u++] = dst[i];
    w->skip[r] = dst;
    w->nskip[r] = u;
    *used += n;
}

/* A selected score of block row r: pushed unless the target is left out.
 * Targets come in ascending order, so the skip cursor only moves forward;
 * once the heap is full, only scores above its worst can enter (an equal
 * score has a higher index, so it ranks after the worst). */
static void offer(void *ctx, uint64_t r, uint32_t item, float v)
{
    worker *w = ctx;
    const uint32_t *sk = w->skip[r];
    size_t c = w->cur[r], ns = w->nskip[r];
    while (c < ns && sk[c] < item)
        c++;
    w->cur[r] = c;
    if (c < ns && sk[c] == item)
        return;
    const uint8_t *cand = w->j->req->candidates; /* --allow-items / --deny-items */
    if (cand && !cand[item])
        return;
    trec_topk *h = &w->heaps[r];
    trec_topk_push(h, v, item);
    if (h->n == h->k)
        w->thr[r] = h->score[0];
}

static void run_block(worker *w, uint64_t b)
{
    job *j = w->j;
    const trec_topk_request *req = j->req;
    const trec_scorer *s = req->scorer;
    uint64_t first = b * j->qb;
    uint64_t n = req->n_queries - first < j->qb ? req->n_queries - first : j->qb;
    size_t used = 0;
    for (uint64_t r = 0; r < n; r++) {
        w->idx[r] = query_at(req, first + r);
        trec_topk_clear(&w->heaps[r]);
        w->thr[r] = NAN; /* selects everything until the heap is full */
        w->cur[r] = 0;
        if (req->n_exclude || req->exclude_self)
            set_skip(w, r, w->idx[r], &used);
        else
            w->nskip[r] = 0;
    }
    trec_qblock_set(&w->qblock, s, w->idx, n);
    for (uint64_t t0 = 0; t0 < s->nt; t0 += j->tb) {
        uint64_t nt = s->nt - t0 < j->tb ? s->nt - t0 : j->tb;
        trec_score_block_select(s, &w->qblock, t0, nt, w->buf, j->tb, w->thr, offer, w);
    }
    trec_topk_lists *out = j->out;
    for (uint64_t r = 0; r < n; r++) {
        trec_topk *h = &w->heaps[r];
        trec_topk_sort(h);
        uint64_t i = first + r;
        out->len[i] = h->n;
        memcpy(out->items + i * out->k, h->item, h->n * sizeof *h->item);
        memcpy(out->scores + i * out->k, h->score, h->n * sizeof *h->score);
    }
}

/* Worker t takes query blocks until none is left (each block's lists are
 * written in place, so the order of the blocks does not matter). */
static void work(void *ctx, uint64_t t)
{
    worker *w = (worker *)ctx + t;
    job *j = w->j;
    for (;;) {
        uint64_t b = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (b >= j->n_blocks)
            break;
        run_block(w, b);
    }
}

static void worker_free(worker *w)
{
    trec_qblock_free(&w->qblock, w->j->req->scorer);
    if (w->heaps)
        for (uint64_t r = 0; r < w->j->qb; r++)
            trec_topk_free(&w->heaps[r]);
    free(w->heaps);
    free(w->thr);
    free(w->buf);
    free(w->idx);
    free(w->skip);
    free(w->nskip);
    free(w->cur);
    free(w->merged);
}

static int worker_init(worker *w, job *j, trec_error *err)
{
    memset(w, 0, sizeof *w);
    w->j = j;
    uint64_t qb = j->qb;
    if (trec_qblock_init(&w->qblock, j->req->scorer, qb, err) != 0)
        return -1;
    w->buf = trec_aligned_alloc(qb * j->tb * sizeof *w->buf, err);
    w->heaps = trec_calloc(qb, sizeof *w->heaps, err);
    w->thr = trec_malloc(qb * sizeof *w->thr, err);
    w->idx = trec_malloc(qb * sizeof *w->idx, err);
    w->skip = trec_calloc(qb, sizeof *w->skip, err);
    w->nskip = trec_calloc(qb, sizeof *w->nskip, err);
    w->cur = trec_calloc(qb, sizeof *w->cur, err);
    w->merged = trec_malloc((j->skip_cap ? j->skip_cap : 1) * sizeof *w->merged, err);
    if (!w->buf || !w->heaps || !w->thr || !w->idx || !w->skip || !w->nskip || !w->cur || !w->merged)
        return -1;
    for (uint64_t r = 0; r < qb; r++)
        if (trec_topk_init(&w->heaps[r], j->out->k, err) != 0)
            return -1;
    return 0;
}

/* The most merged skip entries one query block can need. */
static size_t skip_capacity(const trec_topk_request *req, uint64_t qb)
{
    if (!(req->n_exclude > 1 || (req->n_exclude == 1 && req->exclude_self) ||
          (req->n_exclude == 0 && req->exclude_self)))
        return 0;
    size_t most = 0;
    for (uint64_t i = 0; i < req->n_queries; i++) {
        uint64_t q = query_at(req, i);
        size_t n = req->exclude_self ? 1 : 0;
        for (int e = 0; e < req->n_exclude; e++)
            n += (size_t)(req->exclude[e]->rowptr[q + 1] - req->exclude[e]->rowptr[q]);
        if (n > most)
            most = n;
    }
    return most * (size_t)qb;
}

static int check_request(const trec_topk_request *req, trec_error *err)
{
    const trec_scorer *s = req->scorer;
    if (s->nt > UINT32_MAX)
        return trec_fail(err, "too many targets to rank (%llu)", (unsigned long long)s->nt);
    for (uint64_t i = 0; i < req->n_queries; i++)
        if (query_at(req, i) >= s->nq)
            return trec_fail(err, "query %llu out of range (%llu queries)",
                             (unsigned long long)query_at(req, i), (unsigned long long)s->nq);
    for (int e = 0; e < req->n_exclude; e++)
        if (req->exclude[e]->rows != s->nq || req->exclude[e]->cols != s->nt)
            return trec_fail(err, "exclusion matrix is %llu x %llu, expected %llu x %llu",
                             (unsigned long long)req->exclude[e]->rows,
                             (unsigned long long)req->exclude[e]->cols,
                             (unsigned long long)s->nq, (unsigned long long)s->nt);
    if (req->exclude_self && s->nq != s->nt)
        return trec_fail(err, "excluding the query itself needs queries and targets alike");
    return 0;
}

int trec_topk_run(const trec_topk_request *req, trec_topk_lists *out, trec_error *err)
{
    memset(out, 0, sizeof *out);
    if (check_request(req, err) != 0)
        return -1;
    const trec_scorer *s = req->scorer;
    out->n_queries = req->n_queries;
    out->k = req->k < s->nt ? req->k : (uint32_t)s->nt;
    uint64_t nq = req->n_queries ? req->n_queries : 1;
    out->len = trec_calloc(nq, sizeof *out->len, err);
    out->items = trec_malloc(nq * (out->k ? out->k : 1) * sizeof *out->items, err);
    out->scores = trec_malloc(nq * (out->k ? out->k : 1) * sizeof *out->scores, err);
    if (!out->len || !out->items || !out->scores) {
        trec_topk_lists_free(out);
        return -1;
    }
    if (req->n_queries == 0 || out->k == 0)
        return 0;

    job j = {.req = req, .out = out};
    j.qb = req->query_block ? req->query_block : TREC_TOPK_QUERY_BLOCK;
    j.tb = req->target_block ? req->target_block : TREC_TOPK_TARGET_BLOCK;
    j.n_blocks = (req->n_queries + j.qb - 1) / j.qb;
    j.skip_cap = skip_capacity(req, j.qb);
    uint64_t nw = req->threads > 1 ? (uint64_t)req->threads : 1;
    if (nw > j.n_blocks)
        nw = j.n_blocks;
    worker *w = trec_calloc(nw, sizeof *w, err);
    int rc = w ? 0 : -1;
    uint64_t ready = 0;
    /* A worker that failed halfway is counted in ready, to be freed. */
    for (; rc == 0 && ready < nw; ready++)
        rc = worker_init(&w[ready], &j, err);
    if (rc == 0)
        trec_parallel_for((int)nw, nw, work, w);
    for (uint64_t t = 0; t < ready; t++)
        worker_free(&w[t]);
    free(w);
    if (rc != 0)
        trec_topk_lists_free(out);
    return rc;
}

uint64_t trec_topk_lists_nonfinite(const trec_topk_lists *l)
{
    uint64_t n = 0;
    for (uint64_t q = 0; q < l->n_queries; q++)
        for (uint32_t i = 0; i < l->len[q]; i++)
            n += !isfinite(l->scores[q * l->k + i]);
    return n;
}

void trec_topk_lists_free(trec_topk_lists *l)
{
    free(l->len);
    free(l->items);
    free(l->scores);
    memset(l, 0, sizeof *l);
}
