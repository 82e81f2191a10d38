/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: ratings ingest (lib/ingest.h). Small inputs written here,
 * every error with its line and column, block boundaries forced with tiny
 * blocks, thread-count independence, and ml-latest-small when present. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "internal.h"

static trec_ingest_opts opts(void)
{
    trec_ingest_opts o;
    trec_ingest_opts_init(&o);
    o.threads = 1;
    return o;
}

/* Ingests text; on failure returns -1 with the message in msg. */
static int ingest(const char *text, const trec_ingest_opts *o, trec_csr *m,
                  trec_ingest_stats *st, char *msg)
{
    trec_error err;
    trec_ingest_stats local;
    int rc = trec_ingest_ratings_mem(text, strlen(text), "r.csv", o, m,
                                     st ? st : &local, &err);
    if (rc != 0 && msg)
        strcpy(msg, err.msg);
    if (rc == 0)
        ck_assert_int_eq(trec_csr_validate(m, "ingested", &err), 0);
    return rc;
}

static void ingest_ok(const char *text, const trec_ingest_opts *o, trec_csr *m,
                      trec_ingest_stats *st)
{
    char msg[1024] = "";
    int rc = ingest(text, o, m, st, msg);
    ck_assert_msg(rc == 0, "ingest failed: %s", msg);
}

/* The error message for text, which must fail. */
static const char *ingest_err(const char *text, const trec_ingest_opts *o)
{
    static char msg[1024];
    trec_csr m;
    msg[0] = 0;
    int rc = ingest(text, o, &m, NULL, msg);
    if (rc == 0)
        trec_csr_free(&m);
    ck_assert_msg(rc != 0, "expected failure for input:\n%s", text);
    return msg;
}

static void check_err(const char *text, const trec_ingest_opts *o, const char *want)
{
    const char *got = ingest_err(text, o);
    ck_assert_msg(strstr(got, want) != NULL, "message '%s' lacks '%s'", got, want);
}

static int label_is(const trec_labels *l, uint64_t i, const char *s)
{
    size_t n;
    const char *p = trec_label(l, i, &n);
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

/* Value of (row label u, column label i), or NAN if absent. */
static float entry(const trec_csr *m, const char *u, const char *it, int64_t *t)
{
    for (uint64_t r = 0; r < m->rows; r++) {
        if (!label_is(&m->row_labels, r, u))
            continue;
        for (uint64_t k = m->rowptr[r]; k < m->rowptr[r + 1]; k++)
            if (label_is(&m->col_labels, m->colidx[k], it)) {
                if (t && m->times)
                    *t = m->times[k];
                return m->vals[k];
            }
    }
    return NAN;
}

static int labels_equal(const trec_labels *a, const trec_labels *b)
{
    if (a->count != b->count)
        return 0;
    for (uint64_t i = 0; i < a->count; i++) {
        size_t na, nb;
        const char *pa = trec_label(a, i, &na), *pb = trec_label(b, i, &nb);
        if (na != nb || memcmp(pa, pb, na) != 0)
            return 0;
    }
    return 1;
}

static void assert_same(const trec_csr *a, const trec_csr *b)
{
    ck_assert_uint_eq(a->rows, b->rows);
    ck_assert_uint_eq(a->cols, b->cols);
    ck_assert_uint_eq(a->nnz, b->nnz);
    ck_assert(memcmp(a->rowptr, b->rowptr, (a->rows + 1) * 8) == 0);
    ck_assert(memcmp(a->colidx, b->colidx, a->nnz * 4) == 0);
    ck_assert(memcmp(a->vals, b->vals, a->nnz * 4) == 0);
    ck_assert((a->times == NULL) == (b->times == NULL));
    if (a->times)
        ck_assert(memcmp(a->times, b->times, a->nnz * 8) == 0);
    ck_assert(labels_equal(&a->row_labels, &b->row_labels));
    ck_assert(labels_equal(&a->col_labels, &b->col_labels));
}

static const char *basic =
    "userId,movieId,rating,timestamp\n"
    "7,30,4.0,100\n"
    "7,10,3.5,101\n"
    "7,20,5,102\n"
    "3,10,1.5,200\n"
    "9,40,2,300\n"
    "3,30,0.5,201\n";

START_TEST(basic_matrix)
{
    trec_ingest_opts o = opts();
    trec_csr m;
    trec_ingest_stats st;
    ingest_ok(basic, &o, &m, &st);
    ck_assert_uint_eq(m.rows, 3);
    ck_assert_uint_eq(m.cols, 4);
    ck_assert_uint_eq(m.nnz, 6);
    ck_assert_int_eq(st.header, 1);
    ck_assert_int_eq(st.has_time, 1);
    ck_assert_int_eq(st.implicit, 0);
    ck_assert_uint_eq(st.records, 6);
    ck_assert_uint_eq(st.lines, 7);
    /* Dense ids in order of first appearance. */
    ck_assert(label_is(&m.row_labels, 0, "7"));
    ck_assert(label_is(&m.row_labels, 1, "3"));
    ck_assert(label_is(&m.row_labels, 2, "9"));
    const char *items[] = {"30", "10", "20", "40"};
    for (int i = 0; i < 4; i++)
        ck_assert(label_is(&m.col_labels, (uint64_t)i, items[i]));
    /* Row 0 sorted by column index: 30 (col 0), 10 (col 1), 20 (col 2). */
    ck_assert_uint_eq(m.rowptr[1], 3);
    ck_assert_uint_eq(m.colidx[0], 0);
    ck_assert_uint_eq(m.colidx[1], 1);
    ck_assert_uint_eq(m.colidx[2], 2);
    ck_assert(m.vals[0] == 4.0f && m.vals[1] == 3.5f && m.vals[2] == 5.0f);
    ck_assert(m.times[0] == 100 && m.times[1] == 101 && m.times[2] == 102);
    int64_t t = 0;
    ck_assert(entry(&m, "3", "30", &t) == 0.5f);
    ck_assert(t == 201);
    ck_assert(entry(&m, "9", "40", &t) == 2.0f);
    trec_csr_free(&m);
}
END_TEST

START_TEST(numeric_and_text_ids)
{
    /* Plain numbers take a fast path; "01" and "1" must stay two ids, and
     * first-seen order must hold across the two kinds, in every block size. */
    const char *text = "1,x,1\n01,7,2\na,x,3\n1,y,4\n4194304,x,5\n01,y,6\n0,7,1\n";
    for (size_t bs = 0; bs < 12; bs += 5) {
        trec_ingest_opts o = opts();
        o.block_size = bs;
        o.threads = bs ? 2 : 1;
        trec_csr m;
        ingest_ok(text, &o, &m, NULL);
        const char *users[] = {"1", "01", "a", "4194304", "0"};
        const char *items[] = {"x", "7", "y"};
        ck_assert_uint_eq(m.rows, 5);
        ck_assert_uint_eq(m.cols, 3);
        for (int i = 0; i < 5; i++)
            ck_assert(label_is(&m.row_labels, (uint64_t)i, users[i]));
        for (int i = 0; i < 3; i++)
            ck_assert(label_is(&m.col_labels, (uint64_t)i, items[i]));
        ck_assert(entry(&m, "01", "y", NULL) == 6.0f);
        ck_assert(entry(&m, "1", "y", NULL) == 4.0f);
        trec_csr_free(&m);
    }
}
END_TEST

START_TEST(line_endings_bom_final_newline)
{
    trec_ingest_opts o = opts();
    trec_csr a, b, c, d;
    ingest_ok(basic, &o, &a, NULL);
    /* CRLF */
    char crlf[1024] = "", *w = crlf;
    for (const char *p = basic; *p; p++) {
        if (*p == '\n')
            *w++ = '\r';
        *w++ = *p;
    }
    *w = 0;
    ingest_ok(crlf, &o, &b, NULL);
    assert_same(&a, &b);
    /* BOM */
    char bom[1024];
    snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", basic);
    ingest_ok(bom, &o, &c, NULL);
    assert_same(&a, &c);
    /* No final newline, blank lines and spaces around fields. */
    ingest_ok("userId,movieId,rating,timestamp\n\n 7 ,30,4.0,100\n7,10, 3.5 ,101\n"
              "\n7,20,5,102\n3,10,1.5,200\r\n\r\n9,40,2,300\n3,30,0.5,201", &o, &d, NULL);
    assert_same(&a, &d);
    trec_csr_free(&a);
    trec_csr_free(&b);
    trec_csr_free(&c);
    trec_csr_free(&d);
}
END_TEST

START_TEST(quoted_fields)
{
    trec_ingest_opts o = opts();
    trec_csr m;
    ingest_ok("u,i,r,t,note\n\"a,b\",\"x \"\"y\"\"\",4,1,\"line one\nline two\"\n"
              "\"a,b\",z,3,2,plain\n", &o, &m, NULL);
    ck_assert_uint_eq(m.rows, 1);
    ck_assert_uint_eq(m.cols, 2);
    ck_assert(label_is(&m.row_labels, 0, "a,b"));
    ck_assert(label_is(&m.col_labels, 0, "x \"y\""));
    ck_assert(entry(&m, "a,b", "z", NULL) == 3.0f);
    trec_csr_free(&m);
    /* Physical line numbers count the newline inside quotes: the bad rating
     * is on line 4. */
    check_err("u,i,r,t,note\n1,2,3,4,\"x\ny\"\n1,3,abc,5,z\n", &o,
              "r.csv:4: column 3 (rating): 'abc' is not a number");
}
END_TEST

START_TEST(header_detection)
{
    trec_ingest_opts o = opts();
    trec_csr m;
    trec_ingest_stats st;
    /* Non-numeric rating and timestamp fields: a header. */
    ingest_ok("user,item,score,when\n1,2,3,4\n", &o, &m, &st);
    ck_assert_int_eq(st.header, 1);
    ck_assert_uint_eq(m.nnz, 1);
    trec_csr_free(&m);
    /* All numeric: data. */
    ingest_ok("1,2,3,4\n1,3,4,5\n", &o, &m, &st);
    ck_assert_int_eq(st.header, 0);
    ck_assert_uint_eq(m.nnz, 2);
    trec_csr_free(&m);
    /* A usual column name in line 1 makes it a header even for 2 columns. */
    ingest_ok("userId,movieId\n1,2\n", &o, &m, &st);
    ck_assert_int_eq(st.header, 1);
    ck_assert_int_eq(st.implicit, 1);
    ck_assert_uint_eq(m.nnz, 1);
    trec_csr_free(&m);
    /* A bad rating on line 1 with a good timestamp: data, so an error. */
    check_err("1,2,abc,978\n", &o, "r.csv:1: column 3 (rating): 'abc' is not a number");
    /* Forced. */
    o.header = 0;
    check_err("userId,movieId,rating,timestamp\n1,2,3,4\n", &o,
              "r.csv:1: column 3 (rating): 'rating' is not a number");
    o.header = 1;
    ingest_ok("1,2,3,4\n1,3,4,5\n", &o, &m, &st);
    ck_assert_uint_eq(m.nnz, 1);
    trec_csr_free(&m);
}
END_TEST

START_TEST(columns)
{
    trec_ingest_opts o = opts();
    trec_csr m;
    trec_ingest_stats st;
    /* By name, in any order. */
    o.user_col = "who";
    o.item_col = "what";
    o.rating_col = "stars";
    o.time_col = "none";
    ingest_ok("when,what,stars,who\n5,i1,4.5,u1\n6,i2,3,u1\n", &o, &m, &st);
    ck_assert_int_eq(st.has_time, 0);
    ck_assert_ptr_null(m.times);
    ck_assert(entry(&m, "u1", "i1", NULL) == 4.5f);
    trec_csr_free(&m);
    /* By number; implicit data. */
    o = opts();
    o.user_col = "4";
    o.item_col = "2";
    o.rating_col = "none";
    o.time_col = "1";
    int64_t t;
    ingest_ok("5,i1,x,u1\n6,i2,y,u1\n", &o, &m, &st);
    ck_assert_int_eq(st.implicit, 1);
    ck_assert(entry(&m, "u1", "i2", &t) == 1.0f);
    ck_assert(t == 6);
    trec_csr_free(&m);
    /* Two columns: implicit, no time. */
    o = opts();
    ingest_ok("a,b\na,c\n", &o, &m, &st);
    ck_assert_int_eq(st.implicit, 1);
    ck_assert_int_eq(st.has_time, 0);
    ck_assert_uint_eq(m.nnz, 2);
    trec_csr_free(&m);
    /* Errors. */
    o = opts();
    o.time_col = "7";
    check_err("1,2,3,4\n", &o, "r.csv:1: column 7 (timestamp) does not exist: line 1 has 4 fields");
    o = opts();
    o.user_col = "nope";
    check_err("userId,movieId,rating,timestamp\n1,2,3,4\n", &o,
              "r.csv:1: --user-col nope: no column of that name");
    o.header = 0;
    check_err("1,2,3,4\n", &o, "need a header line");
    o = opts();
    o.item_col = "1";
    check_err("1,2,3,4\n", &o, "the user and item columns are the same");
    o = opts();
    o.user_col = "none";
    check_err("1,2,3,4\n", &o, "--user-col cannot be 'none'");
    o = opts();
    o.rating_col = "0";
    check_err("1,2,3,4\n", &o, "numbered from 1");
}
END_TEST

START_TEST(separators)
{
    trec_csr a, b, c, d, e;
    trec_ingest_opts o = opts();
    ingest_ok("1,10,3,881250949\n2,10,4,881250950\n1,20,5,881250951\n", &o, &a, NULL);
    o.sep = "tab";
    ingest_ok("1\t10\t3\t881250949\n2\t10\t4\t881250950\n1\t20\t5\t881250951\n", &o, &b, NULL);
    assert_same(&a, &b);
    o.sep = "::";
    ingest_ok("1::10::3::881250949\n2::10::4::881250950\n1::20::5::881250951\n", &o, &c, NULL);
    assert_same(&a, &c);
    o.sep = ";";
    ingest_ok("1;10;3;881250949\n2;10;4;881250950\n1;20;5;881250951\n", &o, &d, NULL);
    assert_same(&a, &d);
    /* Quoting is off for tab: a quote is part of the id. */
    o.sep = "\t";
    ingest_ok("\"1\t10\t3\t881250949\n", &o, &e, NULL);
    ck_assert(label_is(&e.row_labels, 0, "\"1"));
    trec_csr_free(&e);
    /* --quote none for commas; --quote for tab. */
    o.sep = NULL;
    o.quote = "none";
    ingest_ok("\"a,10,3,1\n", &o, &e, NULL);
    ck_assert(label_is(&e.row_labels, 0, "\"a"));
    trec_csr_free(&e);
    o.sep = "tab";
    o.quote = "'";
    ingest_ok("'it''s'\t10\t3\t1\n", &o, &e, NULL);
    ck_assert(label_is(&e.row_labels, 0, "it's"));
    trec_csr_free(&e);
    /* "::" with a single ':' inside an id, and a stray 0x1F byte. */
    o = opts();
    o.sep = "::";
    ingest_ok("a:b::10::3::1\n", &o, &e, NULL);
    ck_assert(label_is(&e.row_labels, 0, "a:b"));
    trec_csr_free(&e);
    check_err("a\x1f" "b::10::3::1\n", &o, "control character");
    o.sep = "";
    check_err("1,2\n", &o, "separator");
    o.sep = NULL;
    o.quote = "ab";
    check_err("1,2\n", &o, "quote");
    trec_csr_free(&a);
    trec_csr_free(&b);
    trec_csr_free(&c);
    trec_csr_free(&d);
}
END_TEST

START_TEST(bad_lines)
{
    trec_ingest_opts o = opts();
    const char *h = "userId,movieId,rating,timestamp\n1,1,4,5\n";
    char buf[2048];
#define BAD(line, want)                                      \
    do {                                                     \
        snprintf(buf, sizeof buf, "%s%s", h, line);          \
        check_err(buf, &o, want);                            \
    } while (0)
    BAD("1,2,3\n", "r.csv:3: 3 fields, expected 4");
    BAD("1,2,3,4,5\n", "r.csv:3: 5 fields, expected 4");
    BAD("1,2,abc,4\n", "r.csv:3: column 3 (rating): 'abc' is not a number");
    BAD("1,2,NaN,4\n", "r.csv:3: column 3 (rating): 'NaN' is not a number");
    BAD("1,2,inf,4\n", "r.csv:3: column 3 (rating): 'inf' is not a number");
    BAD("1,2,1e40,4\n", "r.csv:3: column 3 (rating): '1e40' is out of range");
    BAD("1,2,,4\n", "r.csv:3: column 3 (rating): '' is not a number");
    BAD("1,2,3,4.5\n", "r.csv:3: column 4 (timestamp): '4.5' is not an integer");
    BAD(",2,3,4\n", "r.csv:3: column 1 (user): empty id");
    BAD("1,,3,4\n", "r.csv:3: column 2 (item): empty id");
    BAD("1,\xff\xfe,3,4\n", "r.csv:3: column 2 (item): bad id '\?\?' (invalid UTF-8)");
    BAD("a\x01" "b,2,3,4\n", "r.csv:3: column 1 (user): bad id 'a?b' (control character)");
    BAD("1,\"x\",3,4\n\"open,2,3,4\n", "r.csv:4: unterminated quoted field");
    BAD("1,ab\"c,3,4\n", "r.csv:3: column 2: malformed quoted field");
    BAD("1,\"ab\"c,3,4\n", "r.csv:3: column 2: malformed quoted field");
    /* An id longer than 256 bytes (and a very long line) is an error. */
    char *longline = malloc(100000);
    memset(longline, 'x', 99990);
    memcpy(longline + 99990, ",2,3,4\n", 8);
    char *text = malloc(100100);
    snprintf(text, 100100, "%s%s", h, longline);
    check_err(text, &o, "r.csv:3: column 1 (user): id too long (99990 bytes, at most 256)");
    o.block_size = 4096;  /* the record is longer than a block */
    check_err(text, &o, "r.csv:3: column 1 (user): id too long");
    free(text);
    free(longline);
    /* Empty fields before the first non-empty one, in small blocks on two
     * threads: found by fuzz_csv (clang's UBSan: NULL + 0 when the field
     * buffer was not allocated yet; GCC's UBSan does not flag NULL + 0, so
     * the regression check is the fuzz seed tests/fixtures/fuzz/
     * leading-empty-fields.tsv; this checks the message). */
    o = opts();
    o.sep = "tab";
    o.block_size = 64;
    o.threads = 2;
    check_err("\t\t\t\t3\n", &o, "r.csv: no interactions (the input has only a header line)");
#undef BAD
}
END_TEST

START_TEST(empty_inputs)
{
    trec_ingest_opts o = opts();
    check_err("", &o, "r.csv: no interactions (the input is empty)");
    check_err("\n\n  \n", &o, "r.csv: no interactions (the input is empty)");
    check_err("userId,movieId,rating,timestamp\n", &o,
              "r.csv: no interactions (the input has only a header line)");
    check_err("\xEF\xBB\xBF", &o, "no interactions");
}
END_TEST

START_TEST(duplicates)
{
    const char *text = "u,i,r,t\n1,a,3,10\n1,b,2,11\n1,a,5,9\n2,a,1,1\n1,a,4,12\n";
    trec_ingest_opts o = opts();
    trec_csr m;
    trec_ingest_stats st;
    int64_t t;
    ingest_ok(text, &o, &m, &st);   /* last */
    ck_assert_uint_eq(st.duplicates, 2);
    ck_assert_uint_eq(m.nnz, 3);
    ck_assert(entry(&m, "1", "a", &t) == 4.0f);
    ck_assert(t == 12);
    ck_assert(entry(&m, "1", "b", NULL) == 2.0f);
    trec_csr_free(&m);
    o.duplicates = TREC_DUP_MAX;
    ingest_ok(text, &o, &m, &st);
    ck_assert(entry(&m, "1", "a", &t) == 5.0f);
    ck_assert(t == 9);
    trec_csr_free(&m);
    o.duplicates = TREC_DUP_SUM;
    ingest_ok(text, &o, &m, &st);
    ck_assert(entry(&m, "1", "a", &t) == 12.0f);
    ck_assert(t == 12);
    ck_assert_uint_eq(st.duplicates, 2);
    trec_csr_free(&m);
    o.duplicates = TREC_DUP_ERROR;
    check_err(text, &o, "r.csv:4: duplicate rating: user '1', item 'a' (first on line 2)");
    /* Ties under max: the later line wins (its timestamp). */
    o.duplicates = TREC_DUP_MAX;
    ingest_ok("u,i,r,t\n1,a,5,1\n1,a,5,2\n", &o, &m, &st);
    ck_assert(entry(&m, "1", "a", &t) == 5.0f);
    ck_assert(t == 2);
    trec_csr_free(&m);
    o.duplicates = TREC_DUP_SUM;
    check_err("u,i,r,t\n1,a,3e38,1\n1,a,3e38,2\n", &o, "out of float range");
    trec_dup_policy p;
    ck_assert_int_eq(trec_dup_policy_parse("sum", &p), 0);
    ck_assert_int_eq(p, TREC_DUP_SUM);
    ck_assert_int_eq(trec_dup_policy_parse("first", &p), -1);
}
END_TEST

START_TEST(skip_bad)
{
    trec_ingest_opts o = opts();
    o.skip_bad = 1;
    trec_csr m, ref;
    trec_ingest_stats st;
    ingest_ok("u,i,r,t\n1,a,3,1\n1,b,x,2\n,c,3,3\n2,a,4,4\n1,d\n\xff,e,1,1\n"
              "1,f,1,1.5\n3,g,1,1\n1,h,1,1,1\n", &o, &m, &st);
    ck_assert_uint_eq(st.skipped, 6);
    ck_assert_uint_eq(st.records, 9);
    ck_assert_int_eq(st.nwarnings, 5);
    ck_assert_str_eq(st.warnings[0], "r.csv:3: column 3 (rating): 'x' is not a number");
    ck_assert_str_eq(st.warnings[1], "r.csv:4: column 1 (user): empty id");
    ck_assert_str_eq(st.warnings[2], "r.csv:6: 2 fields, expected 4 (as on line 1)");
    ck_assert(strstr(st.warnings[4], "r.csv:8:") == st.warnings[4]);
    /* Skipped lines leave no ids behind. */
    o.skip_bad = 0;
    ingest_ok("u,i,r,t\n1,a,3,1\n2,a,4,4\n3,g,1,1\n", &o, &ref, NULL);
    assert_same(&m, &ref);
    trec_csr_free(&m);
    trec_csr_free(&ref);
    o.skip_bad = 1;
    check_err("u,i,r,t\n1,a,x,1\n", &o, "no interactions (all 1 records were bad and skipped)");
    /* Broken quoting is not skippable. */
    check_err("u,i,r,t\n1,\"a,3,1\n", &o, "unterminated quoted field");
}
END_TEST

/* A deterministic input that exercises everything blocks can cut through:
 * quoted fields with newlines, CRLF, blank lines, duplicates. */
static char *make_input(int quoted, size_t lines)
{
    size_t cap = lines * 64 + 64, n = 0;
    char *s = malloc(cap);
    n += (size_t)sprintf(s, "userId,movieId,rating,timestamp%s\n", quoted ? ",note" : "");
    unsigned x = 7;
    for (size_t i = 0; i < lines; i++) {
        x = x * 1103515245u + 12345u;
        unsigned u = (unsigned)(i / 13), it = (x >> 9) % 97;
        if (quoted)
            n += (size_t)sprintf(s + n, "%u,\"i%u\",%u.5,%zu,\"a,\"\"b\"\"\n%s\"%s\n", u, it,
                                 (x >> 4) % 5, i, (x & 16) ? "c" : "", (x & 32) ? "\r" : "");
        else
            n += (size_t)sprintf(s + n, "%u,%u,%u.5,%zu%s\n%s", u, it, (x >> 4) % 5, i,
                                 (x & 32) ? "\r" : "", (x & 64) ? "\n" : "");
    }
    s[n] = 0;
    return s;
}

/* Blocks big enough for the entry arrays' 2 MiB-page region (and whose
 * size bound counts CR-only line ends, blank lines) against small blocks,
 * which take the small path; 1 to 3 threads. */
START_TEST(large_blocks_match_small)
{
    char *text = make_input(0, 300000);
    /* CR-only line ends: libcsv ends a record at a lone CR too. */
    size_t len = strlen(text);
    char *cr = malloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\r')
            cr[k++] = text[i] == '\n' ? '\r' : text[i];
    cr[k] = 0;
    trec_ingest_opts o = opts();
    o.block_size = 4096;
    trec_csr ref;
    trec_ingest_stats st0;
    ingest_ok(text, &o, &ref, &st0);
    for (int threads = 1; threads <= 3; threads++) {
        trec_csr m, c;
        o.block_size = 16u << 20;
        o.threads = threads;
        ingest_ok(text, &o, &m, NULL);
        assert_same(&ref, &m);
        ingest_ok(cr, &o, &c, NULL);
        assert_same(&ref, &c);
        trec_csr_free(&m);
        trec_csr_free(&c);
    }
    free(cr);
    free(text);
    trec_csr_free(&ref);
}
END_TEST

START_TEST(block_boundaries)
{
    for (int quoted = 0; quoted < 2; quoted++) {
        char *text = make_input(quoted, 400);
        trec_ingest_opts o = opts();
        trec_csr ref;
        trec_ingest_stats st0;
        ingest_ok(text, &o, &ref, &st0);
        ck_assert_uint_gt(st0.duplicates, 0);
        size_t sizes[] = {1, 2, 3, 7, 16, 61, 100, 257, 1000};
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            for (int threads = 1; threads <= 3; threads++) {
                trec_csr m;
                trec_ingest_stats st;
                o.block_size = sizes[k];
                o.threads = threads;
                ingest_ok(text, &o, &m, &st);
                assert_same(&ref, &m);
                ck_assert_uint_eq(st.lines, st0.lines);
                ck_assert_uint_eq(st.duplicates, st0.duplicates);
                trec_csr_free(&m);
            }
        }
        /* The same line number for an error whatever the block size. */
        size_t len = strlen(text);
        char *bad = malloc(len + 64);
        sprintf(bad, "%s%s", text, quoted ? "1,x,oops,1,\"n\"\n" : "1,x,oops,1\n");
        char want[128];
        snprintf(want, sizeof want, "r.csv:%llu: column 3 (rating): 'oops'",
                 (unsigned long long)st0.lines + 1);
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            o.block_size = sizes[k];
            o.threads = 1 + (int)(k % 3);
            check_err(bad, &o, want);
        }
        free(bad);
        free(text);
        trec_csr_free(&ref);
    }
}
END_TEST

START_TEST(whole_block_tokenizing_matches_line_by_line)
{
    /* Quote-free text is given to libcsv a block at a time unless forced to
     * go line by line: both must give the same records. */
    const char *texts[] = {
        "1,2,3,4\n  1 , 3 ,\t4\t, 5 \n\n\r\n \t \n2,2,1,1\r\n2,5,1,1",
        "a b,c d,1,2\r3,4,5,6\n",
        "1;2;3;4\n 2 ; 3 ;4;5\n",
    };
    const char *seps[] = {NULL, NULL, ";"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        trec_ingest_opts o = opts();
        trec_csr a, b;
        o.sep = seps[i];
        ingest_ok(texts[i], &o, &a, NULL);
        trec_ingest_reader_force_libcsv(1);
        ingest_ok(texts[i], &o, &b, NULL);
        trec_ingest_reader_force_libcsv(0);
        assert_same(&a, &b);
        trec_csr_free(&a);
        trec_csr_free(&b);
    }
    char *text = make_input(0, 300);
    trec_ingest_opts o = opts();
    trec_csr a, b;
    ingest_ok(text, &o, &a, NULL);
    trec_ingest_reader_force_libcsv(1);
    o.block_size = 50;
    ingest_ok(text, &o, &b, NULL);
    trec_ingest_reader_force_libcsv(0);
    assert_same(&a, &b);
    trec_csr_free(&a);
    trec_csr_free(&b);
    free(text);
}
END_TEST

START_TEST(timestamps_beyond_32_bits)
{
    /* A block keeps its timestamps in 4 bytes until one falls outside
     * [0, 2^32), then widens them: in the first record, mid-block, in a
     * later block only, or never; the same matrix whatever the blocks. */
    const char *text =
        "1,1,5,10\n1,2,4,4294967295\n2,1,3,4294967296\n2,2,1,-5\n3,3,2,7\n"
        "4,1,1,0\n4,3,2,9223372036854775807\n5,2,3,-9223372036854775808\n";
    static const int64_t want[] = {10, 4294967295LL, 4294967296LL, -5, 7, 0,
                                   INT64_MAX, INT64_MIN};
    static const size_t sizes[] = {1 << 20, 16, 24, 40, 64};
    trec_csr first;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        trec_ingest_opts o = opts();
        o.block_size = sizes[k];
        trec_csr m;
        ingest_ok(text, &o, &m, NULL);
        ck_assert_uint_eq(m.nnz, 8);
        ck_assert_ptr_nonnull(m.times);
        for (size_t i = 0; i < 8; i++)
            ck_assert_msg(m.times[i] == want[i], "block %zu: entry %zu: %lld", sizes[k], i,
                          (long long)m.times[i]);
        if (k == 0) {
            first = m;
        } else {
            assert_same(&first, &m);
            trec_csr_free(&m);
        }
    }
    trec_csr_free(&first);
}
END_TEST

/* ---- tokenizing without quotes: the plain tokenizer against libcsv ---- */

typedef struct transcript {
    char text[8192];
    size_t len;
    int stop_at, stop_rc;   /* the callback's answer for record stop_at */
    int seen;
} transcript;

static void put(transcript *t, const char *s, size_t n)
{
    if (t->len + n < sizeof t->text) {
        memcpy(t->text + t->len, s, n);
        t->len += n;
    }
}

/* Writes each record down as "line:nf:field|field|...\n". */
static int record_down(void *ctx, const trec_ingest_field *f, size_t nf, uint64_t line,
                       trec_error *err)
{
    transcript *t = ctx;
    char head[64];
    put(t, head, (size_t)snprintf(head, sizeof head, "%llu:%zu:", (unsigned long long)line, nf));
    for (size_t i = 0; i < nf && i < 3; i++) {
        put(t, f[i].p, f[i].n);
        put(t, "|", 1);
    }
    put(t, "\n", 1);
    if (++t->seen == t->stop_at)
        return t->stop_rc < 0 ? trec_fail(err, "stop") : t->stop_rc;
    return 0;
}

/* The transcript of text tokenized one way (force_libcsv's mode), with its
 * return code, line count or error line appended. */
static void tokenize_way(const char *sep, const char *quote, const char *text, size_t n,
                         int mode, int stop_at, int stop_rc, transcript *t)
{
    trec_ingest_dialect d;
    trec_error err;
    ck_assert_int_eq(trec_ingest_dialect_init(&d, sep, quote, &err), 0);
    trec_ingest_block b;
    memset(&b, 0, sizeof b);
    b.text = malloc(n + 1);
    memcpy(b.text, text, n);
    b.len = n;
    b.text[n] = '\n';
    b.last = 1;
    trec_ingest_block_prepare(&d, &b);
    memset(t, 0, sizeof *t);
    t->stop_at = stop_at;
    t->stop_rc = stop_rc;
    uint64_t nlines = 7, err_line = 7;
    trec_ingest_reader_force_libcsv(mode);
    int rc = trec_ingest_tokenize(&d, &b, 3, record_down, t, &nlines, &err_line, &err);
    trec_ingest_reader_force_libcsv(0);
    char tail[64];
    put(t, tail, (size_t)snprintf(tail, sizeof tail, "rc %d lines %llu err_line %llu", rc,
                                  (unsigned long long)(rc ? 0 : nlines),
                                  (unsigned long long)(rc ? err_line : 0)));
    free(b.text);
}

static void same_records(const char *sep, const char *quote, const char *text, size_t n,
                         int stop_at, int stop_rc)
{
    transcript plain, whole, lines;
    tokenize_way(sep, quote, text, n, 0, stop_at, stop_rc, &plain);
    tokenize_way(sep, quote, text, n, 2, stop_at, stop_rc, &whole);
    ck_assert_msg(plain.len == whole.len && memcmp(plain.text, whole.text, plain.len) == 0,
                  "sep '%s', text '%.*s': plain\n%.*s\nlibcsv whole block\n%.*s",
                  sep ? sep : ",", (int)n, text, (int)plain.len, plain.text,
                  (int)whole.len, whole.text);
    tokenize_way(sep, quote, text, n, 1, stop_at, stop_rc, &lines);
    ck_assert_msg(plain.len == lines.len && memcmp(plain.text, lines.text, plain.len) == 0,
                  "sep '%s', text '%.*s': plain\n%.*s\nlibcsv line by line\n%.*s",
                  sep ? sep : ",", (int)n, text, (int)plain.len, plain.text,
                  (int)lines.len, lines.text);
}

START_TEST(plain_tokenizer_matches_libcsv)
{
    static const char *texts[] = {
        "", "\n", " \t \r\n", "1,2,3,4\n", "1,2,3,4", " 1 ,\t2\t, 3 3 ,4  \n",
        "a,b,\n,\n,,\n", "x\r\ny\rz\n\n\nw", "1,2,3,4,5,6\n7\n", "  ,  \n",
        "a b\tc,d\t \t\n", "::a::b::::c\n", "1 2  3\t4\n", "1\t2 \t 3\n",
    };
    static const struct { const char *sep, *quote; } dialects[] = {
        {NULL, NULL}, {"tab", NULL}, {"space", NULL}, {"::", NULL}, {";", "none"},
        {"|", "'"},
    };
    for (size_t di = 0; di < sizeof dialects / sizeof dialects[0]; di++)
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
            for (int stop = 0; stop < 3; stop++)
                same_records(dialects[di].sep, dialects[di].quote, texts[i],
                             strlen(texts[i]), stop, stop == 1 ? 1 : -1);
    /* Random texts over the bytes that matter. */
    static const char alphabet[] = "1a,;: \t\r\n\x1f|";
    uint64_t x = 42;
    char text[48];
    for (int k = 0; k < 3000; k++) {
        size_t n = (size_t)(k % 48);
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            text[i] = alphabet[(x >> 33) % (sizeof alphabet - 1)];
        }
        const int di = k % (int)(sizeof dialects / sizeof dialects[0]);
        same_records(dialects[di].sep, dialects[di].quote, text, n, k % 5, k % 2 ? 1 : -1);
    }
}
END_TEST

START_TEST(file_input)
{
    char path[] = "/tmp/trec-ingest-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, basic, strlen(basic)), (int)strlen(basic));
    close(fd);
    trec_ingest_opts o = opts();
    trec_csr a, b;
    trec_ingest_stats st;
    trec_error err;
    ck_assert_int_eq(trec_ingest_ratings(path, &o, &a, &st, &err), 0);
    ingest_ok(basic, &o, &b, NULL);
    assert_same(&a, &b);
    trec_csr_free(&a);
    trec_csr_free(&b);
    unlink(path);
    ck_assert_int_eq(trec_ingest_ratings(path, &o, &a, &st, &err), -1);
    ck_assert(strstr(err.msg, "cannot open") != NULL);
}
END_TEST

START_TEST(movielens_small)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ratings.csv", trec_test_ml_dir());
    if (access(path, R_OK) != 0)
        TREC_SKIP("%s absent, MovieLens checks skipped", path);
    trec_ingest_opts o = opts();
    trec_csr a, b;
    trec_ingest_stats st;
    trec_error err;
    ck_assert_msg(trec_ingest_ratings(path, &o, &a, &st, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(a.rows, 610);
    ck_assert_uint_eq(a.cols, 9724);
    ck_assert_uint_eq(a.nnz, 100836);
    ck_assert_uint_eq(st.duplicates, 0);
    ck_assert(label_is(&a.row_labels, 0, "1"));
    ck_assert(label_is(&a.col_labels, 0, "1"));
    ck_assert(label_is(&a.col_labels, 1, "3"));   /* user 1's second movie */
    int64_t t;
    ck_assert(entry(&a, "1", "1", &t) == 4.0f);
    ck_assert(t == 964982703);
    o.threads = 3;
    o.block_size = 65536;
    ck_assert(trec_ingest_ratings(path, &o, &b, &st, &err) == 0);
    assert_same(&a, &b);
    trec_csr_free(&a);
    trec_csr_free(&b);
}
END_TEST

static Suite *ingest_suite(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("ingest");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, basic_matrix);
    tcase_add_test(tc, numeric_and_text_ids);
    tcase_add_test(tc, line_endings_bom_final_newline);
    tcase_add_test(tc, quoted_fields);
    tcase_add_test(tc, header_detection);
    tcase_add_test(tc, columns);
    tcase_add_test(tc, separators);
    tcase_add_test(tc, bad_lines);
    tcase_add_test(tc, empty_inputs);
    tcase_add_test(tc, duplicates);
    tcase_add_test(tc, skip_bad);
    tcase_add_test(tc, block_boundaries);
    tcase_add_test(tc, large_blocks_match_small);
    tcase_add_test(tc, whole_block_tokenizing_matches_line_by_line);
    tcase_add_test(tc, plain_tokenizer_matches_libcsv);
    tcase_add_test(tc, timestamps_beyond_32_bits);
    tcase_add_test(tc, file_input);
    tcase_add_test(tc, movielens_small);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(ingest_suite)
