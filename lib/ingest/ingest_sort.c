/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_sort.c - rows in column order (a stable radix sort per row) and
 * duplicate pairs merged. */
#include "ingest_sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "parallel.h"

/* ---- sorting keys ----------------------------------------------------- */

static void isort_u64(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* The bits in which the columns (key >> 32) of a[0..n) differ. */
static uint32_t varying_bits(const uint64_t *a, size_t n)
{
    uint32_t any = 0, all = ~0u;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)(a[i] >> 32);
        any |= c;
        all &= c;
    }
    return any ^ all;
}

/* One stable counting pass on the byte at shift: src -> dst. */
static void radix_pass(const uint64_t *src, uint64_t *dst, size_t n, int shift)
{
    size_t cnt[256] = {0};
    for (size_t i = 0; i < n; i++)
        cnt[(src[i] >> shift) & 0xFF]++;
    size_t sum = 0;
    for (int d = 0; d < 256; d++) {
        size_t c = cnt[d];
        cnt[d] = sum;
        sum += c;
    }
    for (size_t i = 0; i < n; i++)
        dst[cnt[(src[i] >> shift) & 0xFF]++] = src[i];
}

/* Sorts keys (col << 32 | position in row) by column. The keys come in
 * position order and an LSD radix sort is stable, so equal columns stay in
 * file order; only the bytes in which the columns differ get a pass. */
static void radix_sort_keys(uint64_t *a, uint64_t *tmp, size_t n)
{
    if (n <= 32) {
        isort_u64(a, n);
        return;
    }
    uint32_t vary = varying_bits(a, n);
    uint64_t *src = a, *dst = tmp;
    for (int shift = 32; shift < 64; shift += 8) {
        if (((vary >> (shift - 32)) & 0xFF) == 0)
            continue;
        radix_pass(src, dst, n, shift);
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * 8);
}

/* ---- one thread's rows ------------------------------------------------ */

typedef struct sort_job {
    trec_csr *m;
    uint64_t *lines;          /* absolute line of each entry, or NULL */
    trec_dup_policy policy;
    uint64_t r0, r1;
    uint64_t *newlen;         /* per row, after merging */
    uint64_t dups;
    /* temporaries, sized to the longest row seen */
    uint64_t *keys, *ktmp, *tline;
    uint32_t *tcol;
    float *tval;
    int64_t *ttime;
    size_t tcap;
    int oom;
    /* The problem found first in file order, by the line where it shows
     * (UINT64_MAX: none): a duplicate under TREC_DUP_ERROR (its second
     * line), a sum out of float range under TREC_DUP_SUM (its last line). */
    uint64_t bad_line, bad_first, bad_row, bad_count;
    uint32_t bad_col;
} sort_job;

static void job_free_scratch(sort_job *j)
{
    free(j->keys);
    free(j->ktmp);
    free(j->tline);
    free(j->tcol);
    free(j->tval);
    free(j->ttime);
}

static int job_reserve(sort_job *j, size_t n)
{
    if (n <= j->tcap)
        return 0;
    size_t cap = j->tcap ? j->tcap : 256;
    while (cap < n)
        cap *= 2;
    job_free_scratch(j);
    j->keys = malloc(cap * 8);
    j->ktmp = malloc(cap * 8);
    j->tline = malloc(cap * 8);
    j->tcol = malloc(cap * 4);
    j->tval = malloc(cap * 4);
    j->ttime = malloc(cap * 8);
    j->tcap = cap;
    if (!j->keys || !j->ktmp || !j->tline || !j->tcol || !j->tval || !j->ttime) {
        j->tcap = 0;
        return -1;
    }
    return 0;
}

/* Sorts the entries [a, b) of a row by column; stable, because each key
 * carries the entry's position in the row (which is file order). */
static int sort_row(sort_job *j, uint64_t a, uint64_t b)
{
    trec_csr *m = j->m;
    size_t n = (size_t)(b - a);
    if (job_reserve(j, n) != 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        j->keys[k] = (uint64_t)m->colidx[a + k] << 32 | k;
    radix_sort_keys(j->keys, j->ktmp, n);
    for (size_t k = 0; k < n; k++) {
        size_t src = a + (uint32_t)j->keys[k];
        j->tcol[k] = m->colidx[src];
        j->tval[k] = m->vals[src];
        if (m->times)
            j->ttime[k] = m->times[src];
        if (j->lines)
            j->tline[k] = j->lines[src];
    }
    memcpy(m->colidx + a, j->tcol, n * 4);
    memcpy(m->vals + a, j->tval, n * 4);
    if (m->times)
        memcpy(m->times + a, j->ttime, n * 8);
    if (j->lines)
        memcpy(j->lines + a, j->tline, n * 8);
    return 0;
}

/* The merged value of the run [k, e) of equal columns, and *t its
 * timestamp: the last entry's; max: the largest value (a tie: the later);
 * sum: the values added up, with the latest timestamp. */
static float run_value(const sort_job *j, uint64_t k, uint64_t e, int64_t *t)
{
    const trec_csr *m = j->m;
    uint64_t pick = e - 1;
    if (j->policy == TREC_DUP_MAX) {
        pick = k;
        for (uint64_t x = k + 1; x < e; x++)
            if (m->vals[x] >= m->vals[pick])
                pick = x;
    }
    *t = m->times ? m->times[pick] : 0;
    if (e - k == 1 || j->policy != TREC_DUP_SUM)
        return m->vals[pick];
    double s = 0;
    for (uint64_t x = k; x < e; x++) {
        s += m->vals[x];
        if (m->times && m->times[x] > *t)
            *t = m->times[x];
    }
    return (float)s;
}

/* Notes what a run [k, e) of more than one entry in row r reports: a
 * duplicate under --duplicates error, a sum out of range; the problem that
 * shows first in the file is kept. (lines is set under both policies.) */
static void note_run(sort_job *j, uint64_t r, uint64_t k, uint64_t e, float v)
{
    j->dups += e - k - 1;
    uint64_t at;
    if (j->policy == TREC_DUP_ERROR)
        at = j->lines[k + 1];
    else if (j->policy == TREC_DUP_SUM && !isfinite(v))
        at = j->lines[e - 1];
    else
        return;
    if (at < j->bad_line) {
        j->bad_line = at;
        j->bad_first = j->lines[k];
        j->bad_row = r;
        j->bad_col = j->m->colidx[k];
        j->bad_count = e - k;
    }
}

/* Merges runs of equal columns in the sorted row r = [a, b); returns its new
 * length. */
static uint64_t merge_row(sort_job *j, uint64_t r, uint64_t a, uint64_t b)
{
    trec_csr *m = j->m;
    uint64_t w = a;
    for (uint64_t k = a; k < b;) {
        uint64_t e = k + 1;
        while (e < b && m->colidx[e] == m->colidx[k])
            e++;
        int64_t t;
        float v = run_value(j, k, e, &t);
        if (e - k > 1)
            note_run(j, r, k, e, v);
        m->colidx[w] = m->colidx[k];
        m->vals[w] = v;
        if (m->times)
            m->times[w] = t;
        w++;
        k = e;
    }
    return w - a;
}

static int row_is_sorted(const trec_csr *m, uint64_t a, uint64_t b)
{
    for (uint64_t k = a + 1; k < b; k++)
        if (m->colidx[k] <= m->colidx[k - 1])
            return 0;
    return 1;
}

/* A trec_parallel_for task: job t's rows. */
static void sort_rows(void *ctx, uint64_t t)
{
    sort_job *j = (sort_job *)ctx + t;
    trec_csr *m = j->m;
    for (uint64_t r = j->r0; r < j->r1; r++) {
        uint64_t a = m->rowptr[r], b = m->rowptr[r + 1];
        if (row_is_sorted(m, a, b)) {
            j->newlen[r] = b - a;
            continue;
        }
        if (sort_row(j, a, b) != 0) {
            j->oom = 1;
            return;
        }
        j->newlen[r] = merge_row(j, r, a, b);
    }
}

/* ---- all rows --------------------------------------------------------- */

/* Shares the rows out between the jobs, about nnz / threads entries each. */
static void plan_jobs(sort_job *jobs, int threads, trec_csr *m, uint64_t *lines,
                      trec_dup_policy policy, uint64_t *newlen)
{
    uint64_t r = 0;
    for (int t = 0; t < threads; t++) {
        sort_job *j = &jobs[t];
        j->m = m;
        j->lines = lines;
        j->policy = policy;
        j->newlen = newlen;
        j->bad_line = UINT64_MAX;
        j->r0 = r;
        uint64_t stop = m->nnz / (uint64_t)threads * (uint64_t)(t + 1);
        if (t == threads - 1)
            r = m->rows;
        while (r < m->rows && m->rowptr[r] < stop)
            r++;
        j->r1 = r;
    }
}

/* The jobs' findings in one (the problem that shows first in the file, the
 * total of merged entries); frees their scratch. Returns 1 if one ran out of
 * memory. */
static int combine(sort_job *jobs, int threads, sort_job *best, uint64_t *dups)
{
    int oom = 0;
    *dups = 0;
    best->bad_line = UINT64_MAX;
    for (int t = 0; t < threads; t++) {
        sort_job *j = &jobs[t];
        oom |= j->oom;
        *dups += j->dups;
        if (j->bad_line < best->bad_line) {
            best->bad_line = j->bad_line;
            best->bad_first = j->bad_first;
            best->bad_row = j->bad_row;
            best->bad_col = j->bad_col;
            best->bad_count = j->bad_count;
        }
        job_free_scratch(j);
    }
    return oom;
}

/* The error a merge found, if any: 0 or -1. */
static int report(const sort_job *best, trec_dup_policy policy, const char *name,
                  int rating_col, const trec_idmap *users, const trec_idmap *items,
                  trec_error *err)
{
    if (best->bad_line == UINT64_MAX)
        return 0;
    size_t un, in;
    trec_labels ul = trec_idmap_labels(users), il = trec_idmap_labels(items);
    const char *us = trec_label(&ul, best->bad_row, &un);
    const char *is = trec_label(&il, best->bad_col, &in);
    if (policy == TREC_DUP_ERROR)
        return trec_fail(err, "%s:%llu: duplicate rating: user '%.*s', item '%.*s' "
                         "(first on line %llu); --duplicates last, max or sum "
                         "merges them", name, (unsigned long long)best->bad_line,
                         (int)un, us, (int)in, is, (unsigned long long)best->bad_first);
    return trec_fail(err, "%s:%llu: column %d (rating): the sum of the %llu ratings of "
                     "user '%.*s', item '%.*s' (the first on line %llu) is out of float "
                     "range", name, (unsigned long long)best->bad_line, rating_col + 1,
                     (unsigned long long)best->bad_count, (int)un, us, (int)in, is,
                     (unsigned long long)best->bad_first);
}

/* Closes the gaps that merged duplicates left in the rows. */
static void close_gaps(trec_csr *m, const uint64_t *newlen)
{
    uint64_t w = 0;
    for (uint64_t i = 0; i < m->rows; i++) {
        uint64_t a = m->rowptr[i], n = newlen[i];
        if (w != a) {
            memmove(m->colidx + w, m->colidx + a, n * 4);
            memmove(m->vals + w, m->vals + a, n * 4);
            if (m->times)
                memmove(m->times + w, m->times + a, n * 8);
        }
        m->rowptr[i] = w;
        w += n;
    }
    m->rowptr[m->rows] = w;
    m->nnz = w;
}

int trec_ingest_sort_rows(trec_csr *m, uint64_t *lines, trec_dup_policy policy,
                          int threads, const trec_ingest_config *c,
                          const trec_idmap *users, const trec_idmap *items,
                          uint64_t *dups, trec_error *err)
{
    uint64_t *newlen = trec_malloc((m->rows + 1) * 8, err);
    sort_job *jobs = trec_calloc((size_t)threads, sizeof *jobs, err);
    int rc = -1;
    if (!newlen || !jobs)
        goto done;
    plan_jobs(jobs, threads, m, lines, policy, newlen);
    trec_parallel_for(threads, (uint64_t)threads, sort_rows, jobs);
    sort_job best;
    if (combine(jobs, threads, &best, dups)) {
        trec_fail(err, "out of memory sorting rows");
        goto done;
    }
    if (report(&best, policy, c->name, c->col[TREC_INGEST_COL_RATING], users, items,
               err) != 0)
        goto done;
    if (*dups > 0)
        close_gaps(m, newlen);
    rc = 0;
done:
    free(newlen);
    free(jobs);
    return rc;
}
