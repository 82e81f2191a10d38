/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_loss.c - losses on given scores: values against their definitions,
 * gradients against central finite differences, and the WMRB sampler. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define NU 4
#define NI 6

/* Rows of a 4 x 6 matrix with values in {-1, 0.5 .. 5} (0 = unobserved). */
static const float V[NU][NI] = {{4, 0, 1, 0, 5, -1}, {0, 3, 0, 0, 0, 2},
                                {0.5f, 0, 0, 4, 4, 0}, {0, 0, 0, 0, 0, 1}};

static void make_x(trec_csr *x)
{
    trec_error err;
    uint64_t nnz = 0;
    for (int u = 0; u < NU; u++)
        for (int i = 0; i < NI; i++)
            nnz += V[u][i] != 0;
    ck_assert_int_eq(trec_csr_alloc(x, NU, NI, nnz, 0, &err), 0);
    uint64_t e = 0;
    for (int u = 0; u < NU; u++) {
        for (int i = 0; i < NI; i++)
            if (V[u][i] != 0) {
                x->colidx[e] = (uint32_t)i;
                x->vals[e++] = V[u][i];
            }
        x->rowptr[u + 1] = e;
    }
}

static void random_scores(float *s, int n, uint64_t seed)
{
    trec_rng r;
    trec_rng_seed(&r, seed);
    for (int i = 0; i < n; i++)
        s[i] = (float)(2 * trec_rng_normal(&r));
}

START_TEST(rmse_observed)
{
    float y[5] = {1, 2, 3, 4, 5}, s[5] = {1.5f, 2, 2, 5, 4.5f}, g[5];
    double l = trec_rmse_observed(y, s, 5, g);
    ck_assert_double_eq_tol(l, sqrt((0.25 + 0 + 1 + 1 + 0.25) / 5), 1e-7);
    for (int e = 0; e < 5; e++) {
        float keep = s[e], gg[5];
        s[e] = keep + 1e-3f;
        double lp = trec_rmse_observed(y, s, 5, gg);
        s[e] = keep - 1e-3f;
        double lm = trec_rmse_observed(y, s, 5, gg);
        s[e] = keep;
        ck_assert_double_eq_tol(g[e], (lp - lm) / 2e-3, 1e-3);
    }
    /* a perfect fit has zero loss and no gradient (not 0/0) */
    ck_assert_double_eq(trec_rmse_observed(y, y, 5, g), 0.0);
    ck_assert_float_eq(g[0], 0.0f);
}
END_TEST

START_TEST(rmse_dense)
{
    trec_csr x;
    make_x(&x);
    float S[NU * NI], G[NU * NI];
    random_scores(S, NU * NI, 1);
    double direct = 0;
    for (int u = 0; u < NU; u++)
        for (int i = 0; i < NI; i++)
            direct += pow(V[u][i] - S[u * NI + i], 2);
    /* two blocks of rows add up to the whole */
    double sq = trec_rmse_dense_sumsq(&x, 0, 1, S) + trec_rmse_dense_sumsq(&x, 1, NU, S + NI);
    ck_assert_double_eq_tol(sq, direct, 1e-4);
    double l = trec_rmse_dense_loss(sq, NU * NI);
    ck_assert_double_eq_tol(l, sqrt(direct / (NU * NI)), 1e-6);
    trec_rmse_dense_grad(&x, 0, NU, S, l, NU * NI, G);
    for (int c = 0; c < NU * NI; c++) {
        float keep = S[c];
        S[c] = keep + 1e-3f;
        double lp = trec_rmse_dense_loss(trec_rmse_dense_sumsq(&x, 0, NU, S), NU * NI);
        S[c] = keep - 1e-3f;
        double lm = trec_rmse_dense_loss(trec_rmse_dense_sumsq(&x, 0, NU, S), NU * NI);
        S[c] = keep;
        ck_assert_double_eq_tol(G[c], (lp - lm) / 2e-3, 1e-3);
    }
    trec_csr_free(&x);
}
END_TEST

static double sep_direct(const float *y, const float *s, int n)
{
    double np = 0, nn = 0, sp = 0, sn = 0;
    for (int i = 0; i < n; i++)
        if (y[i] > 0) { np++; sp += s[i]; } else { nn++; sn += s[i]; }
    double mp = sp / np, mn = sn / nn, vp = 0, vn = 0;
    for (int i = 0; i < n; i++)
        if (y[i] > 0) vp += pow(s[i] - mp, 2); else vn += pow(s[i] - mn, 2);
    vp /= np;
    vn /= nn;
    /* 1 - CDF at 0 of N(mn - mp, sqrt(vp + vn)) */
    return 1 - 0.5 * erfc(-(0 - (mn - mp)) / sqrt(vp + vn) / sqrt(2));
}

START_TEST(separation)
{
    float y[8] = {1, -1, 2, 0, 3, -2, 0.5f, 0}, s[8], g[8];
    random_scores(s, 8, 2);
    trec_sep_stats st = {0};
    trec_sep_grad gr;
    trec_sep_add_observed(&st, y, s, 8);
    double l = trec_sep_loss(&st, &gr);
    ck_assert_double_eq_tol(l, sep_direct(y, s, 8), 1e-6);
    trec_sep_grad_observed(&gr, y, s, 8, g);
    for (int e = 0; e < 8; e++) {
        float keep = s[e];
        s[e] = keep + 1e-3f;
        double lp = sep_direct(y, s, 8);
        s[e] = keep - 1e-3f;
        double lm = sep_direct(y, s, 8);
        s[e] = keep;
        ck_assert_double_eq_tol(g[e], (lp - lm) / 2e-3, 1e-4);
    }
    /* dense: unobserved cells are negatives */
    trec_csr x;
    make_x(&x);
    float S[NU * NI], G[NU * NI], yd[NU * NI];
    random_scores(S, NU * NI, 3);
    for (int c = 0; c < NU * NI; c++)
        yd[c] = V[c / NI][c % NI];
    trec_sep_stats sd = {0};
    trec_sep_add_dense(&sd, &x, 0, 2, S);
    trec_sep_add_dense(&sd, &x, 2, NU, S + 2 * NI);
    l = trec_sep_loss(&sd, &gr);
    ck_assert_double_eq_tol(l, sep_direct(yd, S, NU * NI), 1e-6);
    trec_sep_grad_dense(&gr, &x, 0, NU, S, G);
    for (int c = 0; c < NU * NI; c++) {
        float keep = S[c];
        S[c] = keep + 1e-3f;
        double lp = sep_direct(yd, S, NU * NI);
        S[c] = keep - 1e-3f;
        double lm = sep_direct(yd, S, NU * NI);
        S[c] = keep;
        ck_assert_double_eq_tol(G[c], (lp - lm) / 2e-3, 1e-4);
    }
    /* no negatives: no loss, no gradient */
    trec_sep_stats only = {0};
    float yp[2] = {1, 2};
    trec_sep_add_observed(&only, yp, s, 2);
    ck_assert_double_eq(trec_sep_loss(&only, &gr), 0.0);
    ck_assert_double_eq(gr.a_pos, 0.0);
    trec_csr_free(&x);
}
END_TEST

#define NS 5

/* WMRB from its definition, for every positive of every user. */
static double wmrb_direct(const trec_csr *x, const float *s, const float *P, int balanced,
                          int unobserved)
{
    double sums[NI] = {0}, total = 0;
    uint64_t npos = 0;
    for (uint64_t e = 0; e < x->nnz; e++)
        if (x->vals[e] > 0) {
            sums[x->colidx[e]] += x->vals[e];
            npos++;
        }
    for (uint64_t u = 0; u < NU; u++)
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            if (!(x->vals[e] > 0))
                continue;
            double m = 0;
            for (int j = 0; j < NS; j++)
                m += fmax(0.0, 1.0 - s[e] + P[u * NS + j]);
            double w = (double)NI / NS;
            if (unobserved) { /* the sample stands for the user's non-positive items */
                uint64_t upos = 0;
                for (uint64_t f = x->rowptr[u]; f < x->rowptr[u + 1]; f++)
                    upos += x->vals[f] > 0;
                w = (double)(NI - upos) / NS;
            }
            if (balanced)
                w *= x->vals[e] / sums[x->colidx[e]];
            total += log(1 + w * m);
        }
    return total / (double)npos;
}

static double wmrb_lib(const trec_csr *x, const float *s, const float *P, int balanced,
                       int unobserved, float *g, float *GP)
{
    float sums[NI];
    trec_wmrb_item_sums(x, 0, NU, sums);
    uint64_t npos = trec_wmrb_count_positive(x, 0, NU);
    trec_wmrb_args a = {.x = x, .b0 = 0, .s = s, .P = P, .ns = NS, .unobserved = unobserved,
                        .item_sum = balanced ? sums : NULL, .inv_npos = 1.0 / (double)npos,
                        .g = g, .GP = GP};
    void *scratch = malloc(trec_wmrb_scratch_bytes(NS));
    double t = 0;
    for (uint64_t u = 0; u < NU; u++) /* user by user, as the fit runs it */
        t += trec_wmrb_users(&a, u, u + 1, scratch);
    free(scratch);
    return t / (double)npos;
}

START_TEST(wmrb)
{
    trec_csr x;
    make_x(&x);
    ck_assert_uint_eq(trec_wmrb_count_positive(&x, 0, NU), 9);
    float s[16], P[NU * NS], g[16], GP[NU * NS], g2[16], GP2[NU * NS];
    for (int variant = 0; variant < 4; variant++)
        for (int t = 0; t < 5; t++) {
            int balanced = variant & 1, unobserved = variant >> 1;
            random_scores(s, (int)x.nnz, 10 + (uint64_t)t);
            random_scores(P, NU * NS, 20 + (uint64_t)t);
            P[3] = P[2]; /* a tie among the sampled scores */
            double l = wmrb_lib(&x, s, P, balanced, unobserved, g, GP);
            ck_assert_double_eq_tol(l, wmrb_direct(&x, s, P, balanced, unobserved), 1e-6);
            for (uint64_t e = 0; e < x.nnz; e++) {
                if (!(x.vals[e] > 0)) {
                    ck_assert_float_eq(g[e], 0.0f);
                    continue;
                }
                float keep = s[e];
                s[e] = keep + 1e-3f;
                double lp = wmrb_lib(&x, s, P, balanced, unobserved, g2, GP2);
                s[e] = keep - 1e-3f;
                double lm = wmrb_lib(&x, s, P, balanced, unobserved, g2, GP2);
                s[e] = keep;
                ck_assert_double_eq_tol(g[e], (lp - lm) / 2e-3, 2e-3);
            }
            for (int c = 0; c < NU * NS; c++) {
                float keep = P[c];
                P[c] = keep + 1e-3f;
                double lp = wmrb_lib(&x, s, P, balanced, unobserved, g2, GP2);
                P[c] = keep - 1e-3f;
                double lm = wmrb_lib(&x, s, P, balanced, unobserved, g2, GP2);
                P[c] = keep;
                ck_assert_double_eq_tol(GP[c], (lp - lm) / 2e-3, 2e-3);
            }
        }
    trec_csr_free(&x);
}
END_TEST

START_TEST(wmrb_sampler)
{
    trec_rng r;
    trec_rng_seed(&r, 5);
    uint32_t out[40], seen[128];
    ck_assert_uint_ge(trec_wmrb_sample_slots(40), 80);
    uint64_t counts[50] = {0};
    for (int t = 0; t < 2000; t++) {
        trec_wmrb_sample(&r, 50, 40, out, seen);
        int mark[50] = {0};
        for (int j = 0; j < 40; j++) {
            ck_assert_uint_lt(out[j], 50);
            ck_assert_int_eq(mark[out[j]], 0); /* distinct */
            mark[out[j]] = 1;
            counts[out[j]]++;
        }
    }
    /* uniform: each item in about 80% of the samples */
    for (int i = 0; i < 50; i++)
        ck_assert_msg(counts[i] > 1500 && counts[i] < 1700, "item %d: %llu", i,
                      (unsigned long long)counts[i]);
    /* the whole set when ns = n */
    trec_wmrb_sample(&r, 7, 7, out, seen);
    int mark[7] = {0};
    for (int j = 0; j < 7; j++)
        mark[out[j]]++;
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(mark[i], 1);
}
END_TEST

START_TEST(wmrb_sampler_unobserved)
{
    trec_rng r;
    trec_rng_seed(&r, 9);
    /* a row of 12 items: 2, 3 and 9 positive; 5 observed but not positive */
    uint32_t cols[] = {2, 3, 5, 9};
    float vals[] = {4.0f, 5.0f, 0.0f, 4.5f};
    uint32_t out[9], seen[64];
    uint64_t counts[12] = {0};
    for (int t = 0; t < 3000; t++) {
        trec_wmrb_sample_unobserved(&r, 12, 6, cols, vals, 4, out, seen);
        int mark[12] = {0};
        for (int j = 0; j < 6; j++) {
            ck_assert_uint_lt(out[j], 12);
            ck_assert_int_eq(mark[out[j]], 0); /* distinct */
            mark[out[j]] = 1;
            counts[out[j]]++;
        }
    }
    for (int i = 0; i < 12; i++) {
        if (i == 2 || i == 3 || i == 9) { /* positives are never sampled */
            ck_assert_uint_eq(counts[i], 0);
            continue;
        }
        /* the 9 others (5 included) each in about 6/9 of the samples */
        ck_assert_msg(counts[i] > 1850 && counts[i] < 2150, "item %d: %llu", i,
                      (unsigned long long)counts[i]);
    }
    /* ns = every unobserved item: exactly those */
    trec_wmrb_sample_unobserved(&r, 12, 9, cols, vals, 4, out, seen);
    int mark[12] = {0};
    for (int j = 0; j < 9; j++)
        mark[out[j]]++;
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(mark[i], (i == 2 || i == 3 || i == 9) ? 0 : 1);
}
END_TEST

START_TEST(adam_step)
{
    /* TensorFlow's update by hand: first step moves each parameter by lr * sign(g) */
    trec_adam a;
    trec_adam_init(&a, 0.1);
    float p[3] = {1, -2, 0.5f}, g[3] = {0.3f, -4, 0}, m[3] = {0}, v[3] = {0};
    trec_adam_begin_step(&a);
    trec_adam_update(&a, p, g, m, v, 3);
    ck_assert_float_eq_tol(p[0], 0.9f, 1e-6);
    ck_assert_float_eq_tol(p[1], -1.9f, 1e-6);
    ck_assert_float_eq(p[2], 0.5f);
    /* second step with gradient g2: formula with bias correction */
    float g2[3] = {0.1f, 1, 2};
    trec_adam_begin_step(&a);
    trec_adam_update(&a, p, g2, m, v, 3);
    double m0 = 0.9 * 0.1 * 0.3 + 0.1 * 0.1, v0 = 0.999 * 0.001 * 0.09 + 0.001 * 0.01;
    double lr2 = 0.1 * sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
    ck_assert_float_eq_tol(p[0], 0.9 - lr2 * m0 / (sqrt(v0) + 1e-8), 1e-5);
    /* minimises a quadratic */
    float q[1] = {5}, qm[1] = {0}, qv[1] = {0}, qg[1];
    trec_adam_init(&a, 0.1);
    for (int t = 0; t < 500; t++) {
        qg[0] = 2 * (q[0] - 1.5f);
        trec_adam_begin_step(&a);
        trec_adam_update(&a, q, qg, qm, qv, 1);
    }
    ck_assert_float_eq_tol(q[0], 1.5f, 1e-2);
}
END_TEST

static Suite *loss_suite(void)
{
    Suite *s = suite_create("loss");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rmse_observed);
    tcase_add_test(tc, rmse_dense);
    tcase_add_test(tc, separation);
    tcase_add_test(tc, wmrb);
    tcase_add_test(tc, wmrb_sampler);
    tcase_add_test(tc, wmrb_sampler_unobserved);
    tcase_add_test(tc, adam_step);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(loss_suite)
