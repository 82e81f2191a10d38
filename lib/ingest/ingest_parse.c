/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_parse.c - one block of ratings text -> entries with local ids. */
#include "ingest_parse.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "labels.h"
#include "number.h"

enum {
    COL_USER = TREC_INGEST_COL_USER, COL_ITEM = TREC_INGEST_COL_ITEM,
    COL_RATING = TREC_INGEST_COL_RATING, COL_TIME = TREC_INGEST_COL_TIME
};

typedef trec_ingest_part part;
typedef trec_ingest_field field;

/* ---- the part's arrays ------------------------------------------------ */

void trec_ingest_part_free_entries(part *b)
{
    trec_ingest_mem_free(b->region, b->region_size);
    b->region = NULL;
    b->region_size = 0;
    b->row = b->col = b->line = NULL;
    b->val = NULL;
    b->time = NULL;
    b->time32 = NULL;
    b->n = b->cap = b->lim = 0;
}

void trec_ingest_part_free(part *b)
{
    if (!b)
        return;
    trec_ingest_block_free(&b->text);
    trec_ingest_part_free_entries(b);
    trec_ingest_localids_free(&b->users);
    trec_ingest_localids_free(&b->items);
    free(b);
}

part *trec_ingest_part_new(const trec_ingest_config *c, trec_ingest_block *text,
                           trec_error *err)
{
    part *b = trec_calloc(1, sizeof *b, err);
    if (!b)
        return NULL;
    b->c = c;
    b->text = *text;
    memset(text, 0, sizeof *text);
    if (trec_ingest_localids_init(&b->users, err) != 0 ||
        trec_ingest_localids_init(&b->items, err) != 0) {
        trec_ingest_part_free(b);
        return NULL;
    }
    return b;
}

/* The part's arrays, with the width of an entry in each (0: not kept);
 * the 8-byte one first, so that each is aligned in the shared region. */
typedef struct array { void **p; size_t width; } array;

static size_t arrays(part *b, array a[6])
{
    int has_time = b->c->col[COL_TIME] >= 0;
    a[0] = (array){(void **)&b->time, has_time && b->wide_time ? 8 : 0};
    a[1] = (array){(void **)&b->row, 4};
    a[2] = (array){(void **)&b->col, 4};
    a[3] = (array){(void **)&b->val, 4};
    a[4] = (array){(void **)&b->line, b->c->keep_lines ? 4 : 0};
    a[5] = (array){(void **)&b->time32, has_time && !b->wide_time ? 4 : 0};
    return 6;
}

/* Line ends (LF and CR: libcsv ends a record at either) in s[0..n). */
static size_t count_line_ends(const char *s, size_t n)
{
    size_t c = 0, i = 0;
#ifdef __SSE2__
    /* Per byte lane, a counter of matches (0 - (-1) per match), summed into
     * c before it can wrap (255 steps). */
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    while (i + 16 <= n) {
        __m128i acc = _mm_setzero_si128();
        for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr));
            acc = _mm_sub_epi8(acc, m);
        }
        __m128i sum = _mm_sad_epu8(acc, _mm_setzero_si128());
        c += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_extract_epi16(sum, 4);
    }
#endif
    for (; i < n; i++)
        c += s[i] == '\n' || s[i] == '\r';
    return c;
}

/* The most entries the block's text can give: a record that makes an entry
 * has the configured nf fields (nf - 1 one-byte separators, two non-empty
 * ids) and ends at a line end or at the end of the text; a record can span
 * lines, never share one. */
static size_t max_entries(const part *b)
{
    size_t ends = count_line_ends(b->text.text, b->text.len) + 1;
    size_t by_len = b->text.len / (b->c->nf > 1 ? b->c->nf : 1) + 2;
    return ends < by_len ? ends : by_len;
}

/* Sets up (or, should cap entries not be enough, enlarges) the arrays as
 * slices of one region: one mapping per part, sized to the block's bound
 * so that it never grows, and large enough that most of it goes on 2 MiB
 * pages (trec_ingest_mem_alloc_huge): one fault per 2 MiB instead of one
 * per 4 KiB, each of which is expensive on a virtual machine. */
static int reserve(part *b, size_t cap, trec_error *err)
{
    array a[6];
    size_t na = arrays(b, a), width = 0;
    for (size_t i = 0; i < na; i++)
        width += a[i].width;
    size_t size = cap * width;
    char *r = trec_ingest_mem_alloc_huge(size, err);
    if (!r)
        return -1;
    for (size_t i = 0, off = 0; i < na; i++) {
        if (!a[i].width)
            continue;
        if (b->n && *a[i].p) /* (not the times being widened: widen_times) */
            memcpy(r + off, *a[i].p, b->n * a[i].width);
        *a[i].p = r + off;
        off += cap * a[i].width;
    }
    trec_ingest_mem_free(b->region, b->region_size);
    b->region = r;
    b->region_size = size;
    b->cap = cap;
    b->lim = b->n;
    return 0;
}

/* ---- one record ------------------------------------------------------- */

/* A bad record: an error (-1), or with skip_bad a counted (and maybe
 * described) skip (0). */
__attribute__((format(printf, 4, 5)))
static int bad(part *b, uint64_t line, trec_error *err, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!b->c->skip_bad)
        return trec_fail(err, "%s", msg);
    if (b->nwarn < TREC_INGEST_WARNINGS) {
        b->warn_line[b->nwarn] = line;
        memcpy(b->warn[b->nwarn], msg, sizeof msg);
        b->nwarn++;
    }
    b->skipped++;
    return 0;
}

static int bad_number(part *b, uint64_t line, trec_error *err, int which,
                      const field *f, const char *problem)
{
    char show[64];
    trec_ingest_show(show, sizeof show, f->p, f->n);
    return bad(b, line, err, "column %d (%s): '%s' %s", b->c->col[which] + 1,
               trec_ingest_col_name(which), show, problem);
}

static int bad_id(part *b, uint64_t line, trec_error *err, int which, const field *f,
                  const char *why)
{
    int colno = b->c->col[which] + 1;
    if (f->n == 0)
        return bad(b, line, err, "column %d (%s): empty id", colno,
                   trec_ingest_col_name(which));
    char show[64];
    trec_ingest_show(show, sizeof show, f->p, f->n);
    return bad(b, line, err, "column %d (%s): bad id '%s' (%s)", colno,
               trec_ingest_col_name(which), show, why);
}

/* The usual rating, "D" or "D.D", inline: 1 and *v (the value
 * trec_parse_float gives: the digits over a power of ten, one rounding),
 * or 0 for anything else (trec_parse_float decides). */
static inline int quick_rating(const char *s, size_t n, float *v)
{
    if (n != 1 && n != 3)
        return 0;
    unsigned d0 = (unsigned char)s[0] - '0';
    if (n == 1 && d0 <= 9) {
        *v = (float)d0;
        return 1;
    }
    if (n != 3 || s[1] != '.')
        return 0;
    unsigned d2 = (unsigned char)s[2] - '0';
    if (d0 > 9 || d2 > 9)
        return 0;
    *v = (float)(d0 * 10 + d2) / 10.0f;
    return 1;
}

/* A timestamp of 1 to 18 plain digits, inline: 1 and *t, or 0 for anything
 * else (trec_parse_int64 decides). */
static inline int quick_time(const char *s, size_t n, int64_t *t)
{
    if (n == 0 || n > 18)
        return 0;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        x = x * 10 + (int64_t)d;
    }
    *t = x;
    return 1;
}

/* The rating (1 without a rating column) and timestamp of a record: 1 when
 * both are good, else bad()'s result. */
static int read_values(part *b, const field *f, uint64_t line, float *v, int64_t *t,
                       trec_error *err)
{
    const trec_ingest_config *c = b->c;
    *v = 1.0f;
    *t = 0;
    if (c->col[COL_RATING] >= 0) {
        const field *x = &f[c->col[COL_RATING]];
        int r = quick_rating(x->p, x->n, v) ? TREC_NUM_OK : trec_parse_float(x->p, x->n, v);
        if (r != TREC_NUM_OK)
            return bad_number(b, line, err, COL_RATING, x, trec_number_problem(r));
        if (fabsf(*v) < FLT_MIN && trec_float_underflows(*v, x->p, x->n))
            return bad_number(b, line, err, COL_RATING, x,
                              "is not 0 but too small for a float (below 1.18e-38)");
    }
    if (c->col[COL_TIME] >= 0) {
        const field *x = &f[c->col[COL_TIME]];
        int r = quick_time(x->p, x->n, t) ? TREC_NUM_OK : trec_parse_int64(x->p, x->n, t);
        if (r != TREC_NUM_OK)
            return bad_number(b, line, err, COL_TIME, x,
                              r == TREC_NUM_RANGE ? "is out of range" : "is not an integer");
    }
    return 1;
}

/* Finds an id in m (*fresh = 0, *id set), or, when it is new, checks that it
 * can be a label (*fresh = 1, *h set). Returns 1, or for a bad id bad()'s
 * result. */
static int lookup_id(part *b, const trec_ingest_localids *m, int which, const field *f,
                     uint64_t line, uint32_t *id, uint64_t *h, int *fresh,
                     trec_error *err)
{
    uint32_t v;
    if (trec_ingest_canon_number(f->p, f->n, &v)) {
        int64_t got = trec_ingest_numcache_get(&m->num, v);
        *fresh = got < 0;   /* every such id seen is in the cache */
        if (got >= 0)
            *id = (uint32_t)got;
        return 1;
    }
    if (f->n > TREC_INGEST_MAX_ID)
        return bad(b, line, err, "column %d (%s): id too long (%zu bytes, at most %d)",
                   b->c->col[which] + 1, trec_ingest_col_name(which), f->n,
                   TREC_INGEST_MAX_ID);
    *h = trec_hash_bytes(f->p, f->n);
    int64_t got = trec_idmap_find_hashed(&m->strs, f->p, f->n, *h);
    if (got >= 0) {
        *id = m->str_local[got];
        *fresh = 0;
        return 1;
    }
    const char *why = trec_label_problem(f->p, f->n);
    if (why)
        return bad_id(b, line, err, which, f, why);
    *fresh = 1;
    return 1;
}

static int same_user_as_before(const part *b, const field *u)
{
    return b->have_prev && u->n == b->prev_len && memcmp(u->p, b->prev, u->n) == 0;
}

static void remember_user(part *b, const field *u, uint32_t uid)
{
    memcpy(b->prev, u->p, u->n);
    b->prev_len = u->n;
    b->prev_id = uid;
    b->have_prev = 1;
}

/* The local user and item ids of a record, adding new ids only once both
 * are known to be good: 1, or bad()'s result, or -1. */
static int read_ids(part *b, const field *f, uint64_t line, uint32_t *uid,
                    uint32_t *iid, trec_error *err)
{
    const field *u = &f[b->c->col[COL_USER]], *it = &f[b->c->col[COL_ITEM]];
    uint64_t uh = 0, ih = 0;
    int unew = 0, inew = 0, r;
    if (same_user_as_before(b, u))
        *uid = b->prev_id;
    else if ((r = lookup_id(b, &b->users, COL_USER, u, line, uid, &uh, &unew, err)) != 1)
        return r;
    if ((r = lookup_id(b, &b->items, COL_ITEM, it, line, iid, &ih, &inew, err)) != 1)
        return r;
    if (unew && trec_ingest_localids_add(&b->users, u->p, u->n, uh, uid, err) < 0)
        return -1;
    if (inew && trec_ingest_localids_add(&b->items, it->p, it->n, ih, iid, err) < 0)
        return -1;
    remember_user(b, u, *uid);
    return 1;
}

/* Makes room for entry b->n: maps the pages of the next POPULATE entries of
 * each array in one call per array rather than one page fault per page (a
 * chunk, not the whole capacity: memory is only taken shortly before it is
 * written). The capacity is a bound that holds (max_entries); should it
 * not, the region doubles. */
static int room(part *b, trec_error *err)
{
    enum { POPULATE = 8192 };
    if (b->n == b->cap && reserve(b, b->cap ? 2 * b->cap : 16, err) != 0)
        return -1;
    size_t to = b->cap - b->n < POPULATE ? b->cap : b->n + POPULATE;
    array a[6];
    size_t na = arrays(b, a);
    for (size_t i = 0; i < na; i++)
        if (a[i].width)
            trec_ingest_mem_populate((char *)*a[i].p + b->n * a[i].width,
                                     (to - b->n) * a[i].width);
    b->lim = to;
    return 0;
}

/* The block's timestamps from 4 bytes to 8: a new region (the arrays as
 * they are, the times converted), the old one freed. */
static int widen_times(part *b, trec_error *err)
{
    uint32_t *t32 = b->time32;
    void *old = b->region;
    size_t old_size = b->region_size;
    b->region = NULL;   /* kept until the times are copied */
    b->region_size = 0;
    b->wide_time = 1;
    b->time32 = NULL;
    int rc = reserve(b, b->cap, err);
    if (rc == 0)
        for (size_t k = 0; k < b->n; k++)
            b->time[k] = t32[k];
    trec_ingest_mem_free(old, old_size);
    return rc;
}

static int append(part *b, uint32_t uid, uint32_t iid, float v, int64_t t, uint64_t line,
                  trec_error *err)
{
    if (b->time32 && (t < 0 || t > (int64_t)UINT32_MAX) && widen_times(b, err) != 0)
        return -1;
    if (b->n == b->lim && room(b, err) != 0)
        return -1;
    size_t k = b->n++;
    b->row[k] = uid;
    b->col[k] = iid;
    b->val[k] = v;
    if (b->time32)
        b->time32[k] = (uint32_t)t;
    else if (b->time)
        b->time[k] = t;
    if (b->line)
        b->line[k] = (uint32_t)line;
    return 0;
}

static int on_record(void *ctx, const field *f, size_t nf, uint64_t line, trec_error *err)
{
    part *b = ctx;
    if (b->skip_header) {
        b->skip_header = 0;
        return 0;
    }
    b->records++;
    if (nf != b->c->nf)
        return bad(b, line, err, "%zu fields, expected %zu (as on line 1)", nf, b->c->nf);
    /* Every field is checked before any id is added to a map, so that a
     * skipped record leaves no trace. */
    float v;
    int64_t t;
    uint32_t uid = 0, iid = 0;
    int r;
    if ((r = read_values(b, f, line, &v, &t, err)) != 1 ||
        (r = read_ids(b, f, line, &uid, &iid, err)) != 1)
        return r;
    return append(b, uid, iid, v, t, line, err);
}

/* ---- one block -------------------------------------------------------- */

void trec_ingest_parse(part *b)
{
    const trec_ingest_config *c = b->c;
    trec_ingest_block_prepare(&c->d, &b->text);
    uint64_t err_line = 0;
    trec_ingest_localids_take_cache(&b->users, c->ncpool);
    trec_ingest_localids_take_cache(&b->items, c->ncpool);
    if (reserve(b, max_entries(b), &b->err) != 0) {
        b->failed = 1;
    } else if (b->text.len > UINT32_MAX && c->keep_lines) {
        b->failed = 1;
        trec_fail(&b->err, "a single record of more than 4 GiB");
    } else if (trec_ingest_tokenize(&c->d, &b->text, c->maxstore, on_record, b,
                                    &b->nlines, &err_line, &b->err) < 0) {
        b->failed = 1;
        b->err_line = err_line;
    }
    trec_ingest_reader_recycle(c->rd, &b->text);
    /* Only the ids themselves are needed from now on (for the merge): drop
     * the lookup structures, most of their memory. */
    trec_ingest_localids_give_cache(&b->users, c->ncpool);
    trec_ingest_localids_give_cache(&b->items, c->ncpool);
}
