/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* model_factors.c - the factors model kind in model files: representations,
 * biases, the learned per-side parameters and the optimiser state (see
 * model.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_kind.h"

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

/* ---- allocation ---- */

static void alloc_side(trec_model *m, trec_side *s, uint64_t n_entities,
                       trec_error *err, int *failed)
{
    s->n_features = (s->identity ? n_entities : 0) + s->n_extra;
    uint64_t cols = trec_side_w1_cols(s, m->k);
    s->w1 = trec_model_alloc_floats(m, s->n_features * cols, err, failed);
    if (s->repr == TREC_REPR_RELU) {
        s->b1 = trec_model_alloc_floats(m, s->hidden, err, failed);
        s->w2 = trec_model_alloc_floats(m, s->hidden * m->k, err, failed);
    }
    if (m->biases)
        s->feature_bias = trec_model_alloc_floats(m, s->n_features, err, failed);
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
    m->adam_m = trec_model_alloc_floats(m, m->adam_n, err, &failed);
    m->adam_v = trec_model_alloc_floats(m, m->adam_n, err, &failed);
    return failed ? -1 : 0;
}

static int factors_alloc(trec_model *m, trec_error *err)
{
    int failed = 0;
    alloc_side(m, &m->user, m->n_users, err, &failed);
    alloc_side(m, &m->item, m->n_items, err, &failed);
    m->user_repr = trec_model_alloc_floats(m, m->n_users * m->k, err, &failed);
    m->item_repr = trec_model_alloc_floats(m, m->n_items * m->k, err, &failed);
    m->user_bias = trec_model_alloc_floats(m, m->n_users, err, &failed);
    m->item_bias = trec_model_alloc_floats(m, m->n_items, err, &failed);
    return failed ? -1 : 0;
}

/* ---- validation ---- */

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
    if (m->scoring_only)
        return 0; /* parameters not loaded */
    if (trec_model_check_finite(s->w1, cols ? s->n_features * cols : 0, name, "weights", err) ||
        trec_model_check_finite(s->b1, s->hidden, name, "hidden biases", err) ||
        trec_model_check_finite(s->w2, s->hidden * m->k, name, "output weights", err) ||
        trec_model_check_finite(s->feature_bias, m->biases ? s->n_features : 0, name,
                                "feature biases", err))
        return -1;
    return 0;
}

static int validate_adam(const trec_model *m, const char *name, trec_error *err)
{
    if (m->adam_n && m->adam_n != trec_model_param_count(m))
        return trec_fail(err, "%s: optimiser state for %llu parameters, the model has %llu",
                         name, (unsigned long long)m->adam_n,
                         (unsigned long long)trec_model_param_count(m));
    if (trec_model_check_finite(m->adam_m, m->adam_n, name, "optimiser moments", err) ||
        trec_model_check_finite(m->adam_v, m->adam_n, name, "optimiser moments", err))
        return -1;
    for (uint64_t i = 0; i < m->adam_n; i++)
        if (m->adam_v[i] < 0)
            return trec_fail(err, "%s: optimiser second moment %llu is negative", name,
                             (unsigned long long)i);
    return 0;
}

static int factors_validate(const trec_model *m, const char *name, trec_error *err)
{
    if (m->k == 0)
        return trec_fail(err, "%s: empty model (%llu users, %llu items, %llu components)",
                         name, (unsigned long long)m->n_users,
                         (unsigned long long)m->n_items, (unsigned long long)m->k);
    if (m->predict >= TREC_PREDICT_COUNT)
        return trec_fail(err, "%s: unknown prediction function %u", name, m->predict);
    if (validate_side(m, &m->user, m->n_users, "user", name, err) ||
        validate_side(m, &m->item, m->n_items, "item", name, err) ||
        /* users_lazy: the users' rows are checked by factors_use_users */
        trec_model_check_finite(m->user_repr, m->users_lazy ? 0 : m->n_users * m->k, name,
                                "user representations", err) ||
        trec_model_check_finite(m->item_repr, m->n_items * m->k, name, "item representations",
                                err) ||
        trec_model_check_finite(m->user_bias, m->users_lazy ? 0 : m->n_users, name,
                                "user biases", err) ||
        trec_model_check_finite(m->item_bias, m->n_items, name, "item biases", err))
        return -1;
    return validate_adam(m, name, err);
}

/* ---- sections ---- */

static const char user_tags[4][5] = {"UW1_", "UB1_", "UW2_", "UFB_"};
static const char item_tags[4][5] = {"IW1_", "IB1_", "IW2_", "IFB_"};

static void factors_dims_out(const trec_model *m, uint64_t d[TREC_MDIM_WORDS])
{
    const uint64_t w[] = {
        m->k, m->predict, (uint64_t)(m->biases != 0),
        m->user.repr, (uint64_t)(m->user.identity != 0), m->user.n_extra, m->user.hidden,
        m->item.repr, (uint64_t)(m->item.identity != 0), m->item.n_extra, m->item.hidden};
    memcpy(d + 2, w, sizeof w);
}

static int factors_dims_in(const uint64_t d[TREC_MDIM_WORDS], uint64_t lim, trec_model *m,
                           const char *name, trec_error *err)
{
    if (d[2] > lim || d[7] > lim || d[8] > lim || d[11] > lim || d[12] > lim || d[4] > 1 ||
        d[6] > 1 || d[10] > 1 || d[3] >= TREC_PREDICT_COUNT || d[5] >= TREC_REPR_COUNT ||
        d[9] >= TREC_REPR_COUNT || d[14] || d[15])
        return trec_fail(err, "%s: corrupt MDIM section (shape or kind out of range)", name);
    if (d[2] && ((d[0] && d[0] > lim / d[2]) || (d[1] && d[1] > lim / d[2])))
        return trec_fail(err, "%s: model shape does not fit the file", name);
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
        return trec_fail(err, "%s: model shape does not fit the file", name);
    return 0;
}

static void add_side(trec_section *s, size_t *n, const trec_model *m, const trec_side *side,
                     const char tags[4][5])
{
    uint64_t cols = trec_side_w1_cols(side, m->k);
    trec_model_add_section(s, n, tags[0], side->w1, 4 * side->n_features * cols);
    trec_model_add_section(s, n, tags[1], side->b1, 4 * side->hidden);
    trec_model_add_section(s, n, tags[2], side->w2, 4 * side->hidden * m->k);
    trec_model_add_section(s, n, tags[3], side->feature_bias, 4 * side->n_features);
}

static void factors_sections(const trec_model *m, trec_section *s, size_t *n,
                             uint64_t *scratch)
{
    if (m->user.extra_labels.count)
        s[(*n)++] = trec_labels_section(TREC_TAG("UFLB"), &m->user.extra_labels);
    if (m->item.extra_labels.count)
        s[(*n)++] = trec_labels_section(TREC_TAG("IFLB"), &m->item.extra_labels);
    trec_model_add_section(s, n, "UREP", m->user_repr, 4 * m->n_users * m->k);
    trec_model_add_section(s, n, "IREP", m->item_repr, 4 * m->n_items * m->k);
    trec_model_add_section(s, n, "UBIA", m->user_bias, 4 * m->n_users);
    trec_model_add_section(s, n, "IBIA", m->item_bias, 4 * m->n_items);
    add_side(s, n, m, &m->user, user_tags);
    add_side(s, n, m, &m->item, item_tags);
    if (m->adam_n) {
        scratch[0] = m->adam_t;
        scratch[1] = m->adam_n;
        trec_model_add_section(s, n, "ADAM", scratch, 16);
        trec_model_add_section(s, n, "ADMM", m->adam_m, 4 * m->adam_n);
        trec_model_add_section(s, n, "ADMV", m->adam_v, 4 * m->adam_n);
    }
}

static int get_floats(const trec_container *c, const char *tag, uint64_t want, float **dst,
                      trec_error *err)
{
    return trec_model_get_section(c, tag, want, 4, (void **)dst, err);
}

static int get_labels(const trec_container *c, const char *tag, const char *what,
                      trec_labels *l, trec_error *err)
{
    uint64_t size;
    const void *p = trec_container_find(c, TREC_TAG(tag), &size);
    memset(l, 0, sizeof *l);
    return p ? trec_labels_parse(p, size, c->name, what, l, err) : 0;
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

static int factors_read(const trec_container *c, trec_model *m, trec_error *err)
{
    return get_labels(c, "UFLB", "user feature labels", &m->user.extra_labels, err) ||
           get_labels(c, "IFLB", "item feature labels", &m->item.extra_labels, err) ||
           get_floats(c, "UREP", m->n_users * m->k, &m->user_repr, err) ||
           get_floats(c, "IREP", m->n_items * m->k, &m->item_repr, err) ||
           get_floats(c, "UBIA", m->n_users, &m->user_bias, err) ||
           get_floats(c, "IBIA", m->n_items, &m->item_bias, err) ||
           (!m->scoring_only &&
            (read_side(c, m, &m->user, user_tags, err) ||
             read_side(c, m, &m->item, item_tags, err) || read_adam(c, m, err)));
}

/* What trec_model_map leaves out: the learned parameters (for identity
 * features the same numbers as the representations) and Adam's state. */
static const char *const scoring_skip[] = {"UW1_", "UB1_", "UW2_", "UFB_", "IW1_", "IB1_",
                                           "IW2_", "IFB_", "ADAM", "ADMM", "ADMV", NULL};

/* The per-user sections trec_model_map_queries leaves to use_users. */
static const char *const user_rows[] = {"UREP", "UBIA", NULL};

/* Values i0..i0+n of one of them (what) verified and finite (the message
 * of trec_model_check_finite, with the value's index in the section). */
static int check_values(trec_model *m, const char *tag, const float *all, uint64_t i0,
                        uint64_t n, const char *what, trec_error *err)
{
    if (trec_container_verify_range(&m->file, TREC_TAG(tag), 4 * i0, 4 * n, err) != 0)
        return -1;
    for (uint64_t i = i0; i < i0 + n; i++)
        if (!isfinite(all[i]))
            return trec_fail(err, "%s: %s: value %llu is not finite", m->file.name, what,
                             (unsigned long long)i);
    return 0;
}

static int factors_use_users(trec_model *m, const uint64_t *users, uint64_t n, trec_error *err)
{
    for (uint64_t q = 0; q < n; q++) {
        uint64_t u = users[q];
        if (u >= m->n_users)
            return trec_fail(err, "%s: internal error: user %llu of %llu", m->file.name,
                             (unsigned long long)u, (unsigned long long)m->n_users);
        if (check_values(m, "UREP", m->user_repr, u * m->k, m->k, "user representations",
                         err) != 0 ||
            check_values(m, "UBIA", m->user_bias, u, 1, "user biases", err) != 0)
            return -1;
    }
    return 0;
}

/* ---- description ---- */

/* Mean Euclidean length of n rows of k floats. */
static double mean_norm(const float *rows, uint64_t n, uint64_t k)
{
    double total = 0;
    for (uint64_t i = 0; i < n; i++) {
        double sq = 0;
        for (uint64_t j = 0; j < k; j++)
            sq += (double)rows[i * k + j] * rows[i * k + j];
        total += sqrt(sq);
    }
    return n ? total / (double)n : 0;
}

static void side_text(FILE *out, const char *what, const trec_side *s, uint64_t n_entities)
{
    fprintf(out, "%-12s%s representation, ", what, trec_repr_name(s->repr));
    if (s->identity)
        fprintf(out, "%llu identity + ", (unsigned long long)n_entities);
    fprintf(out, "%llu metadata features", (unsigned long long)s->n_extra);
    if (s->hidden)
        fprintf(out, ", hidden layer %llu", (unsigned long long)s->hidden);
    fputc('\n', out);
    if (s->extra_labels.count)
        trec_labels_describe_text(out, "  features:", &s->extra_labels, "features");
}

static cJSON *side_json(const trec_side *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "representation", trec_repr_name(s->repr));
    cJSON_AddBoolToObject(o, "identity", s->identity);
    cJSON_AddNumberToObject(o, "features", (double)s->n_features);
    cJSON_AddNumberToObject(o, "metadata_features", (double)s->n_extra);
    cJSON_AddNumberToObject(o, "hidden", (double)s->hidden);
    cJSON_AddItemToObject(o, "feature_labels", trec_labels_describe_json(&s->extra_labels));
    return o;
}

static void describe_text(const trec_model *m, FILE *out)
{
    fprintf(out, "components: %llu\n", (unsigned long long)m->k);
    fprintf(out, "prediction: %s\n", trec_predict_name(m->predict));
    fprintf(out, "biases:     %s\n", m->biases ? "on" : "off");
    side_text(out, "user side:", &m->user, m->n_users);
    side_text(out, "item side:", &m->item, m->n_items);
    if (m->adam_n)
        fprintf(out, "optimiser:  Adam state after %llu steps (%llu parameters)\n",
                (unsigned long long)m->adam_t, (unsigned long long)m->adam_n);
    else
        fprintf(out, "optimiser:  no state saved\n");
    fprintf(out, "repr norms: users %.4g, items %.4g (mean length)\n",
            mean_norm(m->user_repr, m->n_users, m->k), mean_norm(m->item_repr, m->n_items, m->k));
}

static void describe_json(const trec_model *m, cJSON *obj)
{
    cJSON_AddNumberToObject(obj, "components", (double)m->k);
    cJSON_AddStringToObject(obj, "prediction", trec_predict_name(m->predict));
    cJSON_AddBoolToObject(obj, "biases", m->biases);
    cJSON_AddItemToObject(obj, "user_side", side_json(&m->user));
    cJSON_AddItemToObject(obj, "item_side", side_json(&m->item));
    cJSON_AddNumberToObject(obj, "parameters", (double)trec_model_param_count(m));
    if (m->adam_n)
        cJSON_AddNumberToObject(obj, "optimiser_steps", (double)m->adam_t);
    else
        cJSON_AddNullToObject(obj, "optimiser_steps");
}

static void factors_describe(const trec_model *m, FILE *text, cJSON *json)
{
    if (text)
        describe_text(m, text);
    else
        describe_json(m, json);
}

const trec_model_kind_ops trec_model_factors_ops = {
    .name = "factors",
    .dims_out = factors_dims_out,
    .dims_in = factors_dims_in,
    .alloc = factors_alloc,
    .validate = factors_validate,
    .sections = factors_sections,
    .read = factors_read,
    .describe = factors_describe,
    .scoring_skip = scoring_skip,
    .user_rows = user_rows,
    .use_users = factors_use_users,
};
