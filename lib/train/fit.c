/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fit.c - what every algorithm shares: names, defaults, the option check,
 * the training data (min-rating, weights), dispatch to the algorithm table,
 * and META. */
#include "fit.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "algorithm.h"
#include "presets.h"
#include "trec.h" /* TREC_VERSION */
#include "validate.h"

static const char *const loss_names[TREC_LOSS_COUNT] = {
    "rmse", "rmse-dense", "wmrb", "balanced-wmrb", "separation", "separation-dense",
    "bpr", "warp", "warp-kos", "logistic"};

const char *trec_loss_name(int loss)
{
    return loss >= 0 && loss < TREC_LOSS_COUNT ? loss_names[loss] : "unknown";
}

int trec_loss_from_name(const char *name)
{
    for (int i = 0; i < TREC_LOSS_COUNT; i++)
        if (strcmp(name, loss_names[i]) == 0)
            return i;
    return -1;
}

int trec_loss_is_sampled(int loss)
{
    return loss == TREC_LOSS_WMRB || loss == TREC_LOSS_BALANCED_WMRB;
}

/* ---- configuration ---- */

void trec_fit_config_default(trec_fit_config *c)
{
    *c = (trec_fit_config){
        .algorithm = NULL, .components = 100, .predict = TREC_PREDICT_DOT,
        .loss = TREC_LOSS_RMSE, .biases = 1, .user_repr = TREC_REPR_LINEAR,
        .item_repr = TREC_REPR_LINEAR, .user_identity = 1, .item_identity = 1,
        .learning_rate = 0.1, .alpha = 1e-5, .epochs = 100, .values = TREC_VALUES_BINARY,
        .lambda = 0.1, .max_memory = UINT64_C(1) << 30, .seed = TREC_FIT_DEFAULT_SEED,
        .threads = 1};
}

int trec_fit_config_for(trec_fit_config *c, const char *name, trec_error *err)
{
    trec_fit_config_default(c);
    if (!name)
        return 0;
    const trec_algorithm *a = trec_algorithm_find(name);
    if (!a)
        return trec_fail(err, "unknown algorithm '%s' (%s)", name, trec_fit_algorithm_list());
    c->algorithm = a->name;
    if (a->defaults)
        a->defaults(c);
    return 0;
}

const char *trec_fit_algorithm_name(const trec_fit_config *cfg)
{
    if (cfg->algorithm)
        return trec_algorithm_find(cfg->algorithm) ? cfg->algorithm : NULL;
    if (cfg->loss >= TREC_LOSS_TENSORREC_END && cfg->loss < TREC_LOSS_COUNT)
        return "sgd";
    return "tensorrec";
}

/* Options given that the algorithm does not take are errors, not ignored. */
static int check_options(const trec_algorithm *a, const trec_fit_config *cfg, trec_error *err)
{
    uint64_t extra = cfg->given & ~trec_algorithm_options(a);
    for (int o = 0; o < TREC_OPT_LIMIT; o++)
        if (extra & TREC_OPT(o))
            return trec_fail(err, "%s does not apply to --algorithm %s%s%s",
                             trec_fit_option_name(o), a->name, a->hint ? ": " : "",
                             a->hint ? a->hint : "");
    if (!isfinite(cfg->other_weight) || cfg->other_weight < 0)
        return trec_fail(err, "--other-weight must be >= 0");
    if ((cfg->given & TREC_OPT(TREC_OPT_OTHER_WEIGHT)) && !cfg->has_min_rating)
        return trec_fail(err, "--other-weight weighs the entries below --min-rating: give "
                         "--min-rating too");
    return 0;
}

int trec_fit_check_shape(const trec_csr *x, trec_error *err)
{
    if (x->rows == 0 || x->cols == 0)
        return trec_fail(err, "the interaction matrix is empty (%llu x %llu)",
                         (unsigned long long)x->rows, (unsigned long long)x->cols);
    if (x->cols >= UINT32_MAX || x->rows >= UINT32_MAX)
        return trec_fail(err, "too many users or items (%llu x %llu)",
                         (unsigned long long)x->rows, (unsigned long long)x->cols);
    return 0;
}

/* ---- training data ---- */

/* The weight an algorithm trains entry value v with (0: left out). */
static float entry_weight(const trec_fit_config *cfg, int data, float v)
{
    int kept = !cfg->has_min_rating || (double)v >= cfg->min_rating;
    if (data == TREC_DATA_VALUES)
        return kept ? v : NAN;
    if (!kept)
        return (float)cfg->other_weight;
    return cfg->values == TREC_VALUES_RAW ? v : 1.0f;
}

static int keeps(int data, float w)
{
    return data == TREC_DATA_VALUES ? w == w : w > 0;
}

/* The entries an algorithm trains on, with their values or weights (labels
 * shared with x). */
int trec_fit_prepare(const trec_fit_config *cfg, int data, const trec_csr *x, trec_csr *out,
                     trec_error *err)
{
    uint64_t n = 0;
    for (uint64_t e = 0; e < x->nnz; e++)
        n += keeps(data, entry_weight(cfg, data, x->vals[e]));
    if (trec_csr_alloc(out, x->rows, x->cols, n, 0, err) != 0)
        return -1;
    uint64_t o = 0;
    for (uint64_t r = 0; r < x->rows; r++) {
        for (uint64_t e = x->rowptr[r]; e < x->rowptr[r + 1]; e++) {
            float w = entry_weight(cfg, data, x->vals[e]);
            if (!keeps(data, w))
                continue;
            out->colidx[o] = x->colidx[e];
            out->vals[o++] = w;
        }
        out->rowptr[r + 1] = o;
    }
    trec_csr_share_labels(out, x);
    return 0;
}

uint64_t trec_fit_positive_count(const trec_csr *x)
{
    uint64_t n = 0;
    for (uint64_t e = 0; e < x->nnz; e++)
        n += x->vals[e] > 0;
    return n;
}

const char *trec_fit_user_name(const trec_csr *x, uint64_t u, char *buf, size_t size)
{
    if (x->row_labels.count) {
        size_t n;
        const char *l = trec_label(&x->row_labels, u, &n);
        snprintf(buf, size, "%.*s", (int)(n < 200 ? n : 200), l);
    } else {
        snprintf(buf, size, "%llu (unlabelled)", (unsigned long long)u);
    }
    return buf;
}

const trec_algorithm *trec_fit_algorithm_of(const trec_fit_config *cfg, trec_error *err)
{
    if (trec_preset_unresolved(cfg)) {
        trec_fail(err, "internal error: the default configuration has not chosen its "
                  "algorithm (trec_preset_resolve)");
        return NULL;
    }
    const char *name = trec_fit_algorithm_name(cfg);
    const trec_algorithm *a = name ? trec_algorithm_find(name) : NULL;
    if (!a)
        trec_fail(err, "unknown algorithm '%s' (%s)", cfg->algorithm ? cfg->algorithm : "?",
                  trec_fit_algorithm_list());
    return a;
}

/* The default preset before it has chosen ease or als (presets.h). */
static int check_auto(const trec_fit_config *cfg, trec_error *err)
{
    uint64_t extra = cfg->given & ~trec_preset_default_options();
    for (int o = 0; o < TREC_OPT_LIMIT; o++)
        if (extra & TREC_OPT(o))
            return trec_fail(err, "%s does not apply to the default configuration (ease, or "
                             "als when ease's matrix is too large for --max-memory): give "
                             "--preset ease, --preset als or --algorithm with it",
                             trec_fit_option_name(o));
    if (cfg->threads < 1)
        return trec_fail(err, "--threads must be at least 1");
    if (!isfinite(cfg->other_weight) || cfg->other_weight < 0)
        return trec_fail(err, "--other-weight must be >= 0");
    return 0;
}

int trec_fit_check(const trec_fit_config *cfg, trec_error *err)
{
    if (trec_preset_unresolved(cfg))
        return check_auto(cfg, err);
    const trec_algorithm *a = trec_fit_algorithm_of(cfg, err);
    if (!a || check_options(a, cfg, err) || a->check(cfg, err))
        return -1;
    if (cfg->threads < 1)
        return trec_fail(err, "--threads must be at least 1");
    int epochs = (a->options & TREC_OPT(TREC_OPT_EPOCHS)) != 0;
    /* --epochs 0 given without --init (trec-fit's command line); a library
     * caller setting epochs = 0 gets the initialisation on purpose */
    if (epochs && cfg->epochs == 0 && (cfg->given & TREC_OPT(TREC_OPT_EPOCHS)) &&
        !(cfg->given & TREC_OPT(TREC_OPT_INIT)))
        return trec_fail(err, "--epochs 0 trains nothing: the model would be its random "
                         "initialisation (with --init MODEL, 0 epochs recomputes MODEL's "
                         "outputs)");
    if (cfg->validation && epochs && cfg->epochs == 0)
        return trec_fail(err, "--valid needs at least one epoch to evaluate");
    return 0;
}

int trec_fit_epoch_end(const trec_fit_config *cfg, trec_fit_progress *p, trec_model *out,
                       void *state, trec_error *err)
{
    int stop = 0;
    if (cfg->validation) {
        const trec_algorithm *a = trec_fit_algorithm_of(cfg, err);
        if (!a)
            return -1;
        stop = trec_validation_epoch(cfg->validation, p, out, a->current, state, err);
        if (stop < 0)
            return -1;
    }
    if (cfg->progress)
        cfg->progress(cfg->progress_ctx, p);
    return stop;
}

/* The value of an algorithm's own option called name (algorithm.h). */
static double own_value(const trec_fit_config *cfg, const char *name)
{
    int slot;
    return trec_algorithm_own_option(trec_fit_option_find(name), &slot) ? cfg->param[slot] : 0;
}

/* The options that steer a fit away from divergence, with their values. */
static void divergence_hint(const trec_fit_config *cfg, char *buf, size_t size)
{
    const char *name = trec_fit_algorithm_name(cfg);
    if (name && strcmp(name, "als") == 0)
        snprintf(buf, size, "a --lambda nearer the default 0.1 (now %g) or a smaller "
                 "--confidence-scale (now %g)", cfg->lambda,
                 own_value(cfg, "--confidence-scale"));
    else if (name && strcmp(name, "ease") == 0)
        snprintf(buf, size, "a larger --lambda (now %g)", cfg->lambda);
    else
        snprintf(buf, size, "a smaller --learning-rate (now %g) or --alpha (now %g)",
                 cfg->learning_rate, cfg->alpha);
}

int trec_fit_diverged(const trec_fit_config *cfg, trec_fit_result *res, uint64_t epoch,
                      const char *what, trec_error *err)
{
    char hint[160];
    divergence_hint(cfg, hint, sizeof hint);
    res->diverged_epoch = epoch ? epoch : 1;
    return trec_fail(err, "the fit diverged at epoch %llu: %s; no model is written; try %s",
                     (unsigned long long)res->diverged_epoch, what, hint);
}

/* The memory a process may have here: the machine's physical memory, or
 * less under an address-space or data limit (ulimit -v, -d). */
static double memory_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double limit = pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
    const int kinds[2] = {RLIMIT_AS, RLIMIT_DATA};
    for (int i = 0; i < 2; i++) {
        struct rlimit rl;
        if (getrlimit(kinds[i], &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            (double)rl.rlim_cur < limit)
            limit = (double)rl.rlim_cur;
    }
    return limit;
}

int trec_fit_check_memory(const trec_fit_config *cfg, const trec_model *shape, double bytes,
                          const char *what, trec_error *err)
{
    double limit = memory_limit(), gib = 1073741824.0;
    if (bytes <= limit)
        return 0;
    return trec_fail(err, "--components %llu: the fit would need at least %.1f GiB (%s for "
                     "%llu users and %llu items), more than the %.1f GiB of memory here; "
                     "give fewer --components", (unsigned long long)cfg->components,
                     bytes / gib, what, (unsigned long long)shape->n_users,
                     (unsigned long long)shape->n_items, limit / gib);
}

/* Every weight, output and optimiser moment of a finished fit finite: the
 * algorithms check their loss and weights each epoch, this catches what
 * they do not (an overflow in the final outputs, say) before a writer
 * would blame the output file. */
static int check_model_finite(const trec_fit_config *cfg, const trec_model *m,
                              trec_fit_result *res, trec_error *err)
{
    trec_error e;
    if (trec_model_validate(m, "the model", &e) == 0)
        return 0;
    if (!strstr(e.msg, "not finite"))
        return trec_fail(err, "internal error: the fitted model is invalid: %s", e.msg);
    char what[sizeof e.msg + 64];
    snprintf(what, sizeof what, "its values became infinite or NaN (%s)", e.msg);
    return trec_fit_diverged(cfg, res, res->epochs_run, what, err);
}

int trec_fit(const trec_fit_config *cfg, const trec_csr *x0, const trec_csr *user_extra,
             const trec_csr *item_extra, const trec_model *init, trec_model *out,
             trec_fit_result *res, trec_error *err)
{
    memset(res, 0, sizeof *res);
    memset(out, 0, sizeof *out);
    const trec_algorithm *a = trec_fit_algorithm_of(cfg, err);
    if (!a || trec_fit_check(cfg, err) || trec_fit_check_shape(x0, err))
        return -1;
    trec_csr x;
    if (trec_fit_prepare(cfg, a->data, x0, &x, err) != 0)
        return -1;
    trec_fit_data d = {.x = &x, .user_extra = user_extra, .item_extra = item_extra};
    res->interactions = x.nnz;
    int rc = cfg->validation ? trec_validation_begin(cfg->validation, cfg, x0, err) : 0;
    if (rc == 0)
        rc = a->fit(cfg, &d, init, out, res, err);
    if (rc == 0 && (rc = check_model_finite(cfg, out, res, err)) != 0)
        trec_model_free(out);
    res->model_epochs = res->epochs_run;
    if (rc == 0 && cfg->validation &&
        (rc = trec_validation_finish(cfg->validation, out, res, err)) != 0)
        trec_model_free(out);
    trec_csr_free(&x);
    return rc;
}

/* ---- provenance and META ---- */

void trec_fit_input_set(trec_fit_input *in, const char *name, const trec_container *file)
{
    in->name = name;
    in->size = 0;
    in->header_crc = 0;
    if (file && file->len >= TREC_HEADER_SIZE) {
        in->size = file->len;
        in->header_crc = file->header_crc;
    }
}

uint64_t trec_fit_model_epochs(const trec_model *m)
{
    uint64_t n = 0;
    cJSON *root = m->meta_json ? cJSON_Parse(m->meta_json) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "epochs_total");
    if (cJSON_IsNumber(e) && e->valuedouble >= 0 && e->valuedouble <= 9007199254740991.0)
        n = (uint64_t)e->valuedouble;
    cJSON_Delete(root);
    return n;
}

static cJSON *input_json(const trec_fit_input *in)
{
    if (!in->name)
        return cJSON_CreateNull();
    char crc[9];
    snprintf(crc, sizeof crc, "%08x", (unsigned)in->header_crc);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", in->name);
    cJSON_AddNumberToObject(o, "size", (double)in->size);
    cJSON_AddStringToObject(o, "header_crc32", crc);
    return o;
}

static void add_number_or_null(cJSON *o, const char *key, int present, double v)
{
    if (present)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

char *trec_fit_meta_json(const trec_fit_config *cfg, const trec_fit_result *res,
                         const trec_model *m, const trec_fit_inputs *in, trec_error *err)
{
    const char *name = trec_fit_algorithm_name(cfg);
    const trec_algorithm *a = name ? trec_algorithm_find(name) : NULL;
    if (!a) {
        trec_fail(err, "unknown algorithm");
        return NULL;
    }
    /* the model's own epochs: fewer than asked when validation chose an
     * earlier one or stopped the fit */
    trec_fit_config mc = *cfg;
    if (a->options & TREC_OPT(TREC_OPT_EPOCHS))
        mc.epochs = res->model_epochs;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "creator", "trec-fit");
    cJSON_AddStringToObject(o, "trec_version", TREC_VERSION);
    cJSON_AddStringToObject(o, "algorithm", a->name);
    if (cfg->preset) {
        cJSON_AddStringToObject(o, "preset", cfg->preset);
        if (cfg->preset_note)
            cJSON_AddStringToObject(o, "preset_note", cfg->preset_note);
    }
    cJSON_AddStringToObject(o, "model_kind", trec_model_kind_name(m->kind));
    a->meta(&mc, res, m, o);
    add_number_or_null(o, "min_rating", cfg->has_min_rating, cfg->min_rating);
    if (a->data == TREC_DATA_WEIGHTS) {
        cJSON_AddStringToObject(o, "values", cfg->values == TREC_VALUES_RAW ? "raw" : "binary");
        cJSON_AddNumberToObject(o, "other_weight", cfg->other_weight);
    }
    cJSON_AddNumberToObject(o, "seed", (double)cfg->seed);
    cJSON_AddNumberToObject(o, "users", (double)m->n_users);
    cJSON_AddNumberToObject(o, "items", (double)m->n_items);
    cJSON_AddNumberToObject(o, "interactions", (double)res->interactions);
    cJSON *inputs = cJSON_CreateObject();
    cJSON_AddItemToObject(inputs, "interactions", input_json(&in->interactions));
    cJSON_AddItemToObject(inputs, "user_features", input_json(&in->user_features));
    cJSON_AddItemToObject(inputs, "item_features", input_json(&in->item_features));
    cJSON_AddItemToObject(inputs, "init", input_json(&in->init));
    cJSON_AddItemToObject(o, "inputs", inputs);
    add_number_or_null(o, "final_loss", mc.epochs > 0, res->loss);
    add_number_or_null(o, "final_penalty", mc.epochs > 0, res->penalty);
    if (cfg->validation) {
        cJSON_AddNumberToObject(o, "epochs_requested", (double)cfg->epochs);
        cJSON_AddItemToObject(o, "validation", trec_validation_meta(cfg->validation));
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s) {
        trec_fail(err, "out of memory while writing the model's META");
        return NULL;
    }
    /* hand back malloc'd memory so that the caller can free() it */
    char *copy = trec_malloc(strlen(s) + 1, err);
    if (copy)
        strcpy(copy, s);
    cJSON_free(s);
    return copy;
}
