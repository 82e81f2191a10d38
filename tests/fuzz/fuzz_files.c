/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_files.c - libFuzzer target: any bytes as a matrix file and as a model
 * file. The readers must reject bad input with an error, never crash or read
 * out of bounds (run under AddressSanitizer/UBSan by `make fuzz`). The
 * checksums make random bytes fail early, so the target also recomputes the
 * CRCs of the input before parsing, to reach the structural checks.
 *
 * The readers of trec-eval and trec-recommend take files, so the (fixed)
 * bytes also go through a file in memory (memfd): a model mapped as they map
 * it (trec_model_map: sections checked in place, the scoring-unused ones
 * skipped), as trec-recommend --user maps it (trec_model_map_queries: user
 * rows checked by their chunks, for a few users), and a matrix read in row
 * blocks as distributed trec-eval and ALS read it (csr_part.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csr_part.h"
#include "internal.h"

/* A 16 MiB quarantine still catches a use after free within one execution;
 * the default 256 MiB made allocations touch fresh pages (page faults).
 * ASAN_OPTIONS still overrides this. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=16";
}

/* Rewrites the chunk CRCs of a CKSM section whose layout fits the table. */
static void fix_chunk_sums(uint8_t *b, size_t len, uint32_t n)
{
    uint64_t off[TREC_MAX_SECTIONS], size[TREC_MAX_SECTIONS], at = n, chunk = 0, total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + TREC_HEADER_SIZE + i * 32;
        memcpy(&off[i], e + 8, 8);
        memcpy(&size[i], e + 16, 8);
        if (off[i] > len || size[i] > len - off[i])
            return;
        if (memcmp(e, TREC_CHUNK_TAG, 4) == 0)
            at = i;
    }
    if (at == n || size[at] < 8)
        return;
    memcpy(&chunk, b + off[at], 8);
    if (chunk < (1u << 16) || chunk > (1u << 30) || (chunk & (chunk - 1)))
        return;
    for (uint32_t i = 0; i < n; i++)
        total += i == at ? 0 : (size[i] + chunk - 1) / chunk;
    if (size[at] != 8 + 4 * total)
        return;
    uint8_t *out = b + off[at] + 8;
    for (uint32_t i = 0; i < n; i++)
        for (uint64_t k = 0; i != at && k * chunk < size[i]; k++, out += 4) {
            uint64_t piece = size[i] - k * chunk < chunk ? size[i] - k * chunk : chunk;
            uint32_t crc = trec_crc32(0, b + off[i] + k * chunk, (size_t)piece);
            memcpy(out, &crc, 4);
        }
}

/* Rewrites section and header CRCs so that they match the (fuzzed) bytes. */
static void fix_checksums(uint8_t *b, size_t len)
{
    if (len < TREC_HEADER_SIZE)
        return;
    uint32_t n;
    memcpy(&n, b + 24, 4);
    if (n > TREC_MAX_SECTIONS || TREC_HEADER_SIZE + (size_t)n * 32 > len)
        return;
    fix_chunk_sums(b, len, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + TREC_HEADER_SIZE + i * 32;
        uint64_t off, size;
        memcpy(&off, e + 8, 8);
        memcpy(&size, e + 16, 8);
        if (off <= len && size <= len - off) {
            uint32_t crc = trec_crc32(0, b + off, (size_t)size);
            memcpy(e + 4, &crc, 4);
        }
    }
    uint64_t size = len;
    memcpy(b + 16, &size, 8);
    uint32_t crc = trec_crc32(0, b, 28);
    crc = trec_crc32(crc, b + TREC_HEADER_SIZE, (size_t)n * 32);
    memcpy(b + 28, &crc, 4);
}

/* The path of a memfd holding data[0..len), or NULL. */
static const char *in_file(const uint8_t *data, size_t len)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz", 0);
        if (fd < 0)
            return NULL;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, len, 0) != (ssize_t)len)
        return NULL;
    return path;
}

/* Rows in two blocks, verified, and the labels, as lib/mpi reads them. */
static void read_parts(const char *path)
{
    trec_csr_file f;
    trec_error err;
    if (trec_csr_file_open(&f, path, &err) != 0)
        return;
    trec_csr_part_crc crc[2];
    uint64_t cut[3] = {0, f.rows / 2, f.rows};
    size_t done = 0;
    for (; done < 2; done++) {
        trec_csr m;
        if (trec_csr_read_rows(&f, cut[done], cut[done + 1], &m, &crc[done], &err) != 0)
            break;
        trec_csr_free(&m);
    }
    if (done == 2)
        trec_csr_file_verify(&f, crc, 2, &err);
    trec_csr shell;
    if (trec_csr_read_labels(&f, &shell, &err) == 0)
        trec_csr_free(&shell);
    trec_csr_file_close(&f);
}

static void try_parse(const uint8_t *data, size_t len, int fix, uint32_t kind)
{
    trec_error err;
    uint8_t *buf = trec_aligned_alloc(len + 1, &err);
    if (!buf)
        return;
    memcpy(buf, data, len);
    if (fix)
        fix_checksums(buf, len);
    const char *path = fix ? in_file(buf, len) : NULL;
    trec_container c;
    if (trec_container_parse(buf, len, "fuzz", kind, &c, &err) == 0) {
        if (kind == TREC_KIND_MATRIX) {
            trec_csr m;
            if (trec_csr_from_container(&c, &m, &err) == 0)
                trec_csr_free(&m);
        } else {
            trec_model m;
            if (trec_model_from_container(&c, &m, &err) == 0)
                trec_model_free(&m);
        }
    }
    if (!path)
        return;
    if (kind == TREC_KIND_MATRIX) {
        read_parts(path);
    } else {
        trec_model m;
        if (trec_model_map(path, &m, &err) == 0)
            trec_model_free(&m);
        if (trec_model_map_queries(path, &m, &err) == 0) {
            uint64_t users[3] = {0, m.n_users / 2, m.n_users - 1};
            trec_model_use_users(&m, users, m.n_users ? 3 : 0, &err);
            trec_model_free(&m);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    for (int fix = 0; fix < 2; fix++) {
        try_parse(data, len, fix, TREC_KIND_MATRIX);
        try_parse(data, len, fix, TREC_KIND_MODEL);
    }
    return 0;
}
