/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* presets.c - named trec-fit configurations and the default's choice of
 * algorithm (presets.h). */
#include "presets.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "fit_options.h"

#define AUTO "auto"
#define FIRST_CHOICE "ease" /* the default's choice when it fits; else FALLBACK */
#define FALLBACK "als"
#define RATING_POSITIVE 4.0

static const trec_preset presets[] = {
    {"default", NULL, "",
     "ease when its solve fits --max-memory, else als (each as its preset)"},
    /* the best validation candidate whose lambda does not depend on the
     * rating scale (binary weights; README, "Defaults") */
    {"ease", "ease", "--lambda 70 --min-rating 4 --other-weight 0.4 --user-exponent 0.1",
     "EASE, settings chosen on validation splits of ml-latest-small"},
    {"als", "als",
     "--components 128 --lambda 0.01 --lambda-exponent 1 --confidence-scale 3 "
     "--min-rating 4 --other-weight 0.3",
     "implicit ALS, settings chosen on validation splits of ml-latest-small"},
    {"sgd", "sgd",
     "--loss warp --components 64 --alpha 2 --epochs 150 --max-sampled 50 --min-rating 4",
     "LightFM's WARP, settings chosen on validation splits of ml-latest-small"},
    {"tensorrec", "tensorrec", "", "TensorRec's defaults (the walkthrough's starting point)"},
};
#define N_PRESETS (int)(sizeof presets / sizeof presets[0])

const trec_preset *trec_preset_at(int i)
{
    return i >= 0 && i < N_PRESETS ? &presets[i] : NULL;
}

const trec_preset *trec_preset_find(const char *name)
{
    for (int i = 0; i < N_PRESETS; i++)
        if (strcmp(presets[i].name, name) == 0)
            return &presets[i];
    return NULL;
}

static char list[128];

static void make_list(void)
{
    for (int i = 0; i < N_PRESETS; i++) {
        if (i)
            strcat(list, ", ");
        strcat(list, presets[i].name);
    }
}

const char *trec_preset_list(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_list);
    return list;
}

uint64_t trec_preset_default_options(void)
{
    return TREC_OPT(TREC_OPT_MIN_RATING) | TREC_OPT(TREC_OPT_OTHER_WEIGHT) |
           TREC_OPT(TREC_OPT_VALUES) | TREC_OPT(TREC_OPT_THREADS) |
           TREC_OPT(TREC_OPT_MAX_MEMORY);
}

/* Sets the options of the string s ("--lambda 200 --min-rating 4"). */
static int apply_options(trec_fit_config *cfg, const char *s, trec_error *err)
{
    char buf[512], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int o = trec_fit_option_find(t);
        const trec_fit_option_info *in = trec_fit_option_about(o);
        char *arg = in && in->arg != TREC_ARG_NONE ? strtok_r(NULL, " ", &save) : NULL;
        if (!in || trec_fit_option_set(cfg, o, arg, err) != 0)
            return trec_fail(err, "internal error: bad preset option '%s'", t);
    }
    return 0;
}

int trec_preset_apply(trec_fit_config *cfg, const char *name, trec_error *err)
{
    const trec_preset *p = trec_preset_find(name);
    if (!p)
        return trec_fail(err, "unknown preset '%s' (%s)", name, trec_preset_list());
    if (!p->algorithm) {
        trec_fit_config_default(cfg);
        cfg->algorithm = AUTO;
        cfg->max_memory = UINT64_C(8) << 30; /* ease's */
    } else if (trec_fit_config_for(cfg, p->algorithm, err) != 0 ||
               apply_options(cfg, p->options, err) != 0) {
        return -1;
    }
    cfg->preset = p->name;
    return 0;
}

int trec_preset_unresolved(const trec_fit_config *cfg)
{
    return cfg->algorithm && strcmp(cfg->algorithm, AUTO) == 0;
}

int trec_preset_fell_back(const trec_fit_config *cfg)
{
    return cfg->preset_note && cfg->algorithm && strcmp(cfg->algorithm, FIRST_CHOICE) != 0;
}

int trec_preset_min_rating(const trec_csr *x, double *min_rating)
{
    *min_rating = 0;
    for (uint64_t e = 0; e < x->nnz; e++)
        if ((double)x->vals[e] >= RATING_POSITIVE) {
            *min_rating = RATING_POSITIVE;
            return 1;
        }
    return 0;
}

/* Carries the options given to the default preset over to its choice. */
static void carry(trec_fit_config *cfg, const trec_fit_config *user)
{
    uint64_t g = user->given;
    if (g & TREC_OPT(TREC_OPT_MIN_RATING)) {
        cfg->has_min_rating = user->has_min_rating;
        cfg->min_rating = user->min_rating;
    }
    if (g & TREC_OPT(TREC_OPT_OTHER_WEIGHT))
        cfg->other_weight = user->other_weight;
    if (g & TREC_OPT(TREC_OPT_VALUES))
        cfg->values = user->values;
    if (g & TREC_OPT(TREC_OPT_MAX_MEMORY))
        cfg->max_memory = user->max_memory;
    if (strcmp(cfg->algorithm, FIRST_CHOICE) != 0) /* it served the choice only */
        g &= ~TREC_OPT(TREC_OPT_MAX_MEMORY);
    cfg->given |= g;
    cfg->threads = user->threads;
    cfg->progress = user->progress;
    cfg->progress_ctx = user->progress_ctx;
    cfg->validation = user->validation;
}

static uint64_t active_items(const trec_csr *x)
{
    uint64_t n = 0;
    uint8_t *seen = trec_calloc(x->cols ? x->cols : 1, 1, NULL);
    if (!seen)
        return x->cols;
    for (uint64_t e = 0; e < x->nnz; e++)
        if (!seen[x->colidx[e]]++)
            n++;
    free(seen);
    return n;
}

int trec_preset_resolve(trec_fit_config *cfg, const trec_csr *x, char *note, size_t size,
                        trec_error *err)
{
    if (!trec_preset_unresolved(cfg))
        return 0;
    trec_fit_config user = *cfg;
    uint64_t active = active_items(x);
    double need = trec_ease_bytes(x->rows, active, cfg->threads), gib = 1073741824.0;
    int ease = need <= (double)cfg->max_memory;
    if (trec_preset_apply(cfg, ease ? FIRST_CHOICE : FALLBACK, err) != 0)
        return -1;
    carry(cfg, &user);
    int n = snprintf(note, size, "%s: ease's solve for %llu users x %llu items needs %.2f GiB, "
                     "%s --max-memory %.2f GiB%s", ease ? FIRST_CHOICE : FALLBACK,
                     (unsigned long long)x->rows, (unsigned long long)active, need / gib,
                     ease ? "within" : "more than", (double)cfg->max_memory / gib,
                     ease ? "" : " (give --preset ease or --max-memory to insist)");
    double r;
    if (!(user.given & TREC_OPT(TREC_OPT_MIN_RATING)) && !trec_preset_min_rating(x, &r)) {
        cfg->has_min_rating = 0;
        cfg->other_weight = 0;
        cfg->given &= ~(TREC_OPT(TREC_OPT_MIN_RATING) | TREC_OPT(TREC_OPT_OTHER_WEIGHT));
        if (n > 0 && (size_t)n < size)
            snprintf(note + n, size - (size_t)n, "; no value reaches %g: every entry is a "
                     "positive (no --min-rating)", RATING_POSITIVE);
    }
    cfg->preset = "default";
    cfg->preset_note = note;
    return 0;
}
