/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_align.c - matching a matrix to other ids (lib/format/align.h) and
 * ingesting against a reference's ids (trec_ingest_opts.align_*). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

/* Labels from a space-separated list (static storage per call site). */
typedef struct lab {
    uint64_t off[16];
    char blob[128];
    trec_labels l;
} lab;

static const trec_labels *labels(lab *b, const char *ids)
{
    uint64_t n = 0, len = 0;
    b->off[0] = 0;
    for (const char *p = ids; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        while (*p && *p != ' ')
            b->blob[len++] = *p++;
        b->off[++n] = len;
    }
    b->l = (trec_labels){.count = n, .offsets = b->off, .blob = b->blob};
    return &b->l;
}

/* rows x cols with entries (r, c, v) in row order. */
static void build(trec_csr *m, uint64_t rows, uint64_t cols, uint64_t n, const int *r,
                  const int *c, const float *v)
{
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(m, rows, cols, n, 1, &err), 0);
    for (uint64_t k = 0; k < n; k++) {
        m->colidx[k] = (uint32_t)c[k];
        m->vals[k] = v[k];
        m->times[k] = 100 + (int64_t)k;
        m->rowptr[r[k] + 1]++;
    }
    for (uint64_t i = 0; i < rows; i++)
        m->rowptr[i + 1] += m->rowptr[i];
}

START_TEST(align_moves_entries_by_id)
{
    /* m: users a b c, items x y z; target: users c a d, items z y x w. */
    lab mr, mc, tr, tc;
    trec_csr m, out;
    trec_error err;
    trec_align_stats st;
    int r[] = {0, 0, 1, 2, 2}, c[] = {0, 2, 1, 0, 1};
    float v[] = {1, 2, 3, 4, 5};
    build(&m, 3, 3, 5, r, c, v);
    m.row_labels = *labels(&mr, "a b c");
    m.col_labels = *labels(&mc, "x y z");
    const trec_labels *R = labels(&tr, "c a d"), *C = labels(&tc, "z y x w");
    ck_assert_int_eq(trec_csr_align(&m, "m", R, 3, C, 4, "t", &out, &st, &err), 0);
    ck_assert_int_eq(trec_csr_validate(&out, "out", &err), 0);
    ck_assert_uint_eq(out.rows, 3);
    ck_assert_uint_eq(out.cols, 4);
    /* b (3 at y) is skipped; c -> row 0: x=4 -> col 2, y=5 -> col 1 (sorted:
     * col 1 then 2); a -> row 1: x=1 -> col 2, z=2 -> col 0; d -> empty. */
    ck_assert_uint_eq(out.nnz, 4);
    uint64_t want_ptr[] = {0, 2, 4, 4};
    uint32_t want_col[] = {1, 2, 0, 2};
    float want_val[] = {5, 4, 2, 1};
    int64_t want_time[] = {104, 103, 101, 100};
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(out.rowptr[i], want_ptr[i]);
    for (int k = 0; k < 4; k++) {
        ck_assert_uint_eq(out.colidx[k], want_col[k]);
        ck_assert_float_eq(out.vals[k], want_val[k]);
        ck_assert_int_eq(out.times[k], want_time[k]);
    }
    ck_assert_uint_eq(st.rows_skipped, 1);
    ck_assert_uint_eq(st.cols_skipped, 0); /* y is in the target */
    ck_assert_uint_eq(st.entries_skipped, 1);
    ck_assert_uint_eq(st.rows_missing, 1);
    ck_assert_uint_eq(st.cols_missing, 1);
    ck_assert_int_eq(st.identical, 0);
    ck_assert_uint_eq(out.row_labels.count, 3);
    trec_csr_free(&out);
    /* Onto its own ids: identical, entries unchanged. */
    ck_assert_int_eq(trec_csr_align(&m, "m", &m.row_labels, 3, &m.col_labels, 3, "m", &out,
                                    &st, &err), 0);
    ck_assert_int_eq(st.identical, 1);
    ck_assert_uint_eq(out.nnz, 5);
    ck_assert_int_eq(memcmp(out.colidx, m.colidx, 5 * 4), 0);
    trec_csr_free(&out);
    /* Rows kept (NULL), columns matched: a column with entries skipped. */
    const trec_labels *C2 = labels(&tc, "y");
    ck_assert_int_eq(trec_csr_align(&m, "m", NULL, 0, C2, 1, "t", &out, &st, &err), 0);
    ck_assert_uint_eq(out.rows, 3);
    ck_assert_uint_eq(out.nnz, 2);
    ck_assert_uint_eq(st.cols_skipped, 2);
    ck_assert_uint_eq(st.rows_skipped, 0);
    trec_csr_free(&out);
    trec_csr_free(&m);
}
END_TEST

START_TEST(align_without_labels_needs_equal_counts)
{
    trec_csr m, out;
    trec_error err;
    trec_align_stats st;
    lab tr;
    int r[] = {0}, c[] = {1};
    float v[] = {1};
    build(&m, 2, 2, 1, r, c, v);
    trec_labels none = {0};
    ck_assert_int_eq(trec_csr_align(&m, "m", &none, 2, &none, 2, "t", &out, &st, &err), 0);
    ck_assert_int_eq(st.identical, 1);
    trec_csr_free(&out);
    ck_assert_int_eq(trec_csr_align(&m, "m", labels(&tr, "a b c"), 3, &none, 2, "t", &out,
                                    &st, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "m: 2 users, but t has 3"));
    trec_csr_free(&m);
}
END_TEST

START_TEST(ingest_against_reference)
{
    const char *text = "u,i,r\n2,20,1\n9,10,2\n1,30,3\n";
    lab ur, ir;
    trec_ingest_opts o;
    trec_ingest_opts_init(&o);
    o.align_users = labels(&ur, "1 2");
    o.align_items = labels(&ir, "10 20 40");
    trec_csr m;
    trec_ingest_stats st;
    trec_error err;
    ck_assert_int_eq(trec_ingest_ratings_mem(text, strlen(text), "x", &o, &m, &st, &err), 0);
    ck_assert_uint_eq(m.rows, 3);    /* 1 2 9 */
    ck_assert_uint_eq(m.cols, 4);    /* 10 20 40 30 */
    ck_assert_uint_eq(st.new_users, 1);
    ck_assert_uint_eq(st.new_items, 1);
    size_t n;
    const char *s = trec_label(&m.row_labels, 2, &n);
    ck_assert(n == 1 && memcmp(s, "9", 1) == 0);
    s = trec_label(&m.col_labels, 3, &n);
    ck_assert(n == 2 && memcmp(s, "30", 2) == 0);
    /* user 1 (row 0) rated 30 (col 3); user 2 (row 1) rated 20 (col 1) */
    ck_assert_uint_eq(m.rowptr[1], 1);
    ck_assert_uint_eq(m.colidx[0], 3);
    ck_assert_uint_eq(m.colidx[1], 1);
    trec_csr_free(&m);
    o.new_ids = TREC_NEW_IDS_DROP;
    ck_assert_int_eq(trec_ingest_ratings_mem(text, strlen(text), "x", &o, &m, &st, &err), 0);
    ck_assert_uint_eq(m.rows, 2);
    ck_assert_uint_eq(m.cols, 3);
    ck_assert_uint_eq(m.nnz, 1);
    ck_assert_uint_eq(st.dropped_entries, 2);
    trec_csr_free(&m);
    o.new_ids = TREC_NEW_IDS_ERROR;
    ck_assert_int_eq(trec_ingest_ratings_mem(text, strlen(text), "x", &o, &m, &st, &err), -1);
    ck_assert_str_eq(err.msg, "x:3: field 1: user '9' is not in the reference (--new-ids "
                              "error; append or drop take it)");
    /* Everything dropped: an error that says so. */
    o.new_ids = TREC_NEW_IDS_DROP;
    o.align_users = labels(&ur, "7");
    ck_assert_int_eq(trec_ingest_ratings_mem(text, strlen(text), "x", &o, &m, &st, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "not in the reference"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("align");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, align_moves_entries_by_id);
    tcase_add_test(tc, align_without_labels_needs_equal_counts);
    tcase_add_test(tc, ingest_against_reference);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(suite)
