/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_fit_grad.c - the whole chain's gradient (features -> representations
 * -> predictions + biases -> loss) against central finite differences, for
 * every loss, prediction and representation, on small random problems. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"
#include "tensorrec.h" /* internal: the gradient test hook */

#define NU 7
#define NI 9

/* --sample-unobserved for the run_case calls that follow: wmrb's 2 sampled
 * items then skip each user's positives (make_x leaves 2 items per user
 * unobserved). */
static int unobserved;

/* A random NU x NI interaction matrix with about half the cells observed;
 * values in [-1, 5) when `negatives`, else [0.5, 5). */
static void make_x(trec_csr *x, uint64_t seed, int negatives)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, seed);
    float v[NU][NI];
    uint64_t nnz = 0;
    for (int u = 0; u < NU; u++)
        for (int i = 0; i < NI; i++) {
            v[u][i] = 0;
            int never = unobserved && (i == (u + 1) % NI || i == (u + 2) % NI);
            if ((trec_rng_uniform(&r) < 0.5 || i == u) && !never) {
                v[u][i] = negatives ? (float)(trec_rng_uniform(&r) * 6 - 1)
                                    : (float)(0.5 + trec_rng_uniform(&r) * 4.5);
                if (v[u][i] == 0)
                    v[u][i] = 1;
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

/* rows x cols features with 1-2 random entries per row, values in (0, 2). */
static void make_features(trec_csr *f, uint64_t rows, uint64_t cols, uint64_t seed)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, seed);
    ck_assert_int_eq(trec_csr_alloc(f, rows, cols, 2 * rows, 0, &err), 0);
    uint64_t e = 0;
    for (uint64_t i = 0; i < rows; i++) {
        uint32_t a = (uint32_t)trec_rng_below(&r, cols), b = (uint32_t)trec_rng_below(&r, cols);
        f->colidx[e] = a < b ? a : b;
        f->vals[e++] = (float)(0.2 + 1.6 * trec_rng_uniform(&r));
        if (a != b) {
            f->colidx[e] = a < b ? b : a;
            f->vals[e++] = (float)(0.2 + 1.6 * trec_rng_uniform(&r));
        }
        f->rowptr[i + 1] = e;
    }
    f->nnz = e;
}

/* The weights of m as one list of arrays. */
static int weight_arrays(trec_model *m, float **p, uint64_t *n)
{
    int c = 0;
    trec_side *s[2] = {&m->user, &m->item};
    for (int i = 0; i < 2; i++) {
        uint64_t cols = trec_side_w1_cols(s[i], m->k);
        if (s[i]->w1) { p[c] = s[i]->w1; n[c++] = s[i]->n_features * cols; }
        if (s[i]->b1) { p[c] = s[i]->b1; n[c++] = s[i]->hidden; }
        if (s[i]->w2) { p[c] = s[i]->w2; n[c++] = s[i]->hidden * m->k; }
        if (s[i]->feature_bias) { p[c] = s[i]->feature_bias; n[c++] = s[i]->n_features; }
    }
    return c;
}

typedef struct problem {
    trec_fit_config cfg;
    trec_csr x, ue, ie;
    int use_ue, use_ie;
    trec_model m, g;
} problem;

static void setup_model(problem *P, trec_model *m, uint64_t seed)
{
    trec_error err;
    trec_fit_config *c = &P->cfg;
    memset(m, 0, sizeof *m);
    m->n_users = NU;
    m->n_items = NI;
    m->k = c->components;
    m->predict = c->predict;
    m->biases = c->biases;
    m->user.repr = c->user_repr;
    m->user.identity = c->user_identity;
    m->user.n_extra = P->use_ue ? P->ue.cols : 0;
    m->user.hidden = c->user_repr == TREC_REPR_RELU ? c->hidden : 0;
    m->item.repr = c->item_repr;
    m->item.identity = c->item_identity;
    m->item.n_extra = P->use_ie ? P->ie.cols : 0;
    m->item.hidden = c->item_repr == TREC_REPR_RELU ? c->hidden : 0;
    ck_assert_int_eq(trec_model_alloc(m, &err), 0);
    trec_rng r;
    trec_rng_seed(&r, seed);
    trec_repr_init(&m->user, m->k, &r);
    trec_repr_init(&m->item, m->k, &r);
    /* move away from the initial values (unit rows, zero biases, ones) */
    float *p[16];
    uint64_t n[16];
    int c2 = weight_arrays(m, p, n);
    for (int a = 0; a < c2; a++)
        for (uint64_t i = 0; i < n[a]; i++)
            p[a][i] += (float)(0.3 * trec_rng_normal(&r));
}

static double loss_at(problem *P)
{
    trec_error err;
    double l;
    ck_assert_msg(trec_tensorrec_gradient(&P->cfg, &P->x, P->use_ue ? &P->ue : NULL,
                                    P->use_ie ? &P->ie : NULL, &P->m, 0, 3, &l, &P->g,
                                    &err) == 0, "%s", err.msg);
    return l;
}

/* Directional derivatives along random directions vs central differences.
 * Returns how many of `tries` directions agree. */
static int check_directions(problem *P, int tries, double h, uint64_t seed)
{
    float *p[16], *g[16];
    uint64_t n[16], ng[16];
    int c = weight_arrays(&P->m, p, n);
    ck_assert_int_eq(weight_arrays(&P->g, g, ng), c);
    trec_rng r;
    trec_rng_seed(&r, seed);
    int good = 0;
    for (int t = 0; t < tries; t++) {
        loss_at(P);
        double an = 0;
        float *d[16];
        for (int a = 0; a < c; a++) {
            d[a] = malloc(n[a] * sizeof(float));
            for (uint64_t i = 0; i < n[a]; i++) {
                d[a][i] = (float)trec_rng_normal(&r);
                an += (double)g[a][i] * d[a][i];
            }
        }
        for (int a = 0; a < c; a++)
            for (uint64_t i = 0; i < n[a]; i++)
                p[a][i] += (float)h * d[a][i];
        double lp = loss_at(P);
        for (int a = 0; a < c; a++)
            for (uint64_t i = 0; i < n[a]; i++)
                p[a][i] -= 2 * (float)h * d[a][i];
        double lm = loss_at(P);
        for (int a = 0; a < c; a++) {
            for (uint64_t i = 0; i < n[a]; i++)
                p[a][i] += (float)h * d[a][i];
            free(d[a]);
        }
        double fd = (lp - lm) / (2 * h);
        if (fabs(fd - an) <= 1e-3 + 2e-2 * fabs(an))
            good++;
        else
            fprintf(stderr, "  direction %d: finite difference %.6g, gradient %.6g\n", t, fd, an);
    }
    return good;
}

static void run_case(int loss, uint32_t predict, uint32_t urepr, uint32_t irepr, int uid,
                     int iid, int use_ue, int use_ie, int biases, uint64_t seed)
{
    problem P;
    memset(&P, 0, sizeof P);
    trec_fit_config_default(&P.cfg);
    P.cfg.loss = loss;
    P.cfg.predict = predict;
    P.cfg.user_repr = urepr;
    P.cfg.item_repr = irepr;
    P.cfg.user_identity = uid;
    P.cfg.item_identity = iid;
    P.cfg.biases = biases;
    P.cfg.hidden = 6;
    P.cfg.sampled_items = unobserved ? 2 : 4;
    P.cfg.sample_unobserved = unobserved;
    P.use_ue = use_ue;
    P.use_ie = use_ie;
    make_x(&P.x, seed, loss == TREC_LOSS_SEPARATION);
    make_features(&P.ue, NU, 3, seed + 1);
    make_features(&P.ie, NI, 4, seed + 2);
    uint64_t nuf = (uid ? NU : 0) + (use_ue ? 3 : 0), nif = (iid ? NI : 0) + (use_ie ? 4 : 0);
    int pass_u = urepr == TREC_REPR_PASS_THROUGH || urepr == TREC_REPR_WEIGHTED_PASS_THROUGH;
    int pass_i = irepr == TREC_REPR_PASS_THROUGH || irepr == TREC_REPR_WEIGHTED_PASS_THROUGH;
    P.cfg.components = pass_u ? nuf : pass_i ? nif : 3;
    if (pass_u && pass_i)
        ck_assert_uint_eq(nuf, nif);
    setup_model(&P, &P.m, seed + 3);
    setup_model(&P, &P.g, seed + 3);
    int tries = 6;
    int good = check_directions(&P, tries, 3e-4, seed + 4);
    /* hinge kinks (wmrb) and ReLU kinks can fall inside a step: allow one miss */
    int need = (trec_loss_is_sampled(loss) || urepr == TREC_REPR_RELU ||
                irepr == TREC_REPR_RELU) ? tries - 1 : tries;
    ck_assert_msg(good >= need, "loss %s predict %s user %s item %s: %d of %d directions agree",
                  trec_loss_name(loss), trec_predict_name(predict), trec_repr_name(urepr),
                  trec_repr_name(irepr), good, tries);
    trec_model_free(&P.m);
    trec_model_free(&P.g);
    trec_csr_free(&P.x);
    trec_csr_free(&P.ue);
    trec_csr_free(&P.ie);
}

START_TEST(every_loss_and_prediction)
{
    for (int loss = 0; loss < TREC_LOSS_TENSORREC_END; loss++)
        for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++)
            run_case(loss, p, TREC_REPR_LINEAR, TREC_REPR_LINEAR, 1, 1, 1, 1, 1,
                     100 + 10 * (uint64_t)loss + p);
}
END_TEST

START_TEST(every_representation)
{
    for (uint32_t r = 0; r < TREC_REPR_COUNT; r++) {
        int pass = r == TREC_REPR_PASS_THROUGH || r == TREC_REPR_WEIGHTED_PASS_THROUGH;
        /* user side r (without identity when pass-through, so k = 3) */
        run_case(TREC_LOSS_RMSE, TREC_PREDICT_DOT, r, pass ? TREC_REPR_RELU : TREC_REPR_LINEAR,
                 !pass, 1, 1, 1, 1, 200 + r);
        run_case(TREC_LOSS_WMRB, TREC_PREDICT_COSINE, TREC_REPR_LINEAR, r, 1, !pass, 1, 1, 1,
                 300 + r);
    }
}
END_TEST

/* The whole chain with --sample-unobserved: every representation on one side
 * or the other, both wmrb losses, every prediction; and the option reaches
 * the loss (another sample, another value at the same point). */
START_TEST(sample_unobserved)
{
    unobserved = 1;
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++) {
        run_case(TREC_LOSS_WMRB, p, TREC_REPR_LINEAR, TREC_REPR_LINEAR, 1, 1, 1, 1, 1, 500 + p);
        run_case(TREC_LOSS_BALANCED_WMRB, p, TREC_REPR_LINEAR, TREC_REPR_LINEAR, 1, 1, 1, 1, 1,
                 510 + p);
    }
    for (uint32_t r = 0; r < TREC_REPR_COUNT; r++) {
        int pass = r == TREC_REPR_PASS_THROUGH || r == TREC_REPR_WEIGHTED_PASS_THROUGH;
        run_case(TREC_LOSS_WMRB, TREC_PREDICT_DOT, r, pass ? TREC_REPR_RELU : TREC_REPR_LINEAR,
                 !pass, 1, 1, 1, 1, 520 + r);
        run_case(TREC_LOSS_WMRB, TREC_PREDICT_COSINE, TREC_REPR_LINEAR, r, 1, !pass, 1, 1, 1,
                 530 + r);
    }
    int differ = 0;
    for (uint64_t seed = 540; seed < 545; seed++) {
        problem P;
        memset(&P, 0, sizeof P);
        trec_fit_config_default(&P.cfg);
        P.cfg.loss = TREC_LOSS_WMRB;
        P.cfg.components = 3;
        P.cfg.sampled_items = 2;
        make_x(&P.x, seed, 0);
        setup_model(&P, &P.m, seed + 3);
        setup_model(&P, &P.g, seed + 3);
        double all = loss_at(&P);
        P.cfg.sample_unobserved = 1;
        double unobs = loss_at(&P);
        ck_assert(isfinite(all) && isfinite(unobs));
        differ += all != unobs;
        trec_model_free(&P.m);
        trec_model_free(&P.g);
        trec_csr_free(&P.x);
    }
    unobserved = 0;
    ck_assert_int_gt(differ, 0);
}
END_TEST

START_TEST(without_biases_or_identity)
{
    run_case(TREC_LOSS_BALANCED_WMRB, TREC_PREDICT_EUCLIDEAN, TREC_REPR_NORMALIZED_LINEAR,
             TREC_REPR_LINEAR, 0, 1, 1, 0, 0, 400);
    run_case(TREC_LOSS_RMSE_DENSE, TREC_PREDICT_DOT, TREC_REPR_LINEAR, TREC_REPR_RELU, 1, 0, 0,
             1, 1, 401);
}
END_TEST

static Suite *fit_grad_suite(void)
{
    Suite *s = suite_create("fit_grad");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_loss_and_prediction);
    tcase_add_test(tc, every_representation);
    tcase_add_test(tc, without_biases_or_identity);
    tcase_add_test(tc, sample_unobserved);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(fit_grad_suite)
