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

int trec_ingest_tokenize_plain(const trec_ingest_dialect *d, const trec_ingest_block *b,
                               size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                               uint64_t *nlines, uint64_t *err_line, trec_error *err)
{
    unsigned char cls[256];
    classes(d, cls);
    if (maxstore > TREC_INGEST_MAX_FIELDS)
        maxstore = TREC_INGEST_MAX_FIELDS;
    trec_ingest_field f[TREC_INGEST_MAX_FIELDS];
    /* text[len] is '\n' (a sentinel): scans stop there without a bound. */
    const unsigned char *s = (const unsigned char *)b->text, *end = s + b->len;
    uint64_t line = 0;
    *nlines = 0;
    *err_line = 0;
    while (s < end) {
        unsigned char c = cls[*s];
        if (c == SPACE || c == CR || c == LF) {   /* no row begun */
            line += c == LF;
            s++;
            continue;
        }
        size_t nf = 0;
        for (;;) {
            while (cls[*s] == SPACE)
                s++;
            const unsigned char *start = s;
            while (cls[*s] <= SPACE)
                s++;
            size_t n = (size_t)(s - start);
            while (n && cls[start[n - 1]] == SPACE)
                n--;
            if (nf < maxstore)
                f[nf] = (trec_ingest_field){(const char *)start, n};
            nf++;
            if (s < end && cls[*s] == DELIM) {
                s++;
                continue;
            }
            break;
        }
        uint64_t rec_line = line;
        if (s < end) {   /* else the text's end ends the record */
            line += *s == '\n';
            s++;
        }
        int rc = fn(ctx, f, nf, rec_line, err);
        if (rc != 0) {
            *err_line = rec_line;
            return rc;
        }
    }
    *nlines = line;
    return 0;
}
