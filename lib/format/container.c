/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* container.c - writing and verifying the trec container (trec-formats(5)). */
#include "container.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "fileio.h"

static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint64_t align_up(uint64_t x) { return (x + TREC_ALIGN - 1) / TREC_ALIGN * TREC_ALIGN; }

void trec_tag_name(uint32_t tag, char out[5])
{
    for (int i = 0; i < 4; i++) {
        unsigned char ch = (unsigned char)(tag >> (8 * i));
        out[i] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '?';
    }
    out[4] = 0;
}

const char *trec_kind_name(uint32_t kind)
{
    switch (kind) {
    case TREC_KIND_MATRIX: return "matrix";
    case TREC_KIND_MODEL: return "model";
    default: return "unknown";
    }
}

/* Streams a section through a chunk buffer: for the CRC pass and the write
 * pass alike. */
#define CHUNK (1u << 20)

typedef int (*chunk_fn)(void *ctx, const void *bytes, size_t len);

static int for_each_chunk(const trec_section *s, uint8_t *tmp, chunk_fn fn, void *ctx)
{
    if (s->data)
        return fn(ctx, s->data, s->size);
    for (uint64_t off = 0; off < s->size; off += CHUNK) {
        size_t n = s->size - off < CHUNK ? (size_t)(s->size - off) : CHUNK;
        s->fill(s->ctx, off, tmp, n);
        if (fn(ctx, tmp, n) != 0)
            return -1;
    }
    return 0;
}

/* A section's CRC as its bytes stream by, and with chunk checksums (out
 * not NULL) the CRCs of its TREC_CHUNK_SIZE-byte chunks into out (u32s,
 * CKSM's), the whole CRC then combined from them. */
typedef struct crc_state {
    uint32_t whole, cur;
    uint64_t pos;
    uint8_t *out;
} crc_state;

static void crc_feed(crc_state *st, const uint8_t *p, size_t n)
{
    if (!st->out) {
        st->whole = trec_crc32(st->whole, p, n);
        return;
    }
    while (n > 0) {
        uint64_t room = TREC_CHUNK_SIZE - st->pos % TREC_CHUNK_SIZE;
        size_t m = n < room ? n : (size_t)room;
        st->cur = trec_crc32(st->cur, p, m);
        st->pos += m;
        p += m;
        n -= m;
        if (st->pos % TREC_CHUNK_SIZE == 0) {
            put_u32(st->out, st->cur);
            st->out += 4;
            st->whole = trec_crc32_combine(st->whole, st->cur, TREC_CHUNK_SIZE);
            st->cur = 0;
        }
    }
}

/* The section's CRC, once all its bytes were fed. */
static uint32_t crc_finish(crc_state *st)
{
    uint64_t tail = st->pos % TREC_CHUNK_SIZE;
    if (st->out && tail) {
        put_u32(st->out, st->cur);
        st->out += 4;
        st->whole = trec_crc32_combine(st->whole, st->cur, tail);
    }
    return st->whole;
}

static int crc_chunk(void *ctx, const void *bytes, size_t len)
{
    crc_feed(ctx, bytes, len);
    return 0;
}

static int write_chunk(void *ctx, const void *bytes, size_t len)
{
    FILE *fp = ctx;
    return fwrite(bytes, 1, len, fp) == len ? 0 : -1;
}

/* Checksums and writes in the same pass, while the bytes are in cache. */
typedef struct crc_writer {
    FILE *fp;
    crc_state crc;
} crc_writer;

static int crc_write_chunk(void *ctx, const void *bytes, size_t len)
{
    /* Pieces small enough to stay in cache between checksum and write. */
    enum { PIECE = 256 << 10 };
    crc_writer *w = ctx;
    const uint8_t *p = bytes;
    while (len > 0) {
        size_t n = len < PIECE ? len : PIECE;
        crc_feed(&w->crc, p, n);
        if (fwrite(p, 1, n, w->fp) != n)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static int write_zeros(FILE *fp, uint64_t n)
{
    static const uint8_t zeros[TREC_ALIGN];
    return n == 0 || fwrite(zeros, 1, (size_t)n, fp) == n ? 0 : -1;
}

/* Section table entry i of head. */
static uint8_t *entry(uint8_t *head, size_t i)
{
    return head + TREC_HEADER_SIZE + i * TREC_SECTION_ENTRY_SIZE;
}

/* Lays out the header and section table; the CRCs are filled in later. */
static void layout(uint8_t *head, uint32_t kind, const trec_section *sections, size_t count)
{
    size_t head_len = TREC_HEADER_SIZE + count * TREC_SECTION_ENTRY_SIZE;
    uint64_t off = align_up(head_len);
    for (size_t i = 0; i < count; i++) {
        put_u32(entry(head, i), sections[i].tag);
        put_u64(entry(head, i) + 8, off);
        put_u64(entry(head, i) + 16, sections[i].size);
        off = i + 1 < count ? align_up(off + sections[i].size) : off + sections[i].size;
    }
    memcpy(head, TREC_MAGIC, 8);
    put_u32(head + 8, TREC_FORMAT_VERSION);
    put_u32(head + 12, kind);
    put_u64(head + 16, count ? off : head_len);
    put_u32(head + 24, (uint32_t)count);
}

static void seal_header(uint8_t *head, size_t head_len)
{
    uint32_t hcrc = trec_crc32(0, head, 28);
    hcrc = trec_crc32(hcrc, head + TREC_HEADER_SIZE, head_len - TREC_HEADER_SIZE);
    put_u32(head + 28, hcrc);
}

/* Where section i's chunk CRCs go in CKSM's bytes (cksm, or NULL: none;
 * CKSM, the last section, has none of its own). */
static uint8_t *chunk_out(const trec_section *sections, size_t count, size_t i, uint8_t *cksm)
{
    if (!cksm || i + 1 == count)
        return NULL;
    uint64_t before = 0;
    for (size_t j = 0; j < i; j++)
        before += (sections[j].size + TREC_CHUNK_SIZE - 1) / TREC_CHUNK_SIZE;
    return cksm + 8 + 4 * before;
}

/* Writes the sections after the header; with crc_pass (the output can seek
 * back), also checksums them into the table (and their chunks into cksm). */
static int write_sections(FILE *fp, uint8_t *head, size_t head_len,
                          const trec_section *sections, size_t count, uint8_t *tmp,
                          int crc_pass, uint8_t *cksm)
{
    uint64_t pos = head_len;
    for (size_t i = 0; i < count; i++) {
        uint64_t start = get_u64(entry(head, i) + 8);
        if (write_zeros(fp, start - pos) != 0)
            return -1;
        if (crc_pass) {
            crc_writer w = {fp, {.out = chunk_out(sections, count, i, cksm)}};
            if (for_each_chunk(&sections[i], tmp, crc_write_chunk, &w) != 0)
                return -1;
            put_u32(entry(head, i) + 4, crc_finish(&w.crc));
        } else if (for_each_chunk(&sections[i], tmp, write_chunk, fp) != 0) {
            return -1;
        }
        pos = start + sections[i].size;
    }
    return 0;
}

/* A file: header placeholder, sections (checksummed as they go), then the
 * real header. A pipe or a device: checksums first, then everything in
 * order, reading each section twice. */
static int write_all(trec_outfile *out, uint8_t *head, size_t head_len,
                     const trec_section *sections, size_t count, uint8_t *tmp, uint8_t *cksm)
{
    if (out->tmp_path) {
        return fwrite(head, 1, head_len, out->fp) != head_len ||
               write_sections(out->fp, head, head_len, sections, count, tmp, 1, cksm) != 0 ||
               (seal_header(head, head_len), fseek(out->fp, 0, SEEK_SET) != 0) ||
               fwrite(head, 1, head_len, out->fp) != head_len
                   ? -1 : 0;
    }
    for (size_t i = 0; i < count; i++) {
        crc_state st = {.out = chunk_out(sections, count, i, cksm)};
        for_each_chunk(&sections[i], tmp, crc_chunk, &st);
        put_u32(entry(head, i) + 4, crc_finish(&st));
    }
    seal_header(head, head_len);
    return fwrite(head, 1, head_len, out->fp) != head_len ||
           write_sections(out->fp, head, head_len, sections, count, tmp, 0, NULL) != 0
               ? -1 : 0;
}

/* The sections to write: the caller's, and CKSM when one of them is longer
 * than a chunk (*cksm: its bytes, the CRCs filled in as the others are
 * checksummed; NULL without). *all is sections itself or a new array. */
static int with_chunk_sums(const trec_section *sections, size_t count, trec_section **all,
                           size_t *n_all, uint8_t **cksm, trec_error *err)
{
    uint64_t chunks = 0;
    int large = 0;
    for (size_t i = 0; i < count; i++) {
        large |= sections[i].size > TREC_CHUNK_SIZE;
        chunks += (sections[i].size + TREC_CHUNK_SIZE - 1) / TREC_CHUNK_SIZE;
    }
    *all = (trec_section *)sections;
    *n_all = count;
    *cksm = NULL;
    if (!large)
        return 0;
    if (count + 1 > TREC_MAX_SECTIONS)
        return trec_fail(err, "too many sections (%zu)", count + 1);
    *all = trec_malloc((count + 1) * sizeof **all, err);
    *cksm = *all ? trec_calloc(1, 8 + 4 * chunks, err) : NULL;
    if (!*cksm) {
        free(*all);
        *all = NULL;
        return -1;
    }
    memcpy(*all, sections, count * sizeof **all);
    put_u64(*cksm, TREC_CHUNK_SIZE);
    (*all)[count] = (trec_section){.tag = TREC_TAG(TREC_CHUNK_TAG), .size = 8 + 4 * chunks,
                                   .data = *cksm};
    *n_all = count + 1;
    return 0;
}

int trec_container_write(const char *path, uint32_t kind,
                         const trec_section *sections, size_t count,
                         trec_error *err)
{
    if (count > TREC_MAX_SECTIONS)
        return trec_fail(err, "%s: too many sections (%zu)", path, count);
    trec_section *all;
    size_t n_all;
    uint8_t *cksm;
    if (with_chunk_sums(sections, count, &all, &n_all, &cksm, err) != 0)
        return -1;
    size_t head_len = TREC_HEADER_SIZE + n_all * TREC_SECTION_ENTRY_SIZE;
    uint8_t *head = trec_calloc(1, head_len, err);
    uint8_t *tmp = head ? trec_malloc(CHUNK, err) : NULL;
    trec_outfile out;
    if (!tmp || trec_outfile_open(&out, path, err) != 0) {
        free(head);
        free(tmp);
        if (cksm)
            free(all);
        free(cksm);
        return -1;
    }
    layout(head, kind, all, n_all);
    int bad = write_all(&out, head, head_len, all, n_all, tmp, cksm);
    free(head);
    free(tmp);
    if (cksm)
        free(all);
    free(cksm);
    if (bad) {
        int e = trec_fail_errno(err, "%s: write failed",
                                strcmp(path, "-") == 0 ? "<stdout>" : path);
        trec_outfile_abort(&out);
        return e;
    }
    return trec_outfile_commit(&out, err);
}

void trec_container_free(trec_container *c)
{
    if (c->mapped)
        munmap(c->buf, c->len);
    else
        free(c->buf);
    free(c->name);
    free(c->chunk_ok);
    memset(c, 0, sizeof *c);
}

/* A hint for a file that is not a trec file: a text or gzip file was
 * probably meant to be ingested first. */
static const char *input_hint(const uint8_t *buf, size_t len)
{
    if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        return ": it is gzip-compressed data (run trec-ingest first to make a matrix)";
    size_t n = len < 512 ? len : 512;
    if (n == 0)
        return "";
    for (size_t i = 0; i < n; i++)
        if (buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
            return "";
    return ": it looks like text, such as a CSV file (run trec-ingest first to make a "
           "matrix)";
}

/* Checks the header and the section table in buf[0..len). A whole file
 * must be as long as its header says; a head (the first bytes of a stream,
 * at least the header and the table when they are valid) need not. */
static int check_header(const uint8_t *buf, size_t len, int whole, const char *name,
                        uint32_t expect_kind, trec_container *c, trec_error *err)
{
    size_t prefix = len < 8 ? len : 8;
    if (len > 0 && len < TREC_HEADER_SIZE && memcmp(buf, TREC_MAGIC, prefix) == 0)
        return trec_fail(err, "%s: truncated trec file (%zu bytes)", name, len);
    if (len < TREC_HEADER_SIZE || memcmp(buf, TREC_MAGIC, 8) != 0) {
        if (len >= 4 && memcmp(buf, "TREC", 4) == 0)
            return trec_fail(err, "%s: damaged trec file header (bad magic bytes; "
                             "was it transferred in text mode?)", name);
        return trec_fail(err, "%s: not a trec file (bad magic)%s", name,
                         input_hint(buf, len));
    }
    c->version = get_u32(buf + 8);
    if (c->version != TREC_FORMAT_VERSION)
        return trec_fail(err, "%s: unsupported trec format version %u (this "
                         "build reads version %u)", name, c->version, TREC_FORMAT_VERSION);
    c->kind = get_u32(buf + 12);
    uint64_t file_size = get_u64(buf + 16);
    c->count = get_u32(buf + 24);
    c->header_crc = get_u32(buf + 28);
    if (whole ? file_size != len : file_size < len)
        return trec_fail(err, "%s: file is %zu bytes but its header says %llu "
                         "(truncated or damaged)", name, len, (unsigned long long)file_size);
    if (c->count > TREC_MAX_SECTIONS)
        return trec_fail(err, "%s: corrupt header: %u sections (at most %u)",
                         name, c->count, TREC_MAX_SECTIONS);
    size_t head_len = TREC_HEADER_SIZE + (size_t)c->count * TREC_SECTION_ENTRY_SIZE;
    if (head_len > len)
        return trec_fail(err, "%s: truncated section table", name);
    uint32_t crc = trec_crc32(0, buf, 28);
    crc = trec_crc32(crc, buf + TREC_HEADER_SIZE, head_len - TREC_HEADER_SIZE);
    if (crc != get_u32(buf + 28))
        return trec_fail(err, "%s: header checksum mismatch (file is corrupt)", name);
    if (c->kind != TREC_KIND_MATRIX && c->kind != TREC_KIND_MODEL)
        return trec_fail(err, "%s: unknown file kind %u", name, c->kind);
    if (expect_kind && c->kind != expect_kind)
        return trec_fail(err, "%s: is a %s file, expected a %s file", name,
                         trec_kind_name(c->kind), trec_kind_name(expect_kind));
    return 0;
}

static int is_listed(uint32_t tag, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == tag)
            return 1;
    return 0;
}

static uint64_t chunks_of(uint64_t size, uint64_t chunk)
{
    return size / chunk + (size % chunk != 0);
}

/* CKSM, when the file has one: its chunk size must be a power of two from
 * 64 KiB to 1 GiB and its length fit the section table exactly. */
static int parse_chunk_sums(const uint8_t *buf, const char *name, trec_container *c,
                            trec_error *err)
{
    uint32_t at = c->count;
    for (uint32_t i = 0; i < c->count; i++)
        if (c->sections[i].tag == TREC_TAG(TREC_CHUNK_TAG))
            at = i;
    if (at == c->count)
        return 0;
    uint64_t size = c->sections[at].size, chunk = size >= 8 ? get_u64(buf + c->sections[at].offset) : 0;
    int ok = chunk >= (1u << 16) && chunk <= (1u << 30) && (chunk & (chunk - 1)) == 0;
    uint64_t n = 0;
    for (uint32_t i = 0; ok && i < c->count; i++) {
        c->sections[i].chunk0 = n;
        n += i == at ? 0 : chunks_of(c->sections[i].size, chunk);
    }
    if (!ok || (size - 8) / 4 != n || (size - 8) % 4 != 0)
        return trec_fail(err, "%s: section %s does not match the section table (file is "
                         "corrupt)", name, TREC_CHUNK_TAG);
    c->chunk_size = chunk;
    c->chunk_crcs = buf + c->sections[at].offset + 8;
    return 0;
}

/* The sections left to lazy verification (marked lazy while the table was
 * parsed): lazy with chunk checksums, else verified whole now. */
static int settle_lazy(const uint8_t *buf, const char *name, trec_container *c,
                       trec_error *err)
{
    for (uint32_t i = 0; i < c->count; i++) {
        if (!c->sections[i].lazy || c->chunk_size)
            continue;
        c->sections[i].lazy = 0;
        if (trec_crc32(0, buf + c->sections[i].offset, (size_t)c->sections[i].size) !=
            c->sections[i].crc) {
            char tn[5];
            trec_tag_name(c->sections[i].tag, tn);
            return trec_fail(err, "%s: checksum mismatch in section %s (file is corrupt)",
                             name, tn);
        }
    }
    return 0;
}

/* Checks the section table in buf against a file of len bytes and, when
 * verify is set (buf then holds the file), the CRC of every section not
 * listed in skip or lazy (those in lazy: see trec_container_map_lazy), and
 * the chunk checksums' layout. */
static int parse_sections(const uint8_t *buf, size_t len, int verify, const char *name,
                          const uint32_t *skip, size_t n_skip, const uint32_t *lazy,
                          size_t n_lazy, trec_container *c, trec_error *err)
{
    uint64_t end = TREC_HEADER_SIZE + (uint64_t)c->count * TREC_SECTION_ENTRY_SIZE;
    for (uint32_t i = 0; i < c->count; i++) {
        const uint8_t *e = buf + TREC_HEADER_SIZE + i * TREC_SECTION_ENTRY_SIZE;
        uint32_t tag = get_u32(e);
        uint64_t off = get_u64(e + 8), size = get_u64(e + 16);
        char tn[5];
        trec_tag_name(tag, tn);
        if (off % TREC_ALIGN != 0 || off < end || off > len || size > len - off)
            return trec_fail(err, "%s: section %s has offset %llu and length %llu, "
                             "outside the %zu-byte file or overlapping", name, tn,
                             (unsigned long long)off, (unsigned long long)size, len);
        if (get_u64(e + 24) != 0)
            return trec_fail(err, "%s: section %s: reserved field is not zero", name, tn);
        for (uint32_t j = 0; j < i; j++)
            if (c->sections[j].tag == tag)
                return trec_fail(err, "%s: section %s appears twice", name, tn);
        int later = verify && is_listed(tag, lazy, n_lazy);
        int check = verify && !is_listed(tag, skip, n_skip) && !later;
        uint32_t crc = check ? trec_crc32(0, buf + off, (size_t)size) : get_u32(e + 4);
        if (crc != get_u32(e + 4))
            return trec_fail(err, "%s: checksum mismatch in section %s (file is corrupt)",
                             name, tn);
        c->sections[i].unverified = is_listed(tag, skip, n_skip);
        c->sections[i].lazy = later;
        c->sections[i].tag = tag;
        c->sections[i].crc = crc;
        c->sections[i].offset = off;
        c->sections[i].size = size;
        end = off + size;
    }
    return verify ? parse_chunk_sums(buf, name, c, err) || settle_lazy(buf, name, c, err) : 0;
}

int trec_container_parse(uint8_t *buf, size_t len, const char *name,
                         uint32_t expect_kind, trec_container *c, trec_error *err)
{
    memset(c, 0, sizeof *c);
    if (check_header(buf, len, 1, name, expect_kind, c, err) != 0 ||
        parse_sections(buf, len, 1, name, NULL, 0, NULL, 0, c, err) != 0) {
        free(buf);
        memset(c, 0, sizeof *c);
        return -1;
    }
    c->buf = buf;
    c->len = len;
    c->name = strdup(name);
    if (!c->name) {
        trec_container_free(c);
        return trec_fail(err, "out of memory");
    }
    return 0;
}

/* Grows *buf (trec_aligned_alloc'd, one spare byte) to hold cap bytes. */
static int reserve(uint8_t **buf, size_t *cap, size_t len, uint64_t want, trec_error *err)
{
    if (want <= *cap)
        return 0;
    uint8_t *nb = trec_aligned_alloc((size_t)want + 1, err);
    if (!nb)
        return -1;
    memcpy(nb, *buf, len);
    free(*buf);
    *buf = nb;
    *cap = (size_t)want;
    return 0;
}

/* Reads up to want more bytes into *buf, growing it as the bytes arrive
 * (never beyond twice what was read): *len is the fill. */
static int read_up_to(FILE *fp, const char *name, uint8_t **buf, size_t *cap,
                      size_t *len, uint64_t want, trec_error *err)
{
    uint64_t end = *len + want;
    while (*len < end) {
        if (*len == *cap &&
            reserve(buf, cap, *len, *cap * 2 < end ? *cap * 2 : end, err) != 0)
            return -1;
        size_t room = (end < *cap ? (size_t)end : *cap) - *len;
        size_t got = fread(*buf + *len, 1, room, fp);
        *len += got;
        if (got == 0) {
            if (ferror(fp))
                return trec_fail_errno(err, "%s: read failed", name);
            break;
        }
    }
    return 0;
}

/* Reads a container: the header and the section table first, checked,
 * then no more than the size the header declares, so that neither
 * /dev/zero nor a valid header followed by an endless stream is read
 * without end, and memory grows with the bytes actually there, not with a
 * forged size. A file longer than its header says is refused. */
static int read_container_bytes(const char *path, uint32_t expect_kind, uint8_t **buf,
                                size_t *len, trec_error *err)
{
    const char *name = trec_display_name(path);
    size_t cap = 1 << 16;
    *len = 0;
    FILE *fp = trec_open_input(path, err);
    if (!fp)
        return -1;
    struct stat st;
    int regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    int rc = -1;
    trec_container c;
    *buf = trec_aligned_alloc(cap + 1, err);
    if (!*buf || read_up_to(fp, name, buf, &cap, len, TREC_HEADER_SIZE, err) != 0)
        goto done;
    rc = 0;
    if (*len < TREC_HEADER_SIZE || memcmp(*buf, TREC_MAGIC, 8) != 0)
        goto done;      /* trec_container_parse says what is wrong */
    uint64_t declared = get_u64(*buf + 16), table = 32ull * get_u32(*buf + 24);
    if (table <= 32ull * TREC_MAX_SECTIONS &&
        read_up_to(fp, name, buf, &cap, len, table, err) != 0)
        rc = -1;
    else if (check_header(*buf, *len, 0, name, expect_kind, &c, err) != 0)
        rc = -1;
    else if (regular && (uint64_t)st.st_size > declared)
        rc = trec_fail(err, "%s: file is %llu bytes but its header says %llu "
                       "(damaged)", name, (unsigned long long)st.st_size,
                       (unsigned long long)declared);
    else if ((regular && reserve(buf, &cap, *len, (uint64_t)st.st_size, err) != 0) ||
             read_up_to(fp, name, buf, &cap, len, declared - *len, err) != 0)
        rc = -1;
    else if (*len == declared && fgetc(fp) != EOF)
        rc = trec_fail(err, "%s: more bytes than the %llu its header says (damaged, "
                       "or not a single trec file)", name, (unsigned long long)declared);
done:
    trec_close_input(fp);
    if (rc != 0) {
        free(*buf);
        *buf = NULL;
    } else {
        (*buf)[*len] = 0;
    }
    return rc;
}

int trec_container_read(const char *path, uint32_t expect_kind,
                        trec_container *c, trec_error *err)
{
    uint8_t *buf;
    size_t len;
    memset(c, 0, sizeof *c);
    if (read_container_bytes(path, expect_kind, &buf, &len, err) != 0)
        return -1;
    return trec_container_parse(buf, len, trec_display_name(path), expect_kind, c, err);
}

/* Maps a regular file of at least the header's size: 0 and *buf, *len set,
 * or -1 (not mappable: read it instead). */
static int map_file(const char *path, uint8_t **buf, size_t *len)
{
    if (strcmp(path, "-") == 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= TREC_HEADER_SIZE &&
        (uint64_t)st.st_size <= SIZE_MAX)
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return -1;
    *buf = p;
    *len = (size_t)st.st_size;
    return 0;
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/* Faults in the pages of the sections to be checked in one call each (a
 * hint: older kernels refuse it, and the pages then fault in as read);
 * those in skip and lazy are left to fault in if they are read. */
static void populate(uint8_t *buf, size_t len, uint32_t count, const uint32_t *skip,
                     size_t n_skip, const uint32_t *lazy, size_t n_lazy)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = buf + TREC_HEADER_SIZE + i * TREC_SECTION_ENTRY_SIZE;
        uint64_t off = get_u64(e + 8), size = get_u64(e + 16);
        if (is_listed(get_u32(e), skip, n_skip) || is_listed(get_u32(e), lazy, n_lazy) ||
            off > len || size > len - off || !size)
            continue;
        uint64_t a = off / (uint64_t)page * (uint64_t)page;
        madvise(buf + a, (size_t)(off + size - a), MADV_POPULATE_READ);
    }
}

int trec_container_map(const char *path, uint32_t expect_kind, const uint32_t *skip,
                       size_t n_skip, trec_container *c, trec_error *err)
{
    return trec_container_map_lazy(path, expect_kind, skip, n_skip, NULL, 0, c, err);
}

int trec_container_map_lazy(const char *path, uint32_t expect_kind, const uint32_t *skip,
                            size_t n_skip, const uint32_t *lazy, size_t n_lazy,
                            trec_container *c, trec_error *err)
{
    uint8_t *buf;
    size_t len;
    memset(c, 0, sizeof *c);
    if (map_file(path, &buf, &len) != 0)
        return trec_container_read(path, expect_kind, c, err);
    const char *name = trec_display_name(path);
    trec_error e2;
    if (check_header(buf, len, 1, name, expect_kind, c, &e2) == 0)
        populate(buf, len, c->count, skip, n_skip, lazy, n_lazy);
    if (check_header(buf, len, 1, name, expect_kind, c, &e2) != 0 ||
        parse_sections(buf, len, 1, name, skip, n_skip, lazy, n_lazy, c, &e2) != 0) {
        /* A bad file: the reading path says what is wrong, in its words. */
        munmap(buf, len);
        return trec_container_read(path, expect_kind, c, err);
    }
    c->buf = buf;
    c->len = len;
    c->mapped = 1;
    c->name = strdup(name);
    uint64_t chunks = c->chunk_size ? (uint64_t)(c->len / c->chunk_size) + c->count : 0;
    if (chunks)
        c->chunk_ok = calloc(chunks, 1); /* more than the CRCs in CKSM */
    if (!c->name || (chunks && !c->chunk_ok)) {
        trec_container_free(c);
        return trec_fail(err, "out of memory");
    }
    return 0;
}

const void *trec_container_find(const trec_container *c, uint32_t tag, uint64_t *size)
{
    for (uint32_t i = 0; i < c->count; i++) {
        if (c->sections[i].tag == tag && !c->sections[i].unverified && !c->sections[i].lazy) {
            if (size)
                *size = c->sections[i].size;
            return c->buf + c->sections[i].offset;
        }
    }
    return NULL;
}

const void *trec_container_find_lazy(const trec_container *c, uint32_t tag, uint64_t *size)
{
    for (uint32_t i = 0; i < c->count; i++) {
        if (c->sections[i].tag == tag && c->sections[i].lazy) {
            if (size)
                *size = c->sections[i].size;
            return c->buf + c->sections[i].offset;
        }
    }
    return trec_container_find(c, tag, size);
}

int trec_container_verify_range(trec_container *c, uint32_t tag, uint64_t off, uint64_t len,
                                trec_error *err)
{
    uint32_t i = 0;
    while (i < c->count && c->sections[i].tag != tag)
        i++;
    if (i == c->count || !c->sections[i].lazy || len == 0)
        return 0; /* verified whole (or absent: its reader said so) */
    uint64_t size = c->sections[i].size, C = c->chunk_size;
    if (off > size || len > size - off)
        return trec_fail(err, "%s: internal error: bytes %llu..%llu outside a section", c->name,
                         (unsigned long long)off, (unsigned long long)(off + len));
    for (uint64_t k = off / C; k <= (off + len - 1) / C; k++) {
        uint64_t n = c->sections[i].chunk0 + k, at = k * C;
        if (c->chunk_ok[n])
            continue;
        size_t piece = (size_t)(size - at < C ? size - at : C);
        if (trec_crc32(0, c->buf + c->sections[i].offset + at, piece) !=
            get_u32(c->chunk_crcs + 4 * n)) {
            char tn[5];
            trec_tag_name(tag, tn);
            return trec_fail(err, "%s: checksum mismatch in section %s, bytes %llu..%llu "
                             "(file is corrupt)", c->name, tn, (unsigned long long)at,
                             (unsigned long long)(at + piece));
        }
        c->chunk_ok[n] = 1;
    }
    return 0;
}

/* ---- the head alone, for readers of parts of sections ---- */

/* Reads up to n bytes at off into buf (zero-filled beyond the end). */
static int pread_some(int fd, const char *name, void *buf, size_t n, uint64_t off,
                      trec_error *err)
{
    memset(buf, 0, n);
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
        if (r < 0)
            return trec_fail_errno(err, "%s: read failed", name);
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return 0;
}

int trec_container_read_head(int fd, const char *name, uint32_t expect_kind,
                             trec_container *c, trec_error *err)
{
    struct stat st;
    uint8_t head[TREC_HEADER_SIZE + TREC_MAX_SECTIONS * TREC_SECTION_ENTRY_SIZE];
    memset(c, 0, sizeof *c);
    if (fstat(fd, &st) != 0)
        return trec_fail_errno(err, "%s: cannot stat", name);
    if (!S_ISREG(st.st_mode))
        return trec_fail(err, "%s: not a regular file (parts of a file are read at their "
                         "offsets: give a file, not a pipe or standard input)", name);
    size_t len = (size_t)st.st_size;
    if (pread_some(fd, name, head, TREC_HEADER_SIZE, 0, err) != 0)
        return -1;
    uint64_t count = len >= TREC_HEADER_SIZE ? get_u32(head + 24) : 0;
    if (count <= TREC_MAX_SECTIONS &&
        pread_some(fd, name, head + TREC_HEADER_SIZE, count * TREC_SECTION_ENTRY_SIZE,
                   TREC_HEADER_SIZE, err) != 0)
        return -1;
    if (check_header(head, len, 1, name, expect_kind, c, err) != 0 ||
        parse_sections(head, len, 0, name, NULL, 0, NULL, 0, c, err) != 0) {
        memset(c, 0, sizeof *c);
        return -1;
    }
    c->len = len;
    c->header_crc = get_u32(head + 28);
    c->name = strdup(name);
    if (!c->name) {
        trec_container_free(c);
        return trec_fail(err, "out of memory");
    }
    return 0;
}
