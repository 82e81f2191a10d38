/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_tune.c - trec-tune's search space (lib/train/tune.h): lists, ranges
 * (log-uniform where the option table says so), the whole grid, seeded
 * draws, default dimensions shared out to the algorithms, errors. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"
#include "tune.h"

static char trials[64][TREC_TUNE_OPTIONS_MAX];

static void space(trec_tune_space *s, const char *algos)
{
    trec_error err;
    memset(s, 0, sizeof *s);
    ck_assert_int_eq(trec_tune_space_algorithms(s, algos, &err), 0);
}

START_TEST(grid_in_order)
{
    trec_tune_space s;
    trec_error err;
    space(&s, "ease");
    ck_assert_int_eq(trec_tune_space_add(&s, "--lambda", "100,200", &err), 0);
    ck_assert_int_eq(trec_tune_space_add(&s, "other-weight", "0,0.4", &err), 0);
    ck_assert_int_eq(trec_tune_space_finish(&s, &err), 0);
    uint64_t n;
    ck_assert_int_eq(trec_tune_space_trials(&s, 0, 4, 1, trials, 64, &n, &err), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(trials[0], "--lambda 100 --other-weight 0");
    ck_assert_str_eq(trials[1], "--lambda 100 --other-weight 0.4");
    ck_assert_str_eq(trials[2], "--lambda 200 --other-weight 0");
    ck_assert_str_eq(trials[3], "--lambda 200 --other-weight 0.4");
    /* fewer trials than the grid: distinct draws */
    ck_assert_int_eq(trec_tune_space_trials(&s, 0, 3, 1, trials, 64, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(trials[i], trials[j]);
}
END_TEST

/* The value of option `name` in a trial string. */
static double value_of(const char *t, const char *name)
{
    const char *p = strstr(t, name);
    ck_assert_ptr_nonnull(p);
    return strtod(p + strlen(name) + 1, NULL);
}

START_TEST(ranges_log_and_linear)
{
    trec_tune_space s;
    trec_error err;
    space(&s, "sgd");
    /* --alpha is log-scale: as many draws below 1e-2 as above (of 1e-4..1) */
    ck_assert_int_eq(trec_tune_space_add(&s, "--alpha", "1e-4..1", &err), 0);
    /* --max-sampled is not: an integer range drawn uniformly */
    ck_assert_int_eq(trec_tune_space_add(&s, "--max-sampled", "1..101", &err), 0);
    ck_assert_int_eq(trec_tune_space_finish(&s, &err), 0);
    uint64_t n;
    ck_assert_int_eq(trec_tune_space_trials(&s, 0, 64, 7, trials, 64, &n, &err), 0);
    ck_assert_uint_eq(n, 64);
    int below = 0, low = 0;
    for (int i = 0; i < 64; i++) {
        double a = value_of(trials[i], "--alpha"), m = value_of(trials[i], "--max-sampled");
        ck_assert(a >= 1e-4 * 0.999 && a <= 1.001);
        ck_assert(m >= 1 && m <= 101 && m == floor(m));
        below += a < 1e-2;
        low += m < 51;
        /* the sgd defaults not given stay: components and learning rate */
        ck_assert_ptr_nonnull(strstr(trials[i], "--components "));
        ck_assert_ptr_nonnull(strstr(trials[i], "--learning-rate "));
    }
    /* 64 fair coins: 14..50 holds with probability > 0.9999 */
    ck_assert_int_ge(below, 14);
    ck_assert_int_le(below, 50);
    ck_assert_int_ge(low, 14);
    ck_assert_int_le(low, 50);
    /* the same seed, the same trials; another, others */
    static char again[64][TREC_TUNE_OPTIONS_MAX];
    ck_assert_int_eq(trec_tune_space_trials(&s, 0, 64, 7, again, 64, &n, &err), 0);
    ck_assert_int_eq(memcmp(trials, again, sizeof again), 0);
    ck_assert_int_eq(trec_tune_space_trials(&s, 0, 64, 8, again, 64, &n, &err), 0);
    ck_assert_str_ne(trials[0], again[0]);
}
END_TEST

START_TEST(shared_out_to_the_algorithms)
{
    trec_tune_space s;
    trec_error err;
    space(&s, "als,ease");
    ck_assert_int_eq(trec_tune_space_add(&s, "--components", "8,16", &err), 0);
    ck_assert_int_eq(trec_tune_space_add(&s, "--alpha", "1e-4..1e-1", &err), 0);
    ck_assert_int_eq(trec_tune_space_finish(&s, &err), 0);
    ck_assert_int_eq(s.given[0].used, 1);
    ck_assert_int_eq(s.given[1].used, 0); /* neither takes --alpha */
    uint64_t n;
    ck_assert_int_eq(trec_tune_space_trials(&s, 0, 5, 1, trials, 64, &n, &err), 0);
    for (uint64_t i = 0; i < n; i++) {
        double k = value_of(trials[i], "--components");
        ck_assert(k == 8 || k == 16);
        ck_assert_ptr_null(strstr(trials[i], "--alpha"));
    }
    ck_assert_int_eq(trec_tune_space_trials(&s, 1, 5, 1, trials, 64, &n, &err), 0);
    for (uint64_t i = 0; i < n; i++) {
        ck_assert_ptr_null(strstr(trials[i], "--components"));
        ck_assert_ptr_nonnull(strstr(trials[i], "--lambda "));
    }
    trec_tune_dim d[TREC_TUNE_MAX_DIMS];
    ck_assert_int_eq(trec_tune_default_dims("ease", d, TREC_TUNE_MAX_DIMS), 2);
    ck_assert_int_eq(trec_tune_default_dims("tensorrec", d, TREC_TUNE_MAX_DIMS), 4);
}
END_TEST

START_TEST(errors)
{
    trec_tune_space s;
    trec_error err;
    memset(&s, 0, sizeof s);
    ck_assert_int_ne(trec_tune_space_algorithms(&s, "als,knn", &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "unknown algorithm 'knn'"));
    ck_assert_int_ne(trec_tune_space_algorithms(&s, "als,als", &err), 0);
    ck_assert_int_ne(trec_tune_space_algorithms(&s, "als,", &err), 0);
    space(&s, "als");
    ck_assert_int_ne(trec_tune_space_add(&s, "--components", "0,4", &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "--components"));
    ck_assert_int_ne(trec_tune_space_add(&s, "--components", "8..2", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--loss", "a..b", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--no-biases", "1", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--item-features", "x.csr", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--seed", "1,2", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--colour", "1", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--components", "4,,8", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--components", "4,4", &err), 0);
    ck_assert_int_eq(trec_tune_space_add(&s, "--components", "4,8", &err), 0);
    ck_assert_int_ne(trec_tune_space_add(&s, "--components", "16", &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "given twice"));
}
END_TEST

static Suite *tune_suite(void)
{
    Suite *s = suite_create("tune");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, grid_in_order);
    tcase_add_test(tc, ranges_log_and_linear);
    tcase_add_test(tc, shared_out_to_the_algorithms);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(tune_suite)
