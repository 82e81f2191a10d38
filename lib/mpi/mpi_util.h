/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* mpi_util.h - what the distributed drivers share (internal to lib/mpi):
 * the communicator, blocks of rows, counted collectives, reading a block
 * of a matrix file with its checksums combined across the ranks, and sums
 * passed along the ranks in order. */
#ifndef TREC_MPI_UTIL_H
#define TREC_MPI_UTIL_H

#include <mpi.h>
#include <stdint.h>

#include "csr.h"
#include "csr_part.h"
#include "error.h"
#include "trec_mpi.h"

/* Payload bytes received by this rank and seconds spent inside MPI calls
 * (the collectives below count themselves). */
typedef struct trec_mpi_counters {
    uint64_t bytes_in;
    double seconds;
} trec_mpi_counters;

extern trec_mpi_counters trec_mpi_counted;

/* Cuts of n rows into `size` blocks of whole units (the last unit may be
 * short), balanced by the weights of the units (NULL: by count): cuts[r]
 * .. cuts[r + 1] are rank r's rows. cuts has size + 1 entries (free()). */
uint64_t *trec_mpi_cuts(uint64_t n, uint64_t unit, const uint64_t *unit_weight,
                        trec_error *err);

/* Every rank's block of a buffer of rows (row_bytes each, rank r's rows
 * cuts[r] .. cuts[r + 1]) to every rank, in place. Fails when a count does
 * not fit MPI's int. */
int trec_mpi_allgather_rows(void *buf, const uint64_t *cuts, uint64_t row_bytes,
                            trec_error *err);
/* Sums n uint64 over the ranks, in place (exact). */
void trec_mpi_sum_u64(uint64_t *v, uint64_t n);

/* Opens the matrix file `path` on every rank (collective). */
int trec_mpi_open(const char *path, trec_csr_file *f, trec_error *err);
/* Reads rank r's rows cuts[r] .. cuts[r + 1] of f on every rank r, then
 * verifies the file's RPTR, CIDX and VALS by combining the blocks' CRCs in
 * rank order. Collective; on failure m is empty on every rank. */
int trec_mpi_read_rows(trec_csr_file *f, const uint64_t *cuts, trec_csr *m, trec_error *err);

/* A running sum passed along the ranks: rank 0 starts from v as given, each
 * rank calls add(ctx, v) to add its part and hands v to the next; on
 * return every rank holds the last rank's v. The additions are those of one
 * process adding every part in rank order. */
void trec_mpi_chain(double *v, int n, void (*add)(void *ctx, double *v), void *ctx);

#endif
