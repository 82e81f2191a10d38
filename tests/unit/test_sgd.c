/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_sgd.c - the sgd algorithm: each loss's update against central finite
 * differences of its per-pair loss (sample fixed), the loss formulas and
 * WARP's rank weight, learning on a small synthetic problem, determinism
 * (seed, thread count), hybrid models, and the option checks. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "sgd.h" /* internal: the pair hook, the loss formulas */
#include "trec.h"

static const int LOSSES[] = {TREC_LOSS_BPR, TREC_LOSS_WARP, TREC_LOSS_WARP_KOS,
                             TREC_LOSS_LOGISTIC};

static void sgd_config(trec_fit_config *cfg, int loss)
{
    trec_error err;
    ck_assert_int_eq(trec_fit_config_for(cfg, "sgd", &err), 0);
    cfg->loss = loss;
}

/* rows x cols features, 1-2 random entries per row with values in (0.2, 1.8). */
static void make_features(trec_csr *f, uint64_t rows, uint64_t cols, uint64_t seed)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, seed);
    ck_assert_int_eq(trec_csr_alloc(f, rows, cols, 2 * rows, 0, &err), 0);
    uint64_t e = 0;
    for (uint64_t i = 0; i < rows; i++) {
        uint32_t a = (uint32_t)trec_rng_below(&r, cols), b = (uint32_t)trec_rng_below(&r, cols);
        f->colidx[e] = a < b ? a : b;
        f->vals[e++] = (float)(0.2 + 1.6 * trec_rng_uniform(&r));
        if (a != b) {
            f->colidx[e] = a < b ? b : a;
            f->vals[e++] = (float)(0.2 + 1.6 * trec_rng_uniform(&r));
        }
        f->rowptr[i + 1] = e;
    }
    f->nnz = e;
}

/* ---- synthetic problem: users and items in 4 groups ---- */

#define NU 64
#define NI 256
#define NTRAIN 12
#define NTEST 4

/* Each user likes NTRAIN + NTEST distinct items of its group (u % 4): the
 * first NTRAIN in train, the others in test. */
static void make_groups(trec_csr *train, trec_csr *test, uint64_t seed)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, seed);
    ck_assert_int_eq(trec_csr_alloc(train, NU, NI, NU * NTRAIN, 0, &err), 0);
    ck_assert_int_eq(trec_csr_alloc(test, NU, NI, NU * NTEST, 0, &err), 0);
    for (int u = 0; u < NU; u++) {
        int liked[NI] = {0}, n = 0;
        while (n < NTRAIN + NTEST) {
            int i = 4 * (int)trec_rng_below(&r, NI / 4) + u % 4;
            if (!liked[i])
                liked[i] = ++n; /* order of choice: 1.. */
        }
        uint64_t a = train->rowptr[u], b = test->rowptr[u];
        for (int i = 0; i < NI; i++) {
            if (liked[i] && liked[i] <= NTRAIN) {
                train->colidx[a] = (uint32_t)i;
                train->vals[a++] = 5;
            } else if (liked[i]) {
                test->colidx[b] = (uint32_t)i;
                test->vals[b++] = 5;
            }
        }
        train->rowptr[u + 1] = a;
        test->rowptr[u + 1] = b;
    }
}

static float score(const trec_model *m, uint64_t u, uint64_t i)
{
    float s = m->user_bias[u] + m->item_bias[i];
    for (uint64_t c = 0; c < m->k; c++)
        s += m->user_repr[u * m->k + c] * m->item_repr[i * m->k + c];
    return s;
}

static int in_row(const trec_csr *x, uint64_t u, uint64_t i)
{
    for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++)
        if (x->colidx[e] == i)
            return 1;
    return 0;
}

/* Mean recall@10 on test, train items left out of the ranking. */
static double recall10(const trec_model *m, const trec_csr *train, const trec_csr *test)
{
    double sum = 0;
    for (uint64_t u = 0; u < NU; u++) {
        int hits = 0;
        for (uint64_t e = test->rowptr[u]; e < test->rowptr[u + 1]; e++) {
            float s = score(m, u, test->colidx[e]);
            int above = 0;
            for (uint64_t i = 0; i < NI; i++)
                above += !in_row(train, u, i) && score(m, u, i) > s;
            hits += above < 10;
        }
        sum += (double)hits / NTEST;
    }
    return sum / NU;
}

typedef struct losses {
    double first, last;
    uint64_t n;
} losses;

static void record(void *ctx, const trec_fit_progress *p)
{
    losses *l = ctx;
    if (l->n++ == 0)
        l->first = p->loss;
    l->last = p->loss;
}

/* ---- gradients ---- */

typedef struct shape {
    int user_features, item_features, user_identity, item_identity, biases;
} shape;

static const shape SHAPES[] = {
    {0, 0, 1, 1, 1}, /* matrix factorisation with biases */
    {1, 1, 1, 1, 1}, /* hybrid on both sides */
    {0, 1, 1, 0, 1}, /* content items */
    {1, 0, 0, 1, 0}, /* content users, no biases */
};

/* The parameters of m as arrays. */
static int params(trec_model *m, float **p, uint64_t *n)
{
    int c = 0;
    trec_side *s[2] = {&m->user, &m->item};
    for (int i = 0; i < 2; i++) {
        p[c] = s[i]->w1;
        n[c++] = s[i]->n_features * m->k;
        if (s[i]->feature_bias) {
            p[c] = s[i]->feature_bias;
            n[c++] = s[i]->n_features;
        }
    }
    return c;
}

static void randomise(trec_model *m, trec_rng *r)
{
    float *p[4];
    uint64_t n[4];
    int np = params(m, p, n);
    for (int a = 0; a < np; a++)
        for (uint64_t q = 0; q < n[a]; q++)
            p[a][q] = (float)(trec_rng_uniform(r) - 0.5);
}

/* The update (plain SGD, rate lr) against central differences of the
 * pair's loss, for every parameter; pair (u, i, j) with weight w. */
static void check_pair(const trec_fit_config *cfg, const trec_csr *ue, const trec_csr *ie,
                       trec_model *m, uint32_t u, uint32_t i, uint32_t j)
{
    trec_error err;
    float *p[4], *saved[4], *step[4];
    uint64_t n[4];
    int np = params(m, p, n);
    const float w = 0.7f, h = 1e-2f;
    const double L = 2.3, lr = cfg->learning_rate;
    double l0, lp, lm;
    for (int a = 0; a < np; a++) {
        saved[a] = malloc(n[a] * sizeof(float));
        memcpy(saved[a], p[a], n[a] * sizeof(float));
    }
    ck_assert_int_eq(trec_sgd_test_pair(cfg, ue, ie, m, u, i, j, w, L, 1, &l0, &err), 0);
    for (int a = 0; a < np; a++) {
        step[a] = malloc(n[a] * sizeof(float));
        memcpy(step[a], p[a], n[a] * sizeof(float));
        memcpy(p[a], saved[a], n[a] * sizeof(float));
    }
    for (int a = 0; a < np; a++)
        for (uint64_t q = 0; q < n[a]; q++) {
            double analytic = -((double)step[a][q] - saved[a][q]) / lr;
            p[a][q] = saved[a][q] + h;
            double up = (double)p[a][q] - saved[a][q];
            trec_sgd_test_pair(cfg, ue, ie, m, u, i, j, w, L, 0, &lp, &err);
            p[a][q] = saved[a][q] - h;
            double down = (double)saved[a][q] - p[a][q];
            trec_sgd_test_pair(cfg, ue, ie, m, u, i, j, w, L, 0, &lm, &err);
            p[a][q] = saved[a][q];
            double fd = (lp - lm) / (up + down);
            ck_assert_msg(fabs(fd - analytic) <= 1e-3 + 1e-3 * fabs(fd),
                          "%s: parameter %d[%llu]: update %g, finite differences %g",
                          trec_loss_name(cfg->loss), a, (unsigned long long)q, analytic, fd);
        }
    for (int a = 0; a < np; a++) {
        free(saved[a]);
        free(step[a]);
    }
}

START_TEST(test_gradients)
{
    const shape *sh = &SHAPES[_i];
    trec_error err;
    trec_csr train, test, ue, ie;
    make_groups(&train, &test, 3);
    make_features(&ue, NU, 3, 11);
    make_features(&ie, NI, 4, 12);
    trec_rng r;
    trec_rng_seed(&r, 7 + (uint64_t)_i);
    for (size_t l = 0; l < sizeof LOSSES / sizeof LOSSES[0]; l++) {
        trec_fit_config cfg;
        sgd_config(&cfg, LOSSES[l]);
        cfg.components = 5;
        cfg.epochs = 0;
        cfg.param[TREC_SGD_SCHEDULE] = TREC_SCHEDULE_SGD;
        cfg.learning_rate = 1e-3;
        cfg.alpha = 0; /* the gradient of the loss alone */
        cfg.user_identity = sh->user_identity;
        cfg.item_identity = sh->item_identity;
        cfg.biases = sh->biases;
        const trec_csr *u = sh->user_features ? &ue : NULL, *i = sh->item_features ? &ie : NULL;
        trec_model m;
        trec_fit_result res;
        ck_assert_msg(trec_fit(&cfg, &train, u, i, NULL, &m, &res, &err) == 0, "%s", err.msg);
        for (int rep = 0; rep < 3; rep++) {
            randomise(&m, &r);
            /* items 2 and 6 share the group; the features may overlap too */
            check_pair(&cfg, u, i, &m, (uint32_t)(rep * 5), 2, (uint32_t)(6 + rep * 33));
        }
        trec_model_free(&m);
    }
    trec_csr_free(&train);
    trec_csr_free(&test);
    trec_csr_free(&ue);
    trec_csr_free(&ie);
}
END_TEST

/* Adagrad's first step on fresh accumulators is the plain step; alpha
 * shrinks the touched weights by 1 / (1 + alpha lr). */
START_TEST(test_rule)
{
    trec_sgd_rule ada = {.k = 3, .adagrad = 1, .lr = 0.1f, .alpha = 0};
    float w[3] = {1, 2, 3}, g2[3] = {1, 1, 4}, v[3] = {1, -1, 2};
    trec_sgd_update(&ada, w, g2, 0.5f, v, 3);
    ck_assert_float_eq_tol(w[0], 1 - 0.1f * 0.5f, 1e-6);
    ck_assert_float_eq_tol(w[1], 2 + 0.1f * 0.5f, 1e-6);
    ck_assert_float_eq_tol(w[2], 3 - 0.1f / 2 * 1.0f, 1e-6); /* lr / sqrt(4) */
    ck_assert_float_eq_tol(g2[2], 5, 1e-6);                  /* G += g^2 */
    trec_sgd_rule plain = {.k = 1, .adagrad = 0, .lr = 0.1f, .alpha = 2};
    float x = 1;
    trec_sgd_update(&plain, &x, NULL, 1.0f, v, 1);
    ck_assert_float_eq_tol(x, (1 - 0.1f) / (1 + 0.2f), 1e-6);
    /* 8 lanes plus a tail give the same dot product as the plain sum */
    float a[19], b[19];
    double want = 0;
    for (int c = 0; c < 19; c++) {
        a[c] = (float)(c + 1) / 4;
        b[c] = (float)(c % 3) - 1;
        want += (double)a[c] * b[c];
    }
    ck_assert_float_eq_tol(trec_sgd_dot(a, b, 19), want, 1e-5);
}
END_TEST

START_TEST(test_loss_formulas)
{
    double gi, gj;
    ck_assert_double_eq_tol(trec_sgd_pair_loss(TREC_LOSS_BPR, 2, 0, 1, 1, &gi, &gj),
                            2 * log(2), 1e-6);
    ck_assert_double_eq_tol(gi, -1, 1e-6);
    ck_assert_double_eq_tol(gj, 1, 1e-6);
    /* warp: zero beyond the margin, w L (1 - s_ui + s_uj) inside */
    ck_assert_double_eq(trec_sgd_pair_loss(TREC_LOSS_WARP, 1, 3, 2, 0.9, &gi, &gj), 0);
    ck_assert(gi == 0 && gj == 0);
    ck_assert_double_eq_tol(trec_sgd_pair_loss(TREC_LOSS_WARP, 0.5, 3, 2, 1.5, &gi, &gj),
                            0.5 * 3 * 0.5, 1e-12);
    ck_assert_double_eq_tol(gi, -1.5, 1e-12);
    ck_assert_double_eq_tol(gj, 1.5, 1e-12);
    /* logistic: the positive is label 1, the sampled item label 0 */
    ck_assert_double_eq_tol(trec_sgd_pair_loss(TREC_LOSS_LOGISTIC, 1, 0, 0, 0, &gi, &gj),
                            2 * log(2), 1e-6);
    ck_assert_double_eq_tol(gi, -0.5, 1e-6);
    ck_assert_double_eq_tol(gj, 0.5, 1e-6);
    ck_assert(isfinite(trec_sgd_pair_loss(TREC_LOSS_LOGISTIC, 1, 0, -800, 800, &gi, &gj)));
    ck_assert_double_eq_tol(gi, -1, 1e-6); /* saturated, not NaN */
    ck_assert_double_eq_tol(gj, 1, 1e-6);
    ck_assert(isfinite(trec_sgd_pair_loss(TREC_LOSS_BPR, 1, 0, -800, 800, &gi, &gj)));
    /* WARP's rank weight: log(floor((n_block - skip) n_items / n_block / tries)) */
    ck_assert_double_eq_tol(trec_sgd_rank_weight(100, 1, 100, 1), log(99), 1e-12);
    ck_assert_double_eq_tol(trec_sgd_rank_weight(100, 1, 100, 10), log(9), 1e-12);
    ck_assert_double_eq_tol(trec_sgd_rank_weight(25, 1, 100, 2), log(48), 1e-12);
    ck_assert_double_eq(trec_sgd_rank_weight(100, 1, 100, 200), 0);
    ck_assert_double_eq(trec_sgd_rank_weight(1000000, 1, 1e9, 1), 10); /* clipped */
}
END_TEST

/* ---- learning ---- */

START_TEST(test_learns)
{
    int loss = LOSSES[_i];
    trec_error err;
    trec_csr train, test;
    make_groups(&train, &test, 5);
    trec_fit_config cfg;
    sgd_config(&cfg, loss);
    cfg.components = 8;
    cfg.epochs = 30;
    cfg.learning_rate = 0.1;
    losses l = {0};
    cfg.progress = record;
    cfg.progress_ctx = &l;
    trec_model m;
    trec_fit_result res;
    ck_assert_msg(trec_fit(&cfg, &train, NULL, NULL, NULL, &m, &res, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(res.batches, 4); /* 256 items, 64 users: 4 blocks */
    ck_assert_msg(l.last < 0.7 * l.first, "%s: loss %g -> %g", trec_loss_name(loss), l.first,
                  l.last);
    double rec = recall10(&m, &train, &test), random = 10.0 / (NI - NTRAIN);
    ck_assert_msg(rec > 3 * random, "%s: recall@10 %g, random %g", trec_loss_name(loss), rec,
                  random);
    trec_model_free(&m);
    trec_csr_free(&train);
    trec_csr_free(&test);
}
END_TEST

/* ---- determinism ---- */

static void fit_with(int loss, int threads, uint64_t seed, const trec_csr *x,
                     const trec_csr *ue, const trec_csr *ie, trec_model *m)
{
    trec_error err;
    trec_fit_config cfg;
    trec_fit_result res;
    sgd_config(&cfg, loss);
    cfg.components = 6;
    cfg.epochs = 3;
    cfg.alpha = 0.01;
    cfg.threads = threads;
    cfg.seed = seed;
    ck_assert_msg(trec_fit(&cfg, x, ue, ie, NULL, m, &res, &err) == 0, "%s", err.msg);
}

static int same_model(const trec_model *a, const trec_model *b)
{
    uint64_t k = a->k;
    return !memcmp(a->user.w1, b->user.w1, a->user.n_features * k * sizeof(float)) &&
           !memcmp(a->item.w1, b->item.w1, a->item.n_features * k * sizeof(float)) &&
           !memcmp(a->item.feature_bias, b->item.feature_bias,
                   a->item.n_features * sizeof(float)) &&
           !memcmp(a->user_repr, b->user_repr, a->n_users * k * sizeof(float)) &&
           !memcmp(a->item_repr, b->item_repr, a->n_items * k * sizeof(float)) &&
           !memcmp(a->item_bias, b->item_bias, a->n_items * sizeof(float));
}

START_TEST(test_deterministic)
{
    int loss = LOSSES[_i];
    trec_csr train, test, ue, ie;
    make_groups(&train, &test, 9);
    make_features(&ue, NU, 3, 1);
    make_features(&ie, NI, 5, 2);
    trec_model a, b, c, d;
    fit_with(loss, 1, 4, &train, &ue, &ie, &a);
    fit_with(loss, 2, 4, &train, &ue, &ie, &b);
    fit_with(loss, 3, 4, &train, &ue, &ie, &c);
    fit_with(loss, 2, 5, &train, &ue, &ie, &d);
    ck_assert_msg(same_model(&a, &b), "%s: 1 and 2 threads differ", trec_loss_name(loss));
    ck_assert_msg(same_model(&a, &c), "%s: 1 and 3 threads differ", trec_loss_name(loss));
    ck_assert_msg(!same_model(&b, &d), "%s: another seed, the same model", trec_loss_name(loss));
    trec_model *all[] = {&a, &b, &c, &d};
    for (int q = 0; q < 4; q++)
        trec_model_free(all[q]);
    trec_csr_free(&train);
    trec_csr_free(&test);
    trec_csr_free(&ue);
    trec_csr_free(&ie);
}
END_TEST

/* The stratum loop's fast paths (its copy for k = 64, warp's scoring of a
 * draw from the item side's shape) give the floats of the reference loop
 * (the copy for any k, every draw scored through the general path): every
 * loss, on identity features alone, with metadata on both sides, and with
 * items described by their metadata alone. (A warp draw's score only
 * decides whether it violates the margin, so a change in its last bit
 * seldom shows; a wrong item, bias or stride does.) */
static void fit_k64(int loss, int shape, int reference, const trec_csr *x,
                    const trec_csr *ue, const trec_csr *ie, trec_model *m)
{
    trec_error err;
    trec_fit_config cfg;
    trec_fit_result res;
    sgd_config(&cfg, loss);
    cfg.components = 64;
    cfg.epochs = 3;
    cfg.alpha = 0.01;
    cfg.item_identity = shape != 2;
    trec_sgd_reference_loop(reference);
    int rc = trec_fit(&cfg, x, shape ? ue : NULL, shape ? ie : NULL, NULL, m, &res, &err);
    trec_sgd_reference_loop(0);
    ck_assert_msg(rc == 0, "%s", err.msg);
}

START_TEST(test_fast_paths)
{
    int loss = LOSSES[_i / 3], shape = _i % 3;
    trec_csr train, test, ue, ie;
    make_groups(&train, &test, 21);
    make_features(&ue, NU, 3, 3);
    make_features(&ie, NI, 5, 4);
    trec_model fast, ref;
    fit_k64(loss, shape, 0, &train, &ue, &ie, &fast);
    fit_k64(loss, shape, 1, &train, &ue, &ie, &ref);
    ck_assert_msg(same_model(&fast, &ref), "%s, features %d: the fast paths differ",
                  trec_loss_name(loss), shape);
    trec_model_free(&fast);
    trec_model_free(&ref);
    trec_csr_free(&train);
    trec_csr_free(&test);
    trec_csr_free(&ue);
    trec_csr_free(&ie);
}
END_TEST

/* A content model of items (genres only) ranks by the item features: the
 * outputs are F W of the learned weights, and a new item with a known
 * group's features scores as that group's items. */
START_TEST(test_content_items)
{
    trec_error err;
    trec_csr train, test, ie;
    make_groups(&train, &test, 13);
    ck_assert_int_eq(trec_csr_alloc(&ie, NI, 4, NI, 0, &err), 0);
    for (uint32_t i = 0; i < NI; i++) {
        ie.colidx[i] = i % 4; /* the group */
        ie.vals[i] = 1;
        ie.rowptr[i + 1] = i + 1;
    }
    trec_fit_config cfg;
    sgd_config(&cfg, TREC_LOSS_WARP);
    cfg.components = 4;
    cfg.epochs = 20;
    cfg.item_identity = 0;
    trec_model m;
    trec_fit_result res;
    ck_assert_msg(trec_fit(&cfg, &train, NULL, &ie, NULL, &m, &res, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(m.item.n_features, 4);
    for (uint32_t i = 0; i < NI; i++)
        for (uint64_t c = 0; c < m.k; c++)
            ck_assert_float_eq(m.item_repr[i * m.k + c], m.item.w1[(i % 4) * m.k + c]);
    /* every user prefers its own group: recall@10 is a group's 10 / 52 */
    double rec = recall10(&m, &train, &test);
    ck_assert_msg(rec > 0.15, "content recall@10 %g", rec);
    trec_model_free(&m);
    trec_csr_free(&train);
    trec_csr_free(&test);
    trec_csr_free(&ie);
}
END_TEST

/* ---- configuration ---- */

START_TEST(test_defaults_and_checks)
{
    trec_error err;
    trec_fit_config cfg;
    sgd_config(&cfg, TREC_LOSS_WARP);
    ck_assert_str_eq(trec_fit_algorithm_name(&cfg), "sgd");
    ck_assert_int_eq(cfg.components, 64);
    ck_assert_int_eq(cfg.epochs, 30);
    ck_assert_double_eq(cfg.learning_rate, 0.05);
    ck_assert_double_eq(cfg.alpha, 0);
    ck_assert_double_eq(cfg.param[TREC_SGD_MAX_SAMPLED], 10);
    ck_assert_double_eq(cfg.param[TREC_SGD_KOS_K], 5);
    ck_assert_double_eq(cfg.param[TREC_SGD_SCHEDULE], TREC_SCHEDULE_ADAGRAD);
    ck_assert_int_eq(trec_fit_check(&cfg, &err), 0);
    /* the loss alone picks the algorithm */
    trec_fit_config_default(&cfg);
    cfg.loss = TREC_LOSS_BPR;
    ck_assert_str_eq(trec_fit_algorithm_name(&cfg), "sgd");
    ck_assert_int_eq(trec_fit_check(&cfg, &err), 0);
    /* without sgd's defaults, its counts are the defaults still */
    ck_assert_int_eq(trec_sgd_max_sampled(&cfg), 10);
    ck_assert_int_eq(trec_sgd_kos_k(&cfg), 5);
    ck_assert(trec_sgd_adagrad(&cfg));
    /* its own options through the option table: word values by index */
    sgd_config(&cfg, TREC_LOSS_WARP);
    int o_schedule = trec_fit_option_find("--schedule");
    ck_assert_int_ge(o_schedule, TREC_OPT_OWN);
    ck_assert_int_eq(trec_fit_option_set(&cfg, o_schedule, "sgd", &err), 0);
    ck_assert_double_eq(cfg.param[TREC_SGD_SCHEDULE], TREC_SCHEDULE_SGD);
    ck_assert(!trec_sgd_adagrad(&cfg));
    ck_assert_int_eq(trec_fit_option_set(&cfg, o_schedule, "adam", &err), -1);
    ck_assert_str_eq(err.msg, "--schedule: unknown value (adagrad, sgd): adam");
    ck_assert_int_eq(trec_fit_option_set(&cfg, trec_fit_option_find("--kos-k"), "3", &err), 0);
    ck_assert_int_eq(trec_sgd_kos_k(&cfg), 3);
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
    ck_assert_str_eq(err.msg, "--kos-k only applies to --loss warp-kos");

    sgd_config(&cfg, TREC_LOSS_RMSE);
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
    ck_assert_str_eq(err.msg, "--loss rmse is not one of sgd's (bpr, warp, warp-kos, logistic)");
    sgd_config(&cfg, TREC_LOSS_WARP);
    cfg.given = TREC_OPT(TREC_OPT_SAMPLED_ITEMS);
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
    ck_assert_str_eq(err.msg, "--sampled-items does not apply to --algorithm sgd");
    cfg.given = TREC_OPT(TREC_OPT_INIT); /* sgd starts from a factor model */
    ck_assert_int_eq(trec_fit_check(&cfg, &err), 0);
    sgd_config(&cfg, TREC_LOSS_BPR);
    cfg.given = TREC_OPT(trec_fit_option_find("--max-sampled"));
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
    ck_assert_str_eq(err.msg, "--max-sampled only applies to --loss warp or warp-kos");
    sgd_config(&cfg, TREC_LOSS_WARP);
    cfg.given = TREC_OPT(trec_fit_option_find("--kos-k"));
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
    ck_assert_str_eq(err.msg, "--kos-k only applies to --loss warp-kos");
    sgd_config(&cfg, TREC_LOSS_WARP);
    cfg.item_repr = TREC_REPR_RELU;
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
    /* tensorrec refuses sgd's losses */
    trec_fit_config_for(&cfg, "tensorrec", &err);
    cfg.loss = TREC_LOSS_WARP;
    ck_assert_int_eq(trec_fit_check(&cfg, &err), -1);
}
END_TEST

START_TEST(test_bad_data)
{
    trec_error err;
    trec_csr train, test;
    make_groups(&train, &test, 1);
    trec_fit_config cfg;
    sgd_config(&cfg, TREC_LOSS_WARP);
    cfg.user_identity = 0;
    trec_model m;
    trec_fit_result res;
    ck_assert_int_eq(trec_fit(&cfg, &train, NULL, NULL, NULL, &m, &res, &err), -1);
    ck_assert_str_eq(err.msg, "the user side has no features: give --user-features or drop "
                              "--no-user-identity");
    sgd_config(&cfg, TREC_LOSS_WARP);
    cfg.has_min_rating = 1;
    cfg.min_rating = 6;
    ck_assert_int_eq(trec_fit(&cfg, &train, NULL, NULL, NULL, &m, &res, &err), -1);
    ck_assert_str_eq(err.msg, "no interactions to train on (after --min-rating)");
    /* a learning rate that diverges is reported, not written */
    sgd_config(&cfg, TREC_LOSS_LOGISTIC);
    cfg.param[TREC_SGD_SCHEDULE] = TREC_SCHEDULE_SGD;
    cfg.learning_rate = 1e30;
    cfg.alpha = 0;
    cfg.epochs = 3;
    ck_assert_int_eq(trec_fit(&cfg, &train, NULL, NULL, NULL, &m, &res, &err), -1);
    ck_assert_msg(strstr(err.msg, "diverged") != NULL, "%s", err.msg);
    trec_csr_free(&train);
    trec_csr_free(&test);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sgd");
    TCase *tc = tcase_create("sgd");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_gradients, 0, (int)(sizeof SHAPES / sizeof SHAPES[0]));
    tcase_add_test(tc, test_rule);
    tcase_add_test(tc, test_loss_formulas);
    tcase_add_loop_test(tc, test_learns, 0, 4);
    tcase_add_loop_test(tc, test_deterministic, 0, 4);
    tcase_add_loop_test(tc, test_fast_paths, 0, 12);
    tcase_add_test(tc, test_content_items);
    tcase_add_test(tc, test_defaults_and_checks);
    tcase_add_test(tc, test_bad_data);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(suite)
