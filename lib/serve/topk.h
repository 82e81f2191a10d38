/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* topk.h - top-K selection over scored items, and ranks.
 *
 * Ranking order (total, so results never depend on threads or blocks):
 * higher score first; equal scores: lower item index first. This is what
 * TensorRec's predict_rank gives on the CPU (tf.nn.top_k puts the lower index
 * first among equal values). Rank 1 is the best item.
 *
 * A trec_topk keeps the best k (score, item) pairs seen so far in a binary
 * heap whose root is the worst kept pair: each push is O(1) when the pair
 * does not make it (the common case) and O(log k) when it does. */
#ifndef TREC_TOPK_H
#define TREC_TOPK_H

#include <stddef.h>
#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if (sa, ia) ranks strictly before (sb, ib). */
static inline int trec_ranks_before(float sa, uint32_t ia, float sb, uint32_t ib)
{
    return sa > sb || (sa == sb && ia < ib);
}

typedef struct trec_topk {
    uint32_t k, n;     /* capacity, size */
    float *score;      /* k */
    uint32_t *item;    /* k */
} trec_topk;

int trec_topk_init(trec_topk *t, uint32_t k, trec_error *err);
void trec_topk_free(trec_topk *t);
static inline void trec_topk_clear(trec_topk *t) { t->n = 0; }

void trec_topk_push_slow(trec_topk *t, float score, uint32_t item);
/* Offers a pair (k > 0). */
static inline void trec_topk_push(trec_topk *t, float score, uint32_t item)
{
    if (t->n == t->k && !trec_ranks_before(score, item, t->score[0], t->item[0]))
        return;
    trec_topk_push_slow(t, score, item);
}
/* Sorts the kept pairs best first (the heap is consumed: clear before reuse). */
void trec_topk_sort(trec_topk *t);

/* The 1-based rank of item among scores[0..n), leaving out the items listed
 * in skip (sorted ascending, nskip of them; item itself must not be there):
 * 1 + the number of non-skipped items ranking before it. */
uint64_t trec_rank_count(const float *scores, uint64_t n, uint32_t item,
                         const uint32_t *skip, size_t nskip);

/* ---- top-K lists for many queries ---- */

typedef struct trec_topk_request {
    const trec_scorer *scorer;
    const uint64_t *queries;   /* query indices, or NULL for 0..n_queries-1 */
    uint64_t n_queries;
    uint32_t k;                /* list length wanted (capped at the targets) */
    /* Targets left out per query: those in row q of each exclude matrix
     * (rows = queries, columns = targets), and q itself if exclude_self. */
    const trec_csr *const *exclude;
    int n_exclude;
    int exclude_self;
    int threads;               /* >= 1; the output does not depend on it */
    uint32_t query_block;      /* queries per sgemm block (0: default) */
    uint32_t target_block;     /* targets per sgemm block (0: default) */
    /* Targets ranked for every query (business rules: --allow-items,
     * --deny-items): candidates[t] nonzero; NULL: all. */
    const uint8_t *candidates;
} trec_topk_request;

typedef struct trec_topk_lists {
    uint64_t n_queries;
    uint32_t k;                /* stride of items/scores */
    uint32_t *len;             /* per query: list length (< k if few targets) */
    uint32_t *items;           /* n_queries x k, best first */
    float *scores;             /* n_queries x k */
} trec_topk_lists;

/* Computes the top-k targets of every requested query in blocks of queries x
 * targets (memory O(n_queries x k + threads x block)). */
int trec_topk_run(const trec_topk_request *req, trec_topk_lists *out, trec_error *err);
void trec_topk_lists_free(trec_topk_lists *l);
/* The listed scores that are not finite: a model whose scores overflowed
 * single precision (+inf; NaN is listed as -inf, see score.h). Among them
 * the order is the item order alone; callers warn about it. */
uint64_t trec_topk_lists_nonfinite(const trec_topk_lists *l);

/* Block sizes (queries x targets per sgemm call): 2 MiB of scores per
 * thread. 256 x 2048 rather than 128 x 4096 (the same buffer): each query
 * block packs every target once, so taller blocks halve that packing, and
 * the top-K pass cost 9-10% less CPU in alternating score-bench runs
 * (README, "Speed: scoring and loading"). */
#define TREC_TOPK_QUERY_BLOCK 256
#define TREC_TOPK_TARGET_BLOCK 2048

#ifdef __cplusplus
}
#endif

#endif
