/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* error.h - error reporting shared by every part of libtrec.
 *
 * Library functions never print and never exit: they return 0 on success
 * and -1 on failure, after writing a one-line message into a trec_error.
 * The command-line tools print that message, prefixed by their name. */
#ifndef TREC_ERROR_H
#define TREC_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_error {
    char msg[1024];
} trec_error;

/* Formats a message into err (if err is not NULL); always returns -1 so
 * callers can write `return trec_fail(err, "...")`. */
int trec_fail(trec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like trec_fail, appending ": strerror(errno)". */
int trec_fail_errno(trec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Checked allocation helpers: on failure they set err and return NULL. */
void *trec_malloc(size_t n, trec_error *err);
void *trec_calloc(size_t count, size_t size, trec_error *err);
void *trec_realloc(void *p, size_t n, trec_error *err);
/* 64-byte aligned allocation (free with free()). */
void *trec_aligned_alloc(size_t n, trec_error *err);
/* The same for a large table read at random: from 2 MiB up it is 2 MiB
 * aligned and asks for transparent huge pages (madvise), so that its pages
 * take fewer TLB entries. Free with free(). */
void *trec_aligned_alloc_huge(size_t n, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
