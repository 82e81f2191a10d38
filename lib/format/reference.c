/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* reference.c - a matrix's or a model's raw ids (see reference.h). */
#include "reference.h"

#include <stdio.h>
#include <string.h>

#include "fileio.h"

int trec_reference_read(const char *path, trec_reference *r, trec_error *err)
{
    memset(r, 0, sizeof *r);
    trec_container c;
    if (trec_container_read(path, 0, &c, err) != 0)
        return -1;
    r->kind = c.kind;
    char name[256];
    snprintf(name, sizeof name, "%s", trec_display_name(path));
    if (c.kind == TREC_KIND_MATRIX) {
        if (trec_csr_from_container(&c, &r->m, err) != 0)
            return -1;
        r->users = r->m.row_labels;
        r->items = r->m.col_labels;
        r->n_users = r->m.rows;
        r->n_items = r->m.cols;
    } else if (c.kind == TREC_KIND_MODEL) {
        if (trec_model_from_container(&c, &r->model, err) != 0)
            return -1;
        r->users = r->model.user_labels;
        r->items = r->model.item_labels;
        r->n_users = r->model.n_users;
        r->n_items = r->model.n_items;
    } else {
        trec_container_free(&c);
        return trec_fail(err, "%s: a %s file, not a matrix or a model", name,
                         trec_kind_name(c.kind));
    }
    const char *side = NULL;
    if (r->n_users && !r->users.count)
        side = "user";
    else if (r->n_items && !r->items.count)
        side = "item";
    if (side) {
        trec_reference_free(r);
        return trec_fail(err, "%s: has no %s labels (raw ids) to align to", name, side);
    }
    return 0;
}

void trec_reference_free(trec_reference *r)
{
    trec_csr_free(&r->m);
    trec_model_free(&r->model);
    memset(r, 0, sizeof *r);
}
