/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* report_html.c - the self-contained HTML report (report_html.h). */
#include "report_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void base64(FILE *f, const uint8_t *p, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        fputc(tab[v >> 18 & 63], f);
        fputc(tab[v >> 12 & 63], f);
        fputc(i + 1 < n ? tab[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? tab[v & 63] : '=', f);
    }
}

static void cell(FILE *f, const trec_eval_history *h, size_t row, const char *prefix,
                 const char *metric)
{
    char name[512];
    snprintf(name, sizeof name, "%s%s", prefix, metric);
    long c = trec_eval_history_column(h, name);
    double v = c >= 0 ? h->values[row * h->n_metrics + (size_t)c] : NAN;
    char t[TREC_METRIC_TEXT];
    if (isfinite(v) && trec_format_metric(v, 0, t, sizeof t))
        fprintf(f, "<td>%s</td>", t);
    else
        fputs("<td class=\"na\">&ndash;</td>", f);
}

int trec_report_html(FILE *f, const trec_eval_history *h, const trec_report_page *p,
                     trec_error *err)
{
    if (h->n_rows == 0)
        return trec_fail(err, "the history has no run to report");
    /* the last and previous runs in time (the last in file order on ties) */
    size_t last = 0, prev = (size_t)-1;
    for (size_t i = 1; i < h->n_rows; i++)
        if (h->times[i] >= h->times[last])
            last = i;
    for (size_t i = 0; i < h->n_rows; i++)
        if (i != last && h->times[i] <= h->times[last] &&
            (prev == (size_t)-1 || h->times[i] >= h->times[prev]))
            prev = i;
    const char *title = p->title ? p->title : "trec evaluation history";
    char t_last[32], t_prev[32], t_first[32];
    int64_t first = h->times[0];
    for (size_t i = 1; i < h->n_rows; i++)
        first = h->times[i] < first ? h->times[i] : first;
    trec_format_utc(h->times[last], t_last, sizeof t_last);
    trec_format_utc(first, t_first, sizeof t_first);
    if (prev != (size_t)-1)
        trec_format_utc(h->times[prev], t_prev, sizeof t_prev);

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    esc(f, title);
    fputs("</title>\n<style>\n"
          "body { font-family: sans-serif; margin: 1.5em; max-width: 1000px; color: #222; }\n"
          "table { border-collapse: collapse; margin: 1em 0; }\n"
          "th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }\n"
          "th:first-child, td:first-child { text-align: left; }\n"
          ".up { color: #1a7f37; } .down { color: #c62828; } .na { color: #999; }\n"
          ".failed { color: #c62828; font-weight: bold; } .ok { color: #1a7f37; }\n"
          "figure { margin: 1em 0; } figure svg, figure img { max-width: 100%; height: auto; }\n"
          "code { font-size: 0.95em; }\n"
          "</style>\n</head>\n<body>\n<h1>", f);
    esc(f, title);
    fprintf(f, "</h1>\n<p id=\"summary\">%zu run%s from %s to %s (UTC)", h->n_rows,
            h->n_rows == 1 ? "" : "s", t_first, t_last);
    if (p->source) {
        fputs(", history <code>", f);
        esc(f, p->source);
        fputs("</code>", f);
    }
    fputs(".</p>\n", f);
    if (p->plot) {
        fputs("<figure id=\"plot\">\n", f);
        if (strcmp(p->plot_format, "png") == 0) {
            fputs("<img alt=\"metrics over time\" src=\"data:image/png;base64,", f);
            base64(f, p->plot, p->plot_len);
            fputs("\">\n", f);
        } else {
            /* the <svg> element without the XML prolog and doctype */
            const char *s = (const char *)p->plot, *end = s + p->plot_len;
            const char *start = NULL;
            for (const char *q = s; q + 4 <= end; q++)
                if (memcmp(q, "<svg", 4) == 0) {
                    start = q;
                    break;
                }
            if (!start)
                return trec_fail(err, "the plot is not SVG (no <svg> element)");
            fwrite(start, 1, (size_t)(end - start), f);
        }
        fputs("<figcaption>Each metric over time on the test matrix: the model, the "
              "baselines, the model on its training matrix; crosses mark runs whose "
              "quality gate failed.</figcaption>\n</figure>\n", f);
    }
    fputs("<h2>Last run</h2>\n<p id=\"last-run\">", f);
    fprintf(f, "%s: model <code>", t_last);
    esc(f, h->model[last]);
    fputs("</code>, test <code>", f);
    esc(f, h->test[last]);
    fputs("</code>, train <code>", f);
    esc(f, h->train[last]);
    fputs("</code>, settings <code>", f);
    esc(f, h->settings[last]);
    fprintf(f, "</code>, quality gate <span class=\"%s\">",
            strcmp(h->status[last], "ok") == 0 ? "ok" : "failed");
    esc(f, h->status[last]);
    fputs("</span>.", f);
    if (prev != (size_t)-1)
        fprintf(f, " Change since the previous run (%s).", t_prev);
    fputs("</p>\n<table id=\"last\">\n<thead><tr><th>metric</th><th>model</th>"
          "<th>change</th><th>most-popular</th><th>random</th><th>model on train</th>"
          "</tr></thead>\n<tbody>\n", f);
    for (size_t m = 0; m < h->n_metrics; m++) {
        const char *name = h->metric_names[m];
        if (strchr(name, ':'))
            continue;
        if (p->n_metrics) {
            int want = 0;
            for (int i = 0; i < p->n_metrics; i++)
                want |= strcmp(p->metrics[i], name) == 0;
            if (!want)
                continue;
        }
        fputs("<tr><td>", f);
        esc(f, name);
        fputs("</td>", f);
        cell(f, h, last, "", name);
        double a = h->values[last * h->n_metrics + m];
        double b = prev != (size_t)-1 ? h->values[prev * h->n_metrics + m] : NAN;
        if (isfinite(a) && isfinite(b)) {
            double d = a - b;
            const char *cls = d > 0 ? "up" : d < 0 ? "down" : "same";
            char t[TREC_METRIC_TEXT];
            trec_format_metric(d, 1, t, sizeof t);
            fprintf(f, "<td class=\"%s\">%s", cls, t);
            if (b != 0)
                fprintf(f, " (%+.1f%%)", 100 * d / b);
            fputs("</td>", f);
        } else {
            fputs("<td class=\"na\">&ndash;</td>", f);
        }
        cell(f, h, last, "most-popular:", name);
        cell(f, h, last, "random:", name);
        cell(f, h, last, "train:", name);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n<p><small>Made by trec-report from a trec-eval "
          "<code>--history</code> file.</small></p>\n</body>\n</html>\n", f);
    if (ferror(f))
        return trec_fail(err, "writing the HTML report failed");
    return 0;
}
