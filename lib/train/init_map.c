/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* init_map.c - an --init model's rows matched to new data (see init_map.h). */
#include "init_map.h"

#include <stdlib.h>
#include <string.h>

#include "idmap.h"

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
