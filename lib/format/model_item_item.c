/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* model_item_item.c - the item-item model kind in model files: the weights B
 * over the active items and the known users' histories (see
 * model_item_item.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_item_item.h"
#include "model_kind.h"

/* MDIM words of this kind: 2 form (0 explicit, 1 dual), 3 the dual form's
 * column weights W are stored (1) or all 1 (0), 14 active items, 15 history
 * entries. */
enum { W_DUAL = 2, W_WEIGHTS = 3, W_ACTIVE = 14, W_HIST = 15 };

trec_item_item *trec_model_item_item(const trec_model *m)
{
    return m->kind == TREC_MODEL_ITEM_ITEM ? m->kind_data : NULL;
}

trec_item_item *trec_model_item_item_init(trec_model *m, trec_error *err)
{
    m->kind = TREC_MODEL_ITEM_ITEM;
    return trec_model_kind_data(m, err);
}

static void ii_dims_out(const trec_model *m, uint64_t d[TREC_MDIM_WORDS])
{
    const trec_item_item *ii = trec_model_item_item(m);
    d[W_DUAL] = (uint64_t)(ii->dual != 0);
    d[W_WEIGHTS] = (uint64_t)(ii->dual && ii->weighted);
    d[W_ACTIVE] = ii->n_active;
    d[W_HIST] = ii->hist_nnz;
}

static int ii_dims_in(const uint64_t d[TREC_MDIM_WORDS], uint64_t lim, trec_model *m,
                      const char *name, trec_error *err)
{
    for (int w = 2; w < TREC_MDIM_WORDS; w++)
        if (w != TREC_MDIM_KIND && w != W_ACTIVE && w != W_HIST && w != W_DUAL &&
            w != W_WEIGHTS && d[w])
            return trec_fail(err, "%s: corrupt MDIM section (word %d of an item-item model "
                             "is not 0)", name, w);
    /* n_active^2 (explicit) or n_users^2 (dual) floats must fit in the file. */
    uint64_t side = d[W_DUAL] ? d[0] : d[W_ACTIVE];
    if (d[W_DUAL] > 1 || d[W_ACTIVE] > d[1] || d[W_HIST] > lim || (side && side > lim / side))
        return trec_fail(err, "%s: model shape does not fit the file", name);
    if (d[W_WEIGHTS] > d[W_DUAL])
        return trec_fail(err, "%s: corrupt MDIM section (column weights of an explicit "
                         "item-item model)", name);
    trec_item_item *ii = trec_model_item_item(m); /* allocated by model.c */
    ii->dual = (int)d[W_DUAL];
    ii->weighted = (int)d[W_WEIGHTS];
    ii->n_active = d[W_ACTIVE];
    ii->hist_nnz = d[W_HIST];
    return 0;
}

static int ii_alloc(trec_model *m, trec_error *err)
{
    int failed = 0;
    trec_item_item *ii = trec_model_item_item(m);
    uint64_t na = ii->n_active;
    ii->b = ii->k = NULL; /* the other form's stay NULL (a copy starts from src's) */
    ii->c_diag = ii->w = NULL;
    if (na && na > UINT64_MAX / na) {
        return trec_fail(err, "out of memory: %llu x %llu item weights",
                         (unsigned long long)na, (unsigned long long)na);
    }
    ii->active = trec_model_alloc_bytes(m, na * sizeof *ii->active, err, &failed);
    if (ii->dual) {
        ii->k = trec_model_alloc_floats(m, m->n_users * m->n_users, err, &failed);
        ii->c_diag = trec_model_alloc_bytes(m, na * sizeof *ii->c_diag, err, &failed);
        if (ii->weighted)
            ii->w = trec_model_alloc_bytes(m, na * sizeof *ii->w, err, &failed);
    } else {
        ii->b = trec_model_alloc_floats(m, na * na, err, &failed);
    }
    ii->hist_ptr = trec_model_alloc_bytes(m, (m->n_users + 1) * sizeof *ii->hist_ptr, err,
                                          &failed);
    ii->hist_idx = trec_model_alloc_bytes(m, ii->hist_nnz * sizeof *ii->hist_idx, err, &failed);
    ii->hist_val = trec_model_alloc_floats(m, ii->hist_nnz, err, &failed);
    return failed ? -1 : 0;
}

static int check_active(const trec_model *m, const char *name, trec_error *err)
{
    const trec_item_item *ii = trec_model_item_item(m);
    for (uint64_t a = 0; a < ii->n_active; a++)
        if (ii->active[a] >= m->n_items || (a && ii->active[a] <= ii->active[a - 1]))
            return trec_fail(err, "%s: active item %llu (%u) is out of range or out of order",
                             name, (unsigned long long)a, ii->active[a]);
    return 0;
}

static int check_history(const trec_model *m, const char *name, trec_error *err)
{
    const trec_item_item *ii = trec_model_item_item(m);
    if (ii->hist_ptr[0] != 0 || ii->hist_ptr[m->n_users] != ii->hist_nnz)
        return trec_fail(err, "%s: history row pointers do not span the %llu entries", name,
                         (unsigned long long)ii->hist_nnz);
    for (uint64_t u = 0; u < m->n_users; u++) {
        uint64_t a = ii->hist_ptr[u], b = ii->hist_ptr[u + 1];
        if (b < a || b > ii->hist_nnz)
            return trec_fail(err, "%s: history row pointer %llu out of order", name,
                             (unsigned long long)(u + 1));
        for (uint64_t e = a; e < b; e++)
            if (ii->hist_idx[e] >= m->n_items || (e > a && ii->hist_idx[e] <= ii->hist_idx[e - 1]))
                return trec_fail(err, "%s: history of user %llu: item %u out of range or "
                                 "out of order", name, (unsigned long long)u, ii->hist_idx[e]);
    }
    return trec_model_check_finite(ii->hist_val, ii->hist_nnz, name, "history weights", err);
}

static int ii_validate(const trec_model *m, const char *name, trec_error *err)
{
    const trec_item_item *ii = trec_model_item_item(m);
    if (!ii)
        return trec_fail(err, "%s: internal error: an item-item model without its data", name);
    if (m->k || m->user_repr || m->item_repr || m->adam_n || (ii->dual ? !!ii->b : !!ii->k))
        return trec_fail(err, "%s: an item-item model has no representations", name);
    if (ii->n_active > m->n_items)
        return trec_fail(err, "%s: %llu active items of %llu", name,
                         (unsigned long long)ii->n_active, (unsigned long long)m->n_items);
    if (check_active(m, name, err) || check_history(m, name, err))
        return -1;
    if (!ii->dual)
        return trec_model_check_finite(ii->b, ii->n_active * ii->n_active, name,
                                       "item-item weights", err);
    for (uint64_t t = 0; t < ii->n_active; t++)
        if (!isfinite(ii->c_diag[t]) || !(ii->c_diag[t] < 1.0)) /* 1 - C[t][t] divides */
            return trec_fail(err, "%s: dual item-item diagonal %llu is %g, not below 1", name,
                             (unsigned long long)t, ii->c_diag[t]);
    for (uint64_t t = 0; ii->w && t < ii->n_active; t++)
        if (!isfinite(ii->w[t]) || !(ii->w[t] > 0))
            return trec_fail(err, "%s: dual item-item column weight %llu is %g, not > 0", name,
                             (unsigned long long)t, ii->w[t]);
    return trec_model_check_finite(ii->k, m->n_users * m->n_users, name,
                                   "dual item-item weights", err);
}

static void ii_sections(const trec_model *m, trec_section *s, size_t *n, uint64_t *scratch)
{
    (void)scratch;
    const trec_item_item *ii = trec_model_item_item(m);
    trec_model_add_section(s, n, "IIAC", ii->active, 4 * ii->n_active);
    if (ii->dual) {
        trec_model_add_section(s, n, "DUAK", ii->k, 4 * m->n_users * m->n_users);
        trec_model_add_section(s, n, "DUAC", ii->c_diag, 8 * ii->n_active);
        if (ii->weighted)
            trec_model_add_section(s, n, "DUAW", ii->w, 8 * ii->n_active);
    } else {
        trec_model_add_section(s, n, "IIMX", ii->b, 4 * ii->n_active * ii->n_active);
    }
    trec_model_add_section(s, n, "HPTR", ii->hist_ptr, 8 * (m->n_users + 1));
    trec_model_add_section(s, n, "HIDX", ii->hist_idx, 4 * ii->hist_nnz);
    trec_model_add_section(s, n, "HVAL", ii->hist_val, 4 * ii->hist_nnz);
}

static int ii_read(const trec_container *c, trec_model *m, trec_error *err)
{
    trec_item_item *ii = trec_model_item_item(m);
    return trec_model_get_section(c, "IIAC", ii->n_active, 4, (void **)&ii->active, err) ||
           trec_model_get_section(c, "IIMX", ii->dual ? 0 : ii->n_active * ii->n_active, 4,
                                  (void **)&ii->b, err) ||
           trec_model_get_section(c, "DUAK", ii->dual ? m->n_users * m->n_users : 0, 4,
                                  (void **)&ii->k, err) ||
           trec_model_get_section(c, "DUAC", ii->dual ? ii->n_active : 0, 8,
                                  (void **)&ii->c_diag, err) ||
           trec_model_get_section(c, "DUAW", ii->dual && ii->weighted ? ii->n_active : 0, 8,
                                  (void **)&ii->w, err) ||
           trec_model_get_section(c, "HPTR", m->n_users + 1, 8, (void **)&ii->hist_ptr, err) ||
           trec_model_get_section(c, "HIDX", ii->hist_nnz, 4, (void **)&ii->hist_idx, err) ||
           trec_model_get_section(c, "HVAL", ii->hist_nnz, 4, (void **)&ii->hist_val, err);
}

static void ii_describe(const trec_model *m, FILE *text, cJSON *json)
{
    const trec_item_item *ii = trec_model_item_item(m);
    if (text) {
        fprintf(text, "weights:    %llu x %llu active items, %s form", (unsigned long long)ii->n_active,
                (unsigned long long)ii->n_active, ii->dual ? "dual" : "explicit");
        if (ii->dual)
            fprintf(text, " (%llu x %llu user kernel%s)", (unsigned long long)m->n_users,
                    (unsigned long long)m->n_users, ii->w ? ", column weights" : "");
        fputc('\n', text);
        fprintf(text, "histories:  %llu entries of the known users\n",
                (unsigned long long)ii->hist_nnz);
    } else {
        cJSON_AddNumberToObject(json, "active_items", (double)ii->n_active);
        cJSON_AddStringToObject(json, "form", ii->dual ? "dual" : "explicit");
        if (ii->w)
            cJSON_AddBoolToObject(json, "column_weights", 1);
        cJSON_AddNumberToObject(json, "history_entries", (double)ii->hist_nnz);
    }
}

const trec_model_kind_ops trec_model_item_item_ops = {
    .name = "item-item",
    .data_size = sizeof(trec_item_item),
    .dims_out = ii_dims_out,
    .dims_in = ii_dims_in,
    .alloc = ii_alloc,
    .validate = ii_validate,
    .sections = ii_sections,
    .read = ii_read,
    .describe = ii_describe,
};
