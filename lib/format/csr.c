/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* csr.c - CSR matrices: allocation, validation, matrix files. */
#include "csr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The most columns a matrix file may declare per byte of the file: a label
 * takes at least 9 bytes, so only unlabelled matrices with mostly empty
 * columns come near it. */
#define COLS_PER_BYTE 8

int trec_csr_own(trec_csr *m, void *block, trec_error *err)
{
    if (m->nowned == (int)(sizeof m->owned / sizeof m->owned[0])) {
        free(block);
        return trec_fail(err, "internal error: too many blocks owned by a matrix");
    }
    m->owned[m->nowned++] = block;
    return 0;
}

int trec_csr_alloc(trec_csr *m, uint64_t rows, uint64_t cols, uint64_t nnz,
                   int with_times, trec_error *err)
{
    memset(m, 0, sizeof *m);
    m->rows = rows;
    m->cols = cols;
    m->nnz = nnz;
    m->rowptr = trec_calloc(rows + 1, sizeof *m->rowptr, err);
    m->colidx = trec_aligned_alloc(nnz * sizeof *m->colidx, err);
    m->vals = trec_aligned_alloc(nnz * sizeof *m->vals, err);
    if (with_times)
        m->times = trec_aligned_alloc(nnz * sizeof *m->times, err);
    int bad = !m->rowptr || !m->colidx || !m->vals || (with_times && !m->times);
    m->owned[m->nowned++] = m->rowptr;
    m->owned[m->nowned++] = m->colidx;
    m->owned[m->nowned++] = m->vals;
    m->owned[m->nowned++] = m->times;
    if (bad) {
        trec_csr_free(m);
        return -1;
    }
    return 0;
}

void trec_csr_free(trec_csr *m)
{
    for (int i = 0; i < m->nowned; i++)
        free(m->owned[i]);
    trec_container_free(&m->file);
    memset(m, 0, sizeof *m);
}

void trec_csr_share_labels(trec_csr *dst, const trec_csr *src)
{
    dst->row_labels = src->row_labels;
    dst->col_labels = src->col_labels;
}

static int validate_rows(const trec_csr *m, const char *name, trec_error *err)
{
    if (m->rowptr[0] != 0)
        return trec_fail(err, "%s: row pointer 0 is %llu, not 0", name,
                         (unsigned long long)m->rowptr[0]);
    for (uint64_t r = 0; r < m->rows; r++) {
        uint64_t a = m->rowptr[r], b = m->rowptr[r + 1];
        if (b < a || b > m->nnz)
            return trec_fail(err, "%s: row pointers not monotone at row %llu "
                             "(%llu then %llu, nnz %llu)", name, (unsigned long long)r,
                             (unsigned long long)a, (unsigned long long)b,
                             (unsigned long long)m->nnz);
        for (uint64_t k = a; k < b; k++) {
            if (m->colidx[k] >= m->cols)
                return trec_fail(err, "%s: row %llu: column index %u out of range "
                                 "(%llu columns)", name, (unsigned long long)r,
                                 m->colidx[k], (unsigned long long)m->cols);
            if (k > a && m->colidx[k] <= m->colidx[k - 1])
                return trec_fail(err, "%s: row %llu: column indices not strictly "
                                 "increasing (%u after %u)", name, (unsigned long long)r,
                                 m->colidx[k], m->colidx[k - 1]);
        }
    }
    if (m->rowptr[m->rows] != m->nnz)
        return trec_fail(err, "%s: last row pointer is %llu but nnz is %llu", name,
                         (unsigned long long)m->rowptr[m->rows], (unsigned long long)m->nnz);
    return 0;
}

int trec_csr_validate(const trec_csr *m, const char *name, trec_error *err)
{
    if (m->cols > TREC_MAX_COLS)
        return trec_fail(err, "%s: %llu columns (at most %u)", name,
                         (unsigned long long)m->cols, TREC_MAX_COLS);
    if (validate_rows(m, name, err) != 0)
        return -1;
    for (uint64_t k = 0; k < m->nnz; k++)
        if (!isfinite(m->vals[k]))
            return trec_fail(err, "%s: value %llu is not finite", name,
                             (unsigned long long)k);
    if (m->row_labels.count && m->row_labels.count != m->rows)
        return trec_fail(err, "%s: %llu row labels for %llu rows", name,
                         (unsigned long long)m->row_labels.count, (unsigned long long)m->rows);
    if (m->col_labels.count && m->col_labels.count != m->cols)
        return trec_fail(err, "%s: %llu column labels for %llu columns", name,
                         (unsigned long long)m->col_labels.count, (unsigned long long)m->cols);
    return 0;
}

/* Finds a required section of exactly `want` bytes. */
static const void *need(const trec_container *c, uint32_t tag, uint64_t want,
                        int required, trec_error *err, int *failed)
{
    uint64_t size;
    const void *p = trec_container_find(c, tag, &size);
    char tn[5];
    trec_tag_name(tag, tn);
    if (!p) {
        if (required) {
            trec_fail(err, "%s: matrix file has no %s section", c->name, tn);
            *failed = 1;
        }
        return NULL;
    }
    if (size != want) {
        trec_fail(err, "%s: section %s is %llu bytes, expected %llu for the "
                  "matrix shape", c->name, tn, (unsigned long long)size,
                  (unsigned long long)want);
        *failed = 1;
        return NULL;
    }
    return p;
}

static int read_labels(const trec_container *c, uint32_t tag, const char *what,
                       trec_labels *l, trec_error *err)
{
    uint64_t size;
    const void *p = trec_container_find(c, tag, &size);
    memset(l, 0, sizeof *l);
    return p ? trec_labels_parse(p, size, c->name, what, l, err) : 0;
}

int trec_csr_from_container(trec_container *c, trec_csr *m, trec_error *err)
{
    memset(m, 0, sizeof *m);
    m->file = *c;
    memset(c, 0, sizeof *c);
    c = &m->file;
    int failed = 0;
    const uint64_t *dims = need(c, TREC_TAG_DIMS, 24, 1, err, &failed);
    if (failed)
        goto fail;
    m->rows = dims[0];
    m->cols = dims[1];
    m->nnz = dims[2];
    /* Bound the shape by the file size before multiplying, so that a forged
     * header cannot overflow the size computations below. Rows and entries
     * take bytes of the file; columns need not (an unlabelled matrix), so
     * they are bounded by the file size too: no reader then allocates per
     * column more than a small multiple of the bytes there (trec-formats(5)). */
    if (m->rows >= c->len / 8 || m->nnz > c->len / 8 || m->cols > TREC_MAX_COLS ||
        m->cols > COLS_PER_BYTE * (uint64_t)c->len) {
        trec_fail(err, "%s: shape %llu x %llu with %llu entries does not fit a "
                  "%zu-byte file", c->name, (unsigned long long)m->rows,
                  (unsigned long long)m->cols, (unsigned long long)m->nnz, c->len);
        goto fail;
    }
    m->rowptr = (uint64_t *)need(c, TREC_TAG_RPTR, 8 * (m->rows + 1), 1, err, &failed);
    if (!failed)
        m->colidx = (uint32_t *)need(c, TREC_TAG_CIDX, 4 * m->nnz, 1, err, &failed);
    if (!failed)
        m->vals = (float *)need(c, TREC_TAG_VALS, 4 * m->nnz, 1, err, &failed);
    if (!failed)
        m->times = (int64_t *)need(c, TREC_TAG_TIME, 8 * m->nnz, 0, err, &failed);
    if (failed ||
        read_labels(c, TREC_TAG_RLAB, "row labels", &m->row_labels, err) != 0 ||
        read_labels(c, TREC_TAG_CLAB, "column labels", &m->col_labels, err) != 0 ||
        trec_csr_validate(m, c->name, err) != 0)
        goto fail;
    return 0;
fail:
    trec_csr_free(m);
    return -1;
}

int trec_csr_read(const char *path, trec_csr *m, trec_error *err)
{
    trec_container c;
    memset(m, 0, sizeof *m);
    if (trec_container_read(path, TREC_KIND_MATRIX, &c, err) != 0)
        return -1;
    return trec_csr_from_container(&c, m, err);
}

int trec_csr_write(const char *path, const trec_csr *m, trec_error *err)
{
    uint64_t dims[3] = {m->rows, m->cols, m->nnz};
    trec_section s[7];
    size_t n = 0;
    s[n++] = (trec_section){.tag = TREC_TAG_DIMS, .size = sizeof dims, .data = dims};
    s[n++] = (trec_section){.tag = TREC_TAG_RPTR, .size = 8 * (m->rows + 1), .data = m->rowptr};
    s[n++] = (trec_section){.tag = TREC_TAG_CIDX, .size = 4 * m->nnz, .data = m->colidx};
    s[n++] = (trec_section){.tag = TREC_TAG_VALS, .size = 4 * m->nnz, .data = m->vals};
    if (m->times)
        s[n++] = (trec_section){.tag = TREC_TAG_TIME, .size = 8 * m->nnz, .data = m->times};
    if (m->row_labels.count)
        s[n++] = trec_labels_section(TREC_TAG_RLAB, &m->row_labels);
    if (m->col_labels.count)
        s[n++] = trec_labels_section(TREC_TAG_CLAB, &m->col_labels);
    /* Zero-length sections still need a non-NULL data pointer. */
    for (size_t i = 0; i < n; i++)
        if (s[i].size == 0 && !s[i].data && !s[i].fill)
            s[i].data = dims;
    return trec_container_write(path, TREC_KIND_MATRIX, s, n, err);
}
