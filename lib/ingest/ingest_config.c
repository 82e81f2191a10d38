/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_config.c - the header rule and the columns of a ratings file. */
#include "ingest_config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "number.h"

enum {
    COL_USER = TREC_INGEST_COL_USER, COL_ITEM = TREC_INGEST_COL_ITEM,
    COL_RATING = TREC_INGEST_COL_RATING, COL_TIME = TREC_INGEST_COL_TIME,
    NCOLS = TREC_INGEST_NCOLS
};

int trec_ingest_first_record(void *ctx, const trec_ingest_field *f, size_t nf,
                             uint64_t line, trec_error *err)
{
    (void)line;
    trec_ingest_first *p = ctx;
    size_t k = nf < TREC_INGEST_MAX_FIELDS ? nf : TREC_INGEST_MAX_FIELDS, total = 0;
    for (size_t i = 0; i < k; i++)
        total += f[i].n;
    p->buf = trec_malloc(total + 1, err);
    if (!p->buf)
        return -1;
    p->off[0] = 0;
    for (size_t i = 0; i < k; i++) {
        memcpy(p->buf + p->off[i], f[i].p, f[i].n);
        p->off[i + 1] = p->off[i] + f[i].n;
    }
    p->nf = nf;
    p->nstored = k;
    p->got = 1;
    return 1;
}

static trec_ingest_field first_field(const trec_ingest_first *p, size_t i)
{
    trec_ingest_field f = {p->buf + p->off[i], p->off[i + 1] - p->off[i]};
    return f;
}

/* Field col of h, if it is a column in use that h has. */
static int used_field(const trec_ingest_first *h, int col, trec_ingest_field *f)
{
    if (col < 0 || (size_t)col >= h->nstored)
        return 0;
    *f = first_field(h, (size_t)col);
    return 1;
}

static int is_usual_name(const trec_ingest_field *f)
{
    static const char *const names[] = {"userid", "user_id", "user", "movieid",
                                        "movie_id", "movie", "itemid", "item_id",
                                        "item", "rating", "timestamp", "time"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f->n == strlen(names[i]) && strncasecmp(f->p, names[i], f->n) == 0)
            return 1;
    return 0;
}

/* The default header test: line 1 is a header if one of its used fields is
 * a usual column name, or if it has a rating or timestamp column and none of
 * those parses as a number. */
static int looks_like_header(const trec_ingest_first *h, const int col[NCOLS])
{
    trec_ingest_field f;
    for (int k = 0; k < NCOLS; k++)
        if (used_field(h, col[k], &f) && is_usual_name(&f))
            return 1;
    int numeric = 0, parsed = 0;
    if (used_field(h, col[COL_RATING], &f)) {
        float v;
        numeric++;
        parsed += trec_parse_float(f.p, f.n, &v) == TREC_NUM_OK;
    }
    if (used_field(h, col[COL_TIME], &f)) {
        int64_t v;
        numeric++;
        parsed += trec_parse_int64(f.p, f.n, &v) == TREC_NUM_OK;
    }
    return numeric > 0 && parsed == 0;
}

static const char *const col_opt[NCOLS] = {"--user-col", "--item-col", "--rating-col",
                                           "--time-col"};

int trec_ingest_column_spec(const char *opt, const char *spec, int allow_none, int *col,
                            trec_error *err)
{
    size_t n = strlen(spec);
    if (strcmp(spec, "none") == 0) {
        if (!allow_none)
            return trec_fail(err, "%s cannot be 'none'", opt);
        *col = -1;
    } else if (n && strspn(spec, "0123456789") == n) {
        size_t z = strspn(spec, "0");
        if (z == n)
            return trec_fail(err, "%s %s: columns are numbered from 1", opt, spec);
        if (n - z > 4 || atoi(spec + z) > TREC_INGEST_MAX_FIELDS)
            return trec_fail(err, "%s %s: column numbers go up to %d", opt, spec,
                             TREC_INGEST_MAX_FIELDS);
        *col = atoi(spec + z) - 1;
    } else if (n == 0) {
        return trec_fail(err, "%s: empty column name", opt);
    } else {
        *col = TREC_INGEST_COL_BY_NAME;
    }
    return 0;
}

/* One --*-col value: "none", a 1-based number, or (*by_name = 1) a name. */
static int column_spec(trec_ingest_config *c, int k, const char *s, int *by_name,
                       trec_error *err)
{
    int col;
    if (trec_ingest_column_spec(col_opt[k], s, k != COL_USER && k != COL_ITEM, &col,
                                err) != 0)
        return -1;
    if (col == TREC_INGEST_COL_BY_NAME)
        *by_name = 1;
    else
        c->col[k] = col;
    return 0;
}

/* "the user and item columns are the same (3)" when the options say so
 * before any input is read: both given as the same number or the same name,
 * or one given as the default number of the other (user 1, item 2). */
static int same_columns(const char *const spec[NCOLS], const int col[NCOLS],
                        trec_error *err)
{
    for (int k = 0; k < NCOLS; k++)
        for (int j = 0; j < k; j++) {
            int names = col[j] == TREC_INGEST_COL_BY_NAME &&
                        col[k] == TREC_INGEST_COL_BY_NAME && strcmp(spec[j], spec[k]) == 0;
            if (names)
                return trec_fail(err, "the %s and %s columns are the same (%s)",
                                 trec_ingest_col_name(j), trec_ingest_col_name(k),
                                 spec[k]);
            if (col[j] >= 0 && col[j] == col[k])
                return trec_fail(err, "the %s and %s columns are the same (%d)",
                                 trec_ingest_col_name(j), trec_ingest_col_name(k),
                                 col[k] + 1);
        }
    return 0;
}

int trec_ingest_opts_check(const trec_ingest_opts *o, trec_error *err)
{
    trec_ingest_dialect d;
    if (trec_ingest_dialect_init(&d, o->sep, o->quote, err) != 0)
        return -1;
    const char *spec[NCOLS] = {o->user_col, o->item_col, o->rating_col, o->time_col};
    int col[NCOLS] = {0, 1, -1, -1}, any_name = 0;
    for (int k = 0; k < NCOLS; k++) {
        if (spec[k] && trec_ingest_column_spec(col_opt[k], spec[k],
                                               k != COL_USER && k != COL_ITEM, &col[k],
                                               err) != 0)
            return -1;
        any_name |= col[k] == TREC_INGEST_COL_BY_NAME;
    }
    if (o->header == 0 && any_name)
        return trec_fail(err, "columns given by name need a header line, but "
                         "--no-header was given");
    return same_columns(spec, col, err);
}

/* A column given by name: its index in the header line. */
static int column_by_name(trec_ingest_config *c, int k, const char *spec,
                          const trec_ingest_first *h, uint64_t line1, trec_error *err)
{
    size_t i = 0, n = strlen(spec);
    for (; i < h->nstored; i++) {
        trec_ingest_field f = first_field(h, i);
        if (f.n == n && memcmp(f.p, spec, n) == 0)
            break;
    }
    if (i == h->nstored)
        return trec_fail(err, "%s:%llu: %s %s: no column of that name in the "
                         "header line%s", c->name, (unsigned long long)line1,
                         col_opt[k], spec,
                         h->nstored == 1 ? trec_ingest_sep_hint(first_field(h, 0).p,
                                                                first_field(h, 0).n, &c->d)
                                         : "");
    c->col[k] = (int)i;
    return 0;
}

const char *trec_ingest_sep_hint(const char *f, size_t n, const trec_ingest_dialect *d)
{
    static const struct {
        const char *sep, *hint;
    } seps[] = {
        {"\t", " (the line looks tab-separated: try --sep tab)"},
        {"::", " (the line looks '::'-separated: try --sep ::)"},
        {"|", " (the line looks '|'-separated: try --sep pipe)"},
        {";", " (the line looks ';'-separated: try --sep semicolon)"},
        {",", " (the line looks comma-separated: try --sep comma)"},
    };
    for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
        size_t len = strlen(seps[k].sep);
        if (len == 1 && d->msep_len == 0 && (unsigned char)seps[k].sep[0] == d->delim)
            continue;
        if (len > 1 && d->msep_len == len && memcmp(d->msep, seps[k].sep, len) == 0)
            continue;
        for (size_t i = 0; i + len <= n; i++)
            if (memcmp(f + i, seps[k].sep, len) == 0)
                return seps[k].hint;
    }
    return "";
}

/* Every column in use exists on line 1, and no two roles share one. */
static int check_columns(const trec_ingest_config *c, const trec_ingest_first *h,
                         uint64_t line1, trec_error *err)
{
    trec_ingest_field f0 = h->nstored ? first_field(h, 0) : (trec_ingest_field){"", 0};
    for (int k = 0; k < NCOLS; k++) {
        if (c->col[k] >= 0 && (size_t)c->col[k] >= c->nf)
            return trec_fail(err, "%s:%llu: column %d (%s) does not exist: line %llu "
                             "has %zu field%s%s", c->name, (unsigned long long)line1,
                             c->col[k] + 1, trec_ingest_col_name(k),
                             (unsigned long long)line1, c->nf, c->nf == 1 ? "" : "s",
                             c->nf == 1 ? trec_ingest_sep_hint(f0.p, f0.n, &c->d) : "");
        for (int j = 0; j < k; j++)
            if (c->col[k] >= 0 && c->col[k] == c->col[j])
                return trec_fail(err, "the %s and %s columns are the same (%d)",
                                 trec_ingest_col_name(j), trec_ingest_col_name(k),
                                 c->col[k] + 1);
    }
    return 0;
}

int trec_ingest_configure(trec_ingest_config *c, const trec_ingest_opts *o,
                          const trec_ingest_first *h, uint64_t line1, int *header,
                          trec_error *err)
{
    const char *spec[NCOLS] = {o->user_col, o->item_col, o->rating_col, o->time_col};
    int by_name[NCOLS] = {0}, any_name = 0;
    c->nf = h->nf;
    c->col[COL_USER] = 0;
    c->col[COL_ITEM] = 1;
    c->col[COL_RATING] = h->nf >= 3 ? 2 : -1;
    c->col[COL_TIME] = h->nf >= 4 ? 3 : -1;
    for (int k = 0; k < NCOLS; k++) {
        if (spec[k] && column_spec(c, k, spec[k], &by_name[k], err) != 0)
            return -1;
        any_name |= by_name[k];
    }
    if (o->header == 0 && any_name)
        return trec_fail(err, "columns given by name need a header line, but "
                         "--no-header was given");
    *header = o->header >= 0 ? o->header : any_name ? 1 : -1;
    for (int k = 0; k < NCOLS; k++)
        if (by_name[k] && column_by_name(c, k, spec[k], h, line1, err) != 0)
            return -1;
    if (check_columns(c, h, line1, err) != 0)
        return -1;
    if (*header < 0)
        *header = looks_like_header(h, c->col);
    c->maxstore = 0;
    for (int k = 0; k < NCOLS; k++)
        if (c->col[k] >= 0 && (size_t)c->col[k] + 1 > c->maxstore)
            c->maxstore = (size_t)c->col[k] + 1;
    return 0;
}
