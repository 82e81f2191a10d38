/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_topk.c - top-K heaps and their tie-breaking, rank counting, and the
 * blocked multi-threaded top-K driver against a full sort. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

typedef struct pair {
    float s;
    uint32_t i;
} pair;

static int cmp_rank(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (trec_ranks_before(x->s, x->i, y->s, y->i))
        return -1;
    return trec_ranks_before(y->s, y->i, x->s, x->i) ? 1 : 0;
}

START_TEST(ties_lower_index_first)
{
    ck_assert(trec_ranks_before(2.0f, 9, 1.0f, 0));
    ck_assert(trec_ranks_before(1.0f, 3, 1.0f, 4));
    ck_assert(!trec_ranks_before(1.0f, 4, 1.0f, 3));
    ck_assert(!trec_ranks_before(1.0f, 4, 1.0f, 4));
    /* -0 and +0 are equal scores */
    ck_assert(trec_ranks_before(-0.0f, 1, 0.0f, 2));

    trec_topk t;
    trec_error err;
    ck_assert_int_eq(trec_topk_init(&t, 3, &err), 0);
    /* five items with the same score: the three lowest indices, in order,
     * whatever the order they are offered in */
    uint32_t order[] = {4, 2, 0, 3, 1};
    for (int i = 0; i < 5; i++)
        trec_topk_push(&t, 0.5f, order[i]);
    trec_topk_sort(&t);
    ck_assert_uint_eq(t.n, 3);
    ck_assert_uint_eq(t.item[0], 0);
    ck_assert_uint_eq(t.item[1], 1);
    ck_assert_uint_eq(t.item[2], 2);
    trec_topk_free(&t);
}
END_TEST

START_TEST(heap_matches_sort)
{
    trec_rng r;
    trec_rng_seed(&r, 5);
    static const uint32_t ks[] = {1, 2, 7, 50, 200, 1000};
    for (int round = 0; round < 40; round++) {
        uint32_t n = 1 + (uint32_t)trec_rng_below(&r, 300);
        pair *p = malloc(n * sizeof *p);
        /* few distinct values: many ties */
        for (uint32_t i = 0; i < n; i++)
            p[i] = (pair){(float)trec_rng_below(&r, round % 2 ? 5 : 1000), i};
        for (size_t ki = 0; ki < 6; ki++) {
            trec_topk t;
            trec_error err;
            ck_assert_int_eq(trec_topk_init(&t, ks[ki], &err), 0);
            /* offered in a scrambled order (7919 is a prime above n) */
            for (uint32_t i = 0; i < n; i++)
                trec_topk_push(&t, p[(i * 7919u) % n].s, p[(i * 7919u) % n].i);
            trec_topk_sort(&t);
            pair *ref = malloc(n * sizeof *ref);
            memcpy(ref, p, n * sizeof *ref);
            qsort(ref, n, sizeof *ref, cmp_rank);
            uint32_t want = ks[ki] < n ? ks[ki] : n;
            ck_assert_uint_eq(t.n, want);
            for (uint32_t j = 0; j < want; j++) {
                ck_assert_uint_eq(t.item[j], ref[j].i);
                ck_assert_float_eq(t.score[j], ref[j].s);
            }
            free(ref);
            trec_topk_free(&t);
        }
        free(p);
    }
}
END_TEST

START_TEST(rank_count)
{
    /* scores by index:   0    1    2    3    4    5 */
    float s[] = {1.0f, 3.0f, 2.0f, 3.0f, 0.5f, 2.0f};
    /* order: 1 (3), 3 (3), 2 (2), 5 (2), 0 (1), 4 (0.5) */
    ck_assert_uint_eq(trec_rank_count(s, 6, 1, NULL, 0), 1);
    ck_assert_uint_eq(trec_rank_count(s, 6, 3, NULL, 0), 2);
    ck_assert_uint_eq(trec_rank_count(s, 6, 2, NULL, 0), 3);
    ck_assert_uint_eq(trec_rank_count(s, 6, 5, NULL, 0), 4);
    ck_assert_uint_eq(trec_rank_count(s, 6, 4, NULL, 0), 6);
    /* leaving out items 1 and 2 */
    uint32_t skip[] = {1, 2};
    ck_assert_uint_eq(trec_rank_count(s, 6, 3, skip, 2), 1);
    ck_assert_uint_eq(trec_rank_count(s, 6, 5, skip, 2), 2);
    ck_assert_uint_eq(trec_rank_count(s, 6, 4, skip, 2), 4);
}
END_TEST

/* ---- the driver ---- */

typedef struct fixture {
    uint64_t nq, nt, k;
    float *q, *t;
    trec_csr ex1, ex2;      /* two exclusion matrices */
} fixture;

/* A random sparse nq x nt matrix with about density of entries. */
static void random_csr(trec_csr *m, uint64_t rows, uint64_t cols, double density,
                       trec_rng *r)
{
    trec_error err;
    uint64_t cap = rows * cols;
    ck_assert_int_eq(trec_csr_alloc(m, rows, cols, cap, 0, &err), 0);
    uint64_t n = 0;
    for (uint64_t u = 0; u < rows; u++) {
        for (uint64_t c = 0; c < cols; c++)
            if (trec_rng_uniform(r) < density) {
                m->colidx[n] = (uint32_t)c;
                m->vals[n++] = 1;
            }
        m->rowptr[u + 1] = n;
    }
    m->nnz = n;
}

static void fixture_make(fixture *f, uint64_t nq, uint64_t nt, uint64_t k, uint64_t seed)
{
    trec_rng r;
    trec_rng_seed(&r, seed);
    *f = (fixture){.nq = nq, .nt = nt, .k = k};
    f->q = malloc(nq * k * sizeof(float));
    f->t = malloc(nt * k * sizeof(float));
    /* coarse values, so that equal scores happen */
    for (uint64_t i = 0; i < nq * k; i++)
        f->q[i] = (float)trec_rng_below(&r, 3);
    for (uint64_t i = 0; i < nt * k; i++)
        f->t[i] = (float)trec_rng_below(&r, 3);
    random_csr(&f->ex1, nq, nt, 0.2, &r);
    random_csr(&f->ex2, nq, nt, 0.1, &r);
}

static void fixture_free(fixture *f)
{
    free(f->q);
    free(f->t);
    trec_csr_free(&f->ex1);
    trec_csr_free(&f->ex2);
}

static int in_row(const trec_csr *m, uint64_t r, uint32_t c)
{
    for (uint64_t e = m->rowptr[r]; e < m->rowptr[r + 1]; e++)
        if (m->colidx[e] == c)
            return 1;
    return 0;
}

/* The reference: every score from one block, a full sort, excluded dropped. */
static void check_against_sort(const trec_scorer *s, const trec_topk_request *req,
                               const trec_topk_lists *got)
{
    trec_qblock b;
    trec_error err;
    float *row = malloc(s->nt * sizeof(float));
    pair *p = malloc(s->nt * sizeof *p);
    ck_assert_int_eq(trec_qblock_init(&b, s, 1, &err), 0);
    for (uint64_t qi = 0; qi < req->n_queries; qi++) {
        uint64_t q = req->queries ? req->queries[qi] : qi;
        trec_qblock_set(&b, s, &q, 1);
        trec_score_block(s, &b, 0, s->nt, row, s->nt);
        uint32_t n = 0;
        for (uint32_t t = 0; t < s->nt; t++) {
            int skip = req->exclude_self && t == q;
            for (int e = 0; e < req->n_exclude; e++)
                skip |= in_row(req->exclude[e], q, t);
            if (!skip)
                p[n++] = (pair){row[t], t};
        }
        qsort(p, n, sizeof *p, cmp_rank);
        uint32_t want = req->k < n ? req->k : n;
        ck_assert_uint_eq(got->len[qi], want);
        for (uint32_t j = 0; j < want; j++) {
            ck_assert_uint_eq(got->items[qi * got->k + j], p[j].i);
            ck_assert_float_eq(got->scores[qi * got->k + j], p[j].s);
        }
    }
    trec_qblock_free(&b, s);
    free(row);
    free(p);
}

START_TEST(driver_matches_sort)
{
    fixture f;
    fixture_make(&f, 37, 150, 3, 11);
    static const uint32_t qbs[] = {1, 4, 128}, tbs[] = {1, 7, 4096}, ks[] = {1, 10, 500};
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++) {
        trec_scorer s;
        trec_error err;
        ck_assert_int_eq(trec_scorer_factors(&s, p, f.k, f.q, NULL, f.nq, f.t, NULL, f.nt, &err), 0);
        const trec_csr *ex[2] = {&f.ex1, &f.ex2};
        for (int nex = 0; nex <= 2; nex++)
            for (size_t b = 0; b < 3; b++)
                for (size_t ki = 0; ki < 3; ki++)
                    for (int threads = 1; threads <= 3; threads += 2) {
                        trec_topk_request req = {.scorer = &s, .n_queries = f.nq,
                                                 .k = ks[ki], .exclude = ex,
                                                 .n_exclude = nex, .threads = threads,
                                                 .query_block = qbs[b],
                                                 .target_block = tbs[b]};
                        trec_topk_lists l;
                        ck_assert_int_eq(trec_topk_run(&req, &l, &err), 0);
                        check_against_sort(&s, &req, &l);
                        trec_topk_lists_free(&l);
                    }
        trec_scorer_free(&s);
    }
    fixture_free(&f);
}
END_TEST

START_TEST(driver_subset_and_self)
{
    /* items x items with the query item left out, for a list of queries
     * (repeated, out of order), plus an exclusion matrix */
    fixture f;
    fixture_make(&f, 60, 60, 4, 12);
    trec_scorer s;
    trec_error err;
    ck_assert_int_eq(trec_scorer_factors(&s, TREC_PREDICT_COSINE, f.k, f.t, NULL, f.nt, f.t,
                                      NULL, f.nt, &err), 0);
    uint64_t queries[] = {59, 0, 7, 7, 30};
    for (int nex = 0; nex <= 1; nex++) {
        const trec_csr *ex[1] = {&f.ex1};
        trec_topk_request req = {.scorer = &s, .queries = queries, .n_queries = 5, .k = 8,
                                 .exclude = ex, .n_exclude = nex, .exclude_self = 1,
                                 .threads = 2, .query_block = 2};
        trec_topk_lists l;
        ck_assert_int_eq(trec_topk_run(&req, &l, &err), 0);
        check_against_sort(&s, &req, &l);
        for (uint64_t q = 0; q < 5; q++)
            for (uint32_t j = 0; j < l.len[q]; j++)
                ck_assert_uint_ne(l.items[q * l.k + j], queries[q]);
        trec_topk_lists_free(&l);
    }
    trec_scorer_free(&s);
    fixture_free(&f);
}
END_TEST

START_TEST(driver_same_output_any_threads)
{
    fixture f;
    fixture_make(&f, 700, 900, 8, 13);
    trec_scorer s;
    trec_error err;
    ck_assert_int_eq(trec_scorer_factors(&s, TREC_PREDICT_DOT, f.k, f.q, NULL, f.nq, f.t, NULL,
                                      f.nt, &err), 0);
    trec_topk_lists ref;
    trec_topk_request req = {.scorer = &s, .n_queries = f.nq, .k = 20, .threads = 1};
    ck_assert_int_eq(trec_topk_run(&req, &ref, &err), 0);
    for (int th = 2; th <= 8; th *= 2) {
        trec_topk_lists l;
        req.threads = th;
        ck_assert_int_eq(trec_topk_run(&req, &l, &err), 0);
        ck_assert(memcmp(l.items, ref.items, f.nq * ref.k * sizeof *l.items) == 0);
        ck_assert(memcmp(l.scores, ref.scores, f.nq * ref.k * sizeof *l.scores) == 0);
        trec_topk_lists_free(&l);
    }
    trec_topk_lists_free(&ref);
    trec_scorer_free(&s);
    fixture_free(&f);
}
END_TEST

/* The fused selection (score.h): biases, scores that overflow (NaN ->
 * -infinity, ranked last) and lists longer than the finite scores, against
 * the full sort, for every block shape (chunks of 16 and their tails). */
START_TEST(driver_biases_and_overflow)
{
    fixture f;
    fixture_make(&f, 41, 203, 2, 15);
    trec_rng r;
    trec_rng_seed(&r, 16);
    float *qb = malloc(f.nq * sizeof(float)), *tb = malloc(f.nt * sizeof(float));
    for (uint64_t i = 0; i < f.nq; i++)
        qb[i] = (float)trec_rng_below(&r, 3) - 1.0f;
    for (uint64_t i = 0; i < f.nt; i++)
        tb[i] = (float)trec_rng_below(&r, 3) - 1.0f;
    /* a third of the targets overflow: 1e30 * 1e30 is inf, inf - inf NaN */
    for (uint64_t t = 0; t < f.nt; t += 3) {
        f.t[t * f.k] = 1e30f;
        f.t[t * f.k + 1] = -1e30f;
    }
    for (uint64_t q = 0; q < f.nq; q++)
        f.q[q * f.k] = f.q[q * f.k + 1] = q % 2 ? 1e30f : 1.0f;
    static const uint32_t tbs[] = {1, 16, 17, 100, 4096}, ks[] = {1, 5, 150, 300};
    /* the AVX2 finishing loop (where the CPU has it) and the portable one */
    for (int portable = 0; portable < 2; portable++)
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++)
        for (int bias = 0; bias < 2; bias++) {
            trec_scorer_portable_only(portable);
            trec_scorer s;
            trec_error err;
            ck_assert_int_eq(trec_scorer_factors(&s, p, f.k, f.q, bias ? qb : NULL, f.nq, f.t,
                                                 bias ? tb : NULL, f.nt, &err), 0);
            const trec_csr *ex[1] = {&f.ex1};
            for (size_t b = 0; b < sizeof tbs / sizeof *tbs; b++)
                for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
                    trec_topk_request req = {.scorer = &s, .n_queries = f.nq, .k = ks[ki],
                                             .exclude = ex, .n_exclude = (int)(b % 2),
                                             .threads = 2, .query_block = 8,
                                             .target_block = tbs[b]};
                    trec_topk_lists l;
                    ck_assert_int_eq(trec_topk_run(&req, &l, &err), 0);
                    check_against_sort(&s, &req, &l);
                    trec_topk_lists_free(&l);
                }
            trec_scorer_free(&s);
            trec_scorer_portable_only(0);
        }
    free(qb);
    free(tb);
    fixture_free(&f);
}
END_TEST

START_TEST(driver_errors)
{
    fixture f;
    fixture_make(&f, 5, 6, 2, 14);
    trec_scorer s;
    trec_error err;
    ck_assert_int_eq(trec_scorer_factors(&s, TREC_PREDICT_DOT, f.k, f.q, NULL, f.nq, f.t, NULL,
                                      f.nt, &err), 0);
    trec_topk_lists l;
    uint64_t bad = 5;
    trec_topk_request req = {.scorer = &s, .queries = &bad, .n_queries = 1, .k = 3,
                             .threads = 1};
    ck_assert_int_eq(trec_topk_run(&req, &l, &err), -1);
    ck_assert_msg(strstr(err.msg, "query 5 out of range"), "%s", err.msg);
    /* the query itself can only be left out when queries are targets */
    req.queries = NULL;
    req.n_queries = 5;
    req.exclude_self = 1;
    ck_assert_int_eq(trec_topk_run(&req, &l, &err), -1);
    trec_scorer_free(&s);
    fixture_free(&f);
}
END_TEST

static Suite *topk_suite(void)
{
    Suite *s = suite_create("topk");
    TCase *tc = tcase_create("topk");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ties_lower_index_first);
    tcase_add_test(tc, heap_matches_sort);
    tcase_add_test(tc, rank_count);
    tcase_add_test(tc, driver_matches_sort);
    tcase_add_test(tc, driver_subset_and_self);
    tcase_add_test(tc, driver_same_output_any_threads);
    tcase_add_test(tc, driver_biases_and_overflow);
    tcase_add_test(tc, driver_errors);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(topk_suite)
