/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_float_text.c - trec_format_float against the printf reference: the
 * same bytes for edge cases and many random floats, reading back exactly. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "dump.h"

/* The reference: the shortest "%.Ng" (N from the integral part's digits to
 * 9) that strtof reads back as v; inf, -inf and nan as such. */
static size_t reference(float v, char *buf)
{
    if (!isfinite(v))
        return (size_t)snprintf(buf, 32, "%s", v != v ? "nan" : v < 0 ? "-inf" : "inf");
    double a = fabs((double)v);
    int first = a >= 1 ? (int)floor(log10(a)) + 1 : 1;
    int n = 0;
    for (int prec = first > 9 ? 9 : first; prec <= 9; prec++) {
        n = snprintf(buf, 32, "%.*g", prec, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    return (size_t)n;
}

static float from_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

/* Fails with the float's bits and both texts when they differ. */
static void same_as_reference(float v)
{
    char want[32], got[32];
    size_t wn = reference(v, want);
    memset(got, 'x', sizeof got);
    size_t gn = trec_format_float(v, got, sizeof got);
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    ck_assert_msg(gn == wn && strcmp(got, want) == 0, "0x%08x: got '%s' (%zu), want '%s' (%zu)",
                  bits, got, gn, want, wn);
    if (isfinite(v))
        ck_assert_msg(strtof(got, NULL) == v && signbit(strtof(got, NULL)) == signbit(v),
                      "0x%08x: '%s' does not read back", bits, got);
}

/* v and its two neighbours, both signs */
static void around(float v)
{
    float xs[] = {v, nextafterf(v, INFINITY), nextafterf(v, -INFINITY)};
    for (int i = 0; i < 3; i++) {
        same_as_reference(xs[i]);
        same_as_reference(-xs[i]);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t next_u32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

START_TEST(special_values_as_before)
{
    char b[32];
    ck_assert_uint_eq(trec_format_float(INFINITY, b, sizeof b), 3);
    ck_assert_str_eq(b, "inf");
    trec_format_float(-INFINITY, b, sizeof b);
    ck_assert_str_eq(b, "-inf");
    trec_format_float(NAN, b, sizeof b);
    ck_assert_str_eq(b, "nan");
    trec_format_float(-NAN, b, sizeof b);
    ck_assert_str_eq(b, "nan");
    trec_format_float(0.0f, b, sizeof b);
    ck_assert_str_eq(b, "0");
    trec_format_float(-0.0f, b, sizeof b);
    ck_assert_str_eq(b, "-0");
    /* the layouts of %g: fixed from 1e-4 on, exponents of two digits or more */
    trec_format_float(1e-4f, b, sizeof b);
    ck_assert_str_eq(b, "0.0001");
    trec_format_float(1e-5f, b, sizeof b);
    ck_assert_str_eq(b, "1e-05");
    trec_format_float(123456789.0f, b, sizeof b); /* a float: 123456792 */
    ck_assert_str_eq(b, "123456792");
    trec_format_float(1e10f, b, sizeof b);
    ck_assert_str_eq(b, "1e+10");
    trec_format_float(-2.5e-38f, b, sizeof b);
    ck_assert_str_eq(b, "-2.5e-38");
    trec_format_float(FLT_TRUE_MIN, b, sizeof b);
    ck_assert_str_eq(b, "1e-45");
    trec_format_float(FLT_MAX, b, sizeof b);
    ck_assert_str_eq(b, "3.40282347e+38");
    /* as snprintf: truncated to the buffer, the whole length returned */
    ck_assert_uint_eq(trec_format_float(0.333333343f, b, 4), 10);
    ck_assert_str_eq(b, "0.3");
}
END_TEST

START_TEST(edge_cases_match_reference)
{
    same_as_reference(0.0f);
    same_as_reference(-0.0f);
    same_as_reference(INFINITY);
    same_as_reference(-INFINITY);
    same_as_reference(NAN);
    around(FLT_MIN);
    around(FLT_TRUE_MIN);
    around(FLT_MAX);
    /* subnormals */
    for (uint32_t b = 1; b < 0x800000u; b = b * 3 + 1)
        same_as_reference(from_bits(b));
    /* every power of two, and the ends of the exact path's range */
    for (int e = -149; e <= 127; e++)
        around(ldexpf(1.0f, e));
    for (int e = -70; e <= -64; e++)
        around(ldexpf(1.5f, e));
    for (int e = 118; e <= 122; e++)
        around(ldexpf(1.75f, e));
    /* every power of ten as a float, and halves: ties when rounding digits */
    for (int p = -45; p <= 38; p++) {
        around((float)pow(10, p));
        around((float)(5 * pow(10, p)));
        around((float)(2.5 * pow(10, p)));
    }
    /* integers, and the floats with few digits */
    for (int i = 0; i <= 20000; i++) {
        same_as_reference((float)i);
        same_as_reference((float)i / 100);
        same_as_reference((float)i / 1024);
    }
    for (float f = 16777216.0f; f < 2e10f; f *= 1.37f)
        around(f);
}
END_TEST

START_TEST(random_bits_match_reference)
{
    for (int i = 0; i < 200000; i++) {
        float v = from_bits(next_u32());
        same_as_reference(v);
    }
}
END_TEST

START_TEST(random_scores_match_reference)
{
    /* the range recommendation scores live in */
    for (int i = 0; i < 200000; i++) {
        float v = (float)((next_u32() / 4294967296.0 - 0.5) * 40);
        same_as_reference(v);
        same_as_reference(v * 1e-3f);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("float_text");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, special_values_as_before);
    tcase_add_test(t, edge_cases_match_reference);
    tcase_add_test(t, random_bits_match_reference);
    tcase_add_test(t, random_scores_match_reference);
    suite_add_tcase(s, t);
    return s;
}

TREC_CHECK_MAIN(suite)
