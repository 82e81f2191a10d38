/* fuzz_csv.c - libFuzzer target: any bytes as a ratings file (several
 * dialects, small blocks so records straddle them, --skip-bad on and off), as
 * a movies.csv features file, and as the movies.csv of trec-recommend
 * --titles. Errors are fine; crashes, leaks and out-of-bounds reads are not.
 *
 * The first byte picks the reader ('0'..'5', or any byte modulo 6), the rest
 * is the file: one reader per execution makes an execution several times
 * cheaper and lets coverage tell the readers apart. make fuzz seeds every
 * sample file once per reader. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* One execution allocates a few hundred KiB: a 16 MiB quarantine still
 * catches a use after free within it, and the default 256 MiB made every
 * allocation touch fresh pages (most of the time went to page faults).
 * ASAN_OPTIONS still overrides this. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=16";
}

static void ratings(const char *data, size_t len, int v)
{
    static const char *seps[] = {NULL, "tab", "::", ";"};
    trec_ingest_opts o;
    trec_ingest_opts_init(&o);
    o.sep = seps[v];
    o.block_size = 64;
    o.threads = 1 + (v & 1);
    o.skip_bad = v >= 2;
    trec_csr m;
    trec_ingest_stats st;
    trec_error err;
    if (trec_ingest_ratings_mem(data, len, "fuzz", &o, &m, &st, &err) == 0)
        trec_csr_free(&m);
}

static void features(const char *data, size_t len)
{
    trec_features_opts fo;
    trec_features_opts_init(&fo);
    fo.block_size = 64;
    trec_csr f;
    trec_features_stats fst;
    trec_error err;
    if (trec_item_features_mem(data, len, "fuzz", &fo, NULL, &f, &fst, &err) == 0)
        trec_csr_free(&f);
}

static void titles(const char *data, size_t len)
{
    trec_titles t;
    trec_error err;
    if (trec_titles_parse("fuzz", data, len, &t, &err) == 0)
        trec_titles_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len == 0)
        return 0;
    int mode = data[0] % 6;
    const char *text = (const char *)data + 1;
    len--;
    if (mode < 4)
        ratings(text, len, mode);
    else if (mode == 4)
        features(text, len);
    else
        titles(text, len);
    return 0;
}
