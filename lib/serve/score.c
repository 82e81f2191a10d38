/* score.c - block scoring with BLIS sgemm (see score.h). */
#include "score.h"

#include <blis.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* TensorRec's constants: l2_normalize's epsilon on the squared norm, and the
 * floor of the squared distance in its Euclidean prediction graph. */
#define COS_EPS 1e-12
#define EUC_EPS 1e-16f

/* Per-row auxiliary values: 1/norm for cosine, squared norm for Euclidean. */
static float *row_aux(uint32_t predict, const float *repr, uint64_t n, uint64_t k,
                      trec_error *err)
{
    if (predict == TREC_PREDICT_DOT)
        return NULL;
    float *aux = trec_malloc((n ? n : 1) * sizeof *aux, err);
    if (!aux)
        return NULL;
    for (uint64_t r = 0; r < n; r++) {
        double ss = 0;
        for (uint64_t c = 0; c < k; c++)
            ss += (double)repr[r * k + c] * repr[r * k + c];
        if (predict == TREC_PREDICT_COSINE)
            aux[r] = (float)(1.0 / sqrt(ss > COS_EPS ? ss : COS_EPS));
        else
            aux[r] = (float)ss;
    }
    return aux;
}

int trec_scorer_init(trec_scorer *s, uint32_t predict, uint64_t k,
                     const float *q_repr, const float *q_bias, uint64_t nq,
                     const float *t_repr, const float *t_bias, uint64_t nt,
                     trec_error *err)
{
    memset(s, 0, sizeof *s);
    if (predict >= TREC_PREDICT_COUNT)
        return trec_fail(err, "unknown prediction function %u", predict);
    if (k == 0)
        return trec_fail(err, "scoring needs at least one component");
    *s = (trec_scorer){.predict = predict, .k = k, .nq = nq, .nt = nt,
                       .q_repr = q_repr, .t_repr = t_repr,
                       .q_bias = q_bias, .t_bias = t_bias};
    if (predict != TREC_PREDICT_DOT) {
        s->q_aux = row_aux(predict, q_repr, nq, k, err);
        s->t_aux = s->q_aux ? row_aux(predict, t_repr, nt, k, err) : NULL;
        if (!s->q_aux || !s->t_aux) {
            trec_scorer_free(s);
            return -1;
        }
    }
    return 0;
}

int trec_scorer_for_users(trec_scorer *s, const trec_model *m, trec_error *err)
{
    return trec_scorer_init(s, m->predict, m->k, m->user_repr, m->user_bias, m->n_users,
                            m->item_repr, m->item_bias, m->n_items, err);
}

int trec_scorer_for_items(trec_scorer *s, const trec_model *m, trec_error *err)
{
    return trec_scorer_init(s, m->predict, m->k, m->item_repr, NULL, m->n_items,
                            m->item_repr, NULL, m->n_items, err);
}

void trec_scorer_free(trec_scorer *s)
{
    free(s->q_aux);
    free(s->t_aux);
    memset(s, 0, sizeof *s);
}

int trec_qblock_init(trec_qblock *b, const trec_scorer *s, uint64_t cap, trec_error *err)
{
    memset(b, 0, sizeof *b);
    b->cap = cap;
    b->repr = trec_aligned_alloc((cap ? cap : 1) * s->k * sizeof(float), err);
    return b->repr ? 0 : -1;
}

void trec_qblock_set(trec_qblock *b, const trec_scorer *s, const uint64_t *idx, uint64_t n)
{
    b->idx = idx;
    b->n = n;
    int run = 1;
    for (uint64_t r = 1; r < n && run; r++)
        run = idx[r] == idx[0] + r;
    /* A run of consecutive queries is used in place; others are gathered. */
    if (n > 0 && run) {
        b->rows = s->q_repr + idx[0] * s->k;
        return;
    }
    for (uint64_t r = 0; r < n; r++)
        memcpy(b->repr + r * s->k, s->q_repr + idx[r] * s->k, s->k * sizeof(float));
    b->rows = b->repr;
}

void trec_qblock_free(trec_qblock *b)
{
    free(b->repr);
    memset(b, 0, sizeof *b);
}

/* out = rows (n x k) times targets [t0, t0+nt) transposed, single-threaded
 * and through BLIS's conventional (packed) path only: see score.h. */
static void gemm_block(const trec_scorer *s, const float *rows, uint64_t n, uint64_t t0,
                       uint64_t nt, float *out, uint64_t ldo)
{
    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    bli_rntm_set_num_threads(1, &rntm);
    bli_rntm_disable_l3_sup(&rntm);
    float one = 1.0f, zero = 0.0f;
    inc_t k = (inc_t)s->k;
    bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)n, (dim_t)nt, k, &one,
                 (float *)rows, k, 1, (float *)(s->t_repr + t0 * s->k), 1, k, &zero,
                 out, (inc_t)ldo, 1, NULL, &rntm);
}

void trec_score_block(const trec_scorer *s, const trec_qblock *b, uint64_t t0,
                      uint64_t nt, float *out, uint64_t ldo)
{
    if (b->n == 0 || nt == 0)
        return;
    gemm_block(s, b->rows, b->n, t0, nt, out, ldo);
    for (uint64_t r = 0; r < b->n; r++) {
        uint64_t q = b->idx[r];
        float qb = s->q_bias ? s->q_bias[q] : 0.0f;
        float *row = out + r * ldo;
        const float *tb = s->t_bias ? s->t_bias + t0 : NULL;
        if (s->predict == TREC_PREDICT_COSINE) {
            float qa = s->q_aux[q];
            const float *ta = s->t_aux + t0;
            for (uint64_t j = 0; j < nt; j++)
                row[j] = row[j] * qa * ta[j];
        } else if (s->predict == TREC_PREDICT_EUCLIDEAN) {
            float qa = s->q_aux[q];
            const float *ta = s->t_aux + t0;
            for (uint64_t j = 0; j < nt; j++) {
                float d = qa - 2.0f * row[j] + ta[j];
                /* NaN (overflow) must not fall to the floor: it is ranked last */
                row[j] = d != d ? d : -sqrtf(d > EUC_EPS ? d : EUC_EPS);
            }
        }
        for (uint64_t j = 0; j < nt; j++) {
            float v = row[j] + qb + (tb ? tb[j] : 0.0f);
            row[j] = v != v ? -INFINITY : v;
        }
    }
}

double trec_score_pair(const trec_scorer *s, uint64_t q, uint64_t t)
{
    const float *u = s->q_repr + q * s->k, *i = s->t_repr + t * s->k;
    double dot = 0, uu = 0, ii = 0, dd = 0;
    for (uint64_t c = 0; c < s->k; c++) {
        dot += (double)u[c] * i[c];
        uu += (double)u[c] * u[c];
        ii += (double)i[c] * i[c];
        dd += ((double)u[c] - i[c]) * ((double)u[c] - i[c]);
    }
    double v;
    if (s->predict == TREC_PREDICT_COSINE)
        v = dot / (sqrt(uu > COS_EPS ? uu : COS_EPS) * sqrt(ii > COS_EPS ? ii : COS_EPS));
    else if (s->predict == TREC_PREDICT_EUCLIDEAN)
        v = -sqrt(dd > EUC_EPS ? dd : EUC_EPS);
    else
        v = dot;
    v += (s->q_bias ? s->q_bias[q] : 0.0) + (s->t_bias ? s->t_bias[t] : 0.0);
    return v != v ? -INFINITY : v;
}

/* Compares the labels of one side; "what" is "row"/"column", "side"
 * "user"/"item". */
static int same_labels(const trec_labels *model, const char *model_name,
                       const trec_labels *m, const char *name, const char *what,
                       const char *side, trec_error *err)
{
    if (!model->count || !m->count)
        return 0;
    for (uint64_t i = 0; i < m->count; i++) {
        size_t la, lb;
        const char *a = trec_label(model, i, &la), *b = trec_label(m, i, &lb);
        if (la != lb || memcmp(a, b, la) != 0)
            return trec_fail(err, "%s: %s %llu is '%.*s' but %s %llu of %s is '%.*s' "
                             "(the matrix and the model must come from the same ingest)",
                             name, what, (unsigned long long)i, (int)lb, b, side,
                             (unsigned long long)i, model_name, (int)la, a);
    }
    return 0;
}

int trec_score_check_matrix(const trec_model *model, const char *model_name,
                            const trec_csr *m, const char *name, trec_error *err)
{
    if (m->rows != model->n_users || m->cols != model->n_items)
        return trec_fail(err, "%s: %llu users x %llu items, but %s has %llu users x "
                         "%llu items (the matrix and the model must come from the same "
                         "ingest)", name, (unsigned long long)m->rows,
                         (unsigned long long)m->cols, model_name,
                         (unsigned long long)model->n_users, (unsigned long long)model->n_items);
    if (same_labels(&model->user_labels, model_name, &m->row_labels, name, "row", "user",
                    err) != 0 ||
        same_labels(&model->item_labels, model_name, &m->col_labels, name, "column", "item",
                    err) != 0)
        return -1;
    return 0;
}
