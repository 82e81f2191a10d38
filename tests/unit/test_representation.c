/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_representation.c - representation functions: the identity shortcut
 * equals the explicit identity product, forward values, row ranges, and
 * backward passes against central finite differences. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define ROWS 6
#define NX 3

/* ROWS x NX metadata; `with_identity` builds the explicit [I | extra] matrix. */
static void make_extra(trec_csr *m, int with_identity)
{
    trec_error err;
    static const float v[ROWS][NX] = {{1, 0, 0.5f}, {0, 2, 0}, {0, 0, 0}, {1, 1, 1},
                                      {0, 0.25f, 0}, {3, 0, 0}};
    uint64_t off = with_identity ? ROWS : 0, nnz = 0;
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < NX; c++)
            nnz += v[r][c] != 0;
    ck_assert_int_eq(trec_csr_alloc(m, ROWS, off + NX, nnz + (with_identity ? ROWS : 0), 0,
                                    &err), 0);
    uint64_t e = 0;
    for (int r = 0; r < ROWS; r++) {
        if (with_identity) {
            m->colidx[e] = (uint32_t)r;
            m->vals[e++] = 1;
        }
        for (int c = 0; c < NX; c++)
            if (v[r][c] != 0) {
                m->colidx[e] = (uint32_t)(off + c);
                m->vals[e++] = v[r][c];
            }
        m->rowptr[r + 1] = e;
    }
}

static void make_side(trec_side *s, trec_model *holder, uint32_t repr, int identity,
                      uint64_t k, uint64_t seed)
{
    trec_error err;
    memset(holder, 0, sizeof *holder);
    holder->n_users = ROWS;
    holder->n_items = 1;
    holder->k = k;
    holder->biases = 1;
    holder->user = (trec_side){.repr = repr, .identity = identity, .n_extra = NX,
                               .hidden = repr == TREC_REPR_RELU ? 5 : 0};
    holder->item = (trec_side){.repr = TREC_REPR_LINEAR, .identity = 1};
    ck_assert_int_eq(trec_model_alloc(holder, &err), 0);
    trec_rng r;
    trec_rng_seed(&r, seed);
    trec_repr_init(&holder->user, k, &r);
    for (uint64_t i = 0; i < holder->user.n_features; i++)
        holder->user.feature_bias[i] = (float)trec_rng_normal(&r);
    if (holder->user.b1)
        for (uint64_t i = 0; i < holder->user.hidden; i++)
            holder->user.b1[i] = (float)(0.3 * trec_rng_normal(&r));
    if (repr == TREC_REPR_WEIGHTED_PASS_THROUGH)
        for (uint64_t i = 0; i < holder->user.n_features; i++)
            holder->user.w1[i] = (float)trec_rng_normal(&r);
    *s = holder->user;
}

START_TEST(identity_shortcut_equals_product)
{
    trec_csr extra, full;
    make_extra(&extra, 0);
    make_extra(&full, 1);
    trec_features fs, ff;
    trec_features_init(&fs, ROWS, 1, &extra);
    trec_features_init(&ff, ROWS, 0, &full);
    ck_assert_uint_eq(fs.n_features, ff.n_features);
    enum { C = 3 };
    float w[(ROWS + NX) * C], a[ROWS * C], b[ROWS * C];
    for (int i = 0; i < (ROWS + NX) * C; i++)
        w[i] = (float)(i % 7) - 2.5f;
    trec_features_mul(&fs, 0, ROWS, w, C, a);
    trec_features_mul(&ff, 0, ROWS, w, C, b);
    ck_assert_mem_eq(a, b, sizeof a);
    float d[ROWS * C], ga[(ROWS + NX) * C] = {0}, gb[(ROWS + NX) * C] = {0};
    for (int i = 0; i < ROWS * C; i++)
        d[i] = (float)(i % 5) - 1.0f;
    trec_features_mul_t_acc(&fs, 0, ROWS, d, C, ga);
    trec_features_mul_t_acc(&ff, 0, ROWS, d, C, gb);
    ck_assert_mem_eq(ga, gb, sizeof ga);
    float da[ROWS * (ROWS + NX)], db[ROWS * (ROWS + NX)];
    trec_features_dense(&fs, 0, ROWS, da);
    trec_features_dense(&ff, 0, ROWS, db);
    ck_assert_mem_eq(da, db, sizeof da);
    /* a row range gives the same rows */
    trec_features_mul(&fs, 2, 5, w, C, b);
    ck_assert_mem_eq(a + 2 * C, b, 3 * C * sizeof(float));
    trec_csr_free(&extra);
    trec_csr_free(&full);
}
END_TEST

START_TEST(forward_values)
{
    trec_csr extra;
    make_extra(&extra, 0);
    trec_features f;
    trec_features_init(&f, ROWS, 0, &extra);
    trec_model h;
    trec_side s;
    float R[ROWS * NX];
    make_side(&s, &h, TREC_REPR_PASS_THROUGH, 0, NX, 1);
    trec_repr_forward(&s, &f, NX, 0, ROWS, R, NULL);
    ck_assert_float_eq(R[0 * NX + 2], 0.5f);
    ck_assert_float_eq(R[1 * NX + 1], 2.0f);
    ck_assert_float_eq(R[5 * NX + 0], 3.0f);
    ck_assert_float_eq(R[2 * NX + 0], 0.0f);
    trec_model_free(&h);
    make_side(&s, &h, TREC_REPR_NORMALIZED_LINEAR, 1, 4, 2);
    trec_features_init(&f, ROWS, 1, &extra);
    float R4[ROWS * 4], cache[ROWS * 4];
    trec_repr_forward(&s, &f, 4, 0, ROWS, R4, cache);
    for (int r = 0; r < ROWS; r++) {
        double n = 0;
        for (int c = 0; c < 4; c++)
            n += R4[r * 4 + c] * R4[r * 4 + c];
        ck_assert_float_eq_tol(n, 1.0, 1e-5);
    }
    /* linear init: unit rows */
    for (uint64_t i = 0; i < s.n_features; i++) {
        double n = 0;
        for (int c = 0; c < 4; c++)
            n += s.w1[i * 4 + c] * s.w1[i * 4 + c];
        ck_assert_float_eq_tol(n, 1.0, 1e-5);
    }
    /* biases: identity bias + metadata biases weighted by the values */
    float b[ROWS];
    trec_bias_forward(&s, &f, 0, ROWS, b);
    ck_assert_float_eq_tol(b[0], s.feature_bias[0] + s.feature_bias[ROWS] +
                                     0.5f * s.feature_bias[ROWS + 2], 1e-6);
    trec_model_free(&h);
    trec_csr_free(&extra);
}
END_TEST

/* L = sum(D * R(params)) for fixed D: dL/dparams by backward vs finite differences. */
static double objective(const trec_side *s, const trec_features *f, uint64_t k, const float *D,
                        uint64_t r0, uint64_t r1)
{
    uint64_t rows = r1 - r0;
    float *R = calloc(rows * k, sizeof *R);
    float *cache = calloc(trec_repr_cache_floats(s, k, rows) + 1, sizeof *cache);
    float *b = calloc(rows, sizeof *b);
    trec_repr_forward(s, f, k, r0, r1, R, cache);
    trec_bias_forward(s, f, r0, r1, b);
    double l = 0;
    for (uint64_t i = 0; i < rows * k; i++)
        l += (double)D[i] * R[i];
    for (uint64_t i = 0; i < rows; i++)
        l += 0.7 * b[i];
    free(R);
    free(cache);
    free(b);
    return l;
}

static void check_backward(uint32_t repr, int identity, uint64_t k, uint64_t r0, uint64_t r1)
{
    trec_error err;
    trec_csr extra;
    make_extra(&extra, 0);
    trec_features f;
    trec_features_init(&f, ROWS, identity, &extra);
    trec_model h, gh;
    trec_side s, g;
    make_side(&s, &h, repr, identity, k, 3 + repr);
    make_side(&g, &gh, repr, identity, k, 3);
    float *gp[4] = {g.w1, g.b1, g.w2, g.feature_bias};
    float *pp[4] = {s.w1, s.b1, s.w2, s.feature_bias};
    uint64_t n[4] = {s.n_features * trec_side_w1_cols(&s, k), s.hidden, s.hidden * k,
                     s.n_features};
    for (int a = 0; a < 4; a++)
        if (gp[a])
            memset(gp[a], 0, n[a] * sizeof(float));
    uint64_t rows = r1 - r0;
    float *D = malloc(rows * k * sizeof *D), *db = malloc(rows * sizeof *db);
    trec_rng r;
    trec_rng_seed(&r, 99);
    for (uint64_t i = 0; i < rows * k; i++)
        D[i] = (float)trec_rng_normal(&r);
    for (uint64_t i = 0; i < rows; i++)
        db[i] = 0.7f;
    float *R = calloc(rows * k, sizeof *R);
    float *cache = calloc(trec_repr_cache_floats(&s, k, rows) + 1, sizeof *cache);
    trec_repr_forward(&s, &f, k, r0, r1, R, cache);
    ck_assert_int_eq(trec_repr_backward(&s, &f, k, r0, r1, R, cache, D, &g, &err), 0);
    trec_bias_backward(&s, &f, r0, r1, db, &g);
    for (int a = 0; a < 4; a++) {
        if (!pp[a])
            continue;
        for (uint64_t i = 0; i < n[a]; i++) {
            const float hstep = 1e-3f;
            float keep = pp[a][i];
            pp[a][i] = keep + hstep;
            double lp = objective(&s, &f, k, D, r0, r1);
            pp[a][i] = keep - hstep;
            double lm = objective(&s, &f, k, D, r0, r1);
            pp[a][i] = keep;
            double fd = (lp - lm) / (2 * hstep);
            ck_assert_msg(fabs(fd - gp[a][i]) < 5e-3 + 1e-2 * fabs(fd),
                          "%s array %d [%llu]: fd %g grad %g", trec_repr_name(repr), a,
                          (unsigned long long)i, fd, gp[a][i]);
        }
    }
    free(D);
    free(db);
    free(R);
    free(cache);
    trec_model_free(&h);
    trec_model_free(&gh);
    trec_csr_free(&extra);
}

START_TEST(backward_matches_finite_differences)
{
    check_backward(TREC_REPR_LINEAR, 1, 3, 0, ROWS);
    check_backward(TREC_REPR_LINEAR, 1, 3, 2, 5); /* a batch of rows */
    check_backward(TREC_REPR_NORMALIZED_LINEAR, 1, 3, 0, ROWS);
    check_backward(TREC_REPR_WEIGHTED_PASS_THROUGH, 1, ROWS + NX, 0, ROWS);
    check_backward(TREC_REPR_WEIGHTED_PASS_THROUGH, 0, NX, 1, 4);
    check_backward(TREC_REPR_RELU, 1, 2, 0, ROWS);
    check_backward(TREC_REPR_PASS_THROUGH, 0, NX, 0, ROWS); /* biases only */
}
END_TEST

START_TEST(feature_file_checks)
{
    trec_error err;
    trec_csr extra;
    make_extra(&extra, 0);
    trec_labels none = {0};
    ck_assert_int_eq(trec_features_check(&extra, "f.csr", ROWS, &none, "item", &err), 0);
    ck_assert_int_eq(trec_features_check(&extra, "f.csr", ROWS + 1, &none, "item", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "f.csr: item feature matrix has 6 rows"));
    /* labels: both or neither, and equal row by row */
    static const uint64_t off[ROWS + 1] = {0, 1, 2, 3, 4, 5, 6};
    trec_labels a = {ROWS, off, "abcdef"}, b = {ROWS, off, "abcXef"};
    ck_assert_int_eq(trec_features_check(&extra, "f.csr", ROWS, &a, "user", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no row labels"));
    extra.row_labels = b;
    ck_assert_int_eq(trec_features_check(&extra, "f.csr", ROWS, &a, "user", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 4 is labelled 'X'"));
    extra.row_labels = a;
    ck_assert_int_eq(trec_features_check(&extra, "f.csr", ROWS, &a, "user", &err), 0);
    extra.row_labels = none;
    trec_csr_free(&extra);
}
END_TEST

static Suite *representation_suite(void)
{
    Suite *s = suite_create("representation");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, identity_shortcut_equals_product);
    tcase_add_test(tc, forward_values);
    tcase_add_test(tc, backward_matches_finite_differences);
    tcase_add_test(tc, feature_file_checks);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(representation_suite)
