/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* titles.h - item titles from a MovieLens-style movies.csv (movieId -> title).
 *
 * The file is CSV (RFC 4180 quoting: titles may hold commas and doubled
 * quotes), parsed with libcsv in strict mode. The first record is the header
 * and must name the columns "movieId" and "title" (in any position; other
 * columns are ignored; a UTF-8 byte-order mark is skipped). Every record must
 * have as many fields as the header; ids and titles must be non-empty UTF-8
 * without control characters (they are printed in TSV); an id may appear
 * once. Errors name file:line (the line a record starts on). */
#ifndef TREC_TITLES_H
#define TREC_TITLES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "idmap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_titles {
    trec_idmap ids;          /* movieId -> entry */
    uint64_t *title_off;     /* count + 1 offsets into blob */
    char *blob;
    uint64_t *line;          /* line of each entry */
    uint64_t count, cap, blob_len, blob_cap;
} trec_titles;

/* Reads path ("-": stdin). */
int trec_titles_read(const char *path, trec_titles *t, trec_error *err);
/* Parses buf[0..len); name is used in messages. */
int trec_titles_parse(const char *name, const char *buf, size_t len, trec_titles *t,
                      trec_error *err);
void trec_titles_free(trec_titles *t);

/* Other layouts: a separator other than the comma (sep: "::" for ml-1m's
 * movies.dat, "tab", "pipe", "semicolon", or the string itself; no quoting
 * then, and line 1 is a header only if its first field is "movieId" (any
 * case): the id is field 1, the title field 2), and Latin-1 text (ml-1m,
 * ml-100k) converted to UTF-8. sep NULL or "comma": the CSV above. */
typedef struct trec_titles_opts {
    const char *sep;
    int latin1;
} trec_titles_opts;

int trec_titles_read_opts(const char *path, const trec_titles_opts *o, trec_titles *t,
                          trec_error *err);
int trec_titles_parse_opts(const char *name, const char *buf, size_t len,
                           const trec_titles_opts *o, trec_titles *t, trec_error *err);

/* The title of raw id id[0..n) (not NUL-terminated; *len gets its length),
 * or NULL when the file has none. */
const char *trec_titles_find(const trec_titles *t, const char *id, size_t n, size_t *len);
/* The ids whose title is exactly title[0..n): their number; *id (and
 * *idlen) receive the first one in file order. */
uint64_t trec_titles_find_title(const trec_titles *t, const char *title, size_t n,
                                const char **id, size_t *idlen);

#ifdef __cplusplus
}
#endif

#endif
