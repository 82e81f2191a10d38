/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_matrix_stats.c - matrix summaries (lib/matrix_stats.h) and the value
 * formatting of dumps (lib/dump.h). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

static void build(trec_csr *m, uint64_t rows, uint64_t cols, uint64_t n, const int *r,
                  const int *c, const float *v, const int64_t *t)
{
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(m, rows, cols, n, t != NULL, &err), 0);
    for (uint64_t k = 0; k < n; k++) {
        m->colidx[k] = (uint32_t)c[k];
        m->vals[k] = v[k];
        if (t)
            m->times[k] = t[k];
        m->rowptr[r[k] + 1]++;
    }
    for (uint64_t i = 0; i < rows; i++)
        m->rowptr[i + 1] += m->rowptr[i];
    ck_assert_int_eq(trec_csr_validate(m, "test", &err), 0);
}

/* 5 rows x 6 columns: row lengths 3, 0, 1, 2, 0; column 4 and 5 unused. */
START_TEST(summary)
{
    int r[] = {0, 0, 0, 2, 3, 3};
    int c[] = {0, 1, 3, 1, 0, 2};
    float v[] = {4, 3.5f, 4, 1, 5, 0.5f};
    int64_t t[] = {300, 100, 200, 50, 400, 150};
    trec_csr m;
    trec_matrix_stats s;
    trec_error err;
    build(&m, 5, 6, 6, r, c, v, t);
    ck_assert_int_eq(trec_matrix_stats_compute(&m, &s, &err), 0);
    ck_assert_uint_eq(s.rows, 5);
    ck_assert_uint_eq(s.cols, 6);
    ck_assert_uint_eq(s.nnz, 6);
    ck_assert_double_eq_tol(s.density, 6.0 / 30, 1e-15);
    ck_assert(s.vmin == 0.5f);
    ck_assert(s.vmax == 5);
    ck_assert_double_eq_tol(s.vmean, 18.0 / 6, 1e-12);
    ck_assert_uint_eq(s.distinct, 5);
    ck_assert_int_eq(s.distinct_over, 0);
    float want[] = {0.5f, 1, 3.5f, 4, 5};
    for (int i = 0; i < 5; i++)
        ck_assert(s.distinct_values[i] == want[i]);
    ck_assert_uint_eq(s.empty_rows, 2);
    ck_assert_uint_eq(s.empty_cols, 2);
    /* row counts 3 0 1 2 0 -> 0 0 1 2 3 */
    ck_assert_uint_eq(s.per_row.min, 0);
    ck_assert_uint_eq(s.per_row.max, 3);
    ck_assert_double_eq(s.per_row.median, 1);
    /* column counts 2 2 1 1 0 0 -> median of 0 0 1 1 2 2 is 1 */
    ck_assert_uint_eq(s.per_col.min, 0);
    ck_assert_uint_eq(s.per_col.max, 2);
    ck_assert_double_eq(s.per_col.median, 1);
    ck_assert_int_eq(s.has_times, 1);
    ck_assert_int_eq(s.tmin, 50);
    ck_assert_int_eq(s.tmax, 400);
    trec_csr_free(&m);
}
END_TEST

START_TEST(even_median_is_the_mean_of_the_middle_two)
{
    uint64_t counts[] = {7, 1, 4, 2};
    trec_count_summary s = trec_count_summarize(counts, 4);
    ck_assert_double_eq(s.median, 3);
    ck_assert_uint_eq(s.min, 1);
    ck_assert_uint_eq(s.max, 7);
    uint64_t one[] = {9};
    s = trec_count_summarize(one, 1);
    ck_assert_double_eq(s.median, 9);
    s = trec_count_summarize(NULL, 0);
    ck_assert_uint_eq(s.max, 0);
}
END_TEST

START_TEST(empty_and_untimed)
{
    trec_csr m;
    trec_matrix_stats s;
    trec_error err;
    build(&m, 3, 4, 0, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(trec_matrix_stats_compute(&m, &s, &err), 0);
    ck_assert_double_eq(s.density, 0);
    ck_assert_uint_eq(s.distinct, 0);
    ck_assert_uint_eq(s.empty_rows, 3);
    ck_assert_uint_eq(s.empty_cols, 4);
    ck_assert_int_eq(s.has_times, 0);
    trec_csr_free(&m);
    build(&m, 0, 0, 0, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(trec_matrix_stats_compute(&m, &s, &err), 0);
    ck_assert_double_eq(s.density, 0);
    ck_assert_uint_eq(s.per_row.max, 0);
    trec_csr_free(&m);
}
END_TEST

START_TEST(many_distinct_values)
{
    enum { N = TREC_STATS_MAX_DISTINCT + 5 };
    int r[N], c[N];
    float v[N];
    for (int i = 0; i < N; i++)
        r[i] = 0, c[i] = i, v[i] = (float)(N - i) / 4; /* decreasing */
    trec_csr m;
    trec_matrix_stats s;
    trec_error err;
    build(&m, 1, N, N, r, c, v, NULL);
    ck_assert_int_eq(trec_matrix_stats_compute(&m, &s, &err), 0);
    ck_assert_int_eq(s.distinct_over, 1);
    ck_assert_uint_eq(s.distinct, TREC_STATS_MAX_DISTINCT + 1);
    ck_assert(s.vmin == 0.25f);
    ck_assert(s.vmax == (float)N / 4);
    trec_csr_free(&m);
    /* exactly the maximum: still listed, in increasing order */
    build(&m, 1, N, TREC_STATS_MAX_DISTINCT, r, c, v, NULL);
    ck_assert_int_eq(trec_matrix_stats_compute(&m, &s, &err), 0);
    ck_assert_int_eq(s.distinct_over, 0);
    ck_assert_uint_eq(s.distinct, TREC_STATS_MAX_DISTINCT);
    for (int i = 1; i < TREC_STATS_MAX_DISTINCT; i++)
        ck_assert(s.distinct_values[i - 1] < s.distinct_values[i]);
    trec_csr_free(&m);
}
END_TEST

START_TEST(negative_zero_counts_once)
{
    int r[] = {0, 0, 0}, c[] = {0, 1, 2};
    float v[] = {-0.0f, 0.0f, 1};
    trec_csr m;
    trec_matrix_stats s;
    trec_error err;
    build(&m, 1, 3, 3, r, c, v, NULL);
    ck_assert_int_eq(trec_matrix_stats_compute(&m, &s, &err), 0);
    ck_assert_uint_eq(s.distinct, 2);
    ck_assert(!signbit(s.distinct_values[0]));
    trec_csr_free(&m);
}
END_TEST

static const char *fmt(float v)
{
    static char buf[32];
    trec_format_float(v, buf, sizeof buf);
    return buf;
}

START_TEST(float_text_is_shortest_round_trip)
{
    ck_assert_str_eq(fmt(4), "4");
    ck_assert_str_eq(fmt(3.5f), "3.5");
    ck_assert_str_eq(fmt(0.1f), "0.1");
    ck_assert_str_eq(fmt(-2.25f), "-2.25");
    ck_assert_str_eq(fmt(1e-7f), "1e-07");
    ck_assert_str_eq(fmt(16777216.0f), "16777216");
    /* every float reads back exactly */
    float xs[] = {1.0f / 3, 3.14159274f, 1e30f, 1.17549435e-38f, 123456.789f};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        ck_assert(strtof(fmt(xs[i]), NULL) == xs[i]);
    ck_assert_str_eq(fmt(1.0f / 3), "0.33333334");
}
END_TEST

START_TEST(time_text_is_iso8601_utc)
{
    char buf[32];
    ck_assert_str_eq(trec_format_time(0, buf, sizeof buf), "1970-01-01T00:00:00Z");
    ck_assert_str_eq(trec_format_time(964982703, buf, sizeof buf), "2000-07-30T18:45:03Z");
    ck_assert_str_eq(trec_format_time(-1, buf, sizeof buf), "1969-12-31T23:59:59Z");
    ck_assert_str_eq(trec_format_time(INT64_MAX, buf, sizeof buf), "out-of-range");
}
END_TEST

static Suite *matrix_stats_suite(void)
{
    Suite *s = suite_create("matrix_stats");
    TCase *tc = tcase_create("matrix_stats");
    tcase_add_test(tc, summary);
    tcase_add_test(tc, even_median_is_the_mean_of_the_middle_two);
    tcase_add_test(tc, empty_and_untimed);
    tcase_add_test(tc, many_distinct_values);
    tcase_add_test(tc, negative_zero_counts_once);
    tcase_add_test(tc, float_text_is_shortest_round_trip);
    tcase_add_test(tc, time_text_is_iso8601_utc);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(matrix_stats_suite)
