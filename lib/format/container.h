/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* container.h - the trec container: the on-disk layout shared by matrix and
 * model files, specified in trec-formats(5).
 *
 *   offset 0   8 bytes  magic "TREC\r\n\x1a\n"
 *          8   u32      format version (1)
 *         12   u32      kind (1 matrix, 2 model)
 *         16   u64      total file size in bytes
 *         24   u32      number of sections N
 *         28   u32      CRC-32 of bytes 0..27 followed by the section table
 *         32   N x 32   section table, entries:
 *                         u8[4] tag, u32 CRC-32 of the section's bytes,
 *                         u64 offset, u64 length, u64 reserved (0)
 *   sections start at offsets that are multiples of 64, in table order,
 *   separated by zero padding; the file ends where the last section ends.
 * All integers little-endian.
 *
 * Chunk checksums: a file with a section longer than TREC_CHUNK_SIZE ends
 * with a section CKSM: u64 chunk size C, then for every other section in
 * table order the CRC-32s of its C-byte chunks (the last one shorter),
 * ceil(length / C) u32s each. A reader that uses only parts of a large
 * section (one user's row) verifies the chunks it reads, not the whole
 * section (trec_container_map_lazy). */
#ifndef TREC_CONTAINER_H
#define TREC_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TREC_MAGIC "TREC\r\n\x1a\n"
#define TREC_FORMAT_VERSION 1u
#define TREC_HEADER_SIZE 32u
#define TREC_SECTION_ENTRY_SIZE 32u
#define TREC_ALIGN 64u
#define TREC_MAX_SECTIONS 64u
#define TREC_CHUNK_SIZE (1u << 20) /* the chunk size trec writes */
#define TREC_CHUNK_TAG "CKSM"

enum trec_kind { TREC_KIND_MATRIX = 1, TREC_KIND_MODEL = 2 };

/* Tags are 4 ASCII characters; TREC_TAG("DIMS") packs them as stored. */
#define TREC_TAG(s) ((uint32_t)(unsigned char)(s)[0] | \
                     (uint32_t)(unsigned char)(s)[1] << 8 | \
                     (uint32_t)(unsigned char)(s)[2] << 16 | \
                     (uint32_t)(unsigned char)(s)[3] << 24)

/* A section to write: either `data` (size bytes in memory) or, when data is
 * NULL, a `fill` callback that produces the bytes [offset, offset+len) on
 * demand, so large sections can be generated without a second copy. fill may
 * be called more than once for the same range. */
typedef struct trec_section {
    uint32_t tag;
    uint64_t size;
    const void *data;
    void (*fill)(void *ctx, uint64_t offset, void *buf, size_t len);
    void *ctx;
} trec_section;

/* Writes a container atomically to path ("-": stdout). */
int trec_container_write(const char *path, uint32_t kind,
                         const trec_section *sections, size_t count,
                         trec_error *err);

/* A container read into memory and fully verified (structure and every
 * checksum). Section data is 64-byte aligned in memory. */
typedef struct trec_container {
    uint32_t kind;
    uint32_t version;
    uint32_t count;
    struct {
        uint32_t tag;
        uint32_t crc;
        uint64_t offset, size;
        int unverified;   /* trec_container_map: not checksummed, never found */
        int lazy;         /* trec_container_map_lazy: chunks checked on demand */
        uint64_t chunk0;  /* index of its first chunk CRC in CKSM */
    } sections[TREC_MAX_SECTIONS];
    uint64_t chunk_size;        /* CKSM's C, 0 without CKSM */
    const uint8_t *chunk_crcs;  /* CKSM's CRCs (in buf) */
    uint8_t *chunk_ok;          /* lazy reading: chunks verified so far */
    uint8_t *buf;     /* the whole file (NULL: the head alone was read) */
    size_t len;       /* the file's size */
    uint32_t header_crc; /* the header's CRC-32, set whenever the header was read */
    char *name;       /* file name for messages */
    int mapped;       /* buf is a read-only mapping of the file */
} trec_container;

/* Reads and verifies path ("-": stdin); if expect_kind is not 0 the file
 * must be of that kind. */
int trec_container_read(const char *path, uint32_t expect_kind,
                        trec_container *c, trec_error *err);
/* Verifies a container image already in memory (takes ownership of buf,
 * which must come from trec_aligned_alloc, on success and on failure). */
int trec_container_parse(uint8_t *buf, size_t len, const char *name,
                         uint32_t expect_kind, trec_container *c,
                         trec_error *err);
/* Like trec_container_read, but a regular file is mapped into memory (not
 * read), and the sections whose tags are listed in skip[0..n_skip) are not
 * checksummed (not read): trec_container_find does not find them. The
 * header, the whole section table and every other section are checked as by
 * trec_container_read, and a file that fails a check gets its message. A
 * stream ("-", a pipe) is read and verified whole (c->mapped 0). The file
 * must not be changed in place while mapped (trec's writers replace files
 * by renaming). */
int trec_container_map(const char *path, uint32_t expect_kind, const uint32_t *skip,
                       size_t n_skip, trec_container *c, trec_error *err);
/* trec_container_map, and the sections listed in lazy[0..n_lazy) are not
 * checksummed either when the file has chunk checksums (CKSM): the caller
 * verifies the parts it reads with trec_container_verify_range before
 * using them, and finds them with trec_container_find_lazy. Without CKSM
 * they are verified whole, as the others. */
int trec_container_map_lazy(const char *path, uint32_t expect_kind, const uint32_t *skip,
                            size_t n_skip, const uint32_t *lazy, size_t n_lazy,
                            trec_container *c, trec_error *err);
/* Verifies the chunks of section tag that hold bytes [off, off + len) (a
 * section verified whole: nothing to do). 0, or -1 and "NAME: checksum
 * mismatch in section TAG, bytes A..B (file is corrupt)". */
int trec_container_verify_range(trec_container *c, uint32_t tag, uint64_t off, uint64_t len,
                                trec_error *err);
void trec_container_free(trec_container *c);

/* Reads the header and section table of the regular file open on fd (named
 * name in messages) and checks them as trec_container_read does (magic,
 * version, kind, size, header CRC, section layout), but neither reads nor
 * verifies the sections: c->buf stays NULL and c->sections[i].crc holds the
 * stored CRCs, for readers of parts of sections (csr_part.h), which verify
 * them by combining their parts' CRCs. */
int trec_container_read_head(int fd, const char *name, uint32_t expect_kind,
                             trec_container *c, trec_error *err);

/* Finds a section by tag; returns its bytes and size, or NULL if absent (or
 * left unverified or to lazy verification by trec_container_map_lazy). */
const void *trec_container_find(const trec_container *c, uint32_t tag,
                                uint64_t *size);
/* The same, also finding sections left to lazy verification (whose bytes
 * must go through trec_container_verify_range before use). */
const void *trec_container_find_lazy(const trec_container *c, uint32_t tag,
                                     uint64_t *size);

/* Writes the 4-character tag into out[5] (NUL-terminated, non-printing
 * characters replaced by '?'). */
void trec_tag_name(uint32_t tag, char out[5]);

const char *trec_kind_name(uint32_t kind);

#ifdef __cplusplus
}
#endif

#endif
