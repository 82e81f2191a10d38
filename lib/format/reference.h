/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* reference.h - the raw user and item ids of a matrix or a model file, read
 * to align another file to them (trec-ingest --align): a matrix's row and
 * column labels, a model's user and item labels. */
#ifndef TREC_REFERENCE_H
#define TREC_REFERENCE_H

#include "csr.h"
#include "error.h"
#include "labels.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_reference {
    uint32_t kind;            /* TREC_KIND_MATRIX or TREC_KIND_MODEL */
    trec_labels users, items; /* rows / columns of a matrix; a model's users / items */
    uint64_t n_users, n_items;
    trec_csr m;               /* the file, whichever it is (private) */
    trec_model model;
} trec_reference;

/* Reads path ("-": stdin), a matrix or a model file, fully validated. Fails
 * if a side with entries has no labels (numbered rows cannot be matched). */
int trec_reference_read(const char *path, trec_reference *r, trec_error *err);
void trec_reference_free(trec_reference *r);

#ifdef __cplusplus
}
#endif

#endif
