/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* als.c - the als algorithm: implicit-feedback alternating least squares
 * (Hu, Koren, Volinsky 2008, "Collaborative Filtering for Implicit Feedback
 * Datasets"). With training weights w_ui (fit.c), preferences p_ui = 1 for
 * the stored entries and 0 elsewhere, and confidences c_ui = 1 + s w_ui
 * (linear) or 1 + s log(1 + w_ui / eps) (log), for stored entries and 1
 * elsewhere, it minimises
 *     sum over all (u, i) of c_ui (p_ui - x_u . y_i)^2
 *       + sum_u lambda_u |x_u|^2 + sum_i lambda_i |y_i|^2
 * by solving for every user with the item factors fixed, then for every
 * item with the user factors fixed:
 *     x_u = (Y^T Y + Y^T (C_u - I) Y + lambda_u I)^-1 Y^T C_u p_u
 * where Y^T Y is computed once per half-iteration, so a row costs
 * O(n_u k + k^2) per conjugate-gradient step (implicit's least_squares_cg;
 * --solver cholesky solves exactly in O(n_u k^2 + k^3)).
 * lambda_u = lambda (n_items + sum_i (c_ui - 1))^e with --lambda-exponent e
 * (0: lambda everywhere; 1: "frequency-scaled" regularisation, Rendle et
 * al. 2021, "Revisiting the Performance of iALS on Item Recommendation
 * Benchmarks"), and likewise for items.
 * Rows are solved in parallel; Gram matrices are summed over fixed chunks
 * in a fixed order, so the model does not depend on the thread count. */
#include <blis.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "als.h"
#include "init_map.h"
#include "linalg.h"
#include "parallel.h"
#include "rng.h"

#define ROWS_PER_TASK TREC_ALS_ROWS_PER_TASK
#define GRAM_CHUNK TREC_ALS_GRAM_CHUNK

typedef trec_als_half half;

_Static_assert(TREC_ALS_CONFIDENCE_EPS < TREC_FIT_PARAMS, "als's settings need more slots");

/* Its own options (algorithm.h), their values in cfg->param (als.h). */
static const char *const confidences[] = {"linear", "log", NULL};
static const char *const solvers[] = {"cg", "cholesky", NULL};
static const trec_fit_option_info als_options[TREC_ALS_OPTIONS] = {
    [TREC_ALS_LAMBDA_EXPONENT] = {"--lambda-exponent", TREC_ARG_REAL, 0, 0, 2, NULL},
    [TREC_ALS_CONFIDENCE] = {"--confidence", TREC_ARG_WORD, 0, 0, 0, confidences},
    [TREC_ALS_CONFIDENCE_SCALE] = {"--confidence-scale", TREC_ARG_REAL, 1, 0, 1e30, NULL},
    [TREC_ALS_SOLVER] = {"--solver", TREC_ARG_WORD, 0, 0, 0, solvers},
    [TREC_ALS_CG_STEPS] = {"--cg-steps", TREC_ARG_INT, 0, 1, 1000, NULL},
};

extern const trec_algorithm trec_algorithm_als;

static void als_defaults(trec_fit_config *cfg)
{
    cfg->components = 64;
    cfg->epochs = 15;
    cfg->lambda = 0.1;
    cfg->param[TREC_ALS_LAMBDA_EXPONENT] = 0;
    cfg->param[TREC_ALS_CONFIDENCE] = TREC_CONFIDENCE_LINEAR;
    cfg->param[TREC_ALS_CONFIDENCE_SCALE] = 1.0;
    cfg->param[TREC_ALS_SOLVER] = TREC_SOLVER_CG;
    cfg->param[TREC_ALS_CG_STEPS] = 3;
    cfg->param[TREC_ALS_CONFIDENCE_EPS] = 1.0;
}

static int als_check(const trec_fit_config *cfg, trec_error *err)
{
    const double *p = cfg->param;
    if (cfg->components == 0)
        return trec_fail(err, "--components must be at least 1");
    if (!isfinite(cfg->lambda) || cfg->lambda <= 0)
        return trec_fail(err, "--lambda must be > 0 for als");
    if (!isfinite(p[TREC_ALS_CONFIDENCE_SCALE]) || p[TREC_ALS_CONFIDENCE_SCALE] < 0)
        return trec_fail(err, "--confidence-scale must be >= 0");
    if (!isfinite(p[TREC_ALS_LAMBDA_EXPONENT]) || p[TREC_ALS_LAMBDA_EXPONENT] < 0)
        return trec_fail(err, "--lambda-exponent must be >= 0");
    if (!(p[TREC_ALS_CG_STEPS] >= 1 && p[TREC_ALS_CG_STEPS] <= INT32_MAX))
        return trec_fail(err, "--cg-steps must be at least 1");
    if (p[TREC_ALS_CONFIDENCE] != TREC_CONFIDENCE_LINEAR &&
        p[TREC_ALS_CONFIDENCE] != TREC_CONFIDENCE_LOG)
        return trec_fail(err, "internal error: unknown --confidence");
    if (p[TREC_ALS_SOLVER] != TREC_SOLVER_CG && p[TREC_ALS_SOLVER] != TREC_SOLVER_CHOLESKY)
        return trec_fail(err, "internal error: unknown --solver");
    if (trec_algorithm_own_given(&trec_algorithm_als, cfg, TREC_ALS_CG_STEPS) &&
        p[TREC_ALS_SOLVER] != TREC_SOLVER_CG)
        return trec_fail(err, "--cg-steps goes with --solver cg");
    return 0;
}

float trec_als_confidence(const trec_fit_config *cfg, float w)
{
    double s = cfg->param[TREC_ALS_CONFIDENCE_SCALE];
    if (cfg->param[TREC_ALS_CONFIDENCE] == TREC_CONFIDENCE_LOG)
        return (float)(1.0 + s * log1p((double)w / cfg->param[TREC_ALS_CONFIDENCE_EPS]));
    return (float)(1.0 + s * (double)w);
}

/* ---- Gram matrix, deterministic for any thread count ---- */

static void gram_task(void *ctx, uint64_t t)
{
    half *H = ctx;
    uint64_t a = t * GRAM_CHUNK, n = H->n_cols - a < GRAM_CHUNK ? H->n_cols - a : GRAM_CHUNK;
    float *out = H->partials + t * H->k * H->k;
    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    bli_rntm_set_num_threads(1, &rntm);
    bli_rntm_disable_l3_sup(&rntm);
    float one = 1.0f, zero = 0.0f;
    inc_t k = (inc_t)H->k;
    /* out = Y_chunk^T Y_chunk (k x k) */
    bli_sgemm_ex(BLIS_TRANSPOSE, BLIS_NO_TRANSPOSE, k, k, (dim_t)n, &one,
                 (float *)(H->y + a * H->k), k, 1, (float *)(H->y + a * H->k), k, 1, &zero,
                 out, k, 1, NULL, &rntm);
}

uint64_t trec_als_chunks(uint64_t n)
{
    return (n + GRAM_CHUNK - 1) / GRAM_CHUNK;
}

/* Chunks [c0, c1) through gram_task's numbering (task t = chunk c0 + t). */
typedef struct gram_range {
    half *H;
    uint64_t c0;
} gram_range;

static void gram_range_task(void *ctx, uint64_t t)
{
    gram_range *g = ctx;
    gram_task(g->H, g->c0 + t);
}

void trec_als_gram_partials(trec_als_half *H, uint64_t c0, uint64_t c1)
{
    gram_range g = {H, c0};
    trec_parallel_for(H->cfg->threads, c1 - c0, gram_range_task, &g);
}

void trec_als_gram_sum(trec_als_half *H)
{
    uint64_t kk = H->k * H->k;
    memset(H->yty, 0, kk * sizeof *H->yty);
    for (uint64_t c = 0; c < H->n_chunks; c++)
        for (uint64_t i = 0; i < kk; i++)
            H->yty[i] += H->partials[c * kk + i];
    /* exactly symmetric: the solvers may read either triangle */
    for (uint64_t i = 0; i < H->k; i++)
        for (uint64_t j = 0; j < i; j++)
            H->yty[j * H->k + i] = H->yty[i * H->k + j];
}

/* ---- row solves ---- */

typedef struct scratch {
    float *c, *d, *work;
    uint64_t cap;
} scratch;

static int scratch_fit(scratch *s, uint64_t n, uint64_t k)
{
    if (n <= s->cap && s->work)
        return 0;
    free(s->c);
    free(s->d);
    free(s->work);
    s->cap = n > 64 ? n : 64;
    s->c = malloc(s->cap * sizeof *s->c);
    s->d = malloc(s->cap * sizeof *s->d);
    s->work = malloc((k * k + 3 * k) * sizeof *s->work);
    return s->c && s->d && s->work ? 0 : -1;
}

/* Row r's lambda (see the top of the file). */
static float row_lambda(const half *H, const float *c, uint64_t n)
{
    double e = H->cfg->param[TREC_ALS_LAMBDA_EXPONENT];
    if (e == 0)
        return (float)H->cfg->lambda;
    double total = (double)H->n_cols;
    for (uint64_t j = 0; j < n; j++)
        total += c[j];
    return (float)(H->cfg->lambda * pow(total, e));
}

static int solve_row(half *H, uint64_t r, scratch *s)
{
    const trec_csr *m = H->m;
    uint64_t e0 = m->rowptr[r], n = m->rowptr[r + 1] - e0, k = H->k;
    if (scratch_fit(s, n, k) != 0)
        return -1;
    for (uint64_t j = 0; j < n; j++) {
        float conf = trec_als_confidence(H->cfg, m->vals[e0 + j]);
        s->c[j] = conf - 1.0f;
        s->d[j] = conf; /* conf x p, p = 1 */
    }
    trec_als_rows rows = {.y = H->y, .ldy = k, .idx = m->colidx + e0, .c = s->c, .d = s->d,
                          .n = n};
    float reg = row_lambda(H, s->c, n);
    float *x = H->x + r * k;
    if (H->cfg->param[TREC_ALS_SOLVER] == TREC_SOLVER_CHOLESKY)
        return trec_als_solve_exact(H->yty, k, reg, &rows, s->work, x, NULL);
    trec_als_solve_cg(H->yty, k, reg, &rows, (int)H->cfg->param[TREC_ALS_CG_STEPS], s->work,
                      x);
    return 0;
}

static void solve_task(void *ctx, uint64_t t)
{
    half *H = ctx;
    scratch s = {0};
    uint64_t a = t * ROWS_PER_TASK, b = a + ROWS_PER_TASK < H->n_rows ? a + ROWS_PER_TASK
                                                                     : H->n_rows;
    for (uint64_t r = a; r < b; r++)
        if (solve_row(H, r, &s) != 0) {
            __atomic_store_n(&H->failed, 1, __ATOMIC_RELAXED);
            break;
        }
    free(s.c);
    free(s.d);
    free(s.work);
}

/* ---- the loss, for progress reports ---- */

/* Task t's rows' part of the loss: their regularisation and, with_data,
 * sum_i c (p - s)^2 over all columns, as x^T YtY x plus the corrections of
 * the stored entries. */
static void loss_task(void *ctx, uint64_t t)
{
    half *H = ctx;
    const trec_csr *m = H->m;
    uint64_t k = H->k, a = t * ROWS_PER_TASK;
    uint64_t b = a + ROWS_PER_TASK < H->n_rows ? a + ROWS_PER_TASK : H->n_rows;
    float *tmp = malloc(k * sizeof *tmp);
    double sum = 0;
    if (!tmp) {
        __atomic_store_n(&H->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    for (uint64_t r = a; r < b; r++) {
        const float *x = H->x + r * k;
        double all = 0, cs = 0;
        if (H->with_data) {
            trec_symv(H->yty, k, k, x, tmp);
            all = trec_dot(x, tmp, k);
        }
        for (uint64_t e = m->rowptr[r]; e < m->rowptr[r + 1]; e++) {
            double c = trec_als_confidence(H->cfg, m->vals[e]);
            cs += c - 1;
            if (H->with_data) {
                double s = trec_dot(x, H->y + (uint64_t)m->colidx[e] * k, k);
                all += c * (1 - s) * (1 - s) - s * s;
            }
        }
        double e = H->cfg->param[TREC_ALS_LAMBDA_EXPONENT];
        double lam = e == 0 ? H->cfg->lambda : H->cfg->lambda * pow((double)H->n_cols + cs, e);
        sum += all + lam * trec_dot(x, x, k);
    }
    free(tmp);
    H->row_loss[t] = sum;
}

int trec_als_solve(trec_als_half *H)
{
    uint64_t tasks = (H->n_rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    trec_parallel_for(H->cfg->threads, tasks, solve_task, H);
    if (!H->failed)
        trec_parallel_for(H->cfg->threads, tasks, loss_task, H);
    return H->failed ? -1 : 0;
}

double trec_als_norm_add(const trec_fit_config *cfg, const trec_csr *x, double norm)
{
    for (uint64_t e = 0; e < x->nnz; e++)
        norm += trec_als_confidence(cfg, x->vals[e]) - 1.0;
    return norm;
}

/* ---- the fit ---- */

typedef struct als {
    const trec_fit_config *cfg;
    const trec_csr *x;
    trec_model *out;          /* the model being fitted (validation) */
    trec_csr xt;              /* items x users */
    uint64_t k;
    float *uf, *itf;          /* user and item factors: the model's W1 */
    float *yty, *partials;
    double *row_loss;
} als;

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
    for (uint64_t r = 0; r < x->rows; r++) /* users ascending within each item */
        for (uint64_t e = x->rowptr[r]; e < x->rowptr[r + 1]; e++) {
            uint64_t at = fill[x->colidx[e]]++;
            t->colidx[at] = (uint32_t)r;
            t->vals[at] = x->vals[e];
        }
    free(fill);
    return 0;
}

/* Solves the rows of x, then adds their penalty (and with_data, the data
 * term against the fixed side) to *loss. */
static int half_run(als *A, const trec_csr *m, float *x, const float *y, uint64_t n_rows,
                    uint64_t n_cols, int with_data, double *loss, trec_error *err)
{
    half H = {.cfg = A->cfg, .m = m, .x = x, .y = y, .n_rows = n_rows, .n_cols = n_cols,
              .k = A->k, .yty = A->yty, .partials = A->partials,
              .n_chunks = trec_als_chunks(n_cols), .row_loss = A->row_loss,
              .with_data = with_data};
    uint64_t tasks = (n_rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    trec_als_gram_partials(&H, 0, H.n_chunks);
    trec_als_gram_sum(&H);
    if (trec_als_solve(&H) != 0)
        return trec_fail(err, TREC_ALS_SOLVE_FAILED);
    for (uint64_t t = 0; t < tasks; t++)
        *loss += A->row_loss[t];
    return 0;
}

/* The model's shape: identity features on both sides, linear, dot, no
 * biases; W1 holds the factors. */
int trec_als_make_model(uint64_t n_users, uint64_t n_items, uint64_t k,
                        const trec_labels *user_labels, const trec_labels *item_labels,
                        trec_model *m, trec_error *err)
{
    memset(m, 0, sizeof *m);
    m->kind = TREC_MODEL_FACTORS;
    m->n_users = n_users;
    m->n_items = n_items;
    m->k = k;
    m->predict = TREC_PREDICT_DOT;
    m->biases = 0;
    m->user = (trec_side){.repr = TREC_REPR_LINEAR, .identity = 1};
    m->item = (trec_side){.repr = TREC_REPR_LINEAR, .identity = 1};
    m->user_labels = *user_labels;
    m->item_labels = *item_labels;
    return trec_model_alloc(m, err);
}

int trec_als_check_init(const trec_model *init, const trec_model *m, trec_error *err)
{
    if (init->kind != TREC_MODEL_FACTORS || init->k != m->k || init->predict != TREC_PREDICT_DOT ||
        init->user.repr != TREC_REPR_LINEAR || init->item.repr != TREC_REPR_LINEAR ||
        !init->user.identity || !init->item.identity || init->user.n_extra ||
        init->item.n_extra)
        return trec_fail(err, "--init model does not match this fit: als continues a model "
                         "of identity factors with the same --components");
    return 0;
}

static void init_factors(float *f, uint64_t n, uint64_t k, trec_rng *rng)
{
    /* implicit's initialisation: uniform in [0, 0.01) */
    for (uint64_t i = 0; i < n * k; i++)
        f[i] = (float)(trec_rng_uniform(rng) * 0.01);
}

void trec_als_init_factors(const trec_fit_config *cfg, float *uf, uint64_t n_users, float *itf,
                           uint64_t n_items, uint64_t k)
{
    trec_rng rng;
    trec_rng_seed(&rng, cfg->seed);
    init_factors(uf, n_users, k, &rng);
    init_factors(itf, n_items, k, &rng);
}

static int iterate(als *A, trec_fit_result *res, trec_error *err)
{
    const trec_fit_config *cfg = A->cfg;
    const trec_csr *x = A->x;
    /* the loss normaliser (implicit's): all pairs plus the extra confidence */
    double norm = trec_als_norm_add(cfg, x, (double)x->rows * (double)x->cols);
    for (uint64_t ep = 0; ep < cfg->epochs; ep++) {
        /* the loss after the iteration: the users' penalty, then the data
         * term and the items' penalty */
        double loss = 0;
        if (half_run(A, x, A->uf, A->itf, x->rows, x->cols, 0, &loss, err) != 0 ||
            half_run(A, &A->xt, A->itf, A->uf, x->cols, x->rows, 1, &loss, err) != 0)
            return -1;
        res->loss = loss / norm;
        if (!isfinite(res->loss))
            return trec_fit_diverged(cfg, res, ep + 1, "the loss or the factors became "
                                     "infinite or NaN", err);
        res->epochs_run = ep + 1;
        trec_fit_progress p = {.epoch = ep + 1, .epochs = cfg->epochs, .loss = res->loss};
        int stop = trec_fit_epoch_end(cfg, &p, A->out, A, err);
        if (stop != 0)
            return stop < 0 ? -1 : 0;
    }
    return 0;
}

/* The validation seam: the representations are the factors. */
static int als_current(void *state, trec_model *out, trec_error *err)
{
    (void)state;
    (void)err;
    memcpy(out->user_repr, out->user.w1, out->n_users * out->k * sizeof *out->user_repr);
    memcpy(out->item_repr, out->item.w1, out->n_items * out->k * sizeof *out->item_repr);
    return 0;
}

static int als_fit(const trec_fit_config *cfg, const trec_fit_data *d, const trec_model *init,
                   trec_model *out, trec_fit_result *res, trec_error *err)
{
    als A = {.cfg = cfg, .x = d->x, .out = out, .k = cfg->components};
    int64_t *umap = NULL, *imap = NULL;
    uint64_t k = A.k, n_max = d->x->rows > d->x->cols ? d->x->rows : d->x->cols;
    uint64_t chunks = (n_max + GRAM_CHUNK - 1) / GRAM_CHUNK;
    int rc = -1;
    if (d->x->nnz == 0) {
        trec_fail(err, TREC_ALS_NO_DATA "%s", cfg->has_min_rating ? " (after --min-rating)" : "");
        goto done;
    }
    /* the factors and the representations (2 (users + items) k floats),
     * the Gram matrix and its partial sums */
    trec_model shape = {.n_users = d->x->rows, .n_items = d->x->cols, .k = k};
    double need = 4.0 * (2.0 * (double)(shape.n_users + shape.n_items) * (double)k +
                         (double)(chunks + 1) * (double)k * (double)k);
    if (trec_fit_check_memory(cfg, &shape, need, "the factors, the representations and the "
                              "Gram matrices", err) != 0 ||
        trec_als_make_model(d->x->rows, d->x->cols, k, &d->x->row_labels, &d->x->col_labels,
                            out, err) != 0 ||
        (init && trec_als_check_init(init, out, err) != 0) ||
        transpose(d->x, &A.xt, err) != 0 ||
        !(A.yty = trec_malloc(k * k * sizeof *A.yty, err)) ||
        !(A.partials = trec_malloc(chunks * k * k * sizeof *A.partials, err)) ||
        !(A.row_loss = trec_calloc(n_max / ROWS_PER_TASK + 1, sizeof *A.row_loss, err)))
        goto done;
    A.uf = out->user.w1;
    A.itf = out->item.w1;
    /* From --init: its users and items matched by raw id; the new ones
     * initialised as in a fresh fit. */
    uint64_t ku = 0, ki = 0;
    if (init && (trec_init_map(&init->user_labels, init->n_users, &out->user_labels,
                               out->n_users, "user", &umap, &ku, err) != 0 ||
                 trec_init_map(&init->item_labels, init->n_items, &out->item_labels,
                               out->n_items, "item", &imap, &ki, err) != 0))
        goto done;
    if (init) {
        res->init_grown = !trec_init_map_is_identity(umap, out->n_users, init->n_users) ||
                          !trec_init_map_is_identity(imap, out->n_items, init->n_items);
        res->init_new_users = out->n_users - ku;
        res->init_gone_users = init->n_users - ku;
        res->init_new_items = out->n_items - ki;
        res->init_gone_items = init->n_items - ki;
        res->epochs_before = trec_fit_model_epochs(init);
    }
    if (init && !res->init_grown) {
        memcpy(A.uf, init->user.w1, out->n_users * k * sizeof *A.uf);
        memcpy(A.itf, init->item.w1, out->n_items * k * sizeof *A.itf);
    } else {
        trec_als_init_factors(cfg, A.uf, out->n_users, A.itf, out->n_items, k);
    }
    if (init && res->init_grown) {
        trec_init_copy_side(&out->user, out->n_users, &init->user, init->n_users, umap, k);
        trec_init_copy_side(&out->item, out->n_items, &init->item, init->n_items, imap, k);
    }
    if (iterate(&A, res, err) != 0)
        goto done;
    memcpy(out->user_repr, A.uf, out->n_users * k * sizeof *A.uf);
    memcpy(out->item_repr, A.itf, out->n_items * k * sizeof *A.itf);
    rc = 0;
done:
    if (rc != 0)
        trec_model_free(out);
    trec_csr_free(&A.xt);
    free(umap);
    free(imap);
    free(A.yty);
    free(A.partials);
    free(A.row_loss);
    return rc;
}

static void als_meta(const trec_fit_config *cfg, const trec_fit_result *res, const trec_model *m,
                     cJSON *o)
{
    cJSON_AddNumberToObject(o, "components", (double)m->k);
    cJSON_AddNumberToObject(o, "epochs", (double)cfg->epochs);
    cJSON_AddNumberToObject(o, "epochs_total", (double)(res->epochs_before + cfg->epochs));
    cJSON_AddNumberToObject(o, "lambda", cfg->lambda);
    const double *p = cfg->param;
    int log_conf = p[TREC_ALS_CONFIDENCE] == TREC_CONFIDENCE_LOG;
    int cg = p[TREC_ALS_SOLVER] == TREC_SOLVER_CG;
    cJSON_AddNumberToObject(o, "lambda_exponent", p[TREC_ALS_LAMBDA_EXPONENT]);
    cJSON_AddStringToObject(o, "confidence", log_conf ? "log" : "linear");
    cJSON_AddNumberToObject(o, "confidence_scale", p[TREC_ALS_CONFIDENCE_SCALE]);
    if (log_conf)
        cJSON_AddNumberToObject(o, "confidence_eps", p[TREC_ALS_CONFIDENCE_EPS]);
    cJSON_AddStringToObject(o, "solver", cg ? "cg" : "cholesky");
    if (cg)
        cJSON_AddNumberToObject(o, "cg_steps", p[TREC_ALS_CG_STEPS]);
}

static double meta_number(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* Fold-in solves as the fit did: its confidence and regularisation, read
 * back from what als_meta wrote. */
static void als_foldin(const cJSON *meta, trec_foldin_settings *s)
{
    const cJSON *conf = cJSON_GetObjectItemCaseSensitive(meta, "confidence");
    s->log_conf = cJSON_IsString(conf) && strcmp(conf->valuestring, "log") == 0;
    s->scale = meta_number(meta, "confidence_scale", s->scale);
    s->eps = meta_number(meta, "confidence_eps", s->eps);
    s->lambda = meta_number(meta, "lambda", s->lambda);
    s->exponent = meta_number(meta, "lambda_exponent", s->exponent);
}

/* trec-tune's default space: around the als preset (presets.c). */
static const trec_tune_default als_tune[] = {
    {"--components", "32,64,128"},
    {"--lambda", "0.001..0.1"},
    {"--confidence-scale", "1..10"},
    {"--other-weight", "0,0.3"},
    {NULL, NULL},
};

const trec_algorithm trec_algorithm_als = {
    .name = "als",
    .about = "implicit alternating least squares",
    .hint = "als learns one factor vector per user and per item (identity features only); "
            "for metadata features use --algorithm sgd or tensorrec",
    .options = TREC_OPT(TREC_OPT_COMPONENTS) | TREC_OPT(TREC_OPT_MIN_RATING) |
               TREC_OPT(TREC_OPT_OTHER_WEIGHT) | TREC_OPT(TREC_OPT_VALUES) |
               TREC_OPT(TREC_OPT_EPOCHS) | TREC_OPT(TREC_OPT_LAMBDA) |
               TREC_OPT(TREC_OPT_SEED) | TREC_OPT(TREC_OPT_THREADS) | TREC_OPT(TREC_OPT_INIT),
    .own = als_options,
    .n_own = TREC_ALS_OPTIONS,
    .data = TREC_DATA_WEIGHTS,
    .defaults = als_defaults,
    .check = als_check,
    .fit = als_fit,
    .meta = als_meta,
    .current = als_current,
    .foldin = als_foldin,
    .tune = als_tune,
    .tune_rank = 2,
};
