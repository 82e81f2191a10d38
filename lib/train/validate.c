/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* validate.c - evaluation on a validation split during a fit (validate.h):
 * the positives and the most-popular baseline once per fit, an evaluation
 * per due epoch through lib/serve (trec_eval_model), the best model kept,
 * patience. */
#include "validate.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_number.h"
#include "metrics.h"
#include "score.h"

struct trec_validation {
    trec_validation_config c;
    char metric[32];
    /* the current fit */
    const trec_csr *train;
    trec_positives pos;
    trec_eval_config ecfg;
    int threads;
    double popular, t0;
    uint64_t valid_users;
    trec_validation_point *curve;
    uint64_t n, cap, epochs_run, best_epoch, since_best;
    double best;
    int have_best, stopped_early, interrupted;
    trec_model snap;          /* the best evaluation's model, when more epochs followed */
    int have_snap;
};

void trec_validation_config_default(trec_validation_config *c)
{
    *c = (trec_validation_config){.metric = TREC_NDCG, .k = 10, .gain = TREC_GAIN_BINARY,
                                  .every = 1, .patience = 0};
}

int trec_validation_new(trec_validation **out, const trec_validation_config *c,
                        trec_error *err)
{
    *out = NULL;
    if (!c->valid)
        return trec_fail(err, "internal error: no validation matrix");
    if (c->metric < 0 || c->metric >= TREC_N_METRICS || c->k < 1 || c->every < 1)
        return trec_fail(err, "internal error: bad validation metric, K or interval");
    trec_validation *v = trec_calloc(1, sizeof *v, err);
    if (!v)
        return -1;
    v->c = *c;
    if (!v->c.name)
        v->c.name = "the validation matrix";
    trec_metric_label(c->metric, c->k, v->metric, sizeof v->metric);
    *out = v;
    return 0;
}

static void end_fit(trec_validation *v)
{
    trec_positives_free(&v->pos);
    if (v->have_snap)
        trec_model_free(&v->snap);
    v->have_snap = 0;
}

void trec_validation_free(trec_validation *v)
{
    if (!v)
        return;
    end_fit(v);
    free(v->curve);
    free(v);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- before the fit ---- */

static void name_of(const trec_labels *l, uint64_t i, char *buf, size_t size)
{
    if (l->count) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        snprintf(buf, size, "%.*s", (int)(n < 60 ? n : 60), s);
    } else {
        snprintf(buf, size, "%llu", (unsigned long long)i);
    }
}

static int check_split(const trec_validation *v, const trec_csr *train, trec_error *err)
{
    trec_model probe = {.n_users = train->rows, .n_items = train->cols,
                        .user_labels = train->row_labels, .item_labels = train->col_labels};
    if (trec_score_check_matrix(&probe, "the training matrix", v->c.valid, v->c.name, err))
        return -1;
    uint64_t u;
    uint32_t i;
    uint64_t n = trec_positives_overlap(&v->pos, train, &u, &i);
    if (n == 0)
        return 0;
    char un[64], in[64];
    name_of(&train->row_labels, u, un, sizeof un);
    name_of(&train->col_labels, i, in, sizeof in);
    return trec_fail(err, "%s and the training matrix share %llu positive user-item pairs "
                     "(first: user %s, item %s): left out of the ranking, they could never "
                     "be recommended; split without overlap (trec-split --valid)", v->c.name,
                     (unsigned long long)n, un, in);
}

/* The most-popular ranking's value, in the same convention. */
static int popular_value(trec_validation *v, trec_error *err)
{
    trec_positives tp;
    uint32_t *order = NULL;
    trec_topk_lists pl;
    trec_eval_result r;
    memset(&pl, 0, sizeof pl);
    memset(&r, 0, sizeof r);
    int rc = trec_positives_from_csr(&tp, v->train, "the training matrix", &v->ecfg, err);
    if (rc != 0)
        return -1;
    rc = trec_popularity_order(&tp, &order, err) ||
         trec_popular_lists(order, tp.n_users, tp.n_items, v->train, v->c.k, &pl, err) ||
         trec_eval_lists(&v->pos, &pl, &v->ecfg, &r, err);
    if (rc == 0 && v->c.metric == TREC_AUC) {
        trec_scorer s;
        float *counts = NULL;
        rc = trec_popularity_scorer(&tp, &s, &counts, err) ||
             trec_eval_auc(&v->pos, &s, v->train, v->threads, &r, err);
        if (counts)
            trec_scorer_free(&s);
        free(counts);
    }
    if (rc == 0)
        v->popular = r.mean[v->c.metric];
    trec_eval_result_free(&r);
    trec_topk_lists_free(&pl);
    free(order);
    trec_positives_free(&tp);
    return rc ? -1 : 0;
}

int trec_validation_begin(trec_validation *v, const trec_fit_config *cfg,
                          const trec_csr *train, trec_error *err)
{
    end_fit(v);
    v->train = train;
    v->threads = cfg->threads > 0 ? cfg->threads : 1;
    v->ecfg = (trec_eval_config){.ks = &v->c.k, .nk = 1, .has_min_rating = cfg->has_min_rating,
                                 .min_rating = cfg->min_rating, .gain = v->c.gain};
    v->n = v->epochs_run = v->best_epoch = v->since_best = 0;
    v->best = v->popular = 0;
    v->have_best = v->stopped_early = v->interrupted = 0;
    v->t0 = now();
    if (trec_positives_from_csr(&v->pos, v->c.valid, v->c.name, &v->ecfg, err) != 0)
        return -1;
    if (check_split(v, train, err) != 0)
        return -1;
    v->valid_users = 0;
    for (uint64_t u = 0; u < v->pos.n_users; u++)
        v->valid_users += v->pos.rowptr[u + 1] > v->pos.rowptr[u];
    if (v->pos.n == 0)
        return trec_fail(err, "%s has no positives%s: nothing to validate on", v->c.name,
                         cfg->has_min_rating ? " (entries >= --min-rating)" : "");
    return popular_value(v, err);
}

/* ---- during the fit ---- */

static int add_point(trec_validation *v, const trec_fit_progress *p, double value,
                     trec_error *err)
{
    if (v->n == v->cap) {
        uint64_t cap = v->cap ? 2 * v->cap : 64;
        trec_validation_point *c = trec_realloc(v->curve, cap * sizeof *c, err);
        if (!c)
            return -1;
        v->curve = c;
        v->cap = cap;
    }
    v->curve[v->n++] = (trec_validation_point){.epoch = p->epoch, .loss = p->loss,
                                               .penalty = p->penalty, .value = value,
                                               .seconds = now() - v->t0};
    return 0;
}

/* A new best: a copy of the model when more epochs may follow (the model
 * after the last epoch is the fit's own). */
static int keep_best(trec_validation *v, const trec_fit_progress *p, const trec_model *out,
                     double value, trec_error *err)
{
    v->have_best = 1;
    v->best = value;
    v->best_epoch = p->epoch;
    v->since_best = 0;
    if (v->have_snap)
        trec_model_free(&v->snap);
    v->have_snap = 0;
    if (p->epoch < p->epochs) {
        if (trec_model_copy(&v->snap, out, err) != 0)
            return -1;
        v->have_snap = 1;
    }
    return 0;
}

static void report(const trec_validation *v, trec_fit_progress *p)
{
    p->metric = v->metric;
    p->value = v->n ? v->curve[v->n - 1].value : 0;
    p->best = v->best;
    p->best_epoch = v->best_epoch;
}

int trec_validation_epoch(trec_validation *v, trec_fit_progress *p, trec_model *out,
                          int (*current)(void *state, trec_model *out, trec_error *err),
                          void *state, trec_error *err)
{
    v->epochs_run = p->epoch;
    p->evaluated = 0;
    if (p->epoch % v->c.every != 0 && p->epoch != p->epochs) {
        report(v, p);
        return 0;
    }
    trec_eval_result r;
    if ((current && current(state, out, err) != 0) ||
        trec_eval_model(out, &v->pos, v->train, &v->ecfg, v->c.metric == TREC_AUC,
                        v->threads, &r, err) != 0)
        return -1;
    double value = r.mean[v->c.metric];
    trec_eval_result_free(&r);
    if (add_point(v, p, value, err) != 0)
        return -1;
    p->evaluated = 1;
    if (!v->have_best || value > v->best) {
        if (keep_best(v, p, out, value, err) != 0)
            return -1;
    } else {
        v->since_best++;
    }
    if (v->c.patience && v->since_best >= v->c.patience)
        v->stopped_early = 1;
    else if (v->c.interrupt && v->c.interrupt(v->c.interrupt_ctx))
        v->interrupted = 1;
    p->stop = v->stopped_early || v->interrupted;
    report(v, p);
    return p->stop;
}

int trec_validation_finish(trec_validation *v, trec_model *out, trec_fit_result *res,
                           trec_error *err)
{
    (void)err;
    res->model_epochs = res->epochs_run;
    if (!v->have_best)
        return 0;
    if (v->best_epoch != v->epochs_run) {
        if (!v->have_snap)
            return trec_fail(err, "internal error: the best model was not kept");
        trec_model_free(out);
        *out = v->snap;
        v->have_snap = 0;
        memset(&v->snap, 0, sizeof v->snap);
    }
    res->model_epochs = v->best_epoch;
    for (uint64_t i = 0; i < v->n; i++)
        if (v->curve[i].epoch == v->best_epoch) {
            res->loss = v->curve[i].loss;
            res->penalty = v->curve[i].penalty;
        }
    trec_positives_free(&v->pos);
    return 0;
}

/* ---- results ---- */

const trec_validation_point *trec_validation_curve(const trec_validation *v, uint64_t *n)
{
    *n = v->n;
    return v->curve;
}

void trec_validation_summarize(const trec_validation *v, trec_validation_summary *s)
{
    *s = (trec_validation_summary){.metric = v->metric, .evaluations = v->n,
                                   .epochs_run = v->epochs_run, .best_epoch = v->best_epoch,
                                   .best = v->best, .popular = v->popular,
                                   .valid_users = v->valid_users, .stopped_early = v->stopped_early,
                                   .interrupted = v->interrupted};
}

struct cJSON *trec_validation_meta(const trec_validation *v)
{
    cJSON *o = cJSON_CreateObject();
    char crc[9] = "";
    const trec_container *f = v->c.file ? v->c.file : &v->c.valid->file;
    if (f->len >= TREC_HEADER_SIZE) /* set whenever the header was read */
        snprintf(crc, sizeof crc, "%08x", (unsigned)f->header_crc);
    cJSON_AddStringToObject(o, "file", v->c.name);
    cJSON_AddStringToObject(o, "header_crc32", crc);
    cJSON_AddStringToObject(o, "metric", v->metric);
    cJSON_AddStringToObject(o, "gain", v->c.gain == TREC_GAIN_BINARY ? "binary" : "exp");
    cJSON_AddStringToObject(o, "ranking", "exclude-train");
    cJSON_AddNumberToObject(o, "every", (double)v->c.every);
    cJSON_AddNumberToObject(o, "patience", (double)v->c.patience);
    cJSON_AddNumberToObject(o, "evaluations", (double)v->n);
    cJSON_AddNumberToObject(o, "epochs_run", (double)v->epochs_run);
    cJSON_AddNumberToObject(o, "best_epoch", (double)v->best_epoch);
    cJSON_AddItemToObject(o, "best", trec_json_metric(v->best));
    cJSON_AddItemToObject(o, "most_popular", trec_json_metric(v->popular));
    cJSON_AddBoolToObject(o, "stopped_early", v->stopped_early);
    cJSON_AddBoolToObject(o, "interrupted", v->interrupted);
    return o;
}
