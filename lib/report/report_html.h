/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* report_html.h - a short, self-contained HTML page on an evaluation
 * history (eval_history.h): the plot inlined (SVG markup, or a PNG as a
 * data: URI), the last run's table (the model's metrics on test, the
 * baselines', the model's on train) and the change of each metric since the
 * previous run. No script, no external file: the page can be mailed. */
#ifndef TREC_REPORT_HTML_H
#define TREC_REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "eval_history.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_report_page {
    const char *title;           /* NULL: "trec evaluation history" */
    const char *source;          /* the history's name, shown on the page */
    const char *const *metrics;  /* the table's rows; NULL: every model metric */
    int n_metrics;
    const uint8_t *plot;         /* NULL: no plot */
    size_t plot_len;
    const char *plot_format;     /* "svg" (inlined) or "png" (data: URI) */
} trec_report_page;

/* Writes the page to f. */
int trec_report_html(FILE *f, const trec_eval_history *h, const trec_report_page *p,
                     trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
