/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fit_options.h - trec-fit's option table (fit_options.c): for every
 * fitting option (enum trec_fit_option, fit.h, then each algorithm's own
 * options, algorithm.h) its command-line name, the kind of its value and
 * the parser that sets it in a trec_fit_config and records it in `given`.
 * trec-fit's command line and trec-tune's search spaces go through it, so
 * the two tools take the same options with the same checks and messages. */
#ifndef TREC_FIT_OPTIONS_H
#define TREC_FIT_OPTIONS_H

#include <stdint.h>

#include "error.h"
#include "fit.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trec_fit_arg {
    TREC_ARG_NONE = 0, /* a flag (--no-biases) */
    TREC_ARG_INT,      /* an integer in [lo, hi] */
    TREC_ARG_REAL,     /* a number in [lo, hi] */
    TREC_ARG_WORD,     /* one of a few words (--loss warp) */
    TREC_ARG_SIZE,     /* bytes, or a number with K, M, G or T */
    TREC_ARG_FILE      /* a file the caller reads (features, --init) */
};

typedef struct trec_fit_option_info {
    const char *name;   /* "--lambda" */
    int arg;            /* enum trec_fit_arg */
    int log_scale;      /* a range of it is searched log-uniformly (trec-tune) */
    double lo, hi;      /* bounds of a number */
    /* A word's values, NULL-terminated; the value set is the word's index
     * (an algorithm's own option: in trec_fit_config.param). NULL for the
     * words fit_options.c parses itself (--loss, the representations). */
    const char *const *words;
} trec_fit_option_info;

/* The table's row for option o, NULL if there is none. */
const trec_fit_option_info *trec_fit_option_about(int o);
/* The option called name ("--lambda" or "lambda"), -1 if none. */
int trec_fit_option_find(const char *name);
/* Parses arg (NULL for flags) as option o's value and sets it in cfg,
 * recording o in cfg->given; a file option only records it (the caller
 * reads the file). --sampled-items takes "all" (TREC_SAMPLED_ALL). On a bad
 * value: -1 and "--components: '0' is not an integer in [1, 1048576]". */
int trec_fit_option_set(trec_fit_config *cfg, int o, const char *arg, trec_error *err);
/* --loss's value. */
int trec_fit_parse_loss(const char *s, int *loss, trec_error *err);
/* A size in bytes: digits with an optional K, M, G or T (powers of 1024). */
int trec_parse_size(const char *name, const char *s, uint64_t *out, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
