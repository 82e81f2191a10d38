/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: strict number parsing (lib/number.h). The fast path must give
 * exactly strtof's result, and everything that is not a plain decimal
 * number must be refused. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

static int pf(const char *s, float *v)
{
    return trec_parse_float(s, strlen(s), v);
}

START_TEST(float_common_forms)
{
    const char *ok[] = {"4.0", "4.5", "0.5", "5", "-1.25", "+2", "3.", ".5",
                        "0", "-0", "10", "1234567", "0.000001", "99.99",
                        "1e3", "2.5E-1", "-7e+2", "123456789.123456789",
                        "0.1", "0.3", "16777217", "3.4e38"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        float v = -999, want = strtof(ok[i], NULL);
        ck_assert_msg(pf(ok[i], &v) == TREC_NUM_OK, "%s refused", ok[i]);
        ck_assert_msg(memcmp(&v, &want, sizeof v) == 0, "%s: %.9g, strtof %.9g",
                      ok[i], v, want);
    }
}
END_TEST

START_TEST(float_matches_strtof_on_many_values)
{
    /* Random short decimals, the fast path's domain, against strtof. */
    unsigned x = 12345;
    char buf[32];
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        unsigned ip = (x >> 8) % 100000, fp = (x >> 3) % 10000;
        int nd = (int)(x % 5);
        if (nd == 0)
            snprintf(buf, sizeof buf, "%s%u", (x & 1) ? "-" : "", ip);
        else
            snprintf(buf, sizeof buf, "%s%u.%0*u", (x & 1) ? "-" : "", ip, nd,
                     fp % (unsigned)pow(10, nd));
        float v, want = strtof(buf, NULL);
        ck_assert_int_eq(pf(buf, &v), TREC_NUM_OK);
        ck_assert_msg(memcmp(&v, &want, sizeof v) == 0, "%s", buf);
    }
}
END_TEST

START_TEST(float_rejects)
{
    const char *bad[] = {"", " ", "abc", "4.5x", " 4.5", "4.5 ", "nan", "NaN",
                         "inf", "-inf", "Infinity", "0x10", "1e", "1e+", ".",
                         "-", "+", "--1", "1..2", "1.2.3", "e5", "4,5", "1e5x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float v = 42;
        ck_assert_msg(pf(bad[i], &v) == TREC_NUM_SYNTAX, "'%s' accepted", bad[i]);
        ck_assert(v == 42);
    }
}
END_TEST

START_TEST(float_range)
{
    float v = 7;
    ck_assert_int_eq(pf("1e39", &v), TREC_NUM_RANGE);
    ck_assert_int_eq(pf("-3.5e38", &v), TREC_NUM_RANGE);
    ck_assert(v == 7);
    /* Underflow to a tiny or zero value is a number, not an error. */
    ck_assert_int_eq(pf("1e-50", &v), TREC_NUM_OK);
    ck_assert(v == 0.0f);
    ck_assert_str_eq(trec_number_problem(TREC_NUM_RANGE), "is out of range");
    ck_assert_str_eq(trec_number_problem(TREC_NUM_SYNTAX), "is not a number");
}
END_TEST

START_TEST(float_not_nul_terminated)
{
    const char s[] = "4.59";
    float v;
    ck_assert_int_eq(trec_parse_float(s, 3, &v), TREC_NUM_OK);
    ck_assert(v == 4.5f);
    ck_assert_int_eq(trec_parse_float("1234567890123e-3", 16, &v), TREC_NUM_OK);
    ck_assert(v == strtof("1234567890123e-3", NULL));
}
END_TEST

START_TEST(double_parse)
{
    double v;
    ck_assert_int_eq(trec_parse_double("0.1", 3, &v), TREC_NUM_OK);
    ck_assert(v == 0.1);
    ck_assert_int_eq(trec_parse_double("123456789.987654321", 19, &v), TREC_NUM_OK);
    ck_assert(v == strtod("123456789.987654321", NULL));
    ck_assert_int_eq(trec_parse_double("1e308", 5, &v), TREC_NUM_OK);
    ck_assert_int_eq(trec_parse_double("1e309", 5, &v), TREC_NUM_RANGE);
    ck_assert_int_eq(trec_parse_double("nan", 3, &v), TREC_NUM_SYNTAX);
}
END_TEST

static int pi(const char *s, int64_t *v)
{
    return trec_parse_int64(s, strlen(s), v);
}

START_TEST(int64_parse)
{
    int64_t v;
    ck_assert_int_eq(pi("964982703", &v), TREC_NUM_OK);
    ck_assert(v == 964982703);
    ck_assert_int_eq(pi("-5", &v), TREC_NUM_OK);
    ck_assert(v == -5);
    ck_assert_int_eq(pi("+0", &v), TREC_NUM_OK);
    ck_assert(v == 0);
    ck_assert_int_eq(pi("9223372036854775807", &v), TREC_NUM_OK);
    ck_assert(v == INT64_MAX);
    ck_assert_int_eq(pi("-9223372036854775808", &v), TREC_NUM_OK);
    ck_assert(v == INT64_MIN);
    v = 3;
    ck_assert_int_eq(pi("9223372036854775808", &v), TREC_NUM_RANGE);
    ck_assert_int_eq(pi("-9223372036854775809", &v), TREC_NUM_RANGE);
    ck_assert_int_eq(pi("99999999999999999999999", &v), TREC_NUM_RANGE);
    ck_assert(v == 3);
    const char *bad[] = {"", "-", "+", "1.0", "1e5", " 1", "1 ", "12a", "0x1",
                         "99999999999999999999x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(pi(bad[i], &v) == TREC_NUM_SYNTAX, "'%s' accepted", bad[i]);
}
END_TEST

static Suite *number_suite(void)
{
    Suite *s = suite_create("number");
    TCase *tc = tcase_create("parse");
    tcase_set_timeout(tc, 60); /* a loaded machine: correctness, not speed */
    tcase_add_test(tc, float_common_forms);
    tcase_add_test(tc, float_matches_strtof_on_many_values);
    tcase_add_test(tc, float_rejects);
    tcase_add_test(tc, float_range);
    tcase_add_test(tc, float_not_nul_terminated);
    tcase_add_test(tc, double_parse);
    tcase_add_test(tc, int64_parse);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(number_suite)
