/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: item features (lib/ingest_features.h): multi-hot rows, feature
 * columns sorted by byte order, alignment to a ratings matrix's items, CSV
 * quoting in titles, errors with line and column, ml-latest-small when
 * present. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "internal.h"

static const char *movies =
    "movieId,title,genres\n"
    "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
    "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
    "5,\"The \"\"Quoted\"\" Film, Part 2\",Drama\n"
    "7,Nothing (2000),(no genres listed)\n";

static int label_is(const trec_labels *l, uint64_t i, const char *s)
{
    size_t n;
    const char *p = trec_label(l, i, &n);
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

/* The feature names of row r, joined with '|'. */
static const char *row_names(const trec_csr *m, uint64_t r)
{
    static char buf[1024];
    size_t w = 0;
    buf[0] = 0;
    for (uint64_t k = m->rowptr[r]; k < m->rowptr[r + 1]; k++) {
        size_t n;
        const char *s = trec_label(&m->col_labels, m->colidx[k], &n);
        ck_assert(m->vals[k] == 1.0f);
        w += (size_t)snprintf(buf + w, sizeof buf - w, "%s%.*s", w ? "|" : "", (int)n, s);
    }
    return buf;
}

static int feats(const char *text, const trec_features_opts *o, const trec_labels *align,
                 trec_csr *m, trec_features_stats *st, char *msg)
{
    trec_error err;
    trec_features_stats local;
    int rc = trec_item_features_mem(text, strlen(text), "movies.csv", o, align, m,
                                    st ? st : &local, &err);
    if (rc != 0 && msg)
        strcpy(msg, err.msg);
    if (rc == 0)
        ck_assert_int_eq(trec_csr_validate(m, "features", &err), 0);
    return rc;
}

static void feats_ok(const char *text, const trec_features_opts *o,
                     const trec_labels *align, trec_csr *m, trec_features_stats *st)
{
    char msg[1024] = "";
    ck_assert_msg(feats(text, o, align, m, st, msg) == 0, "failed: %s", msg);
}

static void feats_err(const char *text, const trec_features_opts *o, const char *want)
{
    char msg[1024] = "";
    trec_csr m;
    int rc = feats(text, o, NULL, &m, NULL, msg);
    if (rc == 0)
        trec_csr_free(&m);
    ck_assert_msg(rc != 0, "expected failure");
    ck_assert_msg(strstr(msg, want) != NULL, "message '%s' lacks '%s'", msg, want);
}

START_TEST(multi_hot_sorted)
{
    trec_features_opts o;
    trec_features_opts_init(&o);
    trec_csr m;
    trec_features_stats st;
    feats_ok(movies, &o, NULL, &m, &st);
    ck_assert_uint_eq(m.rows, 4);
    ck_assert_uint_eq(m.cols, 8);
    ck_assert_ptr_null(m.times);
    ck_assert_uint_eq(st.items, 4);
    ck_assert_int_eq(st.header, 1);
    const char *cols[] = {"(no genres listed)", "Adventure", "Animation", "Children",
                          "Comedy", "Drama", "Fantasy", "Romance"};
    for (int i = 0; i < 8; i++)
        ck_assert_msg(label_is(&m.col_labels, (uint64_t)i, cols[i]), "column %d", i);
    const char *ids[] = {"1", "11", "5", "7"};
    for (int i = 0; i < 4; i++)
        ck_assert(label_is(&m.row_labels, (uint64_t)i, ids[i]));
    ck_assert_str_eq(row_names(&m, 0), "Adventure|Animation|Children|Comedy|Fantasy");
    ck_assert_str_eq(row_names(&m, 1), "Comedy|Drama|Romance");
    ck_assert_str_eq(row_names(&m, 2), "Drama");
    ck_assert_str_eq(row_names(&m, 3), "(no genres listed)");
    trec_csr_free(&m);
}
END_TEST

START_TEST(aligned)
{
    /* Items of a ratings matrix: 5, 99 (not in the file), 1. */
    trec_ingest_opts io;
    trec_ingest_opts_init(&io);
    const char *ratings = "u,i,r\n1,5,3\n1,99,4\n2,1,5\n";
    trec_csr r, m;
    trec_error err;
    trec_ingest_stats ist;
    ck_assert_int_eq(trec_ingest_ratings_mem(ratings, strlen(ratings), "r", &io, &r,
                                             &ist, &err), 0);
    trec_features_opts o;
    trec_features_opts_init(&o);
    trec_features_stats st;
    feats_ok(movies, &o, &r.col_labels, &m, &st);
    ck_assert_uint_eq(m.rows, 3);
    ck_assert(label_is(&m.row_labels, 0, "5"));
    ck_assert(label_is(&m.row_labels, 1, "99"));
    ck_assert(label_is(&m.row_labels, 2, "1"));
    ck_assert_str_eq(row_names(&m, 0), "Drama");
    ck_assert_str_eq(row_names(&m, 1), "");
    ck_assert_str_eq(row_names(&m, 2), "Adventure|Animation|Children|Comedy|Fantasy");
    ck_assert_uint_eq(st.missing, 1);
    ck_assert_uint_eq(st.dropped, 2);   /* 11 and 7 */
    /* Columns: every feature of the file, even of dropped items. */
    ck_assert_uint_eq(m.cols, 8);
    trec_csr_free(&m);
    trec_csr_free(&r);
}
END_TEST

START_TEST(options)
{
    trec_features_opts o;
    trec_features_opts_init(&o);
    trec_csr m;
    trec_features_stats st;
    /* Columns by number without a header; another separator; spaces and
     * empty names; repeated names. */
    o.id_col = "2";
    o.feature_col = "1";
    o.feature_sep = ";";
    o.sep = "tab";
    feats_ok("b ; a;;a\tx\n\tz\n", &o, NULL, &m, &st);
    ck_assert_int_eq(st.header, 0);
    ck_assert_uint_eq(m.rows, 2);
    ck_assert_uint_eq(m.cols, 2);
    ck_assert_str_eq(row_names(&m, 0), "a|b");
    ck_assert_str_eq(row_names(&m, 1), "");
    trec_csr_free(&m);
    /* By number, with a usual header name: a header. */
    trec_features_opts_init(&o);
    o.id_col = "1";
    o.feature_col = "3";
    feats_ok(movies, &o, NULL, &m, &st);
    ck_assert_int_eq(st.header, 1);
    ck_assert_uint_eq(m.rows, 4);
    trec_csr_free(&m);
    /* Other names. */
    trec_features_opts_init(&o);
    o.id_col = "item";
    o.feature_col = "tags";
    o.feature_sep = ", ";
    feats_ok("tags,item\n\"x, y\",a\n", &o, NULL, &m, &st);
    ck_assert_str_eq(row_names(&m, 0), "x|y");
    trec_csr_free(&m);
    /* Forced libcsv and tiny blocks change nothing. */
    trec_csr a, b;
    trec_features_opts_init(&o);
    feats_ok(movies, &o, NULL, &a, NULL);
    o.block_size = 3;
    trec_ingest_reader_force_libcsv(1);
    feats_ok(movies, &o, NULL, &b, NULL);
    trec_ingest_reader_force_libcsv(0);
    ck_assert_uint_eq(a.nnz, b.nnz);
    ck_assert(memcmp(a.colidx, b.colidx, a.nnz * 4) == 0);
    ck_assert(memcmp(a.rowptr, b.rowptr, (a.rows + 1) * 8) == 0);
    trec_csr_free(&a);
    trec_csr_free(&b);
}
END_TEST

START_TEST(errors)
{
    trec_features_opts o;
    trec_features_opts_init(&o);
    feats_err("movieId,title,genres\n1,a,X\n1,b,Y\n", &o,
              "movies.csv:3: column 1 (id): duplicate id '1' (first on line 2)");
    feats_err("movieId,title,genres\n1,a,X\n2,b,c,Y\n", &o,
              "movies.csv:3: 4 fields, expected 3");
    feats_err("movieId,title,genres\n1,a,X\n,b,Y\n", &o, "movies.csv:3: column 1 (id): empty id");
    feats_err("movieId,title,genres\n1,a,X|\x01\n", &o,
              "movies.csv:2: column 3 (features): bad feature name '?' (control character)");
    feats_err("movieId,title,genres\n1,\"a,X\n", &o, "movies.csv:2: unterminated quoted field");
    feats_err("id,title,genres\n1,a,X\n", &o,
              "movies.csv:1: --id-col movieId: no column of that name");
    feats_err("movieId,title,genres\n", &o, "no items (the input has only a header line)");
    feats_err("", &o, "no items");
    o.header = 0;
    feats_err("1,a,X\n", &o, "need a header line");
    trec_features_opts_init(&o);
    o.id_col = "1";
    o.feature_col = "1";
    feats_err("1,a,X\n", &o, "the id and feature columns are the same");
    o.feature_col = "9";
    feats_err("1,a,X\n", &o, "movies.csv:1: --feature-col 9: line 1 has 3 fields");
    /* --skip-bad */
    trec_features_opts_init(&o);
    o.skip_bad = 1;
    trec_csr m;
    trec_features_stats st;
    feats_ok("movieId,title,genres\n1,a,X\n1,b,Y\n2,c\n3,d,Z\n", &o, NULL, &m, &st);
    ck_assert_uint_eq(st.skipped, 2);
    ck_assert_int_eq(st.nwarnings, 2);
    ck_assert_str_eq(st.warnings[0],
                     "movies.csv:3: column 1 (id): duplicate id '1' (first on line 2)");
    ck_assert_uint_eq(m.rows, 2);
    ck_assert_uint_eq(m.cols, 2);   /* Y was only on a skipped line */
    trec_csr_free(&m);
}
END_TEST

START_TEST(movielens_small)
{
    const char *dir = trec_test_ml_dir();
    char path[1024], rpath[1024];
    snprintf(path, sizeof path, "%s/movies.csv", dir);
    snprintf(rpath, sizeof rpath, "%s/ratings.csv", dir);
    if (access(path, R_OK) != 0 || access(rpath, R_OK) != 0)
        TREC_SKIP("%s absent, MovieLens checks skipped", path);
    trec_ingest_opts io;
    trec_ingest_opts_init(&io);
    trec_csr r, m;
    trec_error err;
    trec_ingest_stats ist;
    ck_assert(trec_ingest_ratings(rpath, &io, &r, &ist, &err) == 0);
    trec_features_opts o;
    trec_features_opts_init(&o);
    trec_features_stats st;
    ck_assert_msg(trec_item_features(path, &o, &r.col_labels, &m, &st, &err) == 0,
                  "%s", err.msg);
    ck_assert_uint_eq(m.rows, 9724);
    ck_assert_uint_eq(m.cols, 20);
    ck_assert(label_is(&m.col_labels, 0, "(no genres listed)"));
    ck_assert_uint_eq(st.missing, 0);
    ck_assert_uint_eq(st.dropped, 9742 - 9724);
    ck_assert(label_is(&m.row_labels, 0, "1"));
    ck_assert_str_eq(row_names(&m, 0), "Adventure|Animation|Children|Comedy|Fantasy");
    /* Rows follow the ratings matrix's columns. */
    for (uint64_t i = 0; i < m.rows; i++) {
        size_t a, b;
        const char *x = trec_label(&m.row_labels, i, &a);
        const char *y = trec_label(&r.col_labels, i, &b);
        ck_assert(a == b && memcmp(x, y, a) == 0);
    }
    trec_csr_free(&m);
    trec_csr_free(&r);
}
END_TEST

static Suite *features_suite(void)
{
    Suite *s = suite_create("features");
    TCase *tc = tcase_create("features");
    tcase_add_test(tc, multi_hot_sorted);
    tcase_add_test(tc, aligned);
    tcase_add_test(tc, options);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, movielens_small);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(features_suite)
