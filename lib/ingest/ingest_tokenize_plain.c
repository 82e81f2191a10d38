/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_tokenize_plain.c - records of a block without quote characters,
 * without libcsv.
 *
 * Without quotes, libcsv's state machine reduces to a few rules, which this
 * follows exactly (tests compare it with libcsv record by record, the fuzzer
 * on any bytes):
 * - the delimiter ends a field, a CR or an LF ends a record (CR LF is two
 *   ends, the second of an empty row);
 * - spaces and tabs (unless one is the delimiter) are trimmed from both ends
 *   of a field;
 * - a row with no field (nothing but spaces and tabs before its end) is not
 *   a record;
 * - the text's end ends the record in progress, if any (csv_fini).
 * A record's line is the count of LFs before its end. The fields point into
 * the block's text: nothing is copied, and there is no call per field. This
 * is what makes the usual ratings file several times cheaper to tokenize
 * than through libcsv's byte-at-a-time callbacks. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ingest_reader.h"

enum { ORDINARY, SPACE, DELIM, LF, CR };

static void classes(const trec_ingest_dialect *d, unsigned char cls[256])
{
    memset(cls, ORDINARY, 256);
    cls[' '] = SPACE;
    cls['\t'] = SPACE;
    cls[d->delim] = DELIM;   /* a space or tab delimiter is not trimmed */
    cls['\n'] = LF;
    cls['\r'] = CR;
}

/* The ends of fields (delimiters, CRs and LFs) are found 64 bytes at a time,
 * as a bit mask, and taken in order, one bit per field: a field costs a few
 * instructions whatever its length, instead of a test per byte. */
typedef struct ends {
    const unsigned char *text;
    size_t n;                /* text[0..n) is scanned: the text and its sentinel */
    size_t base;             /* the mask covers text[base..base+64) */
    uint64_t mask;           /* the ends not taken yet */
    unsigned char delim;
} ends;

static uint64_t ends_in(const ends *e, size_t base)
{
    const unsigned char *p = e->text + base;
    uint64_t m = 0;
#ifdef __SSE2__
    if (base + 64 <= e->n) {
        const __m128i d = _mm_set1_epi8((char)e->delim), lf = _mm_set1_epi8('\n'),
                      cr = _mm_set1_epi8('\r');
        for (int k = 0; k < 4; k++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
            __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, d),
                                       _mm_or_si128(_mm_cmpeq_epi8(x, lf),
                                                    _mm_cmpeq_epi8(x, cr)));
            m |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << (16 * k);
        }
        return m;
    }
#endif
    size_t lim = e->n - base < 64 ? e->n - base : 64;
    for (size_t i = 0; i < lim; i++)
        m |= (uint64_t)(p[i] == e->delim || p[i] == '\n' || p[i] == '\r') << i;
    return m;
}

/* The offset of the next end. The sentinel ends the scan: never past it. */
static inline size_t next_end(ends *e)
{
    while (!e->mask) {
        e->base += 64;
        e->mask = ends_in(e, e->base);
    }
    size_t at = e->base + (size_t)__builtin_ctzll(e->mask);
    e->mask &= e->mask - 1;
    return at;
}

int trec_ingest_tokenize_plain(const trec_ingest_dialect *d, const trec_ingest_block *b,
                               size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                               uint64_t *nlines, uint64_t *err_line, trec_error *err)
{
    unsigned char cls[256];
    classes(d, cls);
    if (maxstore > TREC_INGEST_MAX_FIELDS)
        maxstore = TREC_INGEST_MAX_FIELDS;
    trec_ingest_field f[TREC_INGEST_MAX_FIELDS];
    /* text[len] is '\n' (a sentinel): the last end there is. */
    const unsigned char *t = (const unsigned char *)b->text;
    const size_t len = b->len;
    ends e = {t, len + 1, 0, 0, d->delim};
    e.mask = ends_in(&e, 0);
    uint64_t line = 0;
    size_t s = 0;
    *nlines = 0;
    *err_line = 0;
    while (s < len) {
        unsigned char c = cls[t[s]];
        if (c == SPACE) {            /* no row begun */
            s++;
            continue;
        }
        if (c == CR || c == LF) {    /* an empty row */
            next_end(&e);
            line += c == LF;
            s++;
            continue;
        }
        size_t nf = 0, at;
        for (;;) {
            while (cls[t[s]] == SPACE)
                s++;
            at = next_end(&e);
            size_t n = at - s;
            while (n && cls[t[s + n - 1]] == SPACE)
                n--;
            if (nf < maxstore)
                f[nf] = (trec_ingest_field){(const char *)t + s, n};
            nf++;
            s = at + 1;
            if (at == len || t[at] != d->delim)
                break;
        }
        uint64_t rec_line = line;
        if (at < len)   /* else the text's end ends the record */
            line += t[at] == '\n';
        int rc = fn(ctx, f, nf, rec_line, err);
        if (rc != 0) {
            *err_line = rec_line;
            return rc;
        }
    }
    *nlines = line;
    return 0;
}
