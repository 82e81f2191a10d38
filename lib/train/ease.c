/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ease.c - the ease algorithm (Steck 2019, "Embarrassingly Shallow
 * Autoencoders for Sparse Data"): the item-item weights in closed form,
 *     P = (X^T X + Lambda)^-1,   B = I - P diag(1 / diag(P)),
 * i.e. B[j][t] = -P[j][t] / P[t][t] off the diagonal and 0 on it, so that an
 * item never recommends itself. X is the weighted training matrix (users x
 * items). Lambda is diagonal: lambda I for EASE; with --dropout p, EDLAE's
 * full-rank form (Steck 2020, "Autoencoders that don't overfit towards the
 * Identity"): Lambda = lambda I + p / (1 - p) diag(X^T X), the L2 penalty
 * that emphasised dropout of probability p amounts to, heavier on frequent
 * items. With --user-exponent e, X's rows are the weights divided by their
 * row sums^e (heavy users weigh less in X^T X). Only the "active" items,
 * those with at least one training entry, take part: the others have zero
 * rows and columns in B.
 *
 * Two ways to the same B, whichever inverts the smaller matrix:
 *   primal (no fewer users m than active items n): invert the n x n matrix
 *     X^T X + Lambda and store B explicitly (n x n);
 *   dual (fewer users): with W = lambda Lambda^-1 (diagonal; I for EASE),
 *     by the Woodbury identity
 *     P = (W - W X^T K X W) / lambda  with  K = (X W X^T + lambda I)^-1
 *     (m x m), so with C = W X^T K X:  B[j][t] = C[j][t] / (1 - C[t][t])
 *     (j != t); the model stores K, the diagonal of C and, unless W = I,
 *     W's diagonal (the dual form of model.h), and scores through them,
 *     never forming B.
 * The dual costs O(m^3 + sum over items of users^2) instead of O(n^3): on
 * ml-latest-small (610 users, 9k items) well under a second instead of
 * minutes, and a model of 1.5 MB instead of 300.
 *
 * The model is of the item-item kind: B (in either form) and the users'
 * weighted rows of X, so that a user's scores are its row times B. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "linalg.h"
#include "model_item_item.h"
#include "parallel.h"

typedef struct ease {
    const trec_fit_config *cfg;
    const trec_csr *x;        /* users x items, weights (scaled rows: &xs) */
    trec_csr xs;              /* with --user-exponent: the scaled rows */
    trec_csr xt;              /* items x users (dual only) */
    uint64_t n_active;
    int64_t *pos;             /* item -> active position, or -1 */
    const uint32_t *active;   /* active position -> item */
    float *b;                 /* primal: n_active^2: G, P, then B */
    float *k;                 /* dual: K (m x m) */
    double *c_diag;           /* dual: C[t][t] */
    double *reg;              /* Lambda's diagonal by active position */
    double *w;                /* dual with --dropout: W's diagonal, else NULL */
} ease;

/* Its own options (algorithm.h), their values in cfg->param. */
enum { EASE_DROPOUT, EASE_USER_EXPONENT };
static const trec_fit_option_info ease_options[] = {
    [EASE_DROPOUT] = {"--dropout", TREC_ARG_REAL, 0, 0, 0.99, NULL},
    [EASE_USER_EXPONENT] = {"--user-exponent", TREC_ARG_REAL, 0, 0, 1, NULL},
};

static void ease_defaults(trec_fit_config *cfg)
{
    cfg->lambda = 100;
    cfg->epochs = 1;          /* one closed-form solve */
    cfg->max_memory = UINT64_C(8) << 30;
}

static int ease_check(const trec_fit_config *cfg, trec_error *err)
{
    if (!isfinite(cfg->lambda) || cfg->lambda <= 0)
        return trec_fail(err, "--lambda must be > 0 for ease (X^T X alone may be singular)");
    if (!(cfg->param[EASE_DROPOUT] >= 0 && cfg->param[EASE_DROPOUT] < 1))
        return trec_fail(err, "--dropout must be in [0, 1) for ease");
    if (!(cfg->param[EASE_USER_EXPONENT] >= 0 && cfg->param[EASE_USER_EXPONENT] <= 1))
        return trec_fail(err, "--user-exponent must be in [0, 1] for ease");
    return 0;
}

/* --user-exponent e: each row of X times (its weight sum)^-e, in a copy
 * (the model keeps these rows: they are the X its B is defined by). */
static int scale_rows(ease *E, trec_error *err)
{
    const trec_csr *x = E->x;
    if (trec_csr_alloc(&E->xs, x->rows, x->cols, x->nnz, 0, err) != 0)
        return -1;
    trec_csr_share_labels(&E->xs, x);
    memcpy(E->xs.rowptr, x->rowptr, (x->rows + 1) * sizeof *x->rowptr);
    memcpy(E->xs.colidx, x->colidx, x->nnz * sizeof *x->colidx);
    for (uint64_t u = 0; u < x->rows; u++) {
        double sum = 0;
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            sum += x->vals[e];
        double f = sum > 0 ? pow(sum, -E->cfg->param[EASE_USER_EXPONENT]) : 1;
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            E->xs.vals[e] = (float)(x->vals[e] * f);
    }
    E->x = &E->xs;
    return 0;
}

/* Active items and their positions. */
static int find_active(ease *E, uint32_t **active, trec_error *err)
{
    const trec_csr *x = E->x;
    uint64_t n_items = x->cols, n = 0;
    E->pos = trec_malloc((n_items ? n_items : 1) * sizeof *E->pos, err);
    if (!E->pos)
        return -1;
    for (uint64_t i = 0; i < n_items; i++)
        E->pos[i] = -1;
    for (uint64_t e = 0; e < x->nnz; e++)
        E->pos[x->colidx[e]] = 0;
    for (uint64_t i = 0; i < n_items; i++)
        if (E->pos[i] == 0)
            E->pos[i] = (int64_t)n++;
    E->n_active = n;
    *active = trec_malloc((n ? n : 1) * sizeof **active, err);
    if (!*active)
        return -1;
    for (uint64_t i = 0; i < n_items; i++)
        if (E->pos[i] >= 0)
            (*active)[E->pos[i]] = (uint32_t)i;
    return 0;
}

/* Lambda's diagonal: lambda + p / (1 - p) (X^T X)[t][t], in double. */
static int regulariser(ease *E, trec_error *err)
{
    const trec_csr *x = E->x;
    uint64_t n = E->n_active;
    const trec_fit_config *cfg = E->cfg;
    double q = cfg->param[EASE_DROPOUT] / (1 - cfg->param[EASE_DROPOUT]);
    E->reg = trec_calloc(n ? n : 1, sizeof *E->reg, err);
    if (!E->reg)
        return -1;
    for (uint64_t e = 0; e < x->nnz; e++)
        E->reg[E->pos[x->colidx[e]]] += (double)x->vals[e] * x->vals[e];
    for (uint64_t t = 0; t < n; t++)
        E->reg[t] = cfg->lambda + q * E->reg[t];
    return 0;
}

static int use_dual(const ease *E)
{
    return E->x->rows < E->n_active;
}

double trec_ease_bytes(uint64_t users, uint64_t active, int threads)
{
    if (users < active) /* dual */
        return 8 * (double)active + (double)trec_spd_inverse_bytes((size_t)users, threads);
    return (double)trec_spd_inverse_bytes((size_t)active, threads);
}

/* The refusal the issue asks for: the matrices must fit. */
static int check_memory(const ease *E, trec_error *err)
{
    double need = trec_ease_bytes(E->x->rows, E->n_active, E->cfg->threads);
    if (need <= (double)E->cfg->max_memory)
        return 0;
    uint64_t side = use_dual(E) ? E->x->rows : E->n_active;
    return trec_fail(err, "ease needs about %.1f GiB for its %llu x %llu %s matrix, more "
                     "than --max-memory %.1f GiB: use --algorithm als, or raise --max-memory",
                     need / 1073741824.0, (unsigned long long)side, (unsigned long long)side,
                     use_dual(E) ? "user-user" : "item-item",
                     (double)E->cfg->max_memory / 1073741824.0);
}

/* ---- Gram matrices: pairs within the rows of a CSR ---- */

typedef struct gram_job {
    const trec_csr *m;        /* rows whose entry pairs are summed */
    const int64_t *pos;       /* column -> output position, or NULL (identity) */
    float *g;                 /* n x n, lower triangle written */
    uint64_t n, per_task;
} gram_job;

/* Rows [a, b) of the output's lower triangle: each task scans every row of
 * m and adds the pairs whose first position falls in its range, in row
 * order, so the sums do not depend on the thread count. */
static void gram_task(void *ctx, uint64_t t)
{
    gram_job *J = ctx;
    const trec_csr *m = J->m;
    uint64_t a = t * J->per_task, b = a + J->per_task;
    for (uint64_t r = 0; r < m->rows; r++) {
        uint64_t e0 = m->rowptr[r], e1 = m->rowptr[r + 1];
        for (uint64_t e = e0; e < e1; e++) {
            uint64_t pi = J->pos ? (uint64_t)J->pos[m->colidx[e]] : m->colidx[e];
            if (pi < a || pi >= b)
                continue;
            float wi = m->vals[e];
            float *row = J->g + pi * J->n;
            /* columns ascend within a row, so do positions: j <= i are
             * the entries up to e */
            for (uint64_t f = e0; f <= e; f++)
                row[J->pos ? (uint64_t)J->pos[m->colidx[f]] : m->colidx[f]] += wi * m->vals[f];
        }
    }
}

/* g (n x n) = the pair sums of m's rows + diag(reg) (reg NULL: lambda I),
 * both triangles. */
static void gram_plus_lambda(const trec_csr *m, const int64_t *pos, float *g, uint64_t n,
                             const double *reg, const trec_fit_config *cfg)
{
    memset(g, 0, n * n * sizeof *g);
    uint64_t tasks = (uint64_t)cfg->threads * 8;
    gram_job J = {.m = m, .pos = pos, .g = g, .n = n, .per_task = (n + tasks - 1) / tasks};
    if (J.per_task == 0)
        J.per_task = 1;
    trec_parallel_for(cfg->threads, (n + J.per_task - 1) / J.per_task, gram_task, &J);
    for (uint64_t i = 0; i < n; i++) {
        g[i * n + i] += (float)(reg ? reg[i] : cfg->lambda);
        for (uint64_t j = 0; j < i; j++)
            g[j * n + i] = g[i * n + j];
    }
}

/* ---- primal ---- */

/* B = I - P diag(1/diag P) from P in place (the diagonal is kept aside
 * first: it is overwritten with the zeros of B's diagonal as rows go by). */
static int primal(ease *E, trec_error *err)
{
    uint64_t n = E->n_active;
    gram_plus_lambda(E->x, E->pos, E->b, n, E->reg, E->cfg);
    if (trec_spd_inverse(E->b, (size_t)n, E->cfg->threads, err) != 0)
        return -1;
    float *inv_diag = trec_malloc((n ? n : 1) * sizeof *inv_diag, err);
    if (!inv_diag)
        return -1;
    for (uint64_t t = 0; t < n; t++)
        inv_diag[t] = 1.0f / E->b[t * n + t];
    for (uint64_t j = 0; j < n; j++) {
        float *row = E->b + j * n;
        for (uint64_t t = 0; t < n; t++)
            row[t] = -row[t] * inv_diag[t];
        row[j] = 0.0f;
    }
    free(inv_diag);
    return 0;
}

/* ---- dual ---- */

static int transpose(const trec_csr *x, trec_csr *t, trec_error *err)
{
    if (trec_csr_alloc(t, x->cols, x->rows, x->nnz, 0, err) != 0)
        return -1;
    for (uint64_t e = 0; e < x->nnz; e++)
        t->rowptr[x->colidx[e] + 1]++;
    for (uint64_t i = 0; i < x->cols; i++)
        t->rowptr[i + 1] += t->rowptr[i];
    uint64_t *fill = trec_malloc((x->cols ? x->cols : 1) * sizeof *fill, err);
    if (!fill)
        return -1;
    memcpy(fill, t->rowptr, x->cols * sizeof *fill);
    for (uint64_t r = 0; r < x->rows; r++)
        for (uint64_t e = x->rowptr[r]; e < x->rowptr[r + 1]; e++) {
            uint64_t at = fill[x->colidx[e]]++;
            t->colidx[at] = (uint32_t)r;
            t->vals[at] = x->vals[e];
        }
    free(fill);
    return 0;
}

/* W = lambda Lambda^-1, and the columns of X (rows of xt) scaled by W^1/2:
 * then the Gram matrix below is X W X^T and c_diag_task's sum w_t x_t^T K x_t. */
static int weigh_columns(ease *E, trec_error *err)
{
    uint64_t n = E->n_active;
    E->w = trec_malloc((n ? n : 1) * sizeof *E->w, err);
    if (!E->w)
        return -1;
    for (uint64_t t = 0; t < n; t++) {
        E->w[t] = E->cfg->lambda / E->reg[t];
        float s = (float)sqrt(E->w[t]);
        uint64_t r = E->active[t];
        for (uint64_t e = E->xt.rowptr[r]; e < E->xt.rowptr[r + 1]; e++)
            E->xt.vals[e] *= s;
    }
    return 0;
}

/* C[t][t] = w_t x_t^T K x_t for active item t, x_t its column of X (the
 * users of item t; xt holds W^1/2 X^T), in double. */
static void c_diag_task(void *ctx, uint64_t t)
{
    ease *E = ctx;
    const trec_csr *xt = &E->xt;
    uint64_t m = E->x->rows, r = E->active[t];
    double c = 0;
    for (uint64_t e = xt->rowptr[r]; e < xt->rowptr[r + 1]; e++) {
        const float *ku = E->k + (uint64_t)xt->colidx[e] * m;
        double s = 0;
        for (uint64_t f = xt->rowptr[r]; f < xt->rowptr[r + 1]; f++)
            s += (double)ku[xt->colidx[f]] * xt->vals[f];
        c += s * xt->vals[e];
    }
    E->c_diag[t] = c;
}

static int dual(ease *E, trec_error *err)
{
    const trec_csr *x = E->x;
    uint64_t m = x->rows, n = E->n_active;
    int threads = E->cfg->threads;
    if (transpose(x, &E->xt, err) != 0 ||
        !(E->k = trec_aligned_alloc(m * m * sizeof *E->k, err)))
        return -1;
    if (E->cfg->param[EASE_DROPOUT] > 0 && weigh_columns(E, err) != 0)
        return -1;
    gram_plus_lambda(&E->xt, NULL, E->k, m, NULL, E->cfg);
    if (trec_spd_inverse(E->k, (size_t)m, threads, err) != 0 ||
        !(E->c_diag = trec_malloc((n ? n : 1) * sizeof *E->c_diag, err)))
        return -1;
    trec_parallel_for(threads, n, c_diag_task, E);
    for (uint64_t t = 0; t < n; t++)
        if (!(E->c_diag[t] < 1.0))
            return trec_fail(err, "ease: the dual solve lost precision (diagonal %llu is %g, "
                             "not below 1): raise --lambda", (unsigned long long)t,
                             E->c_diag[t]);
    return 0;
}

/* ---- the model ---- */

/* The item-item model: B, the active items, and the training rows. */
static int make_model(ease *E, uint32_t *active, trec_model *m, trec_error *err)
{
    const trec_csr *x = E->x;
    int failed = 0;
    trec_item_item *ii = trec_model_item_item_init(m, err);
    if (!ii) {
        free(active);
        return -1;
    }
    m->n_users = x->rows;
    m->n_items = x->cols;
    m->user_labels = x->row_labels;
    m->item_labels = x->col_labels;
    ii->n_active = E->n_active;
    if (trec_model_own(m, active, err) != 0) /* consumes active either way */
        return -1;
    ii->active = active;
    ii->dual = use_dual(E);
    /* B's form: hand the explicit matrix or K and the diagonal to the model */
    float **weights = ii->dual ? &E->k : &E->b;
    if (trec_model_own(m, *weights, err) != 0) {
        *weights = NULL;
        return -1;
    }
    *(ii->dual ? &ii->k : &ii->b) = *weights;
    *weights = NULL;
    if (ii->dual) {
        if (trec_model_own(m, E->c_diag, err) != 0) {
            E->c_diag = NULL;
            return -1;
        }
        ii->c_diag = E->c_diag;
        E->c_diag = NULL;
        if (E->w) {
            if (trec_model_own(m, E->w, err) != 0) {
                E->w = NULL;
                return -1;
            }
            ii->w = E->w;
            ii->weighted = 1;
            E->w = NULL;
        }
    }
    ii->hist_nnz = x->nnz;
    ii->hist_ptr = trec_malloc((x->rows + 1) * sizeof *ii->hist_ptr, err);
    failed |= !ii->hist_ptr || trec_model_own(m, ii->hist_ptr, err) != 0;
    ii->hist_idx = failed ? NULL : trec_malloc((x->nnz ? x->nnz : 1) * 4, err);
    failed |= !ii->hist_idx || trec_model_own(m, ii->hist_idx, err) != 0;
    ii->hist_val = failed ? NULL : trec_malloc((x->nnz ? x->nnz : 1) * 4, err);
    failed |= !ii->hist_val || trec_model_own(m, ii->hist_val, err) != 0;
    if (failed)
        return -1;
    memcpy(ii->hist_ptr, x->rowptr, (x->rows + 1) * sizeof *ii->hist_ptr);
    memcpy(ii->hist_idx, x->colidx, x->nnz * 4);
    memcpy(ii->hist_val, x->vals, x->nnz * 4);
    return 0;
}

static int ease_fit(const trec_fit_config *cfg, const trec_fit_data *d, const trec_model *init,
                    trec_model *out, trec_fit_result *res, trec_error *err)
{
    (void)init; /* not in ease's options: refused before */
    ease E = {.cfg = cfg, .x = d->x};
    uint32_t *active = NULL;
    int rc = -1;
    if (d->x->nnz == 0) {
        trec_fail(err, "no interactions to train on%s",
                  cfg->has_min_rating ? " (after --min-rating)" : "");
        goto done;
    }
    uint64_t n;
    if ((cfg->param[EASE_USER_EXPONENT] > 0 && scale_rows(&E, err) != 0) ||
        find_active(&E, &active, err) || check_memory(&E, err) || regulariser(&E, err))
        goto done;
    n = E.n_active;
    E.active = active;
    if (use_dual(&E) ? dual(&E, err) != 0
                     : (!(E.b = trec_aligned_alloc(n * n * sizeof *E.b, err)) ||
                        primal(&E, err) != 0))
        goto done;
    int made = make_model(&E, active, out, err);
    active = NULL; /* consumed by out (freed with it) */
    if (made != 0)
        goto done;
    res->loss = 0;
    res->epochs_run = 1;
    trec_fit_progress p = {.epoch = 1, .epochs = 1};
    if (trec_fit_epoch_end(cfg, &p, out, NULL, err) < 0)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        trec_model_free(out);
    free(active);
    free(E.b);
    free(E.k);
    free(E.c_diag);
    free(E.reg);
    free(E.w);
    free(E.pos);
    trec_csr_free(&E.xt);
    trec_csr_free(&E.xs);
    return rc;
}

static void ease_meta(const trec_fit_config *cfg, const trec_fit_result *res, const trec_model *m,
                      cJSON *o)
{
    (void)res;
    cJSON_AddNumberToObject(o, "lambda", cfg->lambda);
    if (cfg->param[EASE_DROPOUT] > 0)
        cJSON_AddNumberToObject(o, "dropout", cfg->param[EASE_DROPOUT]);
    if (cfg->param[EASE_USER_EXPONENT] > 0)
        cJSON_AddNumberToObject(o, "user_exponent", cfg->param[EASE_USER_EXPONENT]);
    const trec_item_item *ii = trec_model_item_item(m);
    cJSON_AddNumberToObject(o, "active_items", (double)ii->n_active);
    cJSON_AddStringToObject(o, "solve", m->n_users < ii->n_active ? "dual" : "primal");
}

/* trec-tune's default space: around the ease preset (presets.c). */
static const trec_tune_default ease_tune[] = {
    {"--lambda", "50..1000"},
    {"--other-weight", "0,0.2,0.4,0.6"},
    {NULL, NULL},
};

const trec_algorithm trec_algorithm_ease = {
    .name = "ease",
    .about = "item-item closed form (EASE)",
    .hint = "ease learns item-item weights from the interactions alone",
    .options = TREC_OPT(TREC_OPT_MIN_RATING) | TREC_OPT(TREC_OPT_OTHER_WEIGHT) |
               TREC_OPT(TREC_OPT_VALUES) | TREC_OPT(TREC_OPT_LAMBDA) |
               TREC_OPT(TREC_OPT_MAX_MEMORY) | TREC_OPT(TREC_OPT_THREADS),
    .own = ease_options,
    .n_own = sizeof ease_options / sizeof ease_options[0],
    .data = TREC_DATA_WEIGHTS,
    .defaults = ease_defaults,
    .check = ease_check,
    .fit = ease_fit,
    .meta = ease_meta,
    .tune = ease_tune,
    .tune_rank = 1,
};
