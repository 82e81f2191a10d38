/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* als_mpi.c - implicit ALS data-parallel over MPI ranks (trec_mpi_fit).
 *
 * Rank r owns a block of users (whole tasks of TREC_ALS_ROWS_PER_TASK rows,
 * the same number of rows per rank) and a block of items (whole tasks,
 * balanced by entries); every rank holds all the factors of both sides.
 *   setup      each rank reads its users' rows of the file (csr_part.h:
 *              pread of its RPTR range and the matching CIDX/VALS ranges),
 *              the CRCs of the ranges combine into the sections' CRCs; the
 *              rows are prepared as trec_fit prepares them; the item side
 *              (its items' entries, users ascending) comes from an
 *              all-to-all exchange of the entries; the loss normaliser is
 *              summed along the ranks in order.
 *   iteration  per half: the Gram partials of the fixed side (chunks shared
 *              out among the ranks) are all-gathered and summed in chunk
 *              order; each rank solves its rows; the per-task losses are
 *              all-gathered and summed in task order; the solved rows are
 *              all-gathered.
 * Every sum is then the single-process fit's, in the same order: the model
 * and the losses equal trec_fit's bit for bit (trec-fit(1)). */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "als.h"
#include "fileio.h"
#include "init_map.h"
#include "mpi_util.h"

#define UNIT TREC_ALS_ROWS_PER_TASK

typedef struct dals {
    const trec_fit_config *cfg;
    int rank, size;
    uint64_t nu, ni, k, nnz;
    uint64_t *cut[2];           /* users, items: rank r's rows cut[r] .. cut[r + 1] */
    uint64_t *chunk_cut[2];     /* Gram chunks of each side computed by rank r */
    uint64_t *task_cut[2];      /* loss tasks of each side */
    trec_csr x[2];              /* my users' rows (item columns), my items' (user columns) */
    float *f[2];                /* all user and item factors (rank 0: the model's W1) */
    float *yty, *partials;
    double *loss;               /* per task of a side, all ranks' */
    double norm;
    trec_csr labels;            /* rank 0: the matrix's labels */
    trec_csr_file file;
    trec_fit_inputs inputs;
} dals;

/* ---- setup ---- */

static int check_config(const dals *D, trec_error *err)
{
    const char *name = trec_fit_algorithm_name(D->cfg);
    if (trec_fit_check(D->cfg, err) != 0)
        return -1;
    if (strcmp(name, "als") != 0)
        return trec_fail(err, "--algorithm %s runs in one process: only als fits across MPI "
                         "ranks (%d here); run it without mpirun", name, D->size);
    if (D->cfg->components > 46340)
        return trec_fail(err, "--components %llu is too large for a distributed fit (at "
                         "most 46340)", (unsigned long long)D->cfg->components);
    return 0;
}

/* The shape, the user blocks, the rows, rank 0's labels, the weights. */
static int read_users(dals *D, const char *train, trec_error *err)
{
    trec_csr raw, shape = {0};
    if (trec_mpi_open(train, &D->file, err) != 0)
        return -1;
    D->nu = shape.rows = D->file.rows;
    D->ni = shape.cols = D->file.cols;
    int rc = trec_fit_check_shape(&shape, err);
    if (rc == 0 && !(D->cut[0] = trec_mpi_cuts(D->nu, UNIT, NULL, err)))
        rc = -1;
    if (trec_mpi_agree(rc, err) != 0 || trec_mpi_read_rows(&D->file, D->cut[0], &raw, err) != 0)
        return -1;
    rc = D->rank == 0 ? trec_csr_read_labels(&D->file, &D->labels, err) : 0;
    if (rc == 0)
        rc = trec_fit_prepare(D->cfg, TREC_DATA_WEIGHTS, &raw, &D->x[0], err);
    trec_csr_free(&raw);
    if (trec_mpi_agree(rc, err) != 0)
        return -1;
    D->nnz = D->x[0].nnz;
    trec_mpi_sum_u64(&D->nnz, 1);
    if (D->nnz == 0)
        return trec_fail(err, TREC_ALS_NO_DATA "%s",
                         D->cfg->has_min_rating ? " (after --min-rating)" : "");
    return 0;
}

/* Item blocks of whole tasks, balanced by the work of their rows: a row's
 * products with Y'Y cost about k/2 entries'. */
static int item_cuts(dals *D, trec_error *err)
{
    uint64_t units = (D->ni + UNIT - 1) / UNIT;
    uint64_t *count = trec_calloc(D->ni, sizeof *count, err);
    uint64_t *w = trec_calloc(units, sizeof *w, err);
    int rc = count && w ? 0 : -1;
    if (trec_mpi_agree(rc, err) == 0) {
        for (uint64_t e = 0; e < D->x[0].nnz; e++)
            count[D->x[0].colidx[e]]++;
        trec_mpi_sum_u64(count, D->ni);
        for (uint64_t i = 0; i < D->ni; i++)
            w[i / UNIT] += count[i] + D->k / 2;
        rc = (D->cut[1] = trec_mpi_cuts(D->ni, UNIT, w, err)) ? 0 : -1;
        rc = trec_mpi_agree(rc, err);
    } else {
        rc = -1;
    }
    free(count);
    free(w);
    return rc;
}

/* An entry on its way to its item's rank. */
typedef struct entry {
    uint32_t item, user;
    float w;
} entry;

static int owner(const uint64_t *cut, int size, uint32_t item)
{
    int lo = 0, hi = size - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (cut[mid] <= item)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* My users' entries, grouped by destination rank (user order within each),
 * with per-rank counts and offsets. */
static entry *pack(const dals *D, int *count, int *displ, trec_error *err)
{
    const trec_csr *x = &D->x[0];
    uint64_t *n = trec_calloc((size_t)D->size + 1, sizeof *n, err);
    entry *buf = trec_malloc((x->nnz ? x->nnz : 1) * sizeof *buf, err);
    if (!n || !buf || x->nnz > INT_MAX) {
        if (n && buf)
            trec_fail(err, "%llu entries to exchange in one rank (at most %d): use more "
                      "ranks", (unsigned long long)x->nnz, INT_MAX);
        free(n);
        free(buf);
        return NULL;
    }
    for (uint64_t e = 0; e < x->nnz; e++)
        n[owner(D->cut[1], D->size, x->colidx[e]) + 1]++;
    for (int r = 0; r < D->size; r++) {
        count[r] = (int)n[r + 1];
        n[r + 1] += n[r];
        displ[r] = (int)n[r];
    }
    for (uint64_t r = 0; r < x->rows; r++)
        for (uint64_t e = x->rowptr[r]; e < x->rowptr[r + 1]; e++) {
            uint64_t at = n[owner(D->cut[1], D->size, x->colidx[e])]++;
            buf[at] = (entry){x->colidx[e], (uint32_t)(D->cut[0][D->rank] + r), x->vals[e]};
        }
    free(n);
    return buf;
}

/* My items' rows from the entries received (rank order = user order):
 * a stable counting sort by item, as transpose() in als.c. */
static int unpack(dals *D, const entry *in, uint64_t n, trec_error *err)
{
    uint64_t i0 = D->cut[1][D->rank], rows = D->cut[1][D->rank + 1] - i0;
    trec_csr *t = &D->x[1];
    if (trec_csr_alloc(t, rows, D->nu, n, 0, err) != 0)
        return -1;
    for (uint64_t e = 0; e < n; e++)
        t->rowptr[in[e].item - i0 + 1]++;
    for (uint64_t i = 0; i < rows; i++)
        t->rowptr[i + 1] += t->rowptr[i];
    uint64_t *fill = trec_malloc((rows ? rows : 1) * sizeof *fill, err);
    if (!fill)
        return -1;
    memcpy(fill, t->rowptr, rows * sizeof *fill);
    for (uint64_t e = 0; e < n; e++) {
        uint64_t at = fill[in[e].item - i0]++;
        t->colidx[at] = in[e].user;
        t->vals[at] = in[e].w;
    }
    free(fill);
    return 0;
}

/* The all-to-all: every entry to the rank of its item. */
static int exchange(dals *D, trec_error *err)
{
    int P = D->size, *sc = trec_calloc((size_t)P * 4, sizeof *sc, err);
    entry *out = sc ? pack(D, sc, sc + P, err) : NULL, *in = NULL;
    int rc = out ? 0 : -1;
    if (trec_mpi_agree(rc, err) != 0)
        goto done;
    int *rcount = sc + 2 * P, *rdispl = sc + 3 * P;
    double t0 = MPI_Wtime();
    MPI_Alltoall(sc, 1, MPI_INT, rcount, 1, MPI_INT, MPI_COMM_WORLD);
    uint64_t n = 0;
    for (int r = 0; r < P; r++) {
        rdispl[r] = n <= INT_MAX ? (int)n : 0;
        n += (uint64_t)rcount[r];
    }
    if (n > INT_MAX)
        rc = trec_fail(err, "%llu entries to receive in one rank (at most %d): use more "
                       "ranks", (unsigned long long)n, INT_MAX);
    else if (!(in = trec_malloc((n ? n : 1) * sizeof *in, err)))
        rc = -1;
    if (trec_mpi_agree(rc, err) != 0)
        goto done;
    MPI_Datatype et;
    MPI_Type_contiguous((int)sizeof(entry), MPI_BYTE, &et);
    MPI_Type_commit(&et);
    MPI_Alltoallv(out, sc, sc + P, et, in, rcount, rdispl, et, MPI_COMM_WORLD);
    MPI_Type_free(&et);
    trec_mpi_counted.bytes_in += (n - (uint64_t)rcount[D->rank]) * sizeof(entry) +
                                 (uint64_t)(P - 1) * sizeof(int);
    trec_mpi_counted.seconds += MPI_Wtime() - t0;
    free(out);
    out = NULL;
    rc = trec_mpi_agree(unpack(D, in, n, err), err);
done:
    free(sc);
    free(out);
    free(in);
    return rc;
}

static void add_norm(void *ctx, double *v)
{
    dals *D = ctx;
    v[0] = trec_als_norm_add(D->cfg, &D->x[0], v[0]);
}

/* Gram chunks and loss tasks per rank; the loss normaliser. */
static int plan(dals *D, trec_error *err)
{
    int rc = 0;
    for (int s = 0; s < 2 && rc == 0; s++) {
        uint64_t n = s ? D->ni : D->nu;
        if (!(D->chunk_cut[s] = trec_mpi_cuts(trec_als_chunks(n), 1, NULL, err)) ||
            !(D->task_cut[s] = trec_malloc((size_t)(D->size + 1) * sizeof(uint64_t), err)))
            rc = -1;
        for (int r = 0; rc == 0 && r <= D->size; r++)
            D->task_cut[s][r] = (D->cut[s][r] + UNIT - 1) / UNIT;
    }
    if (trec_mpi_agree(rc, err) != 0)
        return -1;
    D->norm = (double)D->nu * (double)D->ni;
    trec_mpi_chain(&D->norm, 1, add_norm, D);
    return 0;
}

static int setup(dals *D, const char *train, trec_error *err)
{
    if (trec_mpi_agree(check_config(D, err), err) != 0 || read_users(D, train, err) != 0 ||
        item_cuts(D, err) != 0 || exchange(D, err) != 0)
        return -1;
    return plan(D, err);
}

/* ---- factors ---- */

/* Continues from the --init model, read whole by every rank. */
static int load_init(dals *D, const char *init, trec_fit_result *res, trec_error *err)
{
    trec_model im, shape = {.kind = TREC_MODEL_FACTORS};
    if (trec_model_read(init, &im, err) != 0)
        return -1;
    shape.n_users = D->nu;
    shape.n_items = D->ni;
    shape.k = D->k;
    int rc = trec_als_check_init(&im, &shape, err);
    /* one process matches --init by raw ids and grows it (init_map.h);
     * across ranks the model must be of this matrix's users and items, in
     * its order (rank 0 holds the labels and checks them) */
    if (rc == 0 && (im.n_users != D->nu || im.n_items != D->ni))
        rc = trec_fail(err, "--init model has %" PRIu64 " users x %" PRIu64 " items, the "
                       "matrix %" PRIu64 " x %" PRIu64 ": under more than one rank --init "
                       "continues a model of the same users and items (a grown matrix "
                       "continues in one process)", im.n_users, im.n_items, D->nu, D->ni);
    if (rc == 0 && D->rank == 0) {
        int64_t *umap = NULL, *imap = NULL;
        uint64_t ku = 0, ki = 0;
        rc = trec_init_map(&im.user_labels, im.n_users, &D->labels.row_labels, D->nu, "user",
                           &umap, &ku, err);
        if (rc == 0)
            rc = trec_init_map(&im.item_labels, im.n_items, &D->labels.col_labels, D->ni,
                               "item", &imap, &ki, err);
        if (rc == 0 && (!trec_init_map_is_identity(umap, D->nu, im.n_users) ||
                        !trec_init_map_is_identity(imap, D->ni, im.n_items)))
            rc = trec_fail(err, "--init model's users or items are not this matrix's, in its "
                           "order: under more than one rank --init continues a model of the "
                           "same ingest (a grown matrix continues in one process)");
        free(umap);
        free(imap);
    }
    if (rc == 0) {
        memcpy(D->f[0], im.user.w1, D->nu * D->k * sizeof(float));
        memcpy(D->f[1], im.item.w1, D->ni * D->k * sizeof(float));
        res->epochs_before = trec_fit_model_epochs(&im);
        trec_fit_input_set(&D->inputs.init, trec_display_name(init), &im.file);
    }
    trec_model_free(&im);
    return rc;
}

static int start_factors(dals *D, const char *init, trec_model *model, trec_fit_result *res,
                         trec_error *err)
{
    uint64_t k = D->k, chunks = trec_als_chunks(D->nu > D->ni ? D->nu : D->ni);
    uint64_t tasks = D->task_cut[0][D->size] > D->task_cut[1][D->size]
                         ? D->task_cut[0][D->size] : D->task_cut[1][D->size];
    int rc = 0;
    if (D->rank == 0) {
        rc = trec_als_make_model(D->nu, D->ni, k, &D->labels.row_labels,
                                 &D->labels.col_labels, model, err);
        D->f[0] = model->user.w1;
        D->f[1] = model->item.w1;
        /* the model keeps the label bytes it points into */
        for (int i = 0; rc == 0 && i < D->labels.nowned; i++)
            rc = trec_model_own(model, D->labels.owned[i], err);
        D->labels.nowned = 0;
    } else if (!(D->f[0] = trec_malloc(D->nu * k * sizeof(float), err)) ||
               !(D->f[1] = trec_malloc(D->ni * k * sizeof(float), err))) {
        rc = -1;
    }
    if (rc == 0 && (!(D->yty = trec_malloc(k * k * sizeof *D->yty, err)) ||
                    !(D->partials = trec_malloc(chunks * k * k * sizeof *D->partials, err)) ||
                    !(D->loss = trec_calloc(tasks + 1, sizeof *D->loss, err))))
        rc = -1;
    if (rc == 0 && init)
        rc = load_init(D, init, res, err);
    else if (rc == 0)
        trec_als_init_factors(D->cfg, D->f[0], D->nu, D->f[1], D->ni, k);
    return trec_mpi_agree(rc, err);
}

/* ---- iterations ---- */

/* Solves my rows of side s (0 users, 1 items) against the other side and
 * adds every rank's tasks' losses, in task order, to *loss. */
static int half(dals *D, int s, double *loss, trec_error *err)
{
    uint64_t k = D->k, r0 = D->cut[s][D->rank];
    const uint64_t *cc = D->chunk_cut[s ^ 1], *tc = D->task_cut[s];
    trec_als_half H = {.cfg = D->cfg, .m = &D->x[s], .x = D->f[s] + r0 * k, .y = D->f[s ^ 1],
                       .n_rows = D->x[s].rows, .n_cols = s ? D->nu : D->ni, .k = k,
                       .yty = D->yty, .partials = D->partials,
                       .row_loss = D->loss + tc[D->rank], .with_data = s};
    H.n_chunks = trec_als_chunks(H.n_cols);
    trec_als_gram_partials(&H, cc[D->rank], cc[D->rank + 1]);
    if (trec_mpi_allgather_rows(D->partials, cc, k * k * sizeof(float), err) != 0)
        return trec_mpi_agree(-1, err);
    trec_als_gram_sum(&H);
    int rc = trec_als_solve(&H) != 0 ? trec_fail(err, TREC_ALS_SOLVE_FAILED) : 0;
    if (trec_mpi_agree(rc, err) != 0)
        return -1;
    rc = trec_mpi_allgather_rows(D->loss, tc, sizeof(double), err);
    if (rc == 0)
        rc = trec_mpi_allgather_rows(D->f[s], D->cut[s], k * sizeof(float), err);
    if (trec_mpi_agree(rc, err) != 0)
        return -1;
    for (uint64_t t = 0; t < tc[D->size]; t++)
        *loss += D->loss[t];
    return 0;
}

static int iterate(dals *D, trec_fit_result *res, trec_error *err)
{
    const trec_fit_config *cfg = D->cfg;
    for (uint64_t ep = 0; ep < cfg->epochs; ep++) {
        double loss = 0;
        if (half(D, 0, &loss, err) != 0 || half(D, 1, &loss, err) != 0)
            return -1;
        res->loss = loss / D->norm;
        if (!isfinite(res->loss)) /* the same loss on every rank */
            return trec_fit_diverged(cfg, res, ep + 1, "the loss or the factors became "
                                     "infinite or NaN", err);
        if (cfg->progress && D->rank == 0) {
            trec_fit_progress p = {.epoch = ep + 1, .epochs = cfg->epochs, .loss = res->loss};
            cfg->progress(cfg->progress_ctx, &p);
        }
        res->epochs_run = res->model_epochs = ep + 1; /* META's epochs, as trec_fit's */
    }
    return 0;
}

/* ---- the model ---- */

static int write_model(dals *D, const char *train, const char *out, trec_model *m,
                       trec_fit_result *res, trec_error *err)
{
    int rc = 0;
    res->interactions = D->nnz;
    if (D->rank == 0) {
        memcpy(m->user_repr, D->f[0], D->nu * D->k * sizeof(float));
        memcpy(m->item_repr, D->f[1], D->ni * D->k * sizeof(float));
        D->inputs.interactions = (trec_fit_input){trec_display_name(train), D->file.head.len,
                                                  D->file.head.header_crc};
        char *meta = trec_fit_meta_json(D->cfg, res, m, &D->inputs, err);
        rc = meta && trec_model_own(m, meta, err) == 0 ? 0 : -1;
        if (rc == 0) {
            m->meta_json = meta;
            rc = trec_model_write(out, m, err);
        }
    }
    return trec_mpi_agree(rc, err);
}

static void release(dals *D)
{
    for (int s = 0; s < 2; s++) {
        free(D->cut[s]);
        free(D->chunk_cut[s]);
        free(D->task_cut[s]);
        trec_csr_free(&D->x[s]);
        if (D->rank != 0)
            free(D->f[s]);
    }
    free(D->yty);
    free(D->partials);
    free(D->loss);
    trec_csr_file_close(&D->file);
}

/* Rank 0's figures, summed over the ranks for the bytes. */
static void report(trec_mpi_info *info, uint64_t setup_bytes, uint64_t iter_bytes,
                   double setup_s, double iter_s, double wait_s, uint64_t epochs)
{
    uint64_t b[2] = {setup_bytes, iter_bytes};
    trec_mpi_sum_u64(b, 2);
    info->setup_bytes = b[0];
    info->iteration_bytes = epochs ? b[1] / epochs : 0;
    info->setup_seconds = setup_s;
    info->iteration_seconds = epochs ? iter_s / (double)epochs : 0;
    info->wait_seconds = epochs ? wait_s / (double)epochs : 0;
}

int trec_mpi_fit(const trec_fit_config *cfg, const char *train, const char *init,
                 const char *out, trec_model *model, trec_fit_result *res,
                 trec_mpi_info *info, trec_error *err)
{
    dals D = {.cfg = cfg, .rank = trec_mpi_rank(), .size = trec_mpi_size(),
              .k = cfg->components};
    trec_csr_file_close(&D.file); /* an empty file: fd -1 */
    memset(model, 0, sizeof *model);
    memset(res, 0, sizeof *res);
    memset(info, 0, sizeof *info);
    info->ranks = D.size;
    trec_mpi_counted = (trec_mpi_counters){0, 0};
    double t0 = MPI_Wtime();
    int rc = setup(&D, train, err);
    if (rc == 0)
        rc = start_factors(&D, init, model, res, err);
    trec_mpi_counters before = trec_mpi_counted;
    double t1 = MPI_Wtime();
    if (rc == 0)
        rc = iterate(&D, res, err);
    double t2 = MPI_Wtime();
    if (rc == 0) {
        report(info, before.bytes_in, trec_mpi_counted.bytes_in - before.bytes_in, t1 - t0,
               t2 - t1, trec_mpi_counted.seconds - before.seconds, cfg->epochs);
        rc = write_model(&D, train, out, model, res, err);
    }
    if (rc != 0 && D.rank == 0)
        trec_model_free(model);
    release(&D);
    trec_csr_free(&D.labels);
    return rc;
}
