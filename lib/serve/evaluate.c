/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* evaluate.c - a model's metrics on a split in one call (metrics.h): its
 * scorer, every user's top K with the excluded items left out, the metrics
 * of the lists and, when asked, AUC from the full ranking. Also the
 * "metric@K" names the tools take. */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

int trec_metric_parse(const char *s, int *metric, uint32_t *k, trec_error *err)
{
    char name[32];
    const char *at = strchr(s, '@');
    size_t n = at ? (size_t)(at - s) : strlen(s);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, s, n);
    name[n] = 0;
    *metric = trec_metric_from_name(name);
    *k = 10;
    if (*metric < 0)
        return trec_fail(err, "unknown metric '%s' (recall, precision, ndcg, f1, map, mrr, "
                         "hit-rate, coverage @K, or auc)", s);
    if (*metric == TREC_AUC)
        return at ? trec_fail(err, "metric '%s': auc takes no @K", s) : 0;
    if (!at)
        return 0;
    char *end;
    unsigned long v = strtoul(at + 1, &end, 10);
    if (end == at + 1 || *end || at[1] == '-' || at[1] == '+' || v < 1 || v > 1000000)
        return trec_fail(err, "metric '%s': K must be an integer in [1, 1000000]", s);
    *k = (uint32_t)v;
    return 0;
}

int trec_eval_model(const trec_model *m, const trec_positives *p, const trec_csr *exclude,
                    const trec_eval_config *cfg, int with_auc, int threads,
                    trec_eval_result *out, trec_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t kmax = 0;
    for (int i = 0; i < cfg->nk; i++)
        kmax = cfg->ks[i] > kmax ? cfg->ks[i] : kmax;
    trec_scorer s;
    trec_topk_lists lists;
    memset(&lists, 0, sizeof lists);
    if (trec_scorer_for_users(&s, m, err) != 0)
        return -1;
    const trec_csr *ex[1] = {exclude};
    trec_topk_request req = {.scorer = &s, .n_queries = m->n_users, .k = kmax,
                             .exclude = exclude ? ex : NULL, .n_exclude = exclude ? 1 : 0,
                             .threads = threads < 1 ? 1 : threads};
    int rc = trec_topk_run(&req, &lists, err);
    if (rc == 0)
        rc = trec_eval_lists(p, &lists, cfg, out, err);
    if (rc == 0 && with_auc && (rc = trec_eval_auc(p, &s, exclude, threads, out, err)) != 0)
        trec_eval_result_free(out);
    trec_topk_lists_free(&lists);
    trec_scorer_free(&s);
    return rc;
}
