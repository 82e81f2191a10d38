/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* decompress.h - reading an input that may be gzip-compressed, transparently
 * (internal to libtrec).
 *
 * The first bytes decide: gzip's magic number (1f 8b) means the input is
 * inflated with zlib as it is read (concatenated gzip members too, as gzip
 * -d does); anything else is passed through untouched, at the cost of
 * nothing but the peek. Works on pipes (stdin): nothing is seeked. */
#ifndef TREC_DECOMPRESS_H
#define TREC_DECOMPRESS_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

typedef struct trec_input {
    int fd;
    const char *name;        /* in messages */
    unsigned char peek[2];   /* bytes read to decide, not yet returned (plain) */
    size_t npeek;
    int gzip;                /* inflating */
    void *zs;                /* z_stream */
    unsigned char *in;       /* compressed bytes read, not yet inflated */
    size_t in_cap;
    int in_eof, done;
} trec_input;

/* Starts reading fd (not closed here). */
int trec_input_open(trec_input *in, int fd, const char *name, trec_error *err);
/* Up to n bytes into buf: the count, 0 at the end, -1 on an error (a read
 * error, or corrupt or truncated compressed data: "NAME: gzip: ..."). */
ssize_t trec_input_read(trec_input *in, void *buf, size_t n, trec_error *err);
void trec_input_close(trec_input *in);

#endif
