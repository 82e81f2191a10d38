/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* float_text.c - trec_format_float: the shortest "%.Ng" text (N <= 9) of a
 * float32 that strtof reads back as the same float.
 *
 * Trying "%.*g" and strtof for N = 1, 2, ... costs about 2 us a number,
 * which dominated printing a million recommendations. Here every try is exact
 * integer arithmetic on 128 bits, with the same result byte for byte:
 *   - the float is m * 2^e; scaled by 10^s it has an integral part F of 9 or
 *     10 digits, and the fraction dropped is known against one half;
 *   - the N-digit candidate is F rounded to N digits, half to even on an
 *     exact tie (as glibc's printf rounds the exact binary value);
 *   - it reads back as the float iff it lies strictly between the midpoints
 *     to the float's neighbours, or on one of them when m is even (strtof
 *     rounds ties to even);
 *   - the digits are laid out as %g lays them out (fixed notation when the
 *     exponent X satisfies -4 <= X < N, trailing zeros removed).
 * Floats whose products would not fit in 128 bits (|v| below 2^-67, about
 * 7e-21, subnormals included, or of 2^120, about 1.3e36, and above) take the
 * printf path, as do inf and nan. */
#include "dump.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

static const uint64_t pow10_64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

static u128 pow10_128(int n) /* 0 <= n <= 38 */
{
    return n < 20 ? pow10_64[n] : (u128)pow10_64[19] * pow10_64[n - 19];
}

/* The printf way: up to nine "%.*g" + strtof. For the floats outside the
 * exact path's range; returns the length, text in buf[32]. */
static size_t shortest_printf(float v, char *buf)
{
    /* 9 significant digits always round-trip a float32; try fewer first,
     * but not fewer than the integral part has (20, not 2e+01). */
    double a = fabs((double)v);
    int first = a >= 1 ? (int)floor(log10(a)) + 1 : 1;
    int n = 0;
    for (int prec = first > 9 ? 9 : first; prec <= 9; prec++) {
        n = snprintf(buf, 32, "%.*g", prec, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    return n > 0 ? (size_t)n : 0;
}

/* The text %.Pg gives for the P-digit decimal q * 10^(X - P + 1)
 * (10^(P-1) <= q < 10^P) into out; returns its length. */
static size_t layout_g(int neg, uint64_t q, int p, int x, char *out)
{
    char d[10];
    for (int i = p - 1; i >= 0; i--) {
        d[i] = (char)('0' + q % 10);
        q /= 10;
    }
    int nd = p; /* digits up to the last nonzero one */
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    char *o = out;
    if (neg)
        *o++ = '-';
    if (x < -4 || x >= p) {
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        int ax = abs(x);
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        if (ax >= 100)
            *o++ = (char)('0' + ax / 100);
        *o++ = (char)('0' + ax / 10 % 10);
        *o++ = (char)('0' + ax % 10);
    } else if (x >= 0) {
        memcpy(o, d, (size_t)x + 1);
        o += x + 1;
        if (nd > x + 1) {
            *o++ = '.';
            memcpy(o, d + x + 1, (size_t)(nd - x - 1));
            o += nd - x - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)nd);
        o += nd;
    }
    return (size_t)(o - out);
}

/* The exact path (see the top); returns 0 when v is outside its range. */
static size_t shortest_exact(float v, char *out)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    int neg = (int)(bits >> 31), be = (int)(bits >> 23 & 0xff);
    uint32_t frac = bits & 0x7fffff;
    if (be == 0 && frac == 0)
        return layout_g(neg, 0, 1, 0, out); /* "%.1g": 0 or -0 */
    int e = be - 150;
    if (be == 0 || e < -90 || e > 96)
        return 0;
    uint64_t m = frac | 0x800000u;
    /* 2^b <= |v| < 2^(b+1); 10^e0 <= 2^b, so |v| < 2 * 10^(e0+1) */
    int b = e + 23;
    int e0 = (int)floor(b * 0.30102999566398120);
    int s = 8 - e0; /* |v| * 10^s is in [10^8, 2 * 10^10) */

    /* F = floor(|v| * 10^s); half: the dropped fraction against 1/2 (-1, 0,
     * 1); rest: whether it is nonzero */
    uint64_t f;
    int half, rest;
    if (s >= 0) {
        u128 n = (u128)m * pow10_128(s);
        if (e >= 0) {
            f = (uint64_t)(n << e);
            half = -1;
            rest = 0;
        } else {
            u128 r = n & (((u128)1 << -e) - 1), h = (u128)1 << (-e - 1);
            f = (uint64_t)(n >> -e);
            half = r < h ? -1 : r > h;
            rest = r != 0;
        }
    } else {
        u128 n = (u128)m << e, p = pow10_128(-s), r = n % p;
        f = (uint64_t)(n / p);
        half = 2 * r < p ? -1 : 2 * r > p;
        rest = r != 0;
    }
    int nd = f >= pow10_64[9] ? 10 : 9;
    int x = e0 + nd - 9; /* the decimal exponent of |v|'s first digit */

    /* A candidate Q / 10^s against the midpoints (4m -/+ 2) * 2^(e-2) (4m - 1
     * below a power of two, where the gap below is half as wide), all scaled
     * to integers: Q * 4 * 2^max(0,-e) * 10^max(0,-s) against
     * c * 2^max(0,e) * 10^max(0,s). */
    int qshift = 2 + (e < 0 ? -e : 0);
    u128 qmul = s < 0 ? pow10_128(-s) : 1;
    u128 cmul = s > 0 ? pow10_128(s) : 1;
    int cshift = e > 0 ? e : 0;
    u128 hi = ((u128)(4 * m + 2) * cmul) << cshift;
    u128 lo = ((u128)(4 * m - (frac == 0 && be > 1 ? 1 : 2)) * cmul) << cshift;
    int even = !(m & 1);

    /* F / 10^k and F % 10^k for every k, by divisions by the constant 10
     * (a division by a variable per try costs more than the rest of it) */
    uint64_t fq[11], fr[11];
    fq[0] = f;
    fr[0] = 0;
    for (int k = 0; k < nd; k++) {
        fq[k + 1] = fq[k] / 10;
        fr[k + 1] = fr[k] + fq[k] % 10 * pow10_64[k];
    }
    int start = x + 1 < 1 ? 1 : x + 1 > 9 ? 9 : x + 1;
    for (int p = start; p <= 9; p++) {
        uint64_t d = pow10_64[nd - p], q = fq[nd - p], r = fr[nd - p];
        int up = d == 1 ? half > 0 || (half == 0 && (q & 1))
                        : r > d / 2 || (r == d / 2 && (rest || (q & 1)));
        q += (uint64_t)up;
        u128 c = ((u128)q * d * qmul) << qshift;
        if ((c > lo && c < hi) || ((c == lo || c == hi) && even)) {
            if (q == pow10_64[p]) /* rounded up to the next power of ten */
                return layout_g(neg, q / 10, p, x + 1, out);
            return layout_g(neg, q, p, x, out);
        }
    }
    return 0; /* cannot happen: 9 digits always read back */
}

size_t trec_format_float(float v, char *buf, size_t size)
{
    char t[32];
    size_t n;
    if (!isfinite(v)) {
        const char *s = v != v ? "nan" : v < 0 ? "-inf" : "inf";
        n = strlen(s);
        memcpy(t, s, n + 1);
    } else if ((n = shortest_exact(v, t)) == 0) {
        n = shortest_printf(v, t);
    }
    if (size > 0) { /* as snprintf: truncated to fit, the full length returned */
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(buf, t, c);
        buf[c] = '\0';
    }
    return n;
}
