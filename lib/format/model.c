/* model.c - model files: allocation, validation, reading and writing. */
#include "model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MDIM_WORDS 16

static const char *const repr_names[TREC_REPR_COUNT] = {
    "linear", "normalized-linear", "pass-through", "weighted-pass-through", "relu"};
static const char *const predict_names[TREC_PREDICT_COUNT] = {"dot", "cosine", "euclidean"};

const char *trec_repr_name(uint32_t repr)
{
    return repr < TREC_REPR_COUNT ? repr_names[repr] : "unknown";
}

int trec_repr_from_name(const char *name)
{
    for (int i = 0; i < TREC_REPR_COUNT; i++)
        if (strcmp(name, repr_names[i]) == 0)
            return i;
    return -1;
}

const char *trec_predict_name(uint32_t predict)
{
    return predict < TREC_PREDICT_COUNT ? predict_names[predict] : "unknown";
}

int trec_predict_from_name(const char *name)
{
    for (int i = 0; i < TREC_PREDICT_COUNT; i++)
        if (strcmp(name, predict_names[i]) == 0)
            return i;
    return -1;
}

uint64_t trec_side_w1_cols(const trec_side *s, uint64_t k)
{
    switch (s->repr) {
    case TREC_REPR_LINEAR:
    case TREC_REPR_NORMALIZED_LINEAR: return k;
    case TREC_REPR_WEIGHTED_PASS_THROUGH: return 1;
    case TREC_REPR_RELU: return s->hidden;
    default: return 0;
    }
}

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

static float *alloc_floats(trec_model *m, uint64_t n, trec_error *err, int *failed)
{
    if (*failed || n == 0)
        return NULL;
    float *p = trec_aligned_alloc(n * sizeof(float), err);
    if (!p || trec_model_own(m, p, err) != 0) {
        *failed = 1;
        return NULL;
    }
    memset(p, 0, n * sizeof(float));
    return p;
}

static void alloc_side(trec_model *m, trec_side *s, uint64_t n_entities,
                       trec_error *err, int *failed)
{
    s->n_features = (s->identity ? n_entities : 0) + s->n_extra;
    uint64_t cols = trec_side_w1_cols(s, m->k);
    s->w1 = alloc_floats(m, s->n_features * cols, err, failed);
    if (s->repr == TREC_REPR_RELU) {
        s->b1 = alloc_floats(m, s->hidden, err, failed);
        s->w2 = alloc_floats(m, s->hidden * m->k, err, failed);
    }
    if (m->biases)
        s->feature_bias = alloc_floats(m, s->n_features, err, failed);
}

static uint64_t side_param_count(const trec_model *m, const trec_side *s)
{
    return s->n_features * trec_side_w1_cols(s, m->k) + s->hidden + s->hidden * m->k +
           (m->biases ? s->n_features : 0);
}

uint64_t trec_model_param_count(const trec_model *m)
{
    return side_param_count(m, &m->user) + side_param_count(m, &m->item);
}

int trec_model_alloc_adam(trec_model *m, trec_error *err)
{
    int failed = 0;
    m->adam_n = trec_model_param_count(m);
    m->adam_m = alloc_floats(m, m->adam_n, err, &failed);
    m->adam_v = alloc_floats(m, m->adam_n, err, &failed);
    return failed ? -1 : 0;
}

int trec_model_alloc(trec_model *m, trec_error *err)
{
    int failed = 0;
    alloc_side(m, &m->user, m->n_users, err, &failed);
    alloc_side(m, &m->item, m->n_items, err, &failed);
    m->user_repr = alloc_floats(m, m->n_users * m->k, err, &failed);
    m->item_repr = alloc_floats(m, m->n_items * m->k, err, &failed);
    m->user_bias = alloc_floats(m, m->n_users, err, &failed);
    m->item_bias = alloc_floats(m, m->n_items, err, &failed);
    return failed ? -1 : 0;
}

static int check_finite(const float *p, uint64_t n, const char *name,
                        const char *what, trec_error *err)
{
    for (uint64_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return trec_fail(err, "%s: %s: value %llu is not finite", name, what,
                             (unsigned long long)i);
    return 0;
}

static int validate_side(const trec_model *m, const trec_side *s, uint64_t n_entities,
                         const char *side, const char *name, trec_error *err)
{
    if (s->repr >= TREC_REPR_COUNT)
        return trec_fail(err, "%s: unknown %s representation %u", name, side, s->repr);
    if (s->n_features != (s->identity ? n_entities : 0) + s->n_extra || s->n_features == 0)
        return trec_fail(err, "%s: %s side has %llu features (identity %s, %llu metadata)",
                         name, side, (unsigned long long)s->n_features,
                         s->identity ? "on" : "off", (unsigned long long)s->n_extra);
    if ((s->repr == TREC_REPR_PASS_THROUGH || s->repr == TREC_REPR_WEIGHTED_PASS_THROUGH) &&
        s->n_features != m->k)
        return trec_fail(err, "%s: %s %s representation needs components (%llu) = "
                         "number of features (%llu)", name, side, trec_repr_name(s->repr),
                         (unsigned long long)m->k, (unsigned long long)s->n_features);
    if ((s->repr == TREC_REPR_RELU) != (s->hidden > 0))
        return trec_fail(err, "%s: %s side: hidden size %llu does not fit representation %s",
                         name, side, (unsigned long long)s->hidden, trec_repr_name(s->repr));
    if (s->extra_labels.count && s->extra_labels.count != s->n_extra)
        return trec_fail(err, "%s: %llu %s feature labels for %llu features", name,
                         (unsigned long long)s->extra_labels.count, side,
                         (unsigned long long)s->n_extra);
    uint64_t cols = trec_side_w1_cols(s, m->k);
    if (check_finite(s->w1, cols ? s->n_features * cols : 0, name, "weights", err) ||
        check_finite(s->b1, s->hidden, name, "hidden biases", err) ||
        check_finite(s->w2, s->hidden * m->k, name, "output weights", err) ||
        check_finite(s->feature_bias, m->biases ? s->n_features : 0, name, "feature biases", err))
        return -1;
    return 0;
}

int trec_model_validate(const trec_model *m, const char *name, trec_error *err)
{
    if (m->n_users == 0 || m->n_items == 0 || m->k == 0)
        return trec_fail(err, "%s: empty model (%llu users, %llu items, %llu components)",
                         name, (unsigned long long)m->n_users,
                         (unsigned long long)m->n_items, (unsigned long long)m->k);
    if (m->predict >= TREC_PREDICT_COUNT)
        return trec_fail(err, "%s: unknown prediction function %u", name, m->predict);
    if (m->user_labels.count && m->user_labels.count != m->n_users)
        return trec_fail(err, "%s: %llu user labels for %llu users", name,
                         (unsigned long long)m->user_labels.count, (unsigned long long)m->n_users);
    if (m->item_labels.count && m->item_labels.count != m->n_items)
        return trec_fail(err, "%s: %llu item labels for %llu items", name,
                         (unsigned long long)m->item_labels.count, (unsigned long long)m->n_items);
    if (validate_side(m, &m->user, m->n_users, "user", name, err) ||
        validate_side(m, &m->item, m->n_items, "item", name, err) ||
        check_finite(m->user_repr, m->n_users * m->k, name, "user representations", err) ||
        check_finite(m->item_repr, m->n_items * m->k, name, "item representations", err) ||
        check_finite(m->user_bias, m->n_users, name, "user biases", err) ||
        check_finite(m->item_bias, m->n_items, name, "item biases", err))
        return -1;
    if (m->adam_n && m->adam_n != trec_model_param_count(m))
        return trec_fail(err, "%s: optimiser state for %llu parameters, the model has %llu",
                         name, (unsigned long long)m->adam_n,
                         (unsigned long long)trec_model_param_count(m));
    if (check_finite(m->adam_m, m->adam_n, name, "optimiser moments", err) ||
        check_finite(m->adam_v, m->adam_n, name, "optimiser moments", err))
        return -1;
    for (uint64_t i = 0; i < m->adam_n; i++)
        if (m->adam_v[i] < 0)
            return trec_fail(err, "%s: optimiser second moment %llu is negative", name,
                             (unsigned long long)i);
    return 0;
}

/* ---- writing ---- */

static void add(trec_section *s, size_t *n, const char *tag, const void *data, uint64_t size)
{
    if (!data)
        return;
    s[*n] = (trec_section){.tag = TREC_TAG(tag), .size = size, .data = data};
    (*n)++;
}

static void add_side(trec_section *s, size_t *n, const trec_model *m, const trec_side *side,
                     const char tags[4][5])
{
    uint64_t cols = trec_side_w1_cols(side, m->k);
    add(s, n, tags[0], side->w1, 4 * side->n_features * cols);
    add(s, n, tags[1], side->b1, 4 * side->hidden);
    add(s, n, tags[2], side->w2, 4 * side->hidden * m->k);
    add(s, n, tags[3], side->feature_bias, 4 * side->n_features);
}

static const char user_tags[4][5] = {"UW1_", "UB1_", "UW2_", "UFB_"};
static const char item_tags[4][5] = {"IW1_", "IB1_", "IW2_", "IFB_"};

int trec_model_write(const char *path, const trec_model *m, trec_error *err)
{
    if (trec_model_validate(m, path, err) != 0)
        return -1;
    uint64_t dims[MDIM_WORDS] = {
        m->n_users, m->n_items, m->k, m->predict, (uint64_t)(m->biases != 0),
        m->user.repr, (uint64_t)(m->user.identity != 0), m->user.n_extra, m->user.hidden,
        m->item.repr, (uint64_t)(m->item.identity != 0), m->item.n_extra, m->item.hidden};
    const char *meta = m->meta_json ? m->meta_json : "{}";
    trec_section s[27];
    size_t n = 0;
    add(s, &n, "META", meta, strlen(meta));
    add(s, &n, "MDIM", dims, sizeof dims);
    if (m->user_labels.count)
        s[n++] = trec_labels_section(TREC_TAG("ULAB"), &m->user_labels);
    if (m->item_labels.count)
        s[n++] = trec_labels_section(TREC_TAG("ILAB"), &m->item_labels);
    if (m->user.extra_labels.count)
        s[n++] = trec_labels_section(TREC_TAG("UFLB"), &m->user.extra_labels);
    if (m->item.extra_labels.count)
        s[n++] = trec_labels_section(TREC_TAG("IFLB"), &m->item.extra_labels);
    add(s, &n, "UREP", m->user_repr, 4 * m->n_users * m->k);
    add(s, &n, "IREP", m->item_repr, 4 * m->n_items * m->k);
    add(s, &n, "UBIA", m->user_bias, 4 * m->n_users);
    add(s, &n, "IBIA", m->item_bias, 4 * m->n_items);
    add_side(s, &n, m, &m->user, user_tags);
    add_side(s, &n, m, &m->item, item_tags);
    uint64_t adam[2] = {m->adam_t, m->adam_n};
    if (m->adam_n) {
        add(s, &n, "ADAM", adam, sizeof adam);
        add(s, &n, "ADMM", m->adam_m, 4 * m->adam_n);
        add(s, &n, "ADMV", m->adam_v, 4 * m->adam_n);
    }
    return trec_container_write(path, TREC_KIND_MODEL, s, n, err);
}

/* ---- reading ---- */

/* Points *dst at section tag, which must be exactly `want` floats (absent iff
 * want is 0). */
static int get_floats(const trec_container *c, const char *tag, uint64_t want,
                      float **dst, trec_error *err)
{
    uint64_t size;
    const void *p = trec_container_find(c, TREC_TAG(tag), &size);
    *dst = NULL;
    if (want == 0) {
        if (p)
            return trec_fail(err, "%s: unexpected section %s for this model's shape", c->name, tag);
        return 0;
    }
    if (!p)
        return trec_fail(err, "%s: model file has no %s section", c->name, tag);
    if (size != 4 * want)
        return trec_fail(err, "%s: section %s is %llu bytes, expected %llu", c->name, tag,
                         (unsigned long long)size, (unsigned long long)(4 * want));
    *dst = (float *)p;
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
    if (size != 8 * MDIM_WORDS)
        return trec_fail(err, "%s: MDIM section is %llu bytes, expected %d", c->name,
                         (unsigned long long)size, 8 * MDIM_WORDS);
    /* Bound every count by the file size before any multiplication. */
    uint64_t lim = c->len;
    if (d[0] > lim || d[1] > lim || d[2] > lim || d[7] > lim || d[8] > lim ||
        d[11] > lim || d[12] > lim || d[4] > 1 || d[6] > 1 || d[10] > 1 ||
        d[3] >= TREC_PREDICT_COUNT || d[5] >= TREC_REPR_COUNT || d[9] >= TREC_REPR_COUNT ||
        d[13] || d[14] || d[15])
        return trec_fail(err, "%s: corrupt MDIM section (shape or kind out of range)", c->name);
    if (d[2] && ((d[0] && d[0] > lim / d[2]) || (d[1] && d[1] > lim / d[2])))
        return trec_fail(err, "%s: model shape does not fit the file", c->name);
    m->n_users = d[0];
    m->n_items = d[1];
    m->k = d[2];
    m->predict = (uint32_t)d[3];
    m->biases = (int)d[4];
    m->user.repr = (uint32_t)d[5];
    m->user.identity = (int)d[6];
    m->user.n_extra = d[7];
    m->user.hidden = d[8];
    m->item.repr = (uint32_t)d[9];
    m->item.identity = (int)d[10];
    m->item.n_extra = d[11];
    m->item.hidden = d[12];
    m->user.n_features = (m->user.identity ? m->n_users : 0) + m->user.n_extra;
    m->item.n_features = (m->item.identity ? m->n_items : 0) + m->item.n_extra;
    if ((m->user.n_features && m->user.hidden > lim / m->user.n_features) ||
        (m->item.n_features && m->item.hidden > lim / m->item.n_features) ||
        (m->k && (m->user.hidden > lim / m->k || m->item.hidden > lim / m->k)))
        return trec_fail(err, "%s: model shape does not fit the file", c->name);
    return 0;
}

static int read_side(const trec_container *c, trec_model *m, trec_side *s,
                     const char tags[4][5], trec_error *err)
{
    uint64_t cols = trec_side_w1_cols(s, m->k);
    if (cols && s->n_features > c->len / cols)
        return trec_fail(err, "%s: model shape does not fit the file", c->name);
    return get_floats(c, tags[0], s->n_features * cols, &s->w1, err) ||
           get_floats(c, tags[1], s->hidden, &s->b1, err) ||
           get_floats(c, tags[2], s->hidden * m->k, &s->w2, err) ||
           get_floats(c, tags[3], m->biases ? s->n_features : 0, &s->feature_bias, err);
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

/* The optional optimiser state: all three sections or none. */
static int read_adam(const trec_container *c, trec_model *m, trec_error *err)
{
    uint64_t size;
    const uint64_t *a = trec_container_find(c, TREC_TAG("ADAM"), &size);
    if (!a) {
        if (trec_container_find(c, TREC_TAG("ADMM"), NULL) ||
            trec_container_find(c, TREC_TAG("ADMV"), NULL))
            return trec_fail(err, "%s: optimiser moments without an ADAM section", c->name);
        return 0;
    }
    if (size != 16)
        return trec_fail(err, "%s: ADAM section is %llu bytes, expected 16", c->name,
                         (unsigned long long)size);
    if (a[1] == 0 || a[1] != trec_model_param_count(m))
        return trec_fail(err, "%s: optimiser state for %llu parameters, the model has %llu",
                         c->name, (unsigned long long)a[1],
                         (unsigned long long)trec_model_param_count(m));
    m->adam_t = a[0];
    m->adam_n = a[1];
    return get_floats(c, "ADMM", m->adam_n, &m->adam_m, err) ||
           get_floats(c, "ADMV", m->adam_n, &m->adam_v, err);
}

int trec_model_from_container(trec_container *c, trec_model *m, trec_error *err)
{
    memset(m, 0, sizeof *m);
    m->file = *c;
    memset(c, 0, sizeof *c);
    c = &m->file;
    if (read_dims(c, m, err) || read_meta(c, m, err) ||
        get_labels(c, "ULAB", "user labels", &m->user_labels, err) ||
        get_labels(c, "ILAB", "item labels", &m->item_labels, err) ||
        get_labels(c, "UFLB", "user feature labels", &m->user.extra_labels, err) ||
        get_labels(c, "IFLB", "item feature labels", &m->item.extra_labels, err) ||
        get_floats(c, "UREP", m->n_users * m->k, &m->user_repr, err) ||
        get_floats(c, "IREP", m->n_items * m->k, &m->item_repr, err) ||
        get_floats(c, "UBIA", m->n_users, &m->user_bias, err) ||
        get_floats(c, "IBIA", m->n_items, &m->item_bias, err) ||
        read_side(c, m, &m->user, user_tags, err) ||
        read_side(c, m, &m->item, item_tags, err) || read_adam(c, m, err) ||
        trec_model_validate(m, c->name, err)) {
        trec_model_free(m);
        return -1;
    }
    return 0;
}

int trec_model_read(const char *path, trec_model *m, trec_error *err)
{
    trec_container c;
    memset(m, 0, sizeof *m);
    if (trec_container_read(path, TREC_KIND_MODEL, &c, err) != 0)
        return -1;
    return trec_model_from_container(&c, m, err);
}
