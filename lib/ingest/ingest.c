/* ingest.c - ratings text -> users x items CSR.
 *
 * Pipeline: read blocks (ingest_reader.c) -> parse each block into its own
 * arrays with block-local id maps (in parallel) -> merge the blocks' id maps
 * IN FILE ORDER into global ones (so dense ids are first-seen order whatever
 * the thread count) -> count row lengths -> scatter entries into the final
 * CSR, freeing each block as soon as it is scattered -> sort each row by
 * column (stably: equal columns keep file order) and merge duplicates. */
#include "ingest.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "idmap.h"
#include "ingest_reader.h"
#include "labels.h"
#include "number.h"

enum { COL_USER, COL_ITEM, COL_RATING, COL_TIME, NCOLS };
static const char *const col_what[NCOLS] = {"user", "item", "rating", "timestamp"};

void trec_ingest_opts_init(trec_ingest_opts *o)
{
    memset(o, 0, sizeof *o);
    o->header = -1;
    o->duplicates = TREC_DUP_LAST;
}

int trec_dup_policy_parse(const char *s, trec_dup_policy *p)
{
    static const char *const names[] = {"last", "max", "sum", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *p = (trec_dup_policy)i;
            return 0;
        }
    return -1;
}

/* What every block parser needs to know, fixed before parsing starts. */
typedef struct cfg {
    const char *name;
    trec_ingest_dialect d;
    size_t nf;              /* fields per record (as on line 1) */
    int col[NCOLS];         /* 0-based field index, -1: not used */
    size_t maxstore;        /* fields the parser needs: max col + 1 */
    int skip_bad;
    int keep_lines;         /* remember each entry's line (--duplicates error) */
    trec_ingest_reader *rd;         /* to give block buffers back */
} cfg;

/* Ids that are plain decimal numbers below NUM_LIMIT (no sign, no leading
 * zero: exactly the MovieLens ids) are looked up in a direct array by value
 * before the hash map: no hashing, no string compare, one cache line. The
 * hash map still gets every string, so the two never disagree. */
#define NUM_LIMIT (1u << 22)

typedef struct numcache {
    uint32_t *id1;          /* id + 1 by value; 0: not seen */
    size_t cap;             /* entries mapped */
} numcache;

static int canon_number(const char *s, size_t n, uint32_t *v)
{
    if (n == 0 || n > 7 || (s[0] == '0' && n > 1))
        return 0;
    uint32_t x = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        x = x * 10 + d;
    }
    if (x >= NUM_LIMIT)
        return 0;
    *v = x;
    return 1;
}

/* The cached id of value v, or -1. */
static inline int64_t numcache_get(const numcache *c, uint32_t v)
{
    return v < c->cap && c->id1[v] ? (int64_t)c->id1[v] - 1 : -1;
}

static int numcache_put(numcache *c, uint32_t v, uint32_t id, trec_error *err)
{
    if (v >= c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap <= v)
            cap *= 2;
        /* Fresh anonymous pages read as zero: no clearing needed. */
        uint32_t *p = trec_ingest_mem_grow(c->id1, c->cap * 4, cap * 4, err);
        if (!p)
            return -1;
        c->id1 = p;
        c->cap = cap;
    }
    c->id1[v] = id + 1;
    return 0;
}

static void numcache_free(numcache *c)
{
    trec_ingest_mem_free(c->id1, c->cap * 4);
    c->id1 = NULL;
    c->cap = 0;
}

/* A block's users (or items): local ids 0, 1, ... in first-seen order.
 * Numeric ids live only in the number cache and key[] (no hashing, no
 * string copy); other ids in a hash map. key[l] is the value of local id l,
 * or STR_KEY | its index in strs. */
#define STR_KEY 0x80000000u

typedef struct localids {
    numcache num;
    trec_idmap strs;
    uint32_t *str_local;      /* strs id -> local id */
    size_t str_cap;
    uint32_t *key;
    size_t count, cap;
} localids;

static int localids_init(localids *l, trec_error *err)
{
    memset(l, 0, sizeof *l);
    return trec_idmap_init(&l->strs, err);
}

static void localids_free(localids *l)
{
    numcache_free(&l->num);
    trec_idmap_free(&l->strs);
    free(l->str_local);
    free(l->key);
    memset(l, 0, sizeof *l);
}

/* Adds a new id (f, with hash h if not numeric); *id receives its local id. */
static int localids_add(localids *l, const char *s, size_t n, uint64_t h,
                        uint32_t *id, trec_error *err)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        uint32_t *k = trec_realloc(l->key, cap * 4, err);
        if (!k)
            return -1;
        l->key = k;
        l->cap = cap;
    }
    if (l->count >= UINT32_MAX - 1)
        return trec_fail(err, "more than %u distinct ids", UINT32_MAX - 1);
    uint32_t local = (uint32_t)l->count, v;
    if (canon_number(s, n, &v)) {
        if (numcache_put(&l->num, v, local, err) != 0)
            return -1;
        l->key[local] = v;
    } else {
        uint32_t sid;
        if (trec_idmap_intern_hashed(&l->strs, s, n, h, &sid, err) < 0)
            return -1;
        if (sid >= l->str_cap) {
            size_t cap = l->str_cap ? l->str_cap * 2 : 256;
            uint32_t *sl = trec_realloc(l->str_local, cap * 4, err);
            if (!sl)
                return -1;
            l->str_local = sl;
            l->str_cap = cap;
        }
        l->str_local[sid] = local;
        l->key[local] = STR_KEY | sid;
    }
    l->count++;
    *id = local;
    return 0;
}

/* One block: its text while parsing, then its entries and local id maps. */
typedef struct blk {
    trec_ingest_block text;
    const cfg *c;
    uint32_t *row, *col, *line;  /* local ids; line relative to the block */
    float *val;
    int64_t *time;
    size_t n, cap;
    localids users, items;
    uint64_t nlines, records, skipped;
    int skip_header;
    int failed;
    uint64_t err_line;
    trec_error err;
    int nwarn;
    uint64_t warn_line[TREC_INGEST_WARNINGS];
    char warn[TREC_INGEST_WARNINGS][400];
    /* The previous record's user: ratings files are grouped by user, so
     * this skips most user-id hash lookups. */
    char prev[TREC_INGEST_MAX_ID];
    size_t prev_len;
    uint32_t prev_id;
    int have_prev;
    uint64_t base;          /* absolute number of the block's first line */
} blk;

/* ---- parsing one block ------------------------------------------------ */

static void blk_free_entries(blk *b)
{
    trec_ingest_mem_free(b->row, b->cap * 4);
    trec_ingest_mem_free(b->col, b->cap * 4);
    trec_ingest_mem_free(b->val, b->cap * 4);
    trec_ingest_mem_free(b->time, b->cap * 8);
    trec_ingest_mem_free(b->line, b->cap * 4);
    b->row = b->col = b->line = NULL;
    b->val = NULL;
    b->time = NULL;
    b->n = b->cap = 0;
}

static void blk_destroy(blk *b)
{
    if (!b)
        return;
    trec_ingest_block_free(&b->text);
    blk_free_entries(b);
    localids_free(&b->users);
    localids_free(&b->items);
    free(b);
}

static blk *blk_new(const cfg *c, trec_ingest_block *text, trec_error *err)
{
    blk *b = trec_calloc(1, sizeof *b, err);
    if (!b)
        return NULL;
    b->c = c;
    b->text = *text;
    memset(text, 0, sizeof *text);
    if (localids_init(&b->users, err) != 0 || localids_init(&b->items, err) != 0) {
        blk_destroy(b);
        return NULL;
    }
    return b;
}

static int blk_grow(blk *b, trec_error *err)
{
    size_t old = b->cap, cap = old ? old * 2 : 16384;
    struct { void **p; size_t width; int used; } a[] = {
        {(void **)&b->row, 4, 1}, {(void **)&b->col, 4, 1}, {(void **)&b->val, 4, 1},
        {(void **)&b->time, 8, b->c->col[COL_TIME] >= 0},
        {(void **)&b->line, 4, b->c->keep_lines},
    };
    size_t na = sizeof a / sizeof a[0];
    for (size_t i = 0; i < na; i++) {
        if (!a[i].used)
            continue;
        void *q = trec_ingest_mem_grow(*a[i].p, old * a[i].width, cap * a[i].width, err);
        if (!q) {
            /* Arrays before i have the new size, the others the old one. */
            for (size_t j = 0; j < na; j++) {
                trec_ingest_mem_free(*a[j].p, (j < i ? cap : old) * a[j].width);
                *a[j].p = NULL;
            }
            b->n = b->cap = 0;
            return -1;
        }
        *a[i].p = q;
    }
    b->cap = cap;
    return 0;
}

/* A bad record: an error, or with skip_bad a counted (and maybe described)
 * skip. */
__attribute__((format(printf, 4, 5)))
static int bad(blk *b, uint64_t line, trec_error *err, const char *fmt, ...)
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

/* Finds an id in m; when it is new, checks that it can be a label.
 * Returns 0 (found: *fresh = 0, *id set; new: *fresh = 1, *h set), or for a
 * bad id bad()'s result minus 2 (-2: skipped, -3: error). */
static int lookup_id(blk *b, const localids *m, int which, const trec_ingest_field *f,
                     uint64_t line, uint32_t *id, uint64_t *h, int *fresh,
                     trec_error *err)
{
    int colno = b->c->col[which] + 1;
    uint32_t v;
    if (canon_number(f->p, f->n, &v)) {
        int64_t got = numcache_get(&m->num, v);
        *fresh = got < 0;   /* every such id seen is in the cache */
        if (got >= 0)
            *id = (uint32_t)got;
        return 0;
    }
    if (f->n > TREC_INGEST_MAX_ID)
        return bad(b, line, err, "column %d (%s): id too long (%zu bytes, at most %d)",
                   colno, col_what[which], f->n, TREC_INGEST_MAX_ID) - 2;
    *h = trec_hash_bytes(f->p, f->n);
    int64_t got = trec_idmap_find_hashed(&m->strs, f->p, f->n, *h);
    if (got >= 0) {
        *id = m->str_local[got];
        *fresh = 0;
        return 0;
    }
    const char *why = trec_label_problem(f->p, f->n);
    if (why) {
        if (f->n == 0)
            return bad(b, line, err, "column %d (%s): empty id", colno,
                       col_what[which]) - 2;
        char show[64];
        trec_ingest_show(show, sizeof show, f->p, f->n);
        return bad(b, line, err, "column %d (%s): bad id '%s' (%s)", colno,
                   col_what[which], show, why) - 2;
    }
    *fresh = 1;
    return 0;
}

static int bad_number(blk *b, uint64_t line, trec_error *err, int which,
                      const trec_ingest_field *f, const char *problem)
{
    char show[64];
    trec_ingest_show(show, sizeof show, f->p, f->n);
    return bad(b, line, err, "column %d (%s): '%s' %s", b->c->col[which] + 1,
               col_what[which], show, problem);
}

static int on_record(void *ctx, const trec_ingest_field *f, size_t nf, uint64_t line,
                     trec_error *err)
{
    blk *b = ctx;
    const cfg *c = b->c;
    if (b->skip_header) {
        b->skip_header = 0;
        return 0;
    }
    b->records++;
    if (nf != c->nf)
        return bad(b, line, err, "%zu fields, expected %zu (as on line 1)", nf, c->nf);
    /* Every field is checked before any id is added to a map, so that a
     * skipped record leaves no trace. */
    float v = 1.0f;
    if (c->col[COL_RATING] >= 0) {
        const trec_ingest_field *x = &f[c->col[COL_RATING]];
        int r = trec_parse_float(x->p, x->n, &v);
        if (r != TREC_NUM_OK)
            return bad_number(b, line, err, COL_RATING, x, trec_number_problem(r));
    }
    int64_t t = 0;
    if (c->col[COL_TIME] >= 0) {
        const trec_ingest_field *x = &f[c->col[COL_TIME]];
        int r = trec_parse_int64(x->p, x->n, &t);
        if (r != TREC_NUM_OK)
            return bad_number(b, line, err, COL_TIME, x,
                              r == TREC_NUM_RANGE ? "is out of range"
                                                  : "is not an integer");
    }
    const trec_ingest_field *u = &f[c->col[COL_USER]], *it = &f[c->col[COL_ITEM]];
    uint32_t uid = 0, iid = 0;
    uint64_t uh = 0, ih = 0;
    int unew = 0, inew = 0, r;
    if (b->have_prev && u->n == b->prev_len && memcmp(u->p, b->prev, u->n) == 0) {
        uid = b->prev_id;
    } else if ((r = lookup_id(b, &b->users, COL_USER, u, line, &uid, &uh, &unew,
                              err)) != 0) {
        return r + 2;   /* bad()'s result: 0 skipped, -1 error */
    }
    if ((r = lookup_id(b, &b->items, COL_ITEM, it, line, &iid, &ih, &inew, err)) != 0)
        return r + 2;
    if (unew && localids_add(&b->users, u->p, u->n, uh, &uid, err) < 0)
        return -1;
    if (inew && localids_add(&b->items, it->p, it->n, ih, &iid, err) < 0)
        return -1;
    memcpy(b->prev, u->p, u->n);
    b->prev_len = u->n;
    b->prev_id = uid;
    b->have_prev = 1;
    if (b->n == b->cap && blk_grow(b, err) != 0)
        return -1;
    size_t k = b->n++;
    b->row[k] = uid;
    b->col[k] = iid;
    b->val[k] = v;
    if (b->time)
        b->time[k] = t;
    if (b->line)
        b->line[k] = (uint32_t)line;
    return 0;
}

static void drop_hash(trec_idmap *m)
{
    free(m->slots);
    free(m->slot_hash);
    m->slots = NULL;
    m->slot_hash = NULL;
    m->nslots = 0;
}

static void parse_block(blk *b)
{
    trec_ingest_block_prepare(&b->c->d, &b->text);
    /* The cache is only needed while parsing: free it right after. */
    uint64_t err_line = 0;
    if (b->text.len > UINT32_MAX && b->c->keep_lines) {
        b->failed = 1;
        trec_fail(&b->err, "a single record of more than 4 GiB");
    } else if (trec_ingest_tokenize(&b->c->d, &b->text, b->c->maxstore, on_record, b,
                                    &b->nlines, &err_line, &b->err) < 0) {
        b->failed = 1;
        b->err_line = err_line;
    }
    trec_ingest_reader_recycle(b->c->rd, &b->text);
    /* Only the ids themselves are needed from now on (for the merge): drop
     * the lookup structures, most of their memory. */
    numcache_free(&b->users.num);
    numcache_free(&b->items.num);
    drop_hash(&b->users.strs);
    drop_hash(&b->items.strs);
}

/* ---- the first record: header and columns ----------------------------- */

typedef struct peek_rec {
    int got;
    size_t nf, nstored;
    char *buf;
    size_t off[TREC_INGEST_MAX_FIELDS + 1];
} peek_rec;

static int on_peek(void *ctx, const trec_ingest_field *f, size_t nf, uint64_t line,
                   trec_error *err)
{
    (void)line;
    peek_rec *p = ctx;
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

static trec_ingest_field peek_field(const peek_rec *p, size_t i)
{
    trec_ingest_field f = {p->buf + p->off[i], p->off[i + 1] - p->off[i]};
    return f;
}

/* The default header test: line 1 is a header if one of its used fields is
 * a usual column name, or if it has a rating or timestamp column and none of
 * those parses as a number. */
static int looks_like_header(const peek_rec *h, const int col[NCOLS])
{
    static const char *const names[] = {"userid", "user_id", "user", "movieid",
                                        "movie_id", "movie", "itemid", "item_id",
                                        "item", "rating", "timestamp", "time"};
    for (int k = 0; k < NCOLS; k++) {
        if (col[k] < 0 || (size_t)col[k] >= h->nstored)
            continue;
        trec_ingest_field f = peek_field(h, (size_t)col[k]);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (f.n == strlen(names[i]) && strncasecmp(f.p, names[i], f.n) == 0)
                return 1;
    }
    int numeric = 0, parsed = 0;
    if (col[COL_RATING] >= 0 && (size_t)col[COL_RATING] < h->nstored) {
        trec_ingest_field f = peek_field(h, (size_t)col[COL_RATING]);
        float v;
        numeric++;
        parsed += trec_parse_float(f.p, f.n, &v) == TREC_NUM_OK;
    }
    if (col[COL_TIME] >= 0 && (size_t)col[COL_TIME] < h->nstored) {
        trec_ingest_field f = peek_field(h, (size_t)col[COL_TIME]);
        int64_t v;
        numeric++;
        parsed += trec_parse_int64(f.p, f.n, &v) == TREC_NUM_OK;
    }
    return numeric > 0 && parsed == 0;
}

/* Decides header and columns from the first record. */
static int configure(cfg *c, const trec_ingest_opts *o, const peek_rec *h,
                     uint64_t line1, int *header, trec_error *err)
{
    const char *spec[NCOLS] = {o->user_col, o->item_col, o->rating_col, o->time_col};
    const char *opt[NCOLS] = {"--user-col", "--item-col", "--rating-col", "--time-col"};
    int by_name[NCOLS] = {0}, any_name = 0;
    c->nf = h->nf;
    c->col[COL_USER] = 0;
    c->col[COL_ITEM] = 1;
    c->col[COL_RATING] = h->nf >= 3 ? 2 : -1;
    c->col[COL_TIME] = h->nf >= 4 ? 3 : -1;
    for (int k = 0; k < NCOLS; k++) {
        const char *s = spec[k];
        if (!s)
            continue;
        if (strcmp(s, "none") == 0) {
            if (k == COL_USER || k == COL_ITEM)
                return trec_fail(err, "%s cannot be 'none'", opt[k]);
            c->col[k] = -1;
        } else if (s[0] && strspn(s, "0123456789") == strlen(s)) {
            long v = strlen(s) > 9 ? 0 : atol(s);
            if (v < 1)
                return trec_fail(err, "%s %s: columns are numbered from 1", opt[k], s);
            c->col[k] = (int)(v - 1);
        } else if (!s[0]) {
            return trec_fail(err, "%s: empty column name", opt[k]);
        } else {
            by_name[k] = any_name = 1;
        }
    }
    if (o->header == 0 && any_name)
        return trec_fail(err, "columns given by name need a header line, but "
                         "--no-header was given");
    *header = o->header >= 0 ? o->header : any_name ? 1 : -1;
    for (int k = 0; k < NCOLS; k++) {
        if (!by_name[k])
            continue;
        size_t i = 0, n = strlen(spec[k]);
        for (; i < h->nstored; i++) {
            trec_ingest_field f = peek_field(h, i);
            if (f.n == n && memcmp(f.p, spec[k], n) == 0)
                break;
        }
        if (i == h->nstored)
            return trec_fail(err, "%s:%llu: %s %s: no column of that name in the "
                             "header line", c->name, (unsigned long long)line1,
                             opt[k], spec[k]);
        c->col[k] = (int)i;
    }
    for (int k = 0; k < NCOLS; k++) {
        if (c->col[k] >= 0 && (size_t)c->col[k] >= h->nf)
            return trec_fail(err, "%s:%llu: column %d (%s) does not exist: line %llu "
                             "has %zu field%s", c->name, (unsigned long long)line1,
                             c->col[k] + 1, col_what[k], (unsigned long long)line1,
                             h->nf, h->nf == 1 ? "" : "s");
        for (int j = 0; j < k; j++)
            if (c->col[k] >= 0 && c->col[k] == c->col[j])
                return trec_fail(err, "the %s and %s columns are the same (%d)",
                                 col_what[j], col_what[k], c->col[k] + 1);
    }
    if (*header < 0)
        *header = looks_like_header(h, c->col);
    c->maxstore = 0;
    for (int k = 0; k < NCOLS; k++)
        if (c->col[k] >= 0 && (size_t)c->col[k] + 1 > c->maxstore)
            c->maxstore = (size_t)c->col[k] + 1;
    return 0;
}

/* ---- the thread pool for block parsing -------------------------------- */

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    blk **ring;
    size_t cap, head, count;
    size_t in_flight, limit;   /* blocks whose text is in memory */
    int closing, failed;
} pool;

static void *pool_worker(void *arg)
{
    pool *P = arg;
    for (;;) {
        pthread_mutex_lock(&P->mu);
        while (P->count == 0 && !P->closing)
            pthread_cond_wait(&P->work, &P->mu);
        if (P->count == 0) {
            pthread_mutex_unlock(&P->mu);
            return NULL;
        }
        blk *b = P->ring[P->head];
        P->head = (P->head + 1) % P->cap;
        P->count--;
        pthread_mutex_unlock(&P->mu);
        parse_block(b);
        pthread_mutex_lock(&P->mu);
        P->in_flight--;
        if (b->failed)
            P->failed = 1;
        pthread_cond_signal(&P->done);
        pthread_mutex_unlock(&P->mu);
    }
}

/* Queues a block (waits while too many texts are in memory); returns 1 if
 * some block has failed, so reading can stop. */
static int pool_push(pool *P, blk *b)
{
    pthread_mutex_lock(&P->mu);
    while (P->in_flight >= P->limit)
        pthread_cond_wait(&P->done, &P->mu);
    P->ring[(P->head + P->count) % P->cap] = b;
    P->count++;
    P->in_flight++;
    int failed = P->failed;
    pthread_cond_signal(&P->work);
    pthread_mutex_unlock(&P->mu);
    return failed;
}

/* ---- sorting rows and merging duplicates ------------------------------ */

static void isort_u64(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Sorts keys (col << 32 | position in row) by column. The keys come in
 * position order and an LSD radix sort is stable, so equal columns stay in
 * file order; only the bytes in which the columns differ get a pass. */
static void radix_sort_keys(uint64_t *a, uint64_t *tmp, size_t n)
{
    if (n <= 32) {
        isort_u64(a, n);
        return;
    }
    uint32_t any = 0, all = ~0u;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)(a[i] >> 32);
        any |= c;
        all &= c;
    }
    uint32_t vary = any ^ all;
    uint64_t *src = a, *dst = tmp;
    for (int shift = 32; shift < 64; shift += 8) {
        if (((vary >> (shift - 32)) & 0xFF) == 0)
            continue;
        size_t cnt[256] = {0};
        for (size_t i = 0; i < n; i++)
            cnt[(src[i] >> shift) & 0xFF]++;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[(src[i] >> shift) & 0xFF]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * 8);
}

typedef struct sort_job {
    trec_csr *m;
    uint64_t *lines;          /* absolute line of each entry, or NULL */
    trec_dup_policy policy;
    uint64_t r0, r1;
    uint64_t *newlen;         /* per row, after merging */
    uint64_t dups;
    /* temporaries, sized to the longest row seen */
    uint64_t *keys, *ktmp, *tline;
    uint32_t *tcol;
    float *tval;
    int64_t *ttime;
    size_t tcap;
    int oom;
    /* the duplicate with the smallest later line (--duplicates error) */
    uint64_t dup_line2, dup_line1, dup_row;
    uint32_t dup_col;
    uint64_t inf_row;         /* first row whose sum overflowed, or UINT64_MAX */
    uint32_t inf_col;
} sort_job;

static int job_reserve(sort_job *j, size_t n)
{
    if (n <= j->tcap)
        return 0;
    size_t cap = j->tcap ? j->tcap : 256;
    while (cap < n)
        cap *= 2;
    free(j->keys);
    free(j->ktmp);
    free(j->tline);
    free(j->tcol);
    free(j->tval);
    free(j->ttime);
    j->keys = malloc(cap * 8);
    j->ktmp = malloc(cap * 8);
    j->tline = malloc(cap * 8);
    j->tcol = malloc(cap * 4);
    j->tval = malloc(cap * 4);
    j->ttime = malloc(cap * 8);
    j->tcap = cap;
    if (!j->keys || !j->ktmp || !j->tline || !j->tcol || !j->tval || !j->ttime) {
        j->tcap = 0;
        return -1;
    }
    return 0;
}

/* Sorts row r by column; stable, because each key carries the entry's
 * position in the row (which is file order). */
static int sort_row(sort_job *j, uint64_t a, uint64_t b)
{
    trec_csr *m = j->m;
    size_t n = (size_t)(b - a);
    if (job_reserve(j, n) != 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        j->keys[k] = (uint64_t)m->colidx[a + k] << 32 | k;
    radix_sort_keys(j->keys, j->ktmp, n);
    for (size_t k = 0; k < n; k++) {
        size_t src = a + (uint32_t)j->keys[k];
        j->tcol[k] = m->colidx[src];
        j->tval[k] = m->vals[src];
        if (m->times)
            j->ttime[k] = m->times[src];
        if (j->lines)
            j->tline[k] = j->lines[src];
    }
    memcpy(m->colidx + a, j->tcol, n * 4);
    memcpy(m->vals + a, j->tval, n * 4);
    if (m->times)
        memcpy(m->times + a, j->ttime, n * 8);
    if (j->lines)
        memcpy(j->lines + a, j->tline, n * 8);
    return 0;
}

/* Merges runs of equal columns in a sorted row; returns the new length. */
static uint64_t merge_row(sort_job *j, uint64_t r, uint64_t a, uint64_t b)
{
    trec_csr *m = j->m;
    uint64_t w = a;
    for (uint64_t k = a; k < b;) {
        uint64_t e = k + 1;
        while (e < b && m->colidx[e] == m->colidx[k])
            e++;
        uint64_t pick = e - 1;  /* last */
        float v;
        int64_t t = m->times ? m->times[e - 1] : 0;
        if (j->policy == TREC_DUP_MAX) {
            pick = k;
            for (uint64_t x = k + 1; x < e; x++)
                if (m->vals[x] >= m->vals[pick])
                    pick = x;
            t = m->times ? m->times[pick] : 0;
        }
        v = m->vals[pick];
        if (e - k > 1 && j->policy == TREC_DUP_SUM) {
            double s = 0;
            for (uint64_t x = k; x < e; x++) {
                s += m->vals[x];
                if (m->times && m->times[x] > t)
                    t = m->times[x];
            }
            v = (float)s;
            if (!isfinite(v) && r < j->inf_row) {
                j->inf_row = r;
                j->inf_col = m->colidx[k];
            }
        }
        if (e - k > 1 && j->policy == TREC_DUP_ERROR && j->lines &&
            j->lines[k + 1] < j->dup_line2) {
            j->dup_line2 = j->lines[k + 1];
            j->dup_line1 = j->lines[k];
            j->dup_row = r;
            j->dup_col = m->colidx[k];
        }
        j->dups += e - k - 1;
        m->colidx[w] = m->colidx[k];
        m->vals[w] = v;
        if (m->times)
            m->times[w] = t;
        w++;
        k = e;
    }
    return w - a;
}

static void *sort_rows(void *arg)
{
    sort_job *j = arg;
    trec_csr *m = j->m;
    for (uint64_t r = j->r0; r < j->r1; r++) {
        uint64_t a = m->rowptr[r], b = m->rowptr[r + 1];
        int sorted = 1;
        for (uint64_t k = a + 1; k < b && sorted; k++)
            sorted = m->colidx[k] > m->colidx[k - 1];
        if (sorted) {
            j->newlen[r] = b - a;
            continue;
        }
        if (sort_row(j, a, b) != 0) {
            j->oom = 1;
            return NULL;
        }
        j->newlen[r] = merge_row(j, r, a, b);
    }
    return NULL;
}

/* Sorts every row (rows split between threads by entry count), then closes
 * the gaps left by merged duplicates. */
static int sort_and_merge(trec_csr *m, uint64_t *lines, trec_dup_policy policy,
                          int threads, const cfg *c, const trec_idmap *gu,
                          const trec_idmap *gi, uint64_t *dups, trec_error *err)
{
    uint64_t *newlen = trec_malloc((m->rows + 1) * 8, err);
    sort_job *jobs = trec_calloc((size_t)threads, sizeof *jobs, err);
    if (!newlen || !jobs) {
        free(newlen);
        free(jobs);
        return -1;
    }
    uint64_t r = 0;
    for (int t = 0; t < threads; t++) {
        sort_job *j = &jobs[t];
        j->m = m;
        j->lines = lines;
        j->policy = policy;
        j->newlen = newlen;
        j->dup_line2 = UINT64_MAX;
        j->inf_row = UINT64_MAX;
        j->r0 = r;
        uint64_t stop = m->nnz / (uint64_t)threads * (uint64_t)(t + 1);
        if (t == threads - 1)
            r = m->rows;
        while (r < m->rows && m->rowptr[r] < stop)
            r++;
        j->r1 = r;
    }
    pthread_t tid[TREC_INGEST_MAX_THREADS];
    int started[TREC_INGEST_MAX_THREADS] = {0};
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&tid[t], NULL, sort_rows, &jobs[t]) == 0;
    sort_rows(&jobs[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            sort_rows(&jobs[t]);
    }
    int rc = 0, oom = 0;
    sort_job best = {.dup_line2 = UINT64_MAX, .inf_row = UINT64_MAX};
    *dups = 0;
    for (int t = 0; t < threads; t++) {
        sort_job *j = &jobs[t];
        oom |= j->oom;
        *dups += j->dups;
        if (j->dup_line2 < best.dup_line2) {
            best.dup_line2 = j->dup_line2;
            best.dup_line1 = j->dup_line1;
            best.dup_row = j->dup_row;
            best.dup_col = j->dup_col;
        }
        if (j->inf_row < best.inf_row) {
            best.inf_row = j->inf_row;
            best.inf_col = j->inf_col;
        }
        free(j->keys);
        free(j->ktmp);
        free(j->tline);
        free(j->tcol);
        free(j->tval);
        free(j->ttime);
    }
    free(jobs);
    if (oom) {
        rc = trec_fail(err, "out of memory sorting rows");
    } else if (best.dup_line2 != UINT64_MAX) {
        size_t un, in;
        trec_labels ul = trec_idmap_labels(gu), il = trec_idmap_labels(gi);
        const char *us = trec_label(&ul, best.dup_row, &un);
        const char *is = trec_label(&il, best.dup_col, &in);
        rc = trec_fail(err, "%s:%llu: duplicate rating: user '%.*s', item '%.*s' "
                       "(first on line %llu); --duplicates last, max or sum "
                       "merges them", c->name, (unsigned long long)best.dup_line2,
                       (int)un, us, (int)in, is, (unsigned long long)best.dup_line1);
    } else if (best.inf_row != UINT64_MAX) {
        size_t un, in;
        trec_labels ul = trec_idmap_labels(gu), il = trec_idmap_labels(gi);
        const char *us = trec_label(&ul, best.inf_row, &un);
        const char *is = trec_label(&il, best.inf_col, &in);
        rc = trec_fail(err, "%s: the sum of the duplicate ratings of user '%.*s', "
                       "item '%.*s' is out of float range", c->name, (int)un, us,
                       (int)in, is);
    } else if (*dups > 0) {
        uint64_t w = 0;
        for (uint64_t i = 0; i < m->rows; i++) {
            uint64_t a = m->rowptr[i], n = newlen[i];
            if (w != a) {
                memmove(m->colidx + w, m->colidx + a, n * 4);
                memmove(m->vals + w, m->vals + a, n * 4);
                if (m->times)
                    memmove(m->times + w, m->times + a, n * 8);
            }
            m->rowptr[i] = w;
            w += n;
        }
        m->rowptr[m->rows] = w;
        m->nnz = w;
    }
    free(newlen);
    return rc;
}

/* ---- merging the blocks ----------------------------------------------- */

/* Hands an id map's strings to m as labels (the map's hash table is freed). */
static int take_labels(trec_csr *m, trec_idmap *map, trec_labels *l, trec_error *err)
{
    *l = trec_idmap_labels(map);
    drop_hash(map);
    void *off = map->offsets, *blob = map->blob;
    map->offsets = NULL;
    map->blob = NULL;
    int rc = trec_csr_own(m, off, err);
    if (trec_csr_own(m, blob, err) != 0)
        rc = -1;
    return rc;
}

/* Global ids of a block's local ids, interning them in file order. */
static int remap(trec_idmap *global, numcache *nc, const localids *local,
                 uint32_t **out, trec_error *err)
{
    *out = trec_malloc(local->count * 4, err);
    if (!*out)
        return -1;
    trec_labels strs = trec_idmap_labels(&local->strs);
    for (size_t l = 0; l < local->count; l++) {
        uint32_t k = local->key[l], *g = &(*out)[l];
        if (k & STR_KEY) {
            size_t n;
            const char *s = trec_label(&strs, k & ~STR_KEY, &n);
            if (trec_idmap_intern(global, s, n, g, err) < 0)
                return -1;
            continue;
        }
        int64_t got = numcache_get(nc, k);
        if (got >= 0) {
            *g = (uint32_t)got;
            continue;
        }
        char num[16];
        int n = snprintf(num, sizeof num, "%u", k);
        if (trec_idmap_intern(global, num, (size_t)n, g, err) < 0 ||
            numcache_put(nc, k, *g, err) != 0)
            return -1;
    }
    return 0;
}

static int assemble(const cfg *c, blk **bs, size_t nb, const trec_ingest_opts *o,
                    int threads, trec_csr *out, trec_ingest_stats *st,
                    trec_error *err)
{
    trec_idmap gu, gi;
    numcache gun = {0}, gin = {0};
    uint32_t **umap = calloc(nb ? nb : 1, sizeof *umap);
    uint32_t **imap = calloc(nb ? nb : 1, sizeof *imap);
    uint64_t *next = NULL, *lines = NULL;
    int rc = -1, have_gu = 0, have_gi = 0;
    memset(out, 0, sizeof *out);
    if (!umap || !imap) {
        trec_fail(err, "out of memory");
        goto done;
    }
    if (trec_idmap_init(&gu, err) != 0)
        goto done;
    have_gu = 1;
    if (trec_idmap_init(&gi, err) != 0)
        goto done;
    have_gi = 1;
    uint64_t nnz = 0;
    for (size_t b = 0; b < nb; b++) {
        if (remap(&gu, &gun, &bs[b]->users, &umap[b], err) != 0 ||
            remap(&gi, &gin, &bs[b]->items, &imap[b], err) != 0)
            goto done;
        localids_free(&bs[b]->users);
        localids_free(&bs[b]->items);
        nnz += bs[b]->n;
    }
    numcache_free(&gun);
    numcache_free(&gin);
    if (nnz == 0) {
        if (st->skipped)
            trec_fail(err, "%s: no interactions (all %llu records were bad and "
                      "skipped)", c->name, (unsigned long long)st->skipped);
        else
            trec_fail(err, "%s: no interactions (the input has %s)", c->name,
                      st->header ? "only a header line" : "no records");
        goto done;
    }
    if (trec_csr_alloc(out, gu.count, gi.count, nnz, c->col[COL_TIME] >= 0, err) != 0)
        goto done;
    /* Row lengths, then each row's start. */
    uint64_t *rp = out->rowptr;
    for (size_t b = 0; b < nb; b++)
        for (size_t k = 0; k < bs[b]->n; k++)
            rp[umap[b][bs[b]->row[k]] + 1]++;
    for (uint64_t r = 0; r < out->rows; r++)
        rp[r + 1] += rp[r];
    next = trec_malloc(out->rows * 8 + 8, err);
    if (!next)
        goto done;
    memcpy(next, rp, out->rows * 8);
    if (c->keep_lines && !(lines = trec_malloc(nnz * 8, err)))
        goto done;
    /* Scatter in file order (so each row is in file order), freeing each
     * block as soon as it is copied. */
    for (size_t b = 0; b < nb; b++) {
        blk *B = bs[b];
        const uint32_t *um = umap[b], *im = imap[b];
        for (size_t k = 0; k < B->n; k++) {
            uint64_t pos = next[um[B->row[k]]]++;
            out->colidx[pos] = im[B->col[k]];
            out->vals[pos] = B->val[k];
            if (out->times)
                out->times[pos] = B->time[k];
            if (lines)
                lines[pos] = B->base + B->line[k];
        }
        blk_free_entries(B);
    }
    free(next);
    next = NULL;
    if (sort_and_merge(out, lines, o->duplicates, threads, c, &gu, &gi,
                       &st->duplicates, err) != 0)
        goto done;
    if (take_labels(out, &gu, &out->row_labels, err) != 0 ||
        take_labels(out, &gi, &out->col_labels, err) != 0)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        trec_csr_free(out);
    for (size_t b = 0; b < nb; b++) {
        if (umap)
            free(umap[b]);
        if (imap)
            free(imap[b]);
    }
    free(umap);
    free(imap);
    free(next);
    free(lines);
    numcache_free(&gun);
    numcache_free(&gin);
    if (have_gu)
        trec_idmap_free(&gu);
    if (have_gi)
        trec_idmap_free(&gi);
    return rc;
}

/* ---- driver ----------------------------------------------------------- */

typedef struct run {
    cfg c;
    blk **bs;
    size_t nb, cap;
} run;

static int add_block(run *R, trec_ingest_block *text, trec_error *err)
{
    if (R->nb == R->cap) {
        size_t cap = R->cap ? R->cap * 2 : 16;
        blk **n = trec_realloc(R->bs, cap * sizeof *n, err);
        if (!n)
            return -1;
        R->bs = n;
        R->cap = cap;
    }
    blk *b = blk_new(&R->c, text, err);
    if (!b)
        return -1;
    R->bs[R->nb++] = b;
    return 0;
}

static int count_threads(int want)
{
    if (want <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        want = n > 0 ? (int)n : 1;
    }
    return want > TREC_INGEST_MAX_THREADS ? TREC_INGEST_MAX_THREADS : want;
}

/* Reads blocks until one holds a record: that record decides the header
 * and the columns. The blocks read are kept in R to be parsed. */
static int first_record(run *R, trec_ingest_reader *rd, const trec_ingest_opts *o,
                        int *header, uint64_t *lines_before, trec_error *err)
{
    peek_rec *h = trec_calloc(1, sizeof *h, err);
    if (!h)
        return -1;
    uint64_t base = 1;
    int rc = -1;
    for (;;) {
        trec_ingest_block b;
        int got = trec_ingest_reader_next(rd, &b, err);
        if (got < 0)
            goto done;
        if (got == 0) {
            trec_fail(err, "%s: no interactions (the input is empty)", R->c.name);
            goto done;
        }
        trec_ingest_block_prepare(&R->c.d, &b);
        uint64_t nl = 0, el = 0;
        int r = trec_ingest_tokenize(&R->c.d, &b, TREC_INGEST_MAX_FIELDS, on_peek, h, &nl,
                                     &el, err);
        if (add_block(R, &b, err) != 0) {
            trec_ingest_block_free(&b);
            goto done;
        }
        if (r < 0) {
            char msg[sizeof err->msg];
            memcpy(msg, err->msg, sizeof msg);
            trec_fail(err, "%s:%llu: %s", R->c.name, (unsigned long long)(base + el), msg);
            goto done;
        }
        if (h->got) {
            if (configure(&R->c, o, h, base + el, header, err) != 0)
                goto done;
            R->bs[R->nb - 1]->skip_header = *header;
            break;
        }
        base += nl;
    }
    *lines_before = base;
    rc = 0;
done:
    free(h->buf);
    free(h);
    return rc;
}

static int ingest(trec_ingest_reader *rd, const trec_ingest_opts *o, trec_csr *out,
                  trec_ingest_stats *st, trec_error *err)
{
    run R;
    memset(&R, 0, sizeof R);
    memset(st, 0, sizeof *st);
    memset(out, 0, sizeof *out);
    R.c.name = rd->name;
    R.c.rd = rd;
    R.c.skip_bad = o->skip_bad;
    R.c.keep_lines = o->duplicates == TREC_DUP_ERROR;
    if (trec_ingest_dialect_init(&R.c.d, o->sep, o->quote, err) != 0)
        return -1;
    R.c.d.force_libcsv = o->force_libcsv;
    rd->quote = R.c.d.quote;
    int threads = count_threads(o->threads), header = 0, rc = -1;
    uint64_t unused;
    pool P;
    memset(&P, 0, sizeof P);
    pthread_t tid[TREC_INGEST_MAX_THREADS];
    int nstarted = 0;
    if (first_record(&R, rd, o, &header, &unused, err) != 0)
        goto done;
    st->header = header;
    st->threads = threads;
    st->implicit = R.c.col[COL_RATING] < 0;
    st->has_time = R.c.col[COL_TIME] >= 0;
    if (threads == 1) {
        for (size_t b = 0; b < R.nb; b++)
            parse_block(R.bs[b]);
        int failed = R.bs[R.nb - 1]->failed;
        while (!failed) {
            trec_ingest_block t;
            int got = trec_ingest_reader_next(rd, &t, err);
            if (got < 0)
                goto done;
            if (got == 0)
                break;
            if (add_block(&R, &t, err) != 0) {
                trec_ingest_block_free(&t);
                goto done;
            }
            parse_block(R.bs[R.nb - 1]);
            failed = R.bs[R.nb - 1]->failed;
        }
    } else {
        P.limit = (size_t)threads + 1;
        P.cap = P.limit + 1;
        P.ring = trec_calloc(P.cap, sizeof *P.ring, err);
        if (!P.ring)
            goto done;
        pthread_mutex_init(&P.mu, NULL);
        pthread_cond_init(&P.work, NULL);
        pthread_cond_init(&P.done, NULL);
        for (int t = 0; t < threads; t++) {
            if (pthread_create(&tid[t], NULL, pool_worker, &P) != 0)
                break;
            nstarted++;
        }
        int read_rc = 0, failed = 0;
        if (nstarted == 0) {
            trec_fail(err, "cannot start threads");
            read_rc = -1;
        }
        size_t pushed = 0;
        while (read_rc == 0 && !failed) {
            for (; pushed < R.nb && !failed; pushed++)
                failed = pool_push(&P, R.bs[pushed]);
            if (failed)
                break;
            trec_ingest_block t;
            int got = trec_ingest_reader_next(rd, &t, err);
            if (got <= 0) {
                read_rc = got;
                break;
            }
            if (add_block(&R, &t, err) != 0) {
                trec_ingest_block_free(&t);
                read_rc = -1;
            }
        }
        pthread_mutex_lock(&P.mu);
        P.closing = 1;
        pthread_cond_broadcast(&P.work);
        pthread_mutex_unlock(&P.mu);
        for (int t = 0; t < nstarted; t++)
            pthread_join(tid[t], NULL);
        /* Blocks queued but never parsed (no thread started) keep their text:
         * blk_destroy frees it. */
        if (read_rc < 0)
            goto done;
    }
    /* Absolute line numbers, the first error, warnings, in file order. */
    uint64_t base = 1;
    for (size_t b = 0; b < R.nb; b++) {
        blk *B = R.bs[b];
        B->base = base;
        if (B->failed) {
            trec_fail(err, "%s:%llu: %s", R.c.name,
                      (unsigned long long)(base + B->err_line), B->err.msg);
            goto done;
        }
        for (int w = 0; w < B->nwarn && st->nwarnings < TREC_INGEST_WARNINGS; w++)
            snprintf(st->warnings[st->nwarnings++], sizeof st->warnings[0],
                     "%s:%llu: %s", R.c.name,
                     (unsigned long long)(base + B->warn_line[w]), B->warn[w]);
        st->records += B->records;
        st->skipped += B->skipped;
        base += B->nlines;
    }
    st->lines = base - 1;
    rc = assemble(&R.c, R.bs, R.nb, o, threads, out, st, err);
done:
    if (P.ring) {
        pthread_mutex_destroy(&P.mu);
        pthread_cond_destroy(&P.work);
        pthread_cond_destroy(&P.done);
        free(P.ring);
    }
    for (size_t b = 0; b < R.nb; b++)
        blk_destroy(R.bs[b]);
    free(R.bs);
    return rc;
}

int trec_ingest_ratings(const char *path, const trec_ingest_opts *o, trec_csr *out,
                        trec_ingest_stats *st, trec_error *err)
{
    trec_ingest_reader rd;
    memset(out, 0, sizeof *out);
    if (trec_ingest_reader_open(&rd, path, o->block_size, -1, err) != 0)
        return -1;
    int rc = ingest(&rd, o, out, st, err);
    trec_ingest_reader_close(&rd);
    return rc;
}

int trec_ingest_ratings_mem(const char *data, size_t len, const char *name,
                            const trec_ingest_opts *o, trec_csr *out,
                            trec_ingest_stats *st, trec_error *err)
{
    trec_ingest_reader rd;
    memset(out, 0, sizeof *out);
    trec_ingest_reader_open_mem(&rd, data, len, name, o->block_size, -1);
    int rc = ingest(&rd, o, out, st, err);
    trec_ingest_reader_close(&rd);
    return rc;
}
