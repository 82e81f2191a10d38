/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest.c - ratings text -> users x items CSR: the driver.
 *
 * Pipeline: read blocks (ingest_reader.c) until one holds a record, which
 * decides the header and the columns (ingest_config.c) -> parse each block
 * into its own arrays with block-local id maps, in parallel
 * (ingest_parse.c) -> gather the blocks' line counts, errors and warnings in
 * file order -> assemble the CSR: global ids in file order, rows counted,
 * entries scattered, rows sorted and duplicates merged (ingest_assemble.c,
 * ingest_sort.c). */
#include "ingest.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest_assemble.h"
#include "ingest_config.h"
#include "ingest_parse.h"
#include "ingest_reader.h"
#include "parallel.h"

void trec_ingest_opts_init(trec_ingest_opts *o)
{
    memset(o, 0, sizeof *o);
    o->header = -1;
    o->duplicates = TREC_DUP_LAST;
}

int trec_dup_policy_parse(const char *s, trec_dup_policy *p)
{
    static const char *const names[] = {"last", "max", "sum", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *p = (trec_dup_policy)i;
            return 0;
        }
    return -1;
}

int trec_new_ids_parse(const char *s, trec_new_ids *p)
{
    static const char *const names[] = {"append", "drop", "error"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *p = (trec_new_ids)i;
            return 0;
        }
    return -1;
}

/* One ingest: the configuration and the blocks read so far, in file order. */
typedef struct run {
    trec_ingest_config c;
    trec_ingest_ncpool ncpool;
    trec_ingest_part **parts;
    size_t n, cap;
} run;

static int add_part(run *R, trec_ingest_block *text, trec_error *err)
{
    if (R->n == R->cap) {
        size_t cap = R->cap ? R->cap * 2 : 16;
        trec_ingest_part **p = trec_realloc(R->parts, cap * sizeof *p, err);
        if (!p)
            return -1;
        R->parts = p;
        R->cap = cap;
    }
    trec_ingest_part *b = trec_ingest_part_new(&R->c, text, err);
    if (!b)
        return -1;
    R->parts[R->n++] = b;
    return 0;
}

/* Reads the next block into R: 1, 0 at the end of the input, -1 on error. */
static int read_part(run *R, trec_ingest_reader *rd, trec_error *err)
{
    trec_ingest_block b;
    int got = trec_ingest_reader_next(rd, &b, err);
    if (got > 0 && add_part(R, &b, err) != 0) {
        trec_ingest_block_free(&b);
        return -1;
    }
    return got;
}

static int count_threads(int want)
{
    if (want <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        want = n > 0 ? (int)n : 1;
    }
    return want > TREC_INGEST_MAX_THREADS ? TREC_INGEST_MAX_THREADS : want;
}

/* ---- the first record ------------------------------------------------- */

/* Tokenizes R's last block up to its first record, if it has one (h->got);
 * *nl receives its line count, *at the first record's line. */
static int peek_block(run *R, trec_ingest_first *h, uint64_t base, uint64_t *nl,
                      uint64_t *at, trec_error *err)
{
    trec_ingest_block *b = &R->parts[R->n - 1]->text;
    trec_ingest_block_prepare(&R->c.d, b);
    uint64_t el = 0;
    *nl = 0;
    if (trec_ingest_tokenize(&R->c.d, b, TREC_INGEST_MAX_FIELDS, trec_ingest_first_record,
                             h, nl, &el, err) < 0) {
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        return trec_fail(err, "%s:%llu: %s", R->c.name, (unsigned long long)(base + el),
                         msg);
    }
    *at = base + el;
    return 0;
}

/* Reads blocks until one holds a record: that record decides the header
 * and the columns. The blocks read are kept in R to be parsed. */
static int first_record(run *R, trec_ingest_reader *rd, const trec_ingest_opts *o,
                        int *header, trec_error *err)
{
    trec_ingest_first *h = trec_calloc(1, sizeof *h, err);
    if (!h)
        return -1;
    uint64_t base = 1, nl = 0, at = 0;
    int rc = -1;
    for (;;) {
        int got = read_part(R, rd, err);
        if (got < 0)
            trec_ingest_reader_locate(rd, base, err);
        if (got == 0)
            trec_fail(err, "%s: no interactions (the input is empty)", R->c.name);
        if (got <= 0 || peek_block(R, h, base, &nl, &at, err) != 0)
            break;
        if (h->got) {
            rc = trec_ingest_configure(&R->c, o, h, at, header, err);
            R->parts[R->n - 1]->skip_header = rc == 0 && *header;
            break;
        }
        base += nl;
    }
    free(h->buf);
    free(h);
    return rc;
}

/* ---- parsing, in parallel --------------------------------------------- */

/* Each worker takes the next block in file order (reading it from the input
 * when none is waiting: reading is serial, under the lock), parses it, and
 * goes on until the input ends or a block fails. Since blocks are taken in
 * file order, the parsed ones are always a prefix of the file: the first
 * failure in file order is the one reported, whatever the schedule. A worker
 * holds one block's text at a time. */
typedef struct parse_stage {
    pthread_mutex_t mu;
    run *R;
    trec_ingest_reader *rd;
    size_t next;            /* the next block of R to parse */
    int stop;               /* the input has ended, or a block or reading failed */
    int read_failed;        /* err holds why */
    trec_error *err;
} parse_stage;

static trec_ingest_part *take_part(parse_stage *S)
{
    trec_ingest_part *p = NULL;
    pthread_mutex_lock(&S->mu);
    if (!S->stop && S->next == S->R->n) {
        int got = read_part(S->R, S->rd, S->err);
        S->read_failed = got < 0;
        S->stop = got <= 0;
    }
    if (!S->stop && S->next < S->R->n)
        p = S->R->parts[S->next++];
    pthread_mutex_unlock(&S->mu);
    return p;
}

/* A trec_parallel_for task: one worker's loop. */
static void parse_worker(void *ctx, uint64_t worker)
{
    (void)worker;
    parse_stage *S = ctx;
    trec_ingest_part *p;
    while ((p = take_part(S)) != NULL) {
        trec_ingest_parse(p);
        if (p->failed) {
            pthread_mutex_lock(&S->mu);
            S->stop = 1;
            pthread_mutex_unlock(&S->mu);
        }
    }
}

static int parse_all(run *R, trec_ingest_reader *rd, int threads, trec_error *err)
{
    parse_stage S = {.R = R, .rd = rd, .err = err};
    pthread_mutex_init(&S.mu, NULL);
    trec_parallel_for(threads, (uint64_t)threads, parse_worker, &S);
    pthread_mutex_destroy(&S.mu);
    return S.read_failed ? -1 : 0;
}

/* Absolute line numbers, the first error, warnings and counts, in file
 * order. */
static int gather(run *R, trec_ingest_stats *st, trec_error *err)
{
    uint64_t base = 1;
    for (size_t b = 0; b < R->n; b++) {
        trec_ingest_part *P = R->parts[b];
        P->base = base;
        if (P->failed)
            return trec_fail(err, "%s:%llu: %s", R->c.name,
                             (unsigned long long)(base + P->err_line), P->err.msg);
        for (int w = 0; w < P->nwarn && st->nwarnings < TREC_INGEST_WARNINGS; w++)
            snprintf(st->warnings[st->nwarnings++], sizeof st->warnings[0],
                     "%s:%llu: %s", R->c.name,
                     (unsigned long long)(base + P->warn_line[w]), P->warn[w]);
        st->records += P->records;
        st->skipped += P->skipped;
        base += P->nlines;
    }
    st->lines = base - 1;
    return 0;
}

/* ---- driver ----------------------------------------------------------- */

static int ingest(trec_ingest_reader *rd, const trec_ingest_opts *o, trec_csr *out,
                  trec_ingest_stats *st, trec_error *err)
{
    run R;
    memset(&R, 0, sizeof R);
    memset(st, 0, sizeof *st);
    memset(out, 0, sizeof *out);
    R.c.name = rd->name;
    R.c.rd = rd;
    trec_ingest_ncpool_init(&R.ncpool);
    R.c.ncpool = &R.ncpool;
    R.c.skip_bad = o->skip_bad;
    /* Lines for the messages: a duplicate, a sum out of range. */
    R.c.keep_lines = o->duplicates == TREC_DUP_ERROR || o->duplicates == TREC_DUP_SUM ||
                     ((o->align_users || o->align_items) && o->new_ids == TREC_NEW_IDS_ERROR);
    if (trec_ingest_opts_check(o, err) != 0 ||
        trec_ingest_dialect_init(&R.c.d, o->sep, o->quote, err) != 0)
        return -1;
    rd->quote = R.c.d.quote;
    int threads = count_threads(o->threads), header = 0, rc = -1;
    if (first_record(&R, rd, o, &header, err) != 0)
        goto done;
    st->header = header;
    st->threads = threads;
    st->implicit = R.c.col[TREC_INGEST_COL_RATING] < 0;
    st->has_time = R.c.col[TREC_INGEST_COL_TIME] >= 0;
    /* A block that failed comes before a failed read in file order. */
    int read_failed = parse_all(&R, rd, threads, err) != 0;
    trec_ingest_reader_drop_spares(rd);
    trec_ingest_ncpool_drain(&R.ncpool);
    if (gather(&R, st, err) != 0)
        goto done;
    if (read_failed) {
        trec_ingest_reader_locate(rd, st->lines + 1, err);
        goto done;
    }
    rc = trec_ingest_assemble(&R.c, R.parts, R.n, o, threads, out, st, err);
done:
    for (size_t b = 0; b < R.n; b++)
        trec_ingest_part_free(R.parts[b]);
    free(R.parts);
    trec_ingest_ncpool_destroy(&R.ncpool);
    return rc;
}

int trec_ingest_ratings(const char *path, const trec_ingest_opts *o, trec_csr *out,
                        trec_ingest_stats *st, trec_error *err)
{
    trec_ingest_reader rd;
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    if (trec_ingest_reader_open(&rd, path, o->block_size, -1, err) != 0)
        return -1;
    int rc = ingest(&rd, o, out, st, err);
    trec_ingest_reader_close(&rd);
    return rc;
}

int trec_ingest_ratings_mem(const char *data, size_t len, const char *name,
                            const trec_ingest_opts *o, trec_csr *out,
                            trec_ingest_stats *st, trec_error *err)
{
    trec_ingest_reader rd;
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    trec_ingest_reader_open_mem(&rd, data, len, name, o->block_size, -1);
    int rc = ingest(&rd, o, out, st, err);
    trec_ingest_reader_close(&rd);
    return rc;
}
