/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* sgd_losses.c - one stratum's pass of the sgd algorithm: for each positive
 * in a seeded order, the representations and scores, the sampled
 * negatives, the loss of the pair and one update of every parameter it
 * touches (LightFM's fit_bpr / fit_warp / fit_warp_kos / fit_logistic, with
 * the samples drawn from the stratum's item block). */
#include "sgd.h"
#include "sgd_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The per-pair code is inlined into the stratum loop, which is compiled
 * twice (see trec_sgd_run_stratum). */
#define HOT_INLINE static inline __attribute__((always_inline))

/* Draws in a row that may hit the user's positives before a sampled
 * negative is given up (LightFM retries without bound). */
#define MAX_REJECTS 64
/* LightFM's clip of WARP's rank weight. */
#define MAX_RANK_WEIGHT 10.0

/* ---- the losses ---- */

/* -log sigmoid(x) and sigmoid(-x), from one exponential (in float: the
 * libm double versions were a fifth of a bpr step). */
HOT_INLINE float neg_log_sigmoid(float x, float *sig_neg)
{
    float t = expf(-fabsf(x)); /* in (0, 1] */
    *sig_neg = x >= 0 ? t / (1 + t) : 1 / (1 + t);
    return (x < 0 ? -x : 0) + logf(1 + t); /* glibc's log1pf is slow */
}

HOT_INLINE double pair_loss(int loss, double w, double rank_weight, double s_ui, double s_uj,
                            double *gi, double *gj)
{
    float sig, sig2, l;
    *gi = *gj = 0;
    switch (loss) {
    case TREC_LOSS_BPR:
        l = neg_log_sigmoid((float)(s_ui - s_uj), &sig);
        *gi = -w * sig;
        *gj = w * sig;
        return w * l;
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
        /* -log(1 - sigmoid(s)) = -log sigmoid(-s), whose derivative is sigmoid(s) */
        l = neg_log_sigmoid((float)s_ui, &sig) + neg_log_sigmoid((float)-s_uj, &sig2);
        *gi = -w * sig;
        *gj = w * sig2;
        return w * l;
    default:
        return 0;
    }
}

HOT_INLINE double warp_rank_weight(uint64_t n_block, uint64_t n_skip, uint64_t n_items,
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

HOT_INLINE float *record(const trec_sgd_view *v, float *base, uint64_t r)
{
    return base + r * v->t->stride;
}

/* The bias of a record (base: the view's id_b or meta_b). */
HOT_INLINE float *bias_of(const trec_sgd_view *v, float *base, uint64_t r)
{
    return base + r * v->t->bstride;
}

HOT_INLINE const float *repr(uint64_t k, const trec_sgd_view *v, uint64_t r, float *buf,
                             float *bias)
{
    const trec_features *f = v->f;
    const trec_csr *x = f->extra;
    const trec_sgd_table *t = v->t;
    uint64_t e0 = x ? x->rowptr[r] : 0, e1 = x ? x->rowptr[r + 1] : 0;
    const float *own = f->identity ? record(v, v->id, r) : NULL;
    float b = own && t->biases ? *bias_of(v, v->id_b, r) : 0.0f;
    if (own && e0 == e1) {
        *bias = b;
        return own;
    }
    if (own)
        memcpy(buf, own, k * sizeof *buf);
    else
        memset(buf, 0, k * sizeof *buf);
    for (uint64_t e = e0; e < e1; e++) {
        sgd_axpy(buf, x->vals[e], record(v, v->meta, x->colidx[e]), k);
        if (t->biases)
            b += x->vals[e] * *bias_of(v, v->meta_b, x->colidx[e]);
    }
    *bias = b;
    return buf;
}

/* One feature's record: weights step with gradient s * vec, the bias (at
 * b) sb. */
HOT_INLINE void record_update(uint64_t k, const trec_sgd_rule *R, const trec_sgd_table *t,
                              float *rec, float *b, float s, const float *vec, float sb)
{
    static const float one = 1.0f;
    sgd_update(R, rec, t->adagrad ? rec + t->acc : NULL, s, vec, k);
    if (t->biases)
        sgd_update(R, b, t->adagrad ? b + 1 : NULL, sb, &one, 1);
}

/* Row r of a side: its representation's gradient is s * vec, its bias's
 * sb; every feature of the row takes its share (times the feature value). */
HOT_INLINE void side_update(uint64_t k, const trec_sgd_rule *R, const trec_sgd_view *v,
                            uint64_t r, float s, const float *vec, float sb)
{
    const trec_csr *x = v->f->extra;
    if (v->f->identity)
        record_update(k, R, v->t, record(v, v->id, r), bias_of(v, v->id_b, r), s, vec, sb);
    for (uint64_t e = x ? x->rowptr[r] : 0; x && e < x->rowptr[r + 1]; e++) {
        float fv = x->vals[e];
        uint32_t c = x->colidx[e];
        record_update(k, R, v->t, record(v, v->meta, c), bias_of(v, v->meta_b, c), s * fv,
                      vec, sb * fv);
    }
}

HOT_INLINE void pair_update(uint64_t k, const trec_sgd_rule *rule, const trec_sgd_view *U,
                            const trec_sgd_view *I, uint32_t u, uint32_t i, uint32_t j,
                            const float *pu, const float *qi, const float *qj, float gi,
                            float gj, float *dp)
{
    sgd_axpby(dp, gi, qi, gj, qj, k); /* dl/dpu, before the items move */
    side_update(k, rule, I, i, gi, pu, gi);
    side_update(k, rule, I, j, gj, pu, gj);
    side_update(k, rule, U, u, 1.0f, dp, gi + gj);
}

/* ---- sampling ---- */

/* Uniform in [0, n) (Lemire's multiply-shift with rejection; n > 0). */
HOT_INLINE uint32_t draw(trec_rng *r, uint32_t n)
{
    uint64_t m = (trec_rng_next_inline(r) >> 32) * (uint64_t)n;
    if ((uint32_t)m < n) {
        uint32_t floor_ = (uint32_t)(-n) % n;
        while ((uint32_t)m < floor_)
            m = (trec_rng_next_inline(r) >> 32) * (uint64_t)n;
    }
    return (uint32_t)(m >> 32);
}

/* One positive (u, i) of weight w and a sampled j. */
typedef struct pair {
    uint32_t u, i, j;
    float w, bu;
    const float *pu, *qi, *qj;
    float s_ui, s_uj;
} pair;

/* The block's items that are positives of the current user are marked
 * (by their index in the block) for the length of the user's run, so that
 * each draw is checked with one bit (a scan of the run or a search of the
 * user's row was a tenth of a warp epoch). Unmarking clears whole words:
 * every bit set in them is the run's. */
HOT_INLINE void mark_run(trec_sgd_stratum *s, uint64_t lo, uint64_t hi, int on)
{
    for (uint64_t q = lo; q < hi; q++) {
        uint32_t b = s->slot[s->pos[q].item];
        if (on)
            s->mark[b / 64] |= (uint64_t)1 << (b % 64);
        else
            s->mark[b / 64] = 0;
    }
}

HOT_INLINE int is_marked(const trec_sgd_stratum *s, uint32_t b)
{
    return (int)(s->mark[b / 64] >> (b % 64)) & 1;
}

/* Asks for the cache lines of a side's record r (identity features):
 * `lines` of them (what scoring reads, or all), and its bias. */
HOT_INLINE void prefetch_record(const trec_sgd_view *v, uint32_t r, uint64_t lines)
{
    if (!v->f->identity)
        return;
    const float *rec = record(v, v->id, r);
    if (__builtin_constant_p(lines)) {
#pragma GCC unroll 16
        for (uint64_t q = 0; q < lines; q++)
            __builtin_prefetch(rec + 16 * q);
    } else {
        for (uint64_t q = 0; q < lines; q++)
            __builtin_prefetch(rec + 16 * q);
    }
    if (v->t->biases)
        __builtin_prefetch(bias_of(v, v->id_b, r));
}

/* The cache lines of a record's k weights: a constant in a stratum loop
 * made for one k. */
HOT_INLINE uint64_t weight_lines(uint64_t k)
{
    return (k + 15) / 16;
}

/* A whole record (parameters about to be updated): the weights and, with
 * Adagrad, their accumulators. */
HOT_INLINE void prefetch_all(uint64_t k, const trec_sgd_view *v, uint32_t r)
{
    if (v->t->adagrad)
        prefetch_record(v, r, (2 * k + 15) / 16);
    else
        prefetch_record(v, r, weight_lines(k));
}

/* What scoring item r reads: its identity weights and bias. */
HOT_INLINE void prefetch_scored(uint64_t k, const trec_sgd_stratum *s, uint32_t r)
{
    if (!s->item_w)
        return;
    const float *rec = s->item_w + r * s->item_stride;
    if (__builtin_constant_p(k)) {
#pragma GCC unroll 16
        for (uint64_t q = 0; q < weight_lines(k); q++)
            __builtin_prefetch(rec + 16 * q);
    } else {
        for (uint64_t q = 0; q < weight_lines(k); q++)
            __builtin_prefetch(rec + 16 * q);
    }
    if (s->item_b)
        __builtin_prefetch(s->item_b + r * s->item_bstride);
}

/* An index in the block, drawn uniformly; its item's record is fetched. */
HOT_INLINE uint32_t draw_item(uint64_t k, trec_sgd_stratum *s)
{
    uint32_t b = draw(&s->rng, (uint32_t)s->n_block);
    if (s->draw_whole)
        prefetch_all(k, &s->I, s->items[b]);
    else
        prefetch_scored(k, s, s->items[b]);
    return b;
}

/* The next index drawn from the block: the draws are made TREC_SGD_AHEAD
 * ahead of their use, so that their parameters arrive in the meantime. */
HOT_INLINE uint32_t next_draw(uint64_t k, trec_sgd_stratum *s)
{
    uint32_t b = s->ahead[s->next];
    s->ahead[s->next] = draw_item(k, s);
    s->next = (s->next + 1) % TREC_SGD_AHEAD;
    return b;
}

/* An item of the block that is not one of the user's positives (marked),
 * into *j; 0 when MAX_REJECTS draws in a row were positives. */
HOT_INLINE int draw_negative(uint64_t k, trec_sgd_stratum *s, uint32_t *j)
{
    for (int t = 0; t < MAX_REJECTS; t++) {
        uint32_t b = next_draw(k, s);
        if (!is_marked(s, b)) {
            *j = s->items[b];
            return 1;
        }
    }
    return 0;
}

/* ---- one pair ---- */

HOT_INLINE void score_positive(uint64_t k, trec_sgd_stratum *s, pair *p)
{
    float bi;
    p->pu = repr(k, &s->U, p->u, s->scratch, &p->bu);
    p->qi = repr(k, &s->I, p->i, s->scratch + k, &bi);
    p->s_ui = sgd_dot(p->pu, p->qi, k) + p->bu + bi;
}

HOT_INLINE void score_negative(uint64_t k, trec_sgd_stratum *s, pair *p)
{
    float bj;
    p->qj = repr(k, &s->I, p->j, s->scratch + 2 * k, &bj);
    p->s_uj = sgd_dot(p->pu, p->qj, k) + p->bu + bj;
}

/* pu . q_r + bias of item r as one dot product per feature of r, without
 * building q_r (most of warp's draws are only scored). */
HOT_INLINE float score_item(uint64_t k, const trec_sgd_view *v, const float *pu, uint32_t r)
{
    const trec_sgd_table *t = v->t;
    const trec_csr *x = v->f->extra;
    uint64_t e0 = x ? x->rowptr[r] : 0, e1 = x ? x->rowptr[r + 1] : 0;
    float sc = 0, b = 0;
    if (v->f->identity) {
        sc = sgd_dot(pu, record(v, v->id, r), k);
        b = t->biases ? *bias_of(v, v->id_b, r) : 0.0f;
    }
    for (uint64_t e = e0; e < e1; e++) {
        uint32_t c = x->colidx[e];
        sc += x->vals[e] * sgd_dot(pu, record(v, v->meta, c), k);
        if (t->biases)
            b += x->vals[e] * *bias_of(v, v->meta_b, c);
    }
    return sc + b;
}

/* s_uj without q_j (left NULL); an item without metadata from the shape
 * kept in the stratum (the same floats as score_item). */
HOT_INLINE void score_negative_only(uint64_t k, trec_sgd_stratum *s, pair *p)
{
    p->qj = NULL;
    if (s->item_plain) {
        float b = s->item_b ? s->item_b[p->j * s->item_bstride] : 0.0f;
        p->s_uj = (sgd_dot(p->pu, s->item_w + p->j * s->item_stride, k) + b) + p->bu;
        return;
    }
    p->s_uj = score_item(k, &s->I, p->pu, p->j) + p->bu;
}

HOT_INLINE void step(uint64_t k, trec_sgd_stratum *s, pair *p, double rank_weight)
{
    double gi, gj;
    s->loss += pair_loss(s->cfg->loss, p->w, rank_weight, p->s_ui, p->s_uj, &gi, &gj);
    if (gi == 0 && gj == 0)
        return;
    trec_sgd_rule rule = s->rule; /* the pair's L2 shrink is weighted as its loss */
    rule.alpha *= p->w;
    pair_update(k, &rule, &s->U, &s->I, p->u, p->i, p->j, p->pu, p->qi, p->qj, (float)gi,
                (float)gj, s->scratch + 3 * k);
}

/* bpr and logistic: one uniformly drawn negative. */
HOT_INLINE void one_negative(uint64_t k, trec_sgd_stratum *s, pair *p)
{
    if (!draw_negative(k, s, &p->j))
        return;
    score_positive(k, s, p);
    score_negative(k, s, p);
    step(k, s, p, 0);
}

/* warp: negatives until one violates the margin or max_sampled are drawn;
 * n_skip items of the block cannot be drawn (for the rank estimate). */
HOT_INLINE void warp(uint64_t k, trec_sgd_stratum *s, pair *p, uint64_t n_skip)
{
    score_positive(k, s, p);
    uint64_t max_sampled = trec_sgd_max_sampled(s->cfg);
    for (uint64_t t = 1; t <= max_sampled; t++) {
        if (!draw_negative(k, s, &p->j))
            return;
        score_negative_only(k, s, p);
        if (p->s_uj > p->s_ui - 1.0f) {
            float bj;
            prefetch_all(k, &s->I, p->j); /* its accumulators, about to be updated */
            p->qj = repr(k, &s->I, p->j, s->scratch + 2 * k, &bj);
            step(k, s, p, warp_rank_weight(s->n_block, n_skip, s->x->cols, t));
            return;
        }
    }
}

typedef struct kos_draw {
    float score;
    trec_sgd_pos pos;
} kos_draw;

/* a ranks before b: higher score first, ties by item (a total order). */
HOT_INLINE int kos_before(const kos_draw *a, const kos_draw *b)
{
    return a->score > b->score || (a->score == b->score && a->pos.item < b->pos.item);
}

static int by_score_desc(const void *a, const void *b)
{
    return kos_before(a, b) ? -1 : kos_before(b, a) ? 1 : 0;
}

/* Sorts the n draws, best first (insertion sort for LightFM's few). */
HOT_INLINE void kos_sort(kos_draw *d, uint64_t n)
{
    if (n > 32) {
        qsort(d, n, sizeof *d, by_score_desc);
        return;
    }
    for (uint64_t a = 1; a < n; a++) {
        kos_draw v = d[a];
        uint64_t b = a;
        for (; b > 0 && kos_before(&v, &d[b - 1]); b--)
            d[b] = d[b - 1];
        d[b] = v;
    }
}

/* warp-kos: kos_n of u's positives in the block (its run, pos[lo..hi))
 * drawn with replacement; the kos_k-th best scored (or the last, with fewer)
 * takes the WARP step. */
HOT_INLINE void warp_kos(uint64_t k, trec_sgd_stratum *s, pair *p, uint64_t lo, uint64_t hi)
{
    uint64_t m = hi - lo, nd = m < s->kos_n ? m : s->kos_n;
    kos_draw *d = (kos_draw *)(s->scratch + 4 * k);
    float bu;
    const float *pu = repr(k, &s->U, p->u, s->scratch, &bu);
    for (uint64_t q = 0; q < nd; q++) {
        trec_sgd_pos ps = s->pos[lo + draw(&s->rng, (uint32_t)m)];
        d[q] = (kos_draw){score_item(k, &s->I, pu, ps.item) + bu, ps};
    }
    kos_sort(d, nd);
    uint64_t kos_k = trec_sgd_kos_k(s->cfg), pick = (kos_k < nd ? kos_k : nd) - 1;
    p->i = d[pick].pos.item;
    p->w = d[pick].pos.w;
    warp(k, s, p, m);
}

uint64_t trec_sgd_scratch_floats(uint64_t k, uint64_t kos_n)
{
    return 4 * k + kos_n * (sizeof(kos_draw) / sizeof(float));
}

HOT_INLINE void shuffle_pos(trec_sgd_pos *a, uint64_t n, trec_rng *r)
{
    for (uint64_t q = n; q > 1; q--) {
        uint64_t o = draw(r, (uint32_t)q);
        trec_sgd_pos v = a[q - 1];
        a[q - 1] = a[o];
        a[o] = v;
    }
}

HOT_INLINE void shuffle_runs(trec_sgd_run *a, uint64_t n, trec_rng *r)
{
    for (uint64_t q = n; q > 1; q--) {
        uint64_t o = draw(r, (uint32_t)q);
        trec_sgd_run v = a[q - 1];
        a[q - 1] = a[o];
        a[o] = v;
    }
}

/* The positives of user u, pos[lo..hi), in a seeded order; the next
 * positive's parameters are fetched ahead. */
HOT_INLINE void run_user(uint64_t k, trec_sgd_stratum *s, uint32_t u, uint64_t lo,
                         uint64_t hi)
{
    shuffle_pos(s->pos + lo, hi - lo, &s->rng);
    mark_run(s, lo, hi, 1);
    for (uint64_t q = lo; q < hi && q < lo + 2; q++)
        prefetch_all(k, &s->I, s->pos[q].item);
    for (uint64_t q = lo; q < hi; q++) {
        if (q + 2 < hi)
            prefetch_all(k, &s->I, s->pos[q + 2].item);
        pair p = {.u = u, .i = s->pos[q].item, .w = s->pos[q].w};
        switch (s->cfg->loss) {
        case TREC_LOSS_WARP: warp(k, s, &p, 1); break;
        case TREC_LOSS_WARP_KOS: warp_kos(k, s, &p, lo, hi); break;
        default: one_negative(k, s, &p); break;
        }
    }
    mark_run(s, lo, hi, 0);
}

/* The next run's user parameters and positives. */
HOT_INLINE void prefetch_run(uint64_t k, const trec_sgd_stratum *s, const trec_sgd_run *r)
{
    prefetch_all(k, &s->U, r->user);
    __builtin_prefetch(s->pos + r->start);
}

static int reference_loop; /* trec_sgd_reference_loop */

void trec_sgd_reference_loop(int on)
{
    __atomic_store_n(&reference_loop, on, __ATOMIC_RELAXED);
}

/* The stratum loop for k weights a record: given a constant k, the dot
 * products and the prefetches unroll (the same floats in the same order). */
HOT_INLINE void run_stratum(uint64_t k, trec_sgd_stratum *s)
{
    shuffle_runs(s->runs, s->n_runs, &s->rng);
    s->loss = 0;
    /* bpr and logistic update every item they draw; most of warp's draws
     * are only scored */
    s->draw_whole = s->cfg->loss == TREC_LOSS_BPR || s->cfg->loss == TREC_LOSS_LOGISTIC;
    s->item_w = s->I.f->identity ? s->I.id : NULL;
    s->item_b = s->I.f->identity && s->I.t->biases ? s->I.id_b : NULL;
    s->item_stride = s->I.t->stride;
    s->item_bstride = s->I.t->bstride;
    s->item_plain = s->I.f->identity && !s->I.f->extra &&
                    !__atomic_load_n(&reference_loop, __ATOMIC_RELAXED);
    for (s->next = 0; s->next < TREC_SGD_AHEAD; s->next++)
        s->ahead[s->next] = draw_item(k, s);
    s->next = 0;
    for (uint64_t r = 0; r < s->n_runs && r < 2; r++)
        prefetch_run(k, s, &s->runs[r]);
    for (uint64_t r = 0; r < s->n_runs; r++) {
        if (r + 2 < s->n_runs)
            prefetch_run(k, s, &s->runs[r + 2]);
        run_user(k, s, s->runs[r].user, s->runs[r].start, s->runs[r].start + s->runs[r].len);
    }
}

/* The stratum loop, with everything it calls inlined, made for k = 64 (the
 * usual number of components; a copy for each further k costs about 20 s
 * of compiling) and for any k, each compiled for AVX2 and for generic
 * x86-64 (the same results: see sgd_kernels.h). Sanitizer builds make the
 * loop for any k only: a copy took minutes to compile there. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
void trec_sgd_run_stratum(trec_sgd_stratum *s)
{
    /* A copy on the stack, whose address the compiler can see never
     * escapes: its stores (the random state, the draws ahead) then cannot
     * change a table's shape, which would otherwise be read again after
     * every draw. */
    trec_sgd_stratum local = *s;
    uint64_t k = local.rule.k;
    if (__atomic_load_n(&reference_loop, __ATOMIC_RELAXED))
        k = 0; /* no copy of its own */
    switch (k) {
#ifndef __SANITIZE_ADDRESS__
    case 64: run_stratum(64, &local); break;
#endif
    default: run_stratum(local.rule.k, &local); break;
    }
    *s = local;
}

/* ---- the same, as functions (sgd.h) ---- */

double trec_sgd_pair_loss(int loss, double w, double rank_weight, double s_ui, double s_uj,
                          double *gi, double *gj)
{
    return pair_loss(loss, w, rank_weight, s_ui, s_uj, gi, gj);
}

double trec_sgd_rank_weight(uint64_t n_block, uint64_t n_skip, uint64_t n_items,
                            uint64_t tries)
{
    return warp_rank_weight(n_block, n_skip, n_items, tries);
}

const float *trec_sgd_repr(const trec_sgd_view *v, uint64_t r, float *buf, float *bias)
{
    return repr(v->t->k, v, r, buf, bias);
}

void trec_sgd_pair_update(const trec_sgd_rule *rule, const trec_sgd_view *U,
                          const trec_sgd_view *I, uint32_t u, uint32_t i, uint32_t j,
                          const float *pu, const float *qi, const float *qj, float gi,
                          float gj, float *dp)
{
    pair_update(rule->k, rule, U, I, u, i, j, pu, qi, qj, gi, gj, dp);
}
