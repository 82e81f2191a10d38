/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* split.h - train/test splits of an interaction matrix (trec-split(1)).
 *
 * A split marks each entry of the input as train or test; train and test are
 * then built with the input's shape, labels and timestamps, so the two line
 * up with each other and with feature files. Every mode is deterministic:
 * the random ones draw from lib/rng.h with the given seed, the others depend
 * only on the data.
 *
 *   RANDOM         exactly round(f * nnz) entries, chosen uniformly from all
 *                  entries (partial Fisher-Yates shuffle of entry indices).
 *   BY_USER        each row with n >= 2 entries puts round(f * n) of them in
 *                  test, chosen uniformly (stream `row` of the seed, so a row's
 *                  choice does not depend on the other rows); a row with a
 *                  single entry keeps it in train.
 *   LEAVE_LAST     each row's k latest entries (by timestamp; among equal
 *                  timestamps the larger column index counts as later) go to
 *                  test; a row with n <= k entries keeps its earliest entry in
 *                  train and puts the other n - 1 in test.
 *   TIME_CUT       entries with timestamp >= cut go to test.
 *   TIME_FRACTION  a TIME_CUT whose cut is the timestamp of the
 *                  round(f * nnz)-th latest entry (ties at the cut all go to
 *                  test, so the test share can be a little above f); when
 *                  round(f * nnz) is 0 nothing goes to test.
 * round() rounds halves away from zero. The time modes need timestamps. */
#ifndef TREC_SPLIT_H
#define TREC_SPLIT_H

#include <stdint.h>

#include "csr.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trec_split_mode {
    TREC_SPLIT_RANDOM = 0,
    TREC_SPLIT_BY_USER,
    TREC_SPLIT_LEAVE_LAST,
    TREC_SPLIT_TIME_CUT,
    TREC_SPLIT_TIME_FRACTION
};

#define TREC_SPLIT_DEFAULT_FRACTION 0.2
#define TREC_SPLIT_DEFAULT_SEED 1u

typedef struct trec_split_opts {
    enum trec_split_mode mode;
    double fraction;   /* RANDOM, BY_USER, TIME_FRACTION: in [0, 1] */
    uint64_t seed;     /* RANDOM, BY_USER */
    uint64_t k;        /* LEAVE_LAST: >= 1 */
    int64_t cut;       /* TIME_CUT */
} trec_split_opts;

/* What a split did (for the summary line). */
typedef struct trec_split_stats {
    uint64_t train_nnz, test_nnz;
    uint64_t test_rows;    /* rows with at least one test entry */
    int has_cut;           /* time modes: cut is the boundary used */
    int64_t cut;           /* (TIME_FRACTION with nothing in test: none) */
} trec_split_stats;

/* Decides each entry: test[k] = 1 if entry k goes to test, else 0 (test has
 * m->nnz bytes). name is the input's name, for messages. */
int trec_split_mark(const trec_csr *m, const char *name, const trec_split_opts *o,
                    uint8_t *test, trec_split_stats *st, trec_error *err);

/* Builds train (entries marked 0) and test (marked 1). Both keep m's shape
 * and timestamps and share m's labels, so m must outlive them. */
int trec_split_apply(const trec_csr *m, const uint8_t *test, trec_csr *train,
                     trec_csr *testm, trec_error *err);

/* trec_split_mark + trec_split_apply. */
int trec_split(const trec_csr *m, const char *name, const trec_split_opts *o,
               trec_csr *train, trec_csr *test, trec_split_stats *st,
               trec_error *err);

/* A third output, for validation: test is chosen from m as trec_split does
 * with o, then validation from the remaining entries by the same rule,
 * with the options trec_split_valid_opts gives: exactly two trec_split
 * calls, m -> (rest, test) with o, then rest -> (train, valid). */
#define TREC_SPLIT_DEFAULT_VALID_FRACTION 0.2
/* The second split's options: random and per-user, fraction
 * valid_fraction (of the remaining entries); leave-last, the same k; the
 * time modes, TIME_FRACTION with valid_fraction (the latest share of the
 * remaining entries); seed o->seed + 1 (at most 2^63 - 1 wraps to 0). */
void trec_split_valid_opts(const trec_split_opts *o, double valid_fraction,
                           trec_split_opts *second);
int trec_split_valid(const trec_csr *m, const char *name, const trec_split_opts *o,
                     double valid_fraction, trec_csr *train, trec_csr *valid, trec_csr *test,
                     trec_split_stats *st, trec_split_stats *vst, trec_error *err);

/* Writes both matrices so that a failure leaves neither target changed:
 * each is written completely to a temporary file first, then the file
 * targets are renamed into place, train first. (Only a failing rename of
 * test after train's rename succeeded can leave a new train with an old
 * test; rename within a directory practically never fails.) An output that
 * is a stream (stdout "-", a descriptor such as /dev/stdout, a device such
 * as /dev/null, a FIFO) cannot be staged: it is written after the file
 * outputs are complete and before they are renamed into place. At most one
 * path may be "-". */
int trec_split_write(const trec_csr *train, const char *train_path,
                     const trec_csr *test, const char *test_path,
                     trec_error *err);
/* The same for n matrices (in rename order); at most one path "-". */
int trec_split_write_all(const trec_csr *const *mats, const char *const *paths, int n,
                         trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
