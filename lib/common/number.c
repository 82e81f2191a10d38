/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* number.c - strict decimal parsing with a fast path for short numbers. */
#include "number.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Powers of ten that are exact in a float (5^10 < 2^24) and in a double
 * (5^22 < 2^53). */
static const float pow10f_exact[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
                                     1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
static const double pow10_exact[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                     1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                     1e22};

const char *trec_number_problem(int code)
{
    return code == TREC_NUM_RANGE ? "is out of range" : "is not a number";
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int trec_float_underflows(float v, const char *s, size_t n)
{
    if (fabsf(v) >= FLT_MIN)
        return 0;
    for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++)
        if (s[i] >= '1' && s[i] <= '9')
            return 1;
    return 0;
}

/* Checks the decimal syntax of s[0..n); returns 0 if valid. Also reports the
 * mantissa digits (up to 19, as an integer), the count of digits after the
 * point, and whether the simple form without exponent was used. */
typedef struct decimal {
    int neg;
    uint64_t mant;     /* the digits, ignoring the point (valid if ndigits <= 19) */
    int ndigits;       /* significant digits seen, leading zeros excluded */
    int frac;          /* digits after the point */
    int has_exp;
} decimal;

static int scan_decimal(const char *s, size_t n, int allow_exp, decimal *d)
{
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (i < n && (s[i] == '-' || s[i] == '+'))
        d->neg = s[i++] == '-';
    size_t int_digits = 0, frac_digits = 0;
    for (; i < n && is_digit(s[i]); i++, int_digits++) {
        if (d->mant == 0 && s[i] == '0')
            continue;
        if (d->ndigits < 19)
            d->mant = d->mant * 10 + (uint64_t)(s[i] - '0');
        d->ndigits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && is_digit(s[i]); i++, frac_digits++) {
            if (d->mant == 0 && s[i] == '0') {
                d->frac++;
                continue;
            }
            if (d->ndigits < 19)
                d->mant = d->mant * 10 + (uint64_t)(s[i] - '0');
            d->ndigits++;
            d->frac++;
        }
    }
    if (int_digits + frac_digits == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (!allow_exp)
            return -1;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t e = 0;
        for (; i < n && is_digit(s[i]); i++)
            e++;
        if (e == 0)
            return -1;
        d->has_exp = 1;
    }
    return i == n ? 0 : -1;
}

/* strtof/strtod on a NUL-terminated copy of an already validated field. */
static int slow_parse(const char *s, size_t n, int as_float, double *out)
{
    char small[128];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return TREC_NUM_RANGE;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double v = as_float ? (double)strtof(buf, NULL) : strtod(buf, NULL);
    int range = errno == ERANGE && (isinf(v) || v == HUGE_VAL || v == -HUGE_VAL);
    if (buf != small)
        free(buf);
    if (range || !isfinite(v))
        return TREC_NUM_RANGE;
    *out = v;
    return TREC_NUM_OK;
}

/* The usual rating: [-]digits[.digits], at most 9 digits in all. Returns 1
 * and the value if s is of that form, 0 otherwise (s may still be valid). */
static int quick_float(const char *s, size_t n, float *out)
{
    size_t i = s[0] == '-';
    uint32_t mant = 0;
    int digits = 0, frac = 0, point = 0;
    if (n - i == 0 || n - i > 10)
        return 0;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d <= 9) {
            mant = mant * 10 + d;
            digits++;
            frac += point;
        } else if (s[i] == '.' && !point) {
            point = 1;
        } else {
            return 0;
        }
    }
    if (digits == 0 || digits > 7 || (point && frac == 0))
        return 0;
    /* mant < 10^7 < 2^24 and 10^frac are exact floats: one rounding. */
    float v = (float)mant / pow10f_exact[frac];
    *out = s[0] == '-' ? -v : v;
    return 1;
}

int trec_parse_float(const char *s, size_t n, float *out)
{
    if (n > 0 && quick_float(s, n, out))
        return TREC_NUM_OK;
    decimal d;
    if (scan_decimal(s, n, 1, &d) != 0)
        return TREC_NUM_SYNTAX;
    /* One correctly rounded float division of two exact floats. */
    if (!d.has_exp && d.ndigits <= 19 && d.mant < (1u << 24) && d.frac <= 10) {
        float v = (float)d.mant / pow10f_exact[d.frac];
        *out = d.neg ? -v : v;
        return TREC_NUM_OK;
    }
    double v;
    int r = slow_parse(s, n, 1, &v);
    if (r == TREC_NUM_OK)
        *out = (float)v;
    return r;
}

int trec_parse_double(const char *s, size_t n, double *out)
{
    decimal d;
    if (scan_decimal(s, n, 1, &d) != 0)
        return TREC_NUM_SYNTAX;
    if (!d.has_exp && d.ndigits <= 19 && d.mant < (1ull << 53) && d.frac <= 22) {
        double v = (double)d.mant / pow10_exact[d.frac];
        *out = d.neg ? -v : v;
        return TREC_NUM_OK;
    }
    return slow_parse(s, n, 0, out);
}

int trec_parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return TREC_NUM_SYNTAX;
    if (n - i <= 18) { /* cannot overflow: no per-digit range check */
        int64_t v = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned char)s[i] - '0';
            if (d > 9)
                return TREC_NUM_SYNTAX;
            v = v * 10 + (int64_t)d;
        }
        *out = neg ? -v : v;
        return TREC_NUM_OK;
    }
    uint64_t v = 0;
    /* Magnitude limit: 2^63 - 1, or 2^63 for a negative number. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int range = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return TREC_NUM_SYNTAX;
        uint64_t dgt = (uint64_t)(s[i] - '0');
        if (v > (limit - dgt) / 10)
            range = 1; /* keep scanning: trailing garbage is a syntax error */
        else
            v = v * 10 + dgt;
    }
    if (range)
        return TREC_NUM_RANGE;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return TREC_NUM_OK;
}
