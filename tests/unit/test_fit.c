/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_fit.c - the training loop: it learns, determinism, --init, mini-batches,
 * divergence, checks of the configuration, outputs and META. */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "check_main.h"
#include "internal.h"

#define NU 30
#define NI 40

/* Two taste groups: users < NU/2 like even items, the others odd ones;
 * ratings 1..5, with low ratings on the other group's items. */
static void make_x(trec_csr *x)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, 11);
    static float v[NU][NI];
    uint64_t nnz = 0;
    for (int u = 0; u < NU; u++)
        for (int i = 0; i < NI; i++) {
            v[u][i] = 0;
            if (trec_rng_uniform(&r) < 0.3) {
                int likes = (i % 2) == (u < NU / 2 ? 0 : 1);
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

/* Item features: "even" and "odd" (column 0/1). */
static void make_genres(trec_csr *f)
{
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(f, NI, 2, NI, 0, &err), 0);
    for (int i = 0; i < NI; i++) {
        f->colidx[i] = (uint32_t)(i % 2);
        f->vals[i] = 1;
        f->rowptr[i + 1] = (uint64_t)i + 1;
    }
}

static trec_fit_config base(void)
{
    trec_fit_config c;
    trec_fit_config_default(&c);
    c.components = 4;
    c.epochs = 30;
    c.learning_rate = 0.05;
    return c;
}

static int fit(const trec_fit_config *c, const trec_csr *x, const trec_csr *ie,
               const trec_model *init, trec_model *m, trec_fit_result *res, trec_error *err)
{
    return trec_fit(c, x, NULL, ie, init, m, res, err);
}

/* Mean over users of (mean score of liked items - mean score of disliked). */
static double separation_of_tastes(const trec_model *m)
{
    double total = 0;
    for (uint64_t u = 0; u < NU; u++) {
        double like = 0, dislike = 0;
        for (uint64_t i = 0; i < NI; i++) {
            double s = trec_predict_pair(m->predict, m->user_repr + u * m->k,
                                         m->item_repr + i * m->k, m->k) + m->item_bias[i];
            if ((int)(i % 2) == (u < NU / 2 ? 0 : 1))
                like += s;
            else
                dislike += s;
        }
        total += (like - dislike) / (NI / 2);
    }
    return total / NU;
}

START_TEST(learns_every_loss)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    for (int loss = 0; loss < TREC_LOSS_TENSORREC_END; loss++) {
        if (loss == TREC_LOSS_SEPARATION)
            continue; /* needs non-positive values: below */
        trec_fit_config c = base();
        c.loss = loss;
        c.sampled_items = trec_loss_is_sampled(loss) ? 10 : 0;
        if (trec_loss_is_sampled(loss) || loss == TREC_LOSS_SEPARATION_DENSE) {
            c.has_min_rating = 1; /* positives: the likes */
            c.min_rating = 4;
        }
        trec_fit_result first, last;
        trec_model m;
        c.epochs = 1;
        ck_assert_msg(fit(&c, &x, NULL, NULL, &m, &first, &err) == 0, "%s", err.msg);
        trec_model_free(&m);
        c.epochs = 60;
        ck_assert_msg(fit(&c, &x, NULL, NULL, &m, &last, &err) == 0, "%s", err.msg);
        ck_assert_msg(last.loss < first.loss, "%s: loss %g after 1 epoch, %g after 60",
                      trec_loss_name(loss), first.loss, last.loss);
        if (loss != TREC_LOSS_RMSE_DENSE) /* (which mostly learns the zeros) */
            ck_assert_msg(separation_of_tastes(&m) > 0.5, "%s: tastes not learned (%g)",
                          trec_loss_name(loss), separation_of_tastes(&m));
        trec_model_free(&m);
    }
    /* separation with ratings centred on 3: dislikes <= 0 */
    for (uint64_t e = 0; e < x.nnz; e++)
        x.vals[e] -= 3;
    trec_fit_config c = base();
    c.loss = TREC_LOSS_SEPARATION;
    c.epochs = 60;
    trec_fit_result res;
    trec_model m;
    ck_assert_msg(fit(&c, &x, NULL, NULL, &m, &res, &err) == 0, "%s", err.msg);
    ck_assert_double_lt(res.loss, 0.2);
    trec_model_free(&m);
    trec_csr_free(&x);
}
END_TEST

static void write_model(trec_model *m, const trec_fit_config *c, const trec_fit_result *res,
                        const char *path)
{
    trec_error err;
    trec_fit_inputs in;
    memset(&in, 0, sizeof in);
    in.interactions.name = "x.csr";
    char *meta = trec_fit_meta_json(c, res, m, &in, &err);
    ck_assert_ptr_nonnull(meta);
    ck_assert_int_eq(trec_model_own(m, meta, &err), 0);
    m->meta_json = meta;
    ck_assert_msg(trec_model_write(path, m, &err) == 0, "%s", err.msg);
}

/* A scratch file name outside the source tree. */
static const char *tmp(const char *tag)
{
    static char buf[4][256];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, 256, "/tmp/trec-test-fit-%ld-%s.trec", (long)getpid(), tag);
    return b;
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

START_TEST(deterministic)
{
    trec_error err;
    trec_csr x, g;
    make_x(&x);
    make_genres(&g);
    int losses[] = {TREC_LOSS_WMRB, TREC_LOSS_RMSE, TREC_LOSS_RMSE_DENSE};
    for (int t = 0; t < 3; t++) {
        trec_fit_config c = base();
        c.loss = losses[t];
        c.threads = 2;
        c.batch_users = 7;
        c.sampled_items = trec_loss_is_sampled(c.loss) ? 5 : 0;
        trec_fit_result r1, r2, r3;
        trec_model a, b, d;
        ck_assert_int_eq(fit(&c, &x, &g, NULL, &a, &r1, &err), 0);
        ck_assert_int_eq(fit(&c, &x, &g, NULL, &b, &r2, &err), 0);
        write_model(&a, &c, &r1, tmp("fit_det_a"));
        write_model(&b, &c, &r2, tmp("fit_det_b"));
        ck_assert(files_equal(tmp("fit_det_a"), tmp("fit_det_b")));
        c.seed = 2; /* another seed, another model */
        ck_assert_int_eq(fit(&c, &x, &g, NULL, &d, &r3, &err), 0);
        write_model(&d, &c, &r3, tmp("fit_det_b"));
        ck_assert(!files_equal(tmp("fit_det_a"), tmp("fit_det_b")));
        trec_model_free(&a);
        trec_model_free(&b);
        trec_model_free(&d);
    }
    remove(tmp("fit_det_a"));
    remove(tmp("fit_det_b"));
    trec_csr_free(&x);
    trec_csr_free(&g);
}
END_TEST

START_TEST(init_round_trip)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    c.loss = TREC_LOSS_WMRB;
    c.sampled_items = 5;
    trec_fit_result r1, r2, r3;
    trec_model a, loaded, b, d;
    c.epochs = 10;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &a, &r1, &err), 0);
    write_model(&a, &c, &r1, tmp("fit_init"));
    ck_assert_int_eq(trec_model_read(tmp("fit_init"), &loaded, &err), 0);
    ck_assert_uint_eq(trec_fit_model_epochs(&loaded), 10);
    /* 0 more epochs: the same weights and outputs */
    c.epochs = 0;
    ck_assert_int_eq(fit(&c, &x, NULL, &loaded, &b, &r2, &err), 0);
    ck_assert_mem_eq(b.item.w1, a.item.w1, a.n_items * a.k * sizeof(float));
    ck_assert_mem_eq(b.user_repr, a.user_repr, a.n_users * a.k * sizeof(float));
    ck_assert_mem_eq(b.item_bias, a.item_bias, a.n_items * sizeof(float));
    /* 10 more continue from there, Adam's state included: exactly what 20
     * epochs in one go give */
    ck_assert_uint_eq(loaded.adam_t, 10);
    ck_assert_uint_eq(loaded.adam_n, trec_model_param_count(&loaded));
    c.epochs = 10;
    ck_assert_int_eq(fit(&c, &x, NULL, &loaded, &d, &r3, &err), 0);
    ck_assert_uint_eq(r3.epochs_before, 10);
    ck_assert_double_lt(r3.loss, r1.loss);
    trec_model twenty;
    trec_fit_result r20;
    c.epochs = 20;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &twenty, &r20, &err), 0);
    ck_assert_mem_eq(d.item.w1, twenty.item.w1, a.n_items * a.k * sizeof(float));
    ck_assert_mem_eq(d.user.w1, twenty.user.w1, a.n_users * a.k * sizeof(float));
    ck_assert_mem_eq(d.item_bias, twenty.item_bias, a.n_items * sizeof(float));
    ck_assert_mem_eq(d.adam_v, twenty.adam_v, twenty.adam_n * sizeof(float));
    ck_assert_uint_eq(d.adam_t, 20);
    ck_assert_double_eq(r3.loss, r20.loss);
    trec_model_free(&twenty);
    c.epochs = 10;
    /* a different structure is refused */
    trec_model e;
    c.components = 5;
    ck_assert_int_eq(fit(&c, &x, NULL, &loaded, &e, &r3, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--init model does not match this fit: different --components"));
    c.components = 4;
    c.predict = TREC_PREDICT_COSINE;
    ck_assert_int_eq(fit(&c, &x, NULL, &loaded, &e, &r3, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--predict"));
    trec_model_free(&a);
    trec_model_free(&b);
    trec_model_free(&d);
    trec_model_free(&loaded);
    remove(tmp("fit_init"));
    trec_csr_free(&x);
}
END_TEST

START_TEST(divergence_stops)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    c.learning_rate = 1e30;
    c.epochs = 50;
    trec_fit_result res;
    trec_model m;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "the fit diverged at epoch"));
    ck_assert_ptr_nonnull(strstr(err.msg, "try a smaller --learning-rate"));
    ck_assert_uint_gt(res.diverged_epoch, 0);
    ck_assert_uint_le(res.diverged_epoch, 50);
    trec_csr_free(&x);
}
END_TEST

START_TEST(configuration_errors)
{
    trec_error err;
    trec_csr x, g;
    make_x(&x);
    make_genres(&g);
    trec_fit_result res;
    trec_model m;
    trec_fit_config c = base();
    c.item_repr = TREC_REPR_PASS_THROUGH;
    c.item_identity = 0;
    ck_assert_int_eq(fit(&c, &x, &g, NULL, &m, &res, &err), -1);
    ck_assert_str_eq(err.msg, "item representation pass-through needs --components equal to "
                              "the number of item features (2), not 4");
    c.components = 2; /* now it fits: the content model */
    ck_assert_int_eq(fit(&c, &x, &g, NULL, &m, &res, &err), 0);
    /* item representations are the genres themselves */
    ck_assert_float_eq(m.item_repr[0 * 2 + 0], 1.0f);
    ck_assert_float_eq(m.item_repr[1 * 2 + 1], 1.0f);
    ck_assert_float_eq(m.item_repr[1 * 2 + 0], 0.0f);
    trec_model_free(&m);
    c = base();
    c.item_identity = 0;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "item side has no features"));
    c = base();
    c.loss = TREC_LOSS_WMRB;
    c.sampled_items = NI + 1; /* more than the items: all of them */
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), 0);
    ck_assert_uint_eq(res.sampled_items, NI);
    trec_model_free(&m);
    c.epochs = 0; /* --epochs 0 given without --init: refused */
    c.given |= TREC_OPT(TREC_OPT_EPOCHS);
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--epochs 0 trains nothing"));
    c = base();
    c.loss = TREC_LOSS_SEPARATION;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "separation-dense"));
    c = base();
    c.has_min_rating = 1;
    c.min_rating = 9;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no interactions to train on (after --min-rating)"));
    trec_csr_free(&x);
    trec_csr_free(&g);
}
END_TEST

/* The option combinations trec-fit refuses are refused by the library too,
 * by trec_fit_check and by trec_fit itself (a caller need not go through the
 * command line): sampled items or --sample-unobserved with a loss that
 * samples none, --hidden without a relu side. Each base configuration fits. */
START_TEST(library_refuses_what_the_cli_refuses)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_result res;
    trec_model m;
    static const struct {
        int loss;
        uint64_t sampled, hidden;
        int unobserved;
        uint32_t user_repr;
        const char *msg;
    } bad[] = {
        {TREC_LOSS_RMSE, 4, 0, 0, TREC_REPR_LINEAR,
         "--sampled-items only applies to --loss wmrb or balanced-wmrb"},
        {TREC_LOSS_SEPARATION_DENSE, 4, 0, 0, TREC_REPR_LINEAR,
         "--sampled-items only applies to --loss wmrb or balanced-wmrb"},
        {TREC_LOSS_RMSE, 0, 0, 1, TREC_REPR_LINEAR,
         "--sample-unobserved only applies to --loss wmrb or balanced-wmrb"},
        {TREC_LOSS_WMRB, 4, 3, 0, TREC_REPR_LINEAR,
         "--hidden needs --user-repr relu or --item-repr relu"},
        {TREC_LOSS_WMRB, 4, 3, 0, TREC_REPR_NORMALIZED_LINEAR,
         "--hidden needs --user-repr relu or --item-repr relu"},
    };
    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        trec_fit_config c = base();
        c.epochs = 2;
        c.loss = bad[t].loss;
        c.user_repr = bad[t].user_repr;
        /* without the offending option: accepted, and it fits */
        ck_assert_msg(trec_fit_check(&c, &err) == 0, "case %zu: %s", t, err.msg);
        ck_assert_msg(fit(&c, &x, NULL, NULL, &m, &res, &err) == 0, "case %zu: %s", t, err.msg);
        trec_model_free(&m);
        c.sampled_items = bad[t].sampled;
        c.hidden = bad[t].hidden;
        c.sample_unobserved = bad[t].unobserved;
        memset(&err, 0, sizeof err);
        ck_assert_msg(trec_fit_check(&c, &err) == -1, "case %zu: check accepted it", t);
        ck_assert_str_eq(err.msg, bad[t].msg);
        memset(&err, 0, sizeof err);
        ck_assert_msg(fit(&c, &x, NULL, NULL, &m, &res, &err) == -1, "case %zu: fit accepted it", t);
        ck_assert_str_eq(err.msg, bad[t].msg);
    }
    /* and --hidden with relu on either side is fine */
    trec_fit_config c = base();
    c.epochs = 2;
    c.hidden = 3;
    c.item_repr = TREC_REPR_RELU;
    ck_assert_msg(trec_fit_check(&c, &err) == 0, "%s", err.msg);
    ck_assert_msg(fit(&c, &x, NULL, NULL, &m, &res, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(m.item.hidden, 3);
    trec_model_free(&m);
    trec_csr_free(&x);
}
END_TEST

START_TEST(outputs_and_meta)
{
    trec_error err;
    trec_csr x, g;
    make_x(&x);
    make_genres(&g);
    trec_fit_config c = base();
    c.loss = TREC_LOSS_WMRB;
    c.has_min_rating = 1;
    c.min_rating = 4;
    c.batch_users = 8;
    c.user_repr = TREC_REPR_RELU;
    c.hidden = 3;
    trec_fit_result res;
    trec_model m;
    ck_assert_int_eq(fit(&c, &x, &g, NULL, &m, &res, &err), 0);
    uint64_t likes = 0;
    for (uint64_t e = 0; e < x.nnz; e++)
        likes += x.vals[e] >= 4;
    ck_assert_uint_eq(res.interactions, likes);
    ck_assert_uint_eq(res.batches, 4);
    ck_assert_uint_eq(res.sampled_items, 1); /* 1% of 40 items, at least 1 */
    ck_assert_uint_eq(m.user.hidden, 3);
    ck_assert_uint_eq(m.item.n_features, NI + 2);
    /* item bias = identity bias + genre bias */
    for (uint64_t i = 0; i < NI; i++)
        ck_assert_float_eq_tol(m.item_bias[i], m.item.feature_bias[i] +
                               m.item.feature_bias[NI + i % 2], 1e-6);
    /* item representation = identity row + genre row of W */
    for (uint64_t i = 0; i < NI; i++)
        for (uint64_t k = 0; k < m.k; k++)
            ck_assert_float_eq_tol(m.item_repr[i * m.k + k], m.item.w1[i * m.k + k] +
                                   m.item.w1[(NI + i % 2) * m.k + k], 1e-6);
    trec_fit_inputs in;
    memset(&in, 0, sizeof in);
    in.interactions.name = "train.csr";
    in.interactions.size = 1234;
    in.interactions.header_crc = 0xabcdef01u;
    char *meta = trec_fit_meta_json(&c, &res, &m, &in, &err);
    ck_assert_ptr_nonnull(meta);
    ck_assert_ptr_nonnull(strstr(meta, "{\"creator\":\"trec-fit\",\"trec_version\":\""));
    ck_assert_ptr_nonnull(strstr(meta, "\"loss\":\"wmrb\",\"prediction\":\"dot\",\"components\":4"));
    ck_assert_ptr_nonnull(strstr(meta, "\"representation\":\"relu\""));
    ck_assert_ptr_nonnull(strstr(meta, "\"min_rating\":4,"));
    ck_assert_ptr_nonnull(strstr(meta, "\"interactions\":{\"file\":\"train.csr\",\"size\":1234,"
                                       "\"header_crc32\":\"abcdef01\"}"));
    ck_assert_ptr_nonnull(strstr(meta, "\"init\":null"));
    cJSON *root = cJSON_Parse(meta);
    ck_assert_ptr_nonnull(root);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(root, "final_loss")->valuedouble, res.loss, 1e-9);
    ck_assert_double_eq(cJSON_GetObjectItem(root, "epochs_total")->valuedouble, 30);
    cJSON_Delete(root);
    free(meta);
    trec_model_free(&m);
    trec_csr_free(&x);
    trec_csr_free(&g);
}
END_TEST

static uint64_t calls, last_epoch;
static void on_epoch(void *ctx, const trec_fit_progress *p)
{
    (void)ctx;
    calls++;
    last_epoch = p->epoch;
    ck_assert_uint_eq(p->epochs, 30);
    ck_assert(isfinite(p->loss));
}

START_TEST(progress_every_epoch)
{
    trec_error err;
    trec_csr x;
    make_x(&x);
    trec_fit_config c = base();
    c.progress = on_epoch;
    trec_fit_result res;
    trec_model m;
    ck_assert_int_eq(fit(&c, &x, NULL, NULL, &m, &res, &err), 0);
    ck_assert_uint_eq(calls, 30);
    ck_assert_uint_eq(last_epoch, 30);
    trec_model_free(&m);
    trec_csr_free(&x);
}
END_TEST

static Suite *fit_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, learns_every_loss);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, init_round_trip);
    tcase_add_test(tc, divergence_stops);
    tcase_add_test(tc, configuration_errors);
    tcase_add_test(tc, library_refuses_what_the_cli_refuses);
    tcase_add_test(tc, outputs_and_meta);
    tcase_add_test(tc, progress_every_epoch);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(fit_suite)
