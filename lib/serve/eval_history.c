/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* eval_history.c - append to and read the evaluation history file
 * (eval_history.h). */
#include "eval_history.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "metrics.h"

static const char *const fixed_names[TREC_EVAL_HISTORY_FIXED] = {
    "time", "model", "test", "train", "settings", "status"};

void trec_format_utc(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "?");
}

int trec_parse_utc(const char *s, int64_t *t)
{
    int y, mo, d, h, mi, se, n = -1;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
        n != 20 || s[n] || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60 || y < 1970)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = se};
    *t = (int64_t)timegm(&tm);
    return 0;
}

/* A field must not break the TSV: no tab, newline or carriage return. */
static int check_field(const char *what, const char *s, trec_error *err)
{
    if (!s[0])
        return trec_fail(err, "history: empty %s", what);
    if (strpbrk(s, "\t\n\r"))
        return trec_fail(err, "history: the %s '%s' contains a tab or a newline", what, s);
    return 0;
}

/* Grows *buf by the formatted text. */
static int add(char **buf, size_t *len, size_t *cap, trec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int add(char **buf, size_t *len, size_t *cap, trec_error *err, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return trec_fail(err, "history: formatting failed");
        if (*buf && *len + (size_t)n < *cap) {
            *len += (size_t)n;
            return 0;
        }
        size_t ncap = (*cap ? *cap * 2 : 1024) + (size_t)n;
        char *nb = trec_realloc(*buf, ncap, err);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = ncap;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads the first line of fd (without its newline) into a malloc'd string. */
static char *first_line(int fd, const char *path, trec_error *err)
{
    size_t cap = 4096, len = 0;
    char *s = trec_malloc(cap + 1, err);
    if (!s)
        return NULL;
    for (;;) {
        ssize_t r = pread(fd, s + len, cap - len, (off_t)len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(s);
            trec_fail_errno(err, "%s: reading the header", path);
            return NULL;
        }
        char *nl = memchr(s + len, '\n', (size_t)r);
        len += (size_t)r;
        if (nl) {
            *nl = 0;
            return s;
        }
        if (r == 0) {
            free(s);
            trec_fail(err, "%s:1: the header line has no end", path);
            return NULL;
        }
        if (len == cap) {
            char *ns = trec_realloc(s, cap * 2 + 1, err);
            if (!ns) {
                free(s);
                return NULL;
            }
            s = ns;
            cap *= 2;
        }
    }
}

/* The settings field (5th) of the file's last row must be this run's. */
static int check_last_settings(int fd, const char *path, off_t size, const char *settings,
                               trec_error *err)
{
    char buf[8192];
    off_t from = size > (off_t)sizeof buf ? size - (off_t)sizeof buf : 0;
    ssize_t n = pread(fd, buf, (size_t)(size - from), from);
    if (n != size - from)
        return trec_fail_errno(err, "%s: reading the last row", path);
    buf[n - 1] = 0;                      /* the final newline */
    char *line = strrchr(buf, '\n');
    if (!line && from > 0)
        return trec_fail(err, "%s: the last row is longer than %zu bytes", path, sizeof buf);
    line = line ? line + 1 : buf;
    if (strncmp(line, "time\t", 5) == 0)
        return 0;                        /* only the header */
    const char *f = line;
    for (int i = 0; i < 4 && f; i++) {
        f = strchr(f, '\t');
        f = f ? f + 1 : NULL;
    }
    if (!f)
        return trec_fail(err, "%s: the last row has too few fields", path);
    size_t len = strcspn(f, "\t");
    if (len != strlen(settings) || strncmp(f, settings, len) != 0)
        return trec_fail(err, "%s: the last run's settings were '%.*s', this run's are '%s': "
                         "its figures would not be comparable; write this run's history to "
                         "another file", path, (int)(len > 200 ? 200 : len), f, settings);
    return 0;
}

int trec_eval_history_append(const char *path, const trec_eval_record *rec, trec_error *err)
{
    const char *train = rec->train ? rec->train : "-";
    if (check_field("model file name", rec->model, err) || check_field("test file name",
        rec->test, err) || check_field("train file name", train, err) ||
        check_field("settings", rec->settings, err) || check_field("status", rec->status, err))
        return -1;
    for (int i = 0; i < rec->n_metrics; i++)
        if (check_field("metric name", rec->names[i], err))
            return -1;
    char *head = NULL, *row = NULL;
    size_t hlen = 0, hcap = 0, rlen = 0, rcap = 0;
    char when[32];
    trec_format_utc(rec->time, when, sizeof when);
    int rc = -1, fd = -1;
    for (int i = 0; i < TREC_EVAL_HISTORY_FIXED; i++)
        if (add(&head, &hlen, &hcap, err, "%s%s", i ? "\t" : "", fixed_names[i]))
            goto out;
    for (int i = 0; i < rec->n_metrics; i++)
        if (add(&head, &hlen, &hcap, err, "\t%s", rec->names[i]))
            goto out;
    if (add(&row, &rlen, &rcap, err, "%s\t%s\t%s\t%s\t%s\t%s", when, rec->model, rec->test,
            train, rec->settings, rec->status))
        goto out;
    for (int i = 0; i < rec->n_metrics; i++) {
        char t[TREC_METRIC_TEXT];
        int e = isfinite(rec->values[i])
                    ? (trec_format_metric(rec->values[i], 0, t, sizeof t),
                       add(&row, &rlen, &rcap, err, "\t%s", t))
                    : add(&row, &rlen, &rcap, err, "\t");
        if (e)
            goto out;
    }
    if (add(&row, &rlen, &rcap, err, "\n"))
        goto out;

    fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        trec_fail_errno(err, "%s: cannot open the history file", path);
        goto out;
    }
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    while (fcntl(fd, F_SETLKW, &lk) != 0) {
        if (errno != EINTR) {
            trec_fail_errno(err, "%s: cannot lock the history file", path);
            goto out;
        }
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        trec_fail_errno(err, "%s: stat", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        trec_fail(err, "%s: a history must be a regular file", path);
        goto out;
    }
    if (st.st_size == 0) {
        head[hlen++] = '\n';   /* add() left room for the NUL */
        if (write_all(fd, head, hlen) != 0) {
            trec_fail_errno(err, "%s: writing the header", path);
            goto out;
        }
    } else {
        char *have = first_line(fd, path, err);
        if (!have)
            goto out;
        if (strcmp(have, head) != 0) {
            /* name the first column that differs */
            const char *a = have, *b = head;
            int col = 1;
            while (*a && *a == *b) {
                col += *a == '\t';
                a++, b++;
            }
            if ((*a == '\0' && *b == '\t') || (*b == '\0' && *a == '\t')) {
                /* one header is the other's first columns: the column after
                 * them is on one side only ('' on the other) */
                col++;
                a += *a == '\t';
                b += *b == '\t';
            } else {
                while (a > have && a[-1] != '\t')
                    a--;
                while (b > head && b[-1] != '\t')
                    b--;
            }
            int la = (int)strcspn(a, "\t"), lb = (int)strcspn(b, "\t");
            trec_fail(err, "%s:1: column %d is '%.*s' in the file but '%.*s' in this run "
                      "(other cut-offs, baselines or splits): write this run's history to "
                      "another file", path, col, la > 60 ? 60 : la, a, lb > 60 ? 60 : lb, b);
            free(have);
            goto out;
        }
        free(have);
        char last;
        if (pread(fd, &last, 1, st.st_size - 1) != 1 || last != '\n') {
            trec_fail(err, "%s: the last row has no newline (an interrupted write?): "
                      "repair the file before appending", path);
            goto out;
        }
        if (check_last_settings(fd, path, st.st_size, rec->settings, err) != 0)
            goto out;
    }
    if (write_all(fd, row, rlen) != 0) {
        trec_fail_errno(err, "%s: appending the row", path);
        goto out;
    }
    if (fsync(fd) != 0) {
        trec_fail_errno(err, "%s: fsync", path);
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = trec_fail_errno(err, "%s: close", path);
    free(head);
    free(row);
    return rc;
}

void trec_eval_history_free(trec_eval_history *h)
{
    free(h->metric_names);
    free(h->times);
    free(h->model);
    free(h->test);
    free(h->train);
    free(h->settings);
    free(h->status);
    free(h->values);
    free(h->text_);
    free(h->cells_);
    memset(h, 0, sizeof *h);
}

/* Splits line (NUL-terminated) at tabs into cells; returns the count. */
static size_t split_tabs(char *line, char **cells, size_t max)
{
    size_t n = 0;
    for (char *p = line;; p++) {
        if (n < max)
            cells[n] = p;
        n++;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p = 0;
    }
    return n;
}

long trec_eval_history_column(const trec_eval_history *h, const char *name)
{
    for (size_t i = 0; i < h->n_metrics; i++)
        if (strcmp(h->metric_names[i], name) == 0)
            return (long)i;
    return -1;
}

int trec_eval_history_read(const char *path, trec_eval_history *h, trec_error *err)
{
    memset(h, 0, sizeof *h);
    uint8_t *buf;
    size_t len;
    if (trec_read_file(path, &buf, &len, err) != 0)
        return -1;
    return trec_eval_history_parse((char *)buf, len, trec_display_name(path), h, err);
}

int trec_eval_history_parse(char *buf, size_t len, const char *name, trec_eval_history *h,
                            trec_error *err)
{
    memset(h, 0, sizeof *h);
    h->text_ = buf;
    char *text = h->text_;
    if (memchr(text, 0, len))
        return trec_eval_history_free(h), trec_fail(err, "%s: a NUL byte: not a history file",
                                                    name);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (len && text[len - 1] != '\n')
        lines++;
    if (lines == 0)
        return trec_eval_history_free(h), trec_fail(err, "%s: empty: no header", name);
    /* the header */
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = 0;
    if (nl && nl > text && nl[-1] == '\r')
        nl[-1] = 0;
    size_t ncols = 1;
    for (const char *q = text; *q; q++)
        ncols += *q == '\t';
    char **cells = trec_calloc(ncols, sizeof *cells, err);
    if (!cells)
        return trec_eval_history_free(h), -1;
    h->cells_ = cells;
    split_tabs(text, cells, ncols);
    if (ncols <= TREC_EVAL_HISTORY_FIXED)
        return trec_eval_history_free(h),
               trec_fail(err, "%s:1: the header has %zu columns; a history has time, model, "
                         "test, train, settings, status and at least one metric", name, ncols);
    for (int i = 0; i < TREC_EVAL_HISTORY_FIXED; i++)
        if (strcmp(cells[i], fixed_names[i]) != 0) {
            /* The message first: cells[i] points into the text freed below. */
            trec_fail(err, "%s:1: field %d is '%s', want '%s': not a trec-eval history", name,
                      i + 1, cells[i], fixed_names[i]);
            trec_eval_history_free(h);
            return -1;
        }
    h->n_metrics = ncols - TREC_EVAL_HISTORY_FIXED;
    size_t maxrows = lines - 1, nm = h->n_metrics;
    h->metric_names = trec_calloc(nm, sizeof *h->metric_names, err);
    h->times = trec_calloc(maxrows, sizeof *h->times, err);
    h->model = trec_calloc(maxrows, sizeof(char *), err);
    h->test = trec_calloc(maxrows, sizeof(char *), err);
    h->train = trec_calloc(maxrows, sizeof(char *), err);
    h->settings = trec_calloc(maxrows, sizeof(char *), err);
    h->status = trec_calloc(maxrows, sizeof(char *), err);
    h->values = trec_calloc(maxrows ? maxrows * nm : 1, sizeof *h->values, err);
    char **row = trec_calloc(ncols, sizeof *row, err);
    if (!h->metric_names || !h->times || !h->model || !h->test || !h->train || !h->settings || !h->status ||
        !h->values || !row) {
        free(row);
        return trec_eval_history_free(h), -1;
    }
    for (size_t i = 0; i < nm; i++)
        h->metric_names[i] = cells[TREC_EVAL_HISTORY_FIXED + i];
    char *p = nl ? nl + 1 : text + len;
    size_t lineno = 1;
    while (p < text + len) {
        lineno++;
        char *e = strchr(p, '\n');
        if (e)
            *e = 0;
        if (e && e > p && e[-1] == '\r')
            e[-1] = 0;
        char *next = e ? e + 1 : text + len;
        if (!*p) {       /* blank lines are tolerated */
            p = next;
            continue;
        }
        size_t n = split_tabs(p, row, ncols);
        if (n != ncols) {
            free(row);
            trec_eval_history_free(h);
            return trec_fail(err, "%s:%zu: %zu fields, the header has %zu", name, lineno, n,
                             ncols);
        }
        size_t r = h->n_rows;
        if (trec_parse_utc(row[0], &h->times[r]) != 0) {
            char bad[64];
            snprintf(bad, sizeof bad, "%s", row[0]);
            free(row);
            trec_eval_history_free(h);
            return trec_fail(err, "%s:%zu: field 1 (time): '%s' is not a UTC time like "
                             "2026-01-31T02:00:00Z", name, lineno, bad);
        }
        h->model[r] = row[1];
        h->test[r] = row[2];
        h->train[r] = row[3];
        h->settings[r] = row[4];
        h->status[r] = row[5];
        for (size_t m = 0; m < nm; m++) {
            const char *s = row[TREC_EVAL_HISTORY_FIXED + m];
            double v = NAN;
            if (*s && strcmp(s, "-") != 0) {
                char *end;
                errno = 0;
                v = strtod(s, &end);
                if (errno || *end || !isfinite(v)) {
                    char bad[64];
                    snprintf(bad, sizeof bad, "%s", s);
                    size_t field = TREC_EVAL_HISTORY_FIXED + m + 1;
                    const char *col = h->metric_names[m];
                    trec_fail(err, "%s:%zu: field %zu (%s): '%s' is not a number", name,
                              lineno, field, col, bad);
                    free(row);
                    trec_eval_history_free(h);
                    return -1;
                }
            }
            h->values[r * nm + m] = v;
        }
        h->n_rows++;
        p = next;
    }
    free(row);
    return 0;
}
