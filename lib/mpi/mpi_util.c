/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* mpi_util.c - the distributed drivers' shared pieces (mpi_util.h) and the
 * start, status and finish of a distributed run (trec_mpi.h). */
#include "mpi_util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

trec_mpi_counters trec_mpi_counted;
static int started, rank_, size_ = 1;

/* ---- start and finish ---- */

/* The world size an MPI launcher announces to the processes it starts, 0 if
 * none: Open MPI's mpirun, PMI launchers (MPICH's Hydra, srun --mpi=pmi2),
 * MVAPICH; PMIx (srun --mpi=pmix) gives a rank only: MPI then tells. (Not
 * SLURM_NTASKS: a batch script has it too, and runs one process.) */
static long launcher_size(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strtol(v, NULL, 10);
    }
    return getenv("PMIX_RANK") ? 2 : 0; /* PMIx without a size: ask MPI */
}

int trec_mpi_start(int *argc, char ***argv)
{
    if (launcher_size() <= 1)
        return 1;
    MPI_Init(argc, argv);
    started = 1;
    atexit(trec_mpi_finish); /* every exit finalises: usage errors of every rank alike */
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    return size_;
}

int trec_mpi_rank(void) { return rank_; }
int trec_mpi_size(void) { return size_; }

void trec_mpi_finish(void)
{
    if (started) {
        MPI_Finalize();
        started = 0;
    }
}

static double now(void) { return MPI_Wtime(); }

int trec_mpi_agree(int rc, trec_error *err)
{
    double t0 = now();
    int mine = rc != 0 ? rank_ : size_, first, failed = rc != 0, nfailed;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first < size_) {
        MPI_Allreduce(&failed, &nfailed, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        char msg[sizeof err->msg];
        if (rank_ == first) {
            if (nfailed == size_)
                snprintf(msg, sizeof msg, "%s", err->msg);
            else
                snprintf(msg, sizeof msg, "rank %d: %.*s", rank_, (int)sizeof msg - 24,
                         err->msg);
        }
        MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first, MPI_COMM_WORLD);
        memcpy(err->msg, msg, sizeof msg);
    }
    trec_mpi_counted.seconds += now() - t0;
    return first < size_ ? -1 : 0;
}

/* ---- blocks ---- */

uint64_t *trec_mpi_cuts(uint64_t n, uint64_t unit, const uint64_t *unit_weight,
                        trec_error *err)
{
    uint64_t units = (n + unit - 1) / unit, total = 0, acc = 0, u = 0;
    uint64_t *cuts = trec_malloc((size_t)(size_ + 1) * sizeof *cuts, err);
    if (!cuts)
        return NULL;
    for (uint64_t i = 0; i < units; i++)
        total += unit_weight ? unit_weight[i] : 1;
    cuts[0] = 0;
    for (int r = 1; r < size_; r++) {
        /* the first unit whose preceding weight reaches r / size of the total */
        long double want = (long double)total * r / size_;
        for (; u < units && (long double)acc < want; u++)
            acc += unit_weight ? unit_weight[u] : 1;
        cuts[r] = u * unit < n ? u * unit : n;
    }
    cuts[size_] = n;
    return cuts;
}

int trec_mpi_allgather_rows(void *buf, const uint64_t *cuts, uint64_t row_bytes,
                            trec_error *err)
{
    int *counts = trec_malloc((size_t)size_ * sizeof *counts, err);
    int *displs = trec_malloc((size_t)size_ * sizeof *displs, err);
    int rc = counts && displs && row_bytes <= INT_MAX ? 0 : -1;
    for (int r = 0; rc == 0 && r < size_; r++) {
        if (cuts[r + 1] > INT_MAX)
            rc = trec_fail(err, "too many rows to exchange (%llu; at most %d)",
                           (unsigned long long)cuts[r + 1], INT_MAX);
        counts[r] = (int)(cuts[r + 1] - cuts[r]);
        displs[r] = (int)cuts[r];
    }
    if (rc == 0) {
        double t0 = now();
        MPI_Datatype row;
        MPI_Type_contiguous((int)row_bytes, MPI_BYTE, &row);
        MPI_Type_commit(&row);
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, counts, displs, row,
                       MPI_COMM_WORLD);
        MPI_Type_free(&row);
        trec_mpi_counted.bytes_in += (cuts[size_] - (cuts[rank_ + 1] - cuts[rank_])) * row_bytes;
        trec_mpi_counted.seconds += now() - t0;
    } else if (row_bytes > INT_MAX) {
        rc = trec_fail(err, "rows of %llu bytes are too long to exchange",
                       (unsigned long long)row_bytes);
    }
    free(counts);
    free(displs);
    return rc;
}

void trec_mpi_sum_u64(uint64_t *v, uint64_t n)
{
    double t0 = now();
    for (uint64_t at = 0; at < n; at += INT_MAX / 8) {
        int c = n - at < INT_MAX / 8 ? (int)(n - at) : INT_MAX / 8;
        MPI_Allreduce(MPI_IN_PLACE, v + at, c, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    }
    /* a reduction receives about as much as each rank's share */
    trec_mpi_counted.bytes_in += n * 8;
    trec_mpi_counted.seconds += now() - t0;
}

/* ---- reading ---- */

int trec_mpi_open(const char *path, trec_csr_file *f, trec_error *err)
{
    int rc = trec_csr_file_open(f, path, err);
    if (trec_mpi_agree(rc, err) != 0) {
        trec_csr_file_close(f);
        return -1;
    }
    return 0;
}

int trec_mpi_read_rows(trec_csr_file *f, const uint64_t *cuts, trec_csr *m, trec_error *err)
{
    int rc;
    memset(m, 0, sizeof *m);
    trec_csr_part_crc mine, *all = trec_malloc((size_t)size_ * sizeof *all, err);
    uint64_t r1 = cuts[rank_ + 1] < f->rows ? cuts[rank_ + 1] : f->rows;
    uint64_t r0 = cuts[rank_] < r1 ? cuts[rank_] : r1;
    if (cuts[size_] != f->rows)
        rc = trec_fail(err, "internal error: blocks of %llu rows for %llu",
                       (unsigned long long)cuts[size_], (unsigned long long)f->rows);
    else
        rc = all ? trec_csr_read_rows(f, r0, r1, m, &mine, err) : -1;
    if (trec_mpi_agree(rc, err) == 0) {
        double t0 = now();
        MPI_Allgather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE,
                      MPI_COMM_WORLD);
        trec_mpi_counted.bytes_in += (uint64_t)(size_ - 1) * sizeof mine;
        trec_mpi_counted.seconds += now() - t0;
        rc = trec_csr_file_verify(f, all, (size_t)size_, err);
    } else {
        rc = -1;
    }
    free(all);
    if (trec_mpi_agree(rc, err) != 0) {
        trec_csr_free(m);
        return -1;
    }
    return 0;
}

/* ---- ordered sums ---- */

void trec_mpi_chain(double *v, int n, void (*add)(void *ctx, double *v), void *ctx)
{
    double t0 = now();
    if (rank_ > 0)
        MPI_Recv(v, n, MPI_DOUBLE, rank_ - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    trec_mpi_counted.seconds += now() - t0;
    add(ctx, v);
    t0 = now();
    if (rank_ + 1 < size_)
        MPI_Send(v, n, MPI_DOUBLE, rank_ + 1, 0, MPI_COMM_WORLD);
    MPI_Bcast(v, n, MPI_DOUBLE, size_ - 1, MPI_COMM_WORLD);
    trec_mpi_counted.bytes_in += (uint64_t)n * 8 * ((rank_ > 0) + (rank_ + 1 < size_));
    trec_mpi_counted.seconds += now() - t0;
}
