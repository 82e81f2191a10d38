/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: CRC-32, container files, labels, id maps, CSR matrix files,
 * model files, atomic outputs. Each corrupt-file case checks that the reader
 * rejects the file with the right message. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "internal.h"

static char dir[256];

static void make_dir(void)
{
    strcpy(dir, "/tmp/trec-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *path_in(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static size_t file_size(const char *p)
{
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    return (size_t)st.st_size;
}

static void patch_byte(const char *p, long off, unsigned char v)
{
    FILE *fp = fopen(p, "r+b");
    ck_assert_ptr_nonnull(fp);
    fseek(fp, off, SEEK_SET);
    fputc(v, fp);
    fclose(fp);
}

static void truncate_to(const char *p, off_t n) { ck_assert_int_eq(truncate(p, n), 0); }

/* A 3 x 4 matrix with labels and timestamps:
 *   u1: i1=4.0 i3=3.5    u2: (none)    u3: i2=5 i3=1 i4=2 */
static trec_idmap users, items;
static void small_matrix(trec_csr *m)
{
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(m, 3, 4, 5, 1, &err), 0);
    uint64_t rp[] = {0, 2, 2, 5};
    uint32_t ci[] = {0, 2, 1, 2, 3};
    float v[] = {4.0f, 3.5f, 5.0f, 1.0f, 2.0f};
    int64_t t[] = {100, 200, 300, 400, 500};
    memcpy(m->rowptr, rp, sizeof rp);
    memcpy(m->colidx, ci, sizeof ci);
    memcpy(m->vals, v, sizeof v);
    memcpy(m->times, t, sizeof t);
    uint32_t id;
    ck_assert_int_eq(trec_idmap_init(&users, &err), 0);
    ck_assert_int_eq(trec_idmap_init(&items, &err), 0);
    const char *u[] = {"u1", "u2", "u3"}, *it[] = {"i1", "i2", "i3", "i4"};
    for (int i = 0; i < 3; i++) trec_idmap_intern(&users, u[i], 2, &id, &err);
    for (int i = 0; i < 4; i++) trec_idmap_intern(&items, it[i], 2, &id, &err);
    m->row_labels = trec_idmap_labels(&users);
    m->col_labels = trec_idmap_labels(&items);
}

static void free_small(trec_csr *m)
{
    trec_csr_free(m);
    trec_idmap_free(&users);
    trec_idmap_free(&items);
}

static void expect_read_error(const char *p, const char *needle)
{
    trec_csr m;
    trec_error err = {{0}};
    ck_assert_msg(needle[0] != '\0', "expect_read_error: say which message"); /* "" matches any */
    ck_assert_int_eq(trec_csr_read(p, &m, &err), -1);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
}

/* Writes a deliberately broken variant of the small matrix (checksums valid). */
static const char *write_broken(void (*breakit)(trec_csr *))
{
    trec_csr m;
    trec_error err;
    small_matrix(&m);
    breakit(&m);
    const char *p = path_in("broken.csr");
    ck_assert_int_eq(trec_csr_write(p, &m, &err), 0);
    free_small(&m);
    return p;
}

/* The vector path (64 bytes and more) against the tables, for every length
 * up to 600 and every start offset modulo 16, chained and not. */
START_TEST(crc32_vector_matches_tables)
{
    enum { N = 600 };
    unsigned char *buf = malloc(N + 16);
    uint32_t x = 12345;
    for (int i = 0; i < N + 16; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    for (int off = 0; off < 16; off++)
        for (size_t len = 0; len <= N; len++) {
            ck_assert_uint_eq(trec_crc32(0, buf + off, len),
                              trec_crc32_portable(0, buf + off, len));
            ck_assert_uint_eq(trec_crc32(0x1234567u, buf + off, len),
                              trec_crc32_portable(0x1234567u, buf + off, len));
        }
    /* and a long run: 1 MiB of the pattern */
    size_t big = 1 << 20;
    unsigned char *b = malloc(big);
    for (size_t i = 0; i < big; i++)
        b[i] = buf[i % (N + 16)];
    ck_assert_uint_eq(trec_crc32(0, b, big), trec_crc32_portable(0, b, big));
    free(b);
    free(buf);
}
END_TEST

START_TEST(crc32_known_values)
{
    ck_assert_uint_eq(trec_crc32(0, "123456789", 9), 0xCBF43926u);
    ck_assert_uint_eq(trec_crc32(0, "", 0), 0);
    /* Incremental equals one-shot, across the 8-byte fast path. */
    const char *s = "The quick brown fox jumps over the lazy dog";
    uint32_t a = trec_crc32(0, s, strlen(s));
    uint32_t b = trec_crc32(trec_crc32(0, s, 13), s + 13, strlen(s) - 13);
    ck_assert_uint_eq(a, 0x414FA339u);
    ck_assert_uint_eq(a, b);
}
END_TEST

START_TEST(csr_round_trip)
{
    trec_csr m, r;
    trec_error err;
    small_matrix(&m);
    const char *p = path_in("m.csr");
    ck_assert_int_eq(trec_csr_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_csr_read(p, &r, &err), 0);
    ck_assert_uint_eq(r.rows, 3);
    ck_assert_uint_eq(r.cols, 4);
    ck_assert_uint_eq(r.nnz, 5);
    ck_assert_mem_eq(r.rowptr, m.rowptr, 4 * 8);
    ck_assert_mem_eq(r.colidx, m.colidx, 5 * 4);
    ck_assert_mem_eq(r.vals, m.vals, 5 * 4);
    ck_assert_ptr_nonnull(r.times);
    ck_assert_mem_eq(r.times, m.times, 5 * 8);
    size_t n;
    const char *s = trec_label(&r.row_labels, 2, &n);
    ck_assert_int_eq((int)n, 2);
    ck_assert_mem_eq(s, "u3", 2);
    s = trec_label(&r.col_labels, 3, &n);
    ck_assert_mem_eq(s, "i4", 2);
    /* Sections are 64-byte aligned in memory, so arrays can be used in place. */
    ck_assert_uint_eq((uintptr_t)r.colidx % 64, 0);
    ck_assert_uint_eq((uintptr_t)r.rowptr % 64, 0);
    trec_csr_free(&r);
    free_small(&m);
}
END_TEST

START_TEST(csr_without_optional_sections)
{
    trec_csr m, r;
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(&m, 2, 2, 0, 0, &err), 0);
    const char *p = path_in("empty.csr");
    ck_assert_int_eq(trec_csr_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_csr_read(p, &r, &err), 0);
    ck_assert_uint_eq(r.nnz, 0);
    ck_assert_ptr_null(r.times);
    ck_assert_uint_eq(r.row_labels.count, 0);
    trec_csr_free(&r);
    trec_csr_free(&m);
}
END_TEST

START_TEST(same_matrix_same_bytes)
{
    trec_csr m;
    trec_error err;
    small_matrix(&m);
    ck_assert_int_eq(trec_csr_write(path_in("a.csr"), &m, &err), 0);
    ck_assert_int_eq(trec_csr_write(path_in("b.csr"), &m, &err), 0);
    uint8_t *a, *b;
    size_t na, nb;
    ck_assert_int_eq(trec_read_file(path_in("a.csr"), &a, &na, &err), 0);
    ck_assert_int_eq(trec_read_file(path_in("b.csr"), &b, &nb, &err), 0);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(a, b, na);
    /* Header facts from trec-formats(5). */
    ck_assert_mem_eq(a, "TREC\r\n\x1a\n", 8);
    ck_assert_uint_eq(a[8], 1);
    ck_assert_uint_eq(a[12], TREC_KIND_MATRIX);
    uint64_t size;
    memcpy(&size, a + 16, 8);
    ck_assert_uint_eq(size, na);
    free(a);
    free(b);
    free_small(&m);
}
END_TEST

START_TEST(reject_bad_magic_version_truncation)
{
    trec_csr m;
    trec_error err;
    small_matrix(&m);
    const char *p = path_in("m.csr");
    ck_assert_int_eq(trec_csr_write(p, &m, &err), 0);
    size_t n = file_size(p);
    free_small(&m);

    patch_byte(p, 0, 'X');
    expect_read_error(p, "not a trec file");
    patch_byte(p, 0, 'T');
    patch_byte(p, 4, '\n'); /* CRLF -> LF damage, as a text-mode transfer does */
    expect_read_error(p, "damaged");
    patch_byte(p, 4, '\r');
    patch_byte(p, 8, 9);
    expect_read_error(p, "unsupported trec format version 9");
    patch_byte(p, 8, 1);
    truncate_to(p, (off_t)n - 1);
    expect_read_error(p, "truncated");
    truncate_to(p, 10);
    expect_read_error(p, "truncated trec file (10 bytes)");
    truncate_to(p, 0);
    expect_read_error(p, "not a trec file");
}
END_TEST

START_TEST(reject_checksum_mismatch)
{
    trec_csr m;
    trec_error err;
    small_matrix(&m);
    const char *p = path_in("m.csr");
    ck_assert_int_eq(trec_csr_write(p, &m, &err), 0);
    size_t n = file_size(p);
    free_small(&m);
    /* Last byte belongs to the last section (column labels). */
    patch_byte(p, (long)n - 1, 'Z');
    expect_read_error(p, "checksum mismatch in section CLAB");
    patch_byte(p, (long)n - 1, '4');
    ck_assert_int_eq(trec_csr_read(p, &m, &err), 0);
    trec_csr_free(&m);
    /* The section count (a header field): an impossible value is named... */
    patch_byte(p, 24, 99);
    expect_read_error(p, "m.csr: corrupt header: 99 sections (at most 64)");
    /* ... a plausible one is caught by the header checksum */
    patch_byte(p, 24, 6);
    expect_read_error(p, "m.csr: header checksum mismatch");
    patch_byte(p, 24, 7);
    ck_assert_int_eq(trec_csr_read(p, &m, &err), 0);
    trec_csr_free(&m);
    patch_byte(p, 40, 0x41); /* a section CRC byte: the header CRC catches it */
    expect_read_error(p, "header checksum mismatch");
}
END_TEST

START_TEST(reject_wrong_kind)
{
    trec_error err;
    uint64_t x = 1;
    trec_section s = {.tag = TREC_TAG("META"), .size = 8, .data = &x};
    const char *p = path_in("model-ish");
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MODEL, &s, 1, &err), 0);
    expect_read_error(p, "is a model file, expected a matrix file");
}
END_TEST

static void bad_rowptr(trec_csr *m) { m->rowptr[2] = 1; }
static void bad_last_rowptr(trec_csr *m) { m->rowptr[3] = 4; }
static void bad_col(trec_csr *m) { m->colidx[4] = 4; }
static void unsorted_cols(trec_csr *m) { m->colidx[2] = 3; m->colidx[4] = 1; }
static void dup_cols(trec_csr *m) { m->colidx[3] = 1; }
static void nan_value(trec_csr *m) { m->vals[1] = NAN; }
static void few_labels(trec_csr *m) { m->row_labels.count = 2; }
static void few_col_labels(trec_csr *m) { m->col_labels.count = 3; }

START_TEST(reject_inconsistent_matrices)
{
    expect_read_error(write_broken(bad_rowptr), "row pointers not monotone at row 1");
    expect_read_error(write_broken(bad_last_rowptr), "last row pointer is 4 but nnz is 5");
    expect_read_error(write_broken(bad_col), "column index 4 out of range");
    expect_read_error(write_broken(unsorted_cols), "not strictly increasing");
    expect_read_error(write_broken(dup_cols), "not strictly increasing");
    expect_read_error(write_broken(nan_value), "value 1 is not finite");
    expect_read_error(write_broken(few_labels), "2 row labels for 3 rows");
    expect_read_error(write_broken(few_col_labels), "3 column labels for 4 columns");
}
END_TEST

START_TEST(reject_section_size_mismatch)
{
    trec_error err;
    uint64_t dims[3] = {2, 2, 1}, rp[3] = {0, 1, 1};
    uint32_t ci[2] = {0, 0};
    float v[1] = {1};
    trec_section s[4] = {
        {.tag = TREC_TAG("DIMS"), .size = 24, .data = dims},
        {.tag = TREC_TAG("RPTR"), .size = 24, .data = rp},
        {.tag = TREC_TAG("CIDX"), .size = 8, .data = ci}, /* 2 indices for nnz 1 */
        {.tag = TREC_TAG("VALS"), .size = 4, .data = v}};
    const char *p = path_in("sz.csr");
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 4, &err), 0);
    expect_read_error(p, "section CIDX is 8 bytes, expected 4");
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 2, &err), 0);
    expect_read_error(p, "no CIDX section");
    /* A forged huge shape must be rejected before any allocation. */
    dims[0] = UINT64_MAX / 4;
    s[2].size = 4;
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 4, &err), 0);
    expect_read_error(p, "does not fit");
    /* The same tag twice. */
    dims[0] = 2;
    s[3].tag = TREC_TAG("CIDX");
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 4, &err), 0);
    expect_read_error(p, "appears twice");
}
END_TEST

START_TEST(labels_validation)
{
    ck_assert_ptr_null(trec_label_problem("433", 3));
    ck_assert_ptr_null(trec_label_problem("Caf\xc3\xa9", 5));
    ck_assert_ptr_null(trec_label_problem("\xf0\x9f\x8e\xac", 4));
    ck_assert_str_eq(trec_label_problem("", 0), "empty");
    ck_assert_str_eq(trec_label_problem("a\tb", 3), "control character");
    ck_assert_str_eq(trec_label_problem("a\nb", 3), "control character");
    ck_assert_str_eq(trec_label_problem("\xff", 1), "invalid UTF-8");
    ck_assert_str_eq(trec_label_problem("\xc3", 1), "invalid UTF-8");
    ck_assert_str_eq(trec_label_problem("\xc0\xaf", 2), "invalid UTF-8");     /* overlong */
    ck_assert_str_eq(trec_label_problem("\xed\xa0\x80", 3), "invalid UTF-8"); /* surrogate */
}
END_TEST

/* A labels section is checked by a fast path when its text is printable
 * ASCII: every byte value at every position of a 19-byte label (two
 * 8-byte words and a tail), among other labels, gets the verdict of
 * trec_label_problem, and an empty label is still named. */
START_TEST(labels_section_fast_path)
{
    enum { LEN = 19 };
    uint8_t sec[8 + 8 * 4 + 3 * LEN];
    trec_labels l;
    trec_error err;
    uint64_t count = 3, offs[4] = {0, LEN, 2 * LEN, 3 * LEN};
    memcpy(sec, &count, 8);
    memcpy(sec + 8, offs, sizeof offs);
    char *text = (char *)sec + 8 + sizeof offs;
    for (int pos = 0; pos < LEN; pos++) {
        for (int b = 0; b < 256; b++) {
            memset(text, '7', 3 * LEN);
            text[2 * LEN + pos] = (char)b; /* the last label: words and the tail */
            const char *why = trec_label_problem(text + 2 * LEN, LEN);
            int rc = trec_labels_parse(sec, sizeof sec, "f", "labels", &l, &err);
            ck_assert_msg(rc == (why ? -1 : 0), "byte 0x%02x at %d: parse %d, problem %s", b,
                          pos, rc, why ? why : "none");
            if (why)
                ck_assert_ptr_nonnull(strstr(err.msg, why));
        }
    }
    offs[2] = offs[1]; /* label 1 empty, the text printable */
    memcpy(sec + 8, offs, sizeof offs);
    memset(text, '7', 3 * LEN);
    ck_assert_int_eq(trec_labels_parse(sec, sizeof sec, "f", "labels", &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "f: labels: label 1 is empty"));
}
END_TEST

START_TEST(labels_section_rejects_bad_offsets)
{
    trec_error err;
    trec_labels l;
    uint64_t sec[5] = {2, 0, 5, 3, 0}; /* offsets go backwards */
    memcpy(&sec[4], "abc", 3);
    ck_assert_int_eq(trec_labels_parse(sec, 8 + 24 + 3, "f", "row labels", &l, &err), -1);
    uint64_t ok[5] = {2, 0, 1, 3, 0};
    memcpy(&ok[4], "abc", 3);
    ck_assert_int_eq(trec_labels_parse(ok, 8 + 24 + 3, "f", "row labels", &l, &err), 0);
    ck_assert_uint_eq(l.count, 2);
    uint64_t huge[3] = {UINT64_MAX / 8, 0, 0};
    ck_assert_int_eq(trec_labels_parse(huge, 24, "f", "row labels", &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "does not fit"));
}
END_TEST

START_TEST(idmap_first_seen_order_and_growth)
{
    trec_idmap m;
    trec_error err;
    ck_assert_int_eq(trec_idmap_init(&m, &err), 0);
    uint32_t id;
    char buf[32];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(buf, sizeof buf, "%d", (i * 7919) % 50000);
        ck_assert_int_eq(trec_idmap_intern(&m, buf, (size_t)n, &id, &err), 1);
        ck_assert_uint_eq(id, (uint32_t)i);
    }
    ck_assert_int_eq(trec_idmap_intern(&m, "7919", 4, &id, &err), 0);
    ck_assert_uint_eq(id, 1);
    ck_assert_int_eq(trec_idmap_find(&m, "50000", 5), -1);
    ck_assert_int_eq(trec_idmap_find(&m, "0", 1), 0);
    trec_labels l = trec_idmap_labels(&m);
    size_t n;
    const char *s = trec_label(&l, 2, &n);
    ck_assert_mem_eq(s, "15838", 5);
    trec_idmap back;
    ck_assert_int_eq(trec_idmap_from_labels(&back, &l, &err), 0);
    ck_assert_int_eq(trec_idmap_find(&back, "15838", 5), 2);
    trec_idmap_free(&back);
    trec_idmap_free(&m);
}
END_TEST

START_TEST(idmap_rejects_duplicate_labels)
{
    trec_error err;
    uint64_t off[3] = {0, 1, 2};
    trec_labels l = {.count = 2, .offsets = off, .blob = "xx"};
    trec_idmap m;
    ck_assert_int_eq(trec_idmap_from_labels(&m, &l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "duplicate label \"x\""));
}
END_TEST

START_TEST(failed_write_keeps_old_file)
{
    trec_csr m;
    trec_error err;
    small_matrix(&m);
    const char *p = path_in("keep.csr");
    FILE *fp = fopen(p, "w");
    fputs("precious", fp);
    fclose(fp);
    /* A section whose data cannot be produced: simulate by a failing
     * directory path instead, and check the original survives an abort. */
    trec_outfile out;
    ck_assert_int_eq(trec_outfile_open(&out, p, &err), 0);
    fputs("half-written", out.fp);
    trec_outfile_abort(&out);
    uint8_t *buf;
    size_t n;
    ck_assert_int_eq(trec_read_file(p, &buf, &n, &err), 0);
    ck_assert_str_eq((char *)buf, "precious");
    free(buf);
    /* No temporary files left behind. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", dir);
    ck_assert_int_ne(system(cmd), 0);
    ck_assert_int_eq(trec_csr_write(path_in("no/such/dir/x.csr"), &m, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot create output file"));
    free_small(&m);
}
END_TEST

START_TEST(error_exit_leaves_no_temporary_file)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* a command that fails after opening its output */
        trec_outfile out;
        trec_error err;
        if (trec_outfile_open(&out, path_in("out.csr"), &err) != 0)
            _exit(3);
        fputs("partial", out.fp);
        exit(1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(devices_are_written_in_place)
{
    trec_outfile out;
    trec_error err;
    ck_assert_int_eq(trec_outfile_open(&out, "/dev/null", &err), 0);
    fputs("discarded", out.fp);
    ck_assert_int_eq(trec_outfile_commit(&out, &err), 0);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode)); /* still the device, not a renamed file */
}
END_TEST

/* ---- model files ---- */

static void small_model(trec_model *m, trec_idmap *u, trec_idmap *it)
{
    trec_error err;
    memset(m, 0, sizeof *m);
    m->n_users = 2;
    m->n_items = 3;
    m->k = 2;
    m->predict = TREC_PREDICT_DOT;
    m->biases = 1;
    m->user.repr = TREC_REPR_LINEAR;
    m->user.identity = 1;
    m->item.repr = TREC_REPR_RELU;
    m->item.identity = 1;
    m->item.n_extra = 1;
    m->item.hidden = 4;
    ck_assert_int_eq(trec_model_alloc(m, &err), 0);
    for (uint64_t i = 0; i < 4; i++)
        m->user_repr[i] = (float)i * 0.5f;
    m->item.w1[5] = 2.0f;
    m->item_bias[1] = -1.0f;
    uint32_t id;
    trec_idmap_init(u, &err);
    trec_idmap_init(it, &err);
    trec_idmap_intern(u, "10", 2, &id, &err);
    trec_idmap_intern(u, "20", 2, &id, &err);
    trec_idmap_intern(it, "a", 1, &id, &err);
    trec_idmap_intern(it, "b", 1, &id, &err);
    trec_idmap_intern(it, "c", 1, &id, &err);
    m->user_labels = trec_idmap_labels(u);
    m->item_labels = trec_idmap_labels(it);
    m->meta_json = "{\"loss\":\"wmrb\"}";
}

START_TEST(model_round_trip)
{
    trec_model m, r;
    trec_idmap u, it;
    trec_error err;
    small_model(&m, &u, &it);
    const char *p = path_in("m.trec");
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_model_read(p, &r, &err), 0);
    ck_assert_uint_eq(r.n_users, 2);
    ck_assert_uint_eq(r.n_items, 3);
    ck_assert_uint_eq(r.item.repr, TREC_REPR_RELU);
    ck_assert_uint_eq(r.item.n_features, 4);
    ck_assert_uint_eq(r.item.hidden, 4);
    ck_assert_mem_eq(r.user_repr, m.user_repr, 4 * 4);
    ck_assert_mem_eq(r.item.w1, m.item.w1, 4 * 4 * 4);
    ck_assert_float_eq(r.item_bias[1], -1.0f);
    ck_assert_str_eq(r.meta_json, "{\"loss\":\"wmrb\"}");
    size_t n;
    ck_assert_mem_eq(trec_label(&r.user_labels, 1, &n), "20", 2);
    /* A matrix reader refuses a model file. */
    expect_read_error(p, "is a model file");
    trec_model_free(&r);
    m.meta_json = NULL;
    trec_model_free(&m);
    trec_idmap_free(&u);
    trec_idmap_free(&it);
}
END_TEST

START_TEST(model_rejects_corruption)
{
    trec_model m, r;
    trec_idmap u, it;
    trec_error err;
    small_model(&m, &u, &it);
    const char *p = path_in("m.trec");
    /* Non-finite weights are refused at write time... */
    m.item.w1[0] = INFINITY;
    ck_assert_int_eq(trec_model_write(p, &m, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "not finite"));
    m.item.w1[0] = 0;
    /* ...and pass-through needs k == number of features. */
    m.item.repr = TREC_REPR_PASS_THROUGH;
    ck_assert_int_eq(trec_model_write(p, &m, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "needs components (2) = number of features (4)"));
    m.item.repr = TREC_REPR_RELU;
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    size_t n = file_size(p);
    patch_byte(p, (long)n - 1, 0x7F);
    ck_assert_int_eq(trec_model_read(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch"));
    truncate_to(p, (off_t)n / 2);
    ck_assert_int_eq(trec_model_read(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
    m.meta_json = NULL;
    trec_model_free(&m);
    trec_idmap_free(&u);
    trec_idmap_free(&it);
}
END_TEST

START_TEST(model_optimiser_state)
{
    trec_model m, r;
    trec_idmap u, it;
    trec_error err;
    small_model(&m, &u, &it);
    /* user: 2x2 weights + 2 biases; item: 4x4 W1 + 4 b1 + 4x2 W2 + 4 biases */
    ck_assert_uint_eq(trec_model_param_count(&m), 6 + 16 + 4 + 8 + 4);
    ck_assert_int_eq(trec_model_alloc_adam(&m, &err), 0);
    m.adam_t = 7;
    m.adam_m[3] = 0.25f;
    m.adam_v[37] = 2.0f;
    const char *p = path_in("adam.trec");
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_model_read(p, &r, &err), 0);
    ck_assert_uint_eq(r.adam_t, 7);
    ck_assert_uint_eq(r.adam_n, 38);
    ck_assert_float_eq(r.adam_m[3], 0.25f);
    ck_assert_float_eq(r.adam_v[37], 2.0f);
    trec_model_free(&r);
    /* negative second moments and wrong counts are refused */
    m.adam_v[0] = -1.0f;
    ck_assert_int_eq(trec_model_write(p, &m, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "second moment 0 is negative"));
    m.adam_v[0] = 0.0f;
    m.adam_n = 37;
    ck_assert_int_eq(trec_model_write(p, &m, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "optimiser state for 37 parameters, the model has 38"));
    /* moments without the ADAM section */
    uint64_t dims[16] = {2, 3, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0};
    float zeros[64] = {0};
    trec_section s[9] = {
        {.tag = TREC_TAG("META"), .size = 2, .data = "{}"},
        {.tag = TREC_TAG("MDIM"), .size = sizeof dims, .data = dims},
        {.tag = TREC_TAG("UREP"), .size = 16, .data = zeros},
        {.tag = TREC_TAG("IREP"), .size = 24, .data = zeros},
        {.tag = TREC_TAG("UBIA"), .size = 8, .data = zeros},
        {.tag = TREC_TAG("IBIA"), .size = 12, .data = zeros},
        {.tag = TREC_TAG("UW1_"), .size = 16, .data = zeros},
        {.tag = TREC_TAG("IW1_"), .size = 24, .data = zeros}};
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MODEL, s, 8, &err), 0);
    ck_assert_int_eq(trec_model_read(p, &r, &err), 0); /* no state: fine */
    ck_assert_uint_eq(r.adam_n, 0);
    trec_model_free(&r);
    s[8] = (trec_section){.tag = TREC_TAG("ADMM"), .size = 40, .data = zeros};
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MODEL, s, 9, &err), 0);
    ck_assert_int_eq(trec_model_read(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "optimiser moments without an ADAM section"));
    m.adam_n = 38;
    m.meta_json = NULL;
    trec_model_free(&m);
    trec_idmap_free(&u);
    trec_idmap_free(&it);
}
END_TEST

/* Offset of section tag in file p. */
static long section_offset(const char *p, const char *tag)
{
    trec_container c;
    trec_error err;
    ck_assert_int_eq(trec_container_read(p, 0, &c, &err), 0);
    long off = -1;
    for (uint32_t i = 0; i < c.count; i++)
        if (c.sections[i].tag == TREC_TAG(tag))
            off = (long)c.sections[i].offset;
    trec_container_free(&c);
    ck_assert_int_ge(off, 0);
    return off;
}

/* trec_model_map: what scoring needs, checked; the rest not read. */
START_TEST(model_map_scoring_sections)
{
    trec_model m, r;
    trec_idmap u, it;
    trec_error err;
    small_model(&m, &u, &it);
    ck_assert_int_eq(trec_model_alloc_adam(&m, &err), 0);
    const char *p = path_in("map.trec");
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_model_map(p, &r, &err), 0);
    ck_assert_int_eq(r.scoring_only, 1);
    ck_assert_int_eq(r.file.mapped, 1);
    ck_assert_uint_eq(r.adam_n, 0);
    ck_assert_ptr_null(r.user.w1);
    ck_assert_ptr_null(r.item.w2);
    ck_assert_uint_eq(r.n_users, m.n_users);
    ck_assert(memcmp(r.user_repr, m.user_repr, m.n_users * m.k * sizeof(float)) == 0);
    ck_assert(memcmp(r.item_bias, m.item_bias, m.n_items * sizeof(float)) == 0);
    ck_assert_uint_eq(r.user_labels.count, m.n_users);
    /* such a model is not written */
    ck_assert_int_eq(trec_model_write(path_in("map2.trec"), &r, &err), -1);
    trec_model_free(&r);
    /* a damaged optimiser state: not read by scoring, refused by a full read */
    long adam = section_offset(p, "ADMM"), urep = section_offset(p, "UREP");
    patch_byte(p, adam, 0x55);
    ck_assert_int_eq(trec_model_map(p, &r, &err), 0);
    trec_model_free(&r);
    ck_assert_int_eq(trec_model_read(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section ADMM"));
    /* a damaged representation: refused by both, in the same words */
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    patch_byte(p, urep + 1, 0x55);
    ck_assert_int_eq(trec_model_map(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section UREP"));
    /* a truncated file: the reader's message */
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    truncate_to(p, (off_t)file_size(p) - 3);
    ck_assert_int_eq(trec_model_map(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
    m.meta_json = NULL;
    trec_model_free(&m);
    trec_idmap_free(&u);
    trec_idmap_free(&it);
}
END_TEST

/* ---- chunk checksums (CKSM) ---- */

static const char BIG_BYTES = 0x5a;

static void fill_big(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(BIG_BYTES + (off + i) * 7);
}

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* A section longer than a chunk brings CKSM: the CRCs of its 1 MiB chunks
 * (the last one shorter) and the small section's; lazy reading verifies
 * only the chunks asked for, a whole reading every byte. */
START_TEST(chunk_checksums)
{
    trec_error err;
    const uint64_t big = 3 * TREC_CHUNK_SIZE + TREC_CHUNK_SIZE / 2;
    static const char small[100] = "small";
    trec_section s[2] = {{.tag = TREC_TAG("BIG_"), .size = big, .fill = fill_big},
                         {.tag = TREC_TAG("SMAL"), .size = sizeof small, .data = small}};
    const char *p = path_in("big.trec");
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 2, &err), 0);
    trec_container c;
    ck_assert_int_eq(trec_container_read(p, 0, &c, &err), 0);
    ck_assert_uint_eq(c.count, 3);
    ck_assert_uint_eq(c.chunk_size, TREC_CHUNK_SIZE);
    uint64_t size;
    const uint8_t *ck = trec_container_find(&c, TREC_TAG("CKSM"), &size);
    const uint8_t *b = trec_container_find(&c, TREC_TAG("BIG_"), NULL);
    ck_assert_uint_eq(size, 8 + 4 * (4 + 1));
    for (uint64_t k = 0; k < 4; k++) {
        size_t n = k < 3 ? TREC_CHUNK_SIZE : TREC_CHUNK_SIZE / 2;
        ck_assert_uint_eq(get32(ck + 8 + 4 * k), trec_crc32(0, b + k * TREC_CHUNK_SIZE, n));
    }
    ck_assert_uint_eq(get32(ck + 8 + 16), trec_crc32(0, small, sizeof small));
    ck_assert_uint_eq(c.sections[0].crc, trec_crc32(0, b, big)); /* combined = whole */
    long off = (long)c.sections[0].offset;
    trec_container_free(&c);
    /* a byte of the third chunk damaged: lazily, only that chunk is refused */
    patch_byte(p, off + 2 * TREC_CHUNK_SIZE + 5, 0);
    uint32_t lazy = TREC_TAG("BIG_");
    ck_assert_int_eq(trec_container_map_lazy(p, 0, NULL, 0, &lazy, 1, &c, &err), 0);
    ck_assert_int_eq(c.sections[0].lazy, 1);
    ck_assert_ptr_null(trec_container_find(&c, lazy, NULL));
    ck_assert_ptr_nonnull(trec_container_find_lazy(&c, lazy, NULL));
    ck_assert_int_eq(trec_container_verify_range(&c, lazy, 0, 2 * TREC_CHUNK_SIZE, &err), 0);
    ck_assert_int_eq(trec_container_verify_range(&c, lazy, big - 1, 1, &err), 0);
    ck_assert_int_eq(trec_container_verify_range(&c, lazy, 2 * TREC_CHUNK_SIZE - 1, 2, &err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section BIG_, bytes "
                                          "2097152..3145728 (file is corrupt)"));
    trec_container_free(&c);
    expect_read_error(p, "checksum mismatch in section BIG_");
    /* without CKSM (no section longer than a chunk) lazy sections are
     * verified whole */
    s[0].size = 1000;
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 2, &err), 0);
    ck_assert_int_eq(trec_container_map_lazy(p, 0, NULL, 0, &lazy, 1, &c, &err), 0);
    ck_assert_uint_eq(c.count, 2);
    ck_assert_int_eq(c.sections[0].lazy, 0);
    ck_assert_ptr_nonnull(trec_container_find(&c, lazy, NULL));
    trec_container_free(&c);
    patch_byte(p, off + 10, 0);
    ck_assert_int_eq(trec_container_map_lazy(p, 0, NULL, 0, &lazy, 1, &c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section BIG_"));
}
END_TEST

/* A CKSM that does not fit the section table is refused by every reader. */
START_TEST(chunk_checksums_rejected)
{
    trec_error err;
    uint8_t ck[8 + 4 * 2] = {0};
    static const char x[10] = "x";
    trec_section s[2] = {{.tag = TREC_TAG("X___"), .size = sizeof x, .data = x},
                         {.tag = TREC_TAG("CKSM"), .size = sizeof ck, .data = ck}};
    const char *p = path_in("ck.trec");
    uint64_t chunk = TREC_CHUNK_SIZE;
    memcpy(ck, &chunk, 8); /* one section of one chunk: 4 bytes of CRCs, not 8 */
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 2, &err), 0);
    expect_read_error(p, "section CKSM does not match the section table (file is corrupt)");
    s[1].size = 12;
    chunk = 3 << 20; /* not a power of two */
    memcpy(ck, &chunk, 8);
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 2, &err), 0);
    expect_read_error(p, "section CKSM does not match the section table");
    chunk = TREC_CHUNK_SIZE;
    memcpy(ck, &chunk, 8);
    ck_assert_int_eq(trec_container_write(p, TREC_KIND_MATRIX, s, 2, &err), 0);
    trec_container c;
    ck_assert_int_eq(trec_container_read(p, 0, &c, &err), 0);
    trec_container_free(&c);
}
END_TEST

/* Rewrites the float at byte `at` of file p (in section sec, whose chunk
 * CRC, table CRC and header CRC are recomputed, as a writer would have). */
static void rewrite_float(const char *p, const char *sec, uint64_t at, float v)
{
    trec_container c;
    trec_error err;
    ck_assert_int_eq(trec_container_read(p, 0, &c, &err), 0);
    uint8_t *buf = c.buf;
    uint32_t i = 0, ck = 0;
    while (c.sections[i].tag != TREC_TAG(sec))
        i++;
    while (c.sections[ck].tag != TREC_TAG("CKSM"))
        ck++;
    uint64_t off = c.sections[i].offset, size = c.sections[i].size, C = c.chunk_size;
    memcpy(buf + off + at, &v, 4);
    uint64_t k = at / C, n = size - k * C < C ? size - k * C : C;
    uint32_t crc = trec_crc32(0, buf + off + k * C, n);
    memcpy(buf + c.sections[ck].offset + 8 + 4 * (c.sections[i].chunk0 + k), &crc, 4);
    crc = trec_crc32(0, buf + off, size);
    memcpy(buf + 32 + 32 * i + 4, &crc, 4);
    crc = trec_crc32(0, buf + c.sections[ck].offset, c.sections[ck].size);
    memcpy(buf + 32 + 32 * ck + 4, &crc, 4);
    crc = trec_crc32(trec_crc32(0, buf, 28), buf + 32, 32 * c.count);
    memcpy(buf + 28, &crc, 4);
    FILE *fp = fopen(p, "wb");
    ck_assert_uint_eq(fwrite(buf, 1, c.len, fp), c.len);
    fclose(fp);
    trec_container_free(&c);
}

/* trec_model_map_queries: the user rows a query names are checked (their
 * chunks, their numbers), the others not read. */
START_TEST(model_map_queries)
{
    trec_model m, r;
    trec_error err;
    memset(&m, 0, sizeof m);
    m.n_users = 5000;
    m.n_items = 3;
    m.k = 64; /* 1.28 MB of user representations: two chunks */
    m.predict = TREC_PREDICT_DOT;
    m.biases = 1;
    m.user.repr = m.item.repr = TREC_REPR_LINEAR;
    m.user.identity = m.item.identity = 1;
    ck_assert_int_eq(trec_model_alloc(&m, &err), 0);
    for (uint64_t i = 0; i < m.n_users * m.k; i++)
        m.user_repr[i] = (float)(i % 97) / 97;
    const char *p = path_in("q.trec");
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_model_map_queries(p, &r, &err), 0);
    ck_assert_int_eq(r.users_lazy, 1);
    uint64_t first = 0, last = 4999;
    ck_assert_int_eq(trec_model_use_users(&r, &first, 1, &err), 0);
    ck_assert_int_eq(trec_model_use_users(&r, &last, 1, &err), 0);
    ck_assert(memcmp(r.user_repr + last * 64, m.user_repr + last * 64, 64 * 4) == 0);
    trec_model copy;
    ck_assert_int_eq(trec_model_copy(&copy, &r, &err), -1); /* its rows are unchecked */
    trec_model_free(&r);
    ck_assert_int_eq(trec_model_map(p, &r, &err), 0);
    ck_assert_int_eq(r.users_lazy, 0);
    trec_model_free(&r);
    /* a damaged byte in the last user's chunk */
    long urep = section_offset(p, "UREP");
    patch_byte(p, urep + (long)(last * 64 * 4), 0x77);
    ck_assert_int_eq(trec_model_map_queries(p, &r, &err), 0);
    ck_assert_int_eq(trec_model_use_users(&r, &first, 1, &err), 0);
    ck_assert_int_eq(trec_model_use_users(&r, &last, 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "q.trec: checksum mismatch in section UREP, bytes "
                                          "1048576..1280000"));
    trec_model_free(&r);
    ck_assert_int_eq(trec_model_map(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section UREP"));
    /* a NaN with every checksum right: refused for that user only */
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    rewrite_float(p, "UREP", (last * 64 + 3) * 4, NAN);
    ck_assert_int_eq(trec_model_map_queries(p, &r, &err), 0);
    ck_assert_int_eq(trec_model_use_users(&r, &first, 1, &err), 0);
    ck_assert_int_eq(trec_model_use_users(&r, &last, 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "user representations: value 319939 is not finite"));
    trec_model_free(&r);
    ck_assert_int_eq(trec_model_map(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "user representations: value 319939 is not finite"));
    trec_model_free(&m);
}
END_TEST

START_TEST(model_rejects_bad_meta)
{
    trec_model m, r;
    trec_idmap u, it;
    trec_error err;
    small_model(&m, &u, &it);
    m.meta_json = "{not json";
    const char *p = path_in("m.trec");
    ck_assert_int_eq(trec_model_write(p, &m, &err), 0);
    ck_assert_int_eq(trec_model_read(p, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "META section is not a JSON object"));
    m.meta_json = NULL;
    trec_model_free(&m);
    trec_idmap_free(&u);
    trec_idmap_free(&it);
}
END_TEST

static Suite *container_suite(void)
{
    Suite *s = suite_create("container");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_add_test(tc, crc32_known_values);
    tcase_add_test(tc, crc32_vector_matches_tables);
    tcase_add_test(tc, model_map_scoring_sections);
    tcase_add_test(tc, csr_round_trip);
    tcase_add_test(tc, csr_without_optional_sections);
    tcase_add_test(tc, same_matrix_same_bytes);
    tcase_add_test(tc, reject_bad_magic_version_truncation);
    tcase_add_test(tc, reject_checksum_mismatch);
    tcase_add_test(tc, reject_wrong_kind);
    tcase_add_test(tc, reject_inconsistent_matrices);
    tcase_add_test(tc, reject_section_size_mismatch);
    tcase_add_test(tc, labels_validation);
    tcase_add_test(tc, labels_section_fast_path);
    tcase_add_test(tc, labels_section_rejects_bad_offsets);
    tcase_add_test(tc, idmap_first_seen_order_and_growth);
    tcase_add_test(tc, idmap_rejects_duplicate_labels);
    tcase_add_test(tc, failed_write_keeps_old_file);
    tcase_add_test(tc, devices_are_written_in_place);
    tcase_add_test(tc, error_exit_leaves_no_temporary_file);
    tcase_add_test(tc, model_round_trip);
    tcase_add_test(tc, model_rejects_corruption);
    tcase_add_test(tc, model_rejects_bad_meta);
    tcase_add_test(tc, model_optimiser_state);
    tcase_add_test(tc, chunk_checksums);
    tcase_add_test(tc, chunk_checksums_rejected);
    tcase_add_test(tc, model_map_queries);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(container_suite)
