/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_score.c - block scoring (BLIS) against the definition, for every
 * prediction function; block independence; model/matrix checks. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

/* Random representations and biases for nq queries and nt targets. */
typedef struct reps {
    uint64_t nq, nt, k;
    float *q, *t, *qb, *tb;
} reps;

static void reps_make(reps *r, uint64_t nq, uint64_t nt, uint64_t k, uint64_t seed)
{
    trec_rng rng;
    trec_rng_seed(&rng, seed);
    *r = (reps){.nq = nq, .nt = nt, .k = k};
    r->q = malloc(nq * k * sizeof(float));
    r->t = malloc(nt * k * sizeof(float));
    r->qb = malloc(nq * sizeof(float));
    r->tb = malloc(nt * sizeof(float));
    for (uint64_t i = 0; i < nq * k; i++)
        r->q[i] = (float)trec_rng_normal(&rng);
    for (uint64_t i = 0; i < nt * k; i++)
        r->t[i] = (float)trec_rng_normal(&rng);
    for (uint64_t i = 0; i < nq; i++)
        r->qb[i] = (float)(0.1 * trec_rng_normal(&rng));
    for (uint64_t i = 0; i < nt; i++)
        r->tb[i] = (float)(0.1 * trec_rng_normal(&rng));
}

static void reps_free(reps *r)
{
    free(r->q);
    free(r->t);
    free(r->qb);
    free(r->tb);
}

/* Scores queries idx[0..n) against all targets in target blocks of tb. */
static void score_all(const trec_scorer *s, const uint64_t *idx, uint64_t n, uint64_t tb,
                      float *out)
{
    trec_error err;
    trec_qblock b;
    ck_assert_int_eq(trec_qblock_init(&b, s, n, &err), 0);
    trec_qblock_set(&b, s, idx, n);
    for (uint64_t t0 = 0; t0 < s->nt; t0 += tb) {
        uint64_t nt = s->nt - t0 < tb ? s->nt - t0 : tb;
        trec_score_block(s, &b, t0, nt, out + t0, s->nt);
    }
    trec_qblock_free(&b, s);
}

START_TEST(block_matches_definition)
{
    /* every prediction function, several shapes and block sizes */
    static const uint64_t shapes[][3] = {{1, 1, 1}, {7, 13, 3}, {40, 300, 17}, {5, 70, 64}};
    static const uint64_t qblocks[] = {1, 3, 8, 64};
    static const uint64_t tblocks[] = {1, 5, 64, 4096};
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++)
        for (size_t sh = 0; sh < 4; sh++) {
            reps r;
            reps_make(&r, shapes[sh][0], shapes[sh][1], shapes[sh][2], 7 + sh + 100 * p);
            trec_scorer s;
            trec_error err;
            ck_assert_int_eq(trec_scorer_factors(&s, p, r.k, r.q, r.qb, r.nq, r.t, r.tb, r.nt,
                                              &err), 0);
            float *out = malloc(r.nq * r.nt * sizeof(float));
            uint64_t *idx = malloc(r.nq * sizeof(uint64_t));
            for (size_t qi = 0; qi < 4; qi++)
                for (size_t ti = 0; ti < 4; ti++) {
                    /* queries in blocks of qblocks[qi], listed in reverse order so
                     * that they are gathered, not used in place */
                    for (uint64_t q0 = 0; q0 < r.nq; q0 += qblocks[qi]) {
                        uint64_t n = r.nq - q0 < qblocks[qi] ? r.nq - q0 : qblocks[qi];
                        for (uint64_t j = 0; j < n; j++)
                            idx[j] = q0 + n - 1 - j;
                        score_all(&s, idx, n, tblocks[ti], out + q0 * r.nt);
                        for (uint64_t j = 0; j < n; j++)
                            for (uint64_t t = 0; t < r.nt; t++) {
                                double want = trec_score_pair(&s, idx[j], t);
                                double got = out[(q0 + j) * r.nt + t];
                                ck_assert_msg(fabs(got - want) <= 1e-4 * (1 + fabs(want)),
                                              "%s q %llu t %llu: block %g, definition %g",
                                              trec_predict_name(p),
                                              (unsigned long long)idx[j],
                                              (unsigned long long)t, got, want);
                            }
                    }
                }
            free(out);
            free(idx);
            trec_scorer_free(&s);
            reps_free(&r);
        }
}
END_TEST

START_TEST(score_does_not_depend_on_block)
{
    /* The same (query, target) score, bit for bit, whichever block computed
     * it: alone, inside a run of queries, gathered with others. */
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++) {
        reps r;
        reps_make(&r, 50, 5000, 40, 99 + p);
        trec_scorer s;
        trec_error err;
        ck_assert_int_eq(trec_scorer_factors(&s, p, r.k, r.q, r.qb, r.nq, r.t, r.tb, r.nt, &err), 0);
        float *all = malloc(r.nq * r.nt * sizeof(float)), *one = malloc(r.nt * sizeof(float));
        uint64_t idx[50];
        for (uint64_t i = 0; i < 50; i++)
            idx[i] = i;
        score_all(&s, idx, 50, 4096, all);
        uint64_t picks[] = {0, 17, 49};
        for (int i = 0; i < 3; i++) {
            score_all(&s, &picks[i], 1, 333, one);
            ck_assert_msg(memcmp(one, all + picks[i] * r.nt, r.nt * sizeof(float)) == 0,
                          "%s: query %llu scored differently alone", trec_predict_name(p),
                          (unsigned long long)picks[i]);
        }
        uint64_t mixed[] = {49, 3, 17};
        float *m3 = malloc(3 * r.nt * sizeof(float));
        score_all(&s, mixed, 3, 1000, m3);
        for (int i = 0; i < 3; i++)
            ck_assert(memcmp(m3 + i * r.nt, all + mixed[i] * r.nt, r.nt * sizeof(float)) == 0);
        free(m3);
        free(all);
        free(one);
        trec_scorer_free(&s);
        reps_free(&r);
    }
}
END_TEST

/* One query and one target, scored by a block. */
static float one_score(uint32_t predict, uint64_t k, const float *q, float qb, const float *t,
                       float tb)
{
    trec_scorer s;
    trec_error err;
    ck_assert_int_eq(trec_scorer_factors(&s, predict, k, q, &qb, 1, t, &tb, 1, &err), 0);
    uint64_t idx = 0;
    float out;
    score_all(&s, &idx, 1, 1, &out);
    trec_scorer_free(&s);
    return out;
}

START_TEST(hand_computed)
{
    float u[2] = {3, 4}, i[2] = {1, 2}, zero[2] = {0, 0};
    /* dot: 3 + 8, plus biases 0.5 and 0.25 */
    ck_assert_float_eq(one_score(TREC_PREDICT_DOT, 2, u, 0.5f, i, 0.25f), 11.75f);
    /* cosine: 11 / (5 sqrt 5) */
    ck_assert_float_eq_tol(one_score(TREC_PREDICT_COSINE, 2, u, 0, i, 0),
                           (float)(11 / (5 * sqrt(5.0))), 1e-6);
    /* cosine with a zero vector: 0 (TensorRec's l2_normalize leaves it 0) */
    ck_assert_float_eq(one_score(TREC_PREDICT_COSINE, 2, u, 1, zero, 0), 1.0f);
    /* euclidean: -|u - i| = -sqrt(4 + 4); -|u - 0| = -5 */
    ck_assert_float_eq_tol(one_score(TREC_PREDICT_EUCLIDEAN, 2, u, 0, i, 0),
                           (float)-sqrt(8.0), 1e-5);
    ck_assert_float_eq(one_score(TREC_PREDICT_EUCLIDEAN, 2, u, 0, zero, 2), -3.0f);
    /* identical vectors: the distance floor sqrt(1e-16) = 1e-8 */
    ck_assert_float_eq_tol(one_score(TREC_PREDICT_EUCLIDEAN, 2, u, 0, u, 0), -1e-8f, 1e-12);
}
END_TEST

START_TEST(nan_becomes_minus_infinity)
{
    /* Squared norms of 1e30 vectors overflow float: |u|^2 - 2 u.i + |i|^2 is
     * inf - inf = NaN, which must rank last (-inf), not at the distance
     * floor (which would make it the best item). */
    float u[2] = {1e30f, 1e30f}, i[2] = {1e30f, -1e30f};
    float v = one_score(TREC_PREDICT_EUCLIDEAN, 2, u, 0, i, 0);
    ck_assert_msg(isinf(v) && v < 0, "got %g", v);
}
END_TEST

/* What a selection saw: (row, target, score) in call order. */
typedef struct seen {
    uint64_t n, cap;
    uint64_t *r;
    uint32_t *t;
    float *v;
} seen;

static void record(void *ctx, uint64_t r, uint32_t t, float v)
{
    seen *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->r = realloc(s->r, s->cap * sizeof *s->r);
        s->t = realloc(s->t, s->cap * sizeof *s->t);
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->r[s->n] = r, s->t[s->n] = t, s->v[s->n] = v;
    s->n++;
}

START_TEST(select_sees_the_block_scores)
{
    /* trec_score_block_select calls fn for exactly the scores of
     * trec_score_block (bit for bit, NaN as -infinity) with !(v <= thr[r]),
     * in row and target order: thresholds NaN (all), -infinity (all but
     * the NaN ones), and the row's median. With and without target biases,
     * block widths that leave a remainder after the vector chunks; the
     * AVX2 loop (where the CPU has it) and the portable one. */
    for (int portable = 0; portable < 2; portable++)
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++)
        for (int nb = 0; nb < 2; nb++) {
            trec_scorer_portable_only(portable);
            reps r;
            reps_make(&r, 9, 203, 8, 500 + p + 10 * (uint64_t)nb);
            r.q[3 * r.k] = NAN; /* row 3: NaN scores */
            trec_scorer s;
            trec_error err;
            ck_assert_int_eq(trec_scorer_factors(&s, p, r.k, r.q, r.qb, r.nq, r.t,
                                                 nb ? NULL : r.tb, r.nt, &err), 0);
            uint64_t idx[9];
            for (uint64_t q = 0; q < r.nq; q++)
                idx[q] = q;
            trec_qblock b;
            ck_assert_int_eq(trec_qblock_init(&b, &s, r.nq, &err), 0);
            trec_qblock_set(&b, &s, idx, r.nq);
            float *want = malloc(r.nq * r.nt * sizeof(float));
            float *scratch = malloc(r.nq * r.nt * sizeof(float));
            trec_score_block(&s, &b, 0, r.nt, want, r.nt);
            for (int mode = 0; mode < 3; mode++) {
                float thr[9];
                for (uint64_t q = 0; q < r.nq; q++) {
                    float *sorted = malloc(r.nt * sizeof(float));
                    memcpy(sorted, want + q * r.nt, r.nt * sizeof(float));
                    float med = sorted[r.nt / 2];
                    free(sorted);
                    thr[q] = mode == 0 ? NAN : mode == 1 ? -INFINITY : med;
                }
                seen got = {0};
                for (uint64_t t0 = 0; t0 < r.nt; t0 += 101) {
                    uint64_t nt = r.nt - t0 < 101 ? r.nt - t0 : 101;
                    trec_score_block_select(&s, &b, t0, nt, scratch, 101, thr, record, &got);
                }
                uint64_t at = 0;
                for (uint64_t t0 = 0; t0 < r.nt; t0 += 101)
                    for (uint64_t q = 0; q < r.nq; q++)
                        for (uint64_t t = t0; t < r.nt && t < t0 + 101; t++) {
                            float v = want[q * r.nt + t];
                            if (v <= thr[q])
                                continue;
                            ck_assert_msg(at < got.n && got.r[at] == q && got.t[at] == t &&
                                          memcmp(&got.v[at], &v, sizeof v) == 0,
                                          "%s nb %d mode %d: q %llu t %llu %g not seen next",
                                          trec_predict_name(p), nb, mode,
                                          (unsigned long long)q, (unsigned long long)t, v);
                            at++;
                        }
                ck_assert_uint_eq(at, got.n);
                free(got.r);
                free(got.t);
                free(got.v);
            }
            free(want);
            free(scratch);
            trec_qblock_free(&b, &s);
            trec_scorer_free(&s);
            reps_free(&r);
            trec_scorer_portable_only(0);
        }
}
END_TEST

START_TEST(bad_scorer)
{
    trec_scorer s;
    trec_error err;
    float x = 1;
    ck_assert_int_eq(trec_scorer_factors(&s, 7, 1, &x, NULL, 1, &x, NULL, 1, &err), -1);
    ck_assert(strstr(err.msg, "unknown prediction function"));
    ck_assert_int_eq(trec_scorer_factors(&s, 0, 0, &x, NULL, 1, &x, NULL, 1, &err), -1);
}
END_TEST

/* ---- a model from labels, and matrix checks ---- */

static trec_labels labels(const char *blob, const uint64_t *off, uint64_t n)
{
    return (trec_labels){.count = n, .offsets = off, .blob = blob};
}

static void tiny_model(trec_model *m)
{
    trec_error err;
    memset(m, 0, sizeof *m);
    m->n_users = 2;
    m->n_items = 3;
    m->k = 1;
    m->biases = 1;
    m->user.repr = m->item.repr = TREC_REPR_LINEAR;
    m->user.identity = m->item.identity = 1;
    ck_assert_int_eq(trec_model_alloc(m, &err), 0);
    static const uint64_t uo[] = {0, 1, 2}, io[] = {0, 1, 2, 3};
    m->user_labels = labels("ab", uo, 2);
    m->item_labels = labels("xyz", io, 3);
}

START_TEST(matrix_checks)
{
    trec_model m;
    tiny_model(&m);
    trec_csr x;
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(&x, 2, 3, 0, 0, &err), 0);
    /* no labels: shape only */
    ck_assert_int_eq(trec_score_check_matrix(&m, "m", &x, "x", &err), 0);
    static const uint64_t uo[] = {0, 1, 2}, io[] = {0, 1, 2, 3};
    x.row_labels = labels("ab", uo, 2);
    x.col_labels = labels("xyz", io, 3);
    ck_assert_int_eq(trec_score_check_matrix(&m, "m", &x, "x", &err), 0);
    x.col_labels = labels("xzy", io, 3);
    ck_assert_int_eq(trec_score_check_matrix(&m, "m", &x, "x", &err), -1);
    ck_assert_msg(strstr(err.msg, "column 1 is 'z' but item 1 of m is 'y'"), "%s", err.msg);
    x.col_labels = labels("xyz", io, 3);
    x.row_labels = labels("ba", uo, 2);
    ck_assert_int_eq(trec_score_check_matrix(&m, "m", &x, "x", &err), -1);
    ck_assert_msg(strstr(err.msg, "row 0 is 'b' but user 0 of m is 'a'"), "%s", err.msg);
    trec_csr_free(&x);
    ck_assert_int_eq(trec_csr_alloc(&x, 2, 4, 0, 0, &err), 0);
    ck_assert_int_eq(trec_score_check_matrix(&m, "m", &x, "x", &err), -1);
    ck_assert_msg(strstr(err.msg, "x: 2 users x 4 items, but m has 2 users x 3 items"), "%s",
                  err.msg);
    trec_csr_free(&x);
    trec_model_free(&m);
}
END_TEST

START_TEST(model_scorers)
{
    trec_model m;
    tiny_model(&m);
    m.user_repr[0] = 1, m.user_repr[1] = 2;
    m.item_repr[0] = 3, m.item_repr[1] = 4, m.item_repr[2] = 5;
    m.user_bias[1] = 10;
    m.item_bias[2] = 100;
    trec_scorer s;
    trec_error err;
    ck_assert_int_eq(trec_scorer_for_users(&s, &m, &err), 0);
    ck_assert_double_eq(trec_score_pair(&s, 1, 2), 2 * 5 + 10 + 100);
    trec_scorer_free(&s);
    /* items vs items: no biases, by the similarity asked for */
    ck_assert_int_eq(trec_scorer_for_items(&s, &m, TREC_PREDICT_DOT, &err), 0);
    ck_assert_double_eq(trec_score_pair(&s, 2, 1), 5 * 4);
    trec_scorer_free(&s);
    /* cosine by default: one component, so every pair scores 1 */
    ck_assert_int_eq(trec_scorer_for_items(&s, &m, -1, &err), 0);
    ck_assert(fabs(trec_score_pair(&s, 2, 1) - 1) < 1e-6);
    trec_scorer_free(&s);
    ck_assert_int_eq(trec_scorer_check_similarity(&m, TREC_PREDICT_COUNT, &err), -1);
    ck_assert_int_eq(trec_scorer_for_items(&s, &m, -2, &err), -1);
    trec_model_free(&m);
}
END_TEST

static Suite *score_suite(void)
{
    Suite *s = suite_create("score");
    TCase *tc = tcase_create("score");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, block_matches_definition);
    tcase_add_test(tc, score_does_not_depend_on_block);
    tcase_add_test(tc, hand_computed);
    tcase_add_test(tc, nan_becomes_minus_infinity);
    tcase_add_test(tc, select_sees_the_block_scores);
    tcase_add_test(tc, bad_scorer);
    tcase_add_test(tc, matrix_checks);
    tcase_add_test(tc, model_scorers);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(score_suite)
