/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* sgd.c - the sgd algorithm: LightFM's ranking losses (bpr, warp, warp-kos,
 * logistic) trained one positive at a time with Adagrad or plain SGD, on
 * linear representations of identity and/or metadata features with dot
 * prediction and feature biases. This file is the algorithm's row (checks,
 * defaults, the model and its outputs, META); the epochs and their parallel
 * schedule are in sgd_schedule.c, one pair's step in sgd_losses.c. */
#include "sgd.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "init_map.h"
#include "representation.h"

/* ---- the model ---- */

/* Linear representations and dot prediction, as tensorrec's model_shape. */
static void model_shape(const trec_fit_config *cfg, const trec_fit_data *d, trec_model *m)
{
    const trec_csr *x = d->x;
    trec_features uf, itf;
    trec_features_init(&uf, x->rows, cfg->user_identity, d->user_extra);
    trec_features_init(&itf, x->cols, cfg->item_identity, d->item_extra);
    memset(m, 0, sizeof *m);
    m->n_users = x->rows;
    m->n_items = x->cols;
    m->k = cfg->components;
    m->predict = TREC_PREDICT_DOT;
    m->biases = cfg->biases != 0;
    m->user = (trec_side){.repr = TREC_REPR_LINEAR, .identity = uf.identity,
                          .n_extra = uf.n_extra, .n_features = uf.n_features};
    m->item = (trec_side){.repr = TREC_REPR_LINEAR, .identity = itf.identity,
                          .n_extra = itf.n_extra, .n_features = itf.n_features};
    if (d->user_extra)
        m->user.extra_labels = d->user_extra->col_labels;
    if (d->item_extra)
        m->item.extra_labels = d->item_extra->col_labels;
    m->user_labels = x->row_labels;
    m->item_labels = x->col_labels;
}

/* Every user's and item's representation and summed bias. */
static void outputs(trec_model *m, const trec_features *uf, const trec_features *itf)
{
    trec_repr_forward(&m->user, uf, m->k, 0, m->n_users, m->user_repr, NULL);
    trec_repr_forward(&m->item, itf, m->k, 0, m->n_items, m->item_repr, NULL);
    trec_bias_forward(&m->user, uf, 0, m->n_users, m->user_bias);
    trec_bias_forward(&m->item, itf, 0, m->n_items, m->item_bias);
}

static int check_data(const trec_fit_config *cfg, const trec_model *m, const trec_csr *x,
                      trec_error *err)
{
    const trec_side *s[2] = {&m->user, &m->item};
    const char *name[2] = {"user", "item"};
    for (int i = 0; i < 2; i++)
        if (s[i]->n_features == 0)
            return trec_fail(err, "the %s side has no features: give --%s-features or drop "
                             "--no-%s-identity", name[i], name[i], name[i]);
    if (x->nnz == 0)
        return trec_fail(err, "no interactions to train on%s",
                         cfg->has_min_rating ? " (after --min-rating)" : "");
    if (x->nnz >= UINT32_MAX)
        return trec_fail(err, "too many interactions for --algorithm sgd (%llu; at most "
                         "2^32 - 2)", (unsigned long long)x->nnz);
    if (x->cols < 2)
        return trec_fail(err, "--algorithm sgd needs at least 2 items to rank");
    return 0;
}

/* What the validation seam needs to make the model of the current weights. */
typedef struct seam {
    const trec_sgd_train *S;
    const trec_features *uf, *itf;
} seam;

static int sgd_current(void *state, trec_model *out, trec_error *err)
{
    (void)err;
    const seam *z = state;
    trec_sgd_train_store(z->S, out);
    outputs(out, z->uf, z->itf);
    return 0;
}

/* --init: the model's weights for its users and items (matched by raw id),
 * the fresh initialisation for the new ones; out is allocated. */
static int start_from(trec_sgd_train *S, const trec_model *init, trec_model *out,
                      trec_fit_result *res, trec_error *err)
{
    int64_t *umap = NULL, *imap = NULL;
    int rc = trec_init_maps(init, out, &umap, &imap, res, err);
    if (rc == 0) {
        trec_sgd_train_store(S, out);
        trec_init_copy_side(&out->user, out->n_users, &init->user, init->n_users, umap, out->k);
        trec_init_copy_side(&out->item, out->n_items, &init->item, init->n_items, imap, out->k);
        trec_sgd_train_load(S, out);
    }
    free(umap);
    free(imap);
    return rc;
}

static int sgd_fit(const trec_fit_config *cfg, const trec_fit_data *d, const trec_model *init,
                   trec_model *out, trec_fit_result *res, trec_error *err)
{
    trec_sgd_train *S = NULL;
    trec_features uf, itf;
    int rc = -1;
    model_shape(cfg, d, out);
    res->epochs_before = init ? trec_fit_model_epochs(init) : 0;
    trec_features_init(&uf, out->n_users, cfg->user_identity, d->user_extra);
    trec_features_init(&itf, out->n_items, cfg->item_identity, d->item_extra);
    /* the training tables (weights, with Adagrad's accumulators: 2P) and
     * the model (P weights and the representations) */
    double per = trec_sgd_adagrad(cfg) ? 2.0 : 1.0;
    double need = 4.0 * ((per + 1.0) * (double)trec_model_param_count(out) +
                         (double)(out->n_users + out->n_items) * (double)out->k);
    if (check_data(cfg, out, d->x, err) || (init && trec_init_check(init, out, err)) ||
        trec_fit_check_memory(cfg, out, need, "the weights, their training copies and the "
                              "representations", err) ||
        trec_sgd_train_new(&S, cfg, d->x, &uf, &itf, out, err) != 0)
        goto done;
    res->batches = trec_sgd_train_blocks(S);
    /* validation evaluates the model during the fit, and --init starts
     * from one: its arrays are needed from the start */
    int early = cfg->validation != NULL || init != NULL;
    seam z = {.S = S, .uf = &uf, .itf = &itf};
    if ((early && trec_model_alloc(out, err) != 0) ||
        (init && start_from(S, init, out, res, err) != 0) ||
        trec_sgd_train_run(S, out, &z, res, err) != 0)
        goto done;
    trec_sgd_train_done(S); /* the model's arrays in the room of the strata */
    if (!early && trec_model_alloc(out, err) != 0)
        goto done;
    trec_sgd_train_store(S, out);
    trec_sgd_train_free(S);
    S = NULL;
    outputs(out, &uf, &itf);
    rc = 0;
done:
    trec_sgd_train_free(S);
    if (rc != 0)
        trec_model_free(out);
    return rc;
}

/* ---- options and META ---- */

/* Its own options (algorithm.h), their values in cfg->param (sgd.h). */
static const char *const schedules[] = {"adagrad", "sgd", NULL};
static const trec_fit_option_info sgd_options[TREC_SGD_OPTIONS] = {
    [TREC_SGD_SCHEDULE] = {"--schedule", TREC_ARG_WORD, 0, 0, 0, schedules},
    [TREC_SGD_MAX_SAMPLED] = {"--max-sampled", TREC_ARG_INT, 0, 1, 1 << 30, NULL},
    [TREC_SGD_KOS_K] = {"--kos-k", TREC_ARG_INT, 0, 1, 1 << 20, NULL},
};

extern const trec_algorithm trec_algorithm_sgd;

static void sgd_defaults(trec_fit_config *c)
{
    c->loss = TREC_LOSS_WARP;
    c->components = 64;
    c->learning_rate = 0.05;
    c->alpha = 0;
    c->epochs = 30;
    c->param[TREC_SGD_SCHEDULE] = TREC_SCHEDULE_ADAGRAD;
    c->param[TREC_SGD_MAX_SAMPLED] = TREC_SGD_MAX_SAMPLED_DEFAULT;
    c->param[TREC_SGD_KOS_K] = TREC_SGD_KOS_K_DEFAULT;
}

static int sgd_check(const trec_fit_config *cfg, trec_error *err)
{
    if (cfg->loss < TREC_LOSS_TENSORREC_END || cfg->loss >= TREC_LOSS_COUNT)
        return trec_fail(err, "--loss %s is not one of sgd's (bpr, warp, warp-kos, logistic)",
                         trec_loss_name(cfg->loss));
    if (cfg->components == 0)
        return trec_fail(err, "--components must be at least 1");
    if (cfg->predict != TREC_PREDICT_DOT || cfg->user_repr != TREC_REPR_LINEAR ||
        cfg->item_repr != TREC_REPR_LINEAR)
        return trec_fail(err, "--algorithm sgd fits linear representations with dot "
                         "prediction only");
    if (!isfinite(cfg->learning_rate) || cfg->learning_rate <= 0 || !isfinite(cfg->alpha) ||
        cfg->alpha < 0)
        return trec_fail(err, "--learning-rate must be > 0 and --alpha >= 0");
    double schedule = cfg->param[TREC_SGD_SCHEDULE];
    if (schedule != TREC_SCHEDULE_ADAGRAD && schedule != TREC_SCHEDULE_SGD)
        return trec_fail(err, "internal error: unknown --schedule");
    if (trec_sgd_max_sampled(cfg) < 1 || trec_sgd_kos_k(cfg) < 1)
        return trec_fail(err, "--max-sampled and --kos-k must be at least 1");
    int warp = cfg->loss == TREC_LOSS_WARP || cfg->loss == TREC_LOSS_WARP_KOS;
    const trec_algorithm *a = &trec_algorithm_sgd;
    if (trec_algorithm_own_given(a, cfg, TREC_SGD_MAX_SAMPLED) && !warp)
        return trec_fail(err, "--max-sampled only applies to --loss warp or warp-kos");
    if (trec_algorithm_own_given(a, cfg, TREC_SGD_KOS_K) && cfg->loss != TREC_LOSS_WARP_KOS)
        return trec_fail(err, "--kos-k only applies to --loss warp-kos");
    return 0;
}

static cJSON *side_json(const trec_side *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "representation", trec_repr_name(s->repr));
    cJSON_AddBoolToObject(o, "identity", s->identity);
    cJSON_AddNumberToObject(o, "metadata_features", (double)s->n_extra);
    cJSON_AddNumberToObject(o, "features", (double)s->n_features);
    return o;
}

static void add_number_or_null(cJSON *o, const char *key, int present, double v)
{
    if (present)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void sgd_meta(const trec_fit_config *cfg, const trec_fit_result *res, const trec_model *m,
                     cJSON *o)
{
    int warp = cfg->loss == TREC_LOSS_WARP || cfg->loss == TREC_LOSS_WARP_KOS;
    int kos = cfg->loss == TREC_LOSS_WARP_KOS;
    cJSON_AddStringToObject(o, "loss", trec_loss_name(cfg->loss));
    cJSON_AddStringToObject(o, "prediction", trec_predict_name(m->predict));
    cJSON_AddNumberToObject(o, "components", (double)m->k);
    cJSON_AddBoolToObject(o, "biases", m->biases);
    cJSON_AddItemToObject(o, "user", side_json(&m->user));
    cJSON_AddItemToObject(o, "item", side_json(&m->item));
    cJSON_AddNumberToObject(o, "learning_rate", cfg->learning_rate);
    cJSON_AddStringToObject(o, "schedule", trec_sgd_adagrad(cfg) ? "adagrad" : "sgd");
    cJSON_AddNumberToObject(o, "alpha", cfg->alpha);
    cJSON_AddNumberToObject(o, "epochs", (double)cfg->epochs);
    cJSON_AddNumberToObject(o, "epochs_total", (double)(res->epochs_before + cfg->epochs));
    add_number_or_null(o, "max_sampled", warp, trec_sgd_max_sampled(cfg));
    add_number_or_null(o, "kos_k", kos, trec_sgd_kos_k(cfg));
    add_number_or_null(o, "kos_n", kos, 2.0 * trec_sgd_kos_k(cfg));
    cJSON_AddNumberToObject(o, "blocks", (double)res->batches);
}

/* trec-tune's default space: around the sgd preset (presets.c). */
static const trec_tune_default sgd_tune[] = {
    {"--components", "32,64,128"},
    {"--alpha", "0.3..3"},
    {"--learning-rate", "0.02..0.1"},
    {NULL, NULL},
};

const trec_algorithm trec_algorithm_sgd = {
    .name = "sgd",
    .about = "LightFM's ranking losses, per interaction",
    .options = TREC_OPT(TREC_OPT_USER_FEATURES) | TREC_OPT(TREC_OPT_ITEM_FEATURES) |
               TREC_OPT(TREC_OPT_NO_USER_IDENTITY) | TREC_OPT(TREC_OPT_NO_ITEM_IDENTITY) |
               TREC_OPT(TREC_OPT_COMPONENTS) | TREC_OPT(TREC_OPT_NO_BIASES) |
               TREC_OPT(TREC_OPT_LOSS) | TREC_OPT(TREC_OPT_MIN_RATING) |
               TREC_OPT(TREC_OPT_OTHER_WEIGHT) | TREC_OPT(TREC_OPT_VALUES) |
               TREC_OPT(TREC_OPT_EPOCHS) | TREC_OPT(TREC_OPT_LEARNING_RATE) |
               TREC_OPT(TREC_OPT_ALPHA) | TREC_OPT(TREC_OPT_SEED) | TREC_OPT(TREC_OPT_THREADS) |
               TREC_OPT(TREC_OPT_INIT),
    .own = sgd_options,
    .n_own = TREC_SGD_OPTIONS,
    .data = TREC_DATA_WEIGHTS,
    .defaults = sgd_defaults,
    .check = sgd_check,
    .fit = sgd_fit,
    .meta = sgd_meta,
    .current = sgd_current,
    .tune = sgd_tune,
    .tune_rank = 3,
};

/* ---- test hook ---- */

int trec_sgd_test_pair(const trec_fit_config *cfg, const trec_csr *user_extra,
                       const trec_csr *item_extra, trec_model *m, uint32_t u, uint32_t i,
                       uint32_t j, float w, double rank_weight, int apply, double *loss,
                       trec_error *err)
{
    trec_features f[2];
    trec_features_init(&f[0], m->n_users, cfg->user_identity, user_extra);
    trec_features_init(&f[1], m->n_items, cfg->item_identity, item_extra);
    trec_sgd_rule rule = {.k = m->k, .adagrad = trec_sgd_adagrad(cfg),
                          .lr = (float)cfg->learning_rate, .alpha = (float)cfg->alpha * w};
    trec_side *sd[2] = {&m->user, &m->item};
    trec_sgd_table t[2] = {{0}, {0}};
    trec_sgd_view V[2];
    uint64_t k = m->k;
    float *buf = trec_malloc(4 * k * sizeof(float), err);
    int rc = -1;
    for (int s = 0; s < 2; s++) {
        if (!buf || trec_sgd_table_alloc(&t[s], sd[s]->n_features, k, rule.adagrad, m->biases,
                                         err) != 0)
            goto done;
        trec_sgd_table_load(&t[s], sd[s]);
        uint64_t nid = f[s].identity ? f[s].rows : 0;
        V[s] = (trec_sgd_view){.f = &f[s], .t = &t[s], .id = t[s].rec,
                               .meta = t[s].rec + nid * t[s].stride, .id_b = t[s].brec,
                               .meta_b = t[s].brec + nid * t[s].bstride};
    }
    float bu, bi, bj;
    const float *pu = trec_sgd_repr(&V[0], u, buf, &bu);
    const float *qi = trec_sgd_repr(&V[1], i, buf + k, &bi);
    const float *qj = trec_sgd_repr(&V[1], j, buf + 2 * k, &bj);
    double s_ui = (double)(trec_sgd_dot(pu, qi, k) + bu + bi);
    double s_uj = (double)(trec_sgd_dot(pu, qj, k) + bu + bj);
    double gi, gj;
    *loss = trec_sgd_pair_loss(cfg->loss, w, rank_weight, s_ui, s_uj, &gi, &gj);
    if (apply) {
        trec_sgd_pair_update(&rule, &V[0], &V[1], u, i, j, pu, qi, qj, (float)gi, (float)gj,
                             buf + 3 * k);
        trec_sgd_table_store(&t[0], &m->user);
        trec_sgd_table_store(&t[1], &m->item);
    }
    rc = 0;
done:
    free(buf);
    trec_sgd_table_free(&t[0]);
    trec_sgd_table_free(&t[1]);
    return rc;
}
