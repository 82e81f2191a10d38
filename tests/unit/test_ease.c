/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_ease.c - the ease algorithm against EASE's formula computed here in
 * double precision (Gauss-Jordan), in both solves (primal: more users than
 * items; dual: fewer), with and without --dropout (EDLAE's regulariser),
 * through the item-item scorer, a model file round trip and a copy, similar items,
 * weights and the memory refusal. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"
#include "algorithm.h"

/* A random 0/1 matrix with some weights, users x items; item `empty` has
 * no entry (an inactive item). */
static void make_x(trec_csr *x, int nu, int ni, int empty, uint64_t seed)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, seed);
    float *v = calloc((size_t)nu * ni, sizeof *v);
    uint64_t nnz = 0;
    for (int u = 0; u < nu; u++)
        for (int i = 0; i < ni; i++)
            if (i != empty && trec_rng_uniform(&r) < 0.35) {
                v[u * ni + i] = trec_rng_uniform(&r) < 0.3 ? 2.5f : 5.0f;
                nnz++;
            }
    ck_assert_int_eq(trec_csr_alloc(x, (uint64_t)nu, (uint64_t)ni, nnz, 0, &err), 0);
    uint64_t e = 0;
    for (int u = 0; u < nu; u++) {
        for (int i = 0; i < ni; i++)
            if (v[u * ni + i] != 0) {
                x->colidx[e] = (uint32_t)i;
                x->vals[e++] = v[u * ni + i];
            }
        x->rowptr[u + 1] = e;
    }
    free(v);
}

/* Weights as trec-fit makes them: --min-rating 4 --other-weight w. */
static double weight(float v, double other)
{
    return v >= 4 ? 1.0 : other;
}

/* --user-exponent of the case under test (0: none). */
static double user_exponent;

/* Entry e of user u's row of X: its weight times the row's weight sum to
 * the power -user_exponent. */
static double xw(const trec_csr *x, uint64_t u, uint64_t e, double other)
{
    double sum = 0;
    for (uint64_t f = x->rowptr[u]; f < x->rowptr[u + 1]; f++)
        sum += weight(x->vals[f], other);
    return weight(x->vals[e], other) * pow(sum, -user_exponent);
}

/* EASE's B in double: P = (X^T X + Lambda)^-1 by Gauss-Jordan, then
 * B = I - P diag(1/diag P), over all items (inactive ones have zero rows and
 * columns in X^T X: P is 1/lambda there and B 0). Lambda = lambda I +
 * p / (1 - p) diag(X^T X) (EDLAE; p = 0: EASE). */
static double *reference_b(const trec_csr *x, double lambda, double other, double dropout)
{
    int n = (int)x->cols;
    double *g = calloc((size_t)n * n, sizeof *g), *p = calloc((size_t)n * n, sizeof *p);
    for (uint64_t u = 0; u < x->rows; u++)
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            for (uint64_t f = x->rowptr[u]; f < x->rowptr[u + 1]; f++)
                g[x->colidx[e] * n + x->colidx[f]] +=
                    xw(x, u, e, other) * xw(x, u, f, other);
    for (int i = 0; i < n; i++) {
        g[i * n + i] += lambda + dropout / (1 - dropout) * g[i * n + i];
        p[i * n + i] = 1;
    }
    for (int c = 0; c < n; c++) { /* SPD: no pivoting needed */
        double d = g[c * n + c];
        for (int j = 0; j < n; j++) {
            g[c * n + j] /= d;
            p[c * n + j] /= d;
        }
        for (int r = 0; r < n; r++) {
            if (r == c)
                continue;
            double f = g[r * n + c];
            for (int j = 0; j < n; j++) {
                g[r * n + j] -= f * g[c * n + j];
                p[r * n + j] -= f * p[c * n + j];
            }
        }
    }
    for (int j = 0; j < n; j++)
        for (int t = 0; t < n; t++)
            g[j * n + t] = j == t ? 0 : -p[j * n + t] / p[t * n + t];
    free(p);
    return g;
}

/* ease's own option called name (algorithm.h): its number, and its slot
 * of trec_fit_config.param. */
static int own_option(const char *name, int *slot)
{
    int o = trec_fit_option_find(name);
    ck_assert_int_ge(o, TREC_OPT_OWN);
    const trec_algorithm *a = trec_algorithm_own_option(o, slot);
    ck_assert_msg(a && strcmp(a->name, "ease") == 0, "%s is not ease's", name);
    return o;
}

static int fit(const trec_csr *x, double lambda, double other, double dropout, trec_model *m,
               trec_error *err)
{
    int dropout_slot, exponent_slot;
    int o_dropout = own_option("--dropout", &dropout_slot);
    int o_exponent = own_option("--user-exponent", &exponent_slot);
    trec_fit_config c;
    ck_assert_int_eq(trec_fit_config_for(&c, "ease", err), 0);
    c.lambda = lambda;
    c.param[dropout_slot] = dropout;
    c.param[exponent_slot] = user_exponent;
    c.has_min_rating = 1;
    c.min_rating = 4;
    c.other_weight = other;
    c.given = TREC_OPT(TREC_OPT_LAMBDA) | TREC_OPT(TREC_OPT_MIN_RATING) |
              TREC_OPT(TREC_OPT_OTHER_WEIGHT) | (dropout > 0 ? TREC_OPT(o_dropout) : 0) |
              (user_exponent > 0 ? TREC_OPT(o_exponent) : 0);
    c.threads = 2;
    trec_fit_result res;
    return trec_fit(&c, x, NULL, NULL, NULL, m, &res, err);
}

/* Every user's block scores and reference scores against h B. */
static void check_scores(const trec_model *m, const trec_csr *x, const double *b, double other)
{
    trec_error err;
    trec_scorer s;
    ck_assert_int_eq(trec_scorer_for_users(&s, m, &err), 0);
    uint64_t n = x->cols;
    trec_qblock q;
    ck_assert_int_eq(trec_qblock_init(&q, &s, 3, &err), 0);
    float *out = malloc(3 * n * sizeof *out);
    for (uint64_t u0 = 0; u0 < x->rows; u0 += 3) {
        uint64_t idx[3], nq = x->rows - u0 < 3 ? x->rows - u0 : 3;
        for (uint64_t r = 0; r < nq; r++)
            idx[r] = u0 + r;
        trec_qblock_set(&q, &s, idx, nq);
        trec_score_block(&s, &q, 0, n, out, n);
        for (uint64_t r = 0; r < nq; r++) {
            uint64_t u = idx[r];
            for (uint64_t t = 0; t < n; t++) {
                double want = 0;
                for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
                    want += xw(x, u, e, other) * b[x->colidx[e] * n + t];
                double tol = 2e-4 * (1 + fabs(want));
                ck_assert_msg(fabs(out[r * n + t] - want) < tol, "user %llu item %llu: %g, want %g",
                              (unsigned long long)u, (unsigned long long)t,
                              (double)out[r * n + t], want);
                ck_assert_msg(fabs(trec_score_pair(&s, u, t) - want) < 1e-5 * (1 + fabs(want)),
                              "reference score of user %llu item %llu", (unsigned long long)u,
                              (unsigned long long)t);
            }
        }
    }
    free(out);
    trec_qblock_free(&q, &s);
    trec_scorer_free(&s);
}

static int files_equal(const char *a, const char *b)
{
    trec_error err;
    uint8_t *x, *y;
    size_t nx, ny;
    ck_assert_int_eq(trec_read_file(a, &x, &nx, &err), 0);
    ck_assert_int_eq(trec_read_file(b, &y, &ny, &err), 0);
    int same = nx == ny && memcmp(x, y, nx) == 0;
    free(x);
    free(y);
    return same;
}

static void run_case(int nu, int ni, int want_dual, double dropout)
{
    trec_error err;
    trec_csr x;
    make_x(&x, nu, ni, ni / 2, 3);
    trec_model m;
    ck_assert_msg(fit(&x, 7.5, 0.3, dropout, &m, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(m.kind, TREC_MODEL_ITEM_ITEM);
    const trec_item_item *ii = trec_model_item_item(&m);
    ck_assert_int_eq(ii->dual, want_dual);
    /* only the dual form of EDLAE stores column weights */
    ck_assert_int_eq(ii->weighted, want_dual && dropout > 0);
    ck_assert_uint_eq(ii->n_active, (uint64_t)ni - 1); /* the empty item is out */
    double *b = reference_b(&x, 7.5, 0.3, dropout);
    check_scores(&m, &x, b, 0.3);
    /* the model file gives the same scores */
    m.meta_json = NULL;
    ck_assert_int_eq(trec_model_write("/tmp/test_ease.trec", &m, &err), 0);
    trec_model back;
    ck_assert_msg(trec_model_read("/tmp/test_ease.trec", &back, &err) == 0, "%s", err.msg);
    check_scores(&back, &x, b, 0.3);
    trec_model_free(&back);
    /* a copy owns its own kind data and writes the same bytes */
    trec_model cp;
    ck_assert_msg(trec_model_copy(&cp, &m, &err) == 0, "%s", err.msg);
    const trec_item_item *cii = trec_model_item_item(&cp);
    ck_assert(cii && cii != trec_model_item_item(&m));
    ck_assert(cii->hist_val != trec_model_item_item(&m)->hist_val);
    trec_model_free(&m);
    check_scores(&cp, &x, b, 0.3);
    ck_assert_int_eq(trec_model_write("/tmp/test_ease_copy.trec", &cp, &err), 0);
    ck_assert(files_equal("/tmp/test_ease.trec", "/tmp/test_ease_copy.trec"));
    trec_model_free(&cp);
    free(b);
    trec_csr_free(&x);
}

START_TEST(primal_matches_formula)
{
    run_case(60, 25, 0, 0);
}
END_TEST

START_TEST(dual_matches_formula)
{
    run_case(12, 41, 1, 0);
}
END_TEST

/* EDLAE (--dropout): both solves against the formula with its Lambda. */
START_TEST(dropout_matches_formula)
{
    run_case(60, 25, 0, 0.4);
    run_case(12, 41, 1, 0.4);
    run_case(12, 41, 1, 0.9);
}
END_TEST

/* --user-exponent: rows of X scaled by their weight sums^-e, in both
 * solves, alone and with the dropout. */
START_TEST(user_exponent_matches_formula)
{
    user_exponent = 0.4;
    run_case(60, 25, 0, 0);
    run_case(12, 41, 1, 0);
    run_case(12, 41, 1, 0.4);
    user_exponent = 0;
}
END_TEST

/* The dropout changes B (the test above is not EASE's B in disguise): its
 * off-diagonal weights differ from EASE's with the same lambda. */
START_TEST(dropout_changes_weights)
{
    trec_csr x;
    make_x(&x, 12, 41, 20, 3);
    double *ease = reference_b(&x, 7.5, 0.3, 0), *edlae = reference_b(&x, 7.5, 0.3, 0.4);
    double diff = 0;
    for (int i = 0; i < 41 * 41; i++)
        diff = fmax(diff, fabs(ease[i] - edlae[i]));
    ck_assert_msg(diff > 1e-2, "max difference %g", diff);
    free(ease);
    free(edlae);
    trec_csr_free(&x);
}
END_TEST

/* Similar items are B's rows: the score of a user who has item j alone. */
START_TEST(similar_items_are_rows_of_b)
{
    trec_error err;
    trec_csr x;
    for (int c = 0; c < 4; c++) {
        int dual = c & 1, nu = dual ? 10 : 50, ni = 20;
        double dropout = c & 2 ? 0.3 : 0;
        make_x(&x, nu, ni, 7, 5);
        trec_model m;
        ck_assert_int_eq(fit(&x, 3, 0, dropout, &m, &err), 0);
        ck_assert_int_eq(trec_model_item_item(&m)->dual, dual);
        double *b = reference_b(&x, 3, 0, dropout);
        trec_scorer s;
        /* B is the only similarity of an item-item model */
        ck_assert_int_eq(trec_scorer_for_items(&s, &m, TREC_PREDICT_COSINE, &err), -1);
        ck_assert_str_eq(err.msg, "a item-item model scores similar items by its own weights");
        ck_assert_int_eq(trec_scorer_check_similarity(&m, -1, &err), 0);
        ck_assert_int_eq(trec_scorer_for_items(&s, &m, -1, &err), 0);
        for (int j = 0; j < ni; j++)
            for (int t = 0; t < ni; t++) {
                double want = b[j * ni + t];
                ck_assert_msg(fabs(trec_score_pair(&s, (uint64_t)j, (uint64_t)t) - want) <
                                  1e-4 * (1 + fabs(want)),
                              "B[%d][%d], dropout %g", j, t, dropout);
            }
        /* an item never recommends itself; an inactive item has no row */
        ck_assert(fabs(trec_score_pair(&s, 3, 3)) < 1e-6);
        ck_assert(fabs(trec_score_pair(&s, 7, 3)) < 1e-12);
        trec_scorer_free(&s);
        free(b);
        trec_model_free(&m);
        trec_csr_free(&x);
    }
}
END_TEST

/* Histories given from outside (fold-in) score like the model's own users. */
START_TEST(fold_in_equals_own_users)
{
    trec_error err;
    trec_csr x, h;
    make_x(&x, 9, 30, 4, 8);
    trec_model m;
    user_exponent = _i & 2 ? 0.3 : 0;
    ck_assert_int_eq(fit(&x, 5, 0.3, _i & 1 ? 0.3 : 0, &m, &err), 0);
    /* the scorer scales outside rows as META says trec-fit scaled X's */
    if (user_exponent > 0) {
        m.meta_json = strdup("{\"algorithm\":\"ease\",\"user_exponent\":0.3}");
        ck_assert_int_eq(trec_model_own(&m, m.meta_json, &err), 0);
    }
    /* h: users 2 and 5 of x, with the weights trec-fit used */
    uint64_t n2 = x.rowptr[3] - x.rowptr[2], n5 = x.rowptr[6] - x.rowptr[5];
    ck_assert_int_eq(trec_csr_alloc(&h, 2, x.cols, n2 + n5, 0, &err), 0);
    uint64_t users[2] = {2, 5}, o = 0;
    for (int r = 0; r < 2; r++) {
        for (uint64_t e = x.rowptr[users[r]]; e < x.rowptr[users[r] + 1]; e++) {
            h.colidx[o] = x.colidx[e];
            h.vals[o++] = (float)weight(x.vals[e], 0.3);
        }
        h.rowptr[r + 1] = o;
    }
    trec_scorer own, folded;
    ck_assert_int_eq(trec_scorer_for_users(&own, &m, &err), 0);
    ck_assert_int_eq(trec_scorer_for_histories(&folded, &m, &h, &err), 0);
    for (int r = 0; r < 2; r++)
        for (uint64_t t = 0; t < x.cols; t++)
            ck_assert(fabs(trec_score_pair(&own, users[r], t) -
                           trec_score_pair(&folded, (uint64_t)r, t)) < 1e-9);
    trec_scorer_free(&own);
    trec_scorer_free(&folded);
    trec_csr_free(&h);
    trec_model_free(&m);
    trec_csr_free(&x);
    user_exponent = 0;
}
END_TEST

START_TEST(refuses_beyond_max_memory)
{
    trec_error err;
    trec_csr x;
    make_x(&x, 40, 30, -1, 2);
    trec_fit_config c;
    ck_assert_int_eq(trec_fit_config_for(&c, "ease", &err), 0);
    c.max_memory = 1000;
    c.given = TREC_OPT(TREC_OPT_MAX_MEMORY);
    trec_model m;
    trec_fit_result res;
    ck_assert_int_eq(trec_fit(&c, &x, NULL, NULL, NULL, &m, &res, &err), -1);
    ck_assert_msg(strstr(err.msg, "--max-memory") && strstr(err.msg, "--algorithm als"), "%s",
                  err.msg);
    /* options ease does not take are refused, not ignored */
    ck_assert_int_eq(trec_fit_config_for(&c, "ease", &err), 0);
    c.given = TREC_OPT(TREC_OPT_COMPONENTS);
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    ck_assert_msg(strstr(err.msg, "--components does not apply to --algorithm ease"), "%s",
                  err.msg);
    /* a dropout probability of 1 would divide by 0; als has no --dropout */
    int slot, o_dropout = own_option("--dropout", &slot);
    ck_assert_int_eq(trec_fit_config_for(&c, "ease", &err), 0);
    c.param[slot] = 1;
    c.given = TREC_OPT(o_dropout);
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    ck_assert_msg(strstr(err.msg, "--dropout must be in [0, 1)"), "%s", err.msg);
    ck_assert_int_eq(trec_fit_config_for(&c, "als", &err), 0);
    c.param[slot] = 0.5;
    c.given = TREC_OPT(o_dropout);
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    ck_assert_msg(strstr(err.msg, "--dropout does not apply to --algorithm als"), "%s", err.msg);
    trec_csr_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ease");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, primal_matches_formula);
    tcase_add_test(tc, dual_matches_formula);
    tcase_add_test(tc, dropout_matches_formula);
    tcase_add_test(tc, dropout_changes_weights);
    tcase_add_test(tc, user_exponent_matches_formula);
    tcase_add_test(tc, similar_items_are_rows_of_b);
    /* without and with --dropout (bit 0), --user-exponent (bit 1) */
    tcase_add_loop_test(tc, fold_in_equals_own_users, 0, 4);
    tcase_add_test(tc, refuses_beyond_max_memory);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(suite)
