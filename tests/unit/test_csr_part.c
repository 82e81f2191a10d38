/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_csr_part.c - CRC-32 combining and the partial matrix reader
 * (csr_part.h): blocks of rows equal the whole matrix's rows, their CRCs
 * combine into the sections' CRCs, corruption anywhere is found. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "csr_part.h"
#include "internal.h"

static char path[256];

/* A random 300 x 40 matrix with labels, written to path. */
static void setup(void)
{
    trec_csr m;
    trec_error err;
    trec_rng rng;
    trec_rng_seed(&rng, 7);
    uint64_t rows = 300, cols = 40, nnz = 0;
    ck_assert_int_eq(trec_csr_alloc(&m, rows, cols, rows * cols, 1, &err), 0);
    for (uint64_t r = 0; r < rows; r++) {
        for (uint32_t c = 0; c < cols; c++)
            if (r % 17 != 3 && trec_rng_uniform(&rng) < 0.2) {
                m.colidx[nnz] = c;
                m.vals[nnz] = (float)(1 + trec_rng_below(&rng, 5));
                m.times[nnz] = (int64_t)nnz;
                nnz++;
            }
        m.rowptr[r + 1] = nnz;
    }
    m.nnz = nnz;
    snprintf(path, sizeof path, "/tmp/trec-test-csr-part-%ld.csr", (long)getpid());
    ck_assert_int_eq(trec_csr_write(path, &m, &err), 0);
    trec_csr_free(&m);
}

static void teardown(void)
{
    unlink(path);
}

START_TEST(crc32_combine_equals_whole)
{
    uint8_t buf[3000];
    trec_rng rng;
    trec_rng_seed(&rng, 1);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)trec_rng_next(&rng);
    size_t cuts[] = {0, 1, 7, 8, 9, 64, 1000, 2999, 3000};
    uint32_t whole = trec_crc32(0, buf, sizeof buf);
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        size_t a = cuts[i];
        uint32_t ca = trec_crc32(0, buf, a), cb = trec_crc32(0, buf + a, sizeof buf - a);
        ck_assert_uint_eq(trec_crc32_combine(ca, cb, sizeof buf - a), whole);
    }
    /* three parts, one of them empty */
    uint32_t c = trec_crc32_combine(trec_crc32(0, buf, 100), trec_crc32(0, "", 0), 0);
    c = trec_crc32_combine(c, trec_crc32(0, buf + 100, 2900), 2900);
    ck_assert_uint_eq(c, whole);
    ck_assert_uint_eq(trec_crc32_combine(trec_crc32(0, "1234", 4),
                                         trec_crc32(0, "56789", 5), 5), 0xCBF43926u);
}
END_TEST

/* Reads the file in blocks split at cuts[0..n], checks each against the
 * whole matrix and verifies the combined CRCs. */
static void read_blocks(const uint64_t *cuts, size_t n)
{
    trec_csr whole, part;
    trec_csr_file f;
    trec_error err;
    trec_csr_part_crc crc[8];
    ck_assert_int_eq(trec_csr_read(path, &whole, &err), 0);
    ck_assert_msg(trec_csr_file_open(&f, path, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(f.rows, whole.rows);
    ck_assert_uint_eq(f.nnz, whole.nnz);
    for (size_t b = 0; b < n; b++) {
        uint64_t r0 = cuts[b], r1 = cuts[b + 1];
        ck_assert_msg(trec_csr_read_rows(&f, r0, r1, &part, &crc[b], &err) == 0, "%s",
                      err.msg);
        ck_assert_uint_eq(part.rows, r1 - r0);
        uint64_t e0 = whole.rowptr[r0];
        ck_assert_uint_eq(part.nnz, whole.rowptr[r1] - e0);
        for (uint64_t r = 0; r <= part.rows; r++)
            ck_assert_uint_eq(part.rowptr[r], whole.rowptr[r0 + r] - e0);
        ck_assert(memcmp(part.colidx, whole.colidx + e0, part.nnz * 4) == 0);
        ck_assert(memcmp(part.vals, whole.vals + e0, part.nnz * 4) == 0);
        trec_csr_free(&part);
    }
    ck_assert_msg(trec_csr_file_verify(&f, crc, n, &err) == 0, "%s", err.msg);
    if (n == 3) { /* out of order: the CRCs no longer combine */
        trec_csr_part_crc t = crc[0];
        crc[0] = crc[1];
        crc[1] = t;
        ck_assert_int_eq(trec_csr_file_verify(&f, crc, n, &err), -1);
    }
    trec_csr_file_close(&f);
    trec_csr_free(&whole);
}

START_TEST(blocks_equal_the_whole)
{
    uint64_t one[] = {0, 300}, three[] = {0, 128, 256, 300}, empty[] = {0, 0, 150, 300, 300};
    read_blocks(one, 1);
    read_blocks(three, 3);
    read_blocks(empty, 4);
}
END_TEST

START_TEST(labels_are_read_whole)
{
    trec_csr_file f;
    trec_csr shell;
    trec_error err;
    ck_assert_int_eq(trec_csr_file_open(&f, path, &err), 0);
    ck_assert_msg(trec_csr_read_labels(&f, &shell, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(shell.rows, 300);
    ck_assert_uint_eq(shell.row_labels.count, 0); /* unlabelled */
    trec_csr_free(&shell);
    trec_csr_file_close(&f);
}
END_TEST

/* Flips one byte at offset off of the file. */
static void flip(long off)
{
    FILE *fp = fopen(path, "r+b");
    ck_assert_ptr_nonnull(fp);
    fseek(fp, off, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, off, SEEK_SET);
    fputc(c ^ 0x10, fp);
    fclose(fp);
}

/* The offset of section tag in the file. */
static long section_offset(uint32_t tag)
{
    trec_csr_file f;
    trec_error err;
    ck_assert_int_eq(trec_csr_file_open(&f, path, &err), 0);
    long off = -1;
    for (uint32_t i = 0; i < f.head.count; i++)
        if (f.head.sections[i].tag == tag)
            off = (long)f.head.sections[i].offset;
    trec_csr_file_close(&f);
    return off;
}

START_TEST(corruption_is_found)
{
    trec_csr_file f;
    trec_csr part;
    trec_csr_part_crc crc[2];
    trec_error err;
    /* a value in the second block: each block reads fine, the CRCs do not combine */
    flip(section_offset(TREC_TAG_VALS) + 4 * 2000 + 1);
    ck_assert_int_eq(trec_csr_file_open(&f, path, &err), 0);
    ck_assert_int_eq(trec_csr_read_rows(&f, 0, 128, &part, &crc[0], &err), 0);
    trec_csr_free(&part);
    ck_assert_int_eq(trec_csr_read_rows(&f, 128, 300, &part, &crc[1], &err), 0);
    trec_csr_free(&part);
    ck_assert_int_eq(trec_csr_file_verify(&f, crc, 2, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section VALS"));
    trec_csr_file_close(&f);
    /* the head: refused at open */
    flip(40);
    ck_assert_int_eq(trec_csr_file_open(&f, path, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "header checksum mismatch"));
    ck_assert_int_eq(trec_csr_file_open(&f, "-", &err), -1);
    ck_assert_int_eq(trec_csr_file_open(&f, "/nonexistent/x.csr", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/x.csr"));
}
END_TEST

static Suite *csr_part_suite(void)
{
    Suite *s = suite_create("csr_part");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, crc32_combine_equals_whole);
    tcase_add_test(tc, blocks_equal_the_whole);
    tcase_add_test(tc, labels_are_read_whole);
    tcase_add_test(tc, corruption_is_found);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(csr_part_suite)
