/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* score-bench.c - all-users top-K scoring against bare BLIS sgemm on the
 * same block shapes, in the same run.
 *
 *   score-bench MODEL [--threads T] [-k K] [--repeat R] [--qblock Q] [--tblock N]
 *               [--users N]
 *
 * MODEL is a factors model (e.g. k = 64 components). Two measurements,
 * alternated R times (best kept, so both see the same machine):
 *   sgemm  every query block (TREC_TOPK_QUERY_BLOCK users) times every
 *          target block (TREC_TOPK_TARGET_BLOCK items; or Q x N), with BLIS set up
 *          as the scorer does (one thread per call, no "sup" path), into a
 *          per-thread buffer, T threads taking query blocks in turn: the
 *          multiply alone, nothing read back;
 *   topk   trec_topk_run over all users (top-K lists, K = 10 by default),
 *          T threads: what trec-eval and trec-recommend --all-users do.
 * Both are rated at 2 n_users n_items k flops; the ratio topk/sgemm is
 * what to compare across runs on a shared machine. Prints one line per
 * measurement and a final line "ratio=...". --users N: the first N users
 * only (e.g. under valgrind). */
#include <blis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "parallel.h"
#include "score.h"
#include "topk.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct gjob {
    const trec_model *m;
    uint64_t next, n_blocks, qb, tb;
    float **buf;
} gjob;

static void gemm_task(void *ctx, uint64_t t)
{
    gjob *g = ctx;
    const trec_model *m = g->m;
    uint64_t qb = g->qb, tb = g->tb;
    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    bli_rntm_set_num_threads(1, &rntm);
    bli_rntm_disable_l3_sup(&rntm);
    float one = 1.0f, zero = 0.0f;
    inc_t k = (inc_t)m->k;
    for (;;) {
        uint64_t b = __atomic_fetch_add(&g->next, 1, __ATOMIC_RELAXED);
        if (b >= g->n_blocks)
            break;
        uint64_t q0 = b * qb, nq = m->n_users - q0 < qb ? m->n_users - q0 : qb;
        for (uint64_t t0 = 0; t0 < m->n_items; t0 += tb) {
            uint64_t nt = m->n_items - t0 < tb ? m->n_items - t0 : tb;
            bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)nq, (dim_t)nt, k, &one,
                         (float *)(m->user_repr + q0 * m->k), k, 1,
                         (float *)(m->item_repr + t0 * m->k), 1, k, &zero, g->buf[t],
                         (inc_t)tb, 1, NULL, &rntm);
        }
    }
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int threads = 2, repeat = 3;
    uint64_t users = 0;
    uint32_t topk = 10, qblock = TREC_TOPK_QUERY_BLOCK, tblock = TREC_TOPK_TARGET_BLOCK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-k") && i + 1 < argc)
            topk = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--users") && i + 1 < argc)
            users = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--qblock") && i + 1 < argc)
            qblock = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tblock") && i + 1 < argc)
            tblock = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || threads < 1 || repeat < 1 || topk < 1) {
        fprintf(stderr, "usage: score-bench MODEL [--threads T] [-k K] [--repeat R]\n");
        return 2;
    }
    bli_init();
    trec_error err;
    trec_model m;
    if (trec_model_read(path, &m, &err) != 0) {
        fprintf(stderr, "score-bench: %s\n", err.msg);
        return 1;
    }
    if (m.kind != TREC_MODEL_FACTORS) {
        fprintf(stderr, "score-bench: %s is not a factors model\n", path);
        return 1;
    }
    uint64_t all_users = m.n_users;
    if (users && users < m.n_users)
        m.n_users = users; /* the first users only (the arrays stay as read) */
    trec_scorer s;
    if (trec_scorer_for_users(&s, &m, &err) != 0) {
        fprintf(stderr, "score-bench: %s\n", err.msg);
        return 1;
    }
    gjob g = {.m = &m, .qb = qblock, .tb = tblock};
    g.n_blocks = (m.n_users + qblock - 1) / qblock;
    g.buf = calloc((size_t)threads, sizeof *g.buf);
    for (int t = 0; t < threads; t++)
        g.buf[t] = trec_aligned_alloc((size_t)qblock * tblock *
                                      sizeof(float), &err);
    double gflop = 2.0 * (double)m.n_users * (double)m.n_items * (double)m.k / 1e9;
    double best_g = 0, best_t = 0, cpu_g = 0, cpu_t = 0;
    printf("score-bench: %s: %llu users x %llu items, k = %llu, %d threads, top-%u, "
           "blocks %u x %u; %.1f GFLOP per pass; BLIS arch %s\n", path, (unsigned long long)m.n_users,
           (unsigned long long)m.n_items, (unsigned long long)m.k, threads, topk, qblock, tblock, gflop,
           bli_arch_string(bli_arch_query_id()));
    for (int r = 0; r < repeat; r++) {
        g.next = 0;
        double c0 = cpu_now(), t0 = now();
        trec_parallel_for(threads, (uint64_t)threads, gemm_task, &g);
        double w = now() - t0, c = cpu_now() - c0;
        printf("sgemm wall=%.3f cpu=%.3f GFLOP/s=%.1f\n", w, c, gflop / w);
        if (!best_g || w < best_g)
            best_g = w, cpu_g = c;
        trec_topk_request req = {.scorer = &s, .n_queries = m.n_users, .k = topk,
                                 .threads = threads, .query_block = qblock,
                                 .target_block = tblock};
        trec_topk_lists l;
        c0 = cpu_now(), t0 = now();
        if (trec_topk_run(&req, &l, &err) != 0) {
            fprintf(stderr, "score-bench: %s\n", err.msg);
            return 1;
        }
        w = now() - t0, c = cpu_now() - c0;
        trec_topk_lists_free(&l);
        printf("topk  wall=%.3f cpu=%.3f GFLOP/s=%.1f\n", w, c, gflop / w);
        if (!best_t || w < best_t)
            best_t = w, cpu_t = c;
    }
    printf("best: sgemm %.1f GFLOP/s (cpu %.3f s), topk %.1f GFLOP/s (cpu %.3f s)\n",
           gflop / best_g, cpu_g, gflop / best_t, cpu_t);
    printf("ratio=%.3f cpu_ratio=%.3f sgemm_gflops=%.1f topk_gflops=%.1f arch=%s "
           "generic_id=%d\n", best_g / best_t, cpu_g / cpu_t, gflop / best_g, gflop / best_t,
           bli_arch_string(bli_arch_query_id()), (int)BLIS_ARCH_GENERIC);
    for (int t = 0; t < threads; t++)
        free(g.buf[t]);
    free(g.buf);
    trec_scorer_free(&s);
    m.n_users = all_users;
    trec_model_free(&m);
    return 0;
}
