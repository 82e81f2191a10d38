/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_reader.c - block reading and tokenizing for trec-ingest. */
#include "ingest_reader.h"

#include <csv.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int force_libcsv; /* trec_ingest_reader_force_libcsv */

void trec_ingest_reader_force_libcsv(int mode)
{
    force_libcsv = mode;
}

/* ---- dialect ---------------------------------------------------------- */

static const struct { const char *name, *sep; } sep_names[] = {
    {"tab", "\t"}, {"\\t", "\t"}, {"comma", ","}, {"semicolon", ";"},
    {"space", " "}, {"pipe", "|"},
};

int trec_ingest_dialect_init(trec_ingest_dialect *d, const char *sep, const char *quote,
                             trec_error *err)
{
    memset(d, 0, sizeof *d);
    if (!sep)
        sep = ",";
    for (size_t i = 0; i < sizeof sep_names / sizeof sep_names[0]; i++)
        if (strcmp(sep, sep_names[i].name) == 0)
            sep = sep_names[i].sep;
    size_t n = strlen(sep);
    if (n == 0 || n >= sizeof d->msep)
        return trec_fail(err, "separator '%s': give one character, a name "
                         "(tab, comma, semicolon, space, pipe) or 2 to %zu "
                         "characters such as '::'", sep, sizeof d->msep - 1);
    if (strchr(sep, '\n') || strchr(sep, '\r'))
        return trec_fail(err, "separator cannot contain a line break");
    if (n == 1) {
        d->delim = (unsigned char)sep[0];
    } else {
        memcpy(d->msep, sep, n);
        d->msep_len = n;
        d->delim = TREC_INGEST_MSEP_BYTE;
    }
    if (!quote)
        d->quote = (n > 1 || sep[0] == '\t') ? -1 : '"';
    else if (strcmp(quote, "none") == 0)
        d->quote = -1;
    else if (strlen(quote) == 1)
        d->quote = (unsigned char)quote[0];
    else
        return trec_fail(err, "quote '%s': give one character or 'none'", quote);
    if (d->quote >= 0 && (d->quote == '\n' || d->quote == '\r' ||
                          d->quote == ' ' || d->quote == '\t' ||
                          memchr(sep, d->quote, n)))
        return trec_fail(err, "quote character cannot be a space, a line break "
                         "or part of the separator");
    return 0;
}

/* ---- memory ----------------------------------------------------------- */

void trec_ingest_mem_hugepages(void *p, size_t n)
{
    /* Transparent huge pages, where the system offers them on request: one
     * page fault per 2 MiB instead of per 4 KiB on arrays that are filled
     * once from start to end. Only the whole 2 MiB pages inside [p, p+n). */
    const uintptr_t huge = 2u << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(huge - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_HUGEPAGE);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   /* Linux 5.14 */
#endif

void trec_ingest_mem_populate(void *p, size_t n)
{
    /* Each fault costs a trap, which on a virtual machine is the larger part
     * of its cost; one madvise maps all the pages. Rounded out to whole
     * pages (the pages around [p, p+n) are in the same mapping). */
    long page = sysconf(_SC_PAGESIZE);
    if (!p || n == 0 || page <= 0)
        return;
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(page - 1);
    uintptr_t b = ((uintptr_t)p + n + page - 1) & ~(uintptr_t)(page - 1);
    (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
}

/* Below this size an array comes from the heap: a small input (a short
 * file, or the first blocks' arrays before they double) would otherwise cost
 * an mmap and an munmap per array, and each munmap flushes the TLB of every
 * thread of the process. Large arrays stay on mmap so that freeing one gives
 * the memory back at once. The size decides, so alloc, grow and free agree
 * as long as callers pass the size they allocated (they must for munmap). */
#define SMALL_MEM ((size_t)256 << 10)

void *trec_ingest_mem_alloc(size_t n, trec_error *err)
{
    void *p;
    if (n < SMALL_MEM) {
        p = calloc(1, n ? n : 1);   /* zeroed, like fresh anonymous pages */
        if (!p)
            trec_fail(err, "out of memory allocating %zu bytes", n);
        return p;
    }
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        trec_fail(err, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    return p;
}

void *trec_ingest_mem_alloc_huge(size_t n, trec_error *err)
{
    const size_t huge = (size_t)2 << 20;
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    if (n < 2 * huge)
        return trec_ingest_mem_alloc(n, err);
    /* Map 2 MiB more, then unmap the ends: a 2 MiB-aligned mapping of
     * exactly n bytes (rounded to pages), which trec_ingest_mem_free(p, n)
     * unmaps whole. */
    size_t len = (n + page - 1) & ~(page - 1);
    char *q = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (q == MAP_FAILED) {
        trec_fail(err, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    char *a = (char *)(((uintptr_t)q + huge - 1) & ~(uintptr_t)(huge - 1));
    if (a > q)
        munmap(q, (size_t)(a - q));
    if (q + len + huge > a + len)
        munmap(a + len, (size_t)(q + len + huge - (a + len)));
    trec_ingest_mem_hugepages(a, n);
    return a;
}

/* Keeps the first min(old_n, new_n) bytes; bytes past old_n read as zero. */
void *trec_ingest_mem_grow(void *p, size_t old_n, size_t new_n, trec_error *err)
{
    if (!p)
        return trec_ingest_mem_alloc(new_n, err);
    void *q;
    if (old_n < SMALL_MEM && new_n < SMALL_MEM) {
        if (!(q = realloc(p, new_n ? new_n : 1))) {
            trec_fail(err, "out of memory allocating %zu bytes", new_n);
            return NULL;
        }
        if (new_n > old_n)
            memset((char *)q + old_n, 0, new_n - old_n);
        return q;
    }
    if (old_n >= SMALL_MEM && new_n >= SMALL_MEM) {
        q = mremap(p, old_n, new_n, MREMAP_MAYMOVE);
        if (q != MAP_FAILED)
            return q;
    }
    /* From heap to mmap or back, or mremap failed: it needs the old range
     * to be one mapping, and madvise (huge pages) may have split it in three
     * (EFAULT). Then: a new array and a copy. */
    q = trec_ingest_mem_alloc(new_n, err);
    if (!q)
        return NULL;
    memcpy(q, p, old_n < new_n ? old_n : new_n);
    trec_ingest_mem_free(p, old_n);
    return q;
}

void trec_ingest_mem_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < SMALL_MEM)
        free(p);
    else
        munmap(p, n);
}

/* ---- reading blocks --------------------------------------------------- */

int trec_ingest_reader_open(trec_ingest_reader *r, const char *path, size_t block_size,
                            int quote, trec_error *err)
{
    memset(r, 0, sizeof *r);
    r->block_size = block_size ? block_size : TREC_INGEST_DEFAULT_BLOCK;
    r->quote = quote;
    r->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    pthread_mutex_init(&r->spare_mu, NULL);
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0)
            return trec_fail_errno(err, "%s: cannot open", path);
        r->close_fd = 1;
    }
    if (trec_input_open(&r->in, r->fd, r->name, err) != 0)
        return -1;
    r->have_in = 1;
    return 0;
}

int trec_ingest_reader_open_mem(trec_ingest_reader *r, const char *data, size_t len,
                                const char *name, size_t block_size, int quote)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->mem = data;
    r->mem_len = len;
    r->block_size = block_size ? block_size : TREC_INGEST_DEFAULT_BLOCK;
    r->quote = quote;
    r->name = name;
    pthread_mutex_init(&r->spare_mu, NULL);
    return 0;
}

void trec_ingest_reader_drop_spares(trec_ingest_reader *r)
{
    pthread_mutex_lock(&r->spare_mu);
    for (int i = 0; i < r->nspare; i++)
        trec_ingest_mem_free(r->spare[i], r->block_size + 1);
    r->nspare = 0;
    pthread_mutex_unlock(&r->spare_mu);
}

void trec_ingest_reader_close(trec_ingest_reader *r)
{
    if (r->have_in)
        trec_input_close(&r->in);
    if (r->close_fd)
        close(r->fd);
    free(r->carry);
    trec_ingest_reader_drop_spares(r);
    pthread_mutex_destroy(&r->spare_mu);
    memset(r, 0, sizeof *r);
}

void trec_ingest_reader_recycle(trec_ingest_reader *r, trec_ingest_block *b)
{
    if (b->text && b->cap == r->block_size + 1) {
        pthread_mutex_lock(&r->spare_mu);
        int kept = r->nspare < (int)(sizeof r->spare / sizeof r->spare[0]);
        if (kept)
            r->spare[r->nspare++] = b->text;
        pthread_mutex_unlock(&r->spare_mu);
        if (kept) {
            b->text = NULL;
            b->len = b->cap = 0;
            return;
        }
    }
    trec_ingest_block_free(b);
}

void trec_ingest_block_free(trec_ingest_block *b)
{
    trec_ingest_mem_free(b->text, b->cap);
    b->text = NULL;
    b->len = b->cap = 0;
}

/* Fills buf[have..cap) as far as the input allows; returns the new fill. */
static int fill(trec_ingest_reader *r, char *buf, size_t cap, size_t *have, trec_error *err)
{
    while (*have < cap && !r->eof) {
        size_t want = cap - *have;
        if (r->mem) {
            size_t n = r->mem_len - r->mem_pos < want ? r->mem_len - r->mem_pos : want;
            memcpy(buf + *have, r->mem + r->mem_pos, n);
            r->mem_pos += n;
            *have += n;
            if (r->mem_pos == r->mem_len)
                r->eof = 1;
            continue;
        }
        ssize_t n = trec_input_read(&r->in, buf + *have, want, err);
        if (n < 0)
            return -1;
        if (n == 0)
            r->eof = 1;
        *have += (size_t)n;
    }
    return 0;
}

/* The end of the last complete record in text[0..len), or 0 if none: just
 * after the last newline preceded by an even number of quote characters
 * (every block starts outside quotes). */
static size_t find_cut(const char *text, size_t len, int quote)
{
    if (quote < 0 || !memchr(text, quote, len)) {
        const char *nl = memrchr(text, '\n', len);
        return nl ? (size_t)(nl - text) + 1 : 0;
    }
    /* Hop from quote to quote; newlines between an even and the next odd
     * quote are outside quotes. */
    size_t cut = 0, pos = 0;
    int inside = 0;
    while (pos < len) {
        const char *q = memchr(text + pos, quote, len - pos);
        size_t end = q ? (size_t)(q - text) : len;
        if (!inside) {
            const char *nl = memrchr(text + pos, '\n', end - pos);
            if (nl)
                cut = (size_t)(nl - text) + 1;
        }
        if (!q)
            break;
        inside = !inside;
        pos = end + 1;
    }
    return cut;
}

int trec_ingest_reader_next(trec_ingest_reader *r, trec_ingest_block *b, trec_error *err)
{
    memset(b, 0, sizeof *b);
    if (r->eof && r->carry_len == 0)
        return 0;
    size_t cap = r->block_size;
    while (cap < 2 * r->carry_len)
        cap *= 2;
    /* +1: room for the sentinel after the text. */
    char *buf = NULL;
    if (cap == r->block_size) {
        pthread_mutex_lock(&r->spare_mu);
        if (r->nspare > 0)
            buf = r->spare[--r->nspare];
        pthread_mutex_unlock(&r->spare_mu);
    }
    if (!buf) {
        if (!(buf = trec_ingest_mem_alloc(cap + 1, err)))
            return -1;
        trec_ingest_mem_hugepages(buf, cap + 1);  /* filled whole, reused */
    }
    size_t have = r->carry_len, cut;
    if (r->carry_len)
        memcpy(buf, r->carry, r->carry_len);
    r->carry_len = 0;
    for (;;) {
        if (fill(r, buf, cap, &have, err) != 0)
            goto fail;
        cut = r->eof ? have : find_cut(buf, have, r->quote);
        if (cut > 0 || r->eof)
            break;
        /* One record longer than the block: read more, up to a limit (an
         * input without line breaks, or with an unbalanced quote, would
         * otherwise be read whole into one record). */
        if (cap >= TREC_INGEST_MAX_RECORD && cap >= r->block_size) {
            r->long_record = 1;
            trec_fail(err, "a record longer than %zu bytes, the limit (%u MiB or the "
                      "block size)%s", cap, TREC_INGEST_MAX_RECORD >> 20,
                      r->quote >= 0 ? "; an unbalanced quote character?" : "");
            goto fail;
        }
        char *nb = trec_ingest_mem_grow(buf, cap + 1, 2 * cap + 1, err);
        if (!nb)
            goto fail;
        buf = nb;
        cap *= 2;
    }
    if (have - cut > r->carry_cap) {
        char *c = realloc(r->carry, have - cut);
        if (!c) {
            trec_fail(err, "out of memory");
            goto fail;
        }
        r->carry = c;
        r->carry_cap = have - cut;
    }
    if (have > cut)
        memcpy(r->carry, buf + cut, have - cut);
    r->carry_len = have - cut;
    size_t skip = 0;
    if (r->nblocks == 0 && cut >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;   /* UTF-8 byte order mark */
    if (skip)
        memmove(buf, buf + skip, cut - skip);
    b->text = buf;
    b->cap = cap + 1;
    b->len = cut - skip;
    b->text[b->len] = '\n';
    b->index = r->nblocks++;
    b->last = r->eof && r->carry_len == 0;
    if (b->len == 0 && b->last && b->index > 0) {
        trec_ingest_block_free(b);
        return 0;
    }
    return 1;
fail:
    trec_ingest_mem_free(buf, cap + 1);
    return -1;
}

void trec_ingest_reader_locate(const trec_ingest_reader *r, uint64_t line,
                               trec_error *err)
{
    if (!r->long_record)
        return;
    char msg[sizeof err->msg];
    memcpy(msg, err->msg, sizeof msg);
    trec_fail(err, "%s:%llu: %s", r->name, (unsigned long long)line, msg);
}

/* ---- tokenizing ------------------------------------------------------- */

void trec_ingest_block_prepare(const trec_ingest_dialect *d, trec_ingest_block *b)
{
    if (b->prepared || d->msep_len == 0)
        return;
    b->prepared = 1;
    /* Compacting rewrite: each separator becomes one TREC_INGEST_MSEP_BYTE. A byte
     * TREC_INGEST_MSEP_BYTE already in the text becomes DEL, a control character
     * that no id or number accepts, so it cannot pose as a separator. */
    const char *s = d->msep;
    size_t m = d->msep_len;
    char *in = b->text, *end = b->text + b->len, *out = b->text;
    while (in < end) {
        if (*in == s[0] && (size_t)(end - in) >= m && memcmp(in, s, m) == 0) {
            *out++ = (char)TREC_INGEST_MSEP_BYTE;
            in += m;
        } else {
            char c = *in++;
            *out++ = c == (char)TREC_INGEST_MSEP_BYTE ? 0x7F : c;
        }
    }
    b->len = (size_t)(out - b->text);
    b->text[b->len] = '\n';
}

void trec_ingest_show(char *out, size_t outsz, const char *s, size_t n)
{
    size_t k = 0, lim = n > 40 ? 40 : n;
    for (size_t i = 0; i < lim && k + 1 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (c < 0x20 || c >= 0x7F) ? '?' : (char)c;
    }
    if (n > lim)
        for (int i = 0; i < 3 && k + 1 < outsz; i++)
            out[k++] = '.';
    out[k] = '\0';
}

/* libcsv gives one field at a time from a buffer it reuses: keep copies of
 * the fields of the current record. */
typedef struct lc_state {
    char *buf;
    size_t len, cap;
    size_t nf, maxstore;
    uint64_t rec_line;
    uint64_t line;           /* whole-block mode: newlines seen so far */
    int count_lines;         /* whole-block mode (CSV_REPALL_NL) */
    int halt, rc;
    trec_ingest_record_fn fn;
    void *ctx;
    trec_error *err;
    /* Last and not cleared (16 KiB, one per block): entries [0, nf) are
     * written before they are read. */
    size_t off[TREC_INGEST_MAX_FIELDS], flen[TREC_INGEST_MAX_FIELDS];
} lc_state;

static lc_state *lc_new(size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                        trec_error *err)
{
    lc_state *st = malloc(sizeof *st);
    if (!st)
        return NULL;
    memset(st, 0, offsetof(lc_state, off));
    st->maxstore = maxstore > TREC_INGEST_MAX_FIELDS ? TREC_INGEST_MAX_FIELDS : maxstore;
    st->fn = fn;
    st->ctx = ctx;
    st->err = err;
    return st;
}

/* memcpy for a field: most are a few bytes, for which a call to memcpy
 * costs more than the copy; fixed-size copies compile to moves. */
static inline void copy_field(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        memcpy(d, s, n);
    }
}

static void lc_field(void *s, size_t n, void *data)
{
    lc_state *st = data;
    if (st->halt)
        return;
    if (st->nf < st->maxstore) {
        if (st->len + n > st->cap) {
            size_t cap = st->cap ? st->cap : 256;
            while (cap < st->len + n)
                cap *= 2;
            char *nb = realloc(st->buf, cap);
            if (!nb) {
                st->halt = 1;
                st->rc = trec_fail(st->err, "out of memory");
                return;
            }
            st->buf = nb;
            st->cap = cap;
        }
        if (n) /* an empty field before any buffer: no NULL + 0 */
            copy_field(st->buf + st->len, s, n);
        st->off[st->nf] = st->len;
        st->flen[st->nf] = n;
        st->len += n;
    }
    st->nf++;
}

static void lc_record(int c, void *data)
{
    lc_state *st = data;
    if (st->halt)
        return;
    if (st->count_lines) {
        /* CSV_REPALL_NL reports every unquoted CR and LF, also those that end
         * no record (blank lines, the LF of CR LF): count LFs, skip empties. */
        uint64_t start = st->line;
        st->line += c == '\n';
        if (st->nf == 0)
            return;
        st->rec_line = start;
    }
    trec_ingest_field f[TREC_INGEST_MAX_FIELDS];
    size_t k = st->nf < st->maxstore ? st->nf : st->maxstore;
    /* Only empty fields so far: no buffer yet (and no arithmetic on NULL). */
    const char *base = st->buf ? st->buf : "";
    for (size_t i = 0; i < k; i++) {
        f[i].p = base + st->off[i];
        f[i].n = st->flen[i];
    }
    int rc = st->fn(st->ctx, f, st->nf, st->rec_line, st->err);
    st->nf = 0;
    st->len = 0;
    if (rc != 0) {
        st->halt = 1;
        st->rc = rc;
    }
}

/* csv_parse over s[0..n) in pieces, until a callback halts; returns the
 * bytes consumed (fewer on a malformed quoted field). Pieces let a callback
 * that stops (an error, or the header peek, which wants one record) end the
 * work early, and let a long field's buffer grow geometrically: libcsv grows
 * it by a fixed step (blk_size, 128 bytes), so after each piece the step is
 * raised to the buffer's size (glibc's realloc hid the quadratic copying;
 * ASan's did not: minutes for a 17 MB field). */
static size_t parse_pieces(struct csv_parser *p, const char *s, size_t n, lc_state *st)
{
    enum { PIECE = 64 << 10 };
    size_t done = 0;
    while (done < n && !st->halt) {
        size_t len = n - done < PIECE ? n - done : PIECE;
        size_t got = csv_parse(p, s + done, len, lc_field, lc_record, st);
        done += got;
        if (got != len)
            break;
        if (p->entry_size > p->blk_size)
            csv_set_blk_size(p, p->entry_size);
    }
    return done;
}

static int tok_libcsv(const trec_ingest_dialect *d, const trec_ingest_block *b,
                      size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                      uint64_t *nlines, uint64_t *err_line, trec_error *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return trec_fail(err, "out of memory");
    csv_set_delim(&p, d->delim);
    csv_set_quote(&p, (unsigned char)d->quote);
    lc_state *st = lc_new(maxstore, fn, ctx, err);
    if (!st) {
        csv_free(&p);
        return trec_fail(err, "out of memory");
    }
    const char *s = b->text, *end = b->text + b->len;
    uint64_t line = 0;
    int rc = 0;
    /* One physical line at a time, so each record knows its first line. */
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl + 1 : end;
        if (p.pstate == 0 && st->nf == 0) /* 0: no record begun */
            st->rec_line = line;
        size_t got = parse_pieces(&p, s, (size_t)(e - s), st);
        if (st->halt) {
            rc = st->rc;
            *err_line = st->rec_line;
            goto done;
        }
        if (got != (size_t)(e - s)) {
            rc = trec_fail(err, "column %zu: malformed quoted field (a quote "
                           "inside an unquoted field, or text after a closing "
                           "quote)", st->nf + 1);
            *err_line = line;
            goto done;
        }
        line += nl != NULL;
        s = e;
    }
    if (p.pstate != 0 && !b->last) {
        rc = trec_fail(err, "unterminated quoted field");
        *err_line = st->rec_line;
        goto done;
    }
    if (b->last) {
        uint64_t start = st->rec_line;
        if (csv_fini(&p, lc_field, lc_record, st) != 0 && !st->halt) {
            rc = trec_fail(err, "unterminated quoted field (the input ends "
                           "inside quotes)");
            *err_line = start;
            goto done;
        }
        if (st->halt) {
            rc = st->rc;
            *err_line = st->rec_line;
            goto done;
        }
    }
    *nlines = line;
done:
    csv_free(&p);
    free(st->buf);
    free(st);
    return rc;
}

/* With quoting off, NUL is what libcsv is told is the quote: refused, in
 * either tokenizer, so that both read the same text. */
static int check_no_nul(const trec_ingest_block *b, uint64_t *err_line, trec_error *err)
{
    const char *nul = memchr(b->text, 0, b->len);
    if (!nul)
        return 0;
    uint64_t line = 0;
    for (const char *q = b->text; q < nul; q++)
        line += *q == '\n';
    *err_line = line;
    return trec_fail(err, "NUL byte in the input");
}

/* A block without quote characters: every newline ends a line outside
 * quotes, so libcsv can take the whole block in one call and the line of each
 * record is the count of LFs reported before it. */
static int tok_libcsv_block(const trec_ingest_dialect *d, const trec_ingest_block *b,
                            size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                            uint64_t *nlines, uint64_t *err_line, trec_error *err)
{
    if (d->quote < 0 && check_no_nul(b, err_line, err) != 0)
        return -1;
    struct csv_parser p;
    if (csv_init(&p, CSV_REPALL_NL) != 0)
        return trec_fail(err, "out of memory");
    csv_set_delim(&p, d->delim);
    csv_set_quote(&p, d->quote < 0 ? 0 : (unsigned char)d->quote);
    lc_state *st = lc_new(maxstore, fn, ctx, err);
    if (!st) {
        csv_free(&p);
        return trec_fail(err, "out of memory");
    }
    st->count_lines = 1;
    int rc = 0;
    parse_pieces(&p, b->text, b->len, st);
    if (!st->halt)
        csv_fini(&p, lc_field, lc_record, st);
    if (st->halt) {
        rc = st->rc;
        *err_line = st->rec_line;
    } else {
        *nlines = st->line;
    }
    csv_free(&p);
    free(st->buf);
    free(st);
    return rc;
}

int trec_ingest_tokenize(const trec_ingest_dialect *d, const trec_ingest_block *b,
                         size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                         uint64_t *nlines, uint64_t *err_line, trec_error *err)
{
    *nlines = 0;
    *err_line = 0;
    if (d->quote >= 0 && (force_libcsv == 1 || memchr(b->text, d->quote, b->len)))
        return tok_libcsv(d, b, maxstore, fn, ctx, nlines, err_line, err);
    if (force_libcsv)
        return tok_libcsv_block(d, b, maxstore, fn, ctx, nlines, err_line, err);
    if (d->quote < 0 && check_no_nul(b, err_line, err) != 0)
        return -1;
    return trec_ingest_tokenize_plain(d, b, maxstore, fn, ctx, nlines, err_line, err);
}
