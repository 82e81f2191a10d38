/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* blis_arch.h - choosing BLIS's kernels where its own choice is poor (see
 * blis_arch.c). Runs before main() in every program linked with libtrec. */
#ifndef TREC_BLIS_ARCH_H
#define TREC_BLIS_ARCH_H

/* Sets BLIS_ARCH_TYPE to BLIS's Zen 3 kernels on AMD CPUs newer than BLIS
 * knows (with AVX2 and FMA), unless already set. */
void trec_blis_arch_default(void);

#endif
