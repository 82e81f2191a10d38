/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* titles.c - movies.csv titles, parsed with libcsv (see titles.h). */
#include "titles.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "labels.h"

/* libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c): used to
 * tell the line each record starts on, since libcsv reports no positions. */
#define CSV_STATE_BETWEEN_RECORDS 0

typedef struct parse {
    const char *name;
    trec_titles *t;
    trec_error *err;
    int failed;
    uint64_t line, rec_line;   /* current line, line the record started on */
    int header_done;
    long id_col, title_col, ncols; /* from the header */
    long field;                /* fields seen in the current record */
    const char *sep_hint;      /* line 1 seems to use another separator */
    char *id, *title;          /* copies of the current record's fields */
    size_t id_len, title_len, id_cap, title_cap;
} parse;

static int copy_field(parse *p, char **dst, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (n + 1 > *cap) {
        size_t c = *cap ? *cap : 64;
        while (c < n + 1)
            c *= 2;
        char *q = trec_realloc(*dst, c, p->err);
        if (!q)
            return -1;
        *dst = q;
        *cap = c;
    }
    memcpy(*dst, s, n);
    (*dst)[n] = 0;
    *len = n;
    return 0;
}

static void fail(parse *p, const char *what, const char *detail)
{
    if (p->failed)
        return;
    p->failed = 1;
    trec_fail(p->err, "%s:%llu: %s%s%s", p->name, (unsigned long long)p->rec_line, what,
              detail ? ": " : "", detail ? detail : "");
}

static void header_field(parse *p, const char *s, size_t n)
{
    /* A UTF-8 byte-order mark before the first column name is not part of it. */
    if (p->field == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (p->field == 0)
        p->sep_hint = memmem(s, n, "::", 2)  ? "try --titles-sep ::"
                      : memchr(s, '\t', n) ? "try --titles-sep tab"
                      : memchr(s, '|', n)   ? "try --titles-sep pipe"
                                            : "";
    if (n == 7 && memcmp(s, "movieId", 7) == 0)
        p->id_col = p->field;
    else if (n == 5 && memcmp(s, "title", 5) == 0)
        p->title_col = p->field;
}

static void on_field(void *data, size_t n, void *arg)
{
    parse *p = arg;
    const char *s = data ? data : "";
    if (p->failed)
        return;
    if (!p->header_done)
        header_field(p, s, n);
    else if (p->field == p->id_col && copy_field(p, &p->id, &p->id_len, &p->id_cap, s, n))
        p->failed = 1;
    else if (p->field == p->title_col &&
             copy_field(p, &p->title, &p->title_len, &p->title_cap, s, n))
        p->failed = 1;
    p->field++;
}

static int grow(trec_titles *t, size_t title_len, trec_error *err)
{
    if (t->count + 1 >= t->cap) {
        uint64_t c = t->cap ? t->cap * 2 : 1024;
        uint64_t *off = trec_realloc(t->title_off, (c + 1) * sizeof *off, err);
        if (!off)
            return -1;
        t->title_off = off;
        uint64_t *line = trec_realloc(t->line, c * sizeof *line, err);
        if (!line)
            return -1;
        t->line = line;
        t->cap = c;
    }
    if (t->blob_len + title_len > t->blob_cap) {
        uint64_t c = t->blob_cap ? t->blob_cap : 65536;
        while (c < t->blob_len + title_len)
            c *= 2;
        char *b = trec_realloc(t->blob, c, err);
        if (!b)
            return -1;
        t->blob = b;
        t->blob_cap = c;
    }
    return 0;
}

static void add_record(parse *p)
{
    trec_titles *t = p->t;
    const char *problem;
    if ((problem = trec_label_problem(p->id, p->id_len)))
        return fail(p, "movieId", problem);
    if ((problem = trec_label_problem(p->title, p->title_len)))
        return fail(p, "title", strcmp(problem, "invalid UTF-8") == 0
                                    ? "invalid UTF-8 (Latin-1 text? try --encoding latin1)"
                                    : problem);
    if (grow(t, p->title_len, p->err) != 0) {
        p->failed = 1;
        return;
    }
    uint32_t id;
    int added = trec_idmap_intern(&t->ids, p->id, p->id_len, &id, p->err);
    if (added < 0) {
        p->failed = 1;
        return;
    }
    if (added == 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "already on line %llu", (unsigned long long)t->line[id]);
        return fail(p, "duplicate movieId", msg);
    }
    memcpy(t->blob + t->blob_len, p->title, p->title_len);
    t->blob_len += p->title_len;
    t->line[id] = p->rec_line;
    t->title_off[id + 1] = t->blob_len;
    t->count++;
}

static void on_record(int c, void *arg)
{
    (void)c;
    parse *p = arg;
    if (p->failed)
        return;
    if (!p->header_done) {
        p->header_done = 1;
        p->ncols = p->field;
        if (p->id_col < 0 || p->title_col < 0)
            fail(p, p->ncols == 1 && p->sep_hint && p->sep_hint[0]
                        ? "header must name the columns movieId and title; line 1 has one "
                          "field"
                        : "header must name the columns movieId and title",
                 p->ncols == 1 && p->sep_hint && p->sep_hint[0] ? p->sep_hint : NULL);
    } else if (p->field != p->ncols) {
        char msg[96];
        snprintf(msg, sizeof msg, "%ld fields, expected %ld like the header", p->field,
                 p->ncols);
        fail(p, "wrong number of fields", msg);
    } else {
        add_record(p);
    }
    p->field = 0;
}

int trec_titles_parse(const char *name, const char *buf, size_t len, trec_titles *t,
                      trec_error *err)
{
    memset(t, 0, sizeof *t);
    if (trec_idmap_init(&t->ids, err) != 0)
        return -1;
    parse p = {.name = name, .t = t, .err = err, .id_col = -1, .title_col = -1};
    struct csv_parser csv;
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        trec_titles_free(t);
        return trec_fail(err, "%s: cannot initialise the CSV parser", name);
    }
    t->title_off = NULL;
    if (grow(t, 0, err) != 0)
        p.failed = 1;
    else
        t->title_off[0] = 0;
    /* Feed one line at a time to know where each record starts. */
    size_t pos = 0;
    while (!p.failed && pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        p.line++;
        if (csv.pstate == CSV_STATE_BETWEEN_RECORDS)
            p.rec_line = p.line;
        if (csv_parse(&csv, buf + pos, n, on_field, on_record, &p) != n && !p.failed) {
            p.rec_line = p.line;
            fail(&p, "malformed CSV", csv_strerror(csv_error(&csv)));
        }
        pos += n;
    }
    if (!p.failed && csv_fini(&csv, on_field, on_record, &p) != 0 && !p.failed)
        fail(&p, "malformed CSV (unterminated quoted field?)", NULL);
    if (!p.failed && !p.header_done) {
        p.rec_line = 1;
        fail(&p, "empty file: no header", NULL);
    }
    csv_free(&csv);
    free(p.id);
    free(p.title);
    if (p.failed) {
        trec_titles_free(t);
        return -1;
    }
    return 0;
}

int trec_titles_read(const char *path, trec_titles *t, trec_error *err)
{
    uint8_t *buf;
    size_t len;
    memset(t, 0, sizeof *t);
    if (trec_read_file(path, &buf, &len, err) != 0)
        return -1;
    int rc = trec_titles_parse(trec_display_name(path), (const char *)buf, len, t, err);
    free(buf);
    return rc;
}

void trec_titles_free(trec_titles *t)
{
    trec_idmap_free(&t->ids);
    free(t->title_off);
    free(t->line);
    free(t->blob);
    memset(t, 0, sizeof *t);
}

const char *trec_titles_find(const trec_titles *t, const char *id, size_t n, size_t *len)
{
    if (!t->count)
        return NULL;
    int64_t i = trec_idmap_find(&t->ids, id, n);
    if (i < 0)
        return NULL;
    *len = (size_t)(t->title_off[i + 1] - t->title_off[i]);
    return t->blob + t->title_off[i];
}

uint64_t trec_titles_find_title(const trec_titles *t, const char *title, size_t n,
                                const char **id, size_t *idlen)
{
    uint64_t matches = 0;
    trec_labels ids = trec_idmap_labels(&t->ids);
    for (uint64_t i = 0; i < t->count; i++) {
        size_t len = (size_t)(t->title_off[i + 1] - t->title_off[i]);
        if (len != n || memcmp(t->blob + t->title_off[i], title, n) != 0)
            continue;
        if (matches++ == 0)
            *id = trec_label(&ids, i, idlen);
    }
    return matches;
}

/* Latin-1 -> UTF-8: bytes 0x80..0xff become two bytes. */
static char *latin1_to_utf8(const char *buf, size_t len, size_t *out_len, trec_error *err)
{
    size_t n = len;
    for (size_t i = 0; i < len; i++)
        n += (unsigned char)buf[i] >= 0x80;
    char *o = trec_malloc(n + 1, err);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x80) {
            o[k++] = (char)c;
        } else {
            o[k++] = (char)(0xc0 | (c >> 6));
            o[k++] = (char)(0x80 | (c & 0x3f));
        }
    }
    o[k] = 0;
    *out_len = k;
    return o;
}

static const char *sep_string(const char *sep)
{
    static const char *const names[][2] = {
        {"tab", "\t"}, {"pipe", "|"}, {"semicolon", ";"}, {"comma", ","}, {"space", " "}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(sep, names[i][0]) == 0)
            return names[i][1];
    return sep;
}

/* Lines of separated fields, no quoting: id = field 1, title = field 2. */
static int parse_separated(const char *name, const char *buf, size_t len, const char *sep,
                           trec_titles *t, trec_error *err)
{
    memset(t, 0, sizeof *t);
    if (trec_idmap_init(&t->ids, err) != 0)
        return -1;
    parse p = {.name = name, .t = t, .err = err};
    size_t sl = strlen(sep);
    if (grow(t, 0, err) != 0)
        p.failed = 1;
    else
        t->title_off[0] = 0;
    for (size_t pos = 0; !p.failed && pos < len;) {
        const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        p.line++;
        p.rec_line = p.line;
        if (p.line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
            s += 3, n -= 3;
        if (n && s[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        const char *a = memmem(s, n, sep, sl);
        if (!a) {
            char msg[96];
            snprintf(msg, sizeof msg, "1 field, expected at least 2 (id%stitle)", sep);
            fail(&p, "wrong number of fields", msg);
            break;
        }
        const char *tb = a + sl, *te = memmem(tb, (size_t)(s + n - tb), sep, sl);
        if (!te)
            te = s + n;
        if (p.line == 1 && (size_t)(a - s) == 7 && strncasecmp(s, "movieId", 7) == 0)
            continue;   /* a header line */
        if (copy_field(&p, &p.id, &p.id_len, &p.id_cap, s, (size_t)(a - s)) != 0 ||
            copy_field(&p, &p.title, &p.title_len, &p.title_cap, tb, (size_t)(te - tb)) != 0)
            p.failed = 1;
        else
            add_record(&p);
    }
    free(p.id);
    free(p.title);
    if (p.failed) {
        trec_titles_free(t);
        return -1;
    }
    return 0;
}

int trec_titles_parse_opts(const char *name, const char *buf, size_t len,
                           const trec_titles_opts *o, trec_titles *t, trec_error *err)
{
    char *conv = NULL;
    if (o && o->latin1) {
        if (!(conv = latin1_to_utf8(buf, len, &len, err)))
            return -1;
        buf = conv;
    }
    const char *sep = o && o->sep ? sep_string(o->sep) : ",";
    int rc;
    if (!sep[0]) {
        memset(t, 0, sizeof *t);
        rc = trec_fail(err, "%s: empty title separator", name);
    } else if (strcmp(sep, ",") == 0) {
        rc = trec_titles_parse(name, buf, len, t, err);
    } else {
        rc = parse_separated(name, buf, len, sep, t, err);
    }
    free(conv);
    return rc;
}

int trec_titles_read_opts(const char *path, const trec_titles_opts *o, trec_titles *t,
                          trec_error *err)
{
    uint8_t *buf;
    size_t len;
    memset(t, 0, sizeof *t);
    if (trec_read_file(path, &buf, &len, err) != 0)
        return -1;
    int rc = trec_titles_parse_opts(trec_display_name(path), (const char *)buf, len, o, t,
                                    err);
    free(buf);
    return rc;
}
