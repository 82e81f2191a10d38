/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_csv.c - libFuzzer target: any bytes as a ratings file (several
 * dialects, small blocks so records straddle them, --skip-bad on and off), as
 * a movies.csv features file, and as the movies.csv of trec-recommend
 * --titles. Errors are fine; crashes, leaks and out-of-bounds reads are not. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static const char *seps[] = {NULL, "tab", "::", ";"};
    trec_error err;
    for (int v = 0; v < 4; v++) {
        trec_ingest_opts o;
        trec_ingest_opts_init(&o);
        o.sep = seps[v];
        o.block_size = 64;
        o.threads = 1 + (v & 1);
        o.skip_bad = v >= 2;
        trec_csr m;
        trec_ingest_stats st;
        if (trec_ingest_ratings_mem((const char *)data, len, "fuzz", &o, &m, &st, &err) == 0)
            trec_csr_free(&m);
    }
    trec_features_opts fo;
    trec_features_opts_init(&fo);
    fo.block_size = 64;
    trec_csr f;
    trec_features_stats fst;
    if (trec_item_features_mem((const char *)data, len, "fuzz", &fo, NULL, &f, &fst, &err) == 0)
        trec_csr_free(&f);
    trec_titles t;
    if (trec_titles_parse("fuzz", (const char *)data, len, &t, &err) == 0)
        trec_titles_free(&t);
    return 0;
}
