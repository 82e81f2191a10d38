/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_assemble.h - the parsed blocks of a ratings file -> one users x
 * items CSR (internal to libtrec). The blocks' local ids are interned into
 * global ones in file order (so dense ids are first-seen order), rows are
 * counted, entries scattered in file order (each block freed as soon as it
 * is copied), rows sorted and duplicates merged (ingest_sort.h), and the
 * ids handed to the matrix as labels. */
#ifndef TREC_INGEST_ASSEMBLE_H
#define TREC_INGEST_ASSEMBLE_H

#include <stddef.h>

#include "csr.h"
#include "error.h"
#include "ingest.h"
#include "ingest_config.h"
#include "ingest_parse.h"

/* With a reference (o->align_users, o->align_items), the global maps start
 * with the reference's ids, so that its row i / column j stay i / j; ids the
 * input adds come after them (o->new_ids append), or their entries are
 * dropped (drop), or the first one in file order is an error (error).
 * parts[0..n) in file order, with base set; st has the record counts (for
 * the message when nothing was read) and receives the duplicate count. */
int trec_ingest_assemble(const trec_ingest_config *c, trec_ingest_part **parts, size_t n,
                         const trec_ingest_opts *o, int threads, trec_csr *out,
                         trec_ingest_stats *st, trec_error *err);

#endif
