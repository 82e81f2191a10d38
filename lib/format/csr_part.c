/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* csr_part.c - blocks of rows of a matrix file through pread (csr_part.h). */
#include "csr_part.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32.h"
#include "fileio.h"

static const uint32_t part_tags[TREC_PART_N] = {TREC_TAG_RPTR, TREC_TAG_CIDX, TREC_TAG_VALS};

/* Reads exactly n bytes at file offset off. */
static int pread_all(const trec_csr_file *f, void *buf, uint64_t n, uint64_t off,
                     trec_error *err)
{
    uint64_t got = 0;
    while (got < n) {
        size_t want = n - got > (1u << 30) ? 1u << 30 : (size_t)(n - got);
        ssize_t r = pread(f->fd, (uint8_t *)buf + got, want, (off_t)(off + got));
        if (r < 0)
            return trec_fail_errno(err, "%s: read failed", f->head.name);
        if (r == 0)
            return trec_fail(err, "%s: unexpected end of file at byte %llu", f->head.name,
                             (unsigned long long)(off + got));
        got += (uint64_t)r;
    }
    return 0;
}

static int find(const trec_container *c, uint32_t tag)
{
    for (uint32_t i = 0; i < c->count; i++)
        if (c->sections[i].tag == tag)
            return (int)i;
    return -1;
}

/* Section tag of f present with exactly want bytes (required or not). */
static int need(trec_csr_file *f, uint32_t tag, uint64_t want, int required, int *idx,
                trec_error *err)
{
    char tn[5];
    trec_tag_name(tag, tn);
    *idx = find(&f->head, tag);
    if (*idx < 0)
        return required ? trec_fail(err, "%s: matrix file has no %s section", f->head.name, tn)
                        : 0;
    uint64_t size = f->head.sections[*idx].size;
    if (size != want)
        return trec_fail(err, "%s: section %s is %llu bytes, expected %llu for the "
                         "matrix shape", f->head.name, tn, (unsigned long long)size,
                         (unsigned long long)want);
    return 0;
}

/* DIMS, read whole and verified; the shape bounded as trec_csr_read bounds it. */
static int read_dims(trec_csr_file *f, trec_error *err)
{
    uint64_t dims[3];
    int d;
    if (need(f, TREC_TAG_DIMS, sizeof dims, 1, &d, err) != 0 ||
        pread_all(f, dims, sizeof dims, f->head.sections[d].offset, err) != 0)
        return -1;
    if (trec_crc32(0, dims, sizeof dims) != f->head.sections[d].crc)
        return trec_fail(err, "%s: checksum mismatch in section DIMS (file is corrupt)",
                         f->head.name);
    f->rows = dims[0];
    f->cols = dims[1];
    f->nnz = dims[2];
    uint64_t len = f->head.len;
    if (f->rows >= len / 8 || f->nnz > len / 8 || f->cols > TREC_MAX_COLS ||
        f->cols > 8 * len)
        return trec_fail(err, "%s: shape %llu x %llu with %llu entries does not fit a "
                         "%llu-byte file", f->head.name, (unsigned long long)f->rows,
                         (unsigned long long)f->cols, (unsigned long long)f->nnz,
                         (unsigned long long)len);
    return 0;
}

int trec_csr_file_open(trec_csr_file *f, const char *path, trec_error *err)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (strcmp(path, "-") == 0)
        return trec_fail(err, "<stdin>: parts of a matrix are read at their offsets: give "
                         "a file, not standard input");
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0)
        return trec_fail_errno(err, "%s: cannot open", path);
    if (trec_container_read_head(f->fd, path, TREC_KIND_MATRIX, &f->head, err) != 0 ||
        read_dims(f, err) != 0 ||
        need(f, TREC_TAG_RPTR, 8 * (f->rows + 1), 1, &f->sec[TREC_PART_RPTR], err) != 0 ||
        need(f, TREC_TAG_CIDX, 4 * f->nnz, 1, &f->sec[TREC_PART_CIDX], err) != 0 ||
        need(f, TREC_TAG_VALS, 4 * f->nnz, 1, &f->sec[TREC_PART_VALS], err) != 0 ||
        need(f, TREC_TAG_TIME, 8 * f->nnz, 0, &f->sec[3], err) != 0) {
        trec_csr_file_close(f);
        return -1;
    }
    return 0;
}

void trec_csr_file_close(trec_csr_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    trec_container_free(&f->head);
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

/* Reads n elements of `size` bytes of part p from element `first` into buf,
 * and the CRC of the bytes [crc_first, crc_first + crc_n) elements of them. */
static int read_part(trec_csr_file *f, int p, void *buf, uint64_t first, uint64_t n,
                     uint64_t size, uint64_t crc_first, uint64_t crc_n,
                     trec_csr_part_crc *crc, trec_error *err)
{
    uint64_t off = f->head.sections[f->sec[p]].offset + first * size;
    if (pread_all(f, buf, n * size, off, err) != 0)
        return -1;
    crc->len[p] = crc_n * size;
    crc->crc[p] = trec_crc32(0, (const uint8_t *)buf + (crc_first - first) * size,
                             (size_t)(crc_n * size));
    return 0;
}

/* The block's row pointers (global ones, r1 - r0 + 1 of them) are monotone
 * within the file's entries, as trec_csr_read requires. */
static int check_rowptr(const trec_csr_file *f, const uint64_t *p, uint64_t r0, uint64_t r1,
                        trec_error *err)
{
    const char *name = f->head.name;
    if (r0 == 0 && p[0] != 0)
        return trec_fail(err, "%s: row pointer 0 is %llu, not 0", name,
                         (unsigned long long)p[0]);
    for (uint64_t r = r0; r < r1; r++) {
        uint64_t a = p[r - r0], b = p[r - r0 + 1];
        if (b < a || b > f->nnz)
            return trec_fail(err, "%s: row pointers not monotone at row %llu "
                             "(%llu then %llu, nnz %llu)", name, (unsigned long long)r,
                             (unsigned long long)a, (unsigned long long)b,
                             (unsigned long long)f->nnz);
    }
    if (r1 == f->rows && p[r1 - r0] != f->nnz)
        return trec_fail(err, "%s: last row pointer is %llu but nnz is %llu", name,
                         (unsigned long long)p[r1 - r0], (unsigned long long)f->nnz);
    return 0; /* p[0] <= nnz: checked by the block before (or p[0] = 0) */
}

/* Columns in range and increasing, values finite (messages as csr.c's). */
static int check_entries(const trec_csr_file *f, const trec_csr *m, uint64_t r0,
                         uint64_t e0, trec_error *err)
{
    const char *name = f->head.name;
    for (uint64_t r = 0; r < m->rows; r++)
        for (uint64_t k = m->rowptr[r]; k < m->rowptr[r + 1]; k++) {
            if (m->colidx[k] >= m->cols)
                return trec_fail(err, "%s: row %llu: column index %u out of range "
                                 "(%llu columns)", name, (unsigned long long)(r0 + r),
                                 m->colidx[k], (unsigned long long)m->cols);
            if (k > m->rowptr[r] && m->colidx[k] <= m->colidx[k - 1])
                return trec_fail(err, "%s: row %llu: column indices not strictly "
                                 "increasing (%u after %u)", name, (unsigned long long)(r0 + r),
                                 m->colidx[k], m->colidx[k - 1]);
        }
    for (uint64_t k = 0; k < m->nnz; k++)
        if (!isfinite(m->vals[k]))
            return trec_fail(err, "%s: value %llu is not finite", name,
                             (unsigned long long)(e0 + k));
    return 0;
}

int trec_csr_read_rows(trec_csr_file *f, uint64_t r0, uint64_t r1, trec_csr *m,
                       trec_csr_part_crc *crc, trec_error *err)
{
    memset(m, 0, sizeof *m);
    memset(crc, 0, sizeof *crc);
    if (r0 > r1 || r1 > f->rows)
        return trec_fail(err, "%s: rows %llu..%llu requested of %llu", f->head.name,
                         (unsigned long long)r0, (unsigned long long)r1,
                         (unsigned long long)f->rows);
    uint64_t n = r1 - r0;
    uint64_t *p = trec_malloc((n + 1) * sizeof *p, err);
    /* RPTR's last entry belongs to the block that ends the rows */
    uint64_t c0 = r0 == f->rows ? r0 + 1 : r0, c1 = r1 == f->rows ? r1 + 1 : r1;
    if (!p || read_part(f, TREC_PART_RPTR, p, r0, n + 1, 8, c0, c1 - c0, crc, err) != 0 ||
        check_rowptr(f, p, r0, r1, err) != 0) {
        free(p);
        return -1;
    }
    uint64_t e0 = p[0], ne = p[n] - p[0];
    if (trec_csr_alloc(m, n, f->cols, ne, 0, err) != 0) {
        free(p);
        return -1;
    }
    for (uint64_t r = 0; r <= n; r++)
        m->rowptr[r] = p[r] - e0;
    free(p);
    if (read_part(f, TREC_PART_CIDX, m->colidx, e0, ne, 4, e0, ne, crc, err) != 0 ||
        read_part(f, TREC_PART_VALS, m->vals, e0, ne, 4, e0, ne, crc, err) != 0 ||
        check_entries(f, m, r0, e0, err) != 0) {
        trec_csr_free(m);
        return -1;
    }
    return 0;
}

int trec_csr_file_verify(const trec_csr_file *f, const trec_csr_part_crc *parts, size_t n,
                         trec_error *err)
{
    for (int p = 0; p < TREC_PART_N; p++) {
        uint32_t crc = 0;
        uint64_t len = 0;
        for (size_t i = 0; i < n; i++) {
            crc = trec_crc32_combine(crc, parts[i].crc[p], parts[i].len[p]);
            len += parts[i].len[p];
        }
        char tn[5];
        trec_tag_name(part_tags[p], tn);
        if (len != f->head.sections[f->sec[p]].size)
            return trec_fail(err, "%s: internal error: the blocks read %llu of the %llu "
                             "bytes of section %s", f->head.name, (unsigned long long)len,
                             (unsigned long long)f->head.sections[f->sec[p]].size, tn);
        if (crc != f->head.sections[f->sec[p]].crc)
            return trec_fail(err, "%s: checksum mismatch in section %s (file is corrupt)",
                             f->head.name, tn);
    }
    return 0;
}

/* One label section, whole and verified, into l (bytes owned by shell). */
static int read_label_section(trec_csr_file *f, uint32_t tag, const char *what,
                              trec_labels *l, trec_csr *shell, trec_error *err)
{
    int i = find(&f->head, tag);
    memset(l, 0, sizeof *l);
    if (i < 0)
        return 0;
    uint64_t size = f->head.sections[i].size;
    uint8_t *buf = trec_aligned_alloc(size + 1, err);
    if (!buf || trec_csr_own(shell, buf, err) != 0)
        return -1;
    if (pread_all(f, buf, size, f->head.sections[i].offset, err) != 0)
        return -1;
    char tn[5];
    trec_tag_name(tag, tn);
    if (trec_crc32(0, buf, (size_t)size) != f->head.sections[i].crc)
        return trec_fail(err, "%s: checksum mismatch in section %s (file is corrupt)",
                         f->head.name, tn);
    return trec_labels_parse(buf, size, f->head.name, what, l, err);
}

int trec_csr_read_labels(trec_csr_file *f, trec_csr *shell, trec_error *err)
{
    memset(shell, 0, sizeof *shell);
    shell->rows = f->rows;
    shell->cols = f->cols;
    const char *name = f->head.name;
    if (read_label_section(f, TREC_TAG_RLAB, "row labels", &shell->row_labels, shell,
                           err) != 0 ||
        read_label_section(f, TREC_TAG_CLAB, "column labels", &shell->col_labels, shell,
                           err) != 0)
        goto fail;
    if (shell->row_labels.count && shell->row_labels.count != f->rows) {
        trec_fail(err, "%s: %llu row labels for %llu rows", name,
                  (unsigned long long)shell->row_labels.count, (unsigned long long)f->rows);
        goto fail;
    }
    if (shell->col_labels.count && shell->col_labels.count != f->cols) {
        trec_fail(err, "%s: %llu column labels for %llu columns", name,
                  (unsigned long long)shell->col_labels.count, (unsigned long long)f->cols);
        goto fail;
    }
    return 0;
fail:
    trec_csr_free(shell);
    return -1;
}
