/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* decompress.c - gzip inputs read transparently (see decompress.h). */
#include "decompress.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define IN_CHUNK (1u << 16)

/* read() until n bytes or the end; the count, or -1. */
static ssize_t read_full(int fd, unsigned char *buf, size_t n)
{
    size_t have = 0;
    while (have < n) {
        ssize_t got = read(fd, buf + have, n - have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0)
            break;
        have += (size_t)got;
    }
    return (ssize_t)have;
}

int trec_input_open(trec_input *in, int fd, const char *name, trec_error *err)
{
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->name = name;
    ssize_t got = read_full(fd, in->peek, 2);
    if (got < 0)
        return trec_fail_errno(err, "%s: read failed", name);
    in->npeek = (size_t)got;
    if (got < 2 || in->peek[0] != 0x1f || in->peek[1] != 0x8b)
        return 0;
    z_stream *zs = trec_calloc(1, sizeof *zs, err);
    in->in = trec_malloc(IN_CHUNK, err);
    if (!zs || !in->in) {
        free(zs);
        free(in->in);
        in->in = NULL;
        return -1;
    }
    /* 16 + MAX_WBITS: a gzip header and trailer, checked. */
    if (inflateInit2(zs, 16 + MAX_WBITS) != Z_OK) {
        free(zs);
        free(in->in);
        in->in = NULL;
        return trec_fail(err, "%s: gzip: cannot start zlib", name);
    }
    in->zs = zs;
    in->gzip = 1;
    in->in_cap = IN_CHUNK;
    memcpy(in->in, in->peek, 2);
    zs->next_in = in->in;
    zs->avail_in = 2;
    in->npeek = 0;
    return 0;
}

ssize_t trec_input_read(trec_input *in, void *buf, size_t n, trec_error *err)
{
    if (!in->gzip) {
        if (in->npeek && n) {
            size_t k = in->npeek < n ? in->npeek : n;
            memcpy(buf, in->peek, k);
            memmove(in->peek, in->peek + k, in->npeek - k);
            in->npeek -= k;
            return (ssize_t)k;
        }
        for (;;) {
            ssize_t got = read(in->fd, buf, n);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                trec_fail_errno(err, "%s: read failed", in->name);
            return got;
        }
    }
    z_stream *zs = in->zs;
    if (n > UINT32_MAX)
        n = UINT32_MAX;
    zs->next_out = buf;
    zs->avail_out = (uInt)n;
    while (zs->avail_out == n && !in->done) {
        if (zs->avail_in == 0 && !in->in_eof) {
            ssize_t got = read_full(in->fd, in->in, in->in_cap);
            if (got < 0)
                return trec_fail_errno(err, "%s: read failed", in->name);
            in->in_eof = (size_t)got < in->in_cap;
            zs->next_in = in->in;
            zs->avail_in = (uInt)got;
        }
        if (zs->avail_in == 0 && in->in_eof)
            return trec_fail(err, "%s: gzip: unexpected end of compressed data (truncated "
                             "file?)", in->name);
        int rc = inflate(zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            /* Another member may follow (concatenated gzip files). */
            if (zs->avail_in == 0 && !in->in_eof) {
                ssize_t got = read_full(in->fd, in->in, in->in_cap);
                if (got < 0)
                    return trec_fail_errno(err, "%s: read failed", in->name);
                in->in_eof = (size_t)got < in->in_cap;
                zs->next_in = in->in;
                zs->avail_in = (uInt)got;
            }
            if (zs->avail_in == 0)
                in->done = 1;
            else if (inflateReset(zs) != Z_OK)
                return trec_fail(err, "%s: gzip: cannot restart zlib", in->name);
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return trec_fail(err, "%s: gzip: corrupt compressed data (%s)", in->name,
                             zs->msg ? zs->msg : "zlib error");
        }
    }
    return (ssize_t)(n - zs->avail_out);
}

void trec_input_close(trec_input *in)
{
    if (in->zs) {
        inflateEnd(in->zs);
        free(in->zs);
    }
    free(in->in);
    memset(in, 0, sizeof *in);
}
