/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* csr_part.h - reading a block of rows of a matrix file (internal): the
 * file's header and section table, then with pread only the block's range
 * of RPTR and the matching ranges of CIDX and VALS, so that processes that
 * share the rows of a matrix (distributed ALS and evaluation, lib/mpi) never
 * read the whole file.
 *
 * Checksums: a block cannot check a section's CRC-32 from its part, but the
 * CRC of each byte range it read is kept (trec_csr_part_crc); the ranges of
 * consecutive blocks tile each section, so trec_csr_file_verify combines the
 * blocks' CRCs in row order (trec_crc32_combine) into the sections' CRCs and
 * compares them with the file's. The file is then verified as
 * trec_csr_read verifies it, except the sections no block reads (TIME, and
 * RLAB/CLAB unless trec_csr_read_labels reads them). */
#ifndef TREC_CSR_PART_H
#define TREC_CSR_PART_H

#include <stdint.h>

#include "container.h"
#include "csr.h"
#include "error.h"

/* A matrix file open for partial reads. */
typedef struct trec_csr_file {
    int fd;
    trec_container head;            /* header and section table (buf NULL) */
    uint64_t rows, cols, nnz;       /* from DIMS (read and verified whole) */
    int sec[4];                     /* indices of RPTR, CIDX, VALS in head, and
                                     * of TIME (-1: absent) */
} trec_csr_file;

/* The sections blocks read in parts, in trec_csr_part_crc's order. */
enum { TREC_PART_RPTR, TREC_PART_CIDX, TREC_PART_VALS, TREC_PART_N };

/* What one block read of each section: CRC-32 and length of its range. */
typedef struct trec_csr_part_crc {
    uint32_t crc[TREC_PART_N];
    uint64_t len[TREC_PART_N];
} trec_csr_part_crc;

/* Opens path (a regular file; "-" is refused), reads and checks its head and
 * DIMS, and checks the sizes of RPTR, CIDX, VALS (and TIME) against the
 * shape, as trec_csr_read does. */
int trec_csr_file_open(trec_csr_file *f, const char *path, trec_error *err);
void trec_csr_file_close(trec_csr_file *f);

/* Reads rows [r0, r1) (r0 <= r1 <= rows) into m: r1 - r0 rows, the file's
 * columns, row pointers rebased to the block's first entry, no labels, no
 * times. Checks them as trec_csr_read does, with the same messages (naming
 * the file's row numbers). *crc receives the CRCs of the byte ranges this
 * block accounts for: RPTR entries [r0, r1), plus the last entry when r1 is
 * the last row; the block's entries of CIDX and VALS. */
int trec_csr_read_rows(trec_csr_file *f, uint64_t r0, uint64_t r1, trec_csr *m,
                       trec_csr_part_crc *crc, trec_error *err);

/* Combines the CRCs of n blocks that cover the rows in order (block i's
 * rows follow block i - 1's) and compares them with the sections' CRCs:
 * "NAME: checksum mismatch in section CIDX (file is corrupt)" otherwise. */
int trec_csr_file_verify(const trec_csr_file *f, const trec_csr_part_crc *parts, size_t n,
                         trec_error *err);

/* Reads and verifies the label sections (whole, when present) into shell:
 * the file's rows and columns, no entries (rowptr NULL), its labels; for
 * label checks and for a model's labels. */
int trec_csr_read_labels(trec_csr_file *f, trec_csr *shell, trec_error *err);

#endif
