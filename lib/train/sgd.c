/* sgd.c - the sgd algorithm: LightFM's ranking losses (bpr, warp, warp-kos,
 * logistic) trained one positive at a time with Adagrad or plain SGD, on
 * linear representations of identity and/or metadata features with dot
 * prediction and feature biases.
 *
 * The schedule is DSGD's (Gemulla et al. 2011), so that threads never write
 * the same parameter and the model does not depend on their number: users
 * and items are dealt into B blocks each (B fixed by the data's size, not by
 * --threads; balanced by interaction counts, ties broken by the seed), a
 * positive (u, i) belongs to stratum (block(u), block(i)), and an epoch is B
 * sub-epochs: in sub-epoch s the B strata (b, (b + s) mod B) share no user
 * and no item, and run in parallel, each in its own seeded order with its
 * own random stream, drawing its negatives from its item block. Metadata
 * features are shared by every block: each stratum updates a private replica
 * of their weights and accumulators, and after the sub-epoch the shared
 * values become the replicas' mean, summed in stratum order. */
#include "sgd.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "parallel.h"
#include "representation.h"

/* Blocks per side: at most MAX_BLOCKS, fewer when a block would hold fewer
 * than MIN_BLOCK_ITEMS items or MIN_BLOCK_USERS users. */
#define MAX_BLOCKS 8
#define MIN_BLOCK_ITEMS 64
#define MIN_BLOCK_USERS 16
/* Random streams: the init draws from the seed itself; these from streams. */
#define STREAM_USER_BLOCKS 1
#define STREAM_ITEM_BLOCKS 2
#define STREAM_EPOCH_SHIFT 16

/* The metadata rows of one side (weights, biases, accumulators): the shared
 * values or one stratum's replica. */
typedef struct meta_rows {
    float *w, *b, *gw, *gb;
} meta_rows;

typedef struct sgd {
    const trec_fit_config *cfg;
    const trec_csr *x;
    trec_model *m;
    trec_features uf, itf;
    trec_sgd_rule rule;
    uint64_t k, nu, ni, B;
    float *acc[2][2];           /* [side][w, b]: Adagrad accumulators, or NULL */
    uint32_t *ublock, *iblock;  /* block of each user / item */
    uint32_t *items;            /* items by block, ascending within */
    uint64_t *iptr;             /* B + 1 */
    uint64_t *pairs;            /* user << 32 | entry, by stratum (b B + c), by user */
    uint64_t *sptr;             /* B B + 1 */
    uint32_t *runs;             /* start of each user's run, relative to its stratum */
    uint64_t *rptr;             /* B B + 1 */
    meta_rows shared[2];        /* [side] */
    meta_rows *replica[2];      /* [side][B] */
    float *replica_mem;
    trec_sgd_stratum *st;       /* B: the tasks of a sub-epoch */
    float *scratch;
    uint64_t sub, epoch;
} sgd;

static float *falloc(uint64_t n, trec_error *err)
{
    return trec_malloc((n ? n : 1) * sizeof(float), err);
}

/* ---- blocks and strata ---- */

typedef struct ranked {
    uint64_t count, key;
    uint32_t idx;
} ranked;

static int by_count_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->key > y->key) - (x->key < y->key);
}

/* Deals n entities into B blocks: by count, largest first, in a snake
 * (0..B-1, B-1..0, ...), ties in a seeded random order. */
static int deal(uint64_t n, const uint64_t *count, uint64_t B, uint64_t seed,
                uint64_t stream, uint32_t *block, trec_error *err)
{
    ranked *r = trec_malloc((n ? n : 1) * sizeof *r, err);
    if (!r)
        return -1;
    trec_rng rng;
    trec_rng_seed_stream(&rng, seed, stream);
    for (uint64_t i = 0; i < n; i++)
        r[i] = (ranked){count[i], trec_rng_next(&rng), (uint32_t)i};
    qsort(r, n, sizeof *r, by_count_desc);
    for (uint64_t p = 0; p < n; p++) {
        uint64_t round = p / B, w = p % B;
        block[r[p].idx] = (uint32_t)(round % 2 == 0 ? w : B - 1 - w);
    }
    free(r);
    return 0;
}

static uint64_t pick_blocks(uint64_t nu, uint64_t ni)
{
    uint64_t B = MAX_BLOCKS;
    while (B > 1 && (ni < B * MIN_BLOCK_ITEMS || nu < B * MIN_BLOCK_USERS))
        B /= 2;
    return B;
}

static int make_blocks(sgd *S, trec_error *err)
{
    const trec_csr *x = S->x;
    uint64_t *cnt = trec_calloc(S->nu > S->ni ? S->nu : S->ni, sizeof *cnt, err);
    S->ublock = trec_malloc(S->nu * sizeof *S->ublock, err);
    S->iblock = trec_malloc(S->ni * sizeof *S->iblock, err);
    S->items = trec_malloc(S->ni * sizeof *S->items, err);
    S->iptr = trec_calloc(S->B + 1, sizeof *S->iptr, err);
    int rc = -1;
    if (!cnt || !S->ublock || !S->iblock || !S->items || !S->iptr)
        goto done;
    for (uint64_t u = 0; u < S->nu; u++)
        cnt[u] = x->rowptr[u + 1] - x->rowptr[u];
    if (deal(S->nu, cnt, S->B, S->cfg->seed, STREAM_USER_BLOCKS, S->ublock, err) != 0)
        goto done;
    memset(cnt, 0, S->ni * sizeof *cnt);
    for (uint64_t e = 0; e < x->nnz; e++)
        cnt[x->colidx[e]]++;
    if (deal(S->ni, cnt, S->B, S->cfg->seed, STREAM_ITEM_BLOCKS, S->iblock, err) != 0)
        goto done;
    for (uint64_t i = 0; i < S->ni; i++)
        S->iptr[S->iblock[i] + 1]++;
    for (uint64_t c = 0; c < S->B; c++)
        S->iptr[c + 1] += S->iptr[c];
    memcpy(cnt, S->iptr, S->B * sizeof *cnt);
    for (uint64_t i = 0; i < S->ni; i++)
        S->items[cnt[S->iblock[i]]++] = (uint32_t)i;
    rc = 0;
done:
    free(cnt);
    return rc;
}

/* Pair q of stratum t starts a user's run. */
static int starts_run(const sgd *S, uint64_t t, uint64_t q)
{
    return q == S->sptr[t] || S->pairs[q] >> 32 != S->pairs[q - 1] >> 32;
}

/* Where each user's run starts in each stratum. */
static int make_runs(sgd *S, trec_error *err)
{
    uint64_t ns = S->B * S->B, n = 0;
    S->rptr = trec_calloc(ns + 1, sizeof *S->rptr, err);
    if (!S->rptr)
        return -1;
    for (uint64_t t = 0; t < ns; t++) {
        for (uint64_t q = S->sptr[t]; q < S->sptr[t + 1]; q++)
            n += starts_run(S, t, q);
        S->rptr[t + 1] = n;
    }
    S->runs = trec_malloc((n ? n : 1) * sizeof *S->runs, err);
    if (!S->runs)
        return -1;
    for (uint64_t t = 0, r = 0; t < ns; t++)
        for (uint64_t q = S->sptr[t]; q < S->sptr[t + 1]; q++)
            if (starts_run(S, t, q))
                S->runs[r++] = (uint32_t)(q - S->sptr[t]);
    return 0;
}

/* The positives grouped by stratum, each group in (user, item) order. */
static int make_strata(sgd *S, trec_error *err)
{
    const trec_csr *x = S->x;
    uint64_t ns = S->B * S->B;
    uint64_t *fill = trec_calloc(ns, sizeof *fill, err);
    S->sptr = trec_calloc(ns + 1, sizeof *S->sptr, err);
    S->pairs = trec_malloc((x->nnz ? x->nnz : 1) * sizeof *S->pairs, err);
    if (!fill || !S->sptr || !S->pairs) {
        free(fill);
        return -1;
    }
    for (uint64_t u = 0; u < S->nu; u++)
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            S->sptr[S->ublock[u] * S->B + S->iblock[x->colidx[e]] + 1]++;
    for (uint64_t t = 0; t < ns; t++)
        S->sptr[t + 1] += S->sptr[t];
    memcpy(fill, S->sptr, ns * sizeof *fill);
    for (uint64_t u = 0; u < S->nu; u++)
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
            S->pairs[fill[S->ublock[u] * S->B + S->iblock[x->colidx[e]]]++] =
                (uint64_t)u << 32 | e;
    free(fill);
    return make_runs(S, err);
}

/* ---- parameters ---- */

/* LightFM's initialisation: weights uniform in (-0.5, 0.5) / k, biases 0. */
static void init_side(trec_side *s, uint64_t k, trec_rng *rng)
{
    for (uint64_t i = 0; i < s->n_features * k; i++)
        s->w1[i] = (float)((trec_rng_uniform(rng) - 0.5) / (double)k);
    if (s->feature_bias)
        memset(s->feature_bias, 0, s->n_features * sizeof(float));
}

static float *ones(uint64_t n, trec_error *err)
{
    float *a = falloc(n, err);
    for (uint64_t i = 0; a && i < n; i++)
        a[i] = 1.0f;
    return a;
}

/* The metadata rows of side s (accumulators a[0], a[1]) within its arrays. */
static meta_rows meta_of(const trec_side *s, uint64_t base, uint64_t k, float *const a[2])
{
    return (meta_rows){s->w1 + base * k, s->feature_bias ? s->feature_bias + base : NULL,
                       a[0] ? a[0] + base * k : NULL, a[1] ? a[1] + base : NULL};
}

static uint64_t replica_floats(const trec_side *s, uint64_t k, int adagrad)
{
    uint64_t per = s->n_extra * k + (s->feature_bias ? s->n_extra : 0);
    return adagrad ? 2 * per : per;
}

/* Carves B replicas of side `side`'s metadata rows out of *mem. */
static int carve_replicas(sgd *S, int side, float **mem, trec_error *err)
{
    const trec_side *s = side ? &S->m->item : &S->m->user;
    uint64_t ne = s->n_extra, k = S->k;
    S->replica[side] = trec_calloc(S->B, sizeof(meta_rows), err);
    if (!S->replica[side])
        return -1;
    for (uint64_t b = 0; ne && b < S->B; b++) {
        meta_rows *r = &S->replica[side][b];
        r->w = *mem, *mem += ne * k;
        if (s->feature_bias)
            r->b = *mem, *mem += ne;
        if (S->rule.adagrad) {
            r->gw = *mem, *mem += ne * k;
            if (s->feature_bias)
                r->gb = *mem, *mem += ne;
        }
    }
    return 0;
}

static int setup_params(sgd *S, trec_error *err)
{
    trec_model *m = S->m;
    trec_side *side[2] = {&m->user, &m->item};
    trec_features *f[2] = {&S->uf, &S->itf};
    trec_rng rng;
    trec_rng_seed(&rng, S->cfg->seed);
    uint64_t rep = 0;
    for (int s = 0; s < 2; s++) {
        init_side(side[s], S->k, &rng);
        if (S->rule.adagrad &&
            (!(S->acc[s][0] = ones(side[s]->n_features * S->k, err)) ||
             (side[s]->feature_bias && !(S->acc[s][1] = ones(side[s]->n_features, err)))))
            return -1;
        S->shared[s] = meta_of(side[s], f[s]->identity ? f[s]->rows : 0, S->k, S->acc[s]);
        rep += S->B * replica_floats(side[s], S->k, S->rule.adagrad);
    }
    S->replica_mem = falloc(rep, err);
    float *mem = S->replica_mem;
    return S->replica_mem && carve_replicas(S, 0, &mem, err) == 0 &&
                   carve_replicas(S, 1, &mem, err) == 0
               ? 0
               : -1;
}

/* ---- the schedule ---- */

static void copy_rows(const meta_rows *dst, const meta_rows *src, uint64_t nw, uint64_t nb)
{
    if (!nw)
        return;
    memcpy(dst->w, src->w, nw * sizeof(float));
    if (src->b)
        memcpy(dst->b, src->b, nb * sizeof(float));
    if (src->gw)
        memcpy(dst->gw, src->gw, nw * sizeof(float));
    if (src->gb)
        memcpy(dst->gb, src->gb, nb * sizeof(float));
}

/* One stratum's view of a side: its identity rows shared, its metadata
 * rows the task's replica. */
static trec_sgd_view view_of(const sgd *S, int side, const meta_rows *r)
{
    const trec_side *s = side ? &S->m->item : &S->m->user;
    return (trec_sgd_view){.f = side ? &S->itf : &S->uf, .w = s->w1, .b = s->feature_bias,
                           .gw = S->acc[side][0], .gb = S->acc[side][1], .xw = r->w,
                           .xb = r->b, .xgw = r->gw, .xgb = r->gb};
}

static void stratum_task(void *ctx, uint64_t b)
{
    sgd *S = ctx;
    uint64_t c = (b + S->sub) % S->B, t = b * S->B + c, k = S->k;
    trec_sgd_stratum *s = &S->st[b];
    for (int side = 0; side < 2; side++) {
        const trec_side *sd = side ? &S->m->item : &S->m->user;
        copy_rows(&S->replica[side][b], &S->shared[side], sd->n_extra * k, sd->n_extra);
    }
    s->U = view_of(S, 0, &S->replica[0][b]);
    s->I = view_of(S, 1, &S->replica[1][b]);
    s->items = S->items + S->iptr[c];
    s->n_block = S->iptr[c + 1] - S->iptr[c];
    s->pairs = S->pairs + S->sptr[t];
    s->n = S->sptr[t + 1] - S->sptr[t];
    s->runs = S->runs + S->rptr[t];
    s->n_runs = S->rptr[t + 1] - S->rptr[t];
    trec_rng_seed_stream(&s->rng, S->cfg->seed, (S->epoch + 1) << STREAM_EPOCH_SHIFT | t);
    trec_sgd_run_stratum(s);
}

/* shared = the mean of the replicas (iterative parameter mixing): shared +=
 * (sum over the strata of (replica - shared)) / B, summed in stratum order.
 * (Adding the replicas' changes instead would multiply the L2 shrink each
 * applied by B, and with it overshoot and flip the shared weights.) */
static void merge_array(float *shared, float *const *rep, uint64_t B, uint64_t n)
{
    float inv = 1.0f / (float)B;
    for (uint64_t q = 0; q < n; q++) {
        float v0 = shared[q], d = 0;
        for (uint64_t b = 0; b < B; b++)
            d += rep[b][q] - v0;
        shared[q] = v0 + d * inv;
    }
}

static void merge_side(sgd *S, int side)
{
    const trec_side *s = side ? &S->m->item : &S->m->user;
    uint64_t ne = s->n_extra, B = S->B;
    float *rep[MAX_BLOCKS];
    if (!ne)
        return;
    const meta_rows *sh = &S->shared[side];
    for (int a = 0; a < 4; a++) {
        float *dst = a == 0 ? sh->w : a == 1 ? sh->b : a == 2 ? sh->gw : sh->gb;
        if (!dst)
            continue;
        for (uint64_t b = 0; b < B; b++) {
            const meta_rows *r = &S->replica[side][b];
            rep[b] = a == 0 ? r->w : a == 1 ? r->b : a == 2 ? r->gw : r->gb;
        }
        merge_array(dst, rep, B, a % 2 == 0 ? ne * S->k : ne);
    }
}

static double run_epoch(sgd *S)
{
    double loss = 0;
    for (S->sub = 0; S->sub < S->B; S->sub++) {
        trec_parallel_for(S->cfg->threads, S->B, stratum_task, S);
        merge_side(S, 0);
        merge_side(S, 1);
        for (uint64_t b = 0; b < S->B; b++)
            loss += S->st[b].loss;
    }
    return S->x->nnz ? loss / (double)S->x->nnz : 0.0;
}

/* ---- penalty and divergence ---- */

#define SUMSQ_CHUNK (UINT64_C(1) << 16)

typedef struct sumsq_job {
    const float *a[4];
    uint64_t n[4], chunks[4];
    double *part;
} sumsq_job;

static void sumsq_task(void *ctx, uint64_t t)
{
    sumsq_job *J = ctx;
    uint64_t t0 = t;
    int a = 0;
    while (t >= J->chunks[a])
        t -= J->chunks[a++];
    uint64_t lo = t * SUMSQ_CHUNK, hi = lo + SUMSQ_CHUNK < J->n[a] ? lo + SUMSQ_CHUNK : J->n[a];
    double s = 0;
    for (uint64_t q = lo; q < hi; q++)
        s += (double)J->a[a][q] * J->a[a][q];
    J->part[t0] = s;
}

/* The sum of every squared weight and bias (NaN or infinite when a
 * parameter is), in fixed chunks summed in order. */
static int sum_squares(const sgd *S, double *out, trec_error *err)
{
    const trec_model *m = S->m;
    sumsq_job J = {.a = {m->user.w1, m->item.w1, m->user.feature_bias, m->item.feature_bias},
                   .n = {m->user.n_features * S->k, m->item.n_features * S->k,
                         m->user.feature_bias ? m->user.n_features : 0,
                         m->item.feature_bias ? m->item.n_features : 0}};
    uint64_t total = 0;
    for (int a = 0; a < 4; a++)
        total += J.chunks[a] = (J.n[a] + SUMSQ_CHUNK - 1) / SUMSQ_CHUNK;
    J.part = trec_malloc((total ? total : 1) * sizeof(double), err);
    if (!J.part)
        return -1;
    trec_parallel_for(S->cfg->threads, total, sumsq_task, &J);
    double s = 0;
    for (uint64_t t = 0; t < total; t++)
        s += J.part[t];
    free(J.part);
    *out = s;
    return 0;
}

static int diverged(trec_fit_result *res, uint64_t epoch, double loss, trec_error *err)
{
    res->diverged_epoch = epoch;
    return trec_fail(err, "loss diverged at epoch %llu (loss %g); try a lower "
                     "--learning-rate", (unsigned long long)epoch, loss);
}

static int train(sgd *S, trec_fit_result *res, trec_error *err)
{
    const trec_fit_config *cfg = S->cfg;
    for (S->epoch = 0; S->epoch < cfg->epochs; S->epoch++) {
        double loss = run_epoch(S), sumsq;
        if (sum_squares(S, &sumsq, err) != 0)
            return -1;
        if (!isfinite(loss) || !isfinite(sumsq)) /* a parameter is NaN or infinite */
            return diverged(res, S->epoch + 1, loss, err);
        res->loss = loss;
        res->penalty = cfg->alpha * sumsq / 2;
        if (cfg->progress) {
            trec_fit_progress p = {S->epoch + 1, cfg->epochs, loss, res->penalty};
            cfg->progress(cfg->progress_ctx, &p);
        }
    }
    return 0;
}

/* ---- set-up ---- */

static int setup_strata(sgd *S, trec_error *err)
{
    uint64_t kos_n = S->cfg->loss == TREC_LOSS_WARP_KOS ? 2 * (uint64_t)S->cfg->kos_k : 0;
    uint64_t per = trec_sgd_scratch_floats(S->k, kos_n);
    S->st = trec_calloc(S->B, sizeof *S->st, err);
    S->scratch = S->st ? falloc(S->B * per, err) : NULL;
    if (!S->scratch)
        return -1;
    for (uint64_t b = 0; b < S->B; b++)
        S->st[b] = (trec_sgd_stratum){.cfg = S->cfg, .x = S->x, .rule = S->rule,
                                      .kos_n = kos_n, .scratch = S->scratch + b * per};
    return 0;
}

static int setup(sgd *S, const trec_fit_config *cfg, const trec_fit_data *d, trec_model *m,
                 trec_error *err)
{
    S->cfg = cfg;
    S->x = d->x;
    S->m = m;
    S->k = cfg->components;
    S->nu = d->x->rows;
    S->ni = d->x->cols;
    S->B = pick_blocks(S->nu, S->ni);
    S->rule = (trec_sgd_rule){.k = S->k, .adagrad = cfg->schedule == TREC_SCHEDULE_ADAGRAD,
                              .lr = (float)cfg->learning_rate, .alpha = (float)cfg->alpha};
    trec_features_init(&S->uf, S->nu, cfg->user_identity, d->user_extra);
    trec_features_init(&S->itf, S->ni, cfg->item_identity, d->item_extra);
    return make_blocks(S, err) || make_strata(S, err) || setup_params(S, err) ||
                   setup_strata(S, err)
               ? -1
               : 0;
}

static void release(sgd *S)
{
    void *p[] = {S->acc[0][0], S->acc[0][1], S->acc[1][0], S->acc[1][1], S->ublock, S->iblock,
                 S->items, S->iptr, S->pairs, S->sptr, S->runs, S->rptr, S->replica[0],
                 S->replica[1], S->replica_mem, S->st, S->scratch};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        free(p[i]);
    memset(S, 0, sizeof *S);
}

/* ---- the model ---- */

/* Linear representations and dot prediction, as tensorrec's model_shape. */
static void model_shape(const trec_fit_config *cfg, const trec_fit_data *d, trec_model *m)
{
    const trec_csr *x = d->x;
    trec_features uf, itf;
    trec_features_init(&uf, x->rows, cfg->user_identity, d->user_extra);
    trec_features_init(&itf, x->cols, cfg->item_identity, d->item_extra);
    memset(m, 0, sizeof *m);
    m->n_users = x->rows;
    m->n_items = x->cols;
    m->k = cfg->components;
    m->predict = TREC_PREDICT_DOT;
    m->biases = cfg->biases != 0;
    m->user = (trec_side){.repr = TREC_REPR_LINEAR, .identity = uf.identity,
                          .n_extra = uf.n_extra, .n_features = uf.n_features};
    m->item = (trec_side){.repr = TREC_REPR_LINEAR, .identity = itf.identity,
                          .n_extra = itf.n_extra, .n_features = itf.n_features};
    if (d->user_extra)
        m->user.extra_labels = d->user_extra->col_labels;
    if (d->item_extra)
        m->item.extra_labels = d->item_extra->col_labels;
    m->user_labels = x->row_labels;
    m->item_labels = x->col_labels;
}

/* Every user's and item's representation and summed bias. */
static void outputs(trec_model *m, const trec_fit_config *cfg, const trec_fit_data *d)
{
    trec_features uf, itf;
    trec_features_init(&uf, m->n_users, cfg->user_identity, d->user_extra);
    trec_features_init(&itf, m->n_items, cfg->item_identity, d->item_extra);
    trec_repr_forward(&m->user, &uf, m->k, 0, m->n_users, m->user_repr, NULL);
    trec_repr_forward(&m->item, &itf, m->k, 0, m->n_items, m->item_repr, NULL);
    trec_bias_forward(&m->user, &uf, 0, m->n_users, m->user_bias);
    trec_bias_forward(&m->item, &itf, 0, m->n_items, m->item_bias);
}

static int check_data(const trec_fit_config *cfg, const trec_model *m, const trec_csr *x,
                      trec_error *err)
{
    const trec_side *s[2] = {&m->user, &m->item};
    const char *name[2] = {"user", "item"};
    for (int i = 0; i < 2; i++)
        if (s[i]->n_features == 0)
            return trec_fail(err, "the %s side has no features: give --%s-features or drop "
                             "--no-%s-identity", name[i], name[i], name[i]);
    if (x->nnz == 0)
        return trec_fail(err, "no interactions to train on%s",
                         cfg->has_min_rating ? " (after --min-rating)" : "");
    if (x->nnz >= UINT32_MAX)
        return trec_fail(err, "too many interactions for --algorithm sgd (%llu; at most "
                         "2^32 - 2)", (unsigned long long)x->nnz);
    if (x->cols < 2)
        return trec_fail(err, "--algorithm sgd needs at least 2 items to rank");
    return 0;
}

static int sgd_fit(const trec_fit_config *cfg, const trec_fit_data *d, const trec_model *init,
                   trec_model *out, trec_fit_result *res, trec_error *err)
{
    sgd S = {0};
    int rc = -1;
    (void)init; /* not in sgd's options: refused by the option check */
    model_shape(cfg, d, out);
    if (check_data(cfg, out, d->x, err) || trec_model_alloc(out, err) != 0 ||
        setup(&S, cfg, d, out, err) != 0)
        goto done;
    res->batches = S.B;
    if (train(&S, res, err) != 0)
        goto done;
    release(&S); /* before the outputs: less memory at the peak */
    outputs(out, cfg, d);
    rc = 0;
done:
    release(&S);
    if (rc != 0)
        trec_model_free(out);
    return rc;
}

/* ---- options and META ---- */

static void sgd_defaults(trec_fit_config *c)
{
    c->loss = TREC_LOSS_WARP;
    c->components = 64;
    c->learning_rate = 0.05;
    c->alpha = 0;
    c->epochs = 30;
    c->max_sampled = 10;
    c->kos_k = 5;
    c->schedule = TREC_SCHEDULE_ADAGRAD;
}

static int sgd_check(const trec_fit_config *cfg, trec_error *err)
{
    if (cfg->loss < TREC_LOSS_TENSORREC_END || cfg->loss >= TREC_LOSS_COUNT)
        return trec_fail(err, "--loss %s is not one of sgd's (bpr, warp, warp-kos, logistic)",
                         trec_loss_name(cfg->loss));
    if (cfg->components == 0)
        return trec_fail(err, "--components must be at least 1");
    if (cfg->predict != TREC_PREDICT_DOT || cfg->user_repr != TREC_REPR_LINEAR ||
        cfg->item_repr != TREC_REPR_LINEAR)
        return trec_fail(err, "--algorithm sgd fits linear representations with dot "
                         "prediction only");
    if (!isfinite(cfg->learning_rate) || cfg->learning_rate <= 0 || !isfinite(cfg->alpha) ||
        cfg->alpha < 0)
        return trec_fail(err, "--learning-rate must be > 0 and --alpha >= 0");
    if (cfg->schedule != TREC_SCHEDULE_ADAGRAD && cfg->schedule != TREC_SCHEDULE_SGD)
        return trec_fail(err, "internal error: unknown --schedule");
    if (cfg->max_sampled < 1 || cfg->kos_k < 1)
        return trec_fail(err, "--max-sampled and --kos-k must be at least 1");
    int warp = cfg->loss == TREC_LOSS_WARP || cfg->loss == TREC_LOSS_WARP_KOS;
    if ((cfg->given & TREC_OPT(TREC_OPT_MAX_SAMPLED)) && !warp)
        return trec_fail(err, "--max-sampled only applies to --loss warp or warp-kos");
    if ((cfg->given & TREC_OPT(TREC_OPT_KOS_K)) && cfg->loss != TREC_LOSS_WARP_KOS)
        return trec_fail(err, "--kos-k only applies to --loss warp-kos");
    return 0;
}

static cJSON *side_json(const trec_side *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "representation", trec_repr_name(s->repr));
    cJSON_AddBoolToObject(o, "identity", s->identity);
    cJSON_AddNumberToObject(o, "metadata_features", (double)s->n_extra);
    cJSON_AddNumberToObject(o, "features", (double)s->n_features);
    return o;
}

static void add_number_or_null(cJSON *o, const char *key, int present, double v)
{
    if (present)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void sgd_meta(const trec_fit_config *cfg, const trec_fit_result *res, const trec_model *m,
                     cJSON *o)
{
    int warp = cfg->loss == TREC_LOSS_WARP || cfg->loss == TREC_LOSS_WARP_KOS;
    int kos = cfg->loss == TREC_LOSS_WARP_KOS;
    cJSON_AddStringToObject(o, "loss", trec_loss_name(cfg->loss));
    cJSON_AddStringToObject(o, "prediction", trec_predict_name(m->predict));
    cJSON_AddNumberToObject(o, "components", (double)m->k);
    cJSON_AddBoolToObject(o, "biases", m->biases);
    cJSON_AddItemToObject(o, "user", side_json(&m->user));
    cJSON_AddItemToObject(o, "item", side_json(&m->item));
    cJSON_AddNumberToObject(o, "learning_rate", cfg->learning_rate);
    cJSON_AddStringToObject(o, "schedule",
                            cfg->schedule == TREC_SCHEDULE_SGD ? "sgd" : "adagrad");
    cJSON_AddNumberToObject(o, "alpha", cfg->alpha);
    cJSON_AddNumberToObject(o, "epochs", (double)cfg->epochs);
    cJSON_AddNumberToObject(o, "epochs_total", (double)(res->epochs_before + cfg->epochs));
    add_number_or_null(o, "max_sampled", warp, cfg->max_sampled);
    add_number_or_null(o, "kos_k", kos, cfg->kos_k);
    add_number_or_null(o, "kos_n", kos, 2.0 * cfg->kos_k);
    cJSON_AddNumberToObject(o, "blocks", (double)res->batches);
}

const trec_algorithm trec_algorithm_sgd = {
    .name = "sgd",
    .options = TREC_OPT(TREC_OPT_USER_FEATURES) | TREC_OPT(TREC_OPT_ITEM_FEATURES) |
               TREC_OPT(TREC_OPT_NO_USER_IDENTITY) | TREC_OPT(TREC_OPT_NO_ITEM_IDENTITY) |
               TREC_OPT(TREC_OPT_COMPONENTS) | TREC_OPT(TREC_OPT_NO_BIASES) |
               TREC_OPT(TREC_OPT_LOSS) | TREC_OPT(TREC_OPT_MIN_RATING) |
               TREC_OPT(TREC_OPT_OTHER_WEIGHT) | TREC_OPT(TREC_OPT_VALUES) |
               TREC_OPT(TREC_OPT_EPOCHS) | TREC_OPT(TREC_OPT_LEARNING_RATE) |
               TREC_OPT(TREC_OPT_ALPHA) | TREC_OPT(TREC_OPT_SEED) | TREC_OPT(TREC_OPT_THREADS) |
               TREC_OPT(TREC_OPT_SCHEDULE) | TREC_OPT(TREC_OPT_MAX_SAMPLED) |
               TREC_OPT(TREC_OPT_KOS_K),
    .data = TREC_DATA_WEIGHTS,
    .defaults = sgd_defaults,
    .check = sgd_check,
    .fit = sgd_fit,
    .meta = sgd_meta,
};

/* ---- test hook ---- */

int trec_sgd_test_pair(const trec_fit_config *cfg, const trec_csr *user_extra,
                       const trec_csr *item_extra, trec_model *m, uint32_t u, uint32_t i,
                       uint32_t j, float w, double rank_weight, int apply, double *loss,
                       trec_error *err)
{
    trec_features uf, itf;
    trec_features_init(&uf, m->n_users, cfg->user_identity, user_extra);
    trec_features_init(&itf, m->n_items, cfg->item_identity, item_extra);
    trec_sgd_rule rule = {.k = m->k, .adagrad = cfg->schedule == TREC_SCHEDULE_ADAGRAD,
                          .lr = (float)cfg->learning_rate, .alpha = (float)cfg->alpha};
    uint64_t k = m->k, nacc = (m->user.n_features + m->item.n_features) * (k + 1);
    float *buf = falloc(7 * k + (rule.adagrad ? nacc : 0), err);
    if (!buf)
        return -1;
    float *acc = buf + 7 * k, *a[2][2] = {{NULL, NULL}, {NULL, NULL}};
    if (rule.adagrad) {
        for (uint64_t q = 0; q < nacc; q++)
            acc[q] = 1.0f;
        a[0][0] = acc;
        a[0][1] = a[0][0] + m->user.n_features * k;
        a[1][0] = a[0][1] + m->user.n_features;
        a[1][1] = a[1][0] + m->item.n_features * k;
    }
    trec_sgd_view V[2];
    trec_side *sd[2] = {&m->user, &m->item};
    trec_features *f[2] = {&uf, &itf};
    for (int s = 0; s < 2; s++) {
        meta_rows r = meta_of(sd[s], f[s]->identity ? f[s]->rows : 0, k, a[s]);
        V[s] = (trec_sgd_view){.f = f[s], .w = sd[s]->w1, .b = sd[s]->feature_bias,
                               .gw = a[s][0], .gb = a[s][1], .xw = r.w, .xb = r.b,
                               .xgw = r.gw, .xgb = r.gb};
    }
    float bu, bi, bj;
    const float *pu = trec_sgd_repr(&V[0], k, u, buf, &bu);
    const float *qi = trec_sgd_repr(&V[1], k, i, buf + k, &bi);
    const float *qj = trec_sgd_repr(&V[1], k, j, buf + 2 * k, &bj);
    double s_ui = (double)(trec_sgd_dot(pu, qi, k) + bu + bi);
    double s_uj = (double)(trec_sgd_dot(pu, qj, k) + bu + bj);
    double gi, gj;
    *loss = trec_sgd_pair_loss(cfg->loss, w, rank_weight, s_ui, s_uj, &gi, &gj);
    if (apply)
        trec_sgd_pair_update(&rule, &V[0], &V[1], u, i, j, pu, qi, qj, (float)gi, (float)gj,
                             buf + 3 * k);
    free(buf);
    return 0;
}
