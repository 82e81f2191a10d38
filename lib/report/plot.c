/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* plot.c - the evaluation history plotted by gnuplot (plot.h). */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metrics.h"

#define MAX_PANELS 256

int trec_plot_panels(const trec_eval_history *h, const trec_plot_opts *o, const char **names,
                     int max, trec_error *err)
{
    int n = 0;
    if (o->n_metrics) {
        for (int i = 0; i < o->n_metrics; i++) {
            long c = trec_eval_history_column(h, o->metrics[i]);
            if (c < 0 || strchr(o->metrics[i], ':'))
                return trec_fail(err, "no model metric '%s' in the history (its columns: "
                                 "%s, ...)", o->metrics[i],
                                 h->n_metrics ? h->metric_names[0] : "none");
            if (n == max)
                return trec_fail(err, "too many panels (at most %d)", max);
            names[n++] = h->metric_names[c];
        }
        return n;
    }
    for (size_t i = 0; i < h->n_metrics; i++) {
        if (strchr(h->metric_names[i], ':'))
            continue;
        if (n == max)
            return trec_fail(err, "too many panels (at most %d)", max);
        names[n++] = h->metric_names[i];
    }
    if (n == 0)
        return trec_fail(err, "the history has no model metric column");
    return n;
}

/* Rows in time order (stable). */
static size_t *time_order(const trec_eval_history *h, trec_error *err)
{
    size_t *ord = trec_malloc((h->n_rows ? h->n_rows : 1) * sizeof *ord, err);
    if (!ord)
        return NULL;
    for (size_t i = 0; i < h->n_rows; i++) {   /* insertion sort: histories are sorted */
        size_t j = i;
        while (j > 0 && h->times[ord[j - 1]] > h->times[i]) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = i;
    }
    return ord;
}

static void put_value(FILE *f, double v)
{
    char t[TREC_METRIC_TEXT];
    if (isfinite(v) && trec_format_metric(v, 0, t, sizeof t))
        fprintf(f, " %s", t);
    else
        fputs(" NaN", f);
}

/* gnuplot string literal: single quotes, doubled inside. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fputc('\'', f);
}

static const char *const series[] = {"", "most-popular:", "random:", "train:"};
static const char *const series_title[] = {"model", "most-popular", "random", "model on train"};
static const char *const series_style[] = {
    "lw 2 lc rgb '#1f77b4' pt 7 ps 0.6", "lw 1.5 lc rgb '#ff7f0e' dt 2 pt 5 ps 0.5",
    "lw 1.5 lc rgb '#7f7f7f' dt 3 pt 1 ps 0.5", "lw 1 lc rgb '#2ca02c' dt 4 pt 6 ps 0.5"};
enum { N_SERIES = 4 };

/* Tic steps in seconds, smallest first: whole seconds, minutes, hours, days
 * and weeks, so that labels fall on round times (gnuplot places the tics at
 * multiples of the step since the epoch, i.e. at UTC midnights for days). */
static const int64_t nice_steps[] = {
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400, 56 * 86400, 91 * 86400,
    182 * 86400, 364 * 86400};
enum { MAX_TIC_GAPS = 5 };   /* at most 6 tics: the labels of a half-width panel fit */

/* The x axis for runs from t0 to t1: a range padded by a twentieth of the span
 * on each side (12 h either side of a single run: the first night of a nightly
 * job), and the smallest round step that leaves at most MAX_TIC_GAPS gaps in
 * it. The label shows what the step resolves: days, minutes or seconds. */
static void time_axis(FILE *f, int64_t t0, int64_t t1)
{
    int64_t span = t1 - t0, pad = span == 0 ? 43200 : span / 20;
    if (pad < 1)
        pad = 1;
    int64_t lo = t0 - pad, hi = t1 + pad, range = hi - lo, step = 0;
    for (size_t i = 0; i < sizeof nice_steps / sizeof *nice_steps && !step; i++)
        if (range <= MAX_TIC_GAPS * nice_steps[i])
            step = nice_steps[i];
    if (!step) {   /* decades: whole multiples of 364 days */
        int64_t year = 364 * 86400;
        step = (range + MAX_TIC_GAPS * year - 1) / (MAX_TIC_GAPS * year) * year;
    }
    const char *fmt = step >= 86400 ? "%Y-%m-%d" : step >= 60 ? "%m-%d\\n%H:%M"
                                                              : "%m-%d\\n%H:%M:%S";
    fprintf(f, "set xtics %lld font ',8'\nset format x \"%s\"\n", (long long)step, fmt);
    fprintf(f, "set xrange ['%lld':'%lld']\n", (long long)lo, (long long)hi);
}

static int write_script(FILE *f, const trec_eval_history *h, const trec_plot_opts *o,
                        const char **panels, int np, const size_t *ord)
{
    int png = strcmp(o->format, "png") == 0;
    int width = o->width ? o->width : 960, ph = o->panel_height ? o->panel_height : 300;
    int cols = np > 1 ? 2 : 1, rows = (np + cols - 1) / cols;
    fprintf(f, "set terminal %s size %d,%d %s\n", png ? "pngcairo" : "svg", width, ph * rows,
            png ? "font 'sans,9'" : "font 'sans,11' background rgb 'white'");
    fputs("set termoption noenhanced\nset encoding utf8\nset datafile missing 'NaN'\n"
          "set xdata time\nset timefmt '%s'\n"
          "set key below horizontal font ',8'\nset grid ytics lc rgb '#dddddd'\n"
          "set yrange [0:*]\n", f);
    time_axis(f, h->times[ord[0]], h->times[ord[h->n_rows - 1]]);
    for (int p = 0; p < np; p++) {
        long col[N_SERIES];
        char name[512];
        for (int s = 0; s < N_SERIES; s++) {
            snprintf(name, sizeof name, "%s%s", series[s], panels[p]);
            col[s] = trec_eval_history_column(h, name);
        }
        fprintf(f, "$d%d << EOD\n", p);
        for (size_t i = 0; i < h->n_rows; i++) {
            size_t r = ord[i];
            const double *v = h->values + r * h->n_metrics;
            fprintf(f, "%lld", (long long)h->times[r]);
            for (int s = 0; s < N_SERIES; s++)
                put_value(f, col[s] >= 0 ? v[col[s]] : NAN);
            put_value(f, strcmp(h->status[r], "ok") != 0 ? v[col[0]] : NAN);
            fputc('\n', f);
        }
        fputs("EOD\n", f);
    }
    fprintf(f, "set multiplot layout %d,%d", rows, cols);
    if (o->title) {
        fputs(" title ", f);
        put_quoted(f, o->title);
    }
    fputc('\n', f);
    for (int p = 0; p < np; p++) {
        fputs("set title ", f);
        put_quoted(f, panels[p]);
        fputs("\nplot ", f);
        int first = 1;
        for (int s = 0; s < N_SERIES; s++) {
            char name[512];
            snprintf(name, sizeof name, "%s%s", series[s], panels[p]);
            if (trec_eval_history_column(h, name) < 0)
                continue;
            fprintf(f, "%s$d%d using 1:%d with linespoints %s title '%s'", first ? "" : ", ",
                    p, s + 2, series_style[s], series_title[s]);
            first = 0;
        }
        fprintf(f, ", $d%d using 1:%d with points pt 2 ps 1.5 lw 2 lc rgb '#d62728' "
                "title 'gate failed'\n", p, N_SERIES + 2);
    }
    fputs("unset multiplot\n", f);
    return ferror(f) ? -1 : 0;
}

/* Reads fd to the end into a growing buffer. */
static int read_all(int fd, uint8_t **out, size_t *len, trec_error *err)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = trec_malloc(cap, err);
    if (!b)
        return -1;
    for (;;) {
        if (n == cap) {
            uint8_t *nb = trec_realloc(b, cap * 2, err);
            if (!nb) {
                free(b);
                return -1;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            return trec_fail_errno(err, "reading gnuplot's output");
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = b;
    *len = n;
    return 0;
}

/* The first line of file, for an error message. */
static void first_line_of(const char *path, char *buf, size_t size)
{
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(buf, (int)size, f)) {
        buf[strcspn(buf, "\n")] = 0;
        if (buf[strspn(buf, " \t^")])   /* skip gnuplot's blank and caret lines */
            break;
    }
    fclose(f);
}

int trec_plot_render(const trec_eval_history *h, const trec_plot_opts *o, uint8_t **out,
                     size_t *len, trec_error *err)
{
    if (strcmp(o->format, "svg") != 0 && strcmp(o->format, "png") != 0)
        return trec_fail(err, "plot format '%s': want svg or png", o->format);
    if (h->n_rows == 0)
        return trec_fail(err, "the history has no run to plot");
    const char *panels[MAX_PANELS];
    int np = trec_plot_panels(h, o, panels, MAX_PANELS, err);
    if (np < 0)
        return -1;
    size_t *ord = time_order(h, err);
    if (!ord)
        return -1;
    const char *tmpdir = getenv("TMPDIR");
    char script[4096], errpath[4096];
    snprintf(script, sizeof script, "%s/trec-plot.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    snprintf(errpath, sizeof errpath, "%s/trec-plot-err.XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    int sfd = mkstemp(script);
    if (sfd < 0) {
        free(ord);
        return trec_fail_errno(err, "creating a temporary gnuplot script in %s",
                               tmpdir && *tmpdir ? tmpdir : "/tmp");
    }
    int efd = mkstemp(errpath);
    if (efd < 0) {
        close(sfd);
        unlink(script);
        free(ord);
        return trec_fail_errno(err, "creating a temporary file");
    }
    FILE *f = fdopen(sfd, "w");
    int rc = -1;
    if (!f || write_script(f, h, o, panels, np, ord) != 0 || fclose(f) != 0) {
        if (!f)
            close(sfd);
        trec_fail_errno(err, "writing the gnuplot script %s", script);
        goto out;
    }
    int pfd[2];
    if (pipe(pfd) != 0) {
        trec_fail_errno(err, "pipe");
        goto out;
    }
    const char *prog = o->gnuplot ? o->gnuplot : "gnuplot";
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        trec_fail_errno(err, "fork");
        goto out;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(pfd[1], 1);
        dup2(efd, 2);
        close(pfd[0]);
        close(pfd[1]);
        execlp(prog, prog, script, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    int rrc = read_all(pfd[0], out, len, err);
    close(pfd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (rrc != 0)
        goto out;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        free(*out);
        *out = NULL;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
            trec_fail(err, "cannot run '%s': install gnuplot (Debian package gnuplot-nox)",
                      prog);
        } else {
            char line[512];
            first_line_of(errpath, line, sizeof line);
            trec_fail(err, "%s failed (%s %d)%s%s", prog,
                      WIFEXITED(st) ? "exit status" : "signal",
                      WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), line[0] ? ": " : "",
                      line);
        }
        goto out;
    }
    if (*len == 0) {
        free(*out);
        *out = NULL;
        trec_fail(err, "%s wrote no %s", prog, o->format);
        goto out;
    }
    rc = 0;
out:
    close(efd);
    unlink(script);
    unlink(errpath);
    free(ord);
    return rc;
}
