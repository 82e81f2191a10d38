/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* idlist.c - raw ids one a line (see idlist.h). */
#include "idlist.h"

#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "idmap.h"

#define MAX_ID 256

int trec_idlist_parse(const char *name, const char *buf, size_t len, trec_idlist *l,
                      trec_error *err)
{
    memset(l, 0, sizeof *l);
    uint64_t cap = 16, n = 0, lineno = 0;
    l->offsets = trec_malloc((cap + 1) * sizeof *l->offsets, err);
    l->line = trec_malloc(cap * sizeof *l->line, err);
    l->blob = trec_malloc(len + 1, err);
    if (!l->offsets || !l->line || !l->blob)
        goto fail;
    l->offsets[0] = 0;
    size_t used = 0;
    for (size_t p = 0; p < len;) {
        const char *s = buf + p;
        const char *nl = memchr(s, '\n', len - p);
        size_t n_line = nl ? (size_t)(nl - s) : len - p;
        p += n_line + (nl ? 1 : 0);
        lineno++;
        size_t a = 0, b = n_line;
        if (lineno == 1 && b >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
            a = 3;  /* a UTF-8 byte-order mark */
        while (b > a && (s[b - 1] == '\r' || s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        if (a == b || s[a] == '#')
            continue;
        const char *why = b - a > MAX_ID ? "longer than 256 bytes"
                                         : trec_label_problem(s + a, b - a);
        if (why) {
            trec_fail(err, "%s:%llu: bad id (%s)", name, (unsigned long long)lineno, why);
            goto fail;
        }
        if (n == cap) {
            cap *= 2;
            uint64_t *o = trec_realloc(l->offsets, (cap + 1) * sizeof *o, err);
            if (!o)
                goto fail;
            l->offsets = o;
            uint64_t *li = trec_realloc(l->line, cap * sizeof *li, err);
            if (!li)
                goto fail;
            l->line = li;
        }
        memcpy(l->blob + used, s + a, b - a);
        used += b - a;
        l->line[n] = lineno;
        l->offsets[++n] = used;
    }
    l->ids = (trec_labels){.count = n, .offsets = l->offsets, .blob = l->blob};
    return 0;
fail:
    trec_idlist_free(l);
    return -1;
}

int trec_idlist_read(const char *path, trec_idlist *l, trec_error *err)
{
    uint8_t *buf;
    size_t len;
    memset(l, 0, sizeof *l);
    if (trec_read_file(path, &buf, &len, err) != 0)
        return -1;
    int rc = trec_idlist_parse(trec_display_name(path), (const char *)buf, len, l, err);
    free(buf);
    return rc;
}

void trec_idlist_free(trec_idlist *l)
{
    free(l->offsets);
    free(l->line);
    free(l->blob);
    memset(l, 0, sizeof *l);
}

/* An index written in decimal, below n: its value, else -1. */
static int64_t index_of(const char *s, size_t len, uint64_t n)
{
    if (len == 0 || len > 19 || (s[0] == '0' && len > 1))
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v < n ? (int64_t)v : -1;
}

int trec_idlist_lookup(const trec_idlist *l, const trec_labels *labels, uint64_t n,
                       int64_t **idx, uint64_t *unknown, int64_t *first_unknown,
                       trec_error *err)
{
    uint64_t count = l->ids.count;
    *unknown = 0;
    *first_unknown = -1;
    *idx = trec_malloc((count ? count : 1) * sizeof **idx, err);
    if (!*idx)
        return -1;
    trec_idmap map;
    if (labels->count && trec_idmap_from_labels(&map, labels, err) != 0) {
        free(*idx);
        *idx = NULL;
        return -1;
    }
    for (uint64_t i = 0; i < count; i++) {
        size_t len;
        const char *s = trec_label(&l->ids, i, &len);
        (*idx)[i] = labels->count ? trec_idmap_find(&map, s, len) : index_of(s, len, n);
        if ((*idx)[i] < 0 && (*unknown)++ == 0)
            *first_unknown = (int64_t)i;
    }
    if (labels->count)
        trec_idmap_free(&map);
    return 0;
}
