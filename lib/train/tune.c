/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* tune.c - trec-tune's search: successive halving over the trials of a
 * space, validation during each fit, a time budget, the log and resuming
 * from it (tune.h). */
#include "tune.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "algorithm.h"
#include "fileio.h"
#include "fit_options.h"
#include "metrics.h"
#include "presets.h"

#define MAX_TRIALS 4096

void trec_tune_config_default(trec_tune_config *c)
{
    memset(c, 0, sizeof *c);
    c->trials = 9;
    c->seed = 1;
    c->eta = 3;
    c->rungs = 3;
    c->threads = 1;
    trec_validation_config_default(&c->vc);
    c->vc.patience = 3;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Sets the options of the string s ("--lambda 200 --min-rating 4"). */
static int set_options(trec_fit_config *cfg, const char *s, trec_error *err)
{
    char buf[TREC_TUNE_OPTIONS_MAX], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int o = trec_fit_option_find(t);
        const trec_fit_option_info *in = trec_fit_option_about(o);
        char *arg = in && in->arg != TREC_ARG_NONE ? strtok_r(NULL, " ", &save) : NULL;
        if (!in || (in->arg != TREC_ARG_NONE && !arg))
            return trec_fail(err, "bad trial options '%s'", s);
        if (trec_fit_option_set(cfg, o, arg, err) != 0)
            return -1;
    }
    return 0;
}

/* The trial's configuration with `epochs` (0: its own). */
static int trial_config(const trec_tune_config *tc, const trec_csr *x, const char *algorithm,
                        const char *options, uint64_t epochs, trec_fit_config *cfg,
                        trec_error *err)
{
    /* its tuned preset (the one named after it), else its defaults */
    if ((trec_preset_find(algorithm) ? trec_preset_apply(cfg, algorithm, err)
                                     : trec_fit_config_for(cfg, algorithm, err)) != 0)
        return -1;
    /* positives as the tuned presets have them: ratings >= 4 when the data
     * reach 4, else every entry */
    double r;
    if (trec_preset_min_rating(x, &r)) {
        if (!cfg->has_min_rating) {
            cfg->has_min_rating = 1;
            cfg->min_rating = r;
            cfg->given |= TREC_OPT(TREC_OPT_MIN_RATING);
        }
    } else {
        cfg->has_min_rating = 0;
        cfg->other_weight = 0;
        cfg->given &= ~(TREC_OPT(TREC_OPT_MIN_RATING) | TREC_OPT(TREC_OPT_OTHER_WEIGHT));
    }
    if (set_options(cfg, options, err) != 0)
        return -1;
    if (epochs) {
        cfg->epochs = epochs;
        cfg->given |= TREC_OPT(TREC_OPT_EPOCHS);
    }
    const trec_algorithm *alg = trec_algorithm_find(algorithm);
    if (alg && (alg->options & TREC_OPT(TREC_OPT_SEED))) {
        cfg->seed = tc->seed;
        cfg->given |= TREC_OPT(TREC_OPT_SEED);
    }
    cfg->threads = tc->threads;
    return trec_fit_check(cfg, err);
}

int trec_tune_trial_config(const trec_tune_config *cfg, const trec_csr *train,
                           const trec_tune_trial *t, trec_fit_config *out, trec_error *err)
{
    return trial_config(cfg, train, t->algorithm, t->options, t->epochs, out, err);
}

/* ---- the log ---- */

typedef struct logged {
    uint64_t id, epochs, best_epoch;
    int rung, failed;
    double value, seconds;
    char options[TREC_TUNE_OPTIONS_MAX];
} logged;

typedef struct search {
    const trec_tune_config *cfg;
    const trec_csr *x;
    trec_tune_result *res;
    trec_validation *val;
    double t0;
    const char *log_path;
    char *log;                   /* its text */
    size_t log_len, log_cap;
    logged *prior;               /* the resumed log's lines */
    uint64_t nprior;
    uint64_t *epochs_full;       /* per trial: its own epochs */
    int *algo;                   /* per trial: index into the space */
} search;

static int log_add(search *s, trec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int log_add(search *s, trec_error *err, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = s->log_cap - s->log_len;
        int n = vsnprintf(s->log ? s->log + s->log_len : NULL, s->log ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return trec_fail(err, "log: formatting failed");
        if (s->log && (size_t)n < room) {
            s->log_len += (size_t)n;
            return 0;
        }
        size_t cap = (s->log_cap ? s->log_cap * 2 : 4096) + (size_t)n;
        char *p = realloc(s->log, cap);
        if (!p)
            return trec_fail(err, "out of memory");
        s->log = p;
        s->log_cap = cap;
    }
}

static int log_write(search *s, trec_error *err)
{
    if (!s->log_path)
        return 0;
    trec_outfile f;
    if (trec_outfile_open(&f, s->log_path, err) != 0)
        return -1;
    if (fwrite(s->log, 1, s->log_len, f.fp) != s->log_len) {
        trec_outfile_abort(&f);
        return trec_fail(err, "%s: write failed", s->log_path);
    }
    return trec_outfile_commit(&f, err);
}

static const char *LOG_HEADER = "trial\trung\talgorithm\tepochs\tvalue\tbest_epoch\tseconds\toptions\n";

/* Parses a resumed log's text: its first line names the metric, which must
 * be this search's. */
static int parse_prior(search *s, const char *text, const char *name, trec_error *err)
{
    char first[128];
    snprintf(first, sizeof first, "# trec-tune log: metric %s,", s->res->metric);
    if (strncmp(text, "# trec-tune log: ", 17) != 0)
        return trec_fail(err, "%s:1: not a trec-tune log", name);
    if (strncmp(text, first, strlen(first)) != 0)
        return trec_fail(err, "%s:1: the log is of another metric (this search: %s)", name,
                         s->res->metric);
    uint64_t cap = 0, line = 0;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        line++;
        if (len == 0 || p[0] == '#' || strncmp(p, LOG_HEADER, len) == 0) {
            p += len + (e ? 1 : 0);
            continue;
        }
        if (s->nprior == cap) {
            cap = cap ? cap * 2 : 64;
            logged *q = realloc(s->prior, cap * sizeof *q);
            if (!q)
                return trec_fail(err, "out of memory");
            s->prior = q;
        }
        logged *l = &s->prior[s->nprior];
        char buf[TREC_TUNE_OPTIONS_MAX + 256], algo[32], value[64];
        if (len >= sizeof buf)
            return trec_fail(err, "%s:%llu: line too long", name, (unsigned long long)line);
        memcpy(buf, p, len);
        buf[len] = 0;
        unsigned long long id, ep, be;
        int rung, used = 0;
        if (sscanf(buf, "%llu\t%d\t%31[^\t]\t%llu\t%63[^\t]\t%llu\t%lf\t%n", &id, &rung, algo,
                   &ep, value, &be, &l->seconds, &used) != 7 || used == 0)
            return trec_fail(err, "%s:%llu: not a trial line (trial, rung, algorithm, epochs, "
                             "value, best_epoch, seconds, options)", name,
                             (unsigned long long)line);
        snprintf(l->options, sizeof l->options, "%s", buf + used);
        l->id = id, l->epochs = ep, l->best_epoch = be, l->rung = rung;
        l->failed = strcmp(value, "failed") == 0;
        char *end;
        l->value = l->failed ? 0 : strtod(value, &end);
        if (!l->failed && (*end || !isfinite(l->value)))
            return trec_fail(err, "%s:%llu: field value: '%s' is not a number", name,
                             (unsigned long long)line, value);
        s->nprior++;
        p += len + (e ? 1 : 0);
    }
    return 0;
}

static const logged *find_prior(const search *s, const trec_tune_trial *t, int rung,
                                 uint64_t epochs)
{
    for (uint64_t i = 0; i < s->nprior; i++) {
        const logged *l = &s->prior[i];
        if (l->id == t->id && l->rung == rung && l->epochs == epochs &&
            strcmp(l->options, t->options) == 0)
            return l;
    }
    return NULL;
}

/* ---- the search ---- */

static int over_budget(void *ctx)
{
    const search *s = ctx;
    return s->cfg->budget > 0 && now() - s->t0 >= s->cfg->budget;
}

static uint64_t rung_epochs(const search *s, uint64_t i, int rung)
{
    const trec_tune_trial *t = &s->res->trials[i];
    uint64_t e = s->epochs_full[i];
    if (t->rungs <= 1 || e == 0)
        return e;
    double div = pow((double)s->cfg->eta, (double)(t->rungs - 1 - rung));
    uint64_t r = (uint64_t)ceil((double)e / div);
    return r ? r : 1;
}

/* Fits trial i at rung (or takes it from the log). Returns 1 when the
 * budget stopped it, 0 when done, -1 on error. */
static int run_trial(search *s, uint64_t i, int rung, trec_error *err)
{
    trec_tune_trial *t = &s->res->trials[i];
    uint64_t epochs = rung_epochs(s, i, rung);
    const logged *l = find_prior(s, t, rung, epochs);
    int resumed = l != NULL;
    double secs;
    if (l) {
        t->failed = l->failed;
        t->value = l->value;
        t->best_epoch = l->best_epoch;
        secs = l->seconds;
        s->res->resumed++;
    } else {
        if (over_budget(s))
            return 1;
        trec_fit_config cfg;
        if (trial_config(s->cfg, s->x, t->algorithm, t->options, epochs, &cfg, err) != 0)
            return -1;
        cfg.validation = s->val;
        trec_model m;
        trec_fit_result fr;
        memset(&fr, 0, sizeof fr);
        double t1 = now();
        int rc = trec_fit(&cfg, s->x, NULL, NULL, NULL, &m, &fr, err);
        if (rc != 0 && !fr.diverged_epoch) /* not the trial's fault: the data's */
            return -1;
        secs = now() - t1;
        trec_validation_summary vs;
        trec_validation_summarize(s->val, &vs);
        if (rc == 0)
            trec_model_free(&m);
        if (rc == 0 && vs.interrupted)
            return 1;
        t->failed = rc != 0;
        t->value = rc == 0 ? vs.best : 0;
        t->best_epoch = rc == 0 ? vs.best_epoch : 0;
        if (rc == 0)
            s->res->popular = vs.popular;
        s->res->fitted++;
    }
    t->seconds += secs;
    /* the log keeps every finished trial, resumed ones included */
    char value[64];
    if (t->failed)
        snprintf(value, sizeof value, "failed");
    else
        snprintf(value, sizeof value, "%.10g", t->value);
    if (log_add(s, err, "%llu\t%d\t%s\t%llu\t%s\t%llu\t%.3f\t%s\n",
                (unsigned long long)t->id, rung, t->algorithm, (unsigned long long)epochs,
                value, (unsigned long long)t->best_epoch, secs, t->options) != 0 ||
        log_write(s, err) != 0)
        return -1;
    t->rung = rung;
    t->epochs = epochs;
    t->done = !t->failed;
    if (s->cfg->progress)
        s->cfg->progress(s->cfg->progress_ctx, t, resumed);
    return 0;
}

static const search *sort_ctx;

/* Better first: done before not, higher value, lower id. */
static int by_value(const void *a, const void *b)
{
    const trec_tune_trial *x = &sort_ctx->res->trials[*(const uint64_t *)a];
    const trec_tune_trial *y = &sort_ctx->res->trials[*(const uint64_t *)b];
    if (x->done != y->done)
        return x->done ? -1 : 1;
    if (x->done && x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int make_trials(search *s, trec_error *err)
{
    const trec_tune_config *c = s->cfg;
    trec_tune_result *res = s->res;
    char (*opts)[TREC_TUNE_OPTIONS_MAX] = malloc(MAX_TRIALS * sizeof *opts);
    res->trials = calloc(MAX_TRIALS, sizeof *res->trials);
    s->epochs_full = calloc(MAX_TRIALS, sizeof *s->epochs_full);
    s->algo = calloc(MAX_TRIALS, sizeof *s->algo);
    if (!opts || !res->trials || !s->epochs_full || !s->algo) {
        free(opts);
        return trec_fail(err, "out of memory");
    }
    for (int a = 0; a < c->space.nalgos; a++) {
        uint64_t n;
        if (trec_tune_space_trials(&c->space, a, c->trials, c->seed, opts,
                                   MAX_TRIALS - res->ntrials, &n, err) != 0) {
            free(opts);
            return -1;
        }
        const trec_algorithm *alg = trec_algorithm_find(c->space.algos[a]);
        for (uint64_t j = 0; j < n; j++) {
            trec_tune_trial *t = &res->trials[res->ntrials];
            t->id = res->ntrials + 1;
            t->algorithm = alg->name;
            snprintf(t->options, sizeof t->options, "%s", opts[j]);
            trec_fit_config cfg;
            if (trial_config(c, s->x, t->algorithm, t->options, 0, &cfg, err) != 0) {
                trec_error e2 = *err;
                free(opts);
                return trec_fail(err, "trial %llu (%s %s): %s", (unsigned long long)t->id,
                                 t->algorithm, t->options, e2.msg);
            }
            int has_epochs = (alg->options & TREC_OPT(TREC_OPT_EPOCHS)) != 0;
            s->epochs_full[res->ntrials] = has_epochs ? cfg.epochs : 0;
            t->rungs = has_epochs && cfg.epochs > 1 ? c->rungs : 1;
            t->rung = -1;
            s->algo[res->ntrials] = a;
            res->ntrials++;
        }
    }
    free(opts);
    return 0;
}

int trec_tune_run(const trec_tune_config *cfg, const trec_csr *train, const char *log_path,
                  const char *resume, const char *resume_name, trec_tune_result *res,
                  trec_error *err)
{
    memset(res, 0, sizeof *res);
    search s = {.cfg = cfg, .x = train, .res = res, .t0 = now(), .log_path = log_path};
    trec_metric_label(cfg->vc.metric, cfg->vc.k, res->metric, sizeof res->metric);
    int rc = -1;
    uint64_t *alive = NULL;
    trec_validation_config vc = cfg->vc;
    vc.interrupt = over_budget;
    vc.interrupt_ctx = &s;
    if (cfg->eta < 2 || cfg->rungs < 1)
        return trec_fail(err, "trec-tune: eta must be at least 2 and rungs at least 1");
    if ((resume && parse_prior(&s, resume, resume_name, err) != 0) ||
        make_trials(&s, err) != 0 || trec_validation_new(&s.val, &vc, err) != 0)
        goto out;
    if (log_add(&s, err, "# trec-tune log: metric %s, seed %llu, eta %d, rungs %d\n%s",
                res->metric, (unsigned long long)cfg->seed, cfg->eta, cfg->rungs,
                LOG_HEADER) != 0 ||
        log_write(&s, err) != 0)
        goto out;
    alive = malloc((res->ntrials ? res->ntrials : 1) * sizeof *alive);
    if (!alive) {
        trec_fail(err, "out of memory");
        goto out;
    }
    /* rung by rung; per algorithm, its survivors in trial order */
    for (int rung = 0; rung < cfg->rungs && !res->out_of_budget; rung++) {
        for (int a = 0; a < cfg->space.nalgos && !res->out_of_budget; a++) {
            uint64_t n = 0;
            for (uint64_t i = 0; i < res->ntrials; i++)
                if (s.algo[i] == a && res->trials[i].rungs > rung &&
                    (rung == 0 || (res->trials[i].rung == rung - 1 && res->trials[i].done)))
                    alive[n++] = i;
            if (rung > 0) {
                /* the best ceil(n' / eta) of the last rung go on */
                uint64_t m = 0;
                for (uint64_t i = 0; i < res->ntrials; i++)
                    if (s.algo[i] == a && res->trials[i].rung == rung - 1)
                        m++;
                uint64_t keep = (m + (uint64_t)cfg->eta - 1) / (uint64_t)cfg->eta;
                sort_ctx = &s;
                qsort(alive, n, sizeof *alive, by_value);
                n = n < keep ? n : keep;
                /* trial order again */
                for (uint64_t x = 1; x < n; x++)
                    for (uint64_t y = x; y > 0 && alive[y] < alive[y - 1]; y--) {
                        uint64_t tmp = alive[y];
                        alive[y] = alive[y - 1];
                        alive[y - 1] = tmp;
                    }
            }
            for (uint64_t j = 0; j < n; j++) {
                int r = run_trial(&s, alive[j], rung, err);
                if (r < 0)
                    goto out;
                if (r == 1) {
                    res->out_of_budget = 1;
                    break;
                }
            }
        }
    }
    /* the best: among those that finished their last rung, else any */
    for (int pass = 0; pass < 2 && !res->have_best; pass++)
        for (uint64_t i = 0; i < res->ntrials; i++) {
            const trec_tune_trial *t = &res->trials[i];
            if (!t->done || (pass == 0 && t->rung != t->rungs - 1))
                continue;
            if (!res->have_best || t->value > res->trials[res->best].value)
                res->best = i, res->have_best = 1;
        }
    rc = 0;
out:
    free(alive);
    free(s.log);
    free(s.prior);
    free(s.epochs_full);
    free(s.algo);
    trec_validation_free(s.val);
    return rc;
}

void trec_tune_result_free(trec_tune_result *res)
{
    free(res->trials);
    memset(res, 0, sizeof *res);
}
