/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* parallel.h - a parallel for-loop over tasks on short-lived threads. */
#ifndef TREC_PARALLEL_H
#define TREC_PARALLEL_H

#include <stdint.h>

/* Runs fn(ctx, t) for t in 0..ntasks-1 on up to `threads` threads (the
 * caller's included; tasks are handed out in order, one at a time). Tasks
 * must write disjoint outputs; the result then does not depend on the
 * schedule. If a thread cannot start, the others do its share. */
void trec_parallel_for(int threads, uint64_t ntasks, void (*fn)(void *ctx, uint64_t t),
                       void *ctx);

#endif
