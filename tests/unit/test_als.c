/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_als.c - the als algorithm: its fixed point satisfies the normal
 * equations written out here in double precision (confidences, lambda and
 * its frequency scaling), conjugate gradient approaches the exact solve,
 * the exact loss never rises, the model does not depend on the thread count,
 * --init continues exactly, it learns tastes, and bad options are refused. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "als.h" /* internal: its options' slots of param */
#include "check_main.h"
#include "internal.h"

#define NU 40
#define NI 30

/* Two taste groups (even / odd items), ratings 4-5 on the group's items
 * and 1-2 elsewhere, 35% of the pairs observed. */
static void make_x(trec_csr *x)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, 21);
    static float v[NU][NI];
    uint64_t nnz = 0;
    for (int u = 0; u < NU; u++)
        for (int i = 0; i < NI; i++) {
            v[u][i] = 0;
            if (trec_rng_uniform(&r) < 0.35) {
                int likes = (i % 2) == (u % 2);
                v[u][i] = likes ? 4 + (float)trec_rng_below(&r, 2) : 1 + (float)trec_rng_below(&r, 2);
                nnz++;
            }
        }
    ck_assert_int_eq(trec_csr_alloc(x, NU, NI, nnz, 0, &err), 0);
    uint64_t e = 0;
    for (int u = 0; u < NU; u++) {
        for (int i = 0; i < NI; i++)
            if (v[u][i] != 0) {
                x->colidx[e] = (uint32_t)i;
                x->vals[e++] = v[u][i];
            }
        x->rowptr[u + 1] = e;
    }
}

static trec_fit_config base(void)
{
    trec_error err;
    trec_fit_config c;
    ck_assert_int_eq(trec_fit_config_for(&c, "als", &err), 0);
    c.components = 6;
    c.epochs = 12;
    c.lambda = 0.5;
    c.param[TREC_ALS_CONFIDENCE_SCALE] = 3;
    c.has_min_rating = 1;
    c.min_rating = 4;
    c.other_weight = 0.25;
    c.given = TREC_OPT(TREC_OPT_MIN_RATING) | TREC_OPT(TREC_OPT_OTHER_WEIGHT);
    c.threads = 2;
    return c;
}

static int fit(const trec_fit_config *c, const trec_csr *x, const trec_model *init,
               trec_model *m, trec_error *err)
{
    trec_fit_result res;
    return trec_fit(c, x, NULL, NULL, init, m, &res, err);
}

static double conf(const trec_fit_config *c, float v)
{
    double w = v >= 4 ? 1.0 : c->other_weight;
    double scale = c->param[TREC_ALS_CONFIDENCE_SCALE];
    if (c->param[TREC_ALS_CONFIDENCE] == TREC_CONFIDENCE_LOG)
        return 1 + scale * log1p(w / c->param[TREC_ALS_CONFIDENCE_EPS]);
    return 1 + scale * w;
}

/* The largest relative residual of the items' normal equations
 *   (sum over all users of c_ui x_u x_u^T + lambda_i I) y_i = sum_u c_ui p_ui x_u
 * (c = 1, p = 0 for unobserved pairs), items being solved last. */
static double item_residual(const trec_fit_config *c, const trec_csr *x, const trec_model *m)
{
    uint64_t k = m->k;
    double worst = 0;
    for (uint64_t i = 0; i < NI; i++) {
        double a[64], b[8] = {0}, csum = NU;
        memset(a, 0, sizeof a);
        for (uint64_t u = 0; u < NU; u++) {
            double cu = 1, p = 0;
            for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
                if (x->colidx[e] == i) {
                    cu = conf(c, x->vals[e]);
                    p = 1;
                    csum += cu - 1;
                }
            const float *xu = m->user_repr + u * k;
            for (uint64_t r = 0; r < k; r++) {
                b[r] += cu * p * xu[r];
                for (uint64_t s = 0; s < k; s++)
                    a[r * k + s] += cu * xu[r] * xu[s];
            }
        }
        double lam = c->lambda * pow(csum, c->param[TREC_ALS_LAMBDA_EXPONENT]);
        const float *yi = m->item_repr + i * k;
        double norm = 0, res = 0;
        for (uint64_t r = 0; r < k; r++) {
            double ay = lam * yi[r];
            for (uint64_t s = 0; s < k; s++)
                ay += a[r * k + s] * yi[s];
            res += (ay - b[r]) * (ay - b[r]);
            norm += b[r] * b[r];
        }
        double rel = sqrt(res / (norm > 1e-30 ? norm : 1e-30));
        worst = rel > worst ? rel : worst;
    }
    return worst;
}

START_TEST(normal_equations_hold)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    for (int variant = 0; variant < 3; variant++) {
        trec_fit_config c = base();
        c.param[TREC_ALS_SOLVER] = TREC_SOLVER_CHOLESKY;
        if (variant == 1) {
            c.param[TREC_ALS_CONFIDENCE] = TREC_CONFIDENCE_LOG;
            c.param[TREC_ALS_CONFIDENCE_EPS] = 0.5;
        }
        if (variant == 2)
            c.param[TREC_ALS_LAMBDA_EXPONENT] = 1, c.lambda = 0.01;
        trec_model m;
        ck_assert_msg(fit(&c, &x, NULL, &m, &err) == 0, "%s", err.msg);
        double r = item_residual(&c, &x, &m);
        ck_assert_msg(r < 1e-4, "variant %d: relative residual %g", variant, r);
        trec_model_free(&m);
    }
    trec_csr_free(&x);
}
END_TEST

/* Conjugate gradient with k steps is (nearly) the exact solve; 1 step is
 * not, but each step of it lowers the residual. */
START_TEST(cg_approaches_exact)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    c.param[TREC_ALS_CG_STEPS] = 6; /* = components */
    trec_model m;
    ck_assert_int_eq(fit(&c, &x, NULL, &m, &err), 0);
    double r6 = item_residual(&c, &x, &m);
    trec_model_free(&m);
    c.param[TREC_ALS_CG_STEPS] = 1;
    ck_assert_int_eq(fit(&c, &x, NULL, &m, &err), 0);
    double r1 = item_residual(&c, &x, &m);
    trec_model_free(&m);
    ck_assert_msg(r6 < 1e-3 && r1 > r6, "residual with 6 steps %g, 1 step %g", r6, r1);
    trec_csr_free(&x);
}
END_TEST

static double losses[64];
static int nlosses;

static void record(void *ctx, const trec_fit_progress *p)
{
    (void)ctx;
    losses[nlosses++] = p->loss;
}

START_TEST(exact_loss_never_rises)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    c.param[TREC_ALS_SOLVER] = TREC_SOLVER_CHOLESKY;
    c.progress = record;
    nlosses = 0;
    trec_model m;
    ck_assert_int_eq(fit(&c, &x, NULL, &m, &err), 0);
    ck_assert_int_eq(nlosses, 12);
    for (int i = 1; i < nlosses; i++)
        ck_assert_msg(losses[i] <= losses[i - 1] * (1 + 1e-5), "iteration %d: %g after %g",
                      i + 1, losses[i], losses[i - 1]);
    ck_assert(losses[nlosses - 1] < losses[0]);
    trec_model_free(&m);
    trec_csr_free(&x);
}
END_TEST

static int same_floats(const float *a, const float *b, uint64_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

START_TEST(threads_do_not_change_the_model)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_model m[3];
    for (int t = 0; t < 3; t++) {
        trec_fit_config c = base();
        c.threads = t + 1;
        ck_assert_int_eq(fit(&c, &x, NULL, &m[t], &err), 0);
    }
    for (int t = 1; t < 3; t++) {
        ck_assert(same_floats(m[0].user_repr, m[t].user_repr, NU * m[0].k));
        ck_assert(same_floats(m[0].item_repr, m[t].item_repr, NI * m[0].k));
    }
    trec_fit_config c = base();
    c.seed = 2; /* another seed, another start, another model */
    trec_model other;
    ck_assert_int_eq(fit(&c, &x, NULL, &other, &err), 0);
    ck_assert(!same_floats(m[0].item_repr, other.item_repr, NI * m[0].k));
    trec_model_free(&other);
    for (int t = 0; t < 3; t++)
        trec_model_free(&m[t]);
    trec_csr_free(&x);
}
END_TEST

START_TEST(init_continues_exactly)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    trec_model whole, half, rest;
    ck_assert_int_eq(fit(&c, &x, NULL, &whole, &err), 0);
    c.epochs = 5;
    ck_assert_int_eq(fit(&c, &x, NULL, &half, &err), 0);
    c.epochs = 7;
    c.given |= TREC_OPT(TREC_OPT_INIT);
    ck_assert_msg(fit(&c, &x, &half, &rest, &err) == 0, "%s", err.msg);
    ck_assert(same_floats(whole.user_repr, rest.user_repr, NU * whole.k));
    ck_assert(same_floats(whole.item_repr, rest.item_repr, NI * whole.k));
    trec_model_free(&whole);
    trec_model_free(&half);
    trec_model_free(&rest);
    trec_csr_free(&x);
}
END_TEST

/* Every user's best unrated item is one of its group's (the positives
 * alone: the weak ones are of both groups). */
START_TEST(learns_tastes)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    c.other_weight = 0;
    c.given = TREC_OPT(TREC_OPT_MIN_RATING);
    trec_model m;
    ck_assert_int_eq(fit(&c, &x, NULL, &m, &err), 0);
    trec_scorer s;
    ck_assert_int_eq(trec_scorer_for_users(&s, &m, &err), 0);
    int right = 0;
    for (uint64_t u = 0; u < NU; u++) {
        double best = -INFINITY;
        uint64_t at = 0;
        for (uint64_t i = 0; i < NI; i++) {
            int rated = 0;
            for (uint64_t e = x.rowptr[u]; e < x.rowptr[u + 1]; e++)
                rated |= x.colidx[e] == i;
            double v = trec_score_pair(&s, u, i);
            if (!rated && v > best)
                best = v, at = i;
        }
        right += (at % 2) == (u % 2);
    }
    ck_assert_msg(right >= NU - 2, "%d of %d users get their group's item first", right, NU);
    trec_scorer_free(&s);
    trec_model_free(&m);
    trec_csr_free(&x);
}
END_TEST

START_TEST(bad_options)
{
    trec_error err;
    trec_fit_config c = base();
    c.given |= TREC_OPT(TREC_OPT_ITEM_FEATURES);
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    ck_assert_msg(strstr(err.msg, "--item-features does not apply to --algorithm als") &&
                      strstr(err.msg, "sgd"),
                  "%s", err.msg);
    c = base();
    c.lambda = 0;
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    c = base();
    c.param[TREC_ALS_SOLVER] = TREC_SOLVER_CHOLESKY;
    c.given |= TREC_OPT(trec_fit_option_find("--cg-steps"));
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    ck_assert_str_eq(err.msg, "--cg-steps goes with --solver cg");
    /* its own options through the option table: word values by index */
    c = base();
    ck_assert_int_ge(trec_fit_option_find("--solver"), TREC_OPT_OWN);
    ck_assert_int_eq(trec_fit_option_set(&c, trec_fit_option_find("--solver"), "cholesky",
                                         &err), 0);
    ck_assert_double_eq(c.param[TREC_ALS_SOLVER], TREC_SOLVER_CHOLESKY);
    ck_assert_int_eq(trec_fit_option_set(&c, trec_fit_option_find("--confidence"), "exp",
                                         &err), -1);
    ck_assert_str_eq(err.msg, "--confidence: unknown value (linear, log): exp");
    ck_assert_int_eq(trec_fit_option_set(&c, trec_fit_option_find("--cg-steps"), "0", &err),
                     -1);
    ck_assert_str_eq(err.msg, "--cg-steps: '0' is not an integer in [1, 1000]");
    ck_assert_int_eq(trec_fit_check(&c, &err), 0);
    /* als's own options are refused by the others */
    ck_assert_int_eq(trec_fit_config_for(&c, "ease", &err), 0);
    c.given = TREC_OPT(trec_fit_option_find("--confidence-scale"));
    ck_assert_int_eq(trec_fit_check(&c, &err), -1);
    ck_assert_msg(strstr(err.msg, "--confidence-scale does not apply to --algorithm ease"),
                  "%s", err.msg);
    ck_assert_int_eq(trec_fit_config_for(&c, "no-such", &err), -1);
    ck_assert_msg(strstr(err.msg, "als") && strstr(err.msg, "ease"), "%s", err.msg);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("als");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, normal_equations_hold);
    tcase_add_test(tc, cg_approaches_exact);
    tcase_add_test(tc, exact_loss_never_rises);
    tcase_add_test(tc, threads_do_not_change_the_model);
    tcase_add_test(tc, init_continues_exactly);
    tcase_add_test(tc, learns_tastes);
    tcase_add_test(tc, bad_options);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(suite)
