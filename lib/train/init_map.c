/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* init_map.c - an --init model's rows matched to new data (see init_map.h). */
#include "init_map.h"

#include <stdlib.h>
#include <string.h>

#include "idmap.h"

static int same_labels(const trec_labels *a, const trec_labels *b)
{
    if (a->count != b->count)
        return 0;
    for (uint64_t i = 0; i < a->count; i++) {
        size_t n1, n2;
        const char *s1 = trec_label(a, i, &n1), *s2 = trec_label(b, i, &n2);
        if (n1 != n2 || memcmp(s1, s2, n1) != 0)
            return 0;
    }
    return 1;
}

int trec_init_check(const trec_model *init, const trec_model *m, trec_error *err)
{
    const char *what = NULL, *kind = trec_model_kind_name(init->kind);
    if (init->kind != TREC_MODEL_FACTORS)
        return trec_fail(err, "--init model is %s %s model, which has no factors to start "
                         "from", strchr("aeiou", kind[0]) ? "an" : "a", kind);
    if (init->k != m->k)
        what = "--components";
    else if (init->predict != m->predict)
        what = "--predict";
    else if (init->biases != m->biases)
        what = "biases (--no-biases)";
    else if (init->user.repr != m->user.repr || init->item.repr != m->item.repr)
        what = "representation (--user-repr/--item-repr)";
    else if (init->user.identity != m->user.identity || init->item.identity != m->item.identity)
        what = "identity features (--no-user-identity/--no-item-identity)";
    else if (init->user.n_extra != m->user.n_extra || init->item.n_extra != m->item.n_extra)
        what = "number of metadata features (--user-features/--item-features)";
    else if (init->user.hidden != m->user.hidden || init->item.hidden != m->item.hidden)
        what = "--hidden";
    else if ((init->user.extra_labels.count && m->user.extra_labels.count &&
              !same_labels(&init->user.extra_labels, &m->user.extra_labels)) ||
             (init->item.extra_labels.count && m->item.extra_labels.count &&
              !same_labels(&init->item.extra_labels, &m->item.extra_labels)))
        what = "metadata feature labels";
    if (what)
        return trec_fail(err, "--init model does not match this fit: different %s", what);
    return 0;
}

/* The init model's index of each user and item of the fit (identity sides
 * only: the others have no per-entity weights), and whether they differ. */
int trec_init_maps(const trec_model *init, const trec_model *m, int64_t **umap,
                     int64_t **imap, trec_fit_result *res, trec_error *err)
{
    uint64_t ku = 0, ki = 0;
    if (m->user.identity &&
        trec_init_map(&init->user_labels, init->n_users, &m->user_labels, m->n_users,
                      "user", umap, &ku, err) != 0)
        return -1;
    if (m->item.identity &&
        trec_init_map(&init->item_labels, init->n_items, &m->item_labels, m->n_items,
                      "item", imap, &ki, err) != 0)
        return -1;
    res->init_grown = (*umap && !trec_init_map_is_identity(*umap, m->n_users, init->n_users)) ||
                      (*imap && !trec_init_map_is_identity(*imap, m->n_items, init->n_items));
    if (*umap) {
        res->init_new_users = m->n_users - ku;
        res->init_gone_users = init->n_users - ku;
    }
    if (*imap) {
        res->init_new_items = m->n_items - ki;
        res->init_gone_items = init->n_items - ki;
    }
    return 0;
}

int trec_init_map(const trec_labels *init_l, uint64_t n_init, const trec_labels *l,
                  uint64_t n, const char *what, int64_t **map, uint64_t *known,
                  trec_error *err)
{
    *known = 0;
    *map = trec_malloc((n ? n : 1) * sizeof **map, err);
    if (!*map)
        return -1;
    if (!init_l->count || !l->count) {
        if (n != n_init) {
            free(*map);
            *map = NULL;
            return trec_fail(err, "--init model has %llu %ss, the data %llu, and one of them "
                             "has no %s labels (raw ids) to match them by",
                             (unsigned long long)n_init, what, (unsigned long long)n, what);
        }
        for (uint64_t i = 0; i < n; i++)
            (*map)[i] = (int64_t)i;
        *known = n;
        return 0;
    }
    trec_idmap im;
    if (trec_idmap_from_labels(&im, init_l, err) != 0) {
        free(*map);
        *map = NULL;
        return -1;
    }
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        const char *s = trec_label(l, i, &len);
        (*map)[i] = trec_idmap_find(&im, s, len);
        *known += (*map)[i] >= 0;
    }
    trec_idmap_free(&im);
    return 0;
}

int trec_init_map_is_identity(const int64_t *map, uint64_t n, uint64_t n_init)
{
    if (n != n_init)
        return 0;
    for (uint64_t i = 0; i < n; i++)
        if (map[i] != (int64_t)i)
            return 0;
    return 1;
}

void trec_init_copy_side(trec_side *dst, uint64_t n, const trec_side *src, uint64_t n_src,
                         const int64_t *map, uint64_t k)
{
    uint64_t cols = trec_side_w1_cols(dst, k);
    uint64_t nid = dst->identity ? n : 0, nid_src = src->identity ? n_src : 0;
    for (uint64_t f = 0; f < dst->n_features; f++) {
        int64_t from = f < nid ? map[f] : (int64_t)(nid_src + (f - nid));
        if (from < 0)
            continue;
        if (dst->w1)
            memcpy(dst->w1 + f * cols, src->w1 + (uint64_t)from * cols, cols * sizeof(float));
        if (dst->feature_bias)
            dst->feature_bias[f] = src->feature_bias[from];
    }
    if (dst->b1)
        memcpy(dst->b1, src->b1, dst->hidden * sizeof(float));
    if (dst->w2)
        memcpy(dst->w2, src->w2, dst->hidden * k * sizeof(float));
}
