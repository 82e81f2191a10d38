/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* sgd.h - the sgd algorithm's internals (lib/train/sgd*.c): LightFM's
 * ranking losses trained one interaction at a time on linear feature
 * representations with dot prediction, with Adagrad or plain SGD.
 *
 *   sgd.c          the algorithm's row: checks, defaults, the model, META
 *   sgd_schedule.c blocks and strata, parameter tables, the epochs
 *   sgd_losses.c   one stratum's pass: sampling, the per-pair losses and
 *                  their gradients, the parameter updates
 *   sgd_kernels.h  the k-length inner loops (dot product, row updates)
 *
 * A worker sees each side's parameters through a trec_sgd_view. */
#ifndef TREC_SGD_H
#define TREC_SGD_H

#include <stdint.h>

#include "features_matrix.h"
#include "fit.h"
#include "rng.h"

/* Its own options (its row of the algorithm table, sgd.c): their slots of
 * trec_fit_config.param. */
enum trec_sgd_param {
    TREC_SGD_SCHEDULE,          /* enum trec_schedule */
    TREC_SGD_MAX_SAMPLED,       /* warp: negatives tried per positive */
    TREC_SGD_KOS_K,             /* warp-kos: the k of k-OS */
    TREC_SGD_OPTIONS
};

/* --schedule: the update rule (trec_sgd_rule). */
enum trec_schedule { TREC_SCHEDULE_ADAGRAD = 0, TREC_SCHEDULE_SGD = 1 };

#define TREC_SGD_MAX_SAMPLED_DEFAULT 10
#define TREC_SGD_KOS_K_DEFAULT 5

/* A count option's value: 0 stands for its default (a configuration sgd's
 * defaults did not make: trec_fit_config_default with one of sgd's losses,
 * the algorithm named by the loss alone), and a value that is not a count
 * gives 0 (refused by the checks). */
static inline uint32_t trec_sgd_count(double v, uint32_t dflt)
{
    return v == 0 ? dflt : v >= 1 && v <= UINT32_MAX ? (uint32_t)v : 0;
}

static inline uint32_t trec_sgd_max_sampled(const trec_fit_config *cfg)
{
    return trec_sgd_count(cfg->param[TREC_SGD_MAX_SAMPLED], TREC_SGD_MAX_SAMPLED_DEFAULT);
}

static inline uint32_t trec_sgd_kos_k(const trec_fit_config *cfg)
{
    return trec_sgd_count(cfg->param[TREC_SGD_KOS_K], TREC_SGD_KOS_K_DEFAULT);
}

static inline int trec_sgd_adagrad(const trec_fit_config *cfg)
{
    return cfg->param[TREC_SGD_SCHEDULE] == TREC_SCHEDULE_ADAGRAD;
}

/* The update rule: Adagrad (LightFM's: per-parameter learning rate
 * lr / sqrt(G), G starting at 1, then G += g^2) or plain SGD, each followed
 * by the L2 shrink w /= 1 + alpha * (the parameter's learning rate). */
typedef struct trec_sgd_rule {
    uint64_t k;
    int adagrad;
    float lr, alpha;
} trec_sgd_rule;

/* One side's parameters while training: a record per feature (identity
 * features first, then metadata features), `stride` floats each: the k
 * weights then the k accumulators (Adagrad), padded to whole cache lines, so
 * that one entity's parameters are fetched together, and what scoring reads
 * first. The biases (each with its accumulator, Adagrad) are a dense array
 * of their own, `bstride` floats per feature: in the record, the bias of
 * k = 64 took a fifth cache line for every scored item. */
typedef struct trec_sgd_table {
    float *rec, *brec;
    uint64_t n, k, stride, bstride;
    int adagrad, biases;
    uint64_t acc;               /* offset of the accumulators */
} trec_sgd_table;

int trec_sgd_table_alloc(trec_sgd_table *t, uint64_t n, uint64_t k, int adagrad, int biases,
                         trec_error *err);
/* Weights and biases from a model side (accumulators 1), and back. */
void trec_sgd_table_load(trec_sgd_table *t, const trec_side *s);
void trec_sgd_table_store(const trec_sgd_table *t, trec_side *s);
void trec_sgd_table_free(trec_sgd_table *t);

/* A worker's view of one side: the identity records (one per user or item,
 * owned by exactly one block of the schedule) and the metadata records
 * (shared by every block: a task's own replica). */
typedef struct trec_sgd_view {
    const trec_features *f;
    const trec_sgd_table *t;
    float *id, *meta;           /* records */
    float *id_b, *meta_b;       /* their biases */
} trec_sgd_view;

/* ---- kernels (sgd_kernels.h, as functions in sgd_kernels.c) ---- */

/* a . b, summed in 8 lanes then in a fixed order. */
float trec_sgd_dot(const float *a, const float *b, uint64_t k);
/* One update of the n parameters w (accumulators g2, NULL for plain SGD)
 * with gradient s * v[c]; v must not overlap w or g2. */
void trec_sgd_update(const trec_sgd_rule *r, float *w, float *g2, float s, const float *v,
                     uint64_t n);

/* ---- one pair (sgd_losses.c) ---- */

/* The loss of one pair: a positive (u, i) of weight w against item j, with
 * scores s_ui, s_uj, and its derivatives *gi = dl/ds_ui, *gj = dl/ds_uj.
 * rank_weight is WARP's L (warp, warp-kos); a pair that does not violate
 * the margin has loss 0.
 *   bpr       w * -log sigmoid(s_ui - s_uj)
 *   warp      w * L * max(0, 1 - s_ui + s_uj)
 *   logistic  w * (-log sigmoid(s_ui) - log(1 - sigmoid(s_uj))) */
double trec_sgd_pair_loss(int loss, double w, double rank_weight, double s_ui, double s_uj,
                          double *gi, double *gj);

/* Representation of row r of a side (the identity weights themselves when
 * r has no metadata features, else buf filled) and its bias. */
const float *trec_sgd_repr(const trec_sgd_view *v, uint64_t r, float *buf, float *bias);

/* One update for the pair: dl/ds_ui = gi, dl/ds_uj = gj at representations
 * pu, qi, qj (of the parameters before the update); dp is k floats of
 * scratch. */
void trec_sgd_pair_update(const trec_sgd_rule *rule, const trec_sgd_view *U,
                          const trec_sgd_view *I, uint32_t u, uint32_t i, uint32_t j,
                          const float *pu, const float *qi, const float *qj, float gi,
                          float gj, float *dp);

/* WARP's rank weight after `tries` draws from a block of n_block items of
 * which n_skip cannot be drawn (warp: the positive, 1; warp-kos: the user's
 * positives in the block), scaled to the catalogue of n_items:
 *   L = min(10, log(max(1, floor((n_block - n_skip) * n_items / n_block / tries)))) */
double trec_sgd_rank_weight(uint64_t n_block, uint64_t n_skip, uint64_t n_items,
                            uint64_t tries);

/* A positive of a stratum: the item and its training weight. */
typedef struct trec_sgd_pos {
    uint32_t item;
    float w;
} trec_sgd_pos;

/* Items drawn (and their parameters fetched) ahead of their use. */
#define TREC_SGD_AHEAD 8

/* A user's positives in a stratum: pos[start .. start + len). */
typedef struct trec_sgd_run {
    uint32_t user, start, len;
} trec_sgd_run;

/* One stratum: the positives of a block of users with the items of a block
 * of items. Its pairs are grouped by user (one run per user); a pass visits
 * the runs in a seeded order and each run's pairs in a seeded order, so
 * that a user's parameters stay in cache through its run. */
typedef struct trec_sgd_stratum {
    const trec_fit_config *cfg;
    const trec_csr *x;          /* training positives (weights) */
    trec_sgd_rule rule;
    trec_sgd_view U, I;
    const uint32_t *items;      /* the item block, ascending */
    const uint32_t *slot;       /* every item's index in its block */
    uint64_t n_block;
    uint64_t *mark;             /* n_block bits: the current user's positives */
    trec_sgd_pos *pos;          /* the positives, by user */
    uint64_t n;
    trec_sgd_run *runs;         /* one per user with pairs here */
    uint64_t n_runs;
    uint64_t kos_n;             /* positives drawn by warp-kos */
    float *scratch;             /* trec_sgd_scratch_floats() */
    trec_rng rng;
    uint32_t ahead[TREC_SGD_AHEAD]; /* the next draws (indices in the block), drawn ahead */
    unsigned next;
    int draw_whole;             /* a drawn item's whole record is fetched ahead, not only its weights */
    /* The item side's shape, read once per pass for the draws: identity
     * records (NULL without), their biases (NULL without), strides, and
     * whether an item is its identity record alone (no metadata). */
    const float *item_w, *item_b;
    uint64_t item_stride, item_bstride;
    int item_plain;
    double loss;                /* out: sum of the pair losses */
} trec_sgd_stratum;

uint64_t trec_sgd_scratch_floats(uint64_t k, uint64_t kos_n);
/* One pass over the stratum: one step per pair. */
void trec_sgd_run_stratum(trec_sgd_stratum *s);
/* For tests, process-wide: 1 makes the stratum loop run its copy for any k
 * and score every draw through the general path (metadata or not), which
 * the fast paths are tested against. */
void trec_sgd_reference_loop(int on);

/* ---- the epochs (sgd_schedule.c) ---- */

typedef struct trec_sgd_train trec_sgd_train;

/* Blocks, strata and parameter tables for fitting model m (shape set,
 * arrays not needed): the weights start as LightFM's, uniform in
 * (-0.5, 0.5) / k, the biases at 0. */
int trec_sgd_train_new(trec_sgd_train **S, const trec_fit_config *cfg, const trec_csr *x,
                       const trec_features *uf, const trec_features *itf,
                       const trec_model *m, trec_error *err);
uint64_t trec_sgd_train_blocks(const trec_sgd_train *S);
/* cfg->epochs epochs (progress reported, divergence detected), or fewer
 * when validation stops them; out and state go to trec_fit_epoch_end. */
int trec_sgd_train_run(trec_sgd_train *S, trec_model *out, void *state,
                       trec_fit_result *res, trec_error *err);
/* Frees all but the weights (before the model is allocated). */
void trec_sgd_train_done(trec_sgd_train *S);
/* The weights and biases into m's arrays (allocated). */
void trec_sgd_train_store(const trec_sgd_train *S, trec_model *m);
void trec_sgd_train_free(trec_sgd_train *S);
/* The weights and biases from m (allocated, S's shape), the accumulators
 * reset (--init: a model does not store them). */
void trec_sgd_train_load(trec_sgd_train *S, const trec_model *m);

/* ---- test hook (sgd.c) ---- */

/* For tests: the loss of one pair (u, i positive of weight w, j the
 * negative; rank_weight for warp and warp-kos) at m's parameters, where m is
 * a model trec_fit made with cfg (sgd) on interactions of the same shape and
 * these feature matrices; when `apply`, one update with cfg's rule from
 * fresh accumulators (Adagrad's first step is lr * gradient, as plain SGD's). */
int trec_sgd_test_pair(const trec_fit_config *cfg, const trec_csr *user_extra,
                       const trec_csr *item_extra, trec_model *m, uint32_t u, uint32_t i,
                       uint32_t j, float w, double rank_weight, int apply, double *loss,
                       trec_error *err);

#endif
