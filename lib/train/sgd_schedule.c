/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* sgd_schedule.c - the sgd algorithm's epochs: DSGD's schedule (Gemulla et
 * al. 2011), so that threads never write the same parameter and the model
 * does not depend on their number.
 *
 * Users and items are dealt into B blocks each (B fixed by the data's size,
 * not by --threads; balanced by interaction counts, ties broken by the
 * seed); a positive (u, i) belongs to stratum (block(u), block(i)). An epoch
 * is B sub-epochs: in sub-epoch s the B strata (b, (b + s) mod B) share no
 * user and no item and run in parallel, each with its own random stream,
 * drawing its negatives from its item block. Metadata features are shared
 * by every block: each stratum updates its own replica of their records,
 * and after the sub-epoch the shared records become the replicas' mean,
 * summed in stratum order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "parallel.h"
#include "sgd.h"

/* Blocks per side: at most MAX_BLOCKS, fewer when a block would hold fewer
 * than MIN_BLOCK_ITEMS items or MIN_BLOCK_USERS users. */
#define MAX_BLOCKS 8
#define MIN_BLOCK_ITEMS 64
#define MIN_BLOCK_USERS 16
/* Random streams: the initial weights draw from the seed itself. */
#define STREAM_USER_BLOCKS 1
#define STREAM_ITEM_BLOCKS 2
#define STREAM_EPOCH_SHIFT 16

struct trec_sgd_train {
    const trec_fit_config *cfg;
    const trec_csr *x;
    const trec_features *f[2];  /* [user, item] */
    trec_sgd_table tab[2];      /* every feature's record */
    trec_sgd_table rep[2];      /* B replicas of the metadata records, one after another */
    trec_sgd_rule rule;
    uint64_t k, nu, ni, B, sub, epoch;
    uint32_t *ublock, *iblock;  /* block of each user / item */
    uint32_t *items;            /* items by block, ascending within */
    uint32_t *slot;             /* each item's index in its block */
    uint64_t *iptr;             /* B + 1 */
    trec_sgd_pos *pos;          /* positives by stratum (b B + c), by user */
    uint64_t *sptr;             /* B B + 1 */
    trec_sgd_run *runs;         /* by stratum */
    uint64_t *rptr;             /* B B + 1 */
    trec_sgd_stratum *st;       /* B: the tasks of a sub-epoch */
    float *scratch;
    uint64_t *marks;            /* B bitmaps of a block's items */
};

/* ---- parameter tables ---- */

int trec_sgd_table_alloc(trec_sgd_table *t, uint64_t n, uint64_t k, int adagrad, int biases,
                         trec_error *err)
{
    uint64_t per = adagrad ? 2 : 1, rows = n ? n : 1;
    *t = (trec_sgd_table){.n = n, .k = k, .stride = (per * k + 15) / 16 * 16,
                          .bstride = biases ? per : 0, .adagrad = adagrad, .biases = biases,
                          .acc = k};
    /* huge pages: a draw or a user's run reads a record at random */
    t->rec = trec_aligned_alloc_huge(rows * t->stride * sizeof(float), err);
    t->brec = t->rec ? trec_aligned_alloc((rows * t->bstride + 1) * sizeof(float), err) : NULL;
    if (!t->brec)
        return -1;
    memset(t->rec, 0, rows * t->stride * sizeof(float));
    memset(t->brec, 0, (rows * t->bstride + 1) * sizeof(float));
    return 0;
}

void trec_sgd_table_load(trec_sgd_table *t, const trec_side *s)
{
    uint64_t k = t->k;
    for (uint64_t r = 0; r < t->n; r++) {
        float *rec = t->rec + r * t->stride;
        memcpy(rec, s->w1 + r * k, k * sizeof(float));
        for (uint64_t c = 0; t->adagrad && c < k; c++)
            rec[t->acc + c] = 1.0f;
        if (t->biases) {
            t->brec[r * t->bstride] = s->feature_bias[r];
            if (t->adagrad)
                t->brec[r * t->bstride + 1] = 1.0f;
        }
    }
}

void trec_sgd_table_store(const trec_sgd_table *t, trec_side *s)
{
    for (uint64_t r = 0; r < t->n; r++) {
        const float *rec = t->rec + r * t->stride;
        memcpy(s->w1 + r * t->k, rec, t->k * sizeof(float));
        if (t->biases)
            s->feature_bias[r] = t->brec[r * t->bstride];
    }
}

void trec_sgd_table_free(trec_sgd_table *t)
{
    free(t->rec);
    free(t->brec);
    t->rec = t->brec = NULL;
}

/* LightFM's initialisation: weights uniform in (-0.5, 0.5) / k (feature by
 * feature, users then items), biases 0, accumulators 1. */
static void init_table(trec_sgd_table *t, trec_rng *rng)
{
    for (uint64_t r = 0; r < t->n; r++) {
        float *rec = t->rec + r * t->stride;
        for (uint64_t c = 0; c < t->k; c++)
            rec[c] = (float)((trec_rng_uniform(rng) - 0.5) / (double)t->k);
        for (uint64_t c = 0; t->adagrad && c < t->k; c++)
            rec[t->acc + c] = 1.0f;
        if (t->biases && t->adagrad)
            t->brec[r * t->bstride + 1] = 1.0f;
    }
}

/* The metadata records of side `side` (they follow the identity records),
 * and their biases. */
static float *meta_of(const struct trec_sgd_train *S, int side)
{
    const trec_features *f = S->f[side];
    return S->tab[side].rec + (f->identity ? f->rows : 0) * S->tab[side].stride;
}

static float *meta_bias_of(const struct trec_sgd_train *S, int side)
{
    const trec_features *f = S->f[side];
    return S->tab[side].brec + (f->identity ? f->rows : 0) * S->tab[side].bstride;
}

static int make_tables(struct trec_sgd_train *S, int biases, trec_error *err)
{
    trec_rng rng;
    trec_rng_seed(&rng, S->cfg->seed);
    for (int s = 0; s < 2; s++) {
        const trec_features *f = S->f[s];
        if (trec_sgd_table_alloc(&S->tab[s], f->n_features, S->k, S->rule.adagrad, biases,
                                 err) != 0 ||
            trec_sgd_table_alloc(&S->rep[s], S->B * f->n_extra, S->k, S->rule.adagrad, biases,
                                 err) != 0)
            return -1;
        init_table(&S->tab[s], &rng);
    }
    return 0;
}

/* ---- blocks and strata ---- */

typedef struct ranked {
    uint64_t count, key;
    uint32_t idx;
} ranked;

static int by_count_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->key > y->key) - (x->key < y->key);
}

/* Deals n entities into B blocks: by count, largest first, in a snake
 * (0..B-1, B-1..0, ...), ties in a seeded random order. */
static int deal(uint64_t n, const uint64_t *count, uint64_t B, uint64_t seed,
                uint64_t stream, uint32_t *block, trec_error *err)
{
    ranked *r = trec_malloc((n ? n : 1) * sizeof *r, err);
    if (!r)
        return -1;
    trec_rng rng;
    trec_rng_seed_stream(&rng, seed, stream);
    for (uint64_t i = 0; i < n; i++)
        r[i] = (ranked){count[i], trec_rng_next(&rng), (uint32_t)i};
    qsort(r, n, sizeof *r, by_count_desc);
    for (uint64_t p = 0; p < n; p++) {
        uint64_t round = p / B, w = p % B;
        block[r[p].idx] = (uint32_t)(round % 2 == 0 ? w : B - 1 - w);
    }
    free(r);
    return 0;
}

static uint64_t pick_blocks(uint64_t nu, uint64_t ni)
{
    uint64_t B = MAX_BLOCKS;
    while (B > 1 && (ni < B * MIN_BLOCK_ITEMS || nu < B * MIN_BLOCK_USERS))
        B /= 2;
    return B;
}

static int make_blocks(struct trec_sgd_train *S, trec_error *err)
{
    const trec_csr *x = S->x;
    uint64_t *cnt = trec_calloc(S->nu > S->ni ? S->nu : S->ni, sizeof *cnt, err);
    S->ublock = trec_malloc(S->nu * sizeof *S->ublock, err);
    S->iblock = trec_malloc(S->ni * sizeof *S->iblock, err);
    S->items = trec_malloc(S->ni * sizeof *S->items, err);
    S->slot = trec_malloc(S->ni * sizeof *S->slot, err);
    S->iptr = trec_calloc(S->B + 1, sizeof *S->iptr, err);
    int rc = -1;
    if (!cnt || !S->ublock || !S->iblock || !S->items || !S->slot || !S->iptr)
        goto done;
    for (uint64_t u = 0; u < S->nu; u++)
        cnt[u] = x->rowptr[u + 1] - x->rowptr[u];
    if (deal(S->nu, cnt, S->B, S->cfg->seed, STREAM_USER_BLOCKS, S->ublock, err) != 0)
        goto done;
    memset(cnt, 0, S->ni * sizeof *cnt);
    for (uint64_t e = 0; e < x->nnz; e++)
        cnt[x->colidx[e]]++;
    if (deal(S->ni, cnt, S->B, S->cfg->seed, STREAM_ITEM_BLOCKS, S->iblock, err) != 0)
        goto done;
    for (uint64_t i = 0; i < S->ni; i++)
        S->iptr[S->iblock[i] + 1]++;
    for (uint64_t c = 0; c < S->B; c++)
        S->iptr[c + 1] += S->iptr[c];
    memcpy(cnt, S->iptr, S->B * sizeof *cnt);
    for (uint64_t i = 0; i < S->ni; i++) {
        S->slot[i] = (uint32_t)(cnt[S->iblock[i]] - S->iptr[S->iblock[i]]);
        S->items[cnt[S->iblock[i]]++] = (uint32_t)i;
    }
    rc = 0;
done:
    free(cnt);
    return rc;
}

/* Counts pairs and runs per stratum (sptr, rptr: counts at t + 1), or
 * with fill (next pair) and rfill (next run) fills them in. A user's pairs
 * in a stratum are written one after another: one run per (user, stratum). */
static void strata_pass(struct trec_sgd_train *S, uint32_t *lastu, uint64_t *fill,
                        uint64_t *rfill)
{
    const trec_csr *x = S->x;
    uint64_t ns = S->B * S->B;
    for (uint64_t t = 0; t < ns; t++)
        lastu[t] = UINT32_MAX;
    for (uint64_t u = 0; u < S->nu; u++)
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            uint64_t t = S->ublock[u] * S->B + S->iblock[x->colidx[e]];
            int start = lastu[t] != u;
            lastu[t] = (uint32_t)u;
            if (!fill) {
                S->sptr[t + 1]++;
                S->rptr[t + 1] += start;
                continue;
            }
            if (start)
                S->runs[rfill[t]++] =
                    (trec_sgd_run){(uint32_t)u, (uint32_t)(fill[t] - S->sptr[t]), 0};
            S->runs[rfill[t] - 1].len++;
            S->pos[fill[t]++] = (trec_sgd_pos){x->colidx[e], x->vals[e]};
        }
}

/* The positives grouped by stratum, each stratum by user (runs). */
static int make_strata(struct trec_sgd_train *S, trec_error *err)
{
    uint64_t ns = S->B * S->B, nnz = S->x->nnz;
    uint32_t *lastu = trec_malloc(ns * sizeof *lastu, err);
    uint64_t *fill = trec_malloc(2 * ns * sizeof *fill, err);
    S->sptr = trec_calloc(ns + 1, sizeof *S->sptr, err);
    S->rptr = trec_calloc(ns + 1, sizeof *S->rptr, err);
    int rc = -1;
    if (!lastu || !fill || !S->sptr || !S->rptr)
        goto done;
    strata_pass(S, lastu, NULL, NULL);
    for (uint64_t t = 0; t < ns; t++) {
        S->sptr[t + 1] += S->sptr[t];
        S->rptr[t + 1] += S->rptr[t];
    }
    S->pos = trec_malloc((nnz ? nnz : 1) * sizeof *S->pos, err);
    S->runs = trec_malloc((S->rptr[ns] ? S->rptr[ns] : 1) * sizeof *S->runs, err);
    if (!S->pos || !S->runs)
        goto done;
    memcpy(fill, S->sptr, ns * sizeof *fill);
    memcpy(fill + ns, S->rptr, ns * sizeof *fill);
    strata_pass(S, lastu, fill, fill + ns);
    rc = 0;
done:
    free(lastu);
    free(fill);
    return rc;
}

/* ---- the schedule ---- */

/* Stratum t's view of a side: the identity records shared, the metadata
 * records replica b. */
static trec_sgd_view view_of(const struct trec_sgd_train *S, int side, uint64_t b)
{
    const trec_sgd_table *rep = &S->rep[side];
    uint64_t ne = S->f[side]->n_extra;
    return (trec_sgd_view){.f = S->f[side], .t = &S->tab[side], .id = S->tab[side].rec,
                           .meta = rep->rec + b * ne * rep->stride,
                           .id_b = S->tab[side].brec, .meta_b = rep->brec + b * ne * rep->bstride};
}

static void stratum_task(void *ctx, uint64_t b)
{
    struct trec_sgd_train *S = ctx;
    uint64_t c = (b + S->sub) % S->B, t = b * S->B + c;
    trec_sgd_stratum *s = &S->st[b];
    for (int side = 0; side < 2; side++) {
        trec_sgd_view v = view_of(S, side, b);
        uint64_t ne = S->f[side]->n_extra;
        memcpy(v.meta, meta_of(S, side), ne * S->rep[side].stride * sizeof(float));
        memcpy(v.meta_b, meta_bias_of(S, side), ne * S->rep[side].bstride * sizeof(float));
    }
    s->U = view_of(S, 0, b);
    s->I = view_of(S, 1, b);
    s->items = S->items + S->iptr[c];
    s->slot = S->slot;
    s->n_block = S->iptr[c + 1] - S->iptr[c];
    s->pos = S->pos + S->sptr[t];
    s->n = S->sptr[t + 1] - S->sptr[t];
    s->runs = S->runs + S->rptr[t];
    s->n_runs = S->rptr[t + 1] - S->rptr[t];
    trec_rng_seed_stream(&s->rng, S->cfg->seed, (S->epoch + 1) << STREAM_EPOCH_SHIFT | t);
    trec_sgd_run_stratum(s);
}

/* The shared metadata records become the mean of the B replicas (iterative
 * parameter mixing): shared += (sum over b of (replica b - shared)) / B, in
 * stratum order. (Adding the replicas' changes instead would apply the L2
 * shrink of every replica at once, B times over, and flip the weights.) */
static void merge_floats(float *shared, const float *rep, uint64_t n, uint64_t B)
{
    float inv = 1.0f / (float)B;
    for (uint64_t q = 0; q < n; q++) {
        float v0 = shared[q], d = 0;
        for (uint64_t b = 0; b < B; b++)
            d += rep[b * n + q] - v0;
        shared[q] = v0 + d * inv;
    }
}

static void merge_side(struct trec_sgd_train *S, int side)
{
    const trec_sgd_table *rep = &S->rep[side];
    uint64_t ne = S->f[side]->n_extra;
    merge_floats(meta_of(S, side), rep->rec, ne * rep->stride, S->B);
    merge_floats(meta_bias_of(S, side), rep->brec, ne * rep->bstride, S->B);
}

static double run_epoch(struct trec_sgd_train *S)
{
    double loss = 0;
    for (S->sub = 0; S->sub < S->B; S->sub++) {
        trec_parallel_for(S->cfg->threads, S->B, stratum_task, S);
        merge_side(S, 0);
        merge_side(S, 1);
        for (uint64_t b = 0; b < S->B; b++)
            loss += S->st[b].loss;
    }
    return S->x->nnz ? loss / (double)S->x->nnz : 0.0;
}

/* ---- penalty and divergence ---- */

#define SUMSQ_RECORDS 1024

typedef struct sumsq_job {
    const trec_sgd_table *t[2];
    uint64_t chunks[2];
    double *part;
} sumsq_job;

static void sumsq_task(void *ctx, uint64_t c)
{
    sumsq_job *J = ctx;
    int side = c >= J->chunks[0];
    const trec_sgd_table *t = J->t[side];
    uint64_t r0 = (c - (side ? J->chunks[0] : 0)) * SUMSQ_RECORDS;
    uint64_t r1 = r0 + SUMSQ_RECORDS < t->n ? r0 + SUMSQ_RECORDS : t->n;
    double s = 0;
    for (uint64_t r = r0; r < r1; r++) {
        const float *rec = t->rec + r * t->stride;
        for (uint64_t q = 0; q < t->k; q++)
            s += (double)rec[q] * rec[q];
        if (t->biases)
            s += (double)t->brec[r * t->bstride] * t->brec[r * t->bstride];
    }
    J->part[c] = s;
}

/* The sum of every squared weight and bias (NaN or infinite when a
 * parameter is), in fixed chunks summed in order. */
static int sum_squares(const struct trec_sgd_train *S, double *out, trec_error *err)
{
    sumsq_job J = {.t = {&S->tab[0], &S->tab[1]}};
    for (int s = 0; s < 2; s++)
        J.chunks[s] = (S->tab[s].n + SUMSQ_RECORDS - 1) / SUMSQ_RECORDS;
    uint64_t total = J.chunks[0] + J.chunks[1];
    J.part = trec_malloc((total ? total : 1) * sizeof(double), err);
    if (!J.part)
        return -1;
    trec_parallel_for(S->cfg->threads, total, sumsq_task, &J);
    double s = 0;
    for (uint64_t c = 0; c < total; c++)
        s += J.part[c];
    free(J.part);
    *out = s;
    return 0;
}

int trec_sgd_train_run(trec_sgd_train *S, trec_model *out, void *state,
                       trec_fit_result *res, trec_error *err)
{
    const trec_fit_config *cfg = S->cfg;
    for (S->epoch = 0; S->epoch < cfg->epochs; S->epoch++) {
        double loss = run_epoch(S), sumsq;
        if (sum_squares(S, &sumsq, err) != 0)
            return -1;
        if (!isfinite(loss))
            return trec_fit_diverged(cfg, res, S->epoch + 1,
                                     "the loss became infinite or NaN", err);
        if (!isfinite(sumsq)) /* a parameter is NaN or infinite */
            return trec_fit_diverged(cfg, res, S->epoch + 1,
                                     "the weights became infinite or NaN", err);
        res->loss = loss;
        res->penalty = cfg->alpha * sumsq / 2;
        res->epochs_run = S->epoch + 1;
        trec_fit_progress p = {.epoch = S->epoch + 1, .epochs = cfg->epochs, .loss = loss,
                               .penalty = res->penalty};
        int stop = trec_fit_epoch_end(cfg, &p, out, state, err);
        if (stop != 0)
            return stop < 0 ? -1 : 0;
    }
    return 0;
}

/* ---- set-up ---- */

static int make_tasks(struct trec_sgd_train *S, trec_error *err)
{
    int kos = S->cfg->loss == TREC_LOSS_WARP_KOS;
    uint64_t kos_n = kos ? 2 * (uint64_t)trec_sgd_kos_k(S->cfg) : 0;
    uint64_t per = trec_sgd_scratch_floats(S->k, kos_n), words = 1;
    for (uint64_t c = 0; c < S->B; c++)
        if ((S->iptr[c + 1] - S->iptr[c] + 63) / 64 > words)
            words = (S->iptr[c + 1] - S->iptr[c] + 63) / 64;
    S->st = trec_calloc(S->B, sizeof *S->st, err);
    S->scratch = S->st ? trec_malloc(S->B * per * sizeof(float), err) : NULL;
    S->marks = S->scratch ? trec_calloc(S->B * words, sizeof *S->marks, err) : NULL;
    if (!S->marks)
        return -1;
    for (uint64_t b = 0; b < S->B; b++)
        S->st[b] = (trec_sgd_stratum){.cfg = S->cfg, .x = S->x, .rule = S->rule,
                                      .kos_n = kos_n, .scratch = S->scratch + b * per,
                                      .mark = S->marks + b * words};
    return 0;
}

int trec_sgd_train_new(trec_sgd_train **out, const trec_fit_config *cfg, const trec_csr *x,
                       const trec_features *uf, const trec_features *itf,
                       const trec_model *m, trec_error *err)
{
    struct trec_sgd_train *S = trec_calloc(1, sizeof *S, err);
    *out = S;
    if (!S)
        return -1;
    *S = (struct trec_sgd_train){.cfg = cfg, .x = x, .f = {uf, itf}, .k = m->k,
                                 .nu = x->rows, .ni = x->cols,
                                 .B = pick_blocks(x->rows, x->cols)};
    S->rule = (trec_sgd_rule){.k = S->k, .adagrad = trec_sgd_adagrad(cfg),
                              .lr = (float)cfg->learning_rate, .alpha = (float)cfg->alpha};
    return make_blocks(S, err) || make_strata(S, err) || make_tables(S, m->biases, err) ||
                   make_tasks(S, err)
               ? -1
               : 0;
}

uint64_t trec_sgd_train_blocks(const trec_sgd_train *S)
{
    return S->B;
}

void trec_sgd_train_store(const trec_sgd_train *S, trec_model *m)
{
    trec_sgd_table_store(&S->tab[0], &m->user);
    trec_sgd_table_store(&S->tab[1], &m->item);
}

void trec_sgd_train_load(trec_sgd_train *S, const trec_model *m)
{
    trec_sgd_table_load(&S->tab[0], &m->user);
    trec_sgd_table_load(&S->tab[1], &m->item);
}

void trec_sgd_train_done(trec_sgd_train *S)
{
    void *p[] = {S->ublock, S->iblock, S->items, S->slot,    S->iptr, S->pos,
                 S->sptr,   S->runs,   S->rptr,  S->st,      S->scratch, S->marks};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        free(p[i]);
    S->ublock = S->iblock = S->items = S->slot = NULL;
    S->marks = NULL;
    S->iptr = S->sptr = S->rptr = NULL;
    S->pos = NULL;
    S->runs = NULL;
    S->st = NULL;
    S->scratch = NULL;
    for (int s = 0; s < 2; s++)
        trec_sgd_table_free(&S->rep[s]);
}

void trec_sgd_train_free(trec_sgd_train *S)
{
    if (!S)
        return;
    trec_sgd_train_done(S);
    for (int s = 0; s < 2; s++)
        trec_sgd_table_free(&S->tab[s]);
    free(S);
}
