/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* ingest_reader.h - the text side of trec-ingest (internal to libtrec):
 * reading delimited text in blocks that end at record boundaries, and
 * tokenizing one block into records.
 *
 * Blocks: the input is read with read() in fixed-size blocks (independent of
 * the thread count, so output never depends on it). Each block is cut after
 * its last newline that lies outside quotes: with quoting on, a newline is a
 * record boundary iff the number of quote characters before it is even (this
 * matches libcsv in strict mode, where quotes only open, close or double);
 * with quoting off every newline is a boundary. The bytes after the cut are
 * carried over to the next block, so every block starts at a record
 * boundary and can be tokenized on its own (in parallel with the others).
 *
 * Tokenizing: blocks containing quote characters go through libcsv in strict
 * mode, fed one physical line at a time so that each record knows the line
 * it starts on (a quoted field may span lines). Blocks without any quote
 * character (the usual ratings file) are tokenized by
 * trec_ingest_tokenize_plain, which follows libcsv's rules for unquoted text
 * without its per-byte callbacks. libcsv can still take such a block whole
 * (CSV_REPALL_NL, so that every line end is reported and counted): tests and
 * the fuzzer check that the three ways give the same records. */
#ifndef TREC_INGEST_READER_H
#define TREC_INGEST_READER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "decompress.h"
#include "error.h"

#define TREC_INGEST_DEFAULT_BLOCK (8u << 20)
#define TREC_INGEST_MSEP_BYTE 0x1F   /* what a multi-byte separator is rewritten to */
#define TREC_INGEST_MAX_FIELDS 1024  /* fields kept per record (more are counted) */
#define TREC_INGEST_MAX_RECORD (64u << 20) /* bytes in one record (or the block size) */

typedef struct trec_ingest_field {
    const char *p;
    size_t n;
} trec_ingest_field;

typedef struct trec_ingest_dialect {
    unsigned char delim;     /* the one-byte delimiter the tokenizer sees */
    char msep[16];           /* a multi-byte separator ("::"), rewritten to */
    size_t msep_len;         /* TREC_INGEST_MSEP_BYTE before tokenizing; 0: none */
    int quote;               /* quote byte, or -1: quoting off */
} trec_ingest_dialect;

/* Sets up a dialect from a --sep value (NULL: ","; "tab", "comma",
 * "semicolon", "space", "pipe", any single character, or a string of 2..15
 * bytes such as "::") and a --quote value (NULL: '"', except for tab and
 * multi-byte separators where quoting is off; "none"; one character). */
int trec_ingest_dialect_init(trec_ingest_dialect *d, const char *sep, const char *quote,
                             trec_error *err);

/* Zeroed arrays: large ones straight from mmap, so that freeing one gives the
 * memory back to the system at once (keeps trec-ingest's peak memory down),
 * small ones from the heap. grow and free take the size the array has. */
void *trec_ingest_mem_alloc(size_t n, trec_error *err);
void *trec_ingest_mem_grow(void *p, size_t old_n, size_t new_n, trec_error *err);
void trec_ingest_mem_free(void *p, size_t n);
/* The same, 2 MiB-aligned with the 2 MiB pages inside asked to be huge
 * pages (trec_ingest_mem_hugepages), when n is large (at least 4 MiB): for
 * arrays written nearly whole. Freed with trec_ingest_mem_free(p, n). */
void *trec_ingest_mem_alloc_huge(size_t n, trec_error *err);
/* Asks for transparent huge pages on the 2 MiB pages inside [p, p+n): only
 * for buffers that get filled whole (a huge page counts whole in memory). */
void trec_ingest_mem_hugepages(void *p, size_t n);
/* Maps the pages of [p, p+n) in one system call (MADV_POPULATE_WRITE)
 * instead of one page fault per 4 KiB page as they are first written: only
 * for memory about to be written whole. A hint: where the kernel refuses,
 * the pages fault in as before. */
void trec_ingest_mem_populate(void *p, size_t n);

typedef struct trec_ingest_block {
    char *text;              /* text[len] is a '\n' sentinel */
    size_t len, cap;
    uint64_t index;          /* 0, 1, ... in file order */
    int last;                /* the final block (may lack a final newline) */
    int prepared;            /* multi-byte separators rewritten */
} trec_ingest_block;

typedef struct trec_ingest_reader {
    int fd, close_fd;
    trec_input in;           /* fd, inflated if it is gzip-compressed */
    int have_in;
    const char *mem;         /* or an in-memory input */
    size_t mem_len, mem_pos;
    size_t block_size;
    int quote;
    char *carry;             /* bytes after the last cut */
    size_t carry_len, carry_cap;
    int eof;
    int long_record;         /* the error: a record beyond the limit */
    uint64_t nblocks;
    const char *name;
    /* Block buffers given back after parsing, reused so that each block
     * does not pay for fresh pages (a page fault per 4 KiB). */
    pthread_mutex_t spare_mu;
    char *spare[4];
    int nspare;
} trec_ingest_reader;

/* path "-" is stdin. name is used in messages. */
int trec_ingest_reader_open(trec_ingest_reader *r, const char *path, size_t block_size,
                            int quote, trec_error *err);
int trec_ingest_reader_open_mem(trec_ingest_reader *r, const char *data, size_t len,
                                const char *name, size_t block_size, int quote);
void trec_ingest_reader_close(trec_ingest_reader *r);
/* Reads the next block: 1 = got one, 0 = end of input, -1 = error. A UTF-8
 * byte order mark at the start of the input is dropped. A record (a line, or
 * lines joined by a quoted field) may be as long as the block size or
 * TREC_INGEST_MAX_RECORD, whichever is larger; a longer one is an error
 * (long_record set) that the caller locates with trec_ingest_reader_locate. */
int trec_ingest_reader_next(trec_ingest_reader *r, trec_ingest_block *b, trec_error *err);
/* After a failed trec_ingest_reader_next: if the problem is a record, adds
 * the input's name and line (that of the block the record starts) to err. */
void trec_ingest_reader_locate(const trec_ingest_reader *r, uint64_t line,
                               trec_error *err);
void trec_ingest_block_free(trec_ingest_block *b);
/* Gives a parsed block's buffer back to r for reuse (thread-safe). */
void trec_ingest_reader_recycle(trec_ingest_reader *r, trec_ingest_block *b);
/* Frees the buffers kept for reuse: once no more blocks will be read, they
 * would only add to the peak memory of what follows. */
void trec_ingest_reader_drop_spares(trec_ingest_reader *r);

/* Called for each record: the first min(nf, maxstore) fields, the field
 * count nf, and the record's line (0-based, relative to the block start).
 * Returns 0 to go on, 1 to stop (trec_ingest_tokenize then returns 1), or -1
 * with err set (a message without location: the caller adds file and line). */
typedef int (*trec_ingest_record_fn)(void *ctx, const trec_ingest_field *f, size_t nf,
                                     uint64_t line, trec_error *err);

/* Rewrites multi-byte separators in place (once per block). */
void trec_ingest_block_prepare(const trec_ingest_dialect *d, trec_ingest_block *b);
/* Tokenizes a prepared block. On return *nlines holds the number of '\n' in
 * the block (when it ran to the end). On -1, *err_line is the relative line
 * of the problem and err holds the message (without file:line). */
int trec_ingest_tokenize(const trec_ingest_dialect *d, const trec_ingest_block *b,
                         size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                         uint64_t *nlines, uint64_t *err_line, trec_error *err);

/* Copies field text for a message: at most 40 bytes, control and non-ASCII
 * bytes shown as '?', "..." when cut. */
void trec_ingest_show(char *out, size_t outsz, const char *s, size_t n);

/* trec_ingest_tokenize's way for a block without quote characters (the
 * caller checks that none is there, and with quoting off that no NUL is). */
int trec_ingest_tokenize_plain(const trec_ingest_dialect *d, const trec_ingest_block *b,
                               size_t maxstore, trec_ingest_record_fn fn, void *ctx,
                               uint64_t *nlines, uint64_t *err_line, trec_error *err);

/* For tests, process-wide: 1 makes every block go through libcsv's
 * record-by-record path (quote-free ones too, where quoting is on), 2 gives
 * quote-free blocks to libcsv whole; 0 (the default) tokenizes them with
 * trec_ingest_tokenize_plain. The ways are tested against each other. */
void trec_ingest_reader_force_libcsv(int mode);

#endif
