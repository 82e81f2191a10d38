/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* eval_history.h - the evaluation history file: one TSV row per evaluation
 * run, appended by trec-eval --history and read by trec-report.
 *
 * The first line is the header, written once, when the file is created:
 *     time  model  test  train  settings  status  METRIC...
 * time is the run's UTC time as 2026-01-31T02:00:00Z; model, test and train
 * are the file names as given ("-" for no train split); settings are what
 * makes runs comparable, as words (trec-eval: "all-items min-rating=4
 * gain=exp"); status is "ok" or "failed" (a quality gate failed, see
 * gate.h); the metric columns hold
 * numbers printed with 6 decimals (an empty field or "-" reads as missing).
 * Appends hold an exclusive fcntl lock on the whole file, so concurrent runs
 * never interleave their rows; a run whose metric columns differ from the
 * header's, or whose settings differ from the last row's, is refused (write
 * it to another file: its figures would not be comparable). Appending is the one write
 * that does not go through a temporary file: the file only grows, and a row
 * is written with a single write(2) under the lock. */
#ifndef TREC_EVAL_HISTORY_H
#define TREC_EVAL_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TREC_EVAL_HISTORY_FIXED 6   /* time, model, test, train, settings, status */

/* One run to append. */
typedef struct trec_eval_record {
    int64_t time;                   /* seconds since the epoch (UTC) */
    const char *model, *test, *train;   /* train: NULL for none */
    const char *settings;           /* words, no tab */
    const char *status;             /* "ok" or "failed" */
    int n_metrics;
    const char *const *names;       /* column names, e.g. "recall@10" */
    const double *values;
} trec_eval_record;

/* Appends rec to the history file path (created with its header when
 * missing or empty), under an exclusive lock. */
int trec_eval_history_append(const char *path, const trec_eval_record *rec, trec_error *err);

/* A whole history file. */
typedef struct trec_eval_history {
    size_t n_rows, n_metrics;
    char **metric_names;            /* n_metrics */
    int64_t *times;                 /* n_rows */
    char **model, **test, **train, **settings, **status;   /* n_rows each */
    double *values;                 /* n_rows x n_metrics; NAN when missing */
    char *text_;                    /* storage of the strings */
    char **cells_;
} trec_eval_history;

/* Reads and checks a history file ("-": stdin); bad lines are reported as
 * FILE:LINE: field N (NAME): why. Rows keep the file order. */
int trec_eval_history_read(const char *path, trec_eval_history *h, trec_error *err);
/* The same from the file's text buf[0..len] (buf[len] must be a NUL), which
 * h takes over (freed by trec_eval_history_free, also on failure). */
int trec_eval_history_parse(char *buf, size_t len, const char *name, trec_eval_history *h,
                            trec_error *err);
void trec_eval_history_free(trec_eval_history *h);

/* Formats t as 2026-01-31T02:00:00Z into buf (at least 21 bytes). */
void trec_format_utc(int64_t t, char *buf, size_t size);
/* Parses that format; -1 when s is not one. */
int trec_parse_utc(const char *s, int64_t *t);

/* Index of the metric column name, or -1. */
long trec_eval_history_column(const trec_eval_history *h, const char *name);

#ifdef __cplusplus
}
#endif

#endif
