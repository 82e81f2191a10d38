/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* coldstart.c - representations of new or updated users and items from
 * their features (see coldstart.h). */
#include "coldstart.h"

#include <stdlib.h>
#include <string.h>

#include "features_matrix.h"
#include "idmap.h"
#include "representation.h"

/* One side of the scoring model being built. */
typedef struct side_out {
    uint64_t n;          /* entities: the model's, then the new ones */
    float *repr, *bias;
    trec_labels labels;
} side_out;

/* colmap[j] = the model's metadata feature for column j of f: by label when
 * both are labelled (f may have fewer columns, in any order), else by
 * position (then the counts must agree). */
static int map_columns(const trec_side *s, const trec_csr *f, const char *name,
                       const char *what, uint32_t *colmap, trec_error *err)
{
    if (s->n_extra == 0)
        return trec_fail(err, "%s: the model has no %s metadata features (it was "
                         "fitted without --%s-features), so %s features do not apply",
                         name, what, what, what);
    if (!f->row_labels.count && f->rows)
        return trec_fail(err, "%s: no row labels (raw %s ids) to match the model's %ss",
                         name, what, what);
    if (!s->extra_labels.count || !f->col_labels.count) {
        if (f->cols != s->n_extra)
            return trec_fail(err, "%s: %llu feature columns, but the model has %llu %s "
                             "metadata features (and no names to match them by)", name,
                             (unsigned long long)f->cols, (unsigned long long)s->n_extra,
                             what);
        for (uint64_t j = 0; j < f->cols; j++)
            colmap[j] = (uint32_t)j;
        return 0;
    }
    trec_idmap names;
    if (trec_idmap_from_labels(&names, &s->extra_labels, err) != 0)
        return -1;
    int rc = 0;
    for (uint64_t j = 0; j < f->cols && rc == 0; j++) {
        size_t n;
        const char *l = trec_label(&f->col_labels, j, &n);
        int64_t at = trec_idmap_find(&names, l, n);
        if (at < 0)
            rc = trec_fail(err, "%s: feature '%.*s' is not one of the model's %llu %s "
                           "features", name, (int)(n > 200 ? 200 : n), l,
                           (unsigned long long)s->n_extra, what);
        else
            colmap[j] = (uint32_t)at;
    }
    trec_idmap_free(&names);
    return rc;
}

/* Ids of the feature rows among the model's entities (new ones appended to
 * map), into ent[]. */
static int map_rows(const trec_csr *f, trec_idmap *map, uint64_t *ent, trec_error *err)
{
    for (uint64_t r = 0; r < f->rows; r++) {
        size_t n;
        const char *s = trec_label(&f->row_labels, r, &n);
        uint32_t id;
        if (trec_idmap_intern(map, s, n, &id, err) < 0)
            return -1;
        ent[r] = id;
    }
    return 0;
}

/* Insertion sort of a row's entries by column (rows are short). */
static void sort_entries(uint32_t *col, float *val, uint64_t n)
{
    for (uint64_t i = 1; i < n; i++) {
        uint32_t c = col[i];
        float v = val[i];
        uint64_t j = i;
        for (; j > 0 && col[j - 1] > c; j--) {
            col[j] = col[j - 1];
            val[j] = val[j - 1];
        }
        col[j] = c;
        val[j] = v;
    }
}

/* The explicit feature rows: identity feature (known entities only, when the
 * side has an identity block) followed by the metadata, mapped to the
 * model's feature order and shifted past the identity block. */
static int explicit_features(const trec_side *s, uint64_t n_model, const trec_csr *f,
                             const uint32_t *colmap, const uint64_t *ent, trec_csr *x,
                             trec_error *err)
{
    uint64_t base = s->identity ? n_model : 0, nnz = f->nnz;
    for (uint64_t r = 0; r < f->rows; r++)
        nnz += s->identity && ent[r] < n_model;
    if (trec_csr_alloc(x, f->rows, s->n_features, nnz, 0, err) != 0)
        return -1;
    uint64_t k = 0;
    for (uint64_t r = 0; r < f->rows; r++) {
        if (s->identity && ent[r] < n_model) {
            x->colidx[k] = (uint32_t)ent[r];
            x->vals[k++] = 1.0f;
        }
        uint64_t first = k;
        for (uint64_t e = f->rowptr[r]; e < f->rowptr[r + 1]; e++) {
            x->colidx[k] = (uint32_t)(base + colmap[f->colidx[e]]);
            x->vals[k++] = f->vals[e];
        }
        sort_entries(x->colidx + first, x->vals + first, k - first);
        x->rowptr[r + 1] = k;
    }
    return 0;
}

static float *falloc(trec_model *out, uint64_t n, trec_error *err)
{
    float *p = trec_aligned_alloc((n ? n : 1) * sizeof *p, err);
    if (p && trec_model_own(out, p, err) != 0)
        return NULL;
    return p;
}

static int apply_side(trec_model *out, const trec_side *s, uint64_t n_model,
                      const float *repr, const float *bias, const trec_labels *labels,
                      const trec_csr *f, const char *name, const char *what,
                      side_out *so, trec_error *err)
{
    uint64_t k = out->k;
    so->n = n_model;
    so->repr = (float *)repr;
    so->bias = (float *)bias;
    so->labels = *labels;
    if (!f)
        return 0;
    if (!labels->count)
        return trec_fail(err, "%s: the model has no %s labels to match", name, what);
    uint32_t *colmap = trec_malloc((f->cols ? f->cols : 1) * sizeof *colmap, err);
    if (!colmap || map_columns(s, f, name, what, colmap, err) != 0) {
        free(colmap);
        return -1;
    }
    trec_idmap map;
    trec_csr x = {0};
    uint64_t *ent = trec_malloc((f->rows ? f->rows : 1) * sizeof *ent, err);
    float *R = NULL, *B = NULL, *cache = NULL;
    int rc = -1;
    if (!ent || trec_idmap_from_labels(&map, labels, err) != 0) {
        free(ent);
        free(colmap);
        return -1;
    }
    if (map_rows(f, &map, ent, err) != 0 ||
        explicit_features(s, n_model, f, colmap, ent, &x, err) != 0)
        goto done;
    trec_features feats;
    trec_features_init(&feats, f->rows, 0, &x);
    uint64_t nc = trec_repr_cache_floats(s, k, f->rows);
    uint64_t nr = f->rows * k;
    R = trec_malloc((nr ? nr : 1) * sizeof *R, err);
    B = trec_malloc((f->rows ? f->rows : 1) * sizeof *B, err);
    cache = nc ? trec_malloc(nc * sizeof *cache, err) : NULL;
    so->n = map.count;
    so->repr = falloc(out, so->n * k, err);
    so->bias = falloc(out, so->n, err);
    if (!R || !B || (nc && !cache) || !so->repr || !so->bias)
        goto done;
    trec_repr_forward(s, &feats, k, 0, f->rows, R, cache);
    trec_bias_forward(s, &feats, 0, f->rows, B);
    memcpy(so->repr, repr, n_model * k * sizeof *R);
    memcpy(so->bias, bias, n_model * sizeof *B);
    for (uint64_t r = 0; r < f->rows; r++) {
        memcpy(so->repr + ent[r] * k, R + r * k, k * sizeof *R);
        so->bias[ent[r]] = B[r];
    }
    /* The labels: the map's strings, kept by out. */
    if (trec_model_own(out, map.offsets, err) != 0) {
        map.offsets = NULL;
        goto done;
    }
    uint64_t *offsets = map.offsets;
    map.offsets = NULL;
    if (trec_model_own(out, map.blob, err) != 0) {
        map.blob = NULL;
        goto done;
    }
    so->labels = (trec_labels){.count = map.count, .offsets = offsets, .blob = map.blob};
    map.blob = NULL;
    rc = 0;
done:
    trec_idmap_free(&map);
    trec_csr_free(&x);
    free(colmap);
    free(ent);
    free(R);
    free(B);
    free(cache);
    return rc;
}

int trec_coldstart_apply(const trec_model *m, const trec_csr *user_features,
                         const char *user_name, const trec_csr *item_features,
                         const char *item_name, trec_model *out, trec_error *err)
{
    memset(out, 0, sizeof *out);
    if (m->kind != TREC_MODEL_FACTORS) {
        const char *kind = trec_model_kind_name(m->kind);
        if (user_features || item_features)
            return trec_fail(err, "%s: %s %s model has no feature weights, so features do "
                             "not apply (cold start needs a model fitted with --user-features "
                             "or --item-features)", user_features ? user_name : item_name,
                             strchr("aeiou", kind[0]) ? "an" : "a", kind);
        /* Nothing to apply: a view of m that owns nothing. */
        *out = *m;
        memset(&out->file, 0, sizeof out->file);
        out->nowned = 0;
        return 0;
    }
    out->k = m->k;
    out->predict = m->predict;
    out->biases = m->biases;
    out->user = m->user;
    out->item = m->item;
    out->meta_json = m->meta_json;
    side_out u, it;
    if (apply_side(out, &m->user, m->n_users, m->user_repr, m->user_bias, &m->user_labels,
                   user_features, user_name, "user", &u, err) != 0 ||
        apply_side(out, &m->item, m->n_items, m->item_repr, m->item_bias, &m->item_labels,
                   item_features, item_name, "item", &it, err) != 0) {
        trec_model_free(out);
        return -1;
    }
    out->n_users = u.n;
    out->n_items = it.n;
    out->user_repr = u.repr;
    out->user_bias = u.bias;
    out->user_labels = u.labels;
    out->item_repr = it.repr;
    out->item_bias = it.bias;
    out->item_labels = it.labels;
    return 0;
}
