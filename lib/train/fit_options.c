/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fit_options.c - trec-fit's option table: every fitting option's name, the
 * kind of its value, and the parser that sets it in a trec_fit_config
 * (fit_options.h). trec-fit and trec-tune both read options through it. */
#include "fit_options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "model.h"

#define BIG (1LL << 40)

static const char *const predicts[] = {"dot", "cosine", "euclidean", NULL};
static const char *const values[] = {"binary", "raw", NULL};

/* name, value kind, log-scale ranges (trec-tune), bounds of numbers, words */
static const trec_fit_option_info table[TREC_OPT_OWN] = {
    [TREC_OPT_USER_FEATURES] = {"--user-features", TREC_ARG_FILE, 0, 0, 0, NULL},
    [TREC_OPT_ITEM_FEATURES] = {"--item-features", TREC_ARG_FILE, 0, 0, 0, NULL},
    [TREC_OPT_NO_USER_IDENTITY] = {"--no-user-identity", TREC_ARG_NONE, 0, 0, 0, NULL},
    [TREC_OPT_NO_ITEM_IDENTITY] = {"--no-item-identity", TREC_ARG_NONE, 0, 0, 0, NULL},
    [TREC_OPT_COMPONENTS] = {"--components", TREC_ARG_INT, 1, 1, 1 << 20, NULL},
    [TREC_OPT_USER_REPR] = {"--user-repr", TREC_ARG_WORD, 0, 0, 0, NULL},
    [TREC_OPT_ITEM_REPR] = {"--item-repr", TREC_ARG_WORD, 0, 0, 0, NULL},
    [TREC_OPT_HIDDEN] = {"--hidden", TREC_ARG_INT, 1, 1, 1 << 20, NULL},
    [TREC_OPT_PREDICT] = {"--predict", TREC_ARG_WORD, 0, 0, 0, predicts},
    [TREC_OPT_NO_BIASES] = {"--no-biases", TREC_ARG_NONE, 0, 0, 0, NULL},
    [TREC_OPT_LOSS] = {"--loss", TREC_ARG_WORD, 0, 0, 0, NULL},
    [TREC_OPT_SAMPLED_ITEMS] = {"--sampled-items", TREC_ARG_INT, 1, 1, BIG, NULL},
    [TREC_OPT_SAMPLE_UNOBSERVED] = {"--sample-unobserved", TREC_ARG_NONE, 0, 0, 0, NULL},
    [TREC_OPT_MIN_RATING] = {"--min-rating", TREC_ARG_REAL, 0, -1e30, 1e30, NULL},
    [TREC_OPT_OTHER_WEIGHT] = {"--other-weight", TREC_ARG_REAL, 0, 0, 1e30, NULL},
    [TREC_OPT_VALUES] = {"--values", TREC_ARG_WORD, 0, 0, 0, values},
    [TREC_OPT_EPOCHS] = {"--epochs", TREC_ARG_INT, 0, 0, BIG, NULL},
    [TREC_OPT_LEARNING_RATE] = {"--learning-rate", TREC_ARG_REAL, 1, 1e-30, 1e30, NULL},
    [TREC_OPT_ALPHA] = {"--alpha", TREC_ARG_REAL, 1, 0, 1e30, NULL},
    [TREC_OPT_BATCH_USERS] = {"--batch-users", TREC_ARG_INT, 1, 1, BIG, NULL},
    [TREC_OPT_SEED] = {"--seed", TREC_ARG_INT, 0, 0, (double)TREC_FIT_MAX_SEED, NULL},
    [TREC_OPT_THREADS] = {"--threads", TREC_ARG_INT, 0, 1, 64, NULL},
    [TREC_OPT_INIT] = {"--init", TREC_ARG_FILE, 0, 0, 0, NULL},
    [TREC_OPT_LAMBDA] = {"--lambda", TREC_ARG_REAL, 1, 0, 1e30, NULL},
    [TREC_OPT_MAX_MEMORY] = {"--max-memory", TREC_ARG_SIZE, 0, 0, 0, NULL},
};

const trec_fit_option_info *trec_fit_option_about(int o)
{
    if (o >= 0 && o < TREC_OPT_OWN)
        return &table[o];
    int slot;
    const trec_algorithm *a = trec_algorithm_own_option(o, &slot);
    return a ? &a->own[slot] : NULL;
}

const char *trec_fit_option_name(int o)
{
    const trec_fit_option_info *in = trec_fit_option_about(o);
    return in && in->name ? in->name : "?";
}

int trec_fit_option_find(const char *name)
{
    const char *bare = strncmp(name, "--", 2) == 0 ? name + 2 : name;
    const trec_fit_option_info *in;
    for (int o = 0; o < TREC_OPT_LIMIT && (in = trec_fit_option_about(o)); o++)
        if (strcmp(in->name + 2, bare) == 0)
            return o;
    return -1;
}

/* ---- values ---- */

static int parse_real(const char *name, const char *s, double lo, double hi, double *out,
                      trec_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return trec_fail(err, "%s: '%s' is not a number in [%g, %g]", name, s, lo, hi);
    *out = v;
    return 0;
}

static int parse_int(const char *name, const char *s, long long lo, long long hi,
                     long long *out, trec_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return trec_fail(err, "%s: '%s' is not an integer in [%lld, %lld]", name, s, lo, hi);
    *out = v;
    return 0;
}

int trec_parse_size(const char *name, const char *s, uint64_t *out, trec_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    case 'T': case 't': shift = 40; end++; break;
    }
    if (errno || end == s || *end || s[0] == '-' || v > (UINT64_MAX >> shift))
        return trec_fail(err, "%s: '%s' is not a size (bytes, or a number with K, M, G or "
                         "T)", name, s);
    *out = (uint64_t)v << shift;
    return 0;
}

/* One of the words of option `in` (its NULL-terminated list), by index:
 * "--solver: unknown value (cg, cholesky): lu" otherwise. */
static int parse_word(const trec_fit_option_info *in, const char *s, int *out, trec_error *err)
{
    char list[256] = "";
    for (int i = 0; in->words[i]; i++) {
        if (strcmp(s, in->words[i]) == 0) {
            *out = i;
            return 0;
        }
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", in->words[i]);
    }
    return trec_fail(err, "%s: unknown value (%s): %s", in->name, list, s);
}

static int parse_repr(const char *name, const char *s, uint32_t *out, trec_error *err)
{
    int r = trec_repr_from_name(s);
    if (r < 0)
        return trec_fail(err, "%s: unknown representation (linear, normalized-linear, "
                         "pass-through, weighted-pass-through, relu): %s", name, s);
    *out = (uint32_t)r;
    return 0;
}

int trec_fit_parse_loss(const char *s, int *loss, trec_error *err)
{
    *loss = trec_loss_from_name(s);
    if (*loss < 0)
        return trec_fail(err, "--loss: unknown loss (rmse, rmse-dense, wmrb, balanced-wmrb, "
                         "separation, separation-dense, bpr, warp, warp-kos, logistic): %s",
                         s);
    return 0;
}

/* An algorithm's own option (algorithm.h): its value in cfg->param. 0 if
 * o is one of fit.h's. */
static int set_own(trec_fit_config *cfg, int o, double v)
{
    int slot;
    if (o < TREC_OPT_OWN || !trec_algorithm_own_option(o, &slot) || slot >= TREC_FIT_PARAMS)
        return 0;
    cfg->param[slot] = v;
    return 1;
}

static int set_word(trec_fit_config *cfg, int o, const char *arg, trec_error *err)
{
    const trec_fit_option_info *in = trec_fit_option_about(o);
    int w = 0;
    switch (o) {
    case TREC_OPT_USER_REPR: return parse_repr(in->name, arg, &cfg->user_repr, err);
    case TREC_OPT_ITEM_REPR: return parse_repr(in->name, arg, &cfg->item_repr, err);
    case TREC_OPT_LOSS: return trec_fit_parse_loss(arg, &cfg->loss, err);
    }
    if (!in->words)
        return trec_fail(err, "internal error: option %s has no words", in->name);
    if (parse_word(in, arg, &w, err) != 0)
        return -1;
    if (set_own(cfg, o, w))
        return 0;
    switch (o) {
    case TREC_OPT_PREDICT: cfg->predict = (uint32_t)w; break;
    case TREC_OPT_VALUES: cfg->values = w; break;
    }
    return 0;
}

static void set_flag(trec_fit_config *cfg, int o)
{
    if (set_own(cfg, o, 1))
        return;
    switch (o) {
    case TREC_OPT_NO_USER_IDENTITY: cfg->user_identity = 0; break;
    case TREC_OPT_NO_ITEM_IDENTITY: cfg->item_identity = 0; break;
    case TREC_OPT_NO_BIASES: cfg->biases = 0; break;
    case TREC_OPT_SAMPLE_UNOBSERVED: cfg->sample_unobserved = 1; break;
    }
}

static int set_int(trec_fit_config *cfg, int o, const char *arg, trec_error *err)
{
    const trec_fit_option_info *in = trec_fit_option_about(o);
    long long v = 0;
    if (o == TREC_OPT_SAMPLED_ITEMS && strcmp(arg, "all") == 0) {
        cfg->sampled_items = TREC_SAMPLED_ALL;
        return 0;
    }
    if (parse_int(in->name, arg, (long long)in->lo, (long long)in->hi, &v, err) != 0)
        return -1;
    if (set_own(cfg, o, (double)v))
        return 0;
    switch (o) {
    case TREC_OPT_COMPONENTS: cfg->components = (uint64_t)v; break;
    case TREC_OPT_HIDDEN: cfg->hidden = (uint64_t)v; break;
    case TREC_OPT_SAMPLED_ITEMS: cfg->sampled_items = (uint64_t)v; break;
    case TREC_OPT_EPOCHS: cfg->epochs = (uint64_t)v; break;
    case TREC_OPT_BATCH_USERS: cfg->batch_users = (uint64_t)v; break;
    case TREC_OPT_SEED: cfg->seed = (uint64_t)v; break;
    case TREC_OPT_THREADS: cfg->threads = (int)v; break;
    }
    return 0;
}

static int set_real(trec_fit_config *cfg, int o, const char *arg, trec_error *err)
{
    const trec_fit_option_info *in = trec_fit_option_about(o);
    double v = 0;
    if (parse_real(in->name, arg, in->lo, in->hi, &v, err) != 0)
        return -1;
    if (set_own(cfg, o, v))
        return 0;
    switch (o) {
    case TREC_OPT_MIN_RATING: cfg->has_min_rating = 1; cfg->min_rating = v; break;
    case TREC_OPT_OTHER_WEIGHT: cfg->other_weight = v; break;
    case TREC_OPT_LEARNING_RATE: cfg->learning_rate = v; break;
    case TREC_OPT_ALPHA: cfg->alpha = v; break;
    case TREC_OPT_LAMBDA: cfg->lambda = v; break;
    }
    return 0;
}

int trec_fit_option_set(trec_fit_config *cfg, int o, const char *arg, trec_error *err)
{
    const trec_fit_option_info *in = trec_fit_option_about(o);
    if (!in)
        return trec_fail(err, "internal error: unknown option %d", o);
    if (in->arg != TREC_ARG_NONE && !arg)
        return trec_fail(err, "%s needs a value", in->name);
    int rc = 0;
    switch (in->arg) {
    case TREC_ARG_NONE: set_flag(cfg, o); break;
    case TREC_ARG_FILE: break; /* the caller reads the file */
    case TREC_ARG_INT: rc = set_int(cfg, o, arg, err); break;
    case TREC_ARG_REAL: rc = set_real(cfg, o, arg, err); break;
    case TREC_ARG_WORD: rc = set_word(cfg, o, arg, err); break;
    case TREC_ARG_SIZE: rc = trec_parse_size(in->name, arg, &cfg->max_memory, err); break;
    }
    if (rc == 0)
        cfg->given |= TREC_OPT(o);
    return rc;
}
