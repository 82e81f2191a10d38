/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* eval_mpi.c - trec-eval with each rank scoring a block of users
 * (trec_mpi_eval).
 *
 * Rank r reads its users' rows of the test (and train) matrix (csr_part.h,
 * the CRCs combined across the ranks), ranks its users' top-K lists and
 * the baselines' (most-popular from the item counts summed over the
 * ranks), and computes its users' metric values. The means are sums of
 * per-user values: the running sums go from rank to rank in user order
 * (trec_mpi_chain), so they are the single-process sums bit for bit; the
 * user and positive counts are summed exactly. Rank 0 gets the results
 * (and, for --per-user, every user's values). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "history.h"
#include "mpi_util.h"
#include "score.h"
#include "topk.h"

typedef struct dsplit {
    const char *name;
    trec_csr_file file;
    trec_csr m;                 /* my users' rows */
    trec_positives pos;         /* of m */
    trec_eval_result res[TREC_MPI_RANKERS]; /* over my users */
} dsplit;

typedef struct deval {
    const trec_mpi_eval_request *req;
    int rank, size;
    uint64_t nu, ni, u0, n;     /* my users: u0 .. u0 + n */
    uint64_t *cut;
    int *count, *displ;         /* cut as MPI's counts and displacements */
    dsplit sp[2];
    const trec_csr *train;      /* my users' train rows, or NULL */
    trec_csr wide;              /* the same rows as a matrix of all users */
    trec_csr histories;         /* --fold-in: my users' weighted train rows */
    uint64_t *queries;          /* u0 .. u0 + n */
    trec_scorer scorer;
    trec_topk_lists all, excl;
    uint32_t *pop_order;
    uint32_t kmax;
} deval;

/* ---- reading ---- */

/* The file's shape and (rank 0) labels against the model's. */
static int check_matrix(deval *D, dsplit *s, trec_error *err)
{
    const trec_mpi_eval_request *q = D->req;
    trec_csr shell = {0};
    int rc = 0;
    shell.rows = s->file.rows;
    shell.cols = s->file.cols;
    if (D->rank == 0)
        rc = trec_csr_read_labels(&s->file, &shell, err);
    if (rc == 0)
        rc = trec_score_check_matrix(q->model, q->model_name, &shell, s->name, err);
    trec_csr_free(&shell);
    return trec_mpi_agree(rc, err);
}

/* Names my rows and their columns in messages by the model's labels (equal
 * to the file's, which rank 0 checked) when the file has labels. */
static void borrow_labels(deval *D, dsplit *s)
{
    const trec_model *m = D->req->model;
    int rlab = 0, clab = 0;
    for (uint32_t i = 0; i < s->file.head.count; i++) {
        rlab |= s->file.head.sections[i].tag == TREC_TAG_RLAB;
        clab |= s->file.head.sections[i].tag == TREC_TAG_CLAB;
    }
    if (rlab && m->user_labels.count)
        s->m.row_labels = (trec_labels){D->n, m->user_labels.offsets + D->u0,
                                        m->user_labels.blob};
    if (clab && m->item_labels.count)
        s->m.col_labels = m->item_labels;
}

static int read_split(deval *D, dsplit *s, const char *file, trec_error *err)
{
    s->name = trec_display_name(file);
    if (trec_mpi_open(file, &s->file, err) != 0 || check_matrix(D, s, err) != 0 ||
        trec_mpi_read_rows(&s->file, D->cut, &s->m, err) != 0)
        return -1;
    borrow_labels(D, s);
    return trec_mpi_agree(trec_positives_from_csr(&s->pos, &s->m, s->name, D->req->cfg, err),
                          err);
}

/* With --exclude-train no test positive may be a train entry: the count
 * over all ranks and the first pair (the lowest rank's first). */
static int check_overlap(deval *D, trec_error *err)
{
    uint64_t mine[3] = {0, 0, 0}, *all = trec_malloc((size_t)D->size * sizeof mine, err);
    uint32_t item = 0;
    if (trec_mpi_agree(all ? 0 : -1, err) != 0)
        return -1;
    mine[0] = trec_positives_overlap(&D->sp[0].pos, D->train, &mine[1], &item);
    mine[1] += D->u0;
    mine[2] = item;
    MPI_Allgather(mine, 3, MPI_UINT64_T, all, 3, MPI_UINT64_T, MPI_COMM_WORLD);
    uint64_t n = 0, first = 0;
    for (int r = D->size - 1; r >= 0; r--)
        if (all[3 * r]) {
            n += all[3 * r];
            first = (uint64_t)r;
        }
    int rc = 0;
    if (n)
        rc = trec_overlap_error(err, n, all[3 * first + 1], (uint32_t)all[3 * first + 2],
                                &D->req->model->user_labels, &D->req->model->item_labels,
                                D->sp[0].name, D->sp[D->req->train].name);
    free(all);
    return rc;
}

/* ---- ranking ---- */

/* My train rows in the shape of all users (rows outside my block empty),
 * for the top-K driver's exclusions; entries shared with D->train. */
static int widen(deval *D, trec_error *err)
{
    const trec_csr *t = D->train;
    memset(&D->wide, 0, sizeof D->wide);
    D->wide.rows = D->nu;
    D->wide.cols = D->ni;
    D->wide.nnz = t->nnz;
    D->wide.colidx = t->colidx;
    D->wide.vals = t->vals;
    D->wide.rowptr = trec_calloc(D->nu + 1, sizeof *D->wide.rowptr, err);
    if (!D->wide.rowptr || trec_csr_own(&D->wide, D->wide.rowptr, err) != 0)
        return -1;
    for (uint64_t u = 0; u < D->nu; u++)
        D->wide.rowptr[u + 1] = u < D->u0 ? 0 : u < D->u0 + D->n ? t->rowptr[u - D->u0 + 1]
                                                                  : t->nnz;
    return 0;
}

/* My users' scorer and their queries: the model's users u0 .. u0 + n, with
 * the train rows widened to all users for the exclusions; or with --fold-in
 * my users made from their train rows (rows 0 .. n of the histories; each
 * row is solved on its own, so the vectors are the single-process ones),
 * excluded by those rows themselves. */
static int scorer(deval *D, const trec_csr **excl, trec_error *err)
{
    const trec_mpi_eval_request *q = D->req;
    *excl = D->train;
    if (q->fold_in) {
        if (trec_history_from_csr(&D->histories, D->train, err) != 0)
            return -1;
        trec_history_weigh(&D->histories, q->model, 1);
        return trec_scorer_for_histories(&D->scorer, q->model, &D->histories, err);
    }
    D->queries = trec_malloc((D->n ? D->n : 1) * sizeof *D->queries, err);
    if (!D->queries || trec_scorer_for_users(&D->scorer, q->model, err) != 0 ||
        (q->splits[0].exclude && widen(D, err) != 0))
        return -1;
    for (uint64_t i = 0; i < D->n; i++)
        D->queries[i] = D->u0 + i;
    *excl = &D->wide;
    return 0;
}

static int rank_model(deval *D, trec_error *err)
{
    const trec_mpi_eval_request *q = D->req;
    int exclude = D->req->splits[0].exclude;
    const trec_csr *excl[1];
    if (scorer(D, excl, err) != 0)
        return -1;
    trec_topk_request r = {.scorer = &D->scorer, .queries = D->queries, .n_queries = D->n,
                           .k = D->kmax, .threads = q->threads};
    if ((!exclude || D->train) && trec_topk_run(&r, &D->all, err) != 0)
        return -1;
    r.exclude = excl;
    r.n_exclude = 1;
    return exclude ? trec_topk_run(&r, &D->excl, err) : 0;
}

/* The most-popular order from the train positives of every rank. */
static int popularity(deval *D, trec_error *err)
{
    uint64_t *counts = NULL;
    int rc = trec_popularity_counts(&D->sp[D->req->train].pos, &counts, err);
    if (trec_mpi_agree(rc, err) != 0) {
        free(counts);
        return -1;
    }
    trec_mpi_sum_u64(counts, D->ni);
    rc = trec_popularity_order_of(counts, D->ni, &D->pop_order, err);
    free(counts);
    return trec_mpi_agree(rc, err);
}

/* Each ranker's values for my users on split s. */
static int evaluate_split(deval *D, int s, trec_error *err)
{
    const trec_mpi_eval_request *q = D->req;
    trec_mpi_split *out = &q->splits[s];
    dsplit *sp = &D->sp[s];
    const trec_csr *excl = out->exclude ? D->train : NULL;
    if (trec_eval_lists(&sp->pos, out->exclude ? &D->excl : &D->all, q->cfg,
                        &sp->res[TREC_MPI_MODEL], err) != 0)
        return -1;
    out->have[TREC_MPI_MODEL] = out->have[TREC_MPI_RANDOM] = 1;
    if (D->pop_order) {
        trec_topk_lists pl;
        int rc = trec_popular_lists(D->pop_order, D->n, D->ni, excl, D->kmax, &pl, err);
        if (rc == 0)
            rc = trec_eval_lists(&sp->pos, &pl, q->cfg, &sp->res[TREC_MPI_POPULAR], err);
        trec_topk_lists_free(&pl);
        if (rc != 0)
            return -1;
        out->have[TREC_MPI_POPULAR] = 1;
    }
    return trec_eval_random(&sp->pos, excl, q->cfg, &sp->res[TREC_MPI_RANDOM], err);
}

/* ---- results on rank 0 ---- */

static int width(const deval *D)
{
    return D->req->cfg->nk * TREC_N_METRICS;
}

/* Adds my users' values of every split and ranker, in that order. */
static void add_mine(void *ctx, double *v)
{
    deval *D = ctx;
    for (int s = 0; s < D->req->nsplits; s++)
        for (int k = 0; k < TREC_MPI_RANKERS; k++, v += width(D))
            if (D->req->splits[s].have[k])
                trec_eval_add_users(&D->sp[s].res[k], v);
}

/* Rank 0's result of a ranker: the counts of all users and the means. */
static int finish(deval *D, int s, int k, const uint64_t *counts, const double *sum,
                  trec_error *err)
{
    trec_eval_result *r = &D->req->splits[s].res[k];
    memset(r, 0, sizeof *r);
    r->nk = D->req->cfg->nk;
    r->n_users = D->nu;
    r->evaluated = counts[0];
    r->skipped = counts[1];
    r->n_positives = counts[2];
    if (!(r->mean = trec_calloc((size_t)width(D), sizeof *r->mean, err)))
        return -1;
    trec_eval_set_means(r, sum);
    return 0;
}

static int combine(deval *D, trec_error *err)
{
    const trec_mpi_eval_request *q = D->req;
    int n = q->nsplits * TREC_MPI_RANKERS, w = width(D), rc = 0;
    uint64_t *counts = trec_calloc((size_t)n * 3, sizeof *counts, err);
    double *sum = trec_calloc((size_t)(n * w), sizeof *sum, err);
    if (trec_mpi_agree(counts && sum ? 0 : -1, err) == 0) {
        for (int j = 0; j < n; j++) {
            const trec_eval_result *r = &D->sp[j / TREC_MPI_RANKERS].res[j % TREC_MPI_RANKERS];
            counts[3 * j] = r->evaluated;
            counts[3 * j + 1] = r->skipped;
            counts[3 * j + 2] = r->n_positives;
        }
        trec_mpi_sum_u64(counts, (uint64_t)n * 3);
        trec_mpi_chain(sum, n * w, add_mine, D);
        for (int j = 0; rc == 0 && D->rank == 0 && j < n; j++)
            if (q->splits[j / TREC_MPI_RANKERS].have[j % TREC_MPI_RANKERS])
                rc = finish(D, j / TREC_MPI_RANKERS, j % TREC_MPI_RANKERS, counts + 3 * j,
                            sum + (size_t)j * w, err);
        rc = trec_mpi_agree(rc, err);
    } else {
        rc = -1;
    }
    free(counts);
    free(sum);
    return rc;
}

/* Rows of `bytes` bytes from every rank's block (rank r's users) into
 * rank 0's buffer `all` of every user. */
static void gather(const deval *D, const void *mine, void *all, uint64_t bytes)
{
    MPI_Datatype row;
    MPI_Type_contiguous((int)bytes, MPI_BYTE, &row);
    MPI_Type_commit(&row);
    MPI_Gatherv(mine, (int)D->n, row, all, D->count, D->displ, row, 0, MPI_COMM_WORLD);
    MPI_Type_free(&row);
    if (D->rank == 0)
        trec_mpi_counted.bytes_in += (D->nu - D->n) * bytes;
}

/* --per-user: the model's values of every user, and positives per user. */
static int gather_per_user(deval *D, int s, trec_error *err)
{
    trec_mpi_split *out = &D->req->splits[s];
    trec_eval_result *r = &out->res[TREC_MPI_MODEL];
    const trec_eval_result *mine = &D->sp[s].res[TREC_MPI_MODEL];
    uint64_t nu = D->nu ? D->nu : 1, *np = trec_malloc((D->n ? D->n : 1) * 8, err);
    int rc = np ? 0 : -1;
    if (rc == 0 && D->rank == 0 &&
        (!(r->has = trec_calloc(nu, 1, err)) ||
         !(r->per_user = trec_calloc(nu * (uint64_t)width(D), sizeof(double), err)) ||
         !(out->pos.rowptr = trec_calloc(nu + 1, sizeof(uint64_t), err))))
        rc = -1;
    if ((rc = trec_mpi_agree(rc, err)) != 0)
        goto done;
    for (uint64_t u = 0; u < D->n; u++)
        np[u] = D->sp[s].pos.rowptr[u + 1] - D->sp[s].pos.rowptr[u];
    gather(D, mine->has, r->has, 1);
    gather(D, mine->per_user, r->per_user, (uint64_t)width(D) * sizeof(double));
    gather(D, np, D->rank == 0 ? out->pos.rowptr + 1 : NULL, 8);
    if (D->rank == 0) {
        out->pos.n_users = D->nu;
        out->pos.n_items = D->ni;
        for (uint64_t u = 0; u < D->nu; u++)
            out->pos.rowptr[u + 1] += out->pos.rowptr[u];
        out->pos.n = out->pos.rowptr[D->nu];
    }
done:
    free(np);
    return rc;
}

/* ---- the evaluation ---- */

static int run(deval *D, trec_error *err)
{
    const trec_mpi_eval_request *q = D->req;
    for (int s = 0; s < q->nsplits; s++)
        if (read_split(D, &D->sp[s], q->splits[s].file, err) != 0)
            return -1;
    D->train = q->train >= 0 ? &D->sp[q->train].m : NULL;
    if (q->splits[0].exclude && trec_mpi_agree(check_overlap(D, err), err) != 0)
        return -1;
    if (trec_mpi_agree(rank_model(D, err), err) != 0 ||
        (D->train && popularity(D, err) != 0))
        return -1;
    for (int s = 0; s < q->nsplits; s++)
        if (trec_mpi_agree(evaluate_split(D, s, err), err) != 0)
            return -1;
    if (combine(D, err) != 0)
        return -1;
    for (int s = 0; q->per_user && s < q->nsplits; s++)
        if (gather_per_user(D, s, err) != 0)
            return -1;
    return 0;
}

static uint32_t max_k(const trec_eval_config *cfg)
{
    uint32_t m = 0;
    for (int i = 0; i < cfg->nk; i++)
        m = cfg->ks[i] > m ? cfg->ks[i] : m;
    return m;
}

int trec_mpi_eval(const trec_mpi_eval_request *req, trec_error *err)
{
    deval D = {.req = req, .rank = trec_mpi_rank(), .size = trec_mpi_size(),
               .nu = req->model->n_users, .ni = req->model->n_items, .kmax = max_k(req->cfg)};
    for (int s = 0; s < 2; s++)
        trec_csr_file_close(&D.sp[s].file);
    trec_mpi_counted = (trec_mpi_counters){0, 0};
    D.cut = trec_mpi_cuts(D.nu, TREC_TOPK_QUERY_BLOCK, NULL, err);
    D.count = trec_malloc((size_t)D.size * sizeof *D.count, err);
    D.displ = trec_malloc((size_t)D.size * sizeof *D.displ, err);
    int rc = D.cut && D.count && D.displ ? 0 : -1;
    if (rc == 0 && D.nu > INT_MAX)
        rc = trec_fail(err, "too many users for a distributed evaluation (%llu; at most %d)",
                       (unsigned long long)D.nu, INT_MAX);
    for (int r = 0; rc == 0 && r < D.size; r++) {
        D.count[r] = (int)(D.cut[r + 1] - D.cut[r]);
        D.displ[r] = (int)D.cut[r];
    }
    rc = trec_mpi_agree(rc, err);
    if (rc == 0) {
        D.u0 = D.cut[D.rank];
        D.n = D.cut[D.rank + 1] - D.u0;
        rc = run(&D, err);
    }
    for (int s = 0; s < 2; s++) {
        for (int k = 0; k < TREC_MPI_RANKERS; k++)
            trec_eval_result_free(&D.sp[s].res[k]);
        trec_positives_free(&D.sp[s].pos);
        trec_csr_free(&D.sp[s].m);
        trec_csr_file_close(&D.sp[s].file);
    }
    trec_csr_free(&D.wide);
    trec_csr_free(&D.histories);
    trec_topk_lists_free(&D.all);
    trec_topk_lists_free(&D.excl);
    trec_scorer_free(&D.scorer);
    free(D.queries);
    free(D.pop_order);
    free(D.cut);
    free(D.count);
    free(D.displ);
    return rc;
}
