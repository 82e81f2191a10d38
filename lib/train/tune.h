/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* tune.h - searching trec-fit settings on a validation split (trec-tune(1)).
 *
 * A search space (tune_space.c) holds, per algorithm, dimensions: a fitting
 * option (fit_options.h) with a list of values ("--components 32,64,128") or
 * a range ("--alpha 1e-4..1e-1": log-uniform for the options the option
 * table marks log-scale, else uniform; integers rounded). Options not given
 * take the algorithm's default dimensions (trec_tune_default_dims: its row
 * of the algorithm table says them); a trial starts from the algorithm's
 * tuned preset (presets.h; without one, its defaults), then sets its
 * dimensions' values. The trials of an algorithm are its whole grid when
 * every dimension is a list and the grid has at most `trials` points, else
 * `trials` points drawn with the seed (values printed with 3 significant
 * digits: a trial is its option string, from which its configuration is
 * parsed again).
 *
 * The search (tune.c): per algorithm, successive halving over epochs
 * (Jamieson and Talwalkar 2016; Li et al.'s Hyperband bracket): rung r of R
 * fits each surviving trial for E / eta^(R-1-r) epochs (E: the trial's
 * epochs; at least 1), with validation during the fit (validate.h: the best
 * evaluation kept, --patience early stopping), and the best 1/eta of the
 * rung (ceil; ties: the lower trial number) go on to the next. Algorithms
 * without epochs to share out (ease) have one rung. Rungs run in order
 * (every algorithm's rung 0, then rung 1, ...), trials in trial order: the
 * sequence is a function of the space, data and seed alone. A time budget
 * only decides how far along it gets: no trial starts after it, and the
 * running fit is stopped at its next evaluation (that trial does not count).
 *
 * The log (TSV, rewritten atomically after every trial) records each
 * finished trial; resuming from it takes the trials it has (same trial,
 * rung and options) instead of fitting them again, so an interrupted search
 * resumed finds what an uninterrupted one finds. */
#ifndef TREC_TUNE_H
#define TREC_TUNE_H

#include <stddef.h>
#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "fit.h"
#include "validate.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TREC_TUNE_MAX_ALGOS 8 /* room for more algorithms than the table has */
#define TREC_TUNE_MAX_DIMS 16
#define TREC_TUNE_MAX_VALUES 32

/* One dimension: an option and its values or range. */
typedef struct trec_tune_dim {
    int option;                  /* enum trec_fit_option */
    int is_range;
    double lo, hi;               /* a range */
    int log_scale;               /* a range drawn log-uniformly */
    int nvalues;                 /* a list */
    char values[TREC_TUNE_MAX_VALUES][32];
    int used;                    /* a given one: some algorithm searched takes it */
} trec_tune_dim;

typedef struct trec_tune_space {
    int nalgos;
    const char *algos[TREC_TUNE_MAX_ALGOS];   /* "als", ... (static strings) */
    int ndims[TREC_TUNE_MAX_ALGOS];
    trec_tune_dim dims[TREC_TUNE_MAX_ALGOS][TREC_TUNE_MAX_DIMS];
    /* the dimensions given (before they are shared out to the algorithms) */
    int ngiven;
    trec_tune_dim given[TREC_TUNE_MAX_DIMS];
} trec_tune_space;

#define TREC_TUNE_OPTIONS_MAX 512

/* Algorithms: "als,ease" (names from fit.h; each once). */
int trec_tune_space_algorithms(trec_tune_space *s, const char *list, trec_error *err);
/* A dimension from the command line: option name ("--alpha" or "alpha") and
 * its spec ("1e-4..1e-1" or "32,64,128"); each value is checked by the
 * option's parser. Flags and file options cannot be searched. */
int trec_tune_space_add(trec_tune_space *s, const char *option, const char *spec,
                        trec_error *err);
/* Shares the given dimensions out to the algorithms that take them (one that
 * no algorithm searched takes is left out, with its `used` 0: the caller
 * warns) and adds each algorithm's default dimensions for the options not
 * given. */
int trec_tune_space_finish(trec_tune_space *s, trec_error *err);
/* An algorithm's default dimensions (n of them into dims). */
int trec_tune_default_dims(const char *algorithm, trec_tune_dim *dims, int max);
/* The algorithms searched when none are named: "ease,als,sgd" (the
 * algorithm table says which, in which order). */
const char *trec_tune_default_algorithms(void);

/* One trial at the highest rung it reached. */
typedef struct trec_tune_trial {
    uint64_t id;                 /* 1-based, in trial order */
    const char *algorithm;
    char options[TREC_TUNE_OPTIONS_MAX]; /* "--components 64 --lambda 0.0123" */
    int rung, rungs;             /* rung reached (0-based), of the algorithm's */
    uint64_t epochs;             /* epochs of that rung's fit */
    uint64_t best_epoch;         /* the kept model's epochs */
    double value;                /* its validation value */
    double seconds;              /* fitting time, all rungs */
    int done;                    /* fitted at rung `rung` */
    int failed;                  /* its fit failed (diverged, ...): not ranked */
} trec_tune_trial;

typedef struct trec_tune_config {
    trec_tune_space space;
    uint64_t trials;             /* per algorithm */
    uint64_t seed;               /* of the draws, and every fit's --seed */
    int eta;                     /* halving factor (3) */
    int rungs;                   /* rungs of the algorithms with epochs (3) */
    int threads;
    double budget;               /* seconds; 0: none */
    trec_validation_config vc;   /* metric, gain, patience (valid set by caller) */
    /* Optional, called after each trial (for progress lines). */
    void (*progress)(void *ctx, const trec_tune_trial *t, int resumed);
    void *progress_ctx;
} trec_tune_config;

typedef struct trec_tune_result {
    trec_tune_trial *trials;     /* every trial, in trial order */
    uint64_t ntrials;
    uint64_t best;               /* index of the best trial (see trec_tune_run) */
    int have_best;
    int out_of_budget;           /* the budget stopped the search */
    uint64_t fitted, resumed;    /* fits run, and taken from the log */
    double popular;              /* the most-popular ranking's value */
    char metric[32];
} trec_tune_result;

void trec_tune_config_default(trec_tune_config *c);

/* The option strings of algorithm a's trials (tune_space.c): the grid, or n
 * draws with seed; *count of them into out (at most max). */
int trec_tune_space_trials(const trec_tune_space *s, int a, uint64_t n, uint64_t seed,
                           char (*out)[TREC_TUNE_OPTIONS_MAX], uint64_t max, uint64_t *count,
                           trec_error *err);

/* Runs the search of cfg on train (and cfg->vc.valid). log_path (NULL:
 * none) is the log rewritten after every trial; resume (a log's text, NULL:
 * none) supplies finished trials. The best trial: the highest value among
 * those that finished their algorithm's last rung (ties: lower trial
 * number), else among all finished trials. */
int trec_tune_run(const trec_tune_config *cfg, const trec_csr *train, const char *log_path,
                  const char *resume, const char *resume_name, trec_tune_result *res,
                  trec_error *err);
void trec_tune_result_free(trec_tune_result *res);

/* The configuration of a trial (for refitting the best one): its algorithm's
 * preset for train, then its options, with its rung's epochs, the seed and
 * threads of cfg. */
int trec_tune_trial_config(const trec_tune_config *cfg, const trec_csr *train,
                           const trec_tune_trial *t, trec_fit_config *out, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
