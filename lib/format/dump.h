/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* dump.h - a matrix as text: one TSV line per entry, in row order (columns
 * increasing within a row):
 *
 *     row_label <TAB> col_label <TAB> value [<TAB> timestamp]
 *
 * Labels are the raw ids stored in the file (internal indices 0, 1, ... when
 * the file has none, or when indices are asked for); the timestamp column is
 * there when the matrix has timestamps. Values use the shortest "%g" form
 * that reads back as the same float32 (4, 3.5, 0.1). */
#ifndef TREC_DUMP_H
#define TREC_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csr.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the shortest "%.Ng" text (N <= 9) of v that strtof reads back as v into
 * buf (at least 32 bytes), without an exponent for integral parts of up to 9
 * digits (20, not 2e+01); inf, -inf and nan as such. Returns its length.
 * Every tool prints floats with it. */
size_t trec_format_float(float v, char *buf, size_t size);

/* Writes timestamp t (seconds since 1970) as ISO-8601 UTC,
 * "2018-09-24T14:27:30Z", into buf (at least 32 bytes), or "out-of-range"
 * when the calendar cannot represent it; returns buf. */
char *trec_format_time(int64_t t, char *buf, size_t size);

/* Writes every entry of m to fp (named out_name in messages). use_labels: 0
 * prints internal indices even when m has labels. Stops at the first write
 * error; the caller still flushes and checks fp (trec_outfile_commit). */
int trec_dump_tsv(const trec_csr *m, FILE *fp, const char *out_name, int use_labels,
                  trec_error *err);

#ifdef __cplusplus
}
#endif

#endif
