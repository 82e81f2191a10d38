/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* eval_json.h - trec-eval --json reports as an evaluation history
 * (eval_history.h), for trec-report: each JSON object (a file may hold one
 * pretty-printed object, or several compact ones, one per line, as
 * `trec-eval --json >> log.jsonl` makes) is one run, at the time of its
 * file's last modification (runs of one file keep their order). Columns are
 * named as trec-eval --history names them: the model's test metrics
 * (recall@10), the baselines' (most-popular:recall@10), the model's on
 * train (train:recall@10); every run must have the same ones. */
#ifndef TREC_EVAL_JSON_H
#define TREC_EVAL_JSON_H

#include "error.h"
#include "eval_history.h"

#ifdef __cplusplus
extern "C" {
#endif

int trec_eval_history_from_json(const char *const *paths, int n, trec_eval_history *h,
                                trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
