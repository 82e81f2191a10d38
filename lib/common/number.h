/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* number.h - fast, strict parsing of numbers from text fields (CSV cells,
 * command-line values).
 *
 * A field must be the number and nothing else: no surrounding spaces, no
 * trailing garbage, not empty. Accepted syntax is decimal only:
 *   [+-] digits [. digits]      or  [+-] . digits  or  [+-] digits .
 * optionally followed by an exponent e[+-]digits (floats only). Hex, "inf",
 * "nan" and the like are rejected, and so is any value that does not fit the
 * target type (a float beyond FLT_MAX, an integer beyond int64).
 *
 * The common case (a few digits, a few decimals: "4.5", "964982703") is
 * handled without strtod; anything else falls back to strtof/strtod on a
 * NUL-terminated copy, so results are always correctly rounded. */
#ifndef TREC_NUMBER_H
#define TREC_NUMBER_H

#include <stddef.h>
#include <stdint.h>

enum {
    TREC_NUM_OK = 0,
    TREC_NUM_SYNTAX = 1,  /* empty, not a decimal number, trailing garbage */
    TREC_NUM_RANGE = 2    /* syntactically fine, but does not fit the type */
};

/* Each returns TREC_NUM_OK and stores the value, or an error code and leaves
 * *out unchanged. s[0..n) need not be NUL-terminated. */
int trec_parse_float(const char *s, size_t n, float *out);
int trec_parse_double(const char *s, size_t n, double *out);
int trec_parse_int64(const char *s, size_t n, int64_t *out);

/* 1 when v, parsed from s[0..n), is not 0 but below the smallest normal
 * float (1e-50, 1e-40): it would be stored as 0 or lose its precision, so
 * readers refuse it rather than round it. */
int trec_float_underflows(float v, const char *s, size_t n);

/* "is not a number" / "is out of range" for an error code (for messages). */
const char *trec_number_problem(int code);

#endif
