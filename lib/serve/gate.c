/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* gate.c - quality gates on evaluation results (gate.h). */
#include "gate.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* Parses "METRIC@K", or "auc" (the same at every K: k = 0), from s[0..len). */
static int parse_metric_at(const char *s, size_t len, int *metric, uint32_t *k,
                           const char *spec, trec_error *err)
{
    const char *at = memchr(s, '@', len);
    size_t mlen = at ? (size_t)(at - s) : len;
    if (mlen == 3 && strncmp(s, trec_metric_names[TREC_AUC], 3) == 0) {
        *metric = TREC_AUC;
        *k = 0;
        return at ? trec_fail(err, "gate '%s': auc takes no @K", spec) : 0;
    }
    if (!at)
        return trec_fail(err, "gate '%s': want METRIC@K (e.g. recall@10), or auc", spec);
    *metric = -1;
    for (int i = 0; i < TREC_N_METRICS; i++)
        if (strlen(trec_metric_names[i]) == mlen && strncmp(trec_metric_names[i], s, mlen) == 0)
            *metric = i;
    if (*metric < 0) {
        char names[256] = "";
        for (int i = 0; i < TREC_N_METRICS; i++) {
            strncat(names, i ? ", " : "", sizeof names - strlen(names) - 1);
            strncat(names, trec_metric_names[i], sizeof names - strlen(names) - 1);
        }
        return trec_fail(err, "gate '%s': unknown metric '%.*s' (known: %s)", spec, (int)mlen,
                         s, names);
    }
    const char *kp = at + 1, *end = s + len;
    unsigned long long v = 0;
    if (kp == end)
        return trec_fail(err, "gate '%s': missing K after '@'", spec);
    for (const char *p = kp; p < end; p++) {
        if (*p < '0' || *p > '9' || v > 1000000000ULL)
            return trec_fail(err, "gate '%s': K must be a positive integer", spec);
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v < 1 || v > 1000000000ULL)
        return trec_fail(err, "gate '%s': K must be a positive integer", spec);
    *k = (uint32_t)v;
    return 0;
}

int trec_gate_parse_min(trec_gate *g, const char *spec, trec_error *err)
{
    memset(g, 0, sizeof *g);
    g->kind = TREC_GATE_MIN;
    const char *eq = strchr(spec, '=');
    if (!eq)
        return trec_fail(err, "gate '%s': want METRIC@K=VALUE (e.g. recall@10=0.15) or "
                         "auc=VALUE", spec);
    if (parse_metric_at(spec, (size_t)(eq - spec), &g->metric, &g->k, spec, err) != 0)
        return -1;
    char *end;
    errno = 0;
    g->threshold = strtod(eq + 1, &end);
    if (errno || end == eq + 1 || *end || !isfinite(g->threshold))
        return trec_fail(err, "gate '%s': '%s' is not a number", spec, eq + 1);
    return 0;
}

int trec_gate_parse_baseline(trec_gate *g, const char *spec, trec_error *err)
{
    memset(g, 0, sizeof *g);
    g->kind = TREC_GATE_BASELINE;
    const char *colon = strchr(spec, ':');
    size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (nlen == 0 || nlen >= sizeof g->baseline)
        return trec_fail(err, "gate '%s': want RANKER, RANKER:METRIC@K or RANKER:auc "
                         "(e.g. most-popular)", spec);
    memcpy(g->baseline, spec, nlen);
    g->baseline[nlen] = 0;
    if (!colon) {
        g->all_ks = 1;
        g->metric = TREC_RECALL;
        return 0;
    }
    return parse_metric_at(colon + 1, strlen(colon + 1), &g->metric, &g->k, spec, err);
}

int trec_gate_index(const trec_eval_config *cfg, int metric, uint32_t k)
{
    if (metric < 0 || metric >= TREC_N_METRICS || cfg->nk < 1)
        return -1;
    if (metric == TREC_AUC)   /* the same at every K: the first */
        return metric;
    for (int i = 0; i < cfg->nk; i++)
        if (cfg->ks[i] == k)
            return i * TREC_N_METRICS + metric;
    return -1;
}

static int ks_text(const trec_eval_config *cfg, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < cfg->nk && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%u", i ? "," : "", cfg->ks[i]);
        if (w < 0)
            return -1;
        n += (size_t)w;
    }
    return 0;
}

int trec_gate_validate(const trec_gate *gates, int n, const trec_eval_config *cfg,
                       const char *const *rankers, int n_rankers, trec_error *err)
{
    char ks[256];
    for (int g = 0; g < n; g++) {
        const trec_gate *gt = &gates[g];
        if (!gt->all_ks && gt->metric != TREC_AUC &&
            trec_gate_index(cfg, gt->metric, gt->k) < 0) {
            ks_text(cfg, ks, sizeof ks);
            return trec_fail(err, "gate on %s@%u: K = %u is not an evaluated cut-off "
                             "(-k %s)", trec_metric_names[gt->metric], gt->k, gt->k, ks);
        }
        if (gt->kind == TREC_GATE_BASELINE) {
            int found = 0;
            for (int r = 0; r < n_rankers; r++)
                found |= strcmp(rankers[r], gt->baseline) == 0;
            if (!found) {
                char names[256] = "";
                for (int r = 0; r < n_rankers; r++) {
                    strncat(names, r ? ", " : "", sizeof names - strlen(names) - 1);
                    strncat(names, rankers[r], sizeof names - strlen(names) - 1);
                }
                return trec_fail(err, "gate: no baseline '%s' in this evaluation "
                                 "(available: %s)", gt->baseline, names);
            }
        }
    }
    return 0;
}

/* The text of a value below a gate's threshold: the metric's usual 6
 * decimals, or as many digits as it takes to show it is below when rounding
 * to 6 decimals would print a value that is not (0.1499996 < 0.15). */
static void below_text(double v, double threshold, char *t, size_t size)
{
    trec_format_metric(v, 0, t, size);
    for (int digits = 7; digits <= 17 && strtod(t, NULL) >= threshold; digits++)
        snprintf(t, size, "%.*g", digits, v);
}

/* A threshold as given: the shortest text that reads back as the same
 * double (%g's 6 digits would print 0.1500001 as 0.15). */
static void threshold_text(double threshold, char *t, size_t size)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(t, size, "%.*g", digits, threshold);
        if (strtod(t, NULL) == threshold)
            break;
    }
}

static void append(char *reason, size_t size, int *failed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *reason, size_t size, int *failed, const char *fmt, ...)
{
    size_t n = strlen(reason);
    if (*failed && n + 2 < size) {
        strcpy(reason + n, "; ");
        n += 2;
    }
    if (n < size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason + n, size - n, fmt, ap);
        va_end(ap);
    }
    (*failed)++;
}

int trec_gate_check(const trec_gate *gates, int n, const trec_eval_config *cfg,
                    const double *model_mean, const trec_gate_ranker *rankers, int n_rankers,
                    char *reason, size_t size, trec_error *err)
{
    int failed = 0;
    if (size)
        reason[0] = 0;
    for (int g = 0; g < n; g++) {
        const trec_gate *gt = &gates[g];
        char label[64];
        if (gt->kind == TREC_GATE_MIN) {
            int j = trec_gate_index(cfg, gt->metric, gt->k);
            trec_metric_label(gt->metric, gt->k, label, sizeof label);
            if (j < 0)
                return trec_fail(err, "gate on %s: K not evaluated", label);
            double v = model_mean[j];
            char t[TREC_METRIC_TEXT], tt[TREC_METRIC_TEXT];
            below_text(v, gt->threshold, t, sizeof t);
            threshold_text(gt->threshold, tt, sizeof tt);
            if (!(v >= gt->threshold))
                append(reason, size, &failed, "%s = %s < %s", label, t, tt);
            continue;
        }
        const double *base = NULL;
        for (int r = 0; r < n_rankers; r++)
            if (strcmp(rankers[r].name, gt->baseline) == 0)
                base = rankers[r].mean;
        if (!base)
            return trec_fail(err, "gate: no baseline '%s' in this evaluation", gt->baseline);
        for (int ki = 0; ki < cfg->nk; ki++) {
            if (gt->metric == TREC_AUC ? ki > 0 : !gt->all_ks && cfg->ks[ki] != gt->k)
                continue;   /* AUC: the same at every K, compared once */
            int j = ki * TREC_N_METRICS + gt->metric;
            char t[TREC_METRIC_TEXT], tb[TREC_METRIC_TEXT];
            trec_format_metric(model_mean[j], 0, t, sizeof t);
            trec_format_metric(base[j], 0, tb, sizeof tb);
            trec_metric_label(gt->metric, cfg->ks[ki], label, sizeof label);
            if (!(model_mean[j] > base[j]))
                append(reason, size, &failed, "%s = %s is no better than %s (%s)", label, t,
                       gt->baseline, tb);
        }
    }
    return failed;
}
