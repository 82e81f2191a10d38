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

/* parts[0..n) in file order, with base set; st has the record counts (for
 * the message when nothing was read) and receives the duplicate count. */
int trec_ingest_assemble(const trec_ingest_config *c, trec_ingest_part **parts, size_t n,
                         trec_dup_policy policy, int threads, trec_csr *out,
                         trec_ingest_stats *st, trec_error *err);

#endif
