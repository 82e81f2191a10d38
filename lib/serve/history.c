/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* history.c - histories of new users for fold-in (see history.h). */
#include "history.h"

#include <cjson/cJSON.h>
#include <csv.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "idmap.h"

typedef struct entry {
    uint32_t user, item;
    float value;
    uint64_t order;            /* input order: the last of duplicates wins */
} entry;

typedef struct builder {
    const trec_model *m;
    trec_history *hs;
    trec_idmap items, users;
    int have_item_map;
    entry *e;
    uint64_t n, cap;
    /* the current line's fields */
    char field[3][256];
    size_t flen[3];
    int nfields, truncated;
} builder;

static int64_t find_item(const builder *b, const char *s, size_t n)
{
    if (b->have_item_map)
        return trec_idmap_find(&b->items, s, n);
    /* a model without labels: ids are the internal indices 0, 1, ... */
    char buf[32], *end;
    if (n == 0 || n >= sizeof buf || !isdigit((unsigned char)s[0]))
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    return *end || v >= b->m->n_items ? -1 : (int64_t)v;
}

static int builder_init(builder *b, trec_history *hs, const trec_model *m, trec_error *err)
{
    memset(hs, 0, sizeof *hs);
    memset(b, 0, sizeof *b);
    b->m = m;
    b->hs = hs;
    b->have_item_map = m->item_labels.count > 0;
    if (b->have_item_map && trec_idmap_from_labels(&b->items, &m->item_labels, err) != 0)
        return -1;
    return trec_idmap_init(&b->users, err);
}

static void builder_free(builder *b)
{
    if (b->have_item_map)
        trec_idmap_free(&b->items);
    trec_idmap_free(&b->users);
    free(b->e);
}

static void note_unknown(builder *b, uint64_t line, const char *s, size_t n)
{
    trec_history *hs = b->hs;
    if (hs->unknown++ == 0) {
        hs->first_unknown_line = line;
        snprintf(hs->first_unknown, sizeof hs->first_unknown, "%.*s", (int)(n < 60 ? n : 60), s);
    }
}

static int add(builder *b, const char *user, size_t ulen, const char *item, size_t ilen,
               float value, uint64_t line, trec_error *err)
{
    int64_t it = find_item(b, item, ilen);
    uint32_t u;
    if (trec_idmap_intern(&b->users, user, ulen, &u, err) < 0)
        return -1;
    if (it < 0) {
        note_unknown(b, line, item, ilen);
        return 0;
    }
    if (b->n == b->cap) {
        uint64_t cap = b->cap ? 2 * b->cap : 64;
        entry *e = trec_realloc(b->e, cap * sizeof *e, err);
        if (!e)
            return -1;
        b->e = e;
        b->cap = cap;
    }
    b->e[b->n] = (entry){.user = u, .item = (uint32_t)it, .value = value, .order = b->n};
    b->n++;
    return 0;
}

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->user != b->user)
        return a->user < b->user ? -1 : 1;
    if (a->item != b->item)
        return a->item < b->item ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The CSR of the entries (users in order of appearance, items ascending,
 * the last of duplicates), and the user labels. */
static int finish(builder *b, trec_error *err)
{
    trec_history *hs = b->hs;
    uint64_t nu = b->users.count, n = 0;
    if (b->n)
        qsort(b->e, b->n, sizeof *b->e, cmp_entry);
    for (uint64_t i = 0; i < b->n; i++)
        n += i + 1 == b->n || b->e[i + 1].user != b->e[i].user || b->e[i + 1].item != b->e[i].item;
    if (trec_csr_alloc(&hs->h, nu, b->m->n_items, n, 0, err) != 0)
        return -1;
    uint64_t o = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        if (i + 1 < b->n && b->e[i + 1].user == b->e[i].user && b->e[i + 1].item == b->e[i].item)
            continue; /* a later value for the same item follows */
        hs->h.colidx[o] = b->e[i].item;
        hs->h.vals[o++] = b->e[i].value;
        hs->h.rowptr[b->e[i].user + 1] = o;
    }
    for (uint64_t u = 0; u < nu; u++) /* users without a known item: empty rows */
        if (hs->h.rowptr[u + 1] < hs->h.rowptr[u])
            hs->h.rowptr[u + 1] = hs->h.rowptr[u];
    hs->h.col_labels = b->m->item_labels;
    hs->users = (trec_labels){.count = b->users.count, .offsets = b->users.offsets,
                              .blob = b->users.blob};
    hs->owned[0] = b->users.offsets;
    hs->owned[1] = b->users.blob;
    b->users.offsets = NULL;
    b->users.blob = NULL;
    hs->h.row_labels = hs->users;
    return 0;
}

int trec_history_liked(trec_history *hs, const trec_model *m, const char *ids, trec_error *err)
{
    builder b;
    if (builder_init(&b, hs, m, err) != 0)
        return -1;
    int rc = 0;
    uint32_t u;
    rc = trec_idmap_intern(&b.users, "liked", 5, &u, err) < 0 ? -1 : 0;
    for (const char *p = ids; rc == 0;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n)
            rc = add(&b, "liked", 5, p, n, 1.0f, 0, err);
        if (!comma)
            break;
        p = comma + 1;
    }
    if (rc == 0)
        rc = finish(&b, err);
    builder_free(&b);
    if (rc != 0)
        trec_history_free(hs);
    return rc;
}

/* ---- history files ---- */

static void on_field(void *s, size_t n, void *ctx)
{
    builder *b = ctx;
    if (b->nfields < 3) {
        size_t keep = n < sizeof b->field[0] ? n : sizeof b->field[0] - 1;
        b->truncated |= keep < n;
        memcpy(b->field[b->nfields], s, keep);
        b->flen[b->nfields] = keep;
    }
    b->nfields++;
}

static int is_header(const builder *b)
{
    return b->flen[0] >= 4 && strncasecmp(b->field[0], "user", 4) == 0;
}

static int take_line(builder *b, const char *name, uint64_t line, trec_error *err)
{
    if (b->nfields == 0 || (line == 1 && is_header(b)))
        return 0;
    if (b->nfields < 2)
        return trec_fail(err, "%s: line %llu: expected user,item[,value]", name,
                         (unsigned long long)line);
    if (b->truncated)
        return trec_fail(err, "%s: line %llu: an id longer than 255 bytes", name,
                         (unsigned long long)line);
    float v = 1.0f;
    if (b->nfields >= 3) {
        char buf[256];
        memcpy(buf, b->field[2], b->flen[2]);
        buf[b->flen[2]] = 0;
        char *end;
        double d = strtod(buf, &end);
        if (end == buf || *end || !isfinite(d) || fabs(d) > 3e38)
            return trec_fail(err, "%s: line %llu: field 3 (value): '%s' is not a number", name,
                             (unsigned long long)line, buf);
        v = (float)d;
        b->hs->has_values = 1;
    }
    return add(b, b->field[0], b->flen[0], b->field[1], b->flen[1], v, line, err);
}

/* Each line through libcsv on its own (a history has no multi-line fields). */
static int parse_lines(builder *b, const char *name, const char *buf, size_t len,
                       trec_error *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return trec_fail(err, "out of memory");
    uint64_t line = 0;
    int rc = 0;
    for (size_t at = 0; at < len && rc == 0;) {
        const char *nl = memchr(buf + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (buf + at)) : len - at;
        line++;
        b->nfields = 0;
        b->truncated = 0;
        if (csv_parse(&p, buf + at, n, on_field, NULL, b) != n ||
            csv_fini(&p, on_field, NULL, b) != 0)
            rc = trec_fail(err, "%s: line %llu: malformed CSV (%s)", name,
                           (unsigned long long)line, csv_strerror(csv_error(&p)));
        else
            rc = take_line(b, name, line, err);
        at += n + 1;
    }
    csv_free(&p);
    return rc;
}

int trec_history_parse(trec_history *hs, const trec_model *m, const char *name,
                       const char *buf, size_t len, trec_error *err)
{
    builder b;
    int rc = builder_init(&b, hs, m, err);
    if (rc == 0)
        rc = parse_lines(&b, name, buf, len, err);
    if (rc == 0 && b.users.count == 0)
        rc = trec_fail(err, "%s: no history (lines user,item[,value])", name);
    if (rc == 0)
        rc = finish(&b, err);
    builder_free(&b);
    if (rc != 0)
        trec_history_free(hs);
    return rc;
}

int trec_history_read(trec_history *hs, const trec_model *m, const char *path, trec_error *err)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (trec_read_file(path, &buf, &len, err) != 0) {
        memset(hs, 0, sizeof *hs);
        return -1;
    }
    int rc = trec_history_parse(hs, m, trec_display_name(path), (const char *)buf, len, err);
    free(buf);
    return rc;
}

void trec_history_free(trec_history *hs)
{
    trec_csr_free(&hs->h);
    free(hs->owned[0]);
    free(hs->owned[1]);
    memset(hs, 0, sizeof *hs);
}

/* ---- weights ---- */

int trec_history_weights(trec_history *hs, const trec_model *m, trec_error *err)
{
    (void)err;
    trec_history_weigh(&hs->h, m, hs->has_values);
    return 0;
}

int trec_history_from_csr(trec_csr *out, const trec_csr *m, trec_error *err)
{
    if (trec_csr_alloc(out, m->rows, m->cols, m->nnz, 0, err) != 0)
        return -1;
    memcpy(out->rowptr, m->rowptr, (m->rows + 1) * sizeof *m->rowptr);
    memcpy(out->colidx, m->colidx, m->nnz * sizeof *m->colidx);
    memcpy(out->vals, m->vals, m->nnz * sizeof *m->vals);
    trec_csr_share_labels(out, m);
    return 0;
}

void trec_history_weigh(trec_csr *h, const trec_model *m, int has_values)
{
    cJSON *meta = m->meta_json ? cJSON_Parse(m->meta_json) : NULL;
    const cJSON *min = cJSON_GetObjectItemCaseSensitive(meta, "min_rating");
    const cJSON *other = cJSON_GetObjectItemCaseSensitive(meta, "other_weight");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(meta, "values");
    int has_min = cJSON_IsNumber(min), raw = cJSON_IsString(values) &&
                                             strcmp(values->valuestring, "raw") == 0;
    double w_other = cJSON_IsNumber(other) ? other->valuedouble : 0;
    int weighted = cJSON_IsString(values); /* trained on weights (als, ease, sgd) */
    if (!has_values) /* positives only */
        has_min = 0, raw = 0;
    uint64_t o = 0;
    for (uint64_t u = 0; u < h->rows; u++) {
        uint64_t a = h->rowptr[u], b = h->rowptr[u + 1];
        for (uint64_t e = a; e < b; e++) {
            float v = h->vals[e];
            int kept = !has_min || (double)v >= min->valuedouble;
            float w = !weighted ? (kept ? v : 0) : !kept ? (float)w_other : raw ? v : 1.0f;
            if (w == 0.0f)
                continue;
            h->colidx[o] = h->colidx[e];
            h->vals[o++] = w;
        }
        h->rowptr[u + 1] = o;
    }
    h->nnz = o;
    cJSON_Delete(meta);
}

/* Row of x for raw user id s: by label, or by number when x has none. */
static int64_t row_of(const trec_csr *x, const trec_idmap *rows, const char *s, size_t n)
{
    if (x->row_labels.count)
        return trec_idmap_find(rows, s, n);
    char buf[32], *end;
    if (n == 0 || n >= sizeof buf || !isdigit((unsigned char)s[0]))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    unsigned long long r = strtoull(buf, &end, 10);
    return *end == '\0' && r < x->rows ? (int64_t)r : -1;
}

int trec_history_rows_of(trec_csr *out, const trec_history *hs, const trec_csr *x,
                         trec_error *err)
{
    trec_idmap rows;
    if (x->row_labels.count && trec_idmap_from_labels(&rows, &x->row_labels, err) != 0)
        return -1;
    uint64_t n = hs->users.count, nnz = 0;
    int64_t *src = trec_malloc((n ? n : 1) * sizeof *src, err);
    int rc = -1;
    if (!src)
        goto done;
    for (uint64_t u = 0; u < n; u++) {
        size_t len;
        const char *s = trec_label(&hs->users, u, &len);
        src[u] = row_of(x, &rows, s, len);
        if (src[u] >= 0)
            nnz += x->rowptr[src[u] + 1] - x->rowptr[src[u]];
    }
    if (trec_csr_alloc(out, n, x->cols, nnz, 0, err) != 0)
        goto done;
    uint64_t o = 0;
    for (uint64_t u = 0; u < n; u++) {
        if (src[u] >= 0) {
            uint64_t a = x->rowptr[src[u]], b = x->rowptr[src[u] + 1];
            memcpy(out->colidx + o, x->colidx + a, (b - a) * sizeof *out->colidx);
            memcpy(out->vals + o, x->vals + a, (b - a) * sizeof *out->vals);
            o += b - a;
        }
        out->rowptr[u + 1] = o;
    }
    rc = 0;
done:
    free(src);
    if (x->row_labels.count)
        trec_idmap_free(&rows);
    return rc;
}
