/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_features.c - item features (genres) -> multi-hot CSR, optionally aligned
 * to the items of a ratings matrix. Feature files are small (one line per
 * item), so this reads them in one thread with the ingest block reader. */
#include "ingest_features.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "idmap.h"
#include "ingest.h"
#include "ingest_config.h"
#include "ingest_reader.h"
#include "number.h"

void trec_features_opts_init(trec_features_opts *o)
{
    memset(o, 0, sizeof *o);
    o->header = -1;
}

typedef struct fstate {
    const char *name;
    const trec_ingest_dialect *d;
    const trec_features_opts *o;
    const char *id_spec, *feat_spec, *val_spec, *fsep;
    size_t fsep_len;
    int configured, header, idc, fc, vc;   /* vc: --feature-value column, or -1 */
    size_t nf, maxstore;
    uint64_t base;            /* absolute line of the current block's start */
    trec_idmap movies, feats;
    uint64_t *mline;          /* line of each item */
    uint64_t *fptr;           /* by build(): item i's features are fidx[fptr[i] .. fptr[i+1]) */
    uint32_t *fidx;           /* feature ids in file order, ... */
    uint32_t *fitem;          /* ... and the item each belongs to; with
                               * --feature-value also: */
    float *fval;              /* the value of each, ... */
    uint64_t *fline;          /* ... and the line it came from */
    size_t mcap, fn, fcap;
    uint32_t tok[4096];       /* feature ids of the current record */
    trec_features_stats *st;
    int nflags;               /* --feature-flags: flag columns (0-based) */
    int flag_col[TREC_INGEST_MAX_FIELDS];
    int only01;               /* every feature name so far is "0" or "1" */
    size_t line1_01;          /* fields of line 1 that are "0" or "1" */
} fstate;

__attribute__((format(printf, 4, 5)))
static int bad(fstate *s, uint64_t line, trec_error *err, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!s->o->skip_bad)
        return trec_fail(err, "%s", msg);
    if (s->st->nwarnings < TREC_FEATURES_WARNINGS)
        snprintf(s->st->warnings[s->st->nwarnings++], sizeof s->st->warnings[0],
                 "%s:%llu: %s", s->name, (unsigned long long)(s->base + line), msg);
    s->st->skipped++;
    return 0;
}

/* A column spec: a 1-based number, or a name looked up in the first record. */
static int resolve(fstate *s, const char *opt, const char *spec, const trec_ingest_field *f,
                   size_t nf, uint64_t line, int *col, trec_error *err)
{
    if (trec_ingest_column_spec(opt, spec, 0, col, err) != 0)
        return -1;
    if (*col == TREC_INGEST_COL_BY_NAME) {
        if (!s->header)
            return trec_fail(err, "%s %s: columns given by name need a header "
                             "line, but --no-header was given", opt, spec);
        size_t n = strlen(spec), i = 0;
        size_t k = nf < TREC_INGEST_MAX_FIELDS ? nf : TREC_INGEST_MAX_FIELDS;
        while (i < k && !(f[i].n == n && memcmp(f[i].p, spec, n) == 0))
            i++;
        if (i == k)
            return trec_fail(err, "%s:%llu: %s %s: no column of that name in the "
                             "header line%s", s->name,
                             (unsigned long long)(s->base + line), opt, spec,
                             nf == 1 ? trec_ingest_sep_hint(f[0].p, f[0].n, s->d) : "");
        *col = (int)i;
    }
    if ((size_t)*col >= nf)
        return trec_fail(err, "%s:%llu: %s %s: line %llu has %zu field%s%s", s->name,
                         (unsigned long long)(s->base + line), opt, spec,
                         (unsigned long long)(s->base + line), nf, nf == 1 ? "" : "s",
                         nf == 1 ? trec_ingest_sep_hint(f[0].p, f[0].n, s->d) : "");
    return 0;
}

static int is_number(const char *s)
{
    return s[0] && strspn(s, "0123456789") == strlen(s);
}

int trec_features_opts_check(const trec_features_opts *o, trec_error *err)
{
    trec_ingest_dialect d;
    const char *id = o->id_col ? o->id_col : "movieId";
    const char *feat = o->feature_col ? o->feature_col : o->feature_flags ? "2" : "genres";
    int ic, fc;
    if (trec_ingest_dialect_init(&d, o->sep, o->quote, err) != 0 ||
        trec_ingest_column_spec("--id-col", id, 0, &ic, err) != 0 ||
        trec_ingest_column_spec("--feature-col", feat, 0, &fc, err) != 0)
        return -1;
    if (o->feature_sep && !o->feature_sep[0])
        return trec_fail(err, "the feature separator is empty");
    if (o->feature_flags && (o->feature_col || o->feature_sep))
        return trec_fail(err, "--feature-flags replaces --feature-col and --feature-sep");
    if (o->feature_flags && !o->feature_flags[0])
        return trec_fail(err, "--feature-flags: empty list of columns");
    int vcol = -1;
    if (o->feature_value) {
        if (o->feature_flags)
            return trec_fail(err, "--feature-value goes with --feature-col (a feature and "
                             "its value a line), not with --feature-flags (columns of 0 "
                             "or 1)");
        if (trec_ingest_column_spec("--feature-value", o->feature_value, 0, &vcol, err) != 0)
            return -1;
        if (o->header == 0 && vcol == TREC_INGEST_COL_BY_NAME)
            return trec_fail(err, "--feature-value %s: columns given by name need a header "
                             "line, but --no-header was given", o->feature_value);
        if ((vcol >= 0 && (vcol == ic || vcol == fc)) ||
            (vcol == TREC_INGEST_COL_BY_NAME &&
             (strcmp(o->feature_value, id) == 0 || strcmp(o->feature_value, feat) == 0)))
            return trec_fail(err, "--feature-value %s is also the %s column",
                             o->feature_value,
                             (vcol >= 0 ? vcol == ic : strcmp(o->feature_value, id) == 0)
                                 ? "id" : "feature");
    }
    if (o->header == 0 && (ic == TREC_INGEST_COL_BY_NAME || fc == TREC_INGEST_COL_BY_NAME))
        return trec_fail(err, "columns given by name (%s, %s) need a header line, "
                         "but --no-header was given; give --id-col and "
                         "--feature-col as numbers", id, feat);
    if (!o->feature_flags &&
        ((ic >= 0 && ic == fc) || (ic == TREC_INGEST_COL_BY_NAME && strcmp(id, feat) == 0)))
        return trec_fail(err, "the id and feature columns are the same (%s)", feat);
    return 0;
}

/* --feature-flags: its columns (numbers, ranges A-B, names) in s->flag_col
 * and their names interned as the features, in order. */
static int flag_columns(fstate *s, const trec_ingest_field *f, size_t nf, uint64_t line,
                        trec_error *err)
{
    const char *p = s->o->feature_flags;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char item[300];
        if (n == 0 || n >= sizeof item)
            return trec_fail(err, "--feature-flags: empty or too long item in '%s'",
                             s->o->feature_flags);
        memcpy(item, p, n);
        item[n] = 0;
        p += n + (comma ? 1 : 0);
        long a, b;
        char *end;
        a = strtol(item, &end, 10);
        if (end != item && *end == '-' && end[1]) {
            b = strtol(end + 1, &end, 10);
            if (*end || a < 1 || b < a || b > TREC_INGEST_MAX_FIELDS)
                return trec_fail(err, "--feature-flags: bad range '%s'", item);
        } else if (end != item && !*end) {
            b = a;
        } else {
            int c;
            if (resolve(s, "--feature-flags", item, f, nf, line, &c, err) != 0)
                return -1;
            a = b = c + 1;
        }
        for (long c = a; c <= b; c++) {
            if (s->nflags == TREC_INGEST_MAX_FIELDS)
                return trec_fail(err, "--feature-flags: too many columns");
            if ((size_t)(c - 1) >= nf)
                return trec_fail(err, "%s:%llu: --feature-flags: column %ld does not exist: "
                                 "line %llu has %zu field%s%s", s->name,
                                 (unsigned long long)(s->base + line), c,
                                 (unsigned long long)(s->base + line), nf, nf == 1 ? "" : "s",
                                 nf == 1 ? trec_ingest_sep_hint(f[0].p, f[0].n, s->d) : "");
            if (c - 1 == s->idc)
                return trec_fail(err, "--feature-flags: column %ld is the id column", c);
            for (int k = 0; k < s->nflags; k++)
                if (s->flag_col[k] == c - 1)
                    return trec_fail(err, "--feature-flags: column %ld given twice", c);
            s->flag_col[s->nflags++] = (int)(c - 1);
        }
    }
    for (int k = 0; k < s->nflags; k++) {
        char name[300];
        size_t n;
        const trec_ingest_field *h = &f[s->flag_col[k]];
        if (s->header && h->n > 0 && h->n <= TREC_INGEST_MAX_ID &&
            !trec_label_problem(h->p, h->n)) {
            memcpy(name, h->p, h->n);
            n = h->n;
        } else {
            n = (size_t)snprintf(name, sizeof name, "col%d", s->flag_col[k] + 1);
        }
        uint32_t id;
        int added = trec_idmap_intern(&s->feats, name, n, &id, err);
        if (added < 0)
            return -1;
        if (!added)
            return trec_fail(err, "%s:%llu: --feature-flags: two columns named '%.*s'",
                             s->name, (unsigned long long)(s->base + line), (int)n, name);
    }
    return 0;
}

/* The first record: header or not, and which columns. */
static int configure(fstate *s, const trec_ingest_field *f, size_t nf, uint64_t line,
                     trec_error *err)
{
    for (size_t i = 0; i < nf && i < TREC_INGEST_MAX_FIELDS; i++)
        s->line1_01 += f[i].n == 1 && (f[i].p[0] == '0' || f[i].p[0] == '1');
    int named = !is_number(s->id_spec) || (s->val_spec && !is_number(s->val_spec)) ||
                (s->o->feature_flags ? strspn(s->o->feature_flags, "0123456789,-") !=
                                           strlen(s->o->feature_flags)
                                     : !is_number(s->feat_spec));
    s->header = s->o->header;
    if (s->header < 0) {
        /* With columns given by number: a header iff line 1's id field is a
         * usual id column name. */
        s->header = named;
        if (!named) {
            long c = atol(s->id_spec) - 1;
            static const char *const names[] = {"movieid", "itemid", "item_id",
                                                "movie_id", "item", "movie", "id"};
            if (c >= 0 && (size_t)c < nf && (size_t)c < TREC_INGEST_MAX_FIELDS)
                for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                    if (f[c].n == strlen(names[i]) &&
                        strncasecmp(f[c].p, names[i], f[c].n) == 0)
                        s->header = 1;
        }
    }
    s->st->header = s->header;
    if (s->o->feature_flags) {
        if (resolve(s, "--id-col", s->id_spec, f, nf, line, &s->idc, err) != 0 ||
            flag_columns(s, f, nf, line, err) != 0)
            return -1;
        s->fc = s->idc;
        for (int k = 0; k < s->nflags; k++)
            s->fc = s->flag_col[k] > s->fc ? s->flag_col[k] : s->fc;
        s->nf = nf;
        s->maxstore = (size_t)s->fc + 1;
        s->configured = 1;
        return 0;
    }
    if (resolve(s, "--id-col", s->id_spec, f, nf, line, &s->idc, err) != 0 ||
        resolve(s, "--feature-col", s->feat_spec, f, nf, line, &s->fc, err) != 0)
        return -1;
    if (s->idc == s->fc)
        return trec_fail(err, "the id and feature columns are the same (%d)", s->idc + 1);
    s->nf = nf;
    s->maxstore = (size_t)(s->idc > s->fc ? s->idc : s->fc) + 1;
    if (s->val_spec) {
        if (resolve(s, "--feature-value", s->val_spec, f, nf, line, &s->vc, err) != 0)
            return -1;
        if (s->vc == s->idc || s->vc == s->fc)
            return trec_fail(err, "--feature-value %s is also the %s column (%d)",
                             s->val_spec, s->vc == s->idc ? "id" : "feature", s->vc + 1);
        if ((size_t)s->vc + 1 > s->maxstore)
            s->maxstore = (size_t)s->vc + 1;
    }
    s->configured = 1;
    return 0;
}

static int grow_items(fstate *s, trec_error *err)
{
    size_t cap = s->mcap ? s->mcap * 2 : 1024;
    uint64_t *ml = trec_realloc(s->mline, cap * 8, err);
    if (!ml)
        return -1;
    s->mline = ml;
    uint64_t *fp = trec_realloc(s->fptr, (cap + 1) * 8, err);
    if (!fp)
        return -1;
    s->fptr = fp;
    s->mcap = cap;
    return 0;
}

/* The --feature-value field of a record into *v: 1 when good, else bad()'s
 * result. */
static int read_value(fstate *s, const trec_ingest_field *x, uint64_t line, float *v,
                      trec_error *err)
{
    int r = x->n == 0 ? TREC_NUM_SYNTAX : trec_parse_float(x->p, x->n, v);
    const char *why = x->n == 0 ? "is empty (a number is expected)"
                      : r == TREC_NUM_SYNTAX ? "is not a number (a finite decimal number "
                                               "is expected)"
                      : r == TREC_NUM_RANGE ? "is out of range (beyond float range)"
                      : trec_float_underflows(*v, x->p, x->n)
                          ? "is not 0 but too small for a float (below 1.18e-38)"
                          : NULL;
    if (!why)
        return 1;
    char show[64];
    trec_ingest_show(show, sizeof show, x->p, x->n);
    return bad(s, line, err, "column %d (value): '%s' %s", s->vc + 1, show, why);
}

static int grow_entries(fstate *s, size_t need, trec_error *err)
{
    size_t cap = s->fcap ? s->fcap * 2 : 4096;
    while (cap < need)
        cap *= 2;
    uint32_t *fi = trec_realloc(s->fidx, cap * 4, err);
    if (!fi)
        return -1;
    s->fidx = fi;
    uint32_t *it = trec_realloc(s->fitem, cap * 4, err);
    if (!it)
        return -1;
    s->fitem = it;
    if (s->vc >= 0) {
        float *fv = trec_realloc(s->fval, cap * sizeof *fv, err);
        if (!fv)
            return -1;
        s->fval = fv;
        uint64_t *fl = trec_realloc(s->fline, cap * 8, err);
        if (!fl)
            return -1;
        s->fline = fl;
    }
    s->fcap = cap;
    return 0;
}

static int on_item(void *ctx, const trec_ingest_field *f, size_t nf, uint64_t line,
                   trec_error *err)
{
    fstate *s = ctx;
    size_t ntok_flags = 0;
    float value = 1.0f;
    if (!s->configured) {
        if (configure(s, f, nf, line, err) != 0)
            return -1;
        if (s->header)
            return 0;
    }
    s->st->items++;
    if (nf != s->nf)
        return bad(s, line, err, "%zu fields, expected %zu (as on line 1)", nf, s->nf);
    const trec_ingest_field *id = &f[s->idc], *ft = &f[s->fc];
    char show[64];
    if (s->nflags) {
        /* One-hot flags: feature k when its column is 1. */
        ntok_flags = 0;
        for (int k = 0; k < s->nflags; k++) {
            const trec_ingest_field *v = &f[s->flag_col[k]];
            const char *a = v->p, *e = v->p + v->n;
            while (a < e && (*a == ' ' || *a == '\t'))
                a++;
            while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            if (e - a == 1 && *a == '1')
                s->tok[ntok_flags++] = (uint32_t)k;
            else if (!(a == e || (e - a == 1 && *a == '0'))) {
                char vs[64];
                trec_ingest_show(vs, sizeof vs, v->p, v->n);
                return bad(s, line, err, "column %d (flag): '%s' is not 0 or 1",
                           s->flag_col[k] + 1, vs);
            }
        }
    }
    trec_ingest_show(show, sizeof show, id->p, id->n);
    if (id->n > TREC_INGEST_MAX_ID)
        return bad(s, line, err, "column %d (id): id too long (%zu bytes, at most %d)",
                   s->idc + 1, id->n, TREC_INGEST_MAX_ID);
    const char *why = trec_label_problem(id->p, id->n);
    if (why)
        return id->n == 0 ? bad(s, line, err, "column %d (id): empty id", s->idc + 1)
                          : bad(s, line, err, "column %d (id): bad id '%s' (%s)",
                                s->idc + 1, show, why);
    int64_t prev = trec_idmap_find(&s->movies, id->p, id->n);
    if (prev >= 0 && !s->o->merge_ids)
        return bad(s, line, err, "column %d (id): duplicate id '%s' (first on line %llu)",
                   s->idc + 1, show, (unsigned long long)s->mline[prev]);
    if (s->vc >= 0) {
        int r = read_value(s, &f[s->vc], line, &value, err);
        if (r != 1)
            return r;
    }
    /* Check every name before adding any, so a skipped record leaves no trace. */
    size_t ntok = 0;
    for (int pass = s->nflags ? 2 : 0; pass < 2; pass++) {
        const char *p = ft->p, *end = ft->p + ft->n;
        while (p <= end) {
            const char *q = s->fsep_len == 1 ? memchr(p, s->fsep[0], (size_t)(end - p))
                                             : memmem(p, (size_t)(end - p), s->fsep,
                                                      s->fsep_len);
            const char *e = q ? q : end, *a = p;
            p = q ? q + s->fsep_len : end + 1;
            while (a < e && (*a == ' ' || *a == '\t'))
                a++;
            while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            if (a == e)
                continue;   /* empty names ("a||b", an empty field) are ignored */
            size_t n = (size_t)(e - a);
            if (pass == 0 && !(n == 1 && (*a == '0' || *a == '1')))
                s->only01 = 0;
            if (pass == 0) {
                const char *fwhy = n > TREC_INGEST_MAX_ID ? "longer than 256 bytes"
                                                          : trec_label_problem(a, n);
                if (fwhy) {
                    char fs[64];
                    trec_ingest_show(fs, sizeof fs, a, n);
                    return bad(s, line, err, "column %d (features): bad feature "
                               "name '%s' (%s)", s->fc + 1, fs, fwhy);
                }
                if (++ntok > sizeof s->tok / sizeof s->tok[0])
                    return bad(s, line, err, "column %d (features): more than %zu "
                               "features", s->fc + 1, sizeof s->tok / sizeof s->tok[0]);
            } else if (trec_idmap_intern(&s->feats, a, n, &s->tok[ntok++], err) < 0) {
                return -1;
            }
        }
        if (pass == 0)
            ntok = 0;
    }
    if (s->nflags)
        ntok = ntok_flags;
    if (value == 0.0f)
        ntok = 0;   /* names interned (the feature exists), no entry stored */
    uint32_t mid;
    if (s->movies.count == s->mcap && grow_items(s, err) != 0)
        return -1;
    int added = trec_idmap_intern(&s->movies, id->p, id->n, &mid, err);
    if (added < 0)
        return -1;
    if (s->fn + ntok > s->fcap && grow_entries(s, s->fn + ntok, err) != 0)
        return -1;
    for (size_t k = 0; k < ntok; k++) {
        s->fidx[s->fn + k] = s->tok[k];
        s->fitem[s->fn + k] = mid;
        if (s->vc >= 0) {
            s->fval[s->fn + k] = value;
            s->fline[s->fn + k] = s->base + line;
        }
    }
    s->fn += ntok;
    if (added)
        s->mline[mid] = s->base + line;
    return 0;
}

/* Groups the (item, feature) pairs by item, keeping file order within an
 * item (a counting sort): item m's features become fidx[fptr[m] ..
 * fptr[m+1]). */
static int group_by_item(fstate *s, uint64_t nm, trec_error *err)
{
    memset(s->fptr, 0, (nm + 1) * sizeof *s->fptr);
    for (size_t k = 0; k < s->fn; k++)
        s->fptr[s->fitem[k] + 1]++;
    for (uint64_t m = 0; m < nm; m++)
        s->fptr[m + 1] += s->fptr[m];
    size_t n = s->fn ? s->fn : 1;
    int vals = s->vc >= 0;
    uint32_t *sorted = trec_malloc(n * 4, err);
    float *sval = vals && sorted ? trec_malloc(n * sizeof *sval, err) : NULL;
    uint64_t *sline = sval ? trec_malloc(n * 8, err) : NULL;
    uint64_t *next = (!vals || sline) && sorted ? trec_malloc((nm + 1) * 8, err) : NULL;
    if (!next) {
        free(sorted);
        free(sval);
        free(sline);
        return -1;
    }
    memcpy(next, s->fptr, (nm + 1) * 8);
    for (size_t k = 0; k < s->fn; k++) {
        uint64_t to = next[s->fitem[k]]++;
        sorted[to] = s->fidx[k];
        if (vals) {
            sval[to] = s->fval[k];
            sline[to] = s->fline[k];
        }
    }
    free(next);
    free(s->fidx);
    s->fidx = sorted;
    if (vals) {
        free(s->fval);
        free(s->fline);
        s->fval = sval;
        s->fline = sline;
    }
    return 0;
}

static int cmp_label(const void *a, const void *b, void *ctx)
{
    const trec_labels *l = ctx;
    size_t na, nb;
    const char *sa = trec_label(l, *(const uint32_t *)a, &na);
    const char *sb = trec_label(l, *(const uint32_t *)b, &nb);
    int c = memcmp(sa, sb, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Item m's features as sorted, distinct column numbers (rank[] maps a
 * feature id to its column, order[] back): entries a .. b, moved down to fidx[*w ..] (and
 * fval, fline with values); tk, tv, tl hold the item's entries meanwhile.
 * A feature twice is one entry; with values, twice on different lines is an
 * error. */
static int sort_item(fstate *s, uint64_t m, uint64_t a, uint64_t b, const uint32_t *rank,
                     const uint32_t *order, uint64_t *tk, float *tv, uint64_t *tl,
                     uint64_t *w, trec_error *err)
{
    uint64_t kept = 0;
    int vals = s->vc >= 0;
    for (uint64_t k = a; k < b; k++)
        tk[k - a] = (uint64_t)rank[s->fidx[k]] << 32 | (k - a);
    if (b - a > 1)
        qsort(tk, b - a, 8, cmp_u64);
    for (uint64_t i = 0; i < b - a; i++) {
        uint64_t src = a + (tk[i] & 0xffffffffu);
        if (kept > 0 && tk[kept - 1] >> 32 == tk[i] >> 32) {
            uint64_t first = a + (tk[kept - 1] & 0xffffffffu);
            if (vals && s->fline[src] != s->fline[first]) {
                size_t fn, in;
                trec_labels fl = trec_idmap_labels(&s->feats);
                trec_labels il = trec_idmap_labels(&s->movies);
                const char *fs = trec_label(&fl, order[tk[i] >> 32], &fn);
                const char *is = trec_label(&il, m, &in);
                return trec_fail(err, "%s:%llu: feature '%.*s' of id '%.*s' again, with "
                                 "a value (first on line %llu)", s->name,
                                 (unsigned long long)s->fline[src], (int)fn, fs, (int)in,
                                 is, (unsigned long long)s->fline[first]);
            }
            continue;   /* the earlier one stands */
        }
        tk[kept++] = tk[i];
    }
    if (vals)
        for (uint64_t i = 0; i < kept; i++) {
            uint64_t src = a + (tk[i] & 0xffffffffu);
            tv[i] = s->fval[src];
            tl[i] = s->fline[src];
        }
    for (uint64_t i = 0; i < kept; i++) {
        s->fidx[*w + i] = (uint32_t)(tk[i] >> 32);
        if (vals) {
            s->fval[*w + i] = tv[i];
            s->fline[*w + i] = tl[i];
        }
    }
    *w += kept;
    return 0;
}

/* Copies labels into blocks owned by m. */
static int own_labels(trec_csr *m, const trec_labels *src, trec_labels *dst,
                      const uint32_t *order, trec_error *err)
{
    uint64_t n = src->count, bytes = src->count ? src->offsets[n] - src->offsets[0] : 0;
    uint64_t *off = trec_malloc((n + 1) * 8, err);
    char *blob = off ? trec_malloc(bytes, err) : NULL;
    if (!blob) {
        free(off);
        return -1;
    }
    off[0] = 0;
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        const char *s = trec_label(src, order ? order[i] : i, &len);
        memcpy(blob + off[i], s, len);
        off[i + 1] = off[i] + len;
    }
    dst->count = n;
    dst->offsets = off;
    dst->blob = blob;
    int rc = trec_csr_own(m, off, err);
    return trec_csr_own(m, blob, err) | rc;
}

static int build(fstate *s, const trec_labels *align, trec_csr *out, trec_error *err)
{
    uint64_t nm = s->movies.count, nfeat = s->feats.count;
    trec_labels fl = trec_idmap_labels(&s->feats);
    uint32_t *order = trec_malloc((nfeat + 1) * 4, err);
    uint32_t *rank = trec_malloc((nfeat + 1) * 4, err);
    int64_t *rowmovie = NULL;
    uint8_t *used = NULL;
    uint64_t *tk = NULL, *tl = NULL;
    float *tv = NULL;
    int rc = -1;
    if (!order || !rank || group_by_item(s, nm, err) != 0)
        goto done;
    for (uint32_t i = 0; i < nfeat; i++)
        order[i] = i;
    if (!s->nflags)   /* flag columns keep the order given */
        qsort_r(order, nfeat, 4, cmp_label, &fl);
    for (uint32_t i = 0; i < nfeat; i++)
        rank[order[i]] = i;
    /* Each item's features as sorted, distinct column numbers. */
    uint64_t w = 0, most = 1;
    for (uint64_t m = 0; m < nm; m++)
        most = s->fptr[m + 1] - s->fptr[m] > most ? s->fptr[m + 1] - s->fptr[m] : most;
    tk = trec_malloc(most * 8, err);
    tv = tk && s->vc >= 0 ? trec_malloc(most * sizeof *tv, err) : NULL;
    tl = tv ? trec_malloc(most * 8, err) : NULL;
    if (!tk || (s->vc >= 0 && !tl))
        goto done;
    for (uint64_t m = 0; m < nm; m++) {
        uint64_t a = s->fptr[m], b = s->fptr[m + 1];
        s->fptr[m] = w;   /* w <= a: entries only move down */
        if (sort_item(s, m, a, b, rank, order, tk, tv, tl, &w, err) != 0)
            goto done;
    }
    s->fptr[nm] = w;
    uint64_t rows = align ? align->count : nm, nnz = 0;
    rowmovie = trec_malloc((rows + 1) * 8, err);
    used = trec_calloc(nm + 1, 1, err);
    if (!rowmovie || !used)
        goto done;
    for (uint64_t r = 0; r < rows; r++) {
        if (align) {
            size_t n;
            const char *lab = trec_label(align, r, &n);
            rowmovie[r] = trec_idmap_find(&s->movies, lab, n);
        } else {
            rowmovie[r] = (int64_t)r;
        }
        if (rowmovie[r] < 0) {
            s->st->missing++;
            continue;
        }
        used[rowmovie[r]] = 1;
        nnz += s->fptr[rowmovie[r] + 1] - s->fptr[rowmovie[r]];
    }
    for (uint64_t m = 0; m < nm; m++)
        s->st->dropped += !used[m];
    if (trec_csr_alloc(out, rows, nfeat, nnz, 0, err) != 0)
        goto done;
    uint64_t pos = 0;
    for (uint64_t r = 0; r < rows; r++) {
        out->rowptr[r] = pos;
        if (rowmovie[r] < 0)
            continue;
        uint64_t a = s->fptr[rowmovie[r]], b = s->fptr[rowmovie[r] + 1];
        for (uint64_t k = a; k < b; k++) {
            out->colidx[pos] = s->fidx[k];
            out->vals[pos++] = s->vc >= 0 ? s->fval[k] : 1.0f;
        }
    }
    out->rowptr[rows] = pos;
    trec_labels ml = trec_idmap_labels(&s->movies);
    if (own_labels(out, align ? align : &ml, &out->row_labels, NULL, err) != 0 ||
        own_labels(out, &fl, &out->col_labels, order, err) != 0) {
        trec_csr_free(out);
        goto done;
    }
    rc = 0;
done:
    free(order);
    free(rank);
    free(rowmovie);
    free(used);
    free(tk);
    free(tv);
    free(tl);
    return rc;
}

static int features(trec_ingest_reader *rd, const trec_features_opts *o,
                    const trec_labels *align, trec_csr *out,
                    trec_features_stats *st, trec_error *err)
{
    fstate s;
    trec_ingest_dialect d;
    memset(&s, 0, sizeof s);
    memset(st, 0, sizeof *st);
    memset(out, 0, sizeof *out);
    if (trec_features_opts_check(o, err) != 0 ||
        trec_ingest_dialect_init(&d, o->sep, o->quote, err) != 0)
        return -1;
    rd->quote = d.quote;
    s.name = rd->name;
    s.d = &d;
    s.o = o;
    s.st = st;
    s.id_spec = o->id_col ? o->id_col : "movieId";
    s.feat_spec = o->feature_col ? o->feature_col : "genres";
    s.val_spec = o->feature_value;
    s.vc = -1;
    s.fsep = o->feature_sep ? o->feature_sep : "|";
    s.fsep_len = strlen(s.fsep);
    s.base = 1;
    s.only01 = 1;
    if (trec_idmap_init(&s.movies, err) != 0)
        return -1;
    int rc = -1;
    if (trec_idmap_init(&s.feats, err) != 0 || grow_items(&s, err) != 0)
        goto done;
    for (;;) {
        trec_ingest_block b;
        int got = trec_ingest_reader_next(rd, &b, err);
        if (got < 0) {
            trec_ingest_reader_locate(rd, s.base, err);
            goto done;
        }
        if (got == 0)
            break;
        trec_ingest_block_prepare(&d, &b);
        uint64_t nl = 0, el = 0;
        int r = trec_ingest_tokenize(&d, &b,
                                     s.configured ? s.maxstore : TREC_INGEST_MAX_FIELDS,
                                     on_item, &s, &nl, &el, err);
        trec_ingest_block_free(&b);
        if (r < 0) {
            /* configure() messages already carry file:line. */
            if (strncmp(err->msg, s.name, strlen(s.name)) != 0 ||
                err->msg[strlen(s.name)] != ':') {
                char msg[sizeof err->msg];
                memcpy(msg, err->msg, sizeof msg);
                trec_fail(err, "%s:%llu: %s", s.name, (unsigned long long)(s.base + el), msg);
            }
            goto done;
        }
        s.base += nl;
    }
    st->lines = s.base - 1;
    if (s.movies.count == 0) {
        trec_fail(err, "%s: no items (the input has %s)", s.name,
                  st->skipped ? "only bad records" : st->header ? "only a header line"
                                                                 : "no records");
        goto done;
    }
    if (!s.nflags && s.vc < 0 && s.only01 && s.fn > 0 && s.line1_01 >= 3) {
        trec_fail(err, "%s: column %d (features) holds only the values 0 and 1: one-hot flag "
                  "columns (such as ml-100k's u.item genres) are read with --feature-flags "
                  "COLS (e.g. --feature-flags 6-24), not as feature names", s.name, s.fc + 1);
        goto done;
    }
    rc = build(&s, align, out, err);
done:
    trec_idmap_free(&s.movies);
    trec_idmap_free(&s.feats);
    free(s.mline);
    free(s.fptr);
    free(s.fidx);
    free(s.fitem);
    free(s.fval);
    free(s.fline);
    return rc;
}

int trec_item_features(const char *path, const trec_features_opts *o,
                       const trec_labels *align, trec_csr *out,
                       trec_features_stats *st, trec_error *err)
{
    trec_ingest_reader rd;
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    if (trec_ingest_reader_open(&rd, path, o->block_size, -1, err) != 0)
        return -1;
    int rc = features(&rd, o, align, out, st, err);
    trec_ingest_reader_close(&rd);
    return rc;
}

int trec_item_features_mem(const char *data, size_t len, const char *name,
                           const trec_features_opts *o, const trec_labels *align,
                           trec_csr *out, trec_features_stats *st, trec_error *err)
{
    trec_ingest_reader rd;
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    trec_ingest_reader_open_mem(&rd, data, len, name, o->block_size, -1);
    int rc = features(&rd, o, align, out, st, err);
    trec_ingest_reader_close(&rd);
    return rc;
}
