/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* parallel.c - trec_parallel_for: workers take the next task index from a
 * shared atomic counter until none is left. */
#include "parallel.h"

#include <pthread.h>

typedef struct pool_job {
    void (*fn)(void *ctx, uint64_t t);
    void *ctx;
    uint64_t ntasks;
    uint64_t next; /* atomic */
} pool_job;

static void *pool_worker(void *arg)
{
    pool_job *j = arg;
    for (;;) {
        uint64_t t = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (t >= j->ntasks)
            return NULL;
        j->fn(j->ctx, t);
    }
}

void trec_parallel_for(int threads, uint64_t ntasks, void (*fn)(void *ctx, uint64_t t),
                       void *ctx)
{
    pool_job job = {fn, ctx, ntasks, 0};
    pthread_t tid[63];
    int n = 0;
    uint64_t want = threads > 1 ? (uint64_t)threads - 1 : 0;
    if (want > ntasks - (ntasks > 0))
        want = ntasks ? ntasks - 1 : 0;
    if (want > 63)
        want = 63;
    for (uint64_t i = 0; i < want; i++)
        if (pthread_create(&tid[n], NULL, pool_worker, &job) == 0)
            n++;
    pool_worker(&job);
    for (int i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
}
