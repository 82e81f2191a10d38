/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* blis_arch.c - BLIS's kernels on AMD CPUs newer than it knows.
 *
 * BLIS 0.9 (Debian 12's libblis4) recognises AMD families 0x17 (Zen, Zen 2)
 * and 0x19 (Zen 3, Zen 4) only: on a Zen 5 (family 0x1A) it falls back to
 * its "generic" reference kernels, measured 2-3 times slower than its Zen 3
 * kernels on the same CPU (README, Speed). Unless the user chose
 * (BLIS_ARCH_TYPE set), trec selects the Zen 3 kernels for an AMD CPU of a
 * later family with AVX2 and FMA, before BLIS initialises (it reads the
 * variable once). Scores then come from other kernels than the generic ones
 * (last bits), the same for every run and thread count on that machine. */
#include "blis_arch.h"

#include <stdio.h>
#include <stdlib.h>

#include <blis.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

static unsigned amd_family(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d) || b != 0x68747541u) /* "Auth"enticAMD */
        return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    unsigned family = (a >> 8) & 0xF;
    return family == 0xF ? family + ((a >> 20) & 0xFF) : family;
}
#endif

void trec_blis_arch_default(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && defined(BLIS_CONFIG_ZEN3)
    if (getenv("BLIS_ARCH_TYPE"))
        return;
    __builtin_cpu_init();
    if (amd_family() > 0x19 && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma")) {
        char v[16];
        snprintf(v, sizeof v, "%d", (int)BLIS_ARCH_ZEN3);
        setenv("BLIS_ARCH_TYPE", v, 0);
    }
#endif
}
