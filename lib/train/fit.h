/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fit.h - fitting a model (trec-fit(1)): one configuration, a table of
 * algorithms, the model's META provenance.
 *
 * Algorithms (lib/train/algorithms.c holds one row per algorithm; each is
 * one file):
 *   tensorrec  TensorRec's model family trained full-batch or on user
 *              mini-batches with Adam (tensorrec.c): every representation,
 *              prediction and the losses rmse ... separation-dense
 *   sgd        LightFM's ranking losses bpr, warp, warp-kos, logistic, one
 *              step per interaction with Adagrad or plain SGD (sgd.c)
 *   als        implicit alternating least squares (als.c)
 *   ease       the EASE item-item closed form (ease.c)
 * trec_fit_config_for() sets an algorithm's defaults; the caller then sets
 * the options it was given and records them in `given` (TREC_OPT_* bits;
 * fit_options.h parses them), so that an option the algorithm does not use
 * is refused rather than ignored. presets.h holds named configurations, the
 * default one among them.
 *
 * The options here (enum trec_fit_option, the fields of trec_fit_config)
 * are the data, model and run options, among them every option that
 * several algorithms take, and tensorrec's own. An option that belongs to
 * sgd, als or ease alone (--schedule, --solver, --dropout, ...) is declared
 * in that algorithm's row instead (algorithm.h): it is numbered from
 * TREC_OPT_OWN on, trec_fit_option_find gives its number by name, and its
 * value is in trec_fit_config.param; trec_fit_option_set sets it like any
 * other.
 *
 * The validation seam: every algorithm reports the end of each epoch
 * (iteration) to fit.c, which calls cfg->progress and, with
 * cfg->validation, asks the algorithm to bring the model it is building up
 * to date (its row's `current` hook: cheap, the outputs of the weights it
 * holds) and evaluates it (validate.h); the fit stops when the validation
 * says so, and trec_fit returns the best evaluated model, exactly as a fit
 * of that many epochs would have made it. */
#ifndef TREC_FIT_H
#define TREC_FIT_H

#include <stdint.h>

#include "container.h"
#include "csr.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trec_loss {
    /* tensorrec */
    TREC_LOSS_RMSE = 0,
    TREC_LOSS_RMSE_DENSE,
    TREC_LOSS_WMRB,
    TREC_LOSS_BALANCED_WMRB,
    TREC_LOSS_SEPARATION,
    TREC_LOSS_SEPARATION_DENSE,
    TREC_LOSS_TENSORREC_END,
    /* sgd */
    TREC_LOSS_BPR = TREC_LOSS_TENSORREC_END,
    TREC_LOSS_WARP,
    TREC_LOSS_WARP_KOS,
    TREC_LOSS_LOGISTIC,
    TREC_LOSS_COUNT
};

const char *trec_loss_name(int loss);      /* "rmse", "wmrb", ... */
int trec_loss_from_name(const char *name); /* -1 if unknown */
int trec_loss_is_sampled(int loss);        /* wmrb, balanced-wmrb */

/* Options an algorithm may take: bits of trec_fit_config.given. */
enum trec_fit_option {
    TREC_OPT_USER_FEATURES, TREC_OPT_ITEM_FEATURES, TREC_OPT_NO_USER_IDENTITY,
    TREC_OPT_NO_ITEM_IDENTITY, TREC_OPT_COMPONENTS, TREC_OPT_USER_REPR, TREC_OPT_ITEM_REPR,
    TREC_OPT_HIDDEN, TREC_OPT_PREDICT, TREC_OPT_NO_BIASES, TREC_OPT_LOSS,
    TREC_OPT_SAMPLED_ITEMS, TREC_OPT_SAMPLE_UNOBSERVED, TREC_OPT_MIN_RATING,
    TREC_OPT_OTHER_WEIGHT, TREC_OPT_VALUES, TREC_OPT_EPOCHS, TREC_OPT_LEARNING_RATE,
    TREC_OPT_ALPHA, TREC_OPT_BATCH_USERS, TREC_OPT_SEED, TREC_OPT_THREADS, TREC_OPT_INIT,
    TREC_OPT_LAMBDA, TREC_OPT_MAX_MEMORY,
    /* Options numbered from here on are one algorithm's own: its row of the
     * algorithm table lists them (their names, values and bounds), and
     * their values are in trec_fit_config.param. trec_fit_option_find gives
     * their numbers (sgd's --schedule, --max-sampled, --kos-k; als's
     * --lambda-exponent, --confidence, --confidence-scale, --solver,
     * --cg-steps; ease's --dropout, --user-exponent). */
    TREC_OPT_OWN
};
#define TREC_OPT_LIMIT 64 /* option numbers are below it (bits of `given`) */
#define TREC_OPT(o) (UINT64_C(1) << (o))
/* Slots of trec_fit_config.param: one algorithm's own options (and its
 * settings that no option sets) at most. */
#define TREC_FIT_PARAMS 8

/* The command-line spelling of option o ("--lambda"); the rest of the
 * option table is in fit_options.h. */
const char *trec_fit_option_name(int o);

/* What an entry's training weight is (als, ease, sgd). */
enum trec_values { TREC_VALUES_BINARY = 0, TREC_VALUES_RAW = 1 };

typedef struct trec_fit_progress {
    uint64_t epoch, epochs; /* epochs (iterations) done in this run, and to do */
    double loss;            /* the epoch's loss (mean over its batches) */
    double penalty;         /* alpha * L2 of the weights, at the last batch */
    /* With cfg->validation (validate.h), filled before progress is called: */
    const char *metric;     /* "ndcg@10", or NULL without validation */
    int evaluated;          /* this epoch was evaluated on the validation split */
    double value;           /* the last evaluation's value */
    double best;            /* the best so far, at epoch best_epoch */
    uint64_t best_epoch;
    int stop;               /* the fit stops after this epoch (no improvement in
                             * --patience evaluations, or interrupted) */
} trec_fit_progress;

/* Validation during a fit: lib/train/validate.h. */
typedef struct trec_validation trec_validation;

/* --sampled-items all */
#define TREC_SAMPLED_ALL UINT64_MAX

#define TREC_FIT_DEFAULT_SEED 1u
#define TREC_FIT_MAX_SEED 9007199254740991ull /* 2^53 - 1: exact in JSON */

typedef struct trec_fit_config {
    const char *algorithm;      /* NULL: from the loss (sgd's losses: sgd, else tensorrec) */
    uint64_t given;             /* TREC_OPT bits set by the user */
    uint64_t components;        /* k */
    uint32_t predict;           /* enum trec_predict, default dot */
    int loss;                   /* enum trec_loss */
    int biases;
    uint32_t user_repr, item_repr; /* enum trec_repr, default linear */
    int user_identity, item_identity; /* default 1 */
    uint64_t hidden;            /* relu hidden size; 0: 4 x components */
    double learning_rate;
    double alpha;               /* L2 penalty weight (tensorrec, sgd) */
    uint64_t epochs;            /* passes over the data (ALS: iterations) */
    uint64_t batch_users;       /* tensorrec: 0: all users in one batch */
    uint64_t sampled_items;     /* wmrb: 0: 1% of the items (at least 1); more
                                 * than the items (TREC_SAMPLED_ALL): all */
    int sample_unobserved;      /* wmrb samples skip the user's positives */
    int has_min_rating;         /* positives: values >= min_rating only */
    double min_rating;
    double other_weight;        /* als/ease/sgd: weight of the entries below
                                 * min_rating (0: left out) */
    int values;                 /* enum trec_values: an entry's weight */
    double lambda;              /* als, ease: L2 regularisation */
    uint64_t max_memory;        /* ease: bytes the item-item solve may use (8G);
                                 * tensorrec: bytes of one batch's sampled
                                 * scores, beyond which users are batched (1G) */
    /* The values of the algorithm's own options (TREC_OPT_OWN on), in the
     * order its row lists them (a word's: its index), then its settings
     * that no option sets; 0 unless its defaults say otherwise. Each
     * algorithm names its slots in its own files (als.h, sgd.h, ease.c). */
    double param[TREC_FIT_PARAMS];
    uint64_t seed;              /* default TREC_FIT_DEFAULT_SEED */
    int threads;                /* >= 1 */
    void (*progress)(void *ctx, const trec_fit_progress *p); /* per epoch */
    void *progress_ctx;
    /* Evaluate on a validation split during the fit, keep the best
     * evaluation's model and stop early (validate.h); NULL: none. */
    trec_validation *validation;
    /* The preset the configuration came from (presets.h), and why it chose
     * its algorithm; recorded in META. NULL: none. */
    const char *preset, *preset_note;
} trec_fit_config;

/* TensorRec's defaults (the tensorrec algorithm). */
void trec_fit_config_default(trec_fit_config *c);
/* The defaults of algorithm `name` (NULL: tensorrec); -1 if unknown. */
int trec_fit_config_for(trec_fit_config *c, const char *name, trec_error *err);
/* The algorithm a configuration runs: cfg->algorithm, or the one its loss
 * belongs to. NULL if unknown. */
const char *trec_fit_algorithm_name(const trec_fit_config *cfg);
/* Checks a configuration before any data is read: the algorithm exists,
 * takes every option in `given`, and its option values and combinations are
 * valid. trec_fit checks again. */
int trec_fit_check(const trec_fit_config *cfg, trec_error *err);
/* Algorithm names, for help texts: "tensorrec, sgd, als, ease". */
const char *trec_fit_algorithm_list(void);
/* The i-th algorithm of the table (0-based) and its one-line description
 * (*about, for help texts); NULL past the end. */
const char *trec_fit_algorithm_at(int i, const char **about);
/* Whether algorithm `name` takes option o (enum trec_fit_option): what a
 * caller asks instead of naming algorithms (an algorithm with a choice of
 * --loss has a loss and epochs to report, ...). 0 for unknown names. */
int trec_fit_algorithm_takes(const char *name, int o);

typedef struct trec_fit_result {
    double loss, penalty;       /* of the last epoch */
    uint64_t epochs_before;     /* from the --init model's META (0 if none) */
    uint64_t sampled_items;     /* used (0 if the loss samples none) */
    uint64_t batches;           /* steps per epoch */
    uint64_t interactions;      /* entries trained on (after min_rating) */
    uint64_t diverged_epoch;    /* 1-based epoch of divergence, else 0 */
    uint64_t epochs_run;        /* epochs trained (fewer than cfg->epochs when
                                 * validation stopped the fit early) */
    uint64_t model_epochs;      /* epochs of the model returned: the best
                                 * evaluation's with validation, else
                                 * epochs_run */
    /* An --init model on other users or items (matched by raw id; grown 1):
     * users and items new to it (freshly initialised) and its own that the
     * data no longer has (their weights left out). */
    int init_grown;
    uint64_t init_new_users, init_new_items, init_gone_users, init_gone_items;
} trec_fit_result;

/* Fits a model on interactions x (users x items) with optional metadata
 * feature matrices (rows aligned to x's rows / columns: check them first with
 * trec_features_check) and, when init is not NULL, starting from its weights
 * (for the algorithms that can; its representations, prediction and
 * feature labels must match; its users and items are matched to x's by raw
 * id: the known ones keep their weights, new ones are initialised as in a
 * fresh fit, and the optimiser state then starts afresh). On success *out holds the model (labels
 * shared with x and the feature matrices, which must outlive out);
 * out->meta_json is left NULL. A loss, weight or optimiser moment that
 * becomes NaN or infinite fails with "the fit diverged at epoch N: ...; try
 * OPTIONS" (res->diverged_epoch = N); so does a finished model holding one. */
int trec_fit(const trec_fit_config *cfg, const trec_csr *x, const trec_csr *user_extra,
             const trec_csr *item_extra, const trec_model *init, trec_model *out,
             trec_fit_result *res, trec_error *err);

/* Provenance of one input file: name, size and the CRC-32 stored in its
 * header (which covers the section table and so every section's CRC). */
typedef struct trec_fit_input {
    const char *name;  /* NULL: not given */
    uint64_t size;
    uint32_t header_crc;
} trec_fit_input;

typedef struct trec_fit_inputs {
    trec_fit_input interactions, user_features, item_features, init;
} trec_fit_inputs;

/* Fills in from a container read from file `name` (NULL file: size 0). */
void trec_fit_input_set(trec_fit_input *in, const char *name, const trec_container *file);

/* The META JSON object (fixed key order, no dates): hyper-parameters, the
 * resolved sizes, provenance and the final loss. Caller frees. */
char *trec_fit_meta_json(const trec_fit_config *cfg, const trec_fit_result *res,
                         const trec_model *m, const trec_fit_inputs *in, trec_error *err);

/* Epochs recorded in a model's META ("epochs_total"), 0 if absent. */
uint64_t trec_fit_model_epochs(const trec_model *m);

#ifdef __cplusplus
}
#endif

#endif
