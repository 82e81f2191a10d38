/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* tensorrec.c - the tensorrec algorithm: TensorRec's model family trained
 * with Adam, full batch or on user mini-batches; set-up, one Adam step per
 * batch of users, and the fitted model's outputs.
 *
 * One step on a batch of users: the item representations and biases are
 * computed for all items and the users' for the batch; the loss and its
 * gradient with respect to the scores are computed, pushed back through the
 * prediction and representation functions to the weights, the L2 penalty
 * alpha * sum(w^2)/2 over every weight array (TensorRec's tf.nn.l2_loss) is
 * added, and Adam takes one step. An epoch is one step per batch. */
#include "tensorrec.h"

#include <blis.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "parallel.h"
#include "features_matrix.h"
#include "init_map.h"
#include "loss_rmse.h"
#include "loss_separation.h"
#include "loss_wmrb.h"
#include "prediction.h"
#include "representation.h"
#include "rng.h"
#include "algorithm.h"

static int loss_is_dense(int loss)
{
    return loss == TREC_LOSS_RMSE_DENSE || loss == TREC_LOSS_SEPARATION_DENSE;
}

/* ---- state ---- */

#define USER_CHUNK 32
#define ITEM_CHUNK 256
#define MAX_SLOTS 8

typedef struct slot {
    float *p, *g, *m, *v;
    uint64_t n;
} slot;

typedef struct fit {
    const trec_fit_config *cfg;
    const trec_csr *x;      /* interactions trained on */
    trec_features uf, itf;
    trec_model *m;          /* parameters live in m->user, m->item */
    trec_side gu, gi;       /* gradients, same shapes */
    slot slots[MAX_SLOTS];
    int nslots;
    trec_adam adam;
    uint64_t k, nu, ni, nb, batch_rows, max_batch_nnz;
    double alpha_b;
    /* item side, all items */
    float *Y, *ycache, *bi, *dY, *dbi;
    /* user side, one batch */
    float *X, *xcache, *bu, *dX, *dbu;
    uint64_t u0, u1, e0, e1;
    float *s, *g;            /* scores and dL/ds of the batch's entries */
    uint64_t *cptr, *cent;   /* column view of x: entries by item, then user */
    uint32_t *erow;          /* user of each entry */
    int need_dX, need_dY;    /* a side without weights (pass-through) needs none */
    /* sampled losses */
    uint64_t ns, stream;
    uint32_t *sample;        /* batch users x ns sampled items */
    float *P, *GP, *item_sum;
    uint64_t *sptr, *sent;   /* sample pairs by item (indices into sample) */
    double *user_loss;       /* per-user loss sums, added in order */
    trec_wmrb_args wa;
    int task_failed;         /* a task could not allocate its scratch */
    /* dense losses */
    uint64_t block_rows;
    float *S, *G;
} fit;

static float *falloc(uint64_t n, trec_error *err)
{
    return trec_calloc(n ? n : 1, sizeof(float), err);
}

/* ---- batch scoring and gradients of observed entries ---- */

static void score_task(void *ctx, uint64_t t)
{
    fit *F = ctx;
    const trec_csr *x = F->x;
    uint64_t a = F->u0 + t * USER_CHUNK, b = a + USER_CHUNK < F->u1 ? a + USER_CHUNK : F->u1;
    for (uint64_t u = a; u < b; u++) {
        const float *xu = F->X + (u - F->u0) * F->k;
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            uint32_t i = x->colidx[e];
            F->s[e - F->e0] = trec_predict_pair(F->m->predict, xu, F->Y + (uint64_t)i * F->k,
                                                F->k) + F->bu[u - F->u0] + F->bi[i];
        }
    }
}

static void user_grad_task(void *ctx, uint64_t t)
{
    fit *F = ctx;
    const trec_csr *x = F->x;
    uint64_t a = F->u0 + t * USER_CHUNK, b = a + USER_CHUNK < F->u1 ? a + USER_CHUNK : F->u1;
    for (uint64_t u = a; u < b; u++) {
        const float *xu = F->X + (u - F->u0) * F->k;
        float *dx = F->dX + (u - F->u0) * F->k;
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            float g = F->g[e - F->e0];
            if (g == 0.0f)
                continue;
            if (F->need_dX)
                trec_predict_pair_grad(F->m->predict, xu, F->Y + (uint64_t)x->colidx[e] * F->k,
                                       F->k, g, dx, NULL);
            F->dbu[u - F->u0] += g;
        }
        for (uint64_t j = 0; F->ns && j < F->ns; j++) { /* the user's sampled items */
            uint64_t q = (u - F->u0) * F->ns + j;
            float g = F->GP[q];
            if (g == 0.0f)
                continue;
            if (F->need_dX)
                trec_predict_pair_grad(F->m->predict, xu, F->Y + (uint64_t)F->sample[q] * F->k,
                                       F->k, g, dx, NULL);
            F->dbu[u - F->u0] += g;
        }
    }
}

/* First position in the sorted list a[lo..hi) that is >= v. */
static uint64_t lower_bound(const uint64_t *a, uint64_t lo, uint64_t hi, uint64_t v)
{
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void item_grad_task(void *ctx, uint64_t t)
{
    fit *F = ctx;
    uint64_t a = t * ITEM_CHUNK, b = a + ITEM_CHUNK < F->ni ? a + ITEM_CHUNK : F->ni;
    int full = F->e0 == 0 && F->e1 == F->x->nnz;
    for (uint64_t i = a; i < b; i++) {
        uint64_t lo = F->cptr[i], hi = F->cptr[i + 1];
        if (!full) { /* the batch's entries of item i: a contiguous run */
            lo = lower_bound(F->cent, lo, hi, F->e0);
            hi = lower_bound(F->cent, lo, hi, F->e1);
        }
        const float *yi = F->Y + i * F->k;
        float *dy = F->dY + i * F->k;
        for (uint64_t c = lo; c < hi; c++) {
            uint64_t e = F->cent[c];
            float g = F->g[e - F->e0];
            if (g == 0.0f)
                continue;
            uint64_t u = F->erow[e];
            if (F->need_dY)
                trec_predict_pair_grad(F->m->predict, F->X + (u - F->u0) * F->k, yi, F->k, g,
                                       NULL, dy);
            F->dbi[i] += g;
        }
        for (uint64_t c = F->ns ? F->sptr[i] : 0; F->ns && c < F->sptr[i + 1]; c++) {
            uint64_t q = F->sent[c]; /* in user order */
            float g = F->GP[q];
            if (g == 0.0f)
                continue;
            if (F->need_dY)
                trec_predict_pair_grad(F->m->predict, F->X + (q / F->ns) * F->k, yi, F->k, g,
                                       NULL, dy);
            F->dbi[i] += g;
        }
    }
}

/* --sample-unobserved: every user must leave at least ns items unobserved. */
static int check_unobserved(const fit *F, trec_error *err)
{
    for (uint64_t u = 0; u < F->nu; u++) {
        uint64_t npos = trec_wmrb_count_positive(F->x, u, u + 1);
        if (F->ni - npos >= F->ns)
            continue;
        size_t n = 0;
        const char *label = F->x->row_labels.count ? trec_label(&F->x->row_labels, u, &n) : "";
        return trec_fail(err, "--sample-unobserved: user %.*s%s has %llu positive items, "
                         "fewer than --sampled-items %llu are left to sample",
                         (int)n, label, n ? "" : "(unlabelled)", (unsigned long long)npos,
                         (unsigned long long)F->ns);
    }
    return 0;
}

static uint64_t chunks(uint64_t n, uint64_t size)
{
    return (n + size - 1) / size;
}

static void score_entries(fit *F)
{
    trec_parallel_for(F->cfg->threads, chunks(F->u1 - F->u0, USER_CHUNK), score_task, F);
}

static void entry_grads(fit *F)
{
    if (F->need_dX || F->m->biases)
        trec_parallel_for(F->cfg->threads, chunks(F->u1 - F->u0, USER_CHUNK), user_grad_task, F);
    if (F->need_dY || F->m->biases)
        trec_parallel_for(F->cfg->threads, chunks(F->ni, ITEM_CHUNK), item_grad_task, F);
}

/* ---- losses ---- */

static double loss_rmse(fit *F)
{
    score_entries(F);
    double l = trec_rmse_observed(F->x->vals + F->e0, F->s, F->e1 - F->e0, F->g);
    entry_grads(F);
    return l;
}

static double loss_separation(fit *F)
{
    trec_sep_stats st = {0};
    trec_sep_grad gr;
    score_entries(F);
    trec_sep_add_observed(&st, F->x->vals + F->e0, F->s, F->e1 - F->e0);
    double l = trec_sep_loss(&st, &gr);
    trec_sep_grad_observed(&gr, F->x->vals + F->e0, F->s, F->e1 - F->e0, F->g);
    entry_grads(F);
    return l;
}

/* Each user's sample (its own random stream) and the sampled scores. */
static void sample_task(void *ctx, uint64_t t)
{
    fit *F = ctx;
    uint64_t a = F->u0 + t * USER_CHUNK, b = a + USER_CHUNK < F->u1 ? a + USER_CHUNK : F->u1;
    uint64_t ns = F->ns, k = F->k;
    uint32_t *seen = trec_malloc(trec_wmrb_sample_slots(ns) * sizeof *seen, NULL);
    if (!seen) {
        __atomic_store_n(&F->task_failed, 1, __ATOMIC_RELAXED);
        return;
    }
    for (uint64_t u = a; u < b; u++) {
        trec_rng rng;
        trec_rng_seed_stream(&rng, F->cfg->seed, F->stream << 32 | u);
        uint32_t *smp = F->sample + (u - F->u0) * ns;
        float *P = F->P + (u - F->u0) * ns;
        const float *xu = F->X + (u - F->u0) * k;
        if (F->cfg->sample_unobserved) {
            uint64_t a0 = F->x->rowptr[u], a1 = F->x->rowptr[u + 1];
            trec_wmrb_sample_unobserved(&rng, F->ni, ns, F->x->colidx + a0, F->x->vals + a0,
                                        a1 - a0, smp, seen);
        } else {
            trec_wmrb_sample(&rng, F->ni, ns, smp, seen);
        }
        for (uint64_t j = 0; j < ns; j++)
            P[j] = trec_predict_pair(F->m->predict, xu, F->Y + (uint64_t)smp[j] * k, k) +
                   F->bu[u - F->u0] + F->bi[smp[j]];
    }
    free(seen);
}

static void wmrb_task(void *ctx, uint64_t t)
{
    fit *F = ctx;
    uint64_t a = F->u0 + t * USER_CHUNK, b = a + USER_CHUNK < F->u1 ? a + USER_CHUNK : F->u1;
    void *scratch = trec_malloc(trec_wmrb_scratch_bytes(F->ns), NULL);
    if (!scratch) {
        __atomic_store_n(&F->task_failed, 1, __ATOMIC_RELAXED);
        return;
    }
    for (uint64_t u = a; u < b; u++)
        F->user_loss[u - F->u0] = trec_wmrb_users(&F->wa, u, u + 1, scratch);
    free(scratch);
}

/* The sample pairs grouped by item, in user order (a counting sort). */
static void sample_columns(fit *F, uint64_t pairs)
{
    memset(F->sptr, 0, (F->ni + 1) * sizeof *F->sptr);
    for (uint64_t q = 0; q < pairs; q++)
        F->sptr[F->sample[q] + 1]++;
    for (uint64_t i = 0; i < F->ni; i++)
        F->sptr[i + 1] += F->sptr[i];
    for (uint64_t q = 0; q < pairs; q++)
        F->sent[F->sptr[F->sample[q]]++] = q;
    for (uint64_t i = F->ni; i > 0; i--) /* shift back: sptr[i] = start of item i */
        F->sptr[i] = F->sptr[i - 1];
    F->sptr[0] = 0;
}

static int loss_wmrb(fit *F, uint64_t stream, double *loss, trec_error *err)
{
    uint64_t nbu = F->u1 - F->u0, ns = F->ns;
    uint64_t npos = trec_wmrb_count_positive(F->x, F->u0, F->u1);
    uint64_t tasks = chunks(nbu, USER_CHUNK);
    F->stream = stream;
    F->task_failed = 0;
    score_entries(F);
    trec_parallel_for(F->cfg->threads, tasks, sample_task, F);
    if (F->cfg->loss == TREC_LOSS_BALANCED_WMRB)
        trec_wmrb_item_sums(F->x, F->u0, F->u1, F->item_sum);
    F->wa = (trec_wmrb_args){.x = F->x, .b0 = F->u0, .s = F->s, .P = F->P, .ns = ns,
                             .unobserved = F->cfg->sample_unobserved,
                             .item_sum = F->cfg->loss == TREC_LOSS_BALANCED_WMRB
                                             ? F->item_sum : NULL,
                             .inv_npos = npos ? 1.0 / (double)npos : 0.0,
                             .g = F->g, .GP = F->GP};
    if (!F->task_failed)
        trec_parallel_for(F->cfg->threads, tasks, wmrb_task, F);
    if (F->task_failed)
        return trec_fail(err, "out of memory");
    double total = 0;
    for (uint64_t u = 0; u < nbu; u++)
        total += F->user_loss[u];
    *loss = npos ? total / (double)npos : 0.0;
    sample_columns(F, nbu * ns);
    entry_grads(F);
    return 0;
}

/* Dense scores (with biases) of batch users a..b against every item. */
static int dense_block(fit *F, uint64_t a, uint64_t b, trec_error *err)
{
    uint64_t ni = F->ni;
    if (trec_predict_dense(F->m->predict, F->X + (a - F->u0) * F->k, b - a, F->Y, ni, F->k,
                           F->S, err) != 0)
        return -1;
    for (uint64_t u = a; u < b; u++) {
        float *row = F->S + (u - a) * ni, bu = F->bu[u - F->u0];
        for (uint64_t i = 0; i < ni; i++)
            row[i] += bu + F->bi[i];
    }
    return 0;
}

static int loss_dense(fit *F, double *loss, trec_error *err)
{
    int rmse = F->cfg->loss == TREC_LOSS_RMSE_DENSE;
    uint64_t ni = F->ni, br = F->block_rows;
    double sumsq = 0, cells = (double)(F->u1 - F->u0) * (double)ni;
    trec_sep_stats st = {0};
    trec_sep_grad gr;
    /* pass 1: the statistics the gradient depends on */
    for (uint64_t a = F->u0; a < F->u1; a += br) {
        uint64_t b = a + br < F->u1 ? a + br : F->u1;
        if (dense_block(F, a, b, err) != 0)
            return -1;
        if (rmse)
            sumsq += trec_rmse_dense_sumsq(F->x, a, b, F->S);
        else
            trec_sep_add_dense(&st, F->x, a, b, F->S);
    }
    *loss = rmse ? trec_rmse_dense_loss(sumsq, cells) : trec_sep_loss(&st, &gr);
    /* pass 2: gradients, block by block */
    for (uint64_t a = F->u0; a < F->u1; a += br) {
        uint64_t b = a + br < F->u1 ? a + br : F->u1;
        if (dense_block(F, a, b, err) != 0)
            return -1;
        if (rmse)
            trec_rmse_dense_grad(F->x, a, b, F->S, *loss, cells, F->G);
        else
            trec_sep_grad_dense(&gr, F->x, a, b, F->S, F->G);
        if (trec_predict_dense_grad(F->m->predict, F->X + (a - F->u0) * F->k, b - a, F->Y,
                                    ni, F->k, F->G,
                                    F->need_dX ? F->dX + (a - F->u0) * F->k : NULL,
                                    F->need_dY ? F->dY : NULL, err) != 0)
            return -1;
        for (uint64_t u = a; u < b; u++) {
            const float *grow = F->G + (u - a) * ni;
            float rs = 0;
            for (uint64_t i = 0; i < ni; i++) {
                rs += grow[i];
                F->dbi[i] += grow[i];
            }
            F->dbu[u - F->u0] += rs;
        }
    }
    return 0;
}

/* ---- one step ---- */

static double l2_and_penalty(fit *F)
{
    double l2 = 0;
    for (int s = 0; s < F->nslots; s++) {
        slot *sl = &F->slots[s];
        double sum = 0;
        for (uint64_t i = 0; i < sl->n; i++) {
            sum += (double)sl->p[i] * sl->p[i];
            sl->g[i] += (float)F->alpha_b * sl->p[i];
        }
        l2 += 0.5 * sum;
    }
    return F->alpha_b * l2;
}

/* The loss of one batch and its gradient (without the penalty) in F's slots. */
static int gradient(fit *F, uint64_t batch, uint64_t stream, double *loss, trec_error *err)
{
    trec_model *m = F->m;
    uint64_t k = F->k;
    F->u0 = batch * F->batch_rows;
    F->u1 = F->u0 + F->batch_rows < F->nu ? F->u0 + F->batch_rows : F->nu;
    F->e0 = F->x->rowptr[F->u0];
    F->e1 = F->x->rowptr[F->u1];
    uint64_t nbu = F->u1 - F->u0;
    for (int s = 0; s < F->nslots; s++)
        memset(F->slots[s].g, 0, F->slots[s].n * sizeof(float));
    memset(F->dY, 0, F->ni * k * sizeof(float));
    memset(F->dbi, 0, F->ni * sizeof(float));
    memset(F->dX, 0, nbu * k * sizeof(float));
    memset(F->dbu, 0, nbu * sizeof(float));

    trec_repr_forward(&m->item, &F->itf, k, 0, F->ni, F->Y, F->ycache);
    trec_bias_forward(&m->item, &F->itf, 0, F->ni, F->bi);
    trec_repr_forward(&m->user, &F->uf, k, F->u0, F->u1, F->X, F->xcache);
    trec_bias_forward(&m->user, &F->uf, F->u0, F->u1, F->bu);

    int rc = 0;
    switch (F->cfg->loss) {
    case TREC_LOSS_RMSE: *loss = loss_rmse(F); break;
    case TREC_LOSS_SEPARATION: *loss = loss_separation(F); break;
    case TREC_LOSS_WMRB:
    case TREC_LOSS_BALANCED_WMRB: rc = loss_wmrb(F, stream, loss, err); break;
    default: rc = loss_dense(F, loss, err); break;
    }
    if (rc != 0 ||
        trec_repr_backward(&m->user, &F->uf, k, F->u0, F->u1, F->X, F->xcache, F->dX,
                           &F->gu, err) != 0 ||
        trec_repr_backward(&m->item, &F->itf, k, 0, F->ni, F->Y, F->ycache, F->dY,
                           &F->gi, err) != 0)
        return -1;
    trec_bias_backward(&m->user, &F->uf, F->u0, F->u1, F->dbu, &F->gu);
    trec_bias_backward(&m->item, &F->itf, 0, F->ni, F->dbi, &F->gi);
    return 0;
}

static int step(fit *F, uint64_t batch, uint64_t stream, double *loss, double *penalty,
                trec_error *err)
{
    if (gradient(F, batch, stream, loss, err) != 0)
        return -1;
    *penalty = l2_and_penalty(F);
    trec_adam_begin_step(&F->adam);
    for (int s = 0; s < F->nslots; s++)
        trec_adam_update(&F->adam, F->slots[s].p, F->slots[s].g, F->slots[s].m,
                         F->slots[s].v, F->slots[s].n);
    return 0;
}

/* ---- set-up ---- */

static int add_slot(fit *F, float *p, float **g, uint64_t n, trec_error *err)
{
    if (!p || n == 0)
        return 0;
    slot *s = &F->slots[F->nslots++];
    s->p = p;
    s->n = n;
    s->g = *g = falloc(n, err);
    s->m = s->g ? falloc(n, err) : NULL;
    s->v = s->m ? falloc(n, err) : NULL;
    return s->v ? 0 : -1;
}

static int add_side_slots(fit *F, trec_side *s, trec_side *g, trec_error *err)
{
    uint64_t k = F->k, cols = trec_side_w1_cols(s, k);
    *g = *s;
    g->w1 = g->b1 = g->w2 = g->feature_bias = NULL;
    return add_slot(F, s->w1, &g->w1, s->n_features * cols, err) ||
           add_slot(F, s->b1, &g->b1, s->hidden, err) ||
           add_slot(F, s->w2, &g->w2, s->hidden * k, err) ||
           add_slot(F, s->feature_bias, &g->feature_bias, s->n_features, err);
}

static void fit_free(fit *F)
{
    for (int s = 0; s < F->nslots; s++) {
        free(F->slots[s].g);
        free(F->slots[s].m);
        free(F->slots[s].v);
    }
    void *p[] = {F->Y, F->ycache, F->bi, F->dY, F->dbi, F->X, F->xcache, F->bu, F->dX,
                 F->dbu, F->s, F->g, F->cptr, F->cent, F->erow, F->sample, F->P, F->GP, F->item_sum,
                 F->sptr, F->sent, F->user_loss, F->S, F->G};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        free(p[i]);
}

/* Column view of x: for each item, its entries' indices in user order. */
static int build_columns(fit *F, trec_error *err)
{
    const trec_csr *x = F->x;
    F->cptr = trec_calloc(F->ni + 1, sizeof *F->cptr, err);
    F->cent = F->cptr ? trec_malloc((x->nnz ? x->nnz : 1) * sizeof *F->cent, err) : NULL;
    F->erow = F->cent ? trec_malloc((x->nnz ? x->nnz : 1) * sizeof *F->erow, err) : NULL;
    if (!F->erow)
        return -1;
    for (uint64_t r = 0; r < x->rows; r++)
        for (uint64_t e = x->rowptr[r]; e < x->rowptr[r + 1]; e++)
            F->erow[e] = (uint32_t)r;
    for (uint64_t e = 0; e < x->nnz; e++)
        F->cptr[x->colidx[e] + 1]++;
    for (uint64_t i = 0; i < F->ni; i++)
        F->cptr[i + 1] += F->cptr[i];
    uint64_t *fill = trec_malloc((F->ni ? F->ni : 1) * sizeof *fill, err);
    if (!fill)
        return -1;
    memcpy(fill, F->cptr, F->ni * sizeof *fill);
    for (uint64_t e = 0; e < x->nnz; e++)
        F->cent[fill[x->colidx[e]]++] = e;
    free(fill);
    return 0;
}

static int alloc_buffers(fit *F, trec_error *err)
{
    trec_model *m = F->m;
    uint64_t k = F->k, br = F->batch_rows, ni = F->ni;
    F->max_batch_nnz = 0;
    for (uint64_t u = 0; u < F->nu; u += br) {
        uint64_t b = u + br < F->nu ? u + br : F->nu;
        uint64_t n = F->x->rowptr[b] - F->x->rowptr[u];
        if (n > F->max_batch_nnz)
            F->max_batch_nnz = n;
    }
    if (!(F->Y = falloc(ni * k, err)) ||
        !(F->ycache = falloc(trec_repr_cache_floats(&m->item, k, ni), err)) ||
        !(F->bi = falloc(ni, err)) || !(F->dY = falloc(ni * k, err)) ||
        !(F->dbi = falloc(ni, err)) || !(F->X = falloc(br * k, err)) ||
        !(F->xcache = falloc(trec_repr_cache_floats(&m->user, k, br), err)) ||
        !(F->bu = falloc(br, err)) || !(F->dX = falloc(br * k, err)) ||
        !(F->dbu = falloc(br, err)) || !(F->s = falloc(F->max_batch_nnz, err)) ||
        !(F->g = falloc(F->max_batch_nnz, err)) || build_columns(F, err) != 0)
        return -1;
    if (F->ns) {
        uint64_t ns = F->ns;
        if (!(F->sample = trec_calloc(br * ns, sizeof *F->sample, err)) ||
            !(F->P = falloc(br * ns, err)) || !(F->GP = falloc(br * ns, err)) ||
            !(F->item_sum = falloc(ni, err)) ||
            !(F->sptr = trec_calloc(ni + 1, sizeof *F->sptr, err)) ||
            !(F->sent = trec_calloc(br * ns, sizeof *F->sent, err)) ||
            !(F->user_loss = trec_calloc(br, sizeof(double), err)))
            return -1;
    }
    if (loss_is_dense(F->cfg->loss)) {
        /* blocks of about 4M scores, so users x items is never held at once */
        uint64_t rows = ni ? (4u << 20) / ni : 1;
        F->block_rows = rows < 1 ? 1 : rows > br ? br : rows;
        if (!(F->S = falloc(F->block_rows * ni, err)) ||
            !(F->G = falloc(F->block_rows * ni, err)))
            return -1;
    }
    return 0;
}

/* ---- checks ---- */


static int check_side(const trec_fit_config *cfg, const trec_side *s, const char *side,
                      trec_error *err)
{
    if (s->n_features == 0)
        return trec_fail(err, "the %s side has no features: give --%s-features or drop "
                         "--no-%s-identity", side, side, side);
    if ((s->repr == TREC_REPR_PASS_THROUGH || s->repr == TREC_REPR_WEIGHTED_PASS_THROUGH) &&
        s->n_features != cfg->components)
        return trec_fail(err, "%s representation %s needs --components equal to the number "
                         "of %s features (%llu), not %llu", side, trec_repr_name(s->repr),
                         side, (unsigned long long)s->n_features,
                         (unsigned long long)cfg->components);
    return 0;
}



static void copy_side(trec_side *dst, const trec_side *src, uint64_t k)
{
    uint64_t cols = trec_side_w1_cols(dst, k);
    if (dst->w1)
        memcpy(dst->w1, src->w1, dst->n_features * cols * sizeof(float));
    if (dst->b1)
        memcpy(dst->b1, src->b1, dst->hidden * sizeof(float));
    if (dst->w2)
        memcpy(dst->w2, src->w2, dst->hidden * k * sizeof(float));
    if (dst->feature_bias)
        memcpy(dst->feature_bias, src->feature_bias, dst->n_features * sizeof(float));
}

/* What of the weights and their Adam moments is not finite, or NULL. */
static const char *params_not_finite(const fit *F)
{
    for (int s = 0; s < F->nslots; s++) {
        const slot *sl = &F->slots[s];
        for (uint64_t i = 0; i < sl->n; i++)
            if (!isfinite(sl->p[i]))
                return "the weights became infinite or NaN";
        /* a gradient beyond float range overflows the second moment (g^2)
         * while the weights still look fine: the model could not be saved */
        for (uint64_t i = 0; i < sl->n; i++)
            if (!isfinite(sl->m[i]) || !isfinite(sl->v[i]))
                return "the gradients overflowed (the weights' Adam moments became "
                       "infinite or NaN)";
    }
    return NULL;
}

/* The model's shape and kinds from the configuration. */
static void model_shape(const trec_fit_config *cfg, const trec_csr *x, const trec_features *uf,
                        const trec_features *itf, const trec_csr *ue, const trec_csr *ie,
                        trec_model *m)
{
    memset(m, 0, sizeof *m);
    m->n_users = x->rows;
    m->n_items = x->cols;
    m->k = cfg->components;
    m->predict = cfg->predict;
    m->biases = cfg->biases != 0;
    uint64_t hidden = cfg->hidden ? cfg->hidden : 4 * cfg->components;
    m->user = (trec_side){.repr = cfg->user_repr, .identity = uf->identity,
                          .n_extra = uf->n_extra, .n_features = uf->n_features,
                          .hidden = cfg->user_repr == TREC_REPR_RELU ? hidden : 0};
    m->item = (trec_side){.repr = cfg->item_repr, .identity = itf->identity,
                          .n_extra = itf->n_extra, .n_features = itf->n_features,
                          .hidden = cfg->item_repr == TREC_REPR_RELU ? hidden : 0};
    if (ue)
        m->user.extra_labels = ue->col_labels;
    if (ie)
        m->item.extra_labels = ie->col_labels;
    m->user_labels = x->row_labels;
    m->item_labels = x->col_labels;
}

static int tensorrec_check(const trec_fit_config *cfg, trec_error *err)
{
    if (cfg->components == 0)
        return trec_fail(err, "--components must be at least 1");
    if (cfg->predict >= TREC_PREDICT_COUNT || cfg->user_repr >= TREC_REPR_COUNT ||
        cfg->item_repr >= TREC_REPR_COUNT)
        return trec_fail(err, "internal error: unknown prediction or representation");
    if (cfg->loss < 0 || cfg->loss >= TREC_LOSS_TENSORREC_END)
        return trec_fail(err, "--loss %s is not one of tensorrec's (rmse, rmse-dense, wmrb, "
                         "balanced-wmrb, separation, separation-dense)",
                         trec_loss_name(cfg->loss));
    if (!isfinite(cfg->learning_rate) || cfg->learning_rate <= 0 || !isfinite(cfg->alpha) ||
        cfg->alpha < 0)
        return trec_fail(err, "--learning-rate must be > 0 and --alpha >= 0");
    if (cfg->hidden && cfg->user_repr != TREC_REPR_RELU && cfg->item_repr != TREC_REPR_RELU)
        return trec_fail(err, "--hidden needs --user-repr relu or --item-repr relu");
    if (cfg->sampled_items && !trec_loss_is_sampled(cfg->loss))
        return trec_fail(err, "--sampled-items only applies to --loss wmrb or balanced-wmrb");
    if (cfg->sample_unobserved && !trec_loss_is_sampled(cfg->loss))
        return trec_fail(err, "--sample-unobserved only applies to --loss wmrb or "
                         "balanced-wmrb");
    return 0;
}

/* Loss-specific requirements on the training interactions. */
static int check_data(const trec_fit_config *cfg, const trec_csr *x, trec_error *err)
{
    uint64_t pos = trec_wmrb_count_positive(x, 0, x->rows);
    const char *after = cfg->has_min_rating ? " (after --min-rating)" : "";
    if (!loss_is_dense(cfg->loss) && x->nnz == 0)
        return trec_fail(err, "no interactions to train on%s", after);
    if ((trec_loss_is_sampled(cfg->loss) || cfg->loss == TREC_LOSS_SEPARATION ||
         cfg->loss == TREC_LOSS_SEPARATION_DENSE) && pos == 0)
        return trec_fail(err, "loss %s needs positive interactions (value > 0)%s",
                         trec_loss_name(cfg->loss), after);
    if (cfg->loss == TREC_LOSS_SEPARATION && pos == x->nnz)
        return trec_fail(err, "loss separation needs non-positive interactions (value <= 0) "
                         "as well as positive ones; every observed value is > 0 (try "
                         "--loss separation-dense, which counts unobserved pairs as "
                         "negatives)");
    return 0;
}

/* Final outputs: every user's and item's representation and summed bias. */
static int outputs(fit *F, trec_error *err)
{
    trec_model *m = F->m;
    uint64_t k = F->k;
    float *uc = falloc(trec_repr_cache_floats(&m->user, k, F->nu), err);
    float *ic = uc ? falloc(trec_repr_cache_floats(&m->item, k, F->ni), err) : NULL;
    if (ic) {
        trec_repr_forward(&m->user, &F->uf, k, 0, F->nu, m->user_repr, uc);
        trec_repr_forward(&m->item, &F->itf, k, 0, F->ni, m->item_repr, ic);
        trec_bias_forward(&m->user, &F->uf, 0, F->nu, m->user_bias);
        trec_bias_forward(&m->item, &F->itf, 0, F->ni, m->item_bias);
    }
    free(uc);
    free(ic);
    return ic ? 0 : -1;
}

static int train(fit *F, trec_fit_result *res, trec_error *err)
{
    const trec_fit_config *cfg = F->cfg;
    for (uint64_t ep = 0; ep < cfg->epochs; ep++) {
        double sum = 0, loss = 0, pen = 0;
        for (uint64_t b = 0; b < F->nb; b++) {
            uint64_t stream = (res->epochs_before + ep) * F->nb + b + 1;
            if (step(F, b, stream, &loss, &pen, err) != 0)
                return -1;
            if (!isfinite(loss))
                return trec_fit_diverged(cfg, res, ep + 1, "the loss became infinite or NaN",
                                         err);
            if (!isfinite(pen))
                return trec_fit_diverged(cfg, res, ep + 1, "the penalty (--alpha times the "
                                         "squared weights) became infinite or NaN", err);
            sum += loss;
        }
        const char *bad = params_not_finite(F);
        if (bad)
            return trec_fit_diverged(cfg, res, ep + 1, bad, err);
        res->loss = sum / (double)F->nb;
        res->penalty = pen;
        res->epochs_run = ep + 1;
        trec_fit_progress p = {.epoch = ep + 1, .epochs = cfg->epochs, .loss = res->loss,
                               .penalty = pen};
        int stop = trec_fit_epoch_end(cfg, &p, F->m, F, err);
        if (stop != 0)
            return stop < 0 ? -1 : 0;
    }
    return 0;
}

/* Bytes a batch needs per user and sampled item: the sample (u32), its
 * scores and gradients (f32 x 2) and the by-item index (u64). */
#define SAMPLE_BYTES 20

/* Users per batch: --batch-users, else all of them, unless the sampled
 * scores of all users would exceed --max-memory: then as many as fit. */
static uint64_t batch_rows(const trec_fit_config *cfg, uint64_t nu, uint64_t ns)
{
    if (cfg->batch_users)
        return cfg->batch_users < nu ? cfg->batch_users : nu;
    if (ns == 0 || nu <= cfg->max_memory / (SAMPLE_BYTES * ns))
        return nu;
    uint64_t fit = cfg->max_memory / (SAMPLE_BYTES * ns);
    return fit ? fit : 1;
}

/* Everything but the weights: features, batches, sample size, gradient
 * slots and buffers, for model m (shape set and allocated). */
static int fit_setup(fit *F, const trec_fit_config *cfg, const trec_csr *x,
                     const trec_csr *user_extra, const trec_csr *item_extra, trec_model *m,
                     trec_error *err)
{
    F->cfg = cfg;
    F->x = x;
    F->m = m;
    F->k = cfg->components;
    F->nu = x->rows;
    F->ni = x->cols;
    trec_features_init(&F->uf, F->nu, cfg->user_identity, user_extra);
    trec_features_init(&F->itf, F->ni, cfg->item_identity, item_extra);
    F->need_dX = m->user.repr != TREC_REPR_PASS_THROUGH;
    F->need_dY = m->item.repr != TREC_REPR_PASS_THROUGH;
    if (trec_loss_is_sampled(cfg->loss)) {
        F->ns = cfg->sampled_items ? cfg->sampled_items : F->ni / 100;
        if (F->ns == 0)
            F->ns = 1;
        if (F->ns > F->ni) /* more than the items (or "all"): every item */
            F->ns = F->ni;
        if (cfg->sample_unobserved && check_unobserved(F, err) != 0)
            return -1;
    }
    F->batch_rows = batch_rows(cfg, F->nu, F->ns);
    F->nb = (F->nu + F->batch_rows - 1) / F->batch_rows;
    /* TensorRec's calculate_batched_alpha */
    F->alpha_b = F->nb > 1 ? cfg->alpha / (M_E * log((double)F->nb)) : cfg->alpha;
    if (add_side_slots(F, &m->user, &F->gu, err) || add_side_slots(F, &m->item, &F->gi, err) ||
        alloc_buffers(F, err) != 0)
        return -1;
    trec_adam_init(&F->adam, cfg->learning_rate);
    /* BLIS's own threads (dense losses, sampled scores); results are the same
     * for the same thread count. */
    bli_thread_set_num_threads(cfg->threads > 0 ? cfg->threads : 1);
    return 0;
}

static void copy_floats(float *dst, const float *src, uint64_t n)
{
    if (dst && src)
        memcpy(dst, src, n * sizeof(float));
}

int trec_tensorrec_gradient(const trec_fit_config *cfg, const trec_csr *x,
                      const trec_csr *user_extra, const trec_csr *item_extra,
                      trec_model *m, uint64_t batch, uint64_t stream, double *loss,
                      trec_model *grad, trec_error *err)
{
    fit F0 = {0}, *F = &F0;
    int rc = -1;
    if (fit_setup(F, cfg, x, user_extra, item_extra, m, err) == 0 &&
        gradient(F, batch, stream, loss, err) == 0) {
        uint64_t k = F->k;
        const trec_side *g[2] = {&F->gu, &F->gi};
        trec_side *o[2] = {&grad->user, &grad->item};
        for (int i = 0; i < 2; i++) {
            copy_floats(o[i]->w1, g[i]->w1, g[i]->n_features * trec_side_w1_cols(g[i], k));
            copy_floats(o[i]->b1, g[i]->b1, g[i]->hidden);
            copy_floats(o[i]->w2, g[i]->w2, g[i]->hidden * k);
            copy_floats(o[i]->feature_bias, g[i]->feature_bias, g[i]->n_features);
        }
        rc = 0;
    }
    fit_free(F);
    return rc;
}

/* Adam's state from an --init model: the slots hold the parameters in the
 * model file's order (user W1, b1, W2, biases, then items), so the moments
 * are consecutive runs of init's arrays. */
static void moments_in(fit *F, const trec_model *init)
{
    uint64_t off = 0;
    for (int s = 0; s < F->nslots; s++) {
        memcpy(F->slots[s].m, init->adam_m + off, F->slots[s].n * sizeof(float));
        memcpy(F->slots[s].v, init->adam_v + off, F->slots[s].n * sizeof(float));
        off += F->slots[s].n;
    }
    F->adam.t = init->adam_t;
}

static int moments_out(const fit *F, trec_model *out, trec_error *err)
{
    if (!out->adam_m && trec_model_alloc_adam(out, err) != 0)
        return -1;
    uint64_t off = 0;
    for (int s = 0; s < F->nslots; s++) {
        memcpy(out->adam_m + off, F->slots[s].m, F->slots[s].n * sizeof(float));
        memcpy(out->adam_v + off, F->slots[s].v, F->slots[s].n * sizeof(float));
        off += F->slots[s].n;
    }
    out->adam_t = F->adam.t;
    return 0;
}

static int tensorrec_fit(const trec_fit_config *cfg, const trec_fit_data *d,
                         const trec_model *init, trec_model *out, trec_fit_result *res,
                         trec_error *err)
{
    fit F0 = {0}, *F = &F0;
    int rc = -1;
    int64_t *umap = NULL, *imap = NULL;
    const trec_csr *x = d->x, *user_extra = d->user_extra, *item_extra = d->item_extra;
    trec_features uf, itf;
    trec_features_init(&uf, x->rows, cfg->user_identity, user_extra);
    trec_features_init(&itf, x->cols, cfg->item_identity, item_extra);
    model_shape(cfg, x, &uf, &itf, user_extra, item_extra, out);
    res->epochs_before = init ? trec_fit_model_epochs(init) : 0;
    /* the weights (P floats) with their gradients and Adam moments (3P),
     * the model's copy of the moments (2P), the representations and their
     * forward caches (2 (users + items) k) */
    double nk = (double)(out->n_users + out->n_items) * (double)out->k;
    double need = 4.0 * (6.0 * (double)trec_model_param_count(out) + 2.0 * nk);
    if (check_side(cfg, &out->user, "user", err) || check_side(cfg, &out->item, "item", err) ||
        check_data(cfg, x, err) || (init && trec_init_check(init, out, err)) ||
        trec_fit_check_memory(cfg, out, need, "the weights, their gradients and Adam "
                              "moments, and the representations", err) ||
        trec_model_alloc(out, err) != 0)
        goto done;
    /* An --init model's users and items matched to the data's by raw id:
     * on other ones (grown), the known keep their weights and the new are
     * initialised as in a fresh fit. */
    if (init && trec_init_maps(init, out, &umap, &imap, res, err) != 0)
        goto done;
    if (init && !res->init_grown) {
        copy_side(&out->user, &init->user, cfg->components);
        copy_side(&out->item, &init->item, cfg->components);
    } else {
        trec_rng rng;
        trec_rng_seed(&rng, cfg->seed);
        trec_repr_init(&out->user, cfg->components, &rng);
        trec_repr_init(&out->item, cfg->components, &rng);
    }
    if (init && res->init_grown) {
        trec_init_copy_side(&out->user, out->n_users, &init->user, init->n_users, umap,
                            cfg->components);
        trec_init_copy_side(&out->item, out->n_items, &init->item, init->n_items, imap,
                            cfg->components);
    }
    if (fit_setup(F, cfg, x, user_extra, item_extra, out, err) != 0)
        goto done;
    /* The optimiser's state continues only on the same users and items. */
    if (init && init->adam_n && !res->init_grown)
        moments_in(F, init);
    res->batches = F->nb;
    res->sampled_items = F->ns;
    if (train(F, res, err) != 0 || outputs(F, err) != 0 || moments_out(F, out, err) != 0)
        goto done;
    rc = 0;
done:
    fit_free(F);
    free(umap);
    free(imap);
    if (rc != 0)
        trec_model_free(out);
    return rc;
}

/* The validation seam: the outputs and Adam's state of the weights after
 * the epochs done, as the end of tensorrec_fit writes them. */
static int tensorrec_current(void *state, trec_model *out, trec_error *err)
{
    fit *F = state;
    return outputs(F, err) != 0 || moments_out(F, out, err) != 0 ? -1 : 0;
}

/* ---- META ---- */

static cJSON *side_json(const trec_side *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "representation", trec_repr_name(s->repr));
    cJSON_AddBoolToObject(o, "identity", s->identity);
    cJSON_AddNumberToObject(o, "metadata_features", (double)s->n_extra);
    cJSON_AddNumberToObject(o, "features", (double)s->n_features);
    cJSON_AddNumberToObject(o, "hidden", (double)s->hidden);
    return o;
}

static void add_number_or_null(cJSON *o, const char *key, int present, double v)
{
    if (present)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void tensorrec_meta(const trec_fit_config *cfg, const trec_fit_result *res,
                           const trec_model *m, cJSON *o)
{
    cJSON_AddStringToObject(o, "loss", trec_loss_name(cfg->loss));
    cJSON_AddStringToObject(o, "prediction", trec_predict_name(m->predict));
    cJSON_AddNumberToObject(o, "components", (double)m->k);
    cJSON_AddBoolToObject(o, "biases", m->biases);
    cJSON_AddItemToObject(o, "user", side_json(&m->user));
    cJSON_AddItemToObject(o, "item", side_json(&m->item));
    cJSON_AddNumberToObject(o, "learning_rate", cfg->learning_rate);
    cJSON_AddNumberToObject(o, "alpha", cfg->alpha);
    cJSON_AddNumberToObject(o, "epochs", (double)cfg->epochs);
    cJSON_AddNumberToObject(o, "epochs_total", (double)(res->epochs_before + cfg->epochs));
    uint64_t rows = (m->n_users + res->batches - 1) / (res->batches ? res->batches : 1);
    add_number_or_null(o, "batch_users", res->batches > 1 || cfg->batch_users != 0,
                       (double)(cfg->batch_users ? cfg->batch_users : rows));
    cJSON_AddNumberToObject(o, "batches", (double)res->batches);
    cJSON_AddBoolToObject(o, "batch_users_auto", !cfg->batch_users && res->batches > 1);
    add_number_or_null(o, "sampled_items", res->sampled_items != 0,
                       (double)res->sampled_items);
    cJSON_AddStringToObject(o, "sample_from", !res->sampled_items ? "none"
                            : cfg->sample_unobserved ? "unobserved-items" : "all-items");
}

/* trec-tune's default space: around the tensorrec preset (presets.c). */
static const trec_tune_default tensorrec_tune[] = {
    {"--loss", "wmrb"},
    {"--components", "5..20"},
    {"--alpha", "1e-5..1e-3"},
    {"--sampled-items", "100,300,1000"},
    {NULL, NULL},
};

const trec_algorithm trec_algorithm_tensorrec = {
    .name = "tensorrec",
    .about = "TensorRec's family, full batch, Adam",
    .options = TREC_OPT(TREC_OPT_USER_FEATURES) | TREC_OPT(TREC_OPT_ITEM_FEATURES) |
               TREC_OPT(TREC_OPT_NO_USER_IDENTITY) | TREC_OPT(TREC_OPT_NO_ITEM_IDENTITY) |
               TREC_OPT(TREC_OPT_COMPONENTS) | TREC_OPT(TREC_OPT_USER_REPR) |
               TREC_OPT(TREC_OPT_ITEM_REPR) | TREC_OPT(TREC_OPT_HIDDEN) |
               TREC_OPT(TREC_OPT_PREDICT) | TREC_OPT(TREC_OPT_NO_BIASES) |
               TREC_OPT(TREC_OPT_LOSS) | TREC_OPT(TREC_OPT_SAMPLED_ITEMS) |
               TREC_OPT(TREC_OPT_SAMPLE_UNOBSERVED) | TREC_OPT(TREC_OPT_MIN_RATING) |
               TREC_OPT(TREC_OPT_EPOCHS) | TREC_OPT(TREC_OPT_LEARNING_RATE) |
               TREC_OPT(TREC_OPT_ALPHA) | TREC_OPT(TREC_OPT_BATCH_USERS) |
               TREC_OPT(TREC_OPT_SEED) | TREC_OPT(TREC_OPT_THREADS) | TREC_OPT(TREC_OPT_INIT) |
               TREC_OPT(TREC_OPT_MAX_MEMORY),
    .data = TREC_DATA_VALUES,
    .defaults = NULL,
    .check = tensorrec_check,
    .fit = tensorrec_fit,
    .meta = tensorrec_meta,
    .current = tensorrec_current,
    .tune = tensorrec_tune,
};

