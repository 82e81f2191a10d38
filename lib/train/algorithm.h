/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* algorithm.h - what a fitting algorithm implements (internal to
 * lib/train). A new algorithm is one file defining a trec_algorithm and one
 * row (with its extern line) in algorithms.c's table. */
#ifndef TREC_ALGORITHM_H
#define TREC_ALGORITHM_H

#include <cjson/cJSON.h>

#include "fit.h"
#include "fit_options.h"

/* What an algorithm trains on, prepared by fit.c from the interactions:
 * TREC_DATA_VALUES  the stored values, entries below min_rating dropped
 *                   (tensorrec: rmse regresses on them, wmrb ranks value > 0)
 * TREC_DATA_WEIGHTS a positive weight per kept entry: 1 (--values binary) or
 *                   the value (raw) for entries >= min_rating, other_weight
 *                   for the others (left out when 0) */
enum trec_data { TREC_DATA_VALUES, TREC_DATA_WEIGHTS };

typedef struct trec_fit_data {
    const trec_csr *x;              /* prepared interactions (labels shared) */
    const trec_csr *user_extra;     /* metadata features, or NULL */
    const trec_csr *item_extra;
} trec_fit_data;

/* Fold-in (lib/serve, score_factors.c): a user's factors solved from a
 * history by implicit ALS's least squares against a model's item factors,
 * with confidence c = 1 + scale w (log_conf: 1 + scale log(1 + w / eps)) and
 * regularisation lambda (items + sum over the history of c - 1)^exponent. */
typedef struct trec_foldin_settings {
    int log_conf;
    double scale, eps, lambda, exponent;
} trec_foldin_settings;

/* One of trec-tune's default dimensions (tune.h): an option and its values
 * or range, "--lambda", "50..1000". */
typedef struct trec_tune_default {
    const char *option, *spec;
} trec_tune_default;

typedef struct trec_algorithm {
    const char *name;
    const char *about;              /* its line in trec-fit --help (36 columns at most) */
    const char *hint;               /* added to "option does not apply" errors, or NULL */
    uint64_t options;               /* TREC_OPT bits it takes (of fit.h's enum) */
    /* Its own options, n_own of them: numbered TREC_OPT_OWN on across the
     * table's rows in order (trec_fit_option_about), their values in
     * cfg->param[i], i their index here; numbers (TREC_ARG_INT, _REAL),
     * flags (1) or words (TREC_ARG_WORD with `words`: the word's index).
     * Their names are unique among all options. Slots from n_own on hold
     * its settings that no option sets (its defaults set them). */
    const trec_fit_option_info *own;
    int n_own;
    int data;                       /* enum trec_data */
    /* Its defaults over trec_fit_config_default's. */
    void (*defaults)(trec_fit_config *cfg);
    /* Option values and combinations (the data are checked by fit). */
    int (*check)(const trec_fit_config *cfg, trec_error *err);
    int (*fit)(const trec_fit_config *cfg, const trec_fit_data *d, const trec_model *init,
               trec_model *out, trec_fit_result *res, trec_error *err);
    /* Its hyper-parameters in META (after the common keys). */
    void (*meta)(const trec_fit_config *cfg, const trec_fit_result *res, const trec_model *m,
                 cJSON *o);
    /* The validation seam: brings `out`, the model the fit is building, to
     * what a fit of the epochs done so far would return (its outputs and
     * optimiser state from the weights), cheaply; `state` is what fit passed
     * to trec_fit_epoch_end. NULL: out is always up to date. */
    int (*current)(void *state, trec_model *out, trec_error *err);
    /* The fold-in settings its models' META records (it wrote them: the
     * `meta` hook), over the defaults; NULL: the defaults. */
    void (*foldin)(const cJSON *meta, trec_foldin_settings *s);
    /* trec-tune: the dimensions it searches when none are given (around
     * its tuned preset), ending {NULL}; NULL: none. */
    const trec_tune_default *tune;
    /* Its place in trec-tune's default --algorithm list (1 first; cheap
     * ones first); 0: searched only when named. */
    int tune_rank;
} trec_algorithm;

/* Bytes ease's solve takes for this many users and active items (ease.c;
 * the default preset compares it with --max-memory). */
double trec_ease_bytes(uint64_t users, uint64_t active, int threads);

/* The fold-in settings of a model with META meta_json (NULL: none): c = 1 + w
 * and lambda 0.1, unless the algorithm META names records its own
 * (algorithms.c). */
void trec_foldin_settings_of(const char *meta_json, trec_foldin_settings *s);

/* The table (algorithms.c). */
const trec_algorithm *trec_algorithm_find(const char *name);
const trec_algorithm *trec_algorithm_at(int i); /* NULL past the end */
/* Every option a takes, its own among them (TREC_OPT bits). */
uint64_t trec_algorithm_options(const trec_algorithm *a);
/* The algorithm whose own option is number o (>= TREC_OPT_OWN), and the
 * option's index in its list (*slot); NULL if none. */
const trec_algorithm *trec_algorithm_own_option(int o, int *slot);
/* Whether a's own option `slot` (its index in a->own) was given in cfg. */
int trec_algorithm_own_given(const trec_algorithm *a, const trec_fit_config *cfg, int slot);

/* Steps of trec_fit, for drivers that fit from parts of the data
 * (lib/mpi): the algorithm a configuration runs (NULL and err if none);
 * the matrix shape check; the entries an algorithm trains on (`data`: its
 * enum trec_data), row by row, so a block of rows prepares as the same rows
 * of the whole matrix would. */
const trec_algorithm *trec_fit_algorithm_of(const trec_fit_config *cfg, trec_error *err);
int trec_fit_check_shape(const trec_csr *x, trec_error *err);
int trec_fit_prepare(const trec_fit_config *cfg, int data, const trec_csr *x, trec_csr *out,
                     trec_error *err);

/* Helpers the algorithms share (fit.c). */
/* The end of epoch p->epoch (1-based) of p->epochs, with the loss and
 * penalty in p: with cfg->validation, the model being built (out, brought up
 * to date by the algorithm's `current` hook with state) is evaluated when
 * due; then cfg->progress. Returns 1 when the fit must stop after this epoch
 * (early stopping), 0 to go on, -1 on error. */
int trec_fit_epoch_end(const trec_fit_config *cfg, trec_fit_progress *p, trec_model *out,
                       void *state, trec_error *err);
/* Fails a fit that went non-finite at epoch (1-based; 0 counts as 1):
 * "the fit diverged at epoch N: WHAT; no model is written; try OPTIONS",
 * naming the algorithm's options that prevent it (--learning-rate and
 * --alpha; als: --lambda, --confidence-scale; ease: --lambda) with their
 * values, and sets res->diverged_epoch. */
int trec_fit_diverged(const trec_fit_config *cfg, trec_fit_result *res, uint64_t epoch,
                      const char *what, trec_error *err);
/* Refuses, before any allocation, a fit whose arrays (at least `bytes`,
 * estimated from the options and the data's shape: shape holds the model's
 * sizes) exceed the memory the process can have (physical memory, or a
 * lower ulimit): "--components K: the fit would need at least X GiB (WHAT
 * for U users and I items), more than the Y GiB of memory here". Without
 * it an oversized --components failed only after the allocations and
 * initialisation that did fit. */
int trec_fit_check_memory(const trec_fit_config *cfg, const trec_model *shape, double bytes,
                          const char *what, trec_error *err);
/* "the user side has no features ..." for an empty side. */
uint64_t trec_fit_positive_count(const trec_csr *x);
/* Names user u (its label) for messages into buf. */
const char *trec_fit_user_name(const trec_csr *x, uint64_t u, char *buf, size_t size);

#endif
