/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* rng.h - the seeded random number generator behind every random choice in
 * trec (splits, initialisation, sampling): xoshiro256** seeded through
 * splitmix64. Same seed, same sequence, on every platform. */
#ifndef TREC_RNG_H
#define TREC_RNG_H

#include <stdint.h>

typedef struct trec_rng {
    uint64_t s[4];
} trec_rng;

void trec_rng_seed(trec_rng *r, uint64_t seed);
/* An independent stream for worker `stream` (e.g. a thread or a user). */
void trec_rng_seed_stream(trec_rng *r, uint64_t seed, uint64_t stream);
uint64_t trec_rng_next(trec_rng *r);
/* The same step, inlined (for loops that draw per element). */
static inline uint64_t trec_rng_next_inline(trec_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5, result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}
/* Uniform in [0, 1), 53 random bits. */
double trec_rng_uniform(trec_rng *r);
/* Uniform integer in [0, n), unbiased (n > 0). */
uint64_t trec_rng_below(trec_rng *r, uint64_t n);
/* Standard normal (Box-Muller). */
double trec_rng_normal(trec_rng *r);

#endif
