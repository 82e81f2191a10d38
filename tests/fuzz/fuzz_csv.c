/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_csv.c - libFuzzer target for the text readers: any bytes as a
 * ratings file (several dialects, small blocks so records straddle them,
 * --skip-bad on and off), a movies.csv features file, trec-recommend's
 * --titles (CSV, and "::" Latin-1), --history and --liked (fold-in), an id
 * list (--users, --allow-items, --deny-items) looked up in a model's labels,
 * and trec-eval's --history file. Errors are fine; crashes, leaks and
 * out-of-bounds reads are not. The ratings modes also tokenize the text
 * with the plain tokenizer and with libcsv, and abort if the records,
 * lines or verdicts differ.
 *
 * The first byte picks the reader ('0'..'9', any byte minus '0' modulo 10),
 * the rest is the file: one reader per execution makes an execution several
 * times cheaper and lets coverage tell the readers apart. make fuzz seeds
 * every sample file once per reader. */
#include <stdint.h>
#include <stdlib.h>
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

/* A digest of what a tokenizer reports: each record's line, field count and
 * stored fields, then its return code and line count or error line. */
typedef struct digest { uint64_t h; } digest;

static void mix(digest *g, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        g->h = (g->h ^ b[i]) * 1099511628211ULL;
}

static int digest_record(void *ctx, const trec_ingest_field *f, size_t nf, uint64_t line,
                         trec_error *err)
{
    (void)err;
    digest *g = ctx;
    mix(g, &line, sizeof line);
    mix(g, &nf, sizeof nf);
    for (size_t i = 0; i < nf && i < 4; i++) {
        mix(g, &f[i].n, sizeof f[i].n);
        mix(g, f[i].p, f[i].n);
    }
    return 0;
}

static uint64_t tokenize_digest(const trec_ingest_dialect *d, const char *data, size_t len,
                                int mode)
{
    trec_ingest_block b;
    memset(&b, 0, sizeof b);
    b.text = malloc(len + 1);
    if (!b.text)
        abort();
    memcpy(b.text, data, len);
    b.text[len] = '\n';
    b.len = len;
    b.last = 1;
    trec_ingest_block_prepare(d, &b);
    digest g = {14695981039346656037ULL};
    uint64_t nlines = 0, err_line = 0;
    trec_error err;
    trec_ingest_reader_force_libcsv(mode);
    int rc = trec_ingest_tokenize(d, &b, 4, digest_record, &g, &nlines, &err_line, &err);
    trec_ingest_reader_force_libcsv(0);
    mix(&g, &rc, sizeof rc);
    uint64_t where = rc ? err_line : nlines;
    mix(&g, &where, sizeof where);
    free(b.text);
    return g.h;
}

/* The plain tokenizer against libcsv taking the block whole (and, where
 * quoting is on, line by line). Texts with the quote character go through
 * libcsv whichever way is asked for: nothing to compare there. */
static void tokenizers_agree(const char *data, size_t len, const char *sep)
{
    trec_ingest_dialect d;
    trec_error err;
    if (trec_ingest_dialect_init(&d, sep, NULL, &err) != 0)
        abort();
    uint64_t plain = tokenize_digest(&d, data, len, 0);
    if (plain != tokenize_digest(&d, data, len, 2))
        abort();
    if (d.quote >= 0 && plain != tokenize_digest(&d, data, len, 1))
        abort();
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
    tokenizers_agree(data, len, seps[v]);
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

static void titles(const char *data, size_t len, int dat)
{
    trec_titles_opts to = {dat ? "::" : NULL, dat};
    trec_titles t;
    trec_error err;
    if (trec_titles_parse_opts("fuzz", data, len, &to, &t, &err) == 0)
        trec_titles_free(&t);
}

/* The item labels of a small model: ids as numbers and as text. */
static const char label_blob[] = "1231050movieé x";
static const uint64_t label_off[] = {0, 1, 2, 3, 5, 7, 12, 16};
static const trec_labels labels = {7, label_off, label_blob};

/* Fold-in: the text as a history file, and as the ids of --liked, for a
 * model with item labels (on odd lengths) or without (ids are numbers). */
static void history(const char *data, size_t len)
{
    trec_model m;
    memset(&m, 0, sizeof m);
    m.n_items = labels.count;
    if (len & 1)
        m.item_labels = labels;
    trec_history hs;
    trec_error err;
    if (trec_history_parse(&hs, &m, "fuzz", data, len, &err) == 0)
        trec_history_free(&hs);
    char *ids = malloc(len + 1);
    if (!ids)
        return;
    memcpy(ids, data, len);
    ids[len] = 0;
    if (trec_history_liked(&hs, &m, ids, &err) == 0)
        trec_history_free(&hs);
    free(ids);
}

static void idlist(const char *data, size_t len)
{
    trec_idlist l;
    trec_error err;
    if (trec_idlist_parse("fuzz", data, len, &l, &err) != 0)
        return;
    static const trec_labels none = {0, NULL, NULL};
    for (int k = 0; k < 2; k++) {
        int64_t *idx = NULL, first;
        uint64_t unknown;
        if (trec_idlist_lookup(&l, k ? &labels : &none, labels.count, &idx, &unknown,
                               &first, &err) == 0)
            free(idx);
    }
    trec_idlist_free(&l);
}

static void eval_history(const char *data, size_t len)
{
    char *buf = malloc(len + 1);   /* taken over by h */
    if (!buf)
        return;
    memcpy(buf, data, len);
    buf[len] = 0;
    trec_eval_history h;
    trec_error err;
    trec_eval_history_parse(buf, len, "fuzz", &h, &err);
    trec_eval_history_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len == 0)
        return 0;
    int mode = (uint8_t)(data[0] - '0') % 10;
    const char *text = (const char *)data + 1;
    len--;
    switch (mode) {
    case 4: features(text, len); break;
    case 5: titles(text, len, 0); break;
    case 6: titles(text, len, 1); break;
    case 7: history(text, len); break;
    case 8: idlist(text, len); break;
    case 9: eval_history(text, len); break;
    default: ratings(text, len, mode);
    }
    return 0;
}
