/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_sort.h - the last step of reading ratings (internal to libtrec):
 * each row of the assembled matrix is put in column order, stably (equal
 * columns keep file order), and the entries of a repeated (user, item) pair
 * are merged by the --duplicates policy. Rows are shared out between threads
 * by entry count; the result does not depend on the thread count. */
#ifndef TREC_INGEST_SORT_H
#define TREC_INGEST_SORT_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "idmap.h"
#include "ingest.h"
#include "ingest_config.h"

/* Sorts and merges m's rows in place; *dups receives the number of entries
 * merged into an earlier one. lines[k] is the input line of entry k
 * (required for TREC_DUP_ERROR and TREC_DUP_SUM, else NULL). users and items
 * (m's future labels) and c (the input's name, the rating column) are for
 * messages: a duplicate under TREC_DUP_ERROR, or a sum out of float range,
 * whichever shows first in the file. */
int trec_ingest_sort_rows(trec_csr *m, uint64_t *lines, trec_dup_policy policy,
                          int threads, const trec_ingest_config *c,
                          const trec_idmap *users, const trec_idmap *items,
                          uint64_t *dups, trec_error *err);

#endif
