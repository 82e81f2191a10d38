/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* example.c - a program using libtrec through its installed API only
 * (<trec/trec.h>): fits a model with the algorithm named on the command line
 * and prints the first user's top 5 items (internal indices and scores).
 * Built and run by tests/cli/test-api.sh against the staged public headers.
 *
 *   example MATRIX.csr ALGORITHM */
#include <stdio.h>

#include <trec/trec.h>

static int fail(const trec_error *err)
{
    fprintf(stderr, "example: %s\n", err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: example MATRIX.csr ALGORITHM\n");
        return 2;
    }
    trec_error err;
    trec_csr x;
    trec_fit_config cfg;
    trec_fit_result res;
    trec_model m;
    if (trec_csr_read(argv[1], &x, &err) != 0 || trec_fit_config_for(&cfg, argv[2], &err) != 0)
        return fail(&err);
    cfg.epochs = cfg.epochs > 5 ? 5 : cfg.epochs;
    if (trec_fit(&cfg, &x, NULL, NULL, NULL, &m, &res, &err) != 0)
        return fail(&err);
    trec_scorer s;
    trec_topk_lists top;
    uint64_t first = 0;
    if (trec_scorer_for_users(&s, &m, &err) != 0)
        return fail(&err);
    trec_topk_request req = {.scorer = &s, .queries = &first, .n_queries = 1, .k = 5,
                             .threads = 1};
    if (trec_topk_run(&req, &top, &err) != 0)
        return fail(&err);
    for (uint32_t r = 0; r < top.len[0]; r++)
        printf("%u\t%u\t%g\n", r + 1, top.items[r], (double)top.scores[r]);
    trec_topk_lists_free(&top);
    trec_scorer_free(&s);
    trec_model_free(&m);
    trec_csr_free(&x);
    return 0;
}
