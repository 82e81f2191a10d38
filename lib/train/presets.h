/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* presets.h - named trec-fit configurations (trec-fit --preset NAME), among
 * them the default one, which `trec-fit TRAIN -o MODEL` fits:
 *
 *   default    ease when its solve fits --max-memory (8G by default), else
 *              als; each with its preset's options. Which one, and why, is
 *              said on stderr and recorded in META (preset_note).
 *   ease       EASE with the settings chosen on validation splits of
 *              ml-latest-small (README, "Defaults")
 *   als        implicit ALS, likewise
 *   sgd        LightFM's WARP, likewise
 *   tensorrec  TensorRec's own defaults (what --algorithm tensorrec gives:
 *              the walkthrough's settings start from them)
 * Positives: the tuned presets count ratings >= 4 as positives and weigh the
 * others; on data where no value reaches 4 (implicit feedback, all 1s) the
 * default drops --min-rating (every entry a positive) and says so. Options
 * given with a preset override its own. */
#ifndef TREC_PRESETS_H
#define TREC_PRESETS_H

#include <stddef.h>

#include "csr.h"
#include "error.h"
#include "fit.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_preset {
    const char *name;
    const char *algorithm;   /* NULL: chosen from the data (default) */
    const char *options;     /* trec-fit options */
    const char *about;
} trec_preset;

/* The preset called name, NULL if none. */
const trec_preset *trec_preset_find(const char *name);
const trec_preset *trec_preset_at(int i); /* NULL past the end */
/* "default, ease, als, sgd, tensorrec" */
const char *trec_preset_list(void);

/* cfg = the preset's algorithm's defaults plus the preset's options (in
 * cfg->given, so that options set afterwards override them); the default
 * preset leaves the algorithm "auto" until trec_preset_resolve. */
int trec_preset_apply(trec_fit_config *cfg, const char *name, trec_error *err);
/* Options the default preset takes before it has chosen its algorithm
 * (TREC_OPT bits): those that mean the same to ease and als. */
uint64_t trec_preset_default_options(void);
/* For the default preset ("auto"): chooses ease or als for interactions x,
 * applies that preset under the options given so far (cfg->given), writes
 * why into note (which must outlive cfg: cfg->preset_note points to it).
 * Other configurations are left alone. */
int trec_preset_resolve(trec_fit_config *cfg, const trec_csr *x, char *note, size_t size,
                        trec_error *err);
/* cfg = the configuration model m was fitted with, from its META
 * (preset_model.c): its algorithm's defaults plus every recorded setting
 * that is a trec-fit option (in cfg->given, so that options set afterwards
 * override them; not the feature files, --threads, --max-memory); the same
 * as options ("--algorithm sgd --loss warp ...") into opts. Returns 1 when
 * the algorithm continues from a model's weights (it takes --init), 0 when
 * it does not (closed form: ease refits with the settings), -1 on error
 * (META without a known algorithm, or a value trec-fit refuses). */
int trec_preset_from_model(trec_fit_config *cfg, const trec_model *m, char *opts, size_t size,
                           trec_error *err);
/* The default preset has not chosen its algorithm yet (it is "auto" until
 * trec_preset_resolve). */
int trec_preset_unresolved(const trec_fit_config *cfg);
/* The default preset chose its fallback (als: ease's matrix exceeds
 * --max-memory), which its note (cfg->preset_note) then warns of: trec-fit
 * says it even with -q. */
int trec_preset_fell_back(const trec_fit_config *cfg);
/* The positives' threshold of the tuned presets for x: 4, or none (0) when
 * no value of x reaches it. */
int trec_preset_min_rating(const trec_csr *x, double *min_rating);

#ifdef __cplusplus
}
#endif

#endif
