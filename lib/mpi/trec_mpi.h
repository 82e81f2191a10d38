/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec_mpi.h - trec-fit and trec-eval on several processes through MPI
 * (built by `make mpi` only: the plain build has no MPI dependency).
 *
 * Under an MPI launcher (mpirun, srun) with more than one rank, trec-fit
 * fits ALS data-parallel (trec_mpi_fit) and trec-eval scores users in
 * blocks (trec_mpi_eval); every rank reads only its block of rows of the
 * matrix files, and rank 0 writes the outputs. Every function here is
 * collective: all ranks call it, and all return the same status; on failure
 * every rank's err holds the same one-line message (the lowest failing
 * rank's, prefixed "rank R: " when not every rank failed). See
 * trec-fit(1) and trec-eval(1), DISTRIBUTED RUNS. */
#ifndef TREC_MPI_H
#define TREC_MPI_H

#include <stdint.h>

#include "error.h"
#include "fit.h"
#include "metrics.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Initialises MPI when the process was started by an MPI launcher with more
 * than one rank, and returns the number of ranks; 1 otherwise (MPI is then
 * not initialised: a plain run costs nothing). */
int trec_mpi_start(int *argc, char ***argv);
int trec_mpi_rank(void);
int trec_mpi_size(void);
/* Finalises MPI when trec_mpi_start initialised it. */
void trec_mpi_finish(void);

/* The collective status check after a stage: rc is this rank's (0 or -1
 * with err set). Returns 0 if every rank succeeded, else -1 with the
 * failing rank's message in every rank's err. */
int trec_mpi_agree(int rc, trec_error *err);

/* What the communication cost, for the closing summary: bytes received by
 * all ranks together (payload of the MPI calls, not the transport's
 * headers), before the iterations and per iteration, and the seconds. */
typedef struct trec_mpi_info {
    int ranks;
    uint64_t setup_bytes, iteration_bytes; /* iteration_bytes: per iteration */
    double setup_seconds, iteration_seconds; /* rank 0's wall clock; per iteration */
    double wait_seconds;                   /* rank 0's time inside MPI calls,
                                            * per iteration */
} trec_mpi_info;

/* Fits cfg (--algorithm als only) on the matrix file `train` (and the
 * --init model `init`, or NULL) across the ranks; rank 0 writes the model
 * to `out` atomically (the others write nothing) and keeps it in *model
 * (the others get an empty model); res and info on every rank. */
int trec_mpi_fit(const trec_fit_config *cfg, const char *train, const char *init,
                 const char *out, trec_model *model, trec_fit_result *res,
                 trec_mpi_info *info, trec_error *err);

/* trec-eval's rankers, in its order. */
enum { TREC_MPI_MODEL, TREC_MPI_POPULAR, TREC_MPI_RANDOM, TREC_MPI_RANKERS };

/* One evaluated split. In: file, exclude (rank without the train split's
 * entries). Out, on rank 0: each ranker's result over all users (have[r]:
 * computed; most-popular needs a train split) with means, counts and, when
 * per_user was asked for, the model's per-user values and has flags; and
 * pos with n_users and rowptr only (each user's number of positives). */
typedef struct trec_mpi_split {
    const char *file;
    int exclude;
    trec_positives pos;
    trec_eval_result res[TREC_MPI_RANKERS];
    int have[TREC_MPI_RANKERS];
} trec_mpi_split;

typedef struct trec_mpi_eval_request {
    const trec_model *model;    /* read by every rank */
    const char *model_name;
    trec_mpi_split *splits;
    int nsplits;
    int train;                  /* index of the train split, or -1 */
    const trec_eval_config *cfg;
    int threads, per_user;
    int fold_in;                /* users from their train rows (--fold-in;
                                 * needs the train split) */
} trec_mpi_eval_request;

/* trec-eval's evaluation (the overlap check with --exclude-train, the
 * model's top-K lists, the baselines, the means) with each rank scoring
 * its block of users; the means are summed in user order across the ranks,
 * so they equal the single-process ones bit for bit. */
int trec_mpi_eval(const trec_mpi_eval_request *req, trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
