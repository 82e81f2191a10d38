/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* error.c - one-line error messages and checked allocation. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "blis_arch.h"

/* error.o is in every program linked with libtrec: BLIS's kernels are
 * chosen here, before main() and before BLIS initialises. */
__attribute__((constructor)) static void choose_blis_kernels(void)
{
    trec_blis_arch_default();
}

int trec_fail(trec_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int trec_fail_errno(trec_error *err, const char *fmt, ...)
{
    int saved = errno;
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < sizeof err->msg)
            snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s",
                     strerror(saved));
    }
    return -1;
}

void *trec_malloc(size_t n, trec_error *err)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        trec_fail(err, "out of memory allocating %zu bytes", n);
    return p;
}

void *trec_calloc(size_t count, size_t size, trec_error *err)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        trec_fail(err, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *trec_realloc(void *p, size_t n, trec_error *err)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        trec_fail(err, "out of memory allocating %zu bytes", n);
    return q;
}

void *trec_aligned_alloc(size_t n, trec_error *err)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, n ? n : 1) != 0) {
        trec_fail(err, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    return p;
}

void *trec_aligned_alloc_huge(size_t n, trec_error *err)
{
    const size_t huge = (size_t)2 << 20;
    if (n < huge)
        return trec_aligned_alloc(n, err);
    void *p = NULL;
    size_t whole = (n + huge - 1) / huge * huge; /* the last page a huge one too */
    if (whole < n || posix_memalign(&p, huge, whole) != 0) {
        trec_fail(err, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    /* before the first touch: the pages are then huge as they fault in */
    (void)madvise(p, whole, MADV_HUGEPAGE);
    return p;
}
