/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_prediction.c - prediction functions: values, pairwise and dense
 * gradients against central finite differences, dense = pairwise. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define K 4

START_TEST(values)
{
    float x[K] = {1, 2, 0, -1}, y[K] = {0.5f, -1, 3, 2};
    ck_assert_float_eq_tol(trec_predict_pair(TREC_PREDICT_DOT, x, y, K), -3.5f, 1e-6);
    float cos = -3.5f / sqrtf(6.0f) / sqrtf(14.25f);
    ck_assert_float_eq_tol(trec_predict_pair(TREC_PREDICT_COSINE, x, y, K), cos, 1e-6);
    float d = sqrtf(0.25f + 9 + 9 + 9);
    ck_assert_float_eq_tol(trec_predict_pair(TREC_PREDICT_EUCLIDEAN, x, y, K), -d, 1e-5);
    /* clamps: identical vectors score -1e-8, a zero vector has cosine 0 */
    ck_assert_float_eq_tol(trec_predict_pair(TREC_PREDICT_EUCLIDEAN, x, x, K), -1e-8f, 1e-12);
    float z[K] = {0};
    ck_assert_float_eq(trec_predict_pair(TREC_PREDICT_COSINE, z, y, K), 0.0f);
}
END_TEST

static void random_vec(trec_rng *r, float *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] = (float)trec_rng_normal(r);
}

START_TEST(pair_gradients)
{
    trec_rng r;
    trec_rng_seed(&r, 7);
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++)
        for (int t = 0; t < 20; t++) {
            float x[K], y[K], dx[K] = {0}, dy[K] = {0};
            random_vec(&r, x, K);
            random_vec(&r, y, K);
            trec_predict_pair_grad(p, x, y, K, 1.5f, dx, dy);
            for (int c = 0; c < K; c++) {
                const double h = 1e-3;
                float *v[2] = {x, y}, *d[2] = {dx, dy};
                for (int side = 0; side < 2; side++) {
                    float keep = v[side][c];
                    v[side][c] = keep + (float)h;
                    double lp = trec_predict_pair(p, x, y, K);
                    v[side][c] = keep - (float)h;
                    double lm = trec_predict_pair(p, x, y, K);
                    v[side][c] = keep;
                    double fd = 1.5 * (lp - lm) / (2 * h);
                    ck_assert_msg(fabs(fd - d[side][c]) < 2e-3 + 1e-2 * fabs(fd),
                                  "%s side %d c %d: fd %g grad %g", trec_predict_name(p), side,
                                  c, fd, d[side][c]);
                }
            }
        }
}
END_TEST

START_TEST(dense_matches_pairs)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, 8);
    enum { NX = 5, NY = 7 };
    float X[NX * K], Y[NY * K], S[NX * NY], G[NX * NY];
    random_vec(&r, X, NX * K);
    random_vec(&r, Y, NY * K);
    random_vec(&r, G, NX * NY);
    for (uint32_t p = 0; p < TREC_PREDICT_COUNT; p++) {
        ck_assert_int_eq(trec_predict_dense(p, X, NX, Y, NY, K, S, &err), 0);
        float dX[NX * K] = {0}, dY[NY * K] = {0}, pX[NX * K] = {0}, pY[NY * K] = {0};
        ck_assert_int_eq(trec_predict_dense_grad(p, X, NX, Y, NY, K, G, dX, dY, &err), 0);
        for (int i = 0; i < NX; i++)
            for (int j = 0; j < NY; j++) {
                ck_assert_float_eq_tol(S[i * NY + j],
                                       trec_predict_pair(p, X + i * K, Y + j * K, K), 1e-4);
                trec_predict_pair_grad(p, X + i * K, Y + j * K, K, G[i * NY + j], pX + i * K,
                                       pY + j * K);
            }
        for (int i = 0; i < NX * K; i++)
            ck_assert_float_eq_tol(dX[i], pX[i], 1e-3);
        for (int i = 0; i < NY * K; i++)
            ck_assert_float_eq_tol(dY[i], pY[i], 1e-3);
    }
}
END_TEST

START_TEST(normalize_gradient)
{
    float x[K] = {0.3f, -1.2f, 0.7f, 2.0f}, d[K] = {1, -0.5f, 0.25f, 2}, dx[K] = {0};
    trec_l2_normalize_grad(x, K, d, dx);
    for (int c = 0; c < K; c++) {
        const float h = 1e-3f;
        float o[K], keep = x[c];
        double lp = 0, lm = 0;
        x[c] = keep + h;
        trec_l2_normalize(x, K, o);
        for (int i = 0; i < K; i++)
            lp += d[i] * o[i];
        x[c] = keep - h;
        trec_l2_normalize(x, K, o);
        for (int i = 0; i < K; i++)
            lm += d[i] * o[i];
        x[c] = keep;
        ck_assert_float_eq_tol(dx[c], (lp - lm) / (2 * h), 2e-3);
    }
    float o[K];
    trec_l2_normalize(x, K, o);
    double n = 0;
    for (int c = 0; c < K; c++)
        n += o[c] * o[c];
    ck_assert_float_eq_tol(n, 1.0, 1e-6);
}
END_TEST

static Suite *prediction_suite(void)
{
    Suite *s = suite_create("prediction");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, values);
    tcase_add_test(tc, pair_gradients);
    tcase_add_test(tc, dense_matches_pairs);
    tcase_add_test(tc, normalize_gradient);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(prediction_suite)
