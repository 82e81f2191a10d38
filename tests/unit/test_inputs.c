/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_inputs.c - inputs of issue 9: id lists (idlist.h), titles in other
 * layouts (trec_titles_parse_opts), gzip inputs (decompress.h), one-hot
 * feature flags (trec_features_opts.feature_flags). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check_main.h"
#include "decompress.h"
#include "internal.h"

START_TEST(idlist_lines)
{
    const char *text = "\xef\xbb\xbf" "a\n  b \r\n\n# c\nd x\n";
    trec_idlist l;
    trec_error err;
    ck_assert_int_eq(trec_idlist_parse("f", text, strlen(text), &l, &err), 0);
    ck_assert_uint_eq(l.ids.count, 3);
    size_t n;
    const char *s = trec_label(&l.ids, 1, &n);
    ck_assert(n == 1 && s[0] == 'b');
    ck_assert_uint_eq(l.line[1], 2);
    s = trec_label(&l.ids, 2, &n);
    ck_assert(n == 3 && memcmp(s, "d x", 3) == 0);
    ck_assert_uint_eq(l.line[2], 5);
    trec_idlist_free(&l);
}
END_TEST

START_TEST(idlist_errors_and_lookup)
{
    trec_idlist l;
    trec_error err;
    const char *bad = "a\nb\001\n";
    ck_assert_int_eq(trec_idlist_parse("f", bad, strlen(bad), &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "f:2: bad id"));
    const char *text = "2\nx\n0\n";
    ck_assert_int_eq(trec_idlist_parse("f", text, strlen(text), &l, &err), 0);
    uint64_t off[] = {0, 1, 2, 3};
    trec_labels lab = {.count = 3, .offsets = off, .blob = "0x2"};
    int64_t *idx;
    uint64_t unknown;
    int64_t first;
    ck_assert_int_eq(trec_idlist_lookup(&l, &lab, 3, &idx, &unknown, &first, &err), 0);
    ck_assert_int_eq(idx[0], 2);
    ck_assert_int_eq(idx[1], 1);
    ck_assert_int_eq(idx[2], 0);
    ck_assert_uint_eq(unknown, 0);
    free(idx);
    /* Unlabelled: decimal indices below n. */
    trec_labels none = {0};
    ck_assert_int_eq(trec_idlist_lookup(&l, &none, 2, &idx, &unknown, &first, &err), 0);
    ck_assert_int_eq(idx[0], -1);
    ck_assert_int_eq(idx[1], -1);
    ck_assert_int_eq(idx[2], 0);
    ck_assert_uint_eq(unknown, 2);
    ck_assert_int_eq(first, 0);
    free(idx);
    trec_idlist_free(&l);
}
END_TEST

START_TEST(titles_separated_latin1)
{
    const char *dat = "1::Caf\xe9 (1995)::Comedy\n2::Heat (1995)::Action\n";
    trec_titles t;
    trec_error err;
    trec_titles_opts o = {.sep = "::", .latin1 = 1};
    ck_assert_int_eq(trec_titles_parse_opts("m", dat, strlen(dat), &o, &t, &err), 0);
    size_t n;
    const char *s = trec_titles_find(&t, "1", 1, &n);
    ck_assert(s && n == 12 && memcmp(s, "Caf\xc3\xa9 (1995)", 12) == 0);
    const char *id;
    size_t idlen;
    ck_assert_uint_eq(trec_titles_find_title(&t, "Heat (1995)", 11, &id, &idlen), 1);
    ck_assert(idlen == 1 && id[0] == '2');
    ck_assert_uint_eq(trec_titles_find_title(&t, "Heat", 4, &id, &idlen), 0);
    trec_titles_free(&t);
    /* Not Latin-1: invalid UTF-8, with the hint. */
    o.latin1 = 0;
    ck_assert_int_eq(trec_titles_parse_opts("m", dat, strlen(dat), &o, &t, &err), -1);
    ck_assert_str_eq(err.msg, "m:1: title: invalid UTF-8 (Latin-1 text? try --encoding latin1)");
    /* A header line, tab names. */
    const char *tsv = "movieId\ttitle\n7\tSeven (1995)\n";
    o = (trec_titles_opts){.sep = "tab"};
    ck_assert_int_eq(trec_titles_parse_opts("m", tsv, strlen(tsv), &o, &t, &err), 0);
    ck_assert_uint_eq(t.count, 1);
    trec_titles_free(&t);
    const char *one = "7 Seven\n";
    ck_assert_int_eq(trec_titles_parse_opts("m", one, strlen(one), &o, &t, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "m:1: wrong number of fields"));
}
END_TEST

/* Writes data gzip-compressed (level 6) to a temporary file; its fd. */
static int gz_file(const char *data, size_t len, int truncate_by)
{
    uLongf cap = compressBound(len) + 64;
    unsigned char *out = malloc(cap);
    z_stream zs = {0};
    ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = cap - zs.avail_out - (size_t)truncate_by;
    deflateEnd(&zs);
    FILE *f = tmpfile();
    ck_assert_uint_eq(fwrite(out, 1, n, f), n);
    fflush(f);
    rewind(f);
    free(out);
    return dup(fileno(f));
}

START_TEST(gzip_transparent)
{
    char data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + (i * 7) % 26);
    trec_error err;
    for (int gz = 0; gz < 2; gz++) {
        int fd;
        if (gz) {
            fd = gz_file(data, sizeof data, 0);
        } else {
            FILE *f = tmpfile();
            fwrite(data, 1, sizeof data, f);
            fflush(f);
            rewind(f);
            fd = dup(fileno(f));
        }
        trec_input in;
        ck_assert_int_eq(trec_input_open(&in, fd, "x", &err), 0);
        ck_assert_int_eq(in.gzip, gz);
        char got[6000];
        size_t n = 0;
        ssize_t r;
        while ((r = trec_input_read(&in, got + n, 333, &err)) > 0)
            n += (size_t)r;
        ck_assert_int_eq(r, 0);
        ck_assert_uint_eq(n, sizeof data);
        ck_assert_int_eq(memcmp(got, data, n), 0);
        trec_input_close(&in);
        close(fd);
    }
    int fd = gz_file(data, sizeof data, 10);
    trec_input in;
    ck_assert_int_eq(trec_input_open(&in, fd, "x", &err), 0);
    char got[6000];
    ssize_t r;
    size_t n = 0;
    while ((r = trec_input_read(&in, got + n, 1000, &err)) > 0)
        n += (size_t)r;
    ck_assert_int_eq(r, -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "x: gzip: unexpected end"));
    trec_input_close(&in);
    close(fd);
}
END_TEST

START_TEST(feature_flags)
{
    const char *text = "1|a|0|1|1\n2|b|0|0|0\n3|c|1| |0\n";
    trec_features_opts o;
    trec_features_opts_init(&o);
    o.sep = "pipe";
    o.header = 0;
    o.id_col = "1";
    o.feature_flags = "3-5";
    trec_csr m;
    trec_features_stats st;
    trec_error err;
    ck_assert_int_eq(trec_item_features_mem(text, strlen(text), "u", &o, NULL, &m, &st, &err), 0);
    ck_assert_uint_eq(m.rows, 3);
    ck_assert_uint_eq(m.cols, 3);
    ck_assert_uint_eq(m.nnz, 3);
    ck_assert_uint_eq(m.rowptr[1], 2);
    ck_assert_uint_eq(m.colidx[0], 1);
    ck_assert_uint_eq(m.colidx[1], 2);
    ck_assert_uint_eq(m.colidx[2], 0);
    size_t n;
    const char *s = trec_label(&m.col_labels, 0, &n);
    ck_assert(n == 4 && memcmp(s, "col3", 4) == 0);
    trec_csr_free(&m);
    o.feature_flags = NULL;
    o.feature_col = "3";
    ck_assert_int_eq(trec_item_features_mem(text, strlen(text), "u", &o, NULL, &m, &st, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "holds only the values 0 and 1"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("inputs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, idlist_lines);
    tcase_add_test(tc, idlist_errors_and_lookup);
    tcase_add_test(tc, titles_separated_latin1);
    tcase_add_test(tc, gzip_transparent);
    tcase_add_test(tc, feature_flags);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(suite)
