/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_coldstart.c - representations of new and updated users and items
 * from their features (lib/coldstart.c), on a model fitted here. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define FIX "tests/fixtures/fit/"

static trec_csr ratings, genres;
static trec_model model;

/* A hybrid (identity + 3 "genres") WMRB model on the trec-fit fixtures. */
static void setup(void)
{
    trec_error err;
    ck_assert_msg(trec_csr_read(FIX "ratings.csr", &ratings, &err) == 0, "%s", err.msg);
    ck_assert_msg(trec_csr_read(FIX "genres.csr", &genres, &err) == 0, "%s", err.msg);
    trec_fit_config c;
    trec_fit_config_default(&c);
    c.components = 3;
    c.epochs = 5;
    c.loss = TREC_LOSS_WMRB;
    c.sampled_items = 4;
    c.threads = 1;
    trec_fit_result res;
    ck_assert_msg(trec_fit(&c, &ratings, NULL, &genres, NULL, &model, &res, &err) == 0,
                  "%s", err.msg);
}

static void teardown(void)
{
    trec_model_free(&model);
    trec_csr_free(&ratings);
    trec_csr_free(&genres);
}

/* A features matrix: rows labelled ids[], columns labelled names[], one
 * entry (value 1) per (row, column) pair listed in cells (row, col, ...). */
typedef struct fmat {
    trec_csr m;
    trec_idmap rows, cols;
} fmat;

static void make_features(fmat *f, const char **ids, int nr, const char **names, int nc,
                          const int *cells, int ncells)
{
    trec_error err;
    uint32_t id;
    ck_assert_int_eq(trec_csr_alloc(&f->m, (uint64_t)nr, (uint64_t)nc, (uint64_t)ncells, 0, &err), 0);
    trec_idmap_init(&f->rows, &err);
    trec_idmap_init(&f->cols, &err);
    for (int i = 0; i < nr; i++)
        trec_idmap_intern(&f->rows, ids[i], strlen(ids[i]), &id, &err);
    for (int j = 0; j < nc; j++)
        trec_idmap_intern(&f->cols, names[j], strlen(names[j]), &id, &err);
    for (int e = 0; e < ncells; e++) { /* cells sorted by row, then column */
        f->m.colidx[e] = (uint32_t)cells[2 * e + 1];
        f->m.vals[e] = 1.0f;
        f->m.rowptr[cells[2 * e] + 1]++;
    }
    for (int r = 0; r < nr; r++)
        f->m.rowptr[r + 1] += f->m.rowptr[r];
    f->m.row_labels = trec_idmap_labels(&f->rows);
    f->m.col_labels = trec_idmap_labels(&f->cols);
}

static void free_features(fmat *f)
{
    trec_csr_free(&f->m);
    trec_idmap_free(&f->rows);
    trec_idmap_free(&f->cols);
}

START_TEST(same_features_same_representations)
{
    trec_model out;
    trec_error err;
    ck_assert_msg(trec_coldstart_apply(&model, NULL, NULL, &genres, "g", &out, &err) == 0,
                  "%s", err.msg);
    ck_assert_uint_eq(out.n_items, model.n_items);
    ck_assert_uint_eq(out.n_users, model.n_users);
    /* computed the way trec-fit computed them: the same floats */
    ck_assert_mem_eq(out.item_repr, model.item_repr, model.n_items * model.k * sizeof(float));
    ck_assert_mem_eq(out.item_bias, model.item_bias, model.n_items * sizeof(float));
    ck_assert_ptr_eq(out.user_repr, model.user_repr); /* no user features: kept */
    trec_model_free(&out);
}
END_TEST

START_TEST(new_item_from_its_features)
{
    trec_model out;
    trec_error err;
    /* columns in another order than the model's (even, odd, any), a subset */
    const char *ids[] = {"new", "i2"}, *names[] = {"any", "odd"};
    int cells[] = {0, 0, 0, 1, 1, 1};
    fmat f;
    make_features(&f, ids, 2, names, 2, cells, 3);
    ck_assert_msg(trec_coldstart_apply(&model, NULL, NULL, &f.m, "f", &out, &err) == 0,
                  "%s", err.msg);
    ck_assert_uint_eq(out.n_items, model.n_items + 1);
    size_t n;
    const char *l = trec_label(&out.item_labels, model.n_items, &n);
    ck_assert_mem_eq(l, "new", 3);
    /* linear: a new item (no identity) is W[odd] + W[any] (feature rows
     * n_items + 1 and n_items + 2), its bias the sum of their biases */
    uint64_t k = model.k, base = model.n_items;
    const float *w = model.item.w1;
    for (uint64_t c = 0; c < k; c++) {
        float want = 0.0f + w[(base + 1) * k + c];
        want += w[(base + 2) * k + c];
        ck_assert_float_eq(out.item_repr[base * k + c], want);
    }
    float bias = 0.0f + model.item.feature_bias[base + 1];
    bias += model.item.feature_bias[base + 2];
    ck_assert_float_eq(out.item_bias[base], bias);
    /* i2 is known: its identity row plus "odd" only now (no "any") */
    for (uint64_t c = 0; c < k; c++) {
        float want = w[1 * k + c];
        want += w[(base + 1) * k + c];
        ck_assert_float_eq(out.item_repr[1 * k + c], want);
    }
    /* other items untouched */
    ck_assert_mem_eq(out.item_repr, model.item_repr, k * sizeof(float));
    trec_model_free(&out);
    free_features(&f);
}
END_TEST

START_TEST(mismatches_are_errors)
{
    trec_model out;
    trec_error err;
    const char *ids[] = {"x"}, *bad[] = {"space opera"};
    int cells[] = {0, 0};
    fmat f;
    make_features(&f, ids, 1, bad, 1, cells, 1);
    ck_assert_int_eq(trec_coldstart_apply(&model, NULL, NULL, &f.m, "f.csr", &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "f.csr: feature 'space opera' is not one of the model's 3 item features"));
    /* the user side has no metadata features */
    ck_assert_int_eq(trec_coldstart_apply(&model, &f.m, "u.csr", NULL, NULL, &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "u.csr: the model has no user metadata features"));
    /* unlabelled rows cannot be matched */
    f.m.row_labels.count = 0;
    ck_assert_int_eq(trec_coldstart_apply(&model, NULL, NULL, &f.m, "f.csr", &out, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no row labels"));
    free_features(&f);
}
END_TEST

/* Cold start with the other representations (relu, normalized-linear,
 * weighted-pass-through, and linear as the reference), on either side.
 * With the identity block: the model's own features give back the model's
 * own representations and biases. Without it: a new user (item) whose
 * features are those of a known one gets that one's representation and
 * bias exactly, and one with other features another. */
static void fit_side(int users_side, uint32_t repr, int identity, trec_csr *uf, trec_model *m)
{
    trec_error err;
    trec_fit_config c;
    trec_fit_config_default(&c);
    int pass = repr == TREC_REPR_WEIGHTED_PASS_THROUGH;
    uint64_t nf = users_side ? uf->cols : genres.cols;
    uint64_t ni = users_side ? ratings.rows : ratings.cols;
    c.components = pass ? nf + (identity ? ni : 0) : 3;
    c.epochs = 5;
    c.loss = TREC_LOSS_WMRB;
    c.sampled_items = 4;
    c.threads = 1;
    if (repr == TREC_REPR_RELU)
        c.hidden = 4;
    if (users_side) {
        c.user_repr = repr;
        c.user_identity = identity;
    } else {
        c.item_repr = repr;
        c.item_identity = identity;
    }
    ck_assert_msg(trec_fit(&c, &ratings, users_side ? uf : NULL, users_side ? NULL : &genres,
                           NULL, m, NULL == m ? NULL : &(trec_fit_result){0}, &err) == 0,
                  "%s", err.msg);
}

static int rows_equal(const float *a, const float *b, uint64_t k)
{
    return memcmp(a, b, k * sizeof(float)) == 0;
}

START_TEST(other_representations)
{
    static const uint32_t reprs[] = {TREC_REPR_LINEAR, TREC_REPR_RELU,
                                      TREC_REPR_NORMALIZED_LINEAR,
                                      TREC_REPR_WEIGHTED_PASS_THROUGH};
    trec_error err;
    trec_csr uf;
    ck_assert_msg(trec_csr_read(FIX "users.csr", &uf, &err) == 0, "%s", err.msg);
    for (int side = 0; side < 2; side++) {
        const trec_csr *feat = side ? &uf : &genres;
        for (size_t r = 0; r < sizeof reprs / sizeof reprs[0]; r++) {
            const char *what = trec_repr_name(reprs[r]);
            trec_model m, out;
            /* with identities: the same features, the same representations */
            fit_side(side, reprs[r], 1, &uf, &m);
            ck_assert_msg(trec_coldstart_apply(&m, side ? feat : NULL, "f", side ? NULL : feat,
                                               "f", &out, &err) == 0, "%s: %s", what, err.msg);
            uint64_t n = side ? m.n_users : m.n_items;
            ck_assert_uint_eq(side ? out.n_users : out.n_items, n);
            const float *want = side ? m.user_repr : m.item_repr;
            const float *got = side ? out.user_repr : out.item_repr;
            for (uint64_t i = 0; i < n * m.k; i++)
                ck_assert_msg(fabsf(got[i] - want[i]) <= 1e-5f * (1 + fabsf(want[i])),
                              "%s side %d: repr[%llu] %g, model's %g", what, side,
                              (unsigned long long)i, got[i], want[i]);
            for (uint64_t i = 0; i < n; i++)
                ck_assert_float_eq_tol((side ? out.user_bias : out.item_bias)[i],
                                       (side ? m.user_bias : m.item_bias)[i], 1e-5f);
            trec_model_free(&out);
            trec_model_free(&m);

            /* without: new rows with a known row's features */
            fit_side(side, reprs[r], 0, &uf, &m);
            n = side ? m.n_users : m.n_items;
            /* users.csr: user u has feature u % 2; genres.csr: item i has
             * i % 2 ("even"/"odd") and "any" */
            const char *ids[] = {"new-like-1", "new-like-2"};
            /* users.csr has no column names: matched by position */
            const char *gnames[] = {"even", "odd", "any"}, *unames[] = {"f1", "f2"};
            int gcells[] = {0, 0, 0, 2, 1, 1, 1, 2}, ucells[] = {0, 0, 1, 1};
            fmat f;
            if (side)
                make_features(&f, ids, 2, unames, 2, ucells, 2);
            else
                make_features(&f, ids, 2, gnames, 3, gcells, 4);
            ck_assert_msg(trec_coldstart_apply(&m, side ? &f.m : NULL, "f", side ? NULL : &f.m,
                                               "f", &out, &err) == 0, "%s: %s", what, err.msg);
            ck_assert_uint_eq(side ? out.n_users : out.n_items, n + 2);
            got = side ? out.user_repr : out.item_repr;
            want = side ? m.user_repr : m.item_repr;
            const float *gb = side ? out.user_bias : out.item_bias;
            const float *wb = side ? m.user_bias : m.item_bias;
            uint64_t k = m.k;
            /* new-like-1 is like row 0 (u1 / i1), new-like-2 like row 1 */
            ck_assert_msg(rows_equal(got + n * k, want, k), "%s side %d: new row 1", what, side);
            ck_assert_msg(rows_equal(got + (n + 1) * k, want + k, k), "%s side %d: new row 2",
                          what, side);
            ck_assert_msg(!rows_equal(got + n * k, got + (n + 1) * k, k),
                          "%s side %d: other features, same representation", what, side);
            ck_assert_float_eq(gb[n], wb[0]);
            ck_assert_float_eq(gb[n + 1], wb[1]);
            ck_assert_mem_eq(got, want, n * k * sizeof(float)); /* the known rows kept */
            trec_model_free(&out);
            free_features(&f);
            trec_model_free(&m);
        }
    }
    trec_csr_free(&uf);
}
END_TEST

static Suite *coldstart_suite(void)
{
    Suite *s = suite_create("coldstart");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, same_features_same_representations);
    tcase_add_test(tc, new_item_from_its_features);
    tcase_add_test(tc, mismatches_are_errors);
    tcase_add_test(tc, other_representations);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(coldstart_suite)
