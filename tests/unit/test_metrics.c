/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_metrics.c - the metrics at K on hand-computed cases, both ranking
 * conventions, the baselines (random checked against every permutation),
 * positives selection; MAP, MRR, hit rate, AUC and coverage against
 * brute-force recomputations written here from their definitions. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define EPS 1e-9
#define L3 (1.0 / log2(3.0)) /* the discount of rank 2 */

/* A users x items matrix from a dense table (0: no entry). */
static void dense_csr(trec_csr *m, int rows, int cols, const float *v)
{
    trec_error err;
    int nnz = 0;
    for (int i = 0; i < rows * cols; i++)
        nnz += v[i] != 0;
    ck_assert_int_eq(trec_csr_alloc(m, (uint64_t)rows, (uint64_t)cols, (uint64_t)nnz, 0, &err), 0);
    int n = 0;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++)
            if (v[r * cols + c] != 0) {
                m->colidx[n] = (uint32_t)c;
                m->vals[n++] = v[r * cols + c];
            }
        m->rowptr[r + 1] = (uint64_t)n;
    }
}

/* Lists from a table of items per user (-1 ends a short list). */
static void make_lists(trec_topk_lists *l, int users, int k, const int *items)
{
    l->n_queries = (uint64_t)users;
    l->k = (uint32_t)k;
    l->len = calloc((size_t)users, sizeof *l->len);
    l->items = malloc((size_t)(users * k) * sizeof *l->items);
    l->scores = calloc((size_t)(users * k), sizeof *l->scores);
    for (int u = 0; u < users; u++)
        for (int j = 0; j < k && items[u * k + j] >= 0; j++) {
            l->items[u * k + j] = (uint32_t)items[u * k + j];
            l->len[u]++;
        }
}

/* The walkthrough-sized example of trec-eval(1) (users 11 22 33 44, items
 * 101..106 as indices 0..5): test and train ratings. */
static const float TEST[4 * 6] = {
    0, 5, 0, 3, 0, 4,   /* 11: 102 (5), 104 (3), 106 (4) */
    2, 0, 4, 0, 0, 0,   /* 22: 101 (2), 103 (4) */
    0, 0, 0, 0, 0, 0,   /* 33: none */
    0, 0, 0, 0, 4, 0};  /* 44: 105 (4) */
static const float TRAIN[4 * 6] = {
    4, 0, 0, 0, 0, 0,   /* 11: 101 */
    0, 5, 0, 1, 0, 0,   /* 22: 102, 104 */
    5, 4, 0, 0, 0, 0,   /* 33: 101, 102 */
    0, 0, 0, 0, 0, 4};  /* 44: 106 */
/* A model's full orders: users 11-33 rank items 0..5 in order (2 and 3 tie,
 * lower index first), user 44 the reverse with the same tie. */
static const int ALL[4 * 6] = {
    0, 1, 2, 3, 4, 5,  0, 1, 2, 3, 4, 5,  0, 1, 2, 3, 4, 5,  5, 4, 2, 3, 1, 0};
/* The same orders without each user's train items (--exclude-train). */
static const int EXCL[4 * 6] = {
    1, 2, 3, 4, 5, -1,  0, 2, 4, 5, -1, -1,  2, 3, 4, 5, -1, -1,  4, 2, 3, 1, 0, -1};

static const double *user_vals(const trec_eval_result *r, int u, int k)
{
    return r->per_user + ((uint64_t)u * (uint64_t)r->nk + (uint64_t)k) * TREC_N_METRICS;
}

static void check_vals(const double *v, double recall, double precision, double ndcg)
{
    ck_assert_double_eq_tol(v[TREC_RECALL], recall, EPS);
    ck_assert_double_eq_tol(v[TREC_PRECISION], precision, EPS);
    ck_assert_double_eq_tol(v[TREC_NDCG], ndcg, EPS);
    double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    ck_assert_double_eq_tol(v[TREC_F1], f1, EPS);
}

typedef struct world {
    trec_csr test, train;
    trec_positives tp, trp;
    trec_eval_config cfg;
    uint32_t ks[4];
} world;

static void world_make(world *w, int gain, int has_min, double min, const uint32_t *ks, int nk)
{
    trec_error err;
    memset(w, 0, sizeof *w);
    dense_csr(&w->test, 4, 6, TEST);
    dense_csr(&w->train, 4, 6, TRAIN);
    memcpy(w->ks, ks, (size_t)nk * sizeof *ks);
    w->cfg = (trec_eval_config){.ks = w->ks, .nk = nk, .has_min_rating = has_min,
                                .min_rating = min, .gain = gain};
    ck_assert_int_eq(trec_positives_from_csr(&w->tp, &w->test, "test", &w->cfg, &err), 0);
    ck_assert_int_eq(trec_positives_from_csr(&w->trp, &w->train, "train", &w->cfg, &err), 0);
}

static void world_free(world *w)
{
    trec_positives_free(&w->tp);
    trec_positives_free(&w->trp);
    trec_csr_free(&w->test);
    trec_csr_free(&w->train);
}

static void eval(world *w, const int *table, int k, trec_eval_result *r)
{
    trec_topk_lists l;
    trec_error err;
    make_lists(&l, 4, k, table);
    ck_assert_int_eq(trec_eval_lists(&w->tp, &l, &w->cfg, r, &err), 0);
    trec_topk_lists_free(&l);
}

START_TEST(all_items_convention)
{
    world w;
    uint32_t ks[] = {2};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 1);
    trec_eval_result r;
    eval(&w, ALL, 6, &r);
    ck_assert_uint_eq(r.evaluated, 3);
    ck_assert_uint_eq(r.skipped, 1); /* user 33 has no test entry */
    ck_assert_uint_eq(r.n_positives, 6);
    ck_assert(!r.has[2]);
    /* 11: top 2 = {101, 102}: 102 at rank 2 of 3 positives */
    check_vals(user_vals(&r, 0, 0), 1.0 / 3, 0.5, L3 / (1 + L3));
    /* 22: 101 at rank 1 of 2 positives */
    check_vals(user_vals(&r, 1, 0), 0.5, 0.5, 1 / (1 + L3));
    /* 44: 105 at rank 2, its only positive */
    check_vals(user_vals(&r, 3, 0), 1, 0.5, L3);
    double rec = (1.0 / 3 + 0.5 + 1) / 3, prec = 0.5;
    ck_assert_double_eq_tol(r.mean[TREC_RECALL], rec, EPS);
    ck_assert_double_eq_tol(r.mean[TREC_PRECISION], prec, EPS);
    ck_assert_double_eq_tol(r.mean[TREC_NDCG], (L3 / (1 + L3) + 1 / (1 + L3) + L3) / 3, EPS);
    /* F1 of the means (TensorRec), not the mean of per-user F1 */
    ck_assert_double_eq_tol(r.mean[TREC_F1], 2 * prec * rec / (prec + rec), EPS);
    double mean_f1 = (user_vals(&r, 0, 0)[TREC_F1] + user_vals(&r, 1, 0)[TREC_F1] +
                      user_vals(&r, 3, 0)[TREC_F1]) / 3;
    ck_assert(fabs(mean_f1 - r.mean[TREC_F1]) > 1e-3);
    trec_eval_result_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(exclude_train_convention)
{
    world w;
    uint32_t ks[] = {2};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 1);
    trec_eval_result r;
    eval(&w, EXCL, 6, &r);
    check_vals(user_vals(&r, 0, 0), 1.0 / 3, 0.5, 1 / (1 + L3)); /* 102 now first */
    check_vals(user_vals(&r, 1, 0), 1, 1, 1);                    /* 101, 103 */
    check_vals(user_vals(&r, 3, 0), 1, 0.5, 1);                  /* 105 first */
    ck_assert_double_eq_tol(r.mean[TREC_RECALL], (1.0 / 3 + 2) / 3, EPS);
    trec_eval_result_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(k_beyond_items_and_several_k)
{
    world w;
    uint32_t ks[] = {10, 1, 3};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 3);
    trec_eval_result r;
    eval(&w, ALL, 6, &r);
    /* K = 10 > 6 items: every positive is found, precision still divides by K */
    check_vals(user_vals(&r, 0, 0), 1, 0.3,
               (L3 + 1 / log2(5.0) + 1 / log2(7.0)) / (1 + L3 + 0.5));
    /* K = 1 */
    check_vals(user_vals(&r, 0, 1), 0, 0, 0);
    check_vals(user_vals(&r, 1, 1), 0.5, 1, 1);
    /* K = 3: 11 has 102 at rank 2 (103 at 3 is no positive) */
    check_vals(user_vals(&r, 0, 2), 1.0 / 3, 1.0 / 3, L3 / (1 + L3 + 0.5));
    trec_eval_result_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(graded_gain_and_min_rating)
{
    world w;
    uint32_t ks[] = {2};
    world_make(&w, TREC_GAIN_EXP, 0, 0, ks, 1);
    trec_eval_result r;
    eval(&w, ALL, 6, &r);
    /* 11: gains 31 (102), 7 (104), 15 (106); 102 at rank 2 */
    check_vals(user_vals(&r, 0, 0), 1.0 / 3, 0.5, 31 * L3 / (31 + 15 * L3));
    /* 22: gains 3 (101), 15 (103); 101 at rank 1 */
    check_vals(user_vals(&r, 1, 0), 0.5, 0.5, 3 / (15 + 3 * L3));
    trec_eval_result_free(&r);
    world_free(&w);

    /* --min-rating 4: 104 (3) and 101 (2) are no longer positives */
    world_make(&w, TREC_GAIN_BINARY, 1, 4, ks, 1);
    ck_assert_uint_eq(w.tp.n, 4);
    eval(&w, ALL, 6, &r);
    check_vals(user_vals(&r, 0, 0), 0.5, 0.5, L3 / (1 + L3));
    check_vals(user_vals(&r, 1, 0), 0, 0, 0);
    ck_assert_uint_eq(r.evaluated, 3);
    trec_eval_result_free(&r);
    world_free(&w);

    /* a minimum above every rating: nobody is evaluated, means are 0 */
    world_make(&w, TREC_GAIN_BINARY, 1, 6, ks, 1);
    eval(&w, ALL, 6, &r);
    ck_assert_uint_eq(r.evaluated, 0);
    ck_assert_uint_eq(r.skipped, 4);
    ck_assert_double_eq(r.mean[TREC_RECALL], 0);
    trec_eval_result_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(graded_gain_needs_positive_values)
{
    float v[2 * 2] = {1, -2, 0, 3};
    trec_csr m;
    dense_csr(&m, 2, 2, v);
    uint32_t ks[] = {1};
    trec_eval_config cfg = {.ks = ks, .nk = 1, .gain = TREC_GAIN_EXP};
    trec_positives p;
    trec_error err;
    ck_assert_int_eq(trec_positives_from_csr(&p, &m, "t.csr", &cfg, &err), -1);
    ck_assert_msg(strstr(err.msg, "t.csr: user 0, item 1: positive value -2"), "%s", err.msg);
    /* binary gain, or a minimum rating that drops the entry, are fine */
    cfg.gain = TREC_GAIN_BINARY;
    ck_assert_int_eq(trec_positives_from_csr(&p, &m, "t.csr", &cfg, &err), 0);
    ck_assert_uint_eq(p.n, 3);
    trec_positives_free(&p);
    cfg.gain = TREC_GAIN_EXP;
    cfg.has_min_rating = 1;
    cfg.min_rating = 0.5;
    ck_assert_int_eq(trec_positives_from_csr(&p, &m, "t.csr", &cfg, &err), 0);
    ck_assert_uint_eq(p.n, 2);
    ck_assert_double_eq(p.gains[1], 7);
    trec_positives_free(&p);
    trec_csr_free(&m);
}
END_TEST

/* The exp gain 2^v - 1 takes values up to 512 exactly (2^512 - 1 keeps sums
 * of gains and NDCG finite); 512.5, or the next float above 512, is refused
 * with the message saying so. */
START_TEST(exp_gain_boundary_at_512)
{
    float v[4 * 6] = {0};
    v[0 * 6 + 1] = 512;
    v[0 * 6 + 3] = 512;
    v[1 * 6 + 0] = 511.5f;
    trec_csr m;
    dense_csr(&m, 4, 6, v);
    uint32_t ks[] = {2};
    trec_eval_config cfg = {.ks = ks, .nk = 1, .gain = TREC_GAIN_EXP};
    trec_positives p;
    trec_error err;
    ck_assert_msg(trec_positives_from_csr(&p, &m, "t.csr", &cfg, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(p.n, 3);
    ck_assert_double_eq(p.gains[0], ldexp(1.0, 512) - 1.0);
    ck_assert_double_eq(p.gains[1], ldexp(1.0, 512) - 1.0);
    ck_assert_double_eq_tol(p.gains[2] / ldexp(1.0, 511), sqrt(2.0), 1e-12);
    /* NDCG stays finite: user 0 ranks items 0, 1 (one hit at rank 2 of two
     * equal gains), user 1 hits its only positive at rank 1 */
    trec_topk_lists l;
    make_lists(&l, 4, 6, ALL);
    trec_eval_result r;
    ck_assert_int_eq(trec_eval_lists(&p, &l, &cfg, &r, &err), 0);
    ck_assert_double_eq_tol(user_vals(&r, 0, 0)[TREC_NDCG], L3 / (1 + L3), EPS);
    ck_assert_double_eq_tol(user_vals(&r, 1, 0)[TREC_NDCG], 1.0, EPS);
    ck_assert(isfinite(r.mean[TREC_NDCG]));
    trec_eval_result_free(&r);
    trec_topk_lists_free(&l);
    trec_positives_free(&p);
    trec_csr_free(&m);
    /* one step above */
    const float above[] = {512.5f, nextafterf(512.0f, 1000.0f)};
    const char *want[] = {
        "t.csr: user 0, item 3: positive value 512.5 has NDCG gain 2^512.5 - 1, too large "
        "(at most 2^512 - 1; use --gain binary)",
        "too large (at most 2^512 - 1; use --gain binary)"}; /* %g prints it as 512 */
    for (int t = 0; t < 2; t++) {
        v[0 * 6 + 3] = above[t];
        dense_csr(&m, 4, 6, v);
        ck_assert_int_eq(trec_positives_from_csr(&p, &m, "t.csr", &cfg, &err), -1);
        ck_assert_msg(strstr(err.msg, want[t]) != NULL, "%s", err.msg);
        trec_csr_free(&m);
    }
}
END_TEST

START_TEST(random_baseline_formulas)
{
    world w;
    uint32_t ks[] = {2};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 1);
    trec_eval_result r;
    trec_error err;
    ck_assert_int_eq(trec_eval_random(&w.tp, NULL, &w.cfg, &r, &err), 0);
    /* N = 6: E[hits@2] = P * 2 / 6 */
    check_vals(user_vals(&r, 0, 0), 1.0 / 3, 0.5, 0.5);
    check_vals(user_vals(&r, 1, 0), 1.0 / 3, 1.0 / 3, 1.0 / 3);
    check_vals(user_vals(&r, 3, 0), 1.0 / 3, 1.0 / 6, (1 + L3) / 6);
    trec_eval_result_free(&r);
    /* leaving train items out: N = 5, 4, 5 */
    ck_assert_int_eq(trec_eval_random(&w.tp, &w.train, &w.cfg, &r, &err), 0);
    check_vals(user_vals(&r, 0, 0), 0.4, 0.6, 0.6);
    check_vals(user_vals(&r, 1, 0), 0.5, 0.5, 0.5);
    check_vals(user_vals(&r, 3, 0), 0.4, 0.2, (1 + L3) / 5);
    ck_assert_uint_eq(r.evaluated, 3);
    trec_eval_result_free(&r);
    world_free(&w);
}
END_TEST

/* Metrics of one ranking, computed here from scratch. */
static void brute_metrics(const int *order, int n, const float *row, int n_items,
                          uint32_t k, int gain, double *out)
{
    double g[16], sorted[16];
    int np = 0;
    for (int i = 0; i < n_items; i++)
        if (row[i] != 0) {
            g[np] = gain == TREC_GAIN_EXP ? pow(2, row[i]) - 1 : 1;
            sorted[np] = g[np];
            np++;
        }
    for (int a = 0; a < np; a++) /* decreasing */
        for (int b = a + 1; b < np; b++)
            if (sorted[b] > sorted[a]) {
                double t = sorted[a];
                sorted[a] = sorted[b];
                sorted[b] = t;
            }
    double idcg = 0, dcg = 0, hits = 0;
    for (int r = 1; r <= np && r <= (int)k; r++)
        idcg += sorted[r - 1] / log2(r + 1.0);
    for (int r = 1; r <= n && r <= (int)k; r++)
        if (row[order[r - 1]] != 0) {
            hits++;
            dcg += (gain == TREC_GAIN_EXP ? pow(2, row[order[r - 1]]) - 1 : 1) / log2(r + 1.0);
        }
    out[TREC_RECALL] = hits / np;
    out[TREC_PRECISION] = hits / k;
    out[TREC_NDCG] = dcg / idcg;
    /* AP@K, MRR@K, hit rate: straight from the definitions */
    double h = 0, ap = 0;
    int first = 0;
    for (int r = 1; r <= n && r <= (int)k; r++)
        if (row[order[r - 1]] != 0) {
            h++;
            ap += h / r;
            if (!first)
                first = r;
        }
    out[TREC_MAP] = ap / (np < (int)k ? np : (int)k);
    out[TREC_MRR] = first ? 1.0 / first : 0;
    out[TREC_HIT_RATE] = h > 0;
    /* AUC: every (positive, negative) pair of the candidates, in order */
    double good = 0, neg = 0;
    for (int a = 0; a < n; a++)
        if (row[order[a]] == 0) {
            neg++;
            for (int b = 0; b < a; b++)
                good += row[order[b]] != 0;
        }
    out[TREC_AUC] = neg ? good / (np * neg) : 0.5;
}

/* The metrics the permutation test compares. */
static const int BRUTE[] = {TREC_RECALL, TREC_PRECISION, TREC_NDCG, TREC_MAP, TREC_MRR,
                            TREC_HIT_RATE, TREC_AUC};
#define N_BRUTE (int)(sizeof BRUTE / sizeof BRUTE[0])

START_TEST(random_baseline_is_the_mean_over_all_orders)
{
    /* one user, 6 items, graded ratings, 0-2 items excluded (positives
     * among them: they count in recall's denominator and in IDCG, but can
     * never be ranked): the expected metrics are the average over all N!
     * orders of the candidates */
    static const float rows[][6] = {{0, 5, 0, 3, 0, 4}, {1, 0, 0, 0, 0, 0},
                                    {2, 3, 4, 5, 1, 2}};
    static const float ex[][6] = {{0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 1, 0},
                                  {0, 0, 0, 0, 0, 1}};
    uint32_t ks[] = {1, 2, 4, 9};
    for (int gain = 0; gain < 2; gain++)
        for (int c = 0; c < 3; c++)
            for (int e = 0; e < 3; e++) {
                trec_csr m, x;
                dense_csr(&m, 1, 6, rows[c]);
                dense_csr(&x, 1, 6, ex[e]);
                trec_eval_config cfg = {.ks = ks, .nk = 4, .gain = gain};
                trec_positives p;
                trec_eval_result r;
                trec_error err;
                ck_assert_int_eq(trec_positives_from_csr(&p, &m, "m", &cfg, &err), 0);
                ck_assert_int_eq(trec_eval_random(&p, &x, &cfg, &r, &err), 0);
                int cand[6], n = 0;
                for (int i = 0; i < 6; i++)
                    if (ex[e][i] == 0)
                        cand[n++] = i;
                /* Heap's algorithm over the candidates */
                double sum[4][TREC_N_METRICS] = {{0}}, cnt = 0, v[TREC_N_METRICS];
                int st[6] = {0}, i = 1;
                for (int k = 0; k < 4; k++) {
                    brute_metrics(cand, n, rows[c], 6, ks[k], gain, v);
                    for (int j = 0; j < N_BRUTE; j++)
                        sum[k][BRUTE[j]] += v[BRUTE[j]];
                }
                cnt = 1;
                while (i < n) {
                    if (st[i] < i) {
                        int a = i % 2 ? st[i] : 0, t = cand[a];
                        cand[a] = cand[i];
                        cand[i] = t;
                        for (int k = 0; k < 4; k++) {
                            brute_metrics(cand, n, rows[c], 6, ks[k], gain, v);
                            for (int j = 0; j < N_BRUTE; j++)
                                sum[k][BRUTE[j]] += v[BRUTE[j]];
                        }
                        cnt++;
                        st[i]++;
                        i = 1;
                    } else {
                        st[i++] = 0;
                    }
                }
                for (int k = 0; k < 4; k++)
                    for (int jj = 0; jj < N_BRUTE; jj++) {
                        int j = BRUTE[jj];
                        ck_assert_msg(fabs(user_vals(&r, 0, k)[j] - sum[k][j] / cnt) < 1e-9,
                                      "case %d/%d gain %d K %u %s: formula %g, orders %g", c,
                                      e, gain, ks[k], trec_metric_names[j],
                                      user_vals(&r, 0, k)[j], sum[k][j] / cnt);
                    }
                trec_eval_result_free(&r);
                trec_positives_free(&p);
                trec_csr_free(&m);
                trec_csr_free(&x);
            }
}
END_TEST

/* A scorer that ranks by a table of scores (users x items). */
static void table_scorer(trec_scorer *s, float *zeros, float *scores, int users, int items)
{
    /* one component per user: user u's row is e_u, item i's column the
     * users' scores for it */
    trec_error err;
    for (int u = 0; u < users; u++)
        zeros[u * users + u] = 1;
    ck_assert_int_eq(trec_scorer_factors(s, TREC_PREDICT_DOT, (uint64_t)users, zeros, NULL,
                                         (uint64_t)users, scores, NULL, (uint64_t)items, &err),
                     0);
}

START_TEST(auc_of_a_full_ranking)
{
    /* scores of 4 users for 6 items (ties included), every user's AUC
     * recomputed over its candidates from the order the scores give */
    static const float S[4][6] = {{3, 1, 2, 2, 0, 5}, {1, 1, 1, 1, 1, 1},
                                  {0, 9, 8, 7, 6, 5}, {2, 4, 6, 8, 10, 12}};
    world w;
    uint32_t ks[] = {2, 3};
    trec_error err;
    for (int ex = 0; ex < 2; ex++) {
        world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 2);
        float zeros[16] = {0}, items[6 * 4];
        for (int i = 0; i < 6; i++)
            for (int u = 0; u < 4; u++)
                items[i * 4 + u] = S[u][i];
        trec_scorer sc;
        table_scorer(&sc, zeros, items, 4, 6);
        trec_eval_result r;
        trec_topk_lists l;
        make_lists(&l, 4, 6, ALL);
        ck_assert_int_eq(trec_eval_lists(&w.tp, &l, &w.cfg, &r, &err), 0);
        ck_assert_int_eq(trec_eval_auc(&w.tp, &sc, ex ? &w.train : NULL, 2, &r, &err), 0);
        for (int u = 0; u < 4; u++) {
            if (!r.has[u])
                continue;
            int cand[6], n = 0;
            for (int i = 0; i < 6; i++)
                if (!ex || TRAIN[u * 6 + i] == 0)
                    cand[n++] = i;
            for (int a = 1; a < n; a++) /* insertion sort: score desc, index asc */
                for (int b = a; b > 0 && (S[u][cand[b]] > S[u][cand[b - 1]] ||
                                          (S[u][cand[b]] == S[u][cand[b - 1]] &&
                                           cand[b] < cand[b - 1])); b--) {
                    int t = cand[b];
                    cand[b] = cand[b - 1];
                    cand[b - 1] = t;
                }
            double v[TREC_N_METRICS];
            brute_metrics(cand, n, TEST + u * 6, 6, 2, TREC_GAIN_BINARY, v);
            ck_assert_double_eq_tol(user_vals(&r, u, 0)[TREC_AUC], v[TREC_AUC], EPS);
            ck_assert_double_eq_tol(user_vals(&r, u, 1)[TREC_AUC], v[TREC_AUC], EPS);
        }
        trec_eval_result_free(&r);
        trec_topk_lists_free(&l);
        trec_scorer_free(&sc);
        world_free(&w);
    }
}
END_TEST

START_TEST(coverage_of_lists_and_of_random)
{
    world w;
    uint32_t ks[] = {1, 2, 6};
    trec_error err;
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 3);
    trec_eval_result r;
    trec_topk_lists l;
    /* evaluated users 11, 22, 44: top 1 {0, 5}, top 2 {0, 1, 4, 5}, all */
    make_lists(&l, 4, 6, ALL);
    ck_assert_int_eq(trec_eval_lists(&w.tp, &l, &w.cfg, &r, &err), 0);
    ck_assert_double_eq_tol(r.mean[0 * TREC_N_METRICS + TREC_COVERAGE], 2.0 / 6, EPS);
    ck_assert_double_eq_tol(r.mean[1 * TREC_N_METRICS + TREC_COVERAGE], 4.0 / 6, EPS);
    ck_assert_double_eq_tol(r.mean[2 * TREC_N_METRICS + TREC_COVERAGE], 1, EPS);
    trec_eval_result_free(&r);
    trec_topk_lists_free(&l);
    /* random, train items left out: item i is missed by user u's random top
     * K of its N_u candidates with chance 1 - K/N_u when it is a candidate;
     * checked against every combination of the three users' orders */
    ck_assert_int_eq(trec_eval_random(&w.tp, &w.train, &w.cfg, &r, &err), 0);
    static const int users[3] = {0, 1, 3};
    for (int k = 0; k < 2; k++) {
        double want = 0;
        for (int i = 0; i < 6; i++) {
            double miss = 1;
            for (int q = 0; q < 3; q++) {
                int u = users[q], n = 0;
                for (int j = 0; j < 6; j++)
                    n += TRAIN[u * 6 + j] == 0;
                if (TRAIN[u * 6 + i] == 0)
                    miss *= 1 - (double)(ks[k] < (uint32_t)n ? ks[k] : (uint32_t)n) / n;
            }
            want += 1 - miss;
        }
        ck_assert_double_eq_tol(r.mean[k * TREC_N_METRICS + TREC_COVERAGE], want / 6, EPS);
    }
    /* K = 6 covers every candidate of someone: all items */
    ck_assert_double_eq_tol(r.mean[2 * TREC_N_METRICS + TREC_COVERAGE], 1, EPS);
    ck_assert_double_eq_tol(r.mean[TREC_AUC], 0.5, EPS);
    trec_eval_result_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(metric_names)
{
    int m;
    uint32_t k;
    trec_error err;
    char buf[32];
    ck_assert_int_eq(trec_metric_parse("ndcg@10", &m, &k, &err), 0);
    ck_assert_int_eq(m, TREC_NDCG);
    ck_assert_uint_eq(k, 10);
    ck_assert_int_eq(trec_metric_parse("hit-rate@3", &m, &k, &err), 0);
    ck_assert_int_eq(m, TREC_HIT_RATE);
    ck_assert_uint_eq(k, 3);
    ck_assert_int_eq(trec_metric_parse("map", &m, &k, &err), 0);
    ck_assert_uint_eq(k, 10);
    ck_assert_int_eq(trec_metric_parse("auc", &m, &k, &err), 0);
    ck_assert_str_eq(trec_metric_label(m, k, buf, sizeof buf), "auc");
    ck_assert_str_eq(trec_metric_label(TREC_MRR, 5, buf, sizeof buf), "mrr@5");
    ck_assert_int_eq(trec_metric_parse("auc@10", &m, &k, &err), -1);
    ck_assert_int_eq(trec_metric_parse("ndcg@0", &m, &k, &err), -1);
    ck_assert_int_eq(trec_metric_parse("ndcg@", &m, &k, &err), -1);
    ck_assert_int_eq(trec_metric_parse("ndcg@-3", &m, &k, &err), -1);
    ck_assert_int_eq(trec_metric_parse("accuracy@10", &m, &k, &err), -1);
    ck_assert(strstr(err.msg, "unknown metric"));
}
END_TEST

START_TEST(most_popular)
{
    world w;
    uint32_t ks[] = {2};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 1);
    uint32_t *order;
    trec_error err;
    ck_assert_int_eq(trec_popularity_order(&w.trp, &order, &err), 0);
    /* counts 2, 2, 0, 1, 0, 1: ties by index */
    static const uint32_t want[] = {0, 1, 3, 5, 2, 4};
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(order[i], want[i]);
    trec_topk_lists l;
    trec_eval_result r;
    ck_assert_int_eq(trec_popular_lists(order, 4, 6, NULL, 2, &l, &err), 0);
    ck_assert_uint_eq(l.len[3], 2);
    ck_assert_uint_eq(l.items[3 * l.k], 0);
    ck_assert_int_eq(trec_eval_lists(&w.tp, &l, &w.cfg, &r, &err), 0);
    check_vals(user_vals(&r, 0, 0), 1.0 / 3, 0.5, L3 / (1 + L3));
    check_vals(user_vals(&r, 3, 0), 0, 0, 0);
    trec_eval_result_free(&r);
    trec_topk_lists_free(&l);
    /* leaving train items out: 11 gets 102, 104 (both positives) */
    ck_assert_int_eq(trec_popular_lists(order, 4, 6, &w.train, 2, &l, &err), 0);
    ck_assert_uint_eq(l.items[0], 1);
    ck_assert_uint_eq(l.items[1], 3);
    ck_assert_int_eq(trec_eval_lists(&w.tp, &l, &w.cfg, &r, &err), 0);
    check_vals(user_vals(&r, 0, 0), 2.0 / 3, 1, 1);
    check_vals(user_vals(&r, 1, 0), 0.5, 0.5, 1 / (1 + L3));
    trec_eval_result_free(&r);
    trec_topk_lists_free(&l);
    /* with a minimum rating, popularity counts positive train entries only */
    free(order);
    world_free(&w);
    world_make(&w, TREC_GAIN_BINARY, 1, 4.5, ks, 1);
    ck_assert_int_eq(trec_popularity_order(&w.trp, &order, &err), 0);
    ck_assert_uint_eq(order[0], 0); /* 101: 5 from 33 */
    ck_assert_uint_eq(order[1], 1); /* 102: 5 from 22 */
    ck_assert_uint_eq(order[2], 2); /* no other count */
    free(order);
    world_free(&w);
}
END_TEST

START_TEST(overlap)
{
    world w;
    uint32_t ks[] = {2};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 1);
    uint64_t u = 99;
    uint32_t i = 99;
    ck_assert_uint_eq(trec_positives_overlap(&w.tp, &w.train, &u, &i), 0);
    /* the test matrix overlaps itself everywhere */
    ck_assert_uint_eq(trec_positives_overlap(&w.tp, &w.test, &u, &i), 6);
    ck_assert_uint_eq(u, 0);
    ck_assert_uint_eq(i, 1);
    world_free(&w);
}
END_TEST

START_TEST(bad_config)
{
    world w;
    uint32_t ks[] = {0};
    world_make(&w, TREC_GAIN_BINARY, 0, 0, ks, 1);
    trec_eval_result r;
    trec_error err;
    ck_assert_int_eq(trec_eval_random(&w.tp, NULL, &w.cfg, &r, &err), -1);
    ck_assert(strstr(err.msg, "at least 1"));
    world_free(&w);
}
END_TEST

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("metrics");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, all_items_convention);
    tcase_add_test(tc, exclude_train_convention);
    tcase_add_test(tc, k_beyond_items_and_several_k);
    tcase_add_test(tc, graded_gain_and_min_rating);
    tcase_add_test(tc, graded_gain_needs_positive_values);
    tcase_add_test(tc, exp_gain_boundary_at_512);
    tcase_add_test(tc, random_baseline_formulas);
    tcase_add_test(tc, random_baseline_is_the_mean_over_all_orders);
    tcase_add_test(tc, auc_of_a_full_ranking);
    tcase_add_test(tc, coverage_of_lists_and_of_random);
    tcase_add_test(tc, metric_names);
    tcase_add_test(tc, most_popular);
    tcase_add_test(tc, overlap);
    tcase_add_test(tc, bad_config);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(metrics_suite)
