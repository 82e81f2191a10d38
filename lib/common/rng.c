/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* rng.c - xoshiro256** (Blackman & Vigna), seeded with splitmix64. */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void trec_rng_seed(trec_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

void trec_rng_seed_stream(trec_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ 0xD1B54A32D192ED03ull;
    uint64_t mixed = splitmix64(&x) ^ (stream * 0x9E3779B97F4A7C15ull);
    trec_rng_seed(r, mixed + stream);
}

uint64_t trec_rng_next(trec_rng *r)
{
    return trec_rng_next_inline(r);
}

double trec_rng_uniform(trec_rng *r)
{
    return (double)(trec_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t trec_rng_below(trec_rng *r, uint64_t n)
{
    /* Rejection sampling on the top of the range avoids modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = trec_rng_next(r);
    while (x >= limit);
    return x % n;
}

double trec_rng_normal(trec_rng *r)
{
    double u1 = trec_rng_uniform(r), u2 = trec_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
