/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* validate.h - evaluation on a validation split during a fit (trec-fit
 * --valid, trec-tune): the curve, the best evaluation's model, early
 * stopping.
 *
 * Set trec_fit_config.validation to a trec_validation and trec_fit does the
 * rest: after epochs every, 2 every, ... and after the last one, the
 * algorithm brings the model it is building up to date (fit.h, the
 * validation seam) and it is evaluated on the validation split in the
 * standard convention: each user's items in the training matrix left out of
 * its ranking, positives the validation entries >= the fit's --min-rating
 * (every entry without it), the metric's NDCG gain binary unless told. The
 * model of the best evaluation (the first one on ties) is kept; after
 * `patience` evaluations in a row without improvement the fit stops; and
 * trec_fit returns the kept model, exactly what a fit of that many epochs
 * would return (its META says how many epochs it has and that it was
 * chosen on validation). The most-popular ranking's value on the same split
 * is computed once, for comparison.
 *
 * A validation object serves one fit at a time and may be reused for the
 * next (trec-tune): each trec_fit starts its curve afresh. */
#ifndef TREC_VALIDATE_H
#define TREC_VALIDATE_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "fit.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_validation_config {
    const trec_csr *valid;    /* validation interactions: the training
                               * matrix's users and items (shape, labels) */
    const char *name;         /* its name, for messages and META */
    const trec_container *file; /* the file as read, when valid is a copy
                               * matched to the training ids (META records
                               * its header CRC); NULL: valid's own */
    int metric;               /* the metric maximised (metrics.h: TREC_NDCG...) */
    uint32_t k;               /* its cut-off (AUC: none) */
    int gain;                 /* enum trec_gain (default binary) */
    uint64_t every;           /* evaluate every N epochs, and after the last */
    uint64_t patience;        /* stop after N evaluations without improvement
                               * (0: never stop early) */
    /* Optional: asked after each evaluation; 1 stops the fit there (the
     * evaluation is kept; trec-tune's time budget). */
    int (*interrupt)(void *ctx);
    void *interrupt_ctx;
} trec_validation_config;

/* ndcg@10, binary gain, every epoch, no early stopping. */
void trec_validation_config_default(trec_validation_config *c);

int trec_validation_new(trec_validation **v, const trec_validation_config *c,
                        trec_error *err);
void trec_validation_free(trec_validation *v);

/* One point of the curve: an evaluated epoch. */
typedef struct trec_validation_point {
    uint64_t epoch;
    double loss, penalty;     /* the epoch's training loss and penalty */
    double value;             /* the metric on the validation split */
    double seconds;           /* since the fit started */
} trec_validation_point;

/* What the last fit did. */
typedef struct trec_validation_summary {
    const char *metric;       /* "ndcg@10" */
    uint64_t evaluations, epochs_run, best_epoch;
    double best;              /* the kept model's value */
    double popular;           /* the most-popular ranking's value */
    uint64_t valid_users;     /* users with a validation positive */
    int stopped_early;        /* patience ran out */
    int interrupted;          /* config.interrupt stopped it */
} trec_validation_summary;

/* The last fit's curve (n points) and summary. */
const trec_validation_point *trec_validation_curve(const trec_validation *v, uint64_t *n);
void trec_validation_summarize(const trec_validation *v, trec_validation_summary *s);

/* ---- called by trec_fit (fit.c) ---- */

/* Before the fit: the validation positives (per cfg's --min-rating), checks
 * against the training matrix train (shape, labels, no shared positive
 * pairs), the most-popular value; the curve emptied. */
int trec_validation_begin(trec_validation *v, const trec_fit_config *cfg,
                          const trec_csr *train, trec_error *err);
/* After epoch p->epoch: when it is due, current(state, out, err) brings out
 * up to date and out is evaluated (a copy kept if it is the best so far and
 * more epochs are to come); fills p's validation fields. Returns 1 when the
 * fit must stop now, 0 to go on, -1 on error. */
int trec_validation_epoch(trec_validation *v, trec_fit_progress *p, trec_model *out,
                          int (*current)(void *state, trec_model *out, trec_error *err),
                          void *state, trec_error *err);
/* After the fit: out becomes the best evaluation's model (res->model_epochs
 * its epochs, res->loss and res->penalty its epoch's). */
int trec_validation_finish(trec_validation *v, trec_model *out, trec_fit_result *res,
                           trec_error *err);
/* The META member "validation" (a cJSON object) of the last fit. */
struct cJSON;
struct cJSON *trec_validation_meta(const trec_validation *v);

#ifdef __cplusplus
}
#endif

#endif
