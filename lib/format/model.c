/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* model.c - model files: the parts every kind shares (META, MDIM, labels),
 * and the table of model kinds (model_kind.h). */
#include "model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_kind.h"

/* One row per model kind, indexed by enum trec_model_kind. */
static const trec_model_kind_ops *const kinds[TREC_MODEL_KIND_COUNT] = {
    [TREC_MODEL_FACTORS] = &trec_model_factors_ops,
    [TREC_MODEL_ITEM_ITEM] = &trec_model_item_item_ops,
};

const char *trec_model_kind_name(uint32_t kind)
{
    return kind < TREC_MODEL_KIND_COUNT ? kinds[kind]->name : "unknown";
}

static const trec_model_kind_ops *kind_of(const trec_model *m)
{
    return m->kind < TREC_MODEL_KIND_COUNT ? kinds[m->kind] : NULL;
}

/* ---- ownership and allocation ---- */

int trec_model_own(trec_model *m, void *block, trec_error *err)
{
    if (m->nowned == (int)(sizeof m->owned / sizeof m->owned[0])) {
        free(block);
        return trec_fail(err, "internal error: too many blocks owned by a model");
    }
    m->owned[m->nowned++] = block;
    return 0;
}

void trec_model_free(trec_model *m)
{
    for (int i = 0; i < m->nowned; i++)
        free(m->owned[i]);
    trec_container_free(&m->file);
    memset(m, 0, sizeof *m);
}

void *trec_model_alloc_bytes(trec_model *m, uint64_t n, trec_error *err, int *failed)
{
    if (*failed || n == 0)
        return NULL;
    void *p = trec_aligned_alloc(n, err);
    if (!p || trec_model_own(m, p, err) != 0) {
        *failed = 1;
        return NULL;
    }
    memset(p, 0, n);
    return p;
}

float *trec_model_alloc_floats(trec_model *m, uint64_t n, trec_error *err, int *failed)
{
    if (n > UINT64_MAX / sizeof(float)) {
        *failed = 1;
        trec_fail(err, "out of memory: %llu floats", (unsigned long long)n);
        return NULL;
    }
    return trec_model_alloc_bytes(m, n * sizeof(float), err, failed);
}

void *trec_model_kind_data(trec_model *m, trec_error *err)
{
    const trec_model_kind_ops *k = kind_of(m);
    if (m->kind_data)
        return m->kind_data;
    if (!k || !k->data_size) {
        trec_fail(err, "internal error: model kind %u has no data of its own", m->kind);
        return NULL;
    }
    int failed = 0;
    m->kind_data = trec_model_alloc_bytes(m, k->data_size, err, &failed);
    return m->kind_data;
}

int trec_model_alloc(trec_model *m, trec_error *err)
{
    const trec_model_kind_ops *k = kind_of(m);
    if (!k)
        return trec_fail(err, "internal error: unknown model kind %u", m->kind);
    if (k->data_size && !trec_model_kind_data(m, err))
        return -1;
    return k->alloc(m, err);
}

/* A deep copy of src's arrays (labels shared with src, which must outlive
 * dst): the same shapes allocated (the kind's data copied whole first, its
 * array pointers then replaced by alloc's), then every section the kind
 * writes copied from src's to dst's, so the copy holds exactly what src
 * would write. */
int trec_model_copy(trec_model *dst, const trec_model *src, trec_error *err)
{
    const trec_model_kind_ops *k = kind_of(src);
    if (!k)
        return trec_fail(err, "internal error: unknown model kind %u", src->kind);
    if (src->users_lazy) /* its unchecked rows would be copied */
        return trec_fail(err, "internal error: copy of a model read for queries");
    *dst = *src;
    memset(&dst->file, 0, sizeof dst->file);
    memset(dst->owned, 0, sizeof dst->owned);
    dst->nowned = 0;
    dst->meta_json = NULL;
    dst->adam_n = 0;
    dst->adam_m = dst->adam_v = NULL;
    dst->kind_data = NULL;
    if (k->data_size && src->kind_data) {
        if (!trec_model_kind_data(dst, err)) {
            trec_model_free(dst);
            return -1;
        }
        memcpy(dst->kind_data, src->kind_data, k->data_size);
    }
    if (trec_model_alloc(dst, err) != 0 ||
        (src->adam_n && trec_model_alloc_adam(dst, err) != 0)) {
        trec_model_free(dst);
        return -1;
    }
    dst->adam_t = src->adam_t;
    trec_section ss[TREC_MODEL_MAX_SECTIONS], ds[TREC_MODEL_MAX_SECTIONS];
    uint64_t s_scratch[TREC_MODEL_SCRATCH_WORDS] = {0}, d_scratch[TREC_MODEL_SCRATCH_WORDS];
    size_t ns = 0, nd = 0;
    k->sections(src, ss, &ns, s_scratch);
    k->sections(dst, ds, &nd, d_scratch);
    for (size_t i = 0; i < ns && i < nd; i++)
        if (ss[i].data && ds[i].data && ss[i].data != ds[i].data &&
            ss[i].data != (const void *)s_scratch && ss[i].size == ds[i].size)
            memcpy((void *)ds[i].data, ss[i].data, ss[i].size);
    if (src->meta_json) {
        size_t n = strlen(src->meta_json) + 1;
        char *meta = trec_malloc(n, err);
        if (!meta || trec_model_own(dst, meta, err) != 0) {
            trec_model_free(dst);
            return -1;
        }
        dst->meta_json = memcpy(meta, src->meta_json, n);
    }
    return 0;
}

/* ---- validation ---- */

/* 1 if a[0..64) holds an infinity or a NaN (exponent bits all ones): a
 * branch-free loop the compiler vectorises. */
static int chunk_not_finite(const float *a)
{
    uint32_t any = 0;
    for (int i = 0; i < 64; i++) {
        uint32_t b;
        memcpy(&b, a + i, 4);
        any |= (b & 0x7f800000u) == 0x7f800000u;
    }
    return any != 0;
}

int trec_model_check_finite(const float *p, uint64_t n, const char *name, const char *what,
                            trec_error *err)
{
    uint64_t i = 0;
    while (i + 64 <= n && !chunk_not_finite(p + i))
        i += 64;
    for (; i < n; i++)
        if (!isfinite(p[i]))
            return trec_fail(err, "%s: %s: value %llu is not finite", name, what,
                             (unsigned long long)i);
    return 0;
}

int trec_model_validate(const trec_model *m, const char *name, trec_error *err)
{
    const trec_model_kind_ops *k = kind_of(m);
    if (!k)
        return trec_fail(err, "%s: unknown model kind %u", name, m->kind);
    if (m->n_users == 0 || m->n_items == 0)
        return trec_fail(err, "%s: empty model (%llu users, %llu items)", name,
                         (unsigned long long)m->n_users, (unsigned long long)m->n_items);
    if (m->user_labels.count && m->user_labels.count != m->n_users)
        return trec_fail(err, "%s: %llu user labels for %llu users", name,
                         (unsigned long long)m->user_labels.count, (unsigned long long)m->n_users);
    if (m->item_labels.count && m->item_labels.count != m->n_items)
        return trec_fail(err, "%s: %llu item labels for %llu items", name,
                         (unsigned long long)m->item_labels.count, (unsigned long long)m->n_items);
    return k->validate(m, name, err);
}

/* ---- writing ---- */

void trec_model_add_section(trec_section *s, size_t *n, const char *tag, const void *data,
                            uint64_t size)
{
    if (!data)
        return;
    s[*n] = (trec_section){.tag = TREC_TAG(tag), .size = size, .data = data};
    (*n)++;
}

int trec_model_write(const char *path, const trec_model *m, trec_error *err)
{
    if (m->scoring_only)
        return trec_fail(err, "%s: internal error: a model read for scoring only cannot be "
                         "written", path);
    if (trec_model_validate(m, path, err) != 0)
        return -1;
    const trec_model_kind_ops *k = kind_of(m);
    uint64_t dims[TREC_MDIM_WORDS] = {m->n_users, m->n_items};
    k->dims_out(m, dims);
    dims[TREC_MDIM_KIND] = m->kind;
    const char *meta = m->meta_json ? m->meta_json : "{}";
    trec_section s[TREC_MODEL_MAX_SECTIONS];
    size_t n = 0;
    trec_model_add_section(s, &n, "META", meta, strlen(meta));
    trec_model_add_section(s, &n, "MDIM", dims, sizeof dims);
    if (m->user_labels.count)
        s[n++] = trec_labels_section(TREC_TAG("ULAB"), &m->user_labels);
    if (m->item_labels.count)
        s[n++] = trec_labels_section(TREC_TAG("ILAB"), &m->item_labels);
    uint64_t scratch[TREC_MODEL_SCRATCH_WORDS] = {0};
    k->sections(m, s, &n, scratch);
    return trec_container_write(path, TREC_KIND_MODEL, s, n, err);
}

/* ---- reading ---- */

int trec_model_get_section(const trec_container *c, const char *tag, uint64_t want,
                           uint64_t elem, void **dst, trec_error *err)
{
    uint64_t size;
    /* lazily verified sections are checked by the kind's use_users */
    const void *p = trec_container_find_lazy(c, TREC_TAG(tag), &size);
    *dst = NULL;
    if (want == 0) {
        if (p)
            return trec_fail(err, "%s: unexpected section %s for this model's shape", c->name, tag);
        return 0;
    }
    if (!p)
        return trec_fail(err, "%s: model file has no %s section", c->name, tag);
    if (want > UINT64_MAX / elem || size != elem * want)
        return trec_fail(err, "%s: section %s is %llu bytes, expected %llu x %llu", c->name,
                         tag, (unsigned long long)size, (unsigned long long)want,
                         (unsigned long long)elem);
    *dst = (void *)p;
    return 0;
}

static int get_labels(const trec_container *c, const char *tag, const char *what,
                      trec_labels *l, trec_error *err)
{
    uint64_t size;
    const void *p = trec_container_find(c, TREC_TAG(tag), &size);
    memset(l, 0, sizeof *l);
    return p ? trec_labels_parse(p, size, c->name, what, l, err) : 0;
}

static int read_dims(const trec_container *c, trec_model *m, trec_error *err)
{
    uint64_t size;
    const uint64_t *d = trec_container_find(c, TREC_TAG("MDIM"), &size);
    if (!d)
        return trec_fail(err, "%s: model file has no MDIM section", c->name);
    if (size != 8 * TREC_MDIM_WORDS)
        return trec_fail(err, "%s: MDIM section is %llu bytes, expected %d", c->name,
                         (unsigned long long)size, 8 * TREC_MDIM_WORDS);
    /* Bound every count by the file size before any multiplication. */
    uint64_t lim = c->len;
    if (d[0] > lim || d[1] > lim || d[TREC_MDIM_KIND] >= TREC_MODEL_KIND_COUNT)
        return trec_fail(err, "%s: corrupt MDIM section (shape or kind out of range)", c->name);
    m->n_users = d[0];
    m->n_items = d[1];
    m->kind = (uint32_t)d[TREC_MDIM_KIND];
    const trec_model_kind_ops *k = kind_of(m);
    if (k->data_size && !trec_model_kind_data(m, err))
        return -1;
    return k->dims_in(d, lim, m, c->name, err);
}

static int read_meta(const trec_container *c, trec_model *m, trec_error *err)
{
    uint64_t size;
    const char *p = trec_container_find(c, TREC_TAG("META"), &size);
    if (!p)
        return trec_fail(err, "%s: model file has no META section", c->name);
    char *json = trec_malloc(size + 1, err);
    if (!json || trec_model_own(m, json, err) != 0)
        return -1;
    memcpy(json, p, size);
    json[size] = 0;
    cJSON *root = cJSON_ParseWithLength(json, size);
    int ok = root && cJSON_IsObject(root);
    cJSON_Delete(root);
    if (!ok)
        return trec_fail(err, "%s: META section is not a JSON object", c->name);
    m->meta_json = json;
    return 0;
}

static int from_container(trec_container *c, int scoring_only, int users_lazy, trec_model *m,
                          trec_error *err)
{
    memset(m, 0, sizeof *m);
    m->scoring_only = scoring_only;
    m->users_lazy = users_lazy;
    m->file = *c;
    memset(c, 0, sizeof *c);
    c = &m->file;
    if (read_dims(c, m, err) || read_meta(c, m, err) ||
        get_labels(c, "ULAB", "user labels", &m->user_labels, err) ||
        get_labels(c, "ILAB", "item labels", &m->item_labels, err) ||
        kind_of(m)->read(c, m, err) || trec_model_validate(m, c->name, err)) {
        trec_model_free(m);
        return -1;
    }
    return 0;
}

int trec_model_from_container(trec_container *c, trec_model *m, trec_error *err)
{
    return from_container(c, 0, 0, m, err);
}

/* The tags of every kind's list (scoring_skip or user_rows) into tags. */
static size_t kind_tags(int user_rows, uint32_t tags[TREC_MODEL_MAX_SECTIONS])
{
    size_t n = 0;
    for (int k = 0; k < TREC_MODEL_KIND_COUNT; k++)
        for (const char *const *t = user_rows ? kinds[k]->user_rows : kinds[k]->scoring_skip;
             t && *t; t++)
            if (n < TREC_MODEL_MAX_SECTIONS)
                tags[n++] = TREC_TAG(*t);
    return n;
}

static int map_model(const char *path, int queries, trec_model *m, trec_error *err)
{
    uint32_t skip[TREC_MODEL_MAX_SECTIONS], lazy[TREC_MODEL_MAX_SECTIONS];
    size_t n = kind_tags(0, skip), n_lazy = queries ? kind_tags(1, lazy) : 0;
    trec_container c;
    memset(m, 0, sizeof *m);
    if (trec_container_map_lazy(path, TREC_KIND_MODEL, skip, n, lazy, n_lazy, &c, err) != 0)
        return -1;
    int users_lazy = 0;
    for (uint32_t i = 0; i < c.count; i++)
        users_lazy |= c.sections[i].lazy;
    return from_container(&c, c.mapped, users_lazy, m, err);
}

int trec_model_map(const char *path, trec_model *m, trec_error *err)
{
    return map_model(path, 0, m, err);
}

int trec_model_map_queries(const char *path, trec_model *m, trec_error *err)
{
    return map_model(path, 1, m, err);
}

int trec_model_use_users(trec_model *m, const uint64_t *users, uint64_t n, trec_error *err)
{
    const trec_model_kind_ops *k = kind_of(m);
    if (!m->users_lazy || !k || !k->use_users)
        return 0;
    return k->use_users(m, users, n, err);
}

int trec_model_read(const char *path, trec_model *m, trec_error *err)
{
    trec_container c;
    memset(m, 0, sizeof *m);
    if (trec_container_read(path, TREC_KIND_MODEL, &c, err) != 0)
        return -1;
    return trec_model_from_container(&c, m, err);
}

/* ---- description ---- */

void trec_model_describe(const trec_model *m, FILE *text, struct cJSON *json)
{
    const trec_model_kind_ops *k = kind_of(m);
    if (text) {
        fprintf(text, "model kind: %s\n", trec_model_kind_name(m->kind));
        fprintf(text, "users:      %llu\n", (unsigned long long)m->n_users);
        fprintf(text, "items:      %llu\n", (unsigned long long)m->n_items);
    } else {
        cJSON_AddStringToObject(json, "model_kind", trec_model_kind_name(m->kind));
        cJSON_AddNumberToObject(json, "users", (double)m->n_users);
        cJSON_AddNumberToObject(json, "items", (double)m->n_items);
    }
    k->describe(m, text, json);
    if (text) {
        trec_labels_describe_text(text, "user labels:", &m->user_labels, "users");
        trec_labels_describe_text(text, "item labels:", &m->item_labels, "items");
        cJSON *meta = cJSON_Parse(m->meta_json);
        char *s = meta ? cJSON_PrintUnformatted(meta) : NULL;
        fprintf(text, "meta:       %s\n", s ? s : m->meta_json);
        free(s);
        cJSON_Delete(meta);
    } else {
        cJSON_AddItemToObject(json, "user_labels", trec_labels_describe_json(&m->user_labels));
        cJSON_AddItemToObject(json, "item_labels", trec_labels_describe_json(&m->item_labels));
        cJSON *meta = cJSON_Parse(m->meta_json);
        cJSON_AddItemToObject(json, "meta", meta ? meta : cJSON_CreateNull());
    }
}
