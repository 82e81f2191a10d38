/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* csr.h - the compressed sparse row matrix, in memory and in matrix files.
 *
 * Rows are users (or items, for feature files), columns items (or features).
 * Within a row, column indices are strictly increasing. Values are float32;
 * timestamps (optional) are int64 seconds, one per entry. Row and column
 * labels (optional) hold raw ids / names, so every file is self-describing.
 *
 * Matrix file sections (trec-formats(5)): DIMS (u64 rows, cols, nnz),
 * RPTR (u64 x rows+1), CIDX (u32 x nnz), VALS (f32 x nnz), and optional
 * TIME (i64 x nnz), RLAB, CLAB (label lists). */
#ifndef TREC_CSR_H
#define TREC_CSR_H

#include <stdint.h>

#include "container.h"
#include "error.h"
#include "labels.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TREC_TAG_DIMS TREC_TAG("DIMS")
#define TREC_TAG_RPTR TREC_TAG("RPTR")
#define TREC_TAG_CIDX TREC_TAG("CIDX")
#define TREC_TAG_VALS TREC_TAG("VALS")
#define TREC_TAG_TIME TREC_TAG("TIME")
#define TREC_TAG_RLAB TREC_TAG("RLAB")
#define TREC_TAG_CLAB TREC_TAG("CLAB")

#define TREC_MAX_COLS UINT32_MAX

typedef struct trec_csr {
    uint64_t rows, cols, nnz;
    uint64_t *rowptr;   /* rows + 1 */
    uint32_t *colidx;   /* nnz */
    float *vals;        /* nnz */
    int64_t *times;     /* nnz, or NULL */
    trec_labels row_labels, col_labels; /* count 0: absent */

    /* Ownership (private): a file image and/or separately allocated blocks. */
    trec_container file;
    void *owned[8];
    int nowned;
} trec_csr;

/* Allocates an unlabelled rows x cols matrix with room for nnz entries
 * (rowptr zeroed; times allocated if with_times). */
int trec_csr_alloc(trec_csr *m, uint64_t rows, uint64_t cols, uint64_t nnz,
                   int with_times, trec_error *err);
/* Hands a malloc'd block to m, to be freed with it. */
int trec_csr_own(trec_csr *m, void *block, trec_error *err);
void trec_csr_free(trec_csr *m);

/* Reads and fully validates a matrix file ("-": stdin). */
int trec_csr_read(const char *path, trec_csr *m, trec_error *err);
/* Builds a matrix from a verified container (takes ownership of it). */
int trec_csr_from_container(trec_container *c, trec_csr *m, trec_error *err);
/* Writes m atomically ("-": stdout). */
int trec_csr_write(const char *path, const trec_csr *m, trec_error *err);

/* Structural checks (what the reader enforces): row pointers monotone and
 * ending at nnz, columns in range and strictly increasing per row, values
 * finite, label counts matching. name is used in messages. */
int trec_csr_validate(const trec_csr *m, const char *name, trec_error *err);

/* Copies labels (and shape) of src's rows/columns into dst's; the label bytes
 * are shared, so src must outlive dst. */
void trec_csr_share_labels(trec_csr *dst, const trec_csr *src);

#ifdef __cplusplus
}
#endif

#endif
