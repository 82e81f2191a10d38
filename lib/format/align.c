/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* align.c - a matrix moved onto another file's ids (see align.h). */
#include "align.h"

#include <stdlib.h>
#include <string.h>

#include "idmap.h"

/* map[i] = the target index of m's row (column) i, or -1; *skipped counts
 * those of m with entries (has[i]) that the target lacks, *missing the
 * target's ids m lacks. */
static int side_map(const trec_labels *mine, uint64_t n, const trec_labels *target,
                    uint64_t nt, const char *name, const char *tname, const char *what,
                    const uint8_t *has, int64_t *map, uint64_t *skipped, uint64_t *missing,
                    int *same, trec_error *err)
{
    *skipped = *missing = 0;
    if (!mine->count || !target->count) {
        if (n != nt)
            return trec_fail(err, "%s: %llu %ss, but %s has %llu and one of them has no "
                             "%s labels (raw ids) to match them by: the files must come "
                             "from the same ingest", name, (unsigned long long)n, what,
                             tname, (unsigned long long)nt, what);
        for (uint64_t i = 0; i < n; i++)
            map[i] = (int64_t)i;
        return 0;
    }
    trec_idmap t;
    if (trec_idmap_from_labels(&t, target, err) != 0)
        return -1;
    uint64_t found = 0;
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        const char *s = trec_label(mine, i, &len);
        map[i] = trec_idmap_find(&t, s, len);
        if (map[i] != (int64_t)i)
            *same = 0;
        if (map[i] >= 0)
            found++;
        else if (has[i])
            ++*skipped;
    }
    trec_idmap_free(&t);
    if (n != nt)
        *same = 0;
    *missing = nt - found;
    return 0;
}

typedef struct entry {
    uint32_t col;
    float val;
    int64_t time;
} entry;

static int by_col(const void *a, const void *b)
{
    uint32_t x = ((const entry *)a)->col, y = ((const entry *)b)->col;
    return (x > y) - (x < y);
}

/* Sorts the rows of m whose columns are out of order (columns are distinct
 * within a row: the maps are one-to-one). */
static int sort_rows(trec_csr *m, uint64_t longest, trec_error *err)
{
    entry *e = NULL;
    for (uint64_t r = 0; r < m->rows; r++) {
        uint64_t a = m->rowptr[r], b = m->rowptr[r + 1], p;
        for (p = a + 1; p < b && m->colidx[p - 1] < m->colidx[p]; p++)
            ;
        if (p >= b)
            continue;
        if (!e && !(e = trec_malloc(longest * sizeof *e, err)))
            return -1;
        for (p = a; p < b; p++)
            e[p - a] = (entry){m->colidx[p], m->vals[p], m->times ? m->times[p] : 0};
        qsort(e, b - a, sizeof *e, by_col);
        for (p = a; p < b; p++) {
            m->colidx[p] = e[p - a].col;
            m->vals[p] = e[p - a].val;
            if (m->times)
                m->times[p] = e[p - a].time;
        }
    }
    free(e);
    return 0;
}

int trec_csr_align(const trec_csr *m, const char *name, const trec_labels *rows,
                   uint64_t nrows, const trec_labels *cols, uint64_t ncols,
                   const char *target, trec_csr *out, trec_align_stats *st,
                   trec_error *err)
{
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    if (!rows) {
        rows = &m->row_labels;
        nrows = m->rows;
    }
    if (!cols) {
        cols = &m->col_labels;
        ncols = m->cols;
    }
    int64_t *rmap = trec_malloc((m->rows + 1) * sizeof *rmap, err);
    int64_t *cmap = trec_malloc((m->cols + 1) * sizeof *cmap, err);
    uint8_t *rhas = trec_calloc(m->rows + 1, 1, err);
    uint8_t *chas = trec_calloc(m->cols + 1, 1, err);
    int rc = -1;
    if (!rmap || !cmap || !rhas || !chas)
        goto done;
    for (uint64_t r = 0; r < m->rows; r++) {
        rhas[r] = m->rowptr[r + 1] > m->rowptr[r];
        for (uint64_t p = m->rowptr[r]; p < m->rowptr[r + 1]; p++)
            chas[m->colidx[p]] = 1;
    }
    int same = 1;
    if (side_map(&m->row_labels, m->rows, rows, nrows, name, target, "user", rhas, rmap,
                 &st->rows_skipped, &st->rows_missing, &same, err) != 0 ||
        side_map(&m->col_labels, m->cols, cols, ncols, name, target, "item", chas, cmap,
                 &st->cols_skipped, &st->cols_missing, &same, err) != 0)
        goto done;
    st->identical = same;
    /* Which target row each target row comes from; entries per target row. */
    int64_t *src = trec_malloc((nrows + 1) * sizeof *src, err);
    if (!src)
        goto done;
    for (uint64_t t = 0; t < nrows; t++)
        src[t] = -1;
    for (uint64_t r = 0; r < m->rows; r++)
        if (rmap[r] >= 0)
            src[rmap[r]] = (int64_t)r;
    uint64_t nnz = 0;
    for (uint64_t t = 0; t < nrows; t++)
        if (src[t] >= 0)
            for (uint64_t p = m->rowptr[src[t]]; p < m->rowptr[src[t] + 1]; p++)
                nnz += cmap[m->colidx[p]] >= 0;
    st->entries_skipped = m->nnz - nnz;
    if (ncols > TREC_MAX_COLS) {
        free(src);
        trec_fail(err, "%s: more than %llu columns", target, (unsigned long long)TREC_MAX_COLS);
        goto done;
    }
    if (trec_csr_alloc(out, nrows, ncols, nnz, m->times != NULL, err) != 0) {
        free(src);
        goto done;
    }
    /* Each row's kept entries, then sorted by their new columns where the
     * column map did not keep their order. */
    uint64_t o = 0, longest = 0;
    for (uint64_t t = 0; t < nrows; t++) {
        if (src[t] >= 0)
            for (uint64_t p = m->rowptr[src[t]]; p < m->rowptr[src[t] + 1]; p++) {
                int64_t c = cmap[m->colidx[p]];
                if (c < 0)
                    continue;
                out->colidx[o] = (uint32_t)c;
                out->vals[o] = m->vals[p];
                if (out->times)
                    out->times[o] = m->times[p];
                o++;
            }
        out->rowptr[t + 1] = o;
        if (o - out->rowptr[t] > longest)
            longest = o - out->rowptr[t];
    }
    if (sort_rows(out, longest, err) != 0) {
        free(src);
        goto done;
    }
    free(src);
    out->row_labels = *rows;
    out->col_labels = *cols;
    rc = 0;
done:
    if (rc != 0)
        trec_csr_free(out);
    free(rmap);
    free(cmap);
    free(rhas);
    free(chas);
    return rc;
}
