/* fuzz_files.c - libFuzzer target: any bytes as a matrix file and as a model
 * file. The readers must reject bad input with an error, never crash or read
 * out of bounds (run under AddressSanitizer/UBSan by `make fuzz`). The
 * checksums make random bytes fail early, so the target also recomputes the
 * CRCs of the input before parsing, to reach the structural checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A 16 MiB quarantine still catches a use after free within one execution;
 * the default 256 MiB made allocations touch fresh pages (page faults).
 * ASAN_OPTIONS still overrides this. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=16";
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

static void try_parse(const uint8_t *data, size_t len, int fix, uint32_t kind)
{
    trec_error err;
    uint8_t *buf = trec_aligned_alloc(len + 1, &err);
    if (!buf)
        return;
    memcpy(buf, data, len);
    if (fix)
        fix_checksums(buf, len);
    trec_container c;
    if (trec_container_parse(buf, len, "fuzz", kind, &c, &err) != 0)
        return;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    for (int fix = 0; fix < 2; fix++) {
        try_parse(data, len, fix, TREC_KIND_MATRIX);
        try_parse(data, len, fix, TREC_KIND_MODEL);
    }
    return 0;
}
