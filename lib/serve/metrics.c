/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* metrics.c - the metrics at K from top-K lists, and the baselines
 * (metrics.h); AUC is in metrics_auc.c. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const trec_metric_names[TREC_N_METRICS] = {
    "recall", "precision", "ndcg", "f1", "map", "mrr", "hit-rate", "coverage", "auc"};

int trec_metric_from_name(const char *name)
{
    for (int i = 0; i < TREC_N_METRICS; i++)
        if (strcmp(name, trec_metric_names[i]) == 0)
            return i;
    return -1;
}

const char *trec_metric_label(int metric, uint32_t k, char *buf, size_t size)
{
    const char *name = metric >= 0 && metric < TREC_N_METRICS ? trec_metric_names[metric] : "?";
    if (metric == TREC_AUC)
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "%s@%u", name, k);
    return buf;
}

double trec_f1(double precision, double recall)
{
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

/* ---- positives ---- */

static int is_positive(const trec_eval_config *cfg, float v)
{
    return !cfg->has_min_rating || (double)v >= cfg->min_rating;
}

/* Names row r / column c of m for messages: its label, else its index. */
static void name_of(const trec_labels *l, uint64_t i, char *buf, size_t size)
{
    if (l->count) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        snprintf(buf, size, "'%.*s'", (int)(n < 200 ? n : 200), s);
    } else {
        snprintf(buf, size, "%llu", (unsigned long long)i);
    }
}

int trec_positives_from_csr(trec_positives *p, const trec_csr *m, const char *name,
                            const trec_eval_config *cfg, trec_error *err)
{
    memset(p, 0, sizeof *p);
    p->n_users = m->rows;
    p->n_items = m->cols;
    for (uint64_t e = 0; e < m->nnz; e++)
        p->n += is_positive(cfg, m->vals[e]) ? 1 : 0;
    p->rowptr = trec_calloc(m->rows + 1, sizeof *p->rowptr, err);
    p->items = trec_malloc((p->n ? p->n : 1) * sizeof *p->items, err);
    p->gains = trec_malloc((p->n ? p->n : 1) * sizeof *p->gains, err);
    if (!p->rowptr || !p->items || !p->gains) {
        trec_positives_free(p);
        return -1;
    }
    uint64_t n = 0;
    for (uint64_t u = 0; u < m->rows; u++) {
        for (uint64_t e = m->rowptr[u]; e < m->rowptr[u + 1]; e++) {
            float v = m->vals[e];
            if (!is_positive(cfg, v))
                continue;
            /* 2^v - 1 must be positive, and small enough that sums of
             * gains stay finite (2^1024 overflows a double, and NDCG would
             * become inf / inf): ratings up to 512 with the exp gain. */
            if (cfg->gain == TREC_GAIN_EXP && !(v > 0 && v <= 512)) {
                char un[256], in[256];
                name_of(&m->row_labels, u, un, sizeof un);
                name_of(&m->col_labels, m->colidx[e], in, sizeof in);
                trec_positives_free(p);
                if (v > 0)
                    return trec_fail(err, "%s: user %s, item %s: positive value %g has NDCG "
                                     "gain 2^%g - 1, too large (at most 2^512 - 1; use "
                                     "--gain binary)", name, un, in, (double)v, (double)v);
                return trec_fail(err, "%s: user %s, item %s: positive value %g has NDCG gain "
                                 "2^%g - 1 <= 0 (raise --min-rating or use --gain binary)",
                                 name, un, in, (double)v, (double)v);
            }
            p->items[n] = m->colidx[e];
            p->gains[n] = cfg->gain == TREC_GAIN_EXP ? exp2((double)v) - 1.0 : 1.0;
            n++;
        }
        p->rowptr[u + 1] = n;
    }
    return 0;
}

void trec_positives_free(trec_positives *p)
{
    free(p->rowptr);
    free(p->items);
    free(p->gains);
    memset(p, 0, sizeof *p);
}

/* Is item in the sorted list a[0..n)? Returns its position or -1. */
static int64_t find_sorted(const uint32_t *a, uint64_t n, uint32_t item)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (a[mid] < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == item ? (int64_t)lo : -1;
}

uint64_t trec_positives_overlap(const trec_positives *p, const trec_csr *m,
                                uint64_t *user, uint32_t *item)
{
    uint64_t count = 0;
    for (uint64_t u = 0; u < p->n_users && u < m->rows; u++) {
        const uint32_t *row = m->colidx + m->rowptr[u];
        uint64_t len = m->rowptr[u + 1] - m->rowptr[u];
        for (uint64_t e = p->rowptr[u]; e < p->rowptr[u + 1]; e++)
            if (find_sorted(row, len, p->items[e]) >= 0) {
                if (count++ == 0) {
                    *user = u;
                    *item = p->items[e];
                }
            }
    }
    return count;
}

/* A label, at most 40 bytes of it, or the index. */
static void short_name(const trec_labels *l, uint64_t i, char *buf, size_t size)
{
    if (l->count) {
        size_t len;
        const char *s = trec_label(l, i, &len);
        snprintf(buf, size, "%.*s", (int)(len < 40 ? len : 40), s);
    } else {
        snprintf(buf, size, "%llu", (unsigned long long)i);
    }
}

int trec_overlap_error(trec_error *err, uint64_t n, uint64_t user, uint32_t item,
                       const trec_labels *user_labels, const trec_labels *item_labels,
                       const char *test, const char *train)
{
    char un[64], in[64];
    short_name(user_labels, user, un, sizeof un);
    short_name(item_labels, item, in, sizeof in);
    return trec_fail(err, "%s and %s share %llu positive user-item pairs (first: user %s, "
                     "item %s); with --exclude-train they could never be recommended: split "
                     "without overlap", test, train, (unsigned long long)n, un, in);
}

/* ---- results ---- */

void trec_eval_result_free(trec_eval_result *r)
{
    free(r->has);
    free(r->per_user);
    free(r->mean);
    memset(r, 0, sizeof *r);
}

static int result_alloc(trec_eval_result *r, uint64_t n_users, int nk, trec_error *err)
{
    memset(r, 0, sizeof *r);
    r->nk = nk;
    r->n_users = n_users;
    uint64_t nu = n_users ? n_users : 1;
    r->has = trec_calloc(nu, 1, err);
    r->per_user = trec_calloc(nu * (uint64_t)nk * TREC_N_METRICS, sizeof(double), err);
    r->mean = trec_calloc((uint64_t)nk * TREC_N_METRICS, sizeof(double), err);
    if (!r->has || !r->per_user || !r->mean) {
        trec_eval_result_free(r);
        return -1;
    }
    return 0;
}

void trec_eval_add_users(const trec_eval_result *r, double *sum)
{
    int nk = r->nk;
    for (uint64_t u = 0; u < r->n_users; u++) {
        if (!r->has[u])
            continue;
        const double *v = r->per_user + u * (uint64_t)nk * TREC_N_METRICS;
        for (int i = 0; i < nk * TREC_N_METRICS; i++)
            sum[i] += v[i];
    }
}

void trec_eval_set_means(trec_eval_result *r, const double *sum)
{
    for (int k = 0; k < r->nk; k++) {
        double *m = r->mean + k * TREC_N_METRICS;
        const double *s = sum + k * TREC_N_METRICS;
        for (int i = 0; i < TREC_N_METRICS; i++)
            if (i != TREC_COVERAGE) /* set by list_coverage from the lists */
                m[i] = r->evaluated ? s[i] / (double)r->evaluated : 0.0;
        m[TREC_F1] = trec_f1(m[TREC_PRECISION], m[TREC_RECALL]);
    }
}

/* Coverage@K of lists: the share of items in some evaluated user's top K. */
static int list_coverage(const trec_positives *p, const trec_topk_lists *lists,
                         const trec_eval_config *cfg, trec_eval_result *out, trec_error *err)
{
    uint32_t *first = trec_malloc((p->n_items ? p->n_items : 1) * sizeof *first, err);
    if (!first)
        return -1;
    for (uint64_t i = 0; i < p->n_items; i++)
        first[i] = UINT32_MAX; /* best rank at which item i appears */
    for (uint64_t u = 0; u < p->n_users; u++) {
        if (!out->has[u])
            continue;
        const uint32_t *list = lists->items + u * lists->k;
        for (uint32_t r = 1; r <= lists->len[u]; r++)
            if (r < first[list[r - 1]])
                first[list[r - 1]] = r;
    }
    for (int k = 0; k < cfg->nk; k++) {
        uint64_t n = 0;
        for (uint64_t i = 0; i < p->n_items; i++)
            n += first[i] <= cfg->ks[k];
        out->mean[k * TREC_N_METRICS + TREC_COVERAGE] =
            p->n_items ? (double)n / (double)p->n_items : 0.0;
    }
    free(first);
    return 0;
}

/* Means over the evaluated users, summed in user order (deterministic). */
static void finish_means(trec_eval_result *r)
{
    trec_eval_add_users(r, r->mean);
    trec_eval_set_means(r, r->mean);
}

static uint32_t max_k(const trec_eval_config *cfg)
{
    uint32_t m = 0;
    for (int i = 0; i < cfg->nk; i++)
        if (cfg->ks[i] > m)
            m = cfg->ks[i];
    return m;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* IDCG@K for every cut-off: the user's gains sorted decreasingly, discounted
 * by rank. sorted is scratch room for n gains. */
static void ideal_dcg(const double *gains, uint64_t n, const trec_eval_config *cfg,
                      double *sorted, double *idcg)
{
    memcpy(sorted, gains, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_desc);
    for (int k = 0; k < cfg->nk; k++) {
        uint64_t m = cfg->ks[k] < n ? cfg->ks[k] : n;
        double s = 0;
        for (uint64_t r = 1; r <= m; r++)
            s += sorted[r - 1] / log2((double)r + 1.0);
        idcg[k] = s;
    }
}

static uint64_t max_row(const trec_positives *p)
{
    uint64_t m = 0;
    for (uint64_t u = 0; u < p->n_users; u++)
        if (p->rowptr[u + 1] - p->rowptr[u] > m)
            m = p->rowptr[u + 1] - p->rowptr[u];
    return m;
}

/* Per-user scratch: sorted gains, IDCG per cut-off, prefix hits, DCG and
 * sums of precision at the hits (for AP). */
typedef struct scratch {
    double *sorted, *idcg, *hits, *dcg, *ap;
} scratch;

static int scratch_alloc(scratch *s, const trec_positives *p, const trec_eval_config *cfg,
                         uint64_t list_len, trec_error *err)
{
    uint64_t mr = max_row(p);
    s->sorted = trec_malloc((mr ? mr : 1) * sizeof(double), err);
    s->idcg = trec_malloc((uint64_t)(cfg->nk ? cfg->nk : 1) * sizeof(double), err);
    s->hits = trec_malloc((list_len + 1) * sizeof(double), err);
    s->dcg = trec_malloc((list_len + 1) * sizeof(double), err);
    s->ap = trec_malloc((list_len + 1) * sizeof(double), err);
    return s->sorted && s->idcg && s->hits && s->dcg && s->ap ? 0 : -1;
}

static void scratch_free(scratch *s)
{
    free(s->sorted);
    free(s->idcg);
    free(s->hits);
    free(s->dcg);
    free(s->ap);
}

static int check_config(const trec_eval_config *cfg, trec_error *err)
{
    if (cfg->nk < 1)
        return trec_fail(err, "no cut-off K given");
    for (int k = 0; k < cfg->nk; k++)
        if (cfg->ks[k] < 1)
            return trec_fail(err, "cut-off K must be at least 1");
    return 0;
}

/* Counts user u as evaluated or skipped and, when it has positives, sets the
 * ideal DCGs in s; returns its number of positives (0: skipped). */
static uint64_t begin_user(const trec_positives *p, uint64_t u, const trec_eval_config *cfg,
                           scratch *s, trec_eval_result *out)
{
    uint64_t np = p->rowptr[u + 1] - p->rowptr[u];
    if (np == 0) {
        out->skipped++;
        return 0;
    }
    out->has[u] = 1;
    out->evaluated++;
    out->n_positives += np;
    ideal_dcg(p->gains + p->rowptr[u], np, cfg, s->sorted, s->idcg);
    return np;
}

int trec_eval_lists(const trec_positives *p, const trec_topk_lists *lists,
                    const trec_eval_config *cfg, trec_eval_result *out, trec_error *err)
{
    memset(out, 0, sizeof *out);
    if (check_config(cfg, err) != 0)
        return -1;
    if (lists->n_queries != p->n_users)
        return trec_fail(err, "internal error: %llu ranked lists for %llu users",
                         (unsigned long long)lists->n_queries, (unsigned long long)p->n_users);
    uint32_t kmax = max_k(cfg);
    if (lists->k < kmax && lists->k < p->n_items)
        return trec_fail(err, "internal error: lists of %u items for K = %u", lists->k, kmax);
    scratch s;
    memset(&s, 0, sizeof s);
    if (result_alloc(out, p->n_users, cfg->nk, err) != 0 ||
        scratch_alloc(&s, p, cfg, lists->k, err) != 0) {
        scratch_free(&s);
        trec_eval_result_free(out);
        return -1;
    }
    for (uint64_t u = 0; u < p->n_users; u++) {
        const uint32_t *pos = p->items + p->rowptr[u];
        const double *gain = p->gains + p->rowptr[u];
        uint64_t np = begin_user(p, u, cfg, &s, out);
        if (np == 0)
            continue;
        /* prefix sums over the list: hits and DCG of ranks 1..r */
        const uint32_t *list = lists->items + u * lists->k;
        uint32_t len = lists->len[u], first = 0;
        s.hits[0] = s.dcg[0] = s.ap[0] = 0;
        for (uint32_t r = 1; r <= len; r++) {
            int64_t at = find_sorted(pos, np, list[r - 1]);
            s.hits[r] = s.hits[r - 1] + (at >= 0);
            s.dcg[r] = s.dcg[r - 1] + (at >= 0 ? gain[at] / log2((double)r + 1.0) : 0.0);
            s.ap[r] = s.ap[r - 1] + (at >= 0 ? s.hits[r] / (double)r : 0.0);
            if (at >= 0 && !first)
                first = r;
        }
        double *v = out->per_user + u * (uint64_t)cfg->nk * TREC_N_METRICS;
        for (int k = 0; k < cfg->nk; k++, v += TREC_N_METRICS) {
            uint32_t m = cfg->ks[k] < len ? cfg->ks[k] : len;
            v[TREC_RECALL] = s.hits[m] / (double)np;
            v[TREC_PRECISION] = s.hits[m] / (double)cfg->ks[k];
            v[TREC_NDCG] = s.idcg[k] > 0 ? s.dcg[m] / s.idcg[k] : 0.0;
            v[TREC_F1] = trec_f1(v[TREC_PRECISION], v[TREC_RECALL]);
            v[TREC_MAP] = s.ap[m] / (double)(cfg->ks[k] < np ? cfg->ks[k] : np);
            v[TREC_MRR] = first && first <= m ? 1.0 / first : 0.0;
            v[TREC_HIT_RATE] = s.hits[m] > 0;
        }
    }
    scratch_free(&s);
    finish_means(out);
    if (list_coverage(p, lists, cfg, out, err) != 0) {
        trec_eval_result_free(out);
        return -1;
    }
    return 0;
}

/* ---- most popular ---- */

typedef struct pop {
    uint64_t count;
    uint32_t item;
} pop;

static int cmp_pop(const void *a, const void *b)
{
    const pop *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

int trec_popularity_counts(const trec_positives *train, uint64_t **counts, trec_error *err)
{
    uint64_t n = train->n_items;
    *counts = trec_calloc(n ? n : 1, sizeof **counts, err);
    if (!*counts)
        return -1;
    for (uint64_t e = 0; e < train->n; e++)
        (*counts)[train->items[e]]++;
    return 0;
}

int trec_popularity_order(const trec_positives *train, uint32_t **order, trec_error *err)
{
    uint64_t *counts;
    *order = NULL;
    if (trec_popularity_counts(train, &counts, err) != 0)
        return -1;
    int rc = trec_popularity_order_of(counts, train->n_items, order, err);
    free(counts);
    return rc;
}

int trec_popularity_order_of(const uint64_t *counts, uint64_t n, uint32_t **order,
                             trec_error *err)
{
    *order = NULL;
    pop *ps = trec_calloc(n ? n : 1, sizeof *ps, err);
    uint32_t *o = trec_malloc((n ? n : 1) * sizeof *o, err);
    if (!ps || !o) {
        free(ps);
        free(o);
        return -1;
    }
    for (uint64_t i = 0; i < n; i++) {
        ps[i].item = (uint32_t)i;
        ps[i].count = counts[i];
    }
    qsort(ps, n, sizeof *ps, cmp_pop);
    for (uint64_t i = 0; i < n; i++)
        o[i] = ps[i].item;
    free(ps);
    *order = o;
    return 0;
}

int trec_popular_lists(const uint32_t *order, uint64_t n_users, uint64_t n_items,
                       const trec_csr *exclude, uint32_t k, trec_topk_lists *out,
                       trec_error *err)
{
    memset(out, 0, sizeof *out);
    if (exclude && (exclude->rows != n_users || exclude->cols != n_items))
        return trec_fail(err, "internal error: exclusion matrix shape");
    out->n_queries = n_users;
    out->k = k < n_items ? k : (uint32_t)n_items;
    uint64_t nu = n_users ? n_users : 1, kk = out->k ? out->k : 1;
    out->len = trec_calloc(nu, sizeof *out->len, err);
    out->items = trec_malloc(nu * kk * sizeof *out->items, err);
    out->scores = trec_malloc(nu * kk * sizeof *out->scores, err);
    if (!out->len || !out->items || !out->scores) {
        trec_topk_lists_free(out);
        return -1;
    }
    for (uint64_t u = 0; u < n_users; u++) {
        const uint32_t *row = exclude ? exclude->colidx + exclude->rowptr[u] : NULL;
        uint64_t len = exclude ? exclude->rowptr[u + 1] - exclude->rowptr[u] : 0;
        uint32_t n = 0;
        for (uint64_t i = 0; i < n_items && n < out->k; i++) {
            if (len && find_sorted(row, len, order[i]) >= 0)
                continue;
            out->items[u * out->k + n] = order[i];
            /* the score of a popularity list is minus the rank */
            out->scores[u * out->k + n] = -(float)(i + 1);
            n++;
        }
        out->len[u] = n;
    }
    return 0;
}

/* ---- random ---- */

/* Expected AP@K, MRR@K and hit-rate@K of a uniformly random order of n
 * candidates holding pp positives, for the first m ranks (metrics.h). */
static void random_rank_metrics(double n, double pp, uint64_t m, double *ap, double *mrr,
                                double *hit)
{
    double none_before = 1; /* a_r: no positive in ranks 1..r-1 */
    *ap = *mrr = 0;
    for (uint64_t r = 1; r <= m; r++) {
        double later = n > 1 ? (double)(r - 1) * (pp - 1) / (n - 1) : 0;
        *ap += pp / n * (1 + later) / (double)r;
        *mrr += none_before * pp / (n - (double)r + 1) / (double)r;
        none_before *= (n - pp - (double)(r - 1)) / (n - (double)(r - 1));
    }
    *hit = pp > 0 ? 1 - none_before : 0;
}

/* One user's expected metrics (u has np > 0 positives). */
static void random_user(const trec_positives *p, const trec_csr *exclude, uint64_t u,
                        uint64_t np, const trec_eval_config *cfg, const scratch *s, double *v)
{
    const uint32_t *pos = p->items + p->rowptr[u];
    const double *gain = p->gains + p->rowptr[u];
    const uint32_t *row = exclude ? exclude->colidx + exclude->rowptr[u] : NULL;
    uint64_t nx = exclude ? exclude->rowptr[u + 1] - exclude->rowptr[u] : 0;
    uint64_t n_cand = p->n_items - nx;
    double rank_pos = 0, rank_gain = 0; /* P' and G' */
    for (uint64_t e = 0; e < np; e++)
        if (!nx || find_sorted(row, nx, pos[e]) < 0) {
            rank_pos += 1;
            rank_gain += gain[e];
        }
    for (int k = 0; k < cfg->nk; k++, v += TREC_N_METRICS) {
        uint64_t m = cfg->ks[k] < n_cand ? cfg->ks[k] : n_cand;
        double hits = n_cand ? rank_pos * (double)m / (double)n_cand : 0.0;
        v[TREC_RECALL] = hits / (double)np;
        v[TREC_PRECISION] = hits / (double)cfg->ks[k];
        v[TREC_NDCG] = n_cand && s->idcg[k] > 0
            ? rank_gain * s->dcg[m] / ((double)n_cand * s->idcg[k]) : 0.0;
        v[TREC_F1] = trec_f1(v[TREC_PRECISION], v[TREC_RECALL]);
        double ap = 0, mrr = 0, hit = 0;
        if (n_cand)
            random_rank_metrics((double)n_cand, rank_pos, m, &ap, &mrr, &hit);
        v[TREC_MAP] = ap / (double)(cfg->ks[k] < np ? cfg->ks[k] : np);
        v[TREC_MRR] = mrr;
        v[TREC_HIT_RATE] = hit;
        /* a positive that is not a candidate counts as ranked last */
        v[TREC_AUC] = n_cand > rank_pos ? 0.5 * rank_pos / (double)np : 0.5;
    }
}

/* Expected coverage@K: item i is missed by user u's random top m_u of its
 * N_u candidates with chance 1 - m_u/N_u, independently over users. Sums of
 * logarithms over all evaluated users, minus those that exclude i; a factor
 * 0 (m_u = N_u) is counted rather than logged. */
static int random_coverage(const trec_positives *p, const trec_csr *exclude,
                           const trec_eval_config *cfg, trec_eval_result *out,
                           trec_error *err)
{
    uint64_t ni = p->n_items;
    double *lsum = trec_malloc((ni ? ni : 1) * sizeof *lsum, err);
    uint64_t *zero = trec_malloc((ni ? ni : 1) * sizeof *zero, err);
    int rc = lsum && zero ? 0 : -1;
    for (int k = 0; rc == 0 && k < cfg->nk; k++) {
        double all = 0;
        uint64_t all_zero = 0;
        memset(lsum, 0, ni * sizeof *lsum);
        memset(zero, 0, ni * sizeof *zero);
        for (uint64_t u = 0; u < p->n_users; u++) {
            if (!out->has[u])
                continue;
            uint64_t nx = exclude ? exclude->rowptr[u + 1] - exclude->rowptr[u] : 0;
            uint64_t n = ni - nx, m = cfg->ks[k] < n ? cfg->ks[k] : n;
            int z = m == n;
            double l = z ? 0 : log1p(-(double)m / (double)n);
            all += l;
            all_zero += (uint64_t)z;
            for (uint64_t e = 0; e < nx; e++) { /* i excluded: not a factor */
                uint32_t i = exclude->colidx[exclude->rowptr[u] + e];
                lsum[i] += l;
                zero[i] += (uint64_t)z;
            }
        }
        double covered = 0;
        for (uint64_t i = 0; i < ni; i++)
            covered += all_zero - zero[i] > 0 ? 1.0 : -expm1(all - lsum[i]);
        out->mean[k * TREC_N_METRICS + TREC_COVERAGE] = ni ? covered / (double)ni : 0.0;
    }
    free(lsum);
    free(zero);
    return rc;
}

int trec_eval_random(const trec_positives *p, const trec_csr *exclude,
                     const trec_eval_config *cfg, trec_eval_result *out, trec_error *err)
{
    memset(out, 0, sizeof *out);
    if (check_config(cfg, err) != 0)
        return -1;
    if (exclude && (exclude->rows != p->n_users || exclude->cols != p->n_items))
        return trec_fail(err, "internal error: exclusion matrix shape");
    uint32_t kmax = max_k(cfg);
    uint64_t nd = kmax < p->n_items ? kmax : p->n_items;
    scratch s;
    memset(&s, 0, sizeof s);
    /* s.dcg[m] = sum_{r=1..m} 1/log2(r+1), the expected discount mass */
    if (result_alloc(out, p->n_users, cfg->nk, err) != 0 ||
        scratch_alloc(&s, p, cfg, nd, err) != 0) {
        scratch_free(&s);
        trec_eval_result_free(out);
        return -1;
    }
    s.dcg[0] = 0;
    for (uint64_t r = 1; r <= nd; r++)
        s.dcg[r] = s.dcg[r - 1] + 1.0 / log2((double)r + 1.0);
    for (uint64_t u = 0; u < p->n_users; u++) {
        uint64_t np = begin_user(p, u, cfg, &s, out);
        if (np)
            random_user(p, exclude, u, np, cfg, &s,
                        out->per_user + u * (uint64_t)cfg->nk * TREC_N_METRICS);
    }
    scratch_free(&s);
    finish_means(out);
    if (random_coverage(p, exclude, cfg, out, err) != 0) {
        trec_eval_result_free(out);
        return -1;
    }
    return 0;
}
