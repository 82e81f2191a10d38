/* sgd_losses.c - one stratum's pass of the sgd algorithm: for each positive
 * in a seeded order, the representations and scores, the sampled
 * negatives, the loss of the pair and one update of every parameter it
 * touches (LightFM's fit_bpr / fit_warp / fit_warp_kos / fit_logistic, with
 * the samples drawn from the stratum's item block). */
#include "sgd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Draws in a row that may hit the user's positives before a sampled
 * negative is given up (LightFM retries without bound). */
#define MAX_REJECTS 64
/* LightFM's clip of WARP's rank weight. */
#define MAX_RANK_WEIGHT 10.0

/* ---- the losses ---- */

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* log(1 + e^x) without overflow: -log sigmoid(x) = softplus(-x). */
static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

double trec_sgd_pair_loss(int loss, double w, double rank_weight, double s_ui, double s_uj,
                          double *gi, double *gj)
{
    *gi = *gj = 0;
    switch (loss) {
    case TREC_LOSS_BPR: {
        double x = s_ui - s_uj;
        *gi = -w * sigmoid(-x);
        *gj = -*gi;
        return w * softplus(-x);
    }
    case TREC_LOSS_WARP:
    case TREC_LOSS_WARP_KOS: {
        double margin = 1.0 - s_ui + s_uj;
        if (!(margin > 0))
            return 0;
        *gi = -w * rank_weight;
        *gj = w * rank_weight;
        return w * rank_weight * margin;
    }
    case TREC_LOSS_LOGISTIC:
        *gi = -w * sigmoid(-s_ui);
        *gj = w * sigmoid(s_uj);
        return w * (softplus(-s_ui) + softplus(s_uj));
    default:
        return 0;
    }
}

double trec_sgd_rank_weight(uint64_t n_block, uint64_t n_skip, uint64_t n_items,
                            uint64_t tries)
{
    if (n_block <= n_skip || tries == 0)
        return 0;
    double rank = floor((double)(n_block - n_skip) * (double)n_items / (double)n_block /
                        (double)tries);
    double l = log(rank > 1 ? rank : 1);
    return l < MAX_RANK_WEIGHT ? l : MAX_RANK_WEIGHT;
}

/* ---- representations and updates ---- */

const float *trec_sgd_repr(const trec_sgd_view *v, uint64_t k, uint64_t r, float *buf,
                           float *bias)
{
    const trec_features *f = v->f;
    const trec_csr *x = f->extra;
    uint64_t e0 = x ? x->rowptr[r] : 0, e1 = x ? x->rowptr[r + 1] : 0;
    float b = f->identity && v->b ? v->b[r] : 0.0f;
    if (f->identity && e0 == e1) {
        *bias = b;
        return v->w + r * k;
    }
    if (f->identity)
        memcpy(buf, v->w + r * k, k * sizeof *buf);
    else
        memset(buf, 0, k * sizeof *buf);
    for (uint64_t e = e0; e < e1; e++) {
        uint64_t c = x->colidx[e];
        trec_sgd_axpy(buf, x->vals[e], v->xw + c * k, k);
        if (v->xb)
            b += x->vals[e] * v->xb[c];
    }
    *bias = b;
    return buf;
}

/* Row r of a side: its representation's gradient is s * vec, its bias's
 * sb; every feature of the row takes its share (times the feature value). */
static void side_update(const trec_sgd_rule *R, const trec_sgd_view *v, uint64_t r, float s,
                        const float *vec, float sb)
{
    static const float one = 1.0f;
    uint64_t k = R->k;
    const trec_csr *x = v->f->extra;
    if (v->f->identity) {
        trec_sgd_update(R, v->w + r * k, v->gw ? v->gw + r * k : NULL, s, vec, k);
        if (v->b)
            trec_sgd_update(R, v->b + r, v->gb ? v->gb + r : NULL, sb, &one, 1);
    }
    for (uint64_t e = x ? x->rowptr[r] : 0; x && e < x->rowptr[r + 1]; e++) {
        uint64_t c = x->colidx[e];
        float fv = x->vals[e];
        trec_sgd_update(R, v->xw + c * k, v->xgw ? v->xgw + c * k : NULL, s * fv, vec, k);
        if (v->xb)
            trec_sgd_update(R, v->xb + c, v->xgb ? v->xgb + c : NULL, sb * fv, &one, 1);
    }
}

void trec_sgd_pair_update(const trec_sgd_rule *rule, const trec_sgd_view *U,
                          const trec_sgd_view *I, uint32_t u, uint32_t i, uint32_t j,
                          const float *pu, const float *qi, const float *qj, float gi,
                          float gj, float *dp)
{
    trec_sgd_axpby(dp, gi, qi, gj, qj, rule->k); /* dl/dpu, before the items move */
    side_update(rule, I, i, gi, pu, gi);
    side_update(rule, I, j, gj, pu, gj);
    side_update(rule, U, u, 1.0f, dp, gi + gj);
}

/* ---- sampling ---- */

/* Uniform in [0, n) (Lemire's multiply-shift with rejection; n > 0). */
static uint32_t draw(trec_rng *r, uint32_t n)
{
    uint64_t m = (trec_rng_next(r) >> 32) * (uint64_t)n;
    if ((uint32_t)m < n) {
        uint32_t floor_ = (uint32_t)(-n) % n;
        while ((uint32_t)m < floor_)
            m = (trec_rng_next(r) >> 32) * (uint64_t)n;
    }
    return (uint32_t)(m >> 32);
}

static int is_positive(const trec_csr *x, uint32_t u, uint32_t item)
{
    uint64_t lo = x->rowptr[u], hi = x->rowptr[u + 1];
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (x->colidx[mid] < item)
            lo = mid + 1;
        else if (x->colidx[mid] > item)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

/* An item of the block that is not one of u's positives, into *j; 0 when
 * MAX_REJECTS draws in a row were positives. */
static int draw_negative(trec_sgd_stratum *s, uint32_t u, uint32_t *j)
{
    for (int t = 0; t < MAX_REJECTS; t++) {
        *j = s->items[draw(&s->rng, (uint32_t)s->n_block)];
        if (!is_positive(s->x, u, *j))
            return 1;
    }
    return 0;
}

/* ---- one pair ---- */

typedef struct pair {
    uint32_t u, i, j;
    float w, bu;
    const float *pu, *qi, *qj;
    float s_ui, s_uj;
} pair;

static void score_positive(trec_sgd_stratum *s, pair *p)
{
    uint64_t k = s->rule.k;
    float bi;
    p->pu = trec_sgd_repr(&s->U, k, p->u, s->scratch, &p->bu);
    p->qi = trec_sgd_repr(&s->I, k, p->i, s->scratch + k, &bi);
    p->s_ui = trec_sgd_dot(p->pu, p->qi, k) + p->bu + bi;
}

static void score_negative(trec_sgd_stratum *s, pair *p)
{
    uint64_t k = s->rule.k;
    float bj;
    p->qj = trec_sgd_repr(&s->I, k, p->j, s->scratch + 2 * k, &bj);
    p->s_uj = trec_sgd_dot(p->pu, p->qj, k) + p->bu + bj;
}

static void step(trec_sgd_stratum *s, pair *p, double rank_weight)
{
    double gi, gj;
    s->loss += trec_sgd_pair_loss(s->cfg->loss, p->w, rank_weight, p->s_ui, p->s_uj, &gi, &gj);
    if (gi != 0 || gj != 0)
        trec_sgd_pair_update(&s->rule, &s->U, &s->I, p->u, p->i, p->j, p->pu, p->qi, p->qj,
                             (float)gi, (float)gj, s->scratch + 3 * s->rule.k);
}

/* bpr and logistic: one uniformly drawn negative. */
static void one_negative(trec_sgd_stratum *s, pair *p)
{
    if (!draw_negative(s, p->u, &p->j))
        return;
    score_positive(s, p);
    score_negative(s, p);
    step(s, p, 0);
}

/* warp: negatives until one violates the margin or max_sampled are drawn;
 * n_skip items of the block cannot be drawn (for the rank estimate). */
static void warp(trec_sgd_stratum *s, pair *p, uint64_t n_skip)
{
    score_positive(s, p);
    for (uint64_t t = 1; t <= s->cfg->max_sampled; t++) {
        if (!draw_negative(s, p->u, &p->j))
            return;
        score_negative(s, p);
        if (p->s_uj > p->s_ui - 1.0f) {
            step(s, p, trec_sgd_rank_weight(s->n_block, n_skip, s->x->cols, t));
            return;
        }
    }
}

typedef struct kos_draw {
    float score;
    uint32_t entry;
} kos_draw;

/* Highest score first; ties by entry (so by item), for a total order. */
static int by_score_desc(const void *a, const void *b)
{
    const kos_draw *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

/* warp-kos: kos_n of u's positives in the block (its run, pairs[lo..hi))
 * drawn with replacement; the kos_k-th best scored (or the last, with fewer)
 * takes the WARP step. */
static void warp_kos(trec_sgd_stratum *s, pair *p, uint64_t lo, uint64_t hi)
{
    uint64_t k = s->rule.k, m = hi - lo, nd = m < s->kos_n ? m : s->kos_n;
    kos_draw *d = (kos_draw *)(s->scratch + 4 * k);
    float bu, bi;
    const float *pu = trec_sgd_repr(&s->U, k, p->u, s->scratch, &bu);
    for (uint64_t q = 0; q < nd; q++) {
        uint32_t e = (uint32_t)s->pairs[lo + draw(&s->rng, (uint32_t)m)];
        const float *qi = trec_sgd_repr(&s->I, k, s->x->colidx[e], s->scratch + k, &bi);
        d[q] = (kos_draw){trec_sgd_dot(pu, qi, k) + bu + bi, e};
    }
    qsort(d, nd, sizeof *d, by_score_desc);
    uint64_t pick = (s->cfg->kos_k < nd ? s->cfg->kos_k : nd) - 1;
    p->i = s->x->colidx[d[pick].entry];
    p->w = s->x->vals[d[pick].entry];
    warp(s, p, m);
}

uint64_t trec_sgd_scratch_floats(uint64_t k, uint64_t kos_n)
{
    return 4 * k + kos_n * (sizeof(kos_draw) / sizeof(float));
}

static void shuffle_pairs(uint64_t *a, uint64_t n, trec_rng *r)
{
    for (uint64_t q = n; q > 1; q--) {
        uint64_t o = draw(r, (uint32_t)q), v = a[q - 1];
        a[q - 1] = a[o];
        a[o] = v;
    }
}

static void shuffle_runs(uint32_t *a, uint64_t n, trec_rng *r)
{
    for (uint64_t q = n; q > 1; q--) {
        uint64_t o = draw(r, (uint32_t)q);
        uint32_t v = a[q - 1];
        a[q - 1] = a[o];
        a[o] = v;
    }
}

/* The pairs of one user, pairs[lo..hi), in a seeded order. */
static void run_user(trec_sgd_stratum *s, uint64_t lo, uint64_t hi)
{
    const trec_csr *x = s->x;
    shuffle_pairs(s->pairs + lo, hi - lo, &s->rng);
    for (uint64_t q = lo; q < hi; q++) {
        uint32_t e = (uint32_t)s->pairs[q];
        pair p = {.u = (uint32_t)(s->pairs[q] >> 32), .i = x->colidx[e], .w = x->vals[e]};
        switch (s->cfg->loss) {
        case TREC_LOSS_WARP: warp(s, &p, 1); break;
        case TREC_LOSS_WARP_KOS: warp_kos(s, &p, lo, hi); break;
        default: one_negative(s, &p); break;
        }
    }
}

void trec_sgd_run_stratum(trec_sgd_stratum *s)
{
    shuffle_runs(s->runs, s->n_runs, &s->rng);
    s->loss = 0;
    for (uint64_t r = 0; r < s->n_runs; r++) {
        uint64_t lo = s->runs[r], hi = lo + 1, user = s->pairs[lo] >> 32;
        while (hi < s->n && s->pairs[hi] >> 32 == user)
            hi++;
        run_user(s, lo, hi);
    }
}
