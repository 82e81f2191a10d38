/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* gate.h - quality gates on evaluation results, for nightly jobs: a metric
 * must reach a minimum ("recall@10=0.15"), or the model must beat a baseline
 * ranker ("most-popular", optionally ":ndcg@10").
 *
 * A gate names a metric at a cut-off K, which must be one of the evaluated
 * cut-offs, or AUC, which has no K ("auc=0.9": k = 0). trec_gate_check
 * compares the model's means (test split) with the gates and writes a
 * one-line reason for the gates that failed. */
#ifndef TREC_GATE_H
#define TREC_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trec_gate_kind {
    TREC_GATE_MIN = 0,       /* metric@K >= threshold */
    TREC_GATE_BASELINE = 1,  /* metric@K > the baseline's metric@K */
};

typedef struct trec_gate {
    int kind;                /* enum trec_gate_kind */
    int metric;              /* TREC_RECALL, ... */
    uint32_t k;
    int all_ks;              /* BASELINE without a metric: recall at every K */
    double threshold;        /* MIN */
    char baseline[32];       /* BASELINE: the ranker's name */
} trec_gate;

/* Parses "METRIC@K=VALUE" (e.g. "recall@10=0.15"; VALUE a finite number) or
 * "auc=VALUE". */
int trec_gate_parse_min(trec_gate *g, const char *spec, trec_error *err);
/* Parses "RANKER", "RANKER:METRIC@K" (e.g. "most-popular:ndcg@10") or
 * "RANKER:auc". Without a metric the gate compares recall at every evaluated
 * cut-off. */
int trec_gate_parse_baseline(trec_gate *g, const char *spec, trec_error *err);

/* Index of metric@k in a result's mean array (k_index * TREC_N_METRICS +
 * metric; AUC: the first K's, whatever k), or -1 when k is not among cfg's
 * cut-offs. */
int trec_gate_index(const trec_eval_config *cfg, int metric, uint32_t k);

/* One ranker's means (nk x TREC_N_METRICS), by name, for baseline gates. */
typedef struct trec_gate_ranker {
    const char *name;
    const double *mean;
} trec_gate_ranker;

/* Checks that every gate refers to an evaluated cut-off and a known ranker
 * (before the evaluation runs). */
int trec_gate_validate(const trec_gate *gates, int n, const trec_eval_config *cfg,
                       const char *const *rankers, int n_rankers, trec_error *err);

/* Compares the model's means with the gates. Returns the number of gates
 * that failed (0: all passed), with their reasons joined by "; " in reason
 * (truncated to size), or -1 with err set when a gate cannot be evaluated. */
int trec_gate_check(const trec_gate *gates, int n, const trec_eval_config *cfg,
                    const double *model_mean, const trec_gate_ranker *rankers, int n_rankers,
                    char *reason, size_t size, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
