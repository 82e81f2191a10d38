/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* features_matrix.c - products with a side's feature matrix (identity block +
 * metadata CSR) without building the identity block. */
#include "features_matrix.h"

#include <string.h>

void trec_features_init(trec_features *f, uint64_t rows, int identity,
                        const trec_csr *extra)
{
    f->rows = rows;
    f->identity = identity != 0;
    f->extra = extra && extra->cols ? extra : NULL;
    f->n_extra = f->extra ? extra->cols : 0;
    f->n_features = (f->identity ? rows : 0) + f->n_extra;
}

int trec_features_check(const trec_csr *extra, const char *name, uint64_t rows,
                        const trec_labels *labels, const char *side,
                        trec_error *err)
{
    if (extra->rows != rows)
        return trec_fail(err, "%s: %s feature matrix has %llu rows, but the interaction "
                         "matrix has %llu %ss", name, side, (unsigned long long)extra->rows,
                         (unsigned long long)rows, side);
    if (extra->cols == 0)
        return trec_fail(err, "%s: %s feature matrix has no columns", name, side);
    int have = labels->count != 0, fhave = extra->row_labels.count != 0;
    if (have != fhave)
        return trec_fail(err, "%s: %s feature matrix %s row labels but the interaction "
                         "matrix %s %s labels, so their alignment cannot be checked",
                         name, side, fhave ? "has" : "has no", have ? "has" : "has no", side);
    for (uint64_t r = 0; have && r < rows; r++) {
        size_t n1, n2;
        const char *a = trec_label(labels, r, &n1);
        const char *b = trec_label(&extra->row_labels, r, &n2);
        if (n1 != n2 || memcmp(a, b, n1) != 0)
            return trec_fail(err, "%s: row %llu is labelled '%.*s' but %s %llu of the "
                             "interaction matrix is '%.*s' (rows must be aligned; build the "
                             "file with trec-ingest --align)", name, (unsigned long long)r + 1,
                             (int)n2, b, side, (unsigned long long)r + 1, (int)n1, a);
    }
    return 0;
}

void trec_features_mul(const trec_features *f, uint64_t r0, uint64_t r1,
                       const float *w, uint64_t cols, float *out)
{
    uint64_t base = f->identity ? f->rows : 0;
    for (uint64_t r = r0; r < r1; r++) {
        float *o = out + (r - r0) * cols;
        if (f->identity)
            memcpy(o, w + r * cols, cols * sizeof *o);
        else
            memset(o, 0, cols * sizeof *o);
        if (!f->extra)
            continue;
        for (uint64_t e = f->extra->rowptr[r]; e < f->extra->rowptr[r + 1]; e++) {
            const float *wr = w + (base + f->extra->colidx[e]) * cols;
            float v = f->extra->vals[e];
            for (uint64_t c = 0; c < cols; c++)
                o[c] += v * wr[c];
        }
    }
}

void trec_features_mul_t_acc(const trec_features *f, uint64_t r0, uint64_t r1,
                             const float *d, uint64_t cols, float *dw)
{
    uint64_t base = f->identity ? f->rows : 0;
    for (uint64_t r = r0; r < r1; r++) {
        const float *dr = d + (r - r0) * cols;
        if (f->identity) {
            float *o = dw + r * cols;
            for (uint64_t c = 0; c < cols; c++)
                o[c] += dr[c];
        }
        if (!f->extra)
            continue;
        for (uint64_t e = f->extra->rowptr[r]; e < f->extra->rowptr[r + 1]; e++) {
            float *o = dw + (base + f->extra->colidx[e]) * cols;
            float v = f->extra->vals[e];
            for (uint64_t c = 0; c < cols; c++)
                o[c] += v * dr[c];
        }
    }
}

void trec_features_dense(const trec_features *f, uint64_t r0, uint64_t r1, float *out)
{
    uint64_t base = f->identity ? f->rows : 0, n = f->n_features;
    memset(out, 0, (r1 - r0) * n * sizeof *out);
    for (uint64_t r = r0; r < r1; r++) {
        float *o = out + (r - r0) * n;
        if (f->identity)
            o[r] = 1.0f;
        if (!f->extra)
            continue;
        for (uint64_t e = f->extra->rowptr[r]; e < f->extra->rowptr[r + 1]; e++)
            o[base + f->extra->colidx[e]] += f->extra->vals[e];
    }
}
