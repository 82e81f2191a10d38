/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* metrics_auc.c - AUC from a scorer's full ranking (metrics.h): for each
 * evaluated user, every candidate item is scored; the candidate positives
 * are sorted best first, and each negative adds to the wrong pairs the
 * positives it ranks before (a binary search), so a user costs
 * O(items log positives) rather than a sort of its items. */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "parallel.h"

#define AUC_USERS 8 /* users scored together (a block of AUC_USERS x items) */

typedef struct pair {
    float score;
    uint32_t item;
} pair;

typedef struct auc_job {
    const trec_positives *p;
    const trec_scorer *s;
    const trec_csr *exclude;
    trec_eval_result *r;
    uint64_t *users;          /* the evaluated users */
    uint64_t n_users;
    int failed;
} auc_job;

static int best_first(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    return trec_ranks_before(x->score, x->item, y->score, y->item) ? -1
           : trec_ranks_before(y->score, y->item, x->score, x->item);
}

/* Positives (of n) ranking after (score, item): a suffix of the sorted list. */
static uint64_t ranked_after(const pair *pos, uint64_t n, float score, uint32_t item)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (trec_ranks_before(score, item, pos[mid].score, pos[mid].item))
            hi = mid;
        else
            lo = mid + 1;
    }
    return n - lo;
}

/* AUC of user u from its scores over all items; pos is scratch. */
static double user_auc(const auc_job *J, uint64_t u, const float *scores, pair *pos)
{
    const trec_positives *p = J->p;
    const uint32_t *pi = p->items + p->rowptr[u];
    uint64_t np = p->rowptr[u + 1] - p->rowptr[u], ni = p->n_items;
    const uint32_t *xi = J->exclude ? J->exclude->colidx + J->exclude->rowptr[u] : NULL;
    uint64_t nx = J->exclude ? J->exclude->rowptr[u + 1] - J->exclude->rowptr[u] : 0;
    uint64_t npc = 0, a = 0, b = 0;
    for (uint64_t e = 0; e < np; e++) { /* candidate positives */
        while (b < nx && xi[b] < pi[e])
            b++;
        if (b < nx && xi[b] == pi[e])
            continue;
        pos[npc++] = (pair){scores[pi[e]], pi[e]};
    }
    qsort(pos, npc, sizeof *pos, best_first);
    double wrong = 0, neg = 0;
    b = 0;
    for (uint64_t i = 0; i < ni; i++) {
        while (b < nx && xi[b] < i)
            b++;
        while (a < np && pi[a] < i)
            a++;
        if ((b < nx && xi[b] == i) || (a < np && pi[a] == i))
            continue;
        neg++;
        wrong += (double)ranked_after(pos, npc, scores[i], (uint32_t)i);
    }
    if (neg == 0)
        return 0.5;
    return ((double)npc * neg - wrong) / ((double)np * neg);
}

static void auc_task(void *ctx, uint64_t t)
{
    auc_job *J = ctx;
    uint64_t a = t * AUC_USERS, n = J->n_users - a < AUC_USERS ? J->n_users - a : AUC_USERS;
    uint64_t ni = J->p->n_items, nk = (uint64_t)J->r->nk;
    trec_qblock qb;
    float *scores = trec_malloc(AUC_USERS * ni * sizeof *scores, NULL);
    pair *pos = trec_malloc((ni ? ni : 1) * sizeof *pos, NULL);
    if (!scores || !pos || trec_qblock_init(&qb, J->s, AUC_USERS, NULL) != 0) {
        __atomic_store_n(&J->failed, 1, __ATOMIC_RELAXED);
        free(scores);
        free(pos);
        return;
    }
    trec_qblock_set(&qb, J->s, J->users + a, n);
    trec_score_block(J->s, &qb, 0, ni, scores, ni);
    for (uint64_t q = 0; q < n; q++) {
        uint64_t u = J->users[a + q];
        double auc = user_auc(J, u, scores + q * ni, pos);
        for (uint64_t k = 0; k < nk; k++)
            J->r->per_user[(u * nk + k) * TREC_N_METRICS + TREC_AUC] = auc;
    }
    trec_qblock_free(&qb, J->s);
    free(scores);
    free(pos);
}

int trec_eval_auc(const trec_positives *p, const trec_scorer *s, const trec_csr *exclude,
                  int threads, trec_eval_result *r, trec_error *err)
{
    if (s->nq != p->n_users || s->nt != p->n_items || r->n_users != p->n_users ||
        (exclude && (exclude->rows != p->n_users || exclude->cols != p->n_items)))
        return trec_fail(err, "internal error: AUC of mismatched shapes");
    auc_job J = {.p = p, .s = s, .exclude = exclude, .r = r};
    J.users = trec_malloc((p->n_users ? p->n_users : 1) * sizeof *J.users, err);
    if (!J.users)
        return -1;
    for (uint64_t u = 0; u < p->n_users; u++)
        if (r->has[u])
            J.users[J.n_users++] = u;
    trec_parallel_for(threads < 1 ? 1 : threads, (J.n_users + AUC_USERS - 1) / AUC_USERS,
                      auc_task, &J);
    free(J.users);
    if (J.failed)
        return trec_fail(err, "out of memory computing AUC");
    for (int k = 0; k < r->nk; k++) { /* the mean, in user order */
        double sum = 0;
        for (uint64_t u = 0; u < p->n_users; u++)
            if (r->has[u])
                sum += r->per_user[(u * (uint64_t)r->nk + (uint64_t)k) * TREC_N_METRICS +
                                   TREC_AUC];
        r->mean[k * TREC_N_METRICS + TREC_AUC] = r->evaluated ? sum / (double)r->evaluated : 0;
    }
    return 0;
}

int trec_popularity_scorer(const trec_positives *train, trec_scorer *s, float **counts,
                           trec_error *err)
{
    uint64_t ni = train->n_items, nu = train->n_users, nz = (nu > ni ? nu : ni) + 1;
    /* one block: the counts, then zeros for both sides' representations */
    float *c = trec_calloc(ni + nz, sizeof *c, err), *zeros = c ? c + ni : NULL;
    if (!c)
        return -1;
    for (uint64_t e = 0; e < train->n; e++)
        c[train->items[e]] += 1.0f;
    /* a one-component dot of zeros plus the item's count: equal counts rank
     * the lower index first, as trec_popularity_order */
    if (trec_scorer_factors(s, TREC_PREDICT_DOT, 1, zeros, NULL, nu, zeros, c, ni, err) != 0) {
        free(c);
        return -1;
    }
    *counts = c;
    return 0;
}
