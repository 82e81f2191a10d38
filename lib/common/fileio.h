/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fileio.h - safe input and output files.
 *
 * Outputs are written to a temporary file next to the target and renamed into
 * place on commit, so a failed or interrupted run never leaves a half-written
 * file and never clobbers a good one (trec-formats(5), WRITING). "-" means
 * stdout; a path naming a descriptor (/dev/stdout, /dev/fd/N, also through
 * symbolic links) writes to that descriptor, and an existing device or pipe
 * (/dev/null, a FIFO) is written directly. A symbolic link is followed: its
 * target is replaced, not the link. A replaced file keeps its mode (and
 * owner, where allowed).
 * Inputs: "-" means stdin. */
#ifndef TREC_FILEIO_H
#define TREC_FILEIO_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trec_outfile {
    FILE *fp;          /* write here */
    char *path;        /* final path, or NULL for stdout */
    char *tmp_path;    /* temporary path, or NULL for stdout */
    int slot;          /* index in the interrupt-cleanup registry */
} trec_outfile;

/* Opens a temporary file in the directory of path (or stdout for "-"). */
int trec_outfile_open(trec_outfile *out, const char *path, trec_error *err);
/* Flushes, fsyncs, closes and renames the temporary file into place, then
 * fsyncs the directory, so that a power loss leaves the old file or the
 * complete new one. Checks every write error (disk full shows up here). On
 * failure the temp file is removed. */
int trec_outfile_commit(trec_outfile *out, trec_error *err);
/* Removes the temporary file; the target is left untouched. */
void trec_outfile_abort(trec_outfile *out);
/* 1 if path is written straight into a stream (stdout, a descriptor, a
 * device, a FIFO) rather than through a temporary file and a rename. */
int trec_output_is_stream(const char *path);
/* 1 if outputs a and b would replace the same file: the same path after
 * following symbolic links and resolving the directories ("X", "./X", a
 * link to X, X through a linked directory), or the same existing file
 * (device and inode: hard links). Streams ("-", descriptors, devices,
 * FIFOs) are never the same file here: the caller decides about two "-". */
int trec_output_same_file(const char *a, const char *b);

/* Reads a whole file ("-": stdin) into a 64-byte aligned buffer, which the
 * caller frees with free(). A NUL byte is appended (not counted in *len). */
int trec_read_file(const char *path, uint8_t **buf, size_t *len, trec_error *err);

/* Opens an input for streaming ("-": stdin). */
FILE *trec_open_input(const char *path, trec_error *err);
void trec_close_input(FILE *fp);

/* The name to use for path in messages ("<stdin>" for "-"). */
const char *trec_display_name(const char *path);

#ifdef __cplusplus
}
#endif

#endif
