/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_titles.c - movies.csv parsing: quoting, header, errors with file:line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "internal.h"

/* The title of id as a NUL-terminated string in buf, or NULL. */
static const char *title(const trec_titles *t, const char *id, char *buf, size_t size)
{
    size_t n;
    const char *s = trec_titles_find(t, id, strlen(id), &n);
    if (!s)
        return NULL;
    snprintf(buf, size, "%.*s", (int)n, s);
    return buf;
}

static int parse(const char *text, trec_titles *t, trec_error *err)
{
    return trec_titles_parse("movies.csv", text, strlen(text), t, err);
}

START_TEST(quoted_titles)
{
    const char *csv =
        "movieId,title,genres\n"
        "1,Toy Story (1995),Adventure|Animation\n"
        "11,\"American President, The (1995)\",Comedy|Drama\n"
        "29,\"City of Lost Children, The (Cité des enfants perdus, La) (1995)\",Drama\n"
        "42,\"\"\"Great Performances\"\" Cats (1998)\",Musical\n"
        "\n"
        "99,  Spaces Around  ,x\r\n"
        "100,Last (2000),Drama"; /* no final newline */
    trec_titles t;
    trec_error err;
    char buf[256];
    ck_assert_msg(parse(csv, &t, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(t.count, 6);
    ck_assert_str_eq(title(&t, "1", buf, sizeof buf), "Toy Story (1995)");
    ck_assert_str_eq(title(&t, "11", buf, sizeof buf), "American President, The (1995)");
    ck_assert_str_eq(title(&t, "29", buf, sizeof buf),
                     "City of Lost Children, The (Cité des enfants perdus, La) (1995)");
    ck_assert_str_eq(title(&t, "42", buf, sizeof buf), "\"Great Performances\" Cats (1998)");
    ck_assert_str_eq(title(&t, "99", buf, sizeof buf), "Spaces Around");
    ck_assert_str_eq(title(&t, "100", buf, sizeof buf), "Last (2000)");
    ck_assert_ptr_null(title(&t, "2", buf, sizeof buf));
    ck_assert_ptr_null(title(&t, "", buf, sizeof buf));
    trec_titles_free(&t);
}
END_TEST

START_TEST(header_columns_anywhere)
{
    /* a byte-order mark, columns in another order, an extra column */
    const char *csv = "\xEF\xBB\xBFgenres,title,year,movieId\nDrama,Heat,1995,6\n";
    trec_titles t;
    trec_error err;
    char buf[64];
    ck_assert_msg(parse(csv, &t, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(title(&t, "6", buf, sizeof buf), "Heat");
    trec_titles_free(&t);
    /* the BOM only counts before the first name */
    ck_assert_int_eq(parse("movieId,title\n1,\xEF\xBB\xBFx\n", &t, &err), 0);
    ck_assert_str_eq(title(&t, "1", buf, sizeof buf), "\xEF\xBB\xBFx");
    trec_titles_free(&t);
}
END_TEST

/* Parsing text must fail with a message containing want. */
static void fails(const char *text, const char *want)
{
    trec_titles t;
    trec_error err;
    ck_assert_msg(parse(text, &t, &err) == -1, "accepted: %s", text);
    ck_assert_msg(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg, want);
}

START_TEST(errors_name_file_and_line)
{
    fails("", "movies.csv:1: empty file");
    fails("movieId,name\n1,x\n", "movies.csv:1: header must name the columns movieId and title");
    fails("movieId,title,genres\n1,A,x\n2,B\n", "movies.csv:3: wrong number of fields: 2 fields, "
          "expected 3");
    fails("movieId,title,genres\n1,A,x\n2,B,x,y\n", "movies.csv:3: wrong number of fields");
    fails("movieId,title\n1,A\n\n\n1,B\n", "movies.csv:5: duplicate movieId: already on line 2");
    fails("movieId,title\n1,A\n,B\n", "movies.csv:3: movieId: empty");
    fails("movieId,title\n1,\n", "movies.csv:2: title: empty");
    fails("movieId,title\n1,\"ab\"c\n", "movies.csv:2: malformed CSV");
    fails("movieId,title\n1,\"open\n", "movies.csv:2: malformed CSV (unterminated");
    fails("movieId,title\n1,\"\xff\"\n", "movies.csv:2: title: invalid UTF-8");
    /* a title spanning lines holds a newline, which TSV output cannot: the
     * error names the line the record starts on, and later lines count on */
    fails("movieId,title\n1,\"two\nlines\"\n", "movies.csv:2: title: control character");
    fails("movieId,title\n1,\"a\"\n2,b\n\n3,c,d\n", "movies.csv:5: wrong number");
}
END_TEST

START_TEST(read_file)
{
    char path[] = "/tmp/test_titles_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *csv = "movieId,title,genres\n7,\"Sabrina, 1995\",Comedy\n";
    ck_assert_int_eq(write(fd, csv, strlen(csv)), (int)strlen(csv));
    close(fd);
    trec_titles t;
    trec_error err;
    char buf[64];
    ck_assert_msg(trec_titles_read(path, &t, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(title(&t, "7", buf, sizeof buf), "Sabrina, 1995");
    trec_titles_free(&t);
    unlink(path);
    ck_assert_int_eq(trec_titles_read(path, &t, &err), -1);
    ck_assert(strstr(err.msg, path));
}
END_TEST

static Suite *titles_suite(void)
{
    Suite *s = suite_create("titles");
    TCase *tc = tcase_create("titles");
    tcase_add_test(tc, quoted_titles);
    tcase_add_test(tc, header_columns_anywhere);
    tcase_add_test(tc, errors_name_file_and_line);
    tcase_add_test(tc, read_file);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(titles_suite)
