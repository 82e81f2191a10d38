/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* plot.h - the evaluation history (eval_history.h) as a plot: one panel per
 * metric, its value over time for the model and for the baselines found in
 * the history (most-popular, random) and on the training matrix, with the
 * runs whose quality gate failed marked. Drawn by gnuplot (Debian package
 * gnuplot-nox), run as a child process with a script in a temporary file;
 * its output (SVG or PNG) is returned in memory. */
#ifndef TREC_PLOT_H
#define TREC_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "eval_history.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_plot_opts {
    const char *format;          /* "svg" or "png" */
    const char *gnuplot;         /* program (NULL: "gnuplot" on PATH) */
    const char *const *metrics;  /* panels, e.g. "recall@10"; NULL: every model metric */
    int n_metrics;
    const char *title;           /* NULL: none */
    int width;                   /* pixels, 0: 960 */
    int panel_height;            /* pixels per row of panels, 0: 300 */
} trec_plot_opts;

/* The panels: the model's metric columns (names without a ':' prefix), or
 * the ones asked for, which must exist. Fills names (pointers into h) and
 * returns their count, or -1. */
int trec_plot_panels(const trec_eval_history *h, const trec_plot_opts *o, const char **names,
                     int max, trec_error *err);

/* Renders the plot; *out (free with free()) holds *len bytes. */
int trec_plot_render(const trec_eval_history *h, const trec_plot_opts *o, uint8_t **out,
                     size_t *len, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
